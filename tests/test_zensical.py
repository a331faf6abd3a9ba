"""The same mkdocs.yml built by Zensical (`zensical build --strict`), compared with the MkDocs build.

`zensical build` has no option for the output directory and requires site_dir to lie inside the folder that holds
the config file. So the build runs in a temporary copy of the inputs the config names (mkdocs.yml unchanged, docs/,
snippets/, src/, the site tooling under tools/, handbook.yml, notebooks/, and tests/ for the conformance tables the
emulated-account page reports), and writes its site_dir (build/site) inside that copy: the repository's build/site is
never touched. The copy's notebook cache is seeded from the MkDocs build's build/executed/, so both render the same
runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from html_tables import Tables, tables_of

pytestmark = [pytest.mark.site]  # builds the handbook (the built_site fixture)

ROOT = Path(__file__).resolve().parents[1]
ZENSICAL = Path(sys.executable).with_name("zensical")
# What mkdocs.yml refers to: the config itself, docs_dir, snippets (pymdownx base_path and macros include_dir,
# relative to the working directory), the macros module_name, and the watch list.
INPUTS = ["mkdocs.yml", "docs", "snippets", "src", "tools", "handbook.yml", "notebooks", "tests"]


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may carry tags (!ENV, !!python/name:...); this comparison only needs the plain values."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def nav_pages() -> list[str]:
    """Site-relative URLs of the pages in mkdocs.yml's nav (index.md -> its folder)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    out: list[str] = []

    def walk(node):
        if isinstance(node, str):
            if node.endswith(".md"):
                out.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)

    walk(config["nav"])
    urls = []
    for md in out:
        stem = md[: -len(".md")]
        if stem == "index" or stem.endswith("/index"):
            stem = stem[: -len("index")]
        else:
            stem += "/"
        urls.append(stem)
    return urls


def html_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts}


def parse(path: Path) -> Tables:
    return tables_of(path.read_text(encoding="utf-8"))


def verdicts(page: Path) -> list[tuple[str, str]]:
    """(status, check id) rows of the table headed Status | Check | Severity | Reason."""
    for table in parse(page).tables:
        if table and table[0] == ["Status", "Check", "Severity", "Reason"]:
            return [(row[0].split()[-1], row[1]) for row in table[1:]]
    raise AssertionError(f"{page}: no table headed Status | Check | Severity | Reason")


@pytest.fixture(scope="module")
def zensical_site(built_site, tmp_path_factory):
    """The Zensical build of a copy of the inputs (after the MkDocs build, so the notebook cache is warm)."""
    if not ZENSICAL.exists():
        pytest.fail(f"{ZENSICAL} is missing: zensical is pinned in requirements.lock; run `make setup`")
    project = tmp_path_factory.mktemp("zensical")
    from handbook_site.check_pages import write_stubs

    write_stubs()  # Zensical reads docs/ before any macro runs: the check pages' stubs must be there first
    for name in INPUTS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, project / name)
    # The site tooling runs from the copy, so its notebook cache is the copy's: seed it with the MkDocs build's
    # executed notebooks (same code cells and sources, same keys) so both builds render the same runs.
    shutil.copytree(ROOT / "build" / "executed", project / "build" / "executed", dirs_exist_ok=True)
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true", "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    result = subprocess.run([str(ZENSICAL), "build", "--strict", "-f", "mkdocs.yml"], cwd=project, env=env,
                            capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - started
    output = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"zensical build --strict failed (rc {result.returncode}):\n{output}"
    site = project / "build" / "site"
    assert site.is_dir(), f"zensical reported success but wrote no {site}:\n{output}"
    print(f"zensical build --strict: {seconds:.1f} s")
    return site


def test_zensical_builds_strict_without_issues(zensical_site):
    assert (zensical_site / "index.html").is_file()


def test_same_pages(built_site, zensical_site):
    expected = {url + "index.html" for url in nav_pages()}
    mkdocs_pages, zensical_pages = html_files(built_site), html_files(zensical_site)
    assert expected - mkdocs_pages == set(), "nav pages missing from the MkDocs build"
    assert expected - zensical_pages == set(), "nav pages missing from the Zensical build"
    # Beyond the nav: the 404 page and the redirect stubs of mkdocs-redirects.
    assert sorted(mkdocs_pages - zensical_pages) == [], "HTML pages only MkDocs built"
    assert sorted(zensical_pages - mkdocs_pages) == [], "HTML pages only Zensical built"


def test_same_verdict_table_on_the_root_credentials_notebook(built_site, zensical_site):
    page = "notebooks/root-credentials/index.html"
    from_mkdocs = verdicts(built_site / page)
    from_zensical = verdicts(zensical_site / page)
    assert from_mkdocs, "the MkDocs build has an empty verdict table"
    assert from_zensical == from_mkdocs


def test_same_anchors_and_tables_on_every_page(built_site, zensical_site):
    """Content ids (not the theme's own __skip, __toc, __codelineno...) and every table, page by page."""
    differences = []
    for page in sorted(html_files(built_site) & html_files(zensical_site)):
        a, b = parse(built_site / page), parse(zensical_site / page)
        ids_a = {i for i in a.ids if not i.startswith("__")}
        ids_b = {i for i in b.ids if not i.startswith("__")}
        if ids_a != ids_b:
            differences.append(f"{page}: ids only in MkDocs {sorted(ids_a - ids_b)}, "
                               f"only in Zensical {sorted(ids_b - ids_a)}")
        if a.tables != b.tables:
            differences.append(f"{page}: tables differ ({len(a.tables)} in MkDocs, {len(b.tables)} in Zensical)")
    assert differences == [], "\n".join(differences)


def test_zensical_keeps_every_permalink_anchor(zensical_site):
    manifest_path = ROOT / "permalinks.yml"
    if not manifest_path.exists():
        pytest.fail("permalinks.yml is missing: run `make permalinks` and commit it")
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    missing = []
    for url, anchors in sorted((manifest.get("pages") or {}).items()):
        page = zensical_site / url / "index.html"
        if not page.is_file():
            missing.append(f"{url}: page missing")
            continue
        ids = parse(page).ids
        missing += [f"{url}#{a}" for a in anchors or [] if a not in ids]
    for old in manifest.get("redirects") or []:
        if not (zensical_site / old / "index.html").is_file():
            missing.append(f"{old}: redirect missing")
    assert missing == [], "permalinks the Zensical build breaks:\n" + "\n".join(missing)
