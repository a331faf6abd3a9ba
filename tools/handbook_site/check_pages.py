"""A page per check at checks/<id>/, generated from the catalogue, with real examples from the emulated account.

The pages are one-line stubs in docs/checks/ (git-ignored), written before the build collects its files: by the
macros module when MkDocs loads it (define_env runs in on_config, before the docs folder is read), and by
`python -m handbook_site.check_pages` for a builder that reads the folder first (Zensical). The content is the
check_page() macro, so everything on the page comes from the Check entry and from scans of the emulated account.
"""
from __future__ import annotations

import json
import threading

from rootaudit.checks import CATALOGUE

from . import ROOT

FOLDER = ROOT / "docs" / "checks"
# The id as the page's tag: Material's search weighs tags far above titles and text, so searching a check id puts
# its page first (its words alone, e.g. "root" or "mfa", also appear in how-to titles, which a plain boost cannot beat).
STUB = '---\ntitle: "{id}: {title}"\ntags:\n  - {id}\n---\n\n{{{{ check_page("{id}") }}}}\n'
# The scenarios whose single-account scans give each check's examples, in the order they are tried.
EXAMPLE_SCENARIOS = ("demo", "neglected", "hardened", "member-no-root-credentials", "standalone")

_examples: dict[str, dict[str, list[tuple[str, dict]]]] = {}
_lock = threading.Lock()


def write_stubs() -> int:
    """Make docs/checks/ hold exactly one stub per check; rewrite only what changed (so `serve` does not loop)."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    wanted = {f"{c.id}.md": STUB.format(id=c.id, title=c.title.replace('"', "'")) for c in CATALOGUE}
    for name, text in wanted.items():
        path = FOLDER / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for stale in FOLDER.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    return len(wanted)


def examples() -> dict[str, list[tuple[str, dict]]]:
    """check id -> [(scenario, finding as a dict)], one per status, from real scans of the emulated account."""
    with _lock:
        if not _examples:
            from rootaudit import config as config_mod
            from rootaudit.engine import scan

            from .nbexec import _lock as emulator_lock
            from .nbexec import emulator

            cfg = config_mod.load(ROOT / "handbook.yml")
            found: dict[str, dict[str, list]] = {}
            for scenario in EXAMPLE_SCENARIOS:
                with emulator_lock:  # the build's one emulator serves one scenario at a time
                    account = emulator().load(scenario)
                    with account.environment():
                        report = scan(session=account.session(), config=cfg)
                for f in report.findings:
                    found.setdefault(f.check_id, {}).setdefault(f.status.value, (scenario, f.to_dict()))
            _examples.update({cid: list(by_status.values()) for cid, by_status in found.items()})
        return _examples


def example_blocks(check_id: str, badge) -> str:
    out = []
    for scenario, finding in examples().get(check_id, []):
        evidence = json.dumps(finding["evidence"], indent=2, sort_keys=True, default=str)
        out.append(f'{badge(finding["status"])} in the emulated scenario `{scenario}`: {finding["reason"]}\n\n'
                   f'??? example "Evidence behind this verdict"\n\n'
                   + "\n".join(f"    {line}" for line in f"```json\n{evidence}\n```".splitlines()))
    return "\n\n".join(out) or "No shipped scenario produces a verdict for this check."



if __name__ == "__main__":
    print(f"{FOLDER.relative_to(ROOT)}: {write_stubs()} check pages")
