"""The permalink manifest: every public page URL and every stable anchor (explicit heading ids, check ids).

`make permalinks` adds what is new to permalinks.yml; nothing is ever removed automatically, because a
URL that was published must keep working (move a page with a redirect in mkdocs.yml instead).
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml

from . import ROOT, mkdocs_config
from .ticket import page_url

EXPLICIT_ID = re.compile(r"\{\s*#([A-Za-z0-9_-]+)[^}]*\}")


def current() -> dict[str, list[str]]:
    """Pages (site-relative URLs) and their stable anchors, from the docs sources and the catalogue."""
    from rootaudit.checks import CATALOGUE

    docs = ROOT / "docs"
    out: dict[str, list[str]] = {}
    for md in sorted(docs.rglob("*.md")):
        rel = md.relative_to(docs).as_posix()
        if rel.startswith("checks/"):
            continue  # generated at build time from the catalogue (check_pages.py): listed below
        url = page_url("", rel).lstrip("/")
        out[url] = sorted(set(EXPLICIT_ID.findall(md.read_text(encoding="utf-8"))))
    out["reference/checks/"] = sorted(set(out.get("reference/checks/", [])) | {c.id for c in CATALOGUE})
    for c in CATALOGUE:  # a page per check, with the section ids check_page() gives it
        out[f"checks/{c.id}/"] = ["example", "fix", "how-it-decides", "run-it", "sources", "standards", "why"]
    return out


def redirected() -> list[str]:
    """Old URLs kept alive by mkdocs-redirects."""
    for plugin in mkdocs_config()["plugins"]:
        if isinstance(plugin, dict) and "redirects" in plugin:
            return [page_url("", old).lstrip("/") for old in plugin["redirects"]["redirect_maps"]]
    return []


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"pages": {}, "redirects": []}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, required=True)
    args = parser.parse_args()
    manifest = load(args.write)
    pages = manifest.setdefault("pages", {})
    for url, anchors in current().items():
        pages[url] = sorted(set(pages.get(url) or []) | set(anchors))
    manifest["redirects"] = sorted(set(manifest.get("redirects") or []) | set(redirected()))
    header = ("# Every public URL and anchor of the handbook. Tests fail if one disappears from the built site.\n"
              "# Add with `make permalinks`; never remove: move a page with a redirect in mkdocs.yml instead.\n")
    args.write.write_text(header + yaml.safe_dump(manifest, sort_keys=True, width=120), encoding="utf-8")
    print(f"{args.write}: {len(pages)} pages, {sum(len(a) for a in pages.values())} anchors, "
          f"{len(manifest['redirects'])} redirects")


if __name__ == "__main__":
    main()
