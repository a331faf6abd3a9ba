"""`make ticket`: the new-joiner checklist from docs/onboarding.md, with absolute links, to paste into a ticket."""
from __future__ import annotations

import re
import sys

from . import ROOT, mkdocs_config

STEP = re.compile(r"^\s*- \[ \] \[(?P<title>[^\]]+)\]\((?P<path>[^)#]+\.md)(?P<anchor>#[^)]*)?\)(?P<rest>.*)$")


def page_url(site_url: str, path: str) -> str:
    """docs path -> published URL (use_directory_urls: a/b.md -> a/b/, a/index.md -> a/)."""
    path = path.removeprefix("./")
    if path == "index.md" or path.endswith("/index.md"):
        slug = path[: -len("index.md")]
    else:
        slug = path[: -len(".md")] + "/"
    return site_url.rstrip("/") + "/" + slug


def site_url() -> str:
    return mkdocs_config()["site_url"]


def _rendered_onboarding() -> str:
    """docs/onboarding.md with the organisation's values filled in, as the site shows it."""
    import jinja2

    from rootaudit import config as config_mod

    cfg = config_mod.load(ROOT / "handbook.yml")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "snippets")), undefined=jinja2.StrictUndefined)
    text = (ROOT / "docs" / "onboarding.md").read_text(encoding="utf-8")
    return env.from_string(text).render(org=cfg.org, audit={"recent_use_days": cfg.recent_use_days,
                                                            "signin_regions": list(cfg.signin_regions)})


def checklist() -> str:
    base = site_url()
    lines = ["## Root-user handbook: new joiner checklist", ""]
    for raw in _rendered_onboarding().splitlines():
        m = STEP.match(raw)
        if m:
            url = page_url(base, m["path"]) + (m["anchor"] or "")
            lines.append(f"- [ ] [{m['title']}]({url}){m['rest']}")
    if len(lines) == 2:
        raise SystemExit("docs/onboarding.md has no checklist steps of the form `- [ ] [Title](page.md) ...`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(checklist())
