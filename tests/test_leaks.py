"""Nothing leaks: no access keys and no account ids other than the documented example ids in what we publish."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ["docs", "notebooks", "snippets", "README.md", "CONTRIBUTING.md"]
# AWS's documented example ids, and the emulated accounts' ids (never real accounts).
EXAMPLE_ACCOUNTS = {"123456789012", "111122223333", "444455556666", "210987654321"}
EMULATED_ACCOUNT = re.compile(r"^1000000000\d\d$")
ACCESS_KEY = re.compile(r"\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b")
SECRET = re.compile(r"(?i)(secret_access_key|SecretAccessKey)\W{1,5}[A-Za-z0-9/+=]{40}\b")
ACCOUNT_ID = re.compile(r"(?<![\w-])\d{12}(?![\w-])")


def published_files():
    for name in PUBLISHED:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for f in files:
            if f.suffix in (".md", ".ipynb", ".json", ".txt", ".yml", ".yaml", ".py", ".css", ".html"):
                yield f


def test_no_access_keys_or_secrets():
    found = []
    for f in published_files():
        text = f.read_text(encoding="utf-8")
        found += [f"{f.relative_to(ROOT)}: {m.group(0)}" for m in ACCESS_KEY.finditer(text)
                  if "EXAMPLE" not in m.group(0)]
        found += [f"{f.relative_to(ROOT)}: secret" for _ in SECRET.finditer(text)]
    assert not found, found


def test_only_example_account_ids():
    found = []
    for f in published_files():
        for m in ACCOUNT_ID.finditer(f.read_text(encoding="utf-8")):
            if m.group(0) not in EXAMPLE_ACCOUNTS and not EMULATED_ACCOUNT.match(m.group(0)):
                found.append(f"{f.relative_to(ROOT)}: {m.group(0)}")
    assert not found, f"account ids that are not documented examples: {found}"


def test_the_scanner_would_catch_a_leak(tmp_path):
    """The patterns above are not vacuous."""
    assert ACCESS_KEY.search("key AKIA" + "ABCDEFGHIJKLMNOP here")
    assert ACCOUNT_ID.search("arn:aws:iam::" + "987654321098" + ":root")
    assert not ACCOUNT_ID.search("00000000-0000-0000-0000-000000000001")
