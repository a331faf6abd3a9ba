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
    parts = []
    if check.cis_v5:
        parts.append(f"CIS v5.0 {check.cis_v5}")
    if check.cis_v7:
        parts.append(f"CIS v7.0 {check.cis_v7}")
    if check.security_hub:
        parts.append(f"Security Hub {check.security_hub}")
    return " · ".join(parts) or "no CIS or Security Hub equivalent"


def checks_summary() -> str:
    rows = ["| Check | Severity | What it verifies | CIS v5.0 | CIS v7.0 | Security Hub |", "|---|---|---|---|---|---|"]
    for c in CATALOGUE:
        rows.append(f"| [`{c.id}`](#{c.id}) | {c.severity} | {c.title} | {c.cis_v5 or '—'} | {c.cis_v7 or '—'} | "
                    f"{c.security_hub or '—'} |")
    return "\n".join(rows)


def checks_reference() -> str:
    out = []
    for c in CATALOGUE:
        statuses = "\n".join(f"| {s.value} | {c.statuses[s]} |" for s in Status if s in c.statuses)
        actions = ", ".join(f"`{a}`" for a in c.actions)
        refs = " · ".join(f"[{r.split('//', 1)[1].split('/', 1)[0]}]({r})" for r in c.references)
        out.append(f"""## `{c.id}` {{#{c.id}}}

**{c.title}** · severity **{c.severity}** · {_standards(c)} · notebook [{c.topic}](../notebooks/{c.topic}.md)

**Why.** {c.rationale}

**How it decides.** {c.decides}

| Status | Meaning |
|---|---|
{statuses}

**IAM actions it needs:** {actions}

**Fix a FAIL:** [{c.fix.split('#')[0].removeprefix('how-to/').removesuffix('.md').replace('-', ' ')}](../{c.fix})
{f' · **Sources:** {refs}' if refs else ''}

```bash
rootaudit scan --checks {c.id}
```
""")
    return "\n".join(out)


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
                out.append(f"### `rootaudit {name} {sub_name}` {{#{name}-{sub_name}}}\n\n```text\n{sp.format_help()}```")
    return "\n\n".join(out)


def iam_policy() -> str:
    return f"```json\n{POLICY_FILE.read_text(encoding='utf-8').strip()}\n```"


def notebook(name: str, scenario: str = "demo") -> str:
    from handbook_site.nbexec import executed
    from handbook_site.nbrender import to_markdown

    return to_markdown(executed(name, scenario))


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
    for fn in (checks_summary, checks_reference, cli_reference, iam_policy, notebook):
        env.macro(fn)
