"""Sources stay real: every AWS page the handbook links is on the recorded list in sources.yml, with the date it was
read, and no link goes to a legacy page that AWS has moved. Fast: reads the Markdown and Python sources, builds no site.
"""
import datetime
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCES = yaml.safe_load((ROOT / "sources.yml").read_text())
PAGES = SOURCES["pages"]
LEGACY = [(re.compile(item["pattern"]), item["use"]) for item in SOURCES["legacy"]]

# Hosts that serve AWS documentation, blogs and knowledge articles. Service endpoints (sts.us-east-1.amazonaws.com,
# sqs...) and the console are not pages anyone reads, so they are left out on purpose.
PAGE_HOSTS = {"docs.aws.amazon.com", "aws.amazon.com", "repost.aws", "awscli.amazonaws.com",
              "support.aws.amazon.com", "docs.amazonaws.cn"}
URL = re.compile(r"https?://([A-Za-z0-9.-]+)(/[^\s)\"'<>`\]\\]*)?")

# What the site is built from: the pages, the snippets they include, the notebooks it renders, and the checks'
# `references` (rendered into the checks reference and into every finding).
SCANNED = [*sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "snippets").glob("*")),
           *sorted((ROOT / "notebooks").glob("*.ipynb")), *sorted((ROOT / "src/rootaudit/checks").glob("*.py"))]

KNOWN_LEGACY = [  # pages AWS has moved; the legacy patterns must keep catching them
    "https://docs.aws.amazon.com/general/latest/gr/root-vs-iam.html",
    "https://docs.aws.amazon.com/general/latest/gr/aws_tasks-that-require-root.html",
    "https://docs.aws.amazon.com/accounts/latest/reference/root-user-tasks.html",
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
    "https://aws.amazon.com/premiumsupport/knowledge-center/reset-mfa-device/",
]


def aws_links(text: str) -> set[str]:
    """AWS page links in a text, with trailing punctuation removed (the #fragment is kept)."""
    found = set()
    for match in URL.finditer(text):
        host = match.group(1).lower()
        if host in PAGE_HOSTS:
            found.add(match.group(0).rstrip(".,;:"))
    return found


def page_of(url: str) -> str:
    return url.split("#", 1)[0]


def links_by_file() -> dict[str, set[str]]:
    out = {}
    for path in SCANNED:
        if path.is_file():
            links = aws_links(path.read_text(encoding="utf-8"))
            if links:
                out[str(path.relative_to(ROOT))] = links
    return out


def test_the_scan_finds_the_links_it_should():
    found = links_by_file()
    # A scanner that finds nothing would pass every test below: make sure it sees known links in each kind of file.
    assert any(f.startswith("docs/") for f in found)
    assert any(f.startswith("snippets/") for f in found)
    assert any(f.startswith("src/rootaudit/checks/") for f in found)
    assert aws_links("see [x](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks).") \
        == {"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks"}
    assert aws_links("endpoint https://sts.us-east-1.amazonaws.com and https://example.com/x") == set()


def test_every_aws_link_is_on_the_recorded_list():
    missing = sorted(f"{file}: {page_of(url)}" for file, urls in links_by_file().items()
                     for url in urls if page_of(url) not in PAGES)
    assert not missing, ("AWS pages linked but not recorded in sources.yml (read them, then add each with the date):\n"
                         + "\n".join(missing))


def test_no_link_goes_to_a_legacy_page():
    stale = sorted(f"{file}: {url} -> use {use}" for file, urls in links_by_file().items()
                   for url in urls for pattern, use in LEGACY if pattern.search(url))
    assert not stale, "links to pages AWS has moved:\n" + "\n".join(stale)


def test_no_legacy_page_is_recorded_as_read():
    stale = [url for url in PAGES for pattern, _ in LEGACY if pattern.search(url)]
    assert not stale, f"sources.yml lists legacy pages: {stale}"


@pytest.mark.parametrize("url", KNOWN_LEGACY)
def test_the_legacy_patterns_catch_known_moved_pages(url):
    assert any(pattern.search(url) for pattern, _ in LEGACY), f"{url} is a moved page but no legacy pattern matches it"


def test_each_recorded_page_says_what_it_is_and_when_it_was_read():
    bad = []
    for url, entry in PAGES.items():
        if "#" in url or URL.fullmatch(url) is None or URL.fullmatch(url).group(1) not in PAGE_HOSTS:
            bad.append(f"{url}: key must be an AWS page URL without #fragment")
        if not isinstance(entry, dict) or not str(entry.get("title") or "").strip():
            bad.append(f"{url}: no title")
            continue
        read = entry.get("read")
        if not isinstance(read, datetime.date) or not datetime.date(2024, 1, 1) <= read <= datetime.date.today():
            bad.append(f"{url}: read must be a date (YYYY-MM-DD), not {read!r}")
        if entry.get("via") not in {"search", "review", "unverified"}:
            bad.append(f"{url}: via must be search, review or unverified")
        if entry.get("via") == "unverified" and not entry.get("note"):
            bad.append(f"{url}: an unverified page needs a note saying why it is still linked")
    assert not bad, "\n".join(bad)
