"""The real handbook, built with `mkdocs build --strict`: what it contains, and that strict mode really fails on
each kind of defect (a broken link, a broken anchor, a missing snippet, an undefined macro variable, a notebook
cell that raises)."""
from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import ROOT, mkdocs_build
from expected import EXPECTED
from handbook_site import permalinks
from html_tables import tables_of
from rootaudit.checks import CATALOGUE, TOPICS

pytestmark = [pytest.mark.site]
MANIFEST = yaml.safe_load((ROOT / "permalinks.yml").read_text())


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).replace("\n", " ")


def test_checks_index_keeps_one_anchor_per_check_and_links_each_page(built_site):
    html = page(built_site, "reference/checks")
    for check in CATALOGUE:
        assert re.search(rf'<a [^>]*href="../../checks/{check.id}/"[^>]*id="{check.id}"|'
                         rf'<a [^>]*id="{check.id}"[^>]*href="../../checks/{check.id}/"', html), check.id
        assert check.title in _text(html)


def test_every_check_has_a_page_generated_from_the_catalogue(built_site):
    for check in CATALOGUE:
        html = page(built_site, f"checks/{check.id}")
        text = _text(html)
        assert check.title in text and check.rationale.replace("`", "")[:60] in text
        assert check.decides.replace("`", "").split(".")[0][:60] in text
        for status, meaning in check.statuses.items():
            assert re.search(rf'class="verdict verdict--{status.value.lower().replace("_", "-")}"[^>]*>{status.value}<',
                             html), (check.id, status)
            assert meaning.replace("`", "")[:40] in text, (check.id, status)
        for action in check.actions:
            assert action in html
        for name, control in check.standard_refs:
            assert f"{name}: {control}" in text
        assert f"rootaudit scan --checks {check.id}" in text
        assert "in the emulated scenario" in text, f"{check.id}: no example verdict from the emulated account"


def test_each_check_page_links_the_how_to_that_fixes_it_and_the_how_to_links_back(built_site):
    for check in CATALOGUE:
        html = page(built_site, f"checks/{check.id}")
        target = check.fix.removesuffix(".md").replace(".md#", "/#")
        target = target if "#" in target else target + "/"
        assert f'href="../../{target}"' in html, check.id
        depth = check.fix.count("/")
        how_to = page(built_site, check.fix.split("#")[0].removesuffix(".md"))
        assert f'href="{"../" * (depth + 1)}checks/{check.id}/"' in how_to, (
            f"{check.fix} does not link back to {check.id}")


def verdict_table(html: str) -> dict[str, str]:
    """check id -> status, from the table headed Status | Check | Severity | Reason."""
    for table in tables_of(html).tables:
        if table and table[0] == ["Status", "Check", "Severity", "Reason"]:
            return {row[1]: row[0].split()[-1] for row in table[1:]}
    raise AssertionError("no table headed Status | Check | Severity | Reason")


def test_notebook_pages_show_the_expected_verdicts_and_stay_small(built_site):
    for path in (built_site / "notebooks").glob("*/index.html"):
        size = path.stat().st_size
        assert size < 100_000, f"{path.parent.name}: {size} bytes"
    for topic in TOPICS:  # the site runs each topic notebook against the demo scenario
        html = page(built_site, f"notebooks/{topic}")
        want = {c.id: status for c, status in ((c, EXPECTED["demo"][c.id]) for c in CATALOGUE) if c.topic == topic}
        assert verdict_table(html) == want, topic
    html = page(built_site, "notebooks/root-credentials")
    assert "(an EMULATED account on this machine, not AWS)" in html
    assert 'href="../../checks/root-mfa-enabled/"' in html  # relative, so the strict build checked it


def test_permalink_manifest_is_served(built_site):
    for url, anchors in MANIFEST["pages"].items():
        html = page(built_site, url)
        missing = [a for a in anchors if f'id="{a}"' not in html]
        assert not missing, f"{url or '/'} lost anchors {missing}"
    for url in MANIFEST["redirects"]:
        assert "Redirecting" in page(built_site, url) or "refresh" in page(built_site, url)


def test_every_current_page_and_anchor_is_in_the_manifest():
    for url, anchors in permalinks.current().items():
        assert url in MANIFEST["pages"], f"new page {url}: run `make permalinks` and commit permalinks.yml"
        assert set(anchors) <= set(MANIFEST["pages"][url]), f"new anchors on {url}: run `make permalinks`"


def test_search_index_finds_check_ids_and_key_terms(built_site):
    docs = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    text = " ".join((d["title"] + " " + d["text"]).lower() for d in docs)
    for term in [c.id for c in CATALOGUE] + ["lost mfa", "distribution list", "assumeroot", "passkey", "break-glass"]:
        assert term.lower() in text, term


def _tagged_root_only() -> set[str]:
    """Site URLs of the docs pages whose front matter tags them root-only."""
    urls = set()
    for md in (ROOT / "docs").rglob("*.md"):
        text = md.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("---\n", 2)[1]) or {}
            if "root-only" in (meta.get("tags") or []):
                rel = md.relative_to(ROOT / "docs").with_suffix("")
                urls.add(f"{rel.parent.as_posix()}/" if rel.name == "index" else f"{rel.as_posix()}/")
    return urls


