"""mkdocs-macros module: organisation values from handbook.yml, and pages generated from the catalogue.

Loaded by path (mkdocs.yml: macros.module_name), so it imports rootaudit absolutely.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/, for `mkdocs build` run without make

from handbook_site import ROOT  # noqa: E402
from rootaudit import config as config_mod  # noqa: E402
from rootaudit.checks import CATALOGUE  # noqa: E402
from rootaudit.findings import Status  # noqa: E402

POLICY_FILE = ROOT / "docs" / "reference" / "rootaudit-policy.json"


def _standards(check) -> str:
    return " · ".join(f"{name} {control}" for name, control in check.standard_refs) or \
        "no CIS or Security Hub equivalent"


def checks_summary() -> str:
    """The checks reference: an index of every check, by topic. Each id keeps its old anchor on this page
    (links published as reference/checks/#<id> still land on the check's row) and links to the check's page."""
    from rootaudit.checks import TOPICS

    out = []
    for topic in TOPICS:
        rows = ["| Check | Severity | What it verifies | Standards |", "|---|---|---|---|"]
        for c in (c for c in CATALOGUE if c.topic == topic):
            standards = "<br>".join(f"{n} {v}" for n, v in c.standard_refs) or "—"
            rows.append(f"| [`{c.id}`]({_rel(f'checks/{c.id}.md')}){{#{c.id}}} | {c.severity} | {c.title} | "
                        f"{standards} |")
        title = _headings(f"notebooks/{topic}.md").get("", topic)
        out.append(f"## {title} {{#topic-{topic}}}\n\nShown in the notebook [{title}]"
                   f"({_rel(f'notebooks/{topic}.md')}).\n\n" + "\n".join(rows))
    return "\n\n".join(out)


def check_page(check_id: str) -> str:
    """The whole page of one check: what, why, how it decides, statuses, a real example, fix, mappings, sources."""
    from handbook_site.check_pages import example_blocks

    c = next(c for c in CATALOGUE if c.id == check_id)
    statuses = "\n".join(f"| {badge(s)} | {c.statuses[s]} |" for s in Status if s in c.statuses)
    standards = "\n".join(f"- {name}: **{control}**" for name, control in c.standard_refs) or \
        "No CIS Benchmark or Security Hub control covers this; the handbook checks it because AWS recommends it."
    refs = "\n".join(f"- <{r}>" for r in c.references) or "- (this check rests on the pages its how-to links)"
    actions = ", ".join(f"`{a}`" for a in c.actions)
    notebook = _headings(f"notebooks/{c.topic}.md").get("", c.topic)
    return f"""# `{c.id}`: {c.title}

Severity **{c.severity}** · notebook [{notebook}]({_rel(f'notebooks/{c.topic}.md')}) ·
[all checks]({_rel('reference/checks.md')})

## What it verifies and why {{#why}}

{c.rationale}

## How it decides {{#how-it-decides}}

{c.decides}

| Status | What it means here |
|---|---|
{statuses}

## An example from the emulated account {{#example}}

Real verdicts of this check on the emulated account, scanned when the handbook was built (one per status the
shipped scenarios produce):

{example_blocks(c.id, badge)}

## Fix a FAIL {{#fix}}

[{fix_title(c)}]({_rel(c.fix)})

## Standards {{#standards}}

{standards}

## Run it {{#run-it}}

```bash
rootaudit scan --checks {c.id}   # your account, read-only
rootaudit demo --checks {c.id}   # the emulated account
```

IAM actions it needs: {actions}.

## AWS sources {{#sources}}

{refs}
"""


# --- Tables that list checks: generated here so that a new check appears on every page without an edit. ---

_state: dict = {}  # the macros environment of the page being rendered (MkDocs keeps one, Zensical makes one a page)


def _current_src() -> str:
    """docs-relative path of the page being rendered ('how-to/index.md')."""
    page = getattr(_state.get("env"), "page", None)
    src = getattr(getattr(page, "file", None), "src_uri", None) or getattr(page, "path", None)
    return str(src or _state.get("src", "index.md"))


def _rel(target: str) -> str:
    """A docs-relative path ('how-to/x.md#a') as a link from the page being rendered."""
    path, _, anchor = target.partition("#")
    rel = os.path.relpath(path, os.path.dirname(_current_src()) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def _headings(path: str) -> dict[str, str]:
    """Heading id -> heading text of a docs page ('' -> its title), read from the Markdown source."""
    import re

    out: dict[str, str] = {}
    for line in (ROOT / "docs" / path).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(#{1,6})\s+(.*?)\s*(?:\{\s*#([\w-]+)[^}]*\})?\s*$", line)
        if not m:
            continue
        text = m.group(2).strip()
        if m.group(1) == "#" and "" not in out:
            out[""] = text
        out[m.group(3) or re.sub(r"[^\w\s-]", "", text.lower()).strip().replace(" ", "-")] = text
    return out


def fix_title(check) -> str:
    """The how-to a FAIL of this check sends readers to, named as that page names it."""
    path, _, anchor = check.fix.partition("#")
    heads = _headings(path)
    return f"{heads.get('', path)}: {heads[anchor]}" if anchor else heads.get("", path)


def check_link(check_id: str) -> str:
    """A check's id, linked to its own page."""
    return f"[`{check_id}`]({_rel(f'checks/{check_id}.md')})"


def badge(status) -> str:
    """A status as a coloured badge that also carries its name (colour is never the only signal)."""
    from rootaudit.notebook import status_badge

    return status_badge(status)


def fix_table() -> str:
    """Every check and the guide that fixes a FAIL (how-to index, tutorial)."""
    rows = ["| Check | Severity | What a FAIL means | Guide |", "|---|---|---|---|"]
    for c in CATALOGUE:
        fail = c.statuses.get(Status.FAIL, "—")
        rows.append(f"| {check_link(c.id)} | {c.severity} | {fail} | [{fix_title(c)}]({_rel(c.fix)}) |")
    return "\n".join(rows)


def checks_fixed_here() -> str:
    """On a how-to page: the checks whose FAIL this page fixes, linked (the back-link from guide to check)."""
    here = [c for c in CATALOGUE if c.fix.partition("#")[0] == _current_src()]
    if not here:
        return ""
    items = ", ".join(check_link(c.id) for c in here)
    return f"This guide fixes a FAIL of {items}."


def topic_rows() -> str:
    """Rows of the notebooks index: one per topic notebook, with the checks it shows."""
    from rootaudit.checks import TOPICS

    rows = []
    for topic in TOPICS:
        checks = ", ".join(check_link(c.id) for c in CATALOGUE if c.topic == topic)
        rows.append(f"| [{_headings(f'notebooks/{topic}.md').get('', topic)}]({_rel(f'notebooks/{topic}.md')}) "
                    f"| {checks} |")
    return "\n".join(rows)


def topic_checks(topic: str) -> str:
    """A notebook page's list of the checks it gives verdicts for, from the catalogue."""
    items = [f"- {check_link(c.id)}: {c.title}" for c in CATALOGUE if c.topic == topic]
    return "\n".join(items)


def cli_reference() -> str:
    from rootaudit.cli import build_parser

    os.environ["COLUMNS"] = "100"  # stable wrapping of argparse help
    parser = build_parser()
    out = [f"```text\n{parser.format_help()}```"]
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        out.append(f"### `rootaudit {name}` {{#{name}}}\n\n```text\n{p.format_help()}```")
        nested = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        for action in nested:
            for sub_name, sp in action.choices.items():
                out.append(f"### `rootaudit {name} {sub_name}` {{#{name}-{sub_name}}}\n\n"
                           f"```text\n{sp.format_help()}```")
    return "\n\n".join(out)


def iam_policy() -> str:
    return f"```json\n{POLICY_FILE.read_text(encoding='utf-8').strip()}\n```"


def notebook(name: str, scenario: str = "demo") -> str:
    from handbook_site.nbexec import merged
    from handbook_site.nbrender import to_markdown

    return to_markdown(merged(name, scenario))


def emulator_conformance() -> str:
    """The conformance figures, computed now by running every documented case (handbook_site.conformance)."""
    from handbook_site.conformance import render_page_section

    return render_page_section()


def emulator_support() -> str:
    from handbook_site.emulated_account import render_support

    return render_support()


def emulator_limits() -> str:
    from handbook_site.emulated_account import render_limits

    return render_limits()


def define_env(env):
    cfg = config_mod.load(ROOT / "handbook.yml")  # validated: a malformed file fails the build with its reason
    env.variables["org"] = cfg.org
    env.variables["audit"] = {
        "recent_use_days": cfg.recent_use_days,
        "signin_regions": list(cfg.signin_regions),
        "credential_report_timeout_seconds": cfg.credential_report_timeout_seconds,
        "org_role_name": cfg.org_role_name,
    }
    env.variables["check_count"] = len(CATALOGUE)
    for fn in (checks_summary, check_page, cli_reference, iam_policy, notebook, fix_table, checks_fixed_here,
               topic_rows, topic_checks, check_link, badge, emulator_conformance, emulator_support, emulator_limits):
        env.macro(fn)
    _state["env"] = env
    from handbook_site.check_pages import write_stubs

    write_stubs()  # before MkDocs reads docs/ (define_env runs in on_config): one page per check