def test_abbreviations_show_on_hover_and_root_only_pages_are_tagged(built_site):
    html = page(built_site, "how-to/set-up-root-mfa")
    assert re.search(r'<abbr title="[^"]+">MFA</abbr>', html)
    tagged = _tagged_root_only()
    assert {"how-to/reset-root-password/", "how-to/close-account/"} <= tagged
    # the tags plugin's listing on root-only-tasks: exactly the tagged pages, under the root-only heading
    listing = page(built_site, "reference/root-only-tasks")
    assert 'id="tag:root-only"' in listing, "the tags plugin's listing is missing"
    section = listing.split('id="tag:root-only"', 1)[1].split("</ul>", 1)[0]
    listed = {href.removeprefix("../../") for href in re.findall(r'<a href="([^"]+)"', section)}
    assert listed == tagged - {"reference/root-only-tasks/"}
    for url in tagged:  # and each tagged page shows its tag, linked to that listing (the listing's own page: plain)
        nav = re.search(r'<nav class="md-tags"\s*>(.*?)</nav>', page(built_site, url.rstrip("/")), re.DOTALL)
        tag = (r'<span class="md-tag">root-only<' if url == "reference/root-only-tasks/" else
               r'href="[./]*reference/root-only-tasks/#tag:root-only"[^>]*>root-only<')
        assert nav and re.search(tag, nav[1]), url


def _plugin_effects(site: Path) -> dict[str, bool]:
    """What each plugin leaves in the built site; removing the plugin makes its entry False."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    redirects = next(p["redirects"]["redirect_maps"] for p in config["plugins"]
                     if isinstance(p, dict) and "redirects" in p)
    index = site / "search" / "search_index.json"

    def redirected(source: str, target: str) -> bool:
        html_path = site / source.removesuffix(".md") / "index.html"
        wanted = target.removesuffix(".md") + "/"
        return html_path.is_file() and bool(
            re.search(rf'http-equiv="refresh"[^>]*{re.escape(wanted)}', html_path.read_text()))

    return {
        "search": index.is_file() and len(json.loads(index.read_text())["docs"]) > 50,
        "tags": '<nav class="md-tags"' in page(site, "how-to/reset-root-password"),
        "macros": "{{" not in page(site, "how-to/root-email") and "{%" not in page(site, "how-to/root-email"),
        "redirects": all(redirected(src, dst) for src, dst in redirects.items()),
    }


def test_every_plugin_leaves_its_mark(built_site):
    """A plugin dropped from mkdocs.yml (or a new one without a guard here) fails this test."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    effects = _plugin_effects(built_site)
    assert sorted(names) == sorted(effects), "add a guard for the new plugin to _plugin_effects"
    assert all(effects.values()), effects


def test_organisation_values_come_from_handbook_yml(built_site):
    cfg = yaml.safe_load((ROOT / "handbook.yml").read_text())["org"]
    assert cfg["root_use_approver"] in page(built_site, "how-to/stop-using-root")
    assert cfg["root_email_example"] in page(built_site, "how-to/root-email")
    assert "{{" not in page(built_site, "how-to/root-email")


# --- strict mode fails on every defect ----------------------------------------------------------------


@pytest.fixture
def site_copy(tmp_path, built_site):
    """A copy of docs/ and mkdocs.yml with absolute paths, to break one thing at a time."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    text = (ROOT / "mkdocs.yml").read_text()
    config = yaml.safe_load(text)
    config["docs_dir"], config["site_dir"] = str(docs), str(tmp_path / "site")
    config.pop("watch", None)
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(ROOT / "snippets")]
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "macros" in plugin:
            plugin["macros"]["module_name"] = str(ROOT / "tools/handbook_site/macros")
            plugin["macros"]["include_dir"] = str(ROOT / "snippets")
    path = tmp_path / "mkdocs.yml"

    def write():
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return path

    return docs, config, write


@pytest.mark.parametrize("defect,expected", [
    ("[broken](../nope.md)", "nope.md"),
    ("[broken anchor](../reference/checks.md#no-such-check)", "no-such-check"),
    ('--8<-- "does-not-exist.md"', "does-not-exist.md"),
    ("{{ not_defined_anywhere }}", "not_defined_anywhere"),
])
def test_strict_build_fails_on_defect(site_copy, defect, expected):
    docs, _, write = site_copy
    target = docs / "how-to" / "close-account.md"
    target.write_text(target.read_text() + f"\n\n{defect}\n")
    result = mkdocs_build(docs.parent / "out", config=write(), check=False)
    assert result.returncode != 0
    assert expected in result.stderr + result.stdout


def test_the_unbroken_copy_builds(site_copy):
    docs, _, write = site_copy
    assert mkdocs_build(docs.parent / "out", config=write(), check=False).returncode == 0


def test_strict_build_fails_when_a_notebook_cell_raises(site_copy, tmp_path, monkeypatch):
    docs, config, write = site_copy
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Broken"),
                                         nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(nb, notebooks / "broken.ipynb")
    (docs / "notebooks" / "broken.md").write_text('# Broken\n\n{{ notebook("broken") }}\n')
    config["nav"].append({"Broken": "notebooks/broken.md"})
    monkeypatch.setenv("HANDBOOK_NOTEBOOKS", str(notebooks))
    for name in ("root-credentials", "root-activity", "monitoring-and-alerts", "contacts-and-email", "organizations",
                 "full-audit", "organization-audit"):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", notebooks)
    result = mkdocs_build(docs.parent / "out", config=write(), check=False)
    assert result.returncode != 0
    assert "ZeroDivisionError" in result.stderr + result.stdout
