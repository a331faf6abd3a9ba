"""Every internal link and anchor of the built site, checked by LinkChecker over HTTP on 127.0.0.1.

- The site is served under the path of site_url, like the real host, so the 404 page's absolute links resolve.
  The server sends a `LinkChecker` header: LinkChecker then lifts its default limit of about 3 requests a second
  to one host (`maxrequestspersecond`, honoured above 10 only for hosts that send that header).
- AnchorCheck is on, so `page/#id` is checked against the ids of page/ (LinkChecker logs a missing anchor as a
  warning, so any warning on an internal URL fails the test).
- External URLs are never fetched: `checkextern=0` keeps LinkChecker to the start URLs' host, and `ignore` makes
  anything not under our server's base URL syntax-only. To prove it, LinkChecker runs (through its own entry point)
  under an audit hook that refuses and reports any socket connection or name lookup other than 127.0.0.1.
- pymdownx.highlight's `anchor_linenums` gives every code line a link to itself (`#__codelineno-N-M`): some 800
  URLs, which cost LinkChecker a full download and parse each (about 60 s more on two cores). They are left to a
  quick check here instead: each such link resolves to an element with that id.
"""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sitehost import serve, site_prefix

pytestmark = [pytest.mark.site]  # builds the handbook (the built_site fixture)



ROOT = Path(__file__).resolve().parents[1]
EXTERNAL_LIST = ROOT / "build" / "external-links.txt"
CODE_LINE_ANCHOR = "#__codelineno-"

# LinkChecker, started through its console entry point, in an interpreter that refuses any network access other
# than 127.0.0.1 and reports each attempt on stderr (stderr stays writable after LinkChecker drops root to nobody).
GUARDED_LINKCHECKER = r"""
import sys

def _guard(event, args):
    if event == "socket.connect":
        address = args[1]
        host = address[0] if isinstance(address, tuple) else None
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                   "socket.gethostbyaddr"):
        host = args[0].decode() if isinstance(args[0], bytes) else args[0]
    else:
        return
    if host not in (None, "127.0.0.1"):
        sys.stderr.write(f"NETWORK-GUARD refused {event} {host!r}\n")
        sys.stderr.flush()
        raise OSError(f"network guard: {event} {host!r} refused")

sys.addaudithook(_guard)
import linkcheck.command.linkchecker as command
# Run as root (CI), LinkChecker switches to user 'nobody', which cannot read a checkout under a private directory
# and then silently loads no plugin (no AnchorCheck). It only reads our loopback server, so keep the user.
command.drop_privileges = lambda: None
from linkcheck.command.linkchecker import linkchecker
sys.argv = ["linkchecker", *sys.argv[1:]]
sys.exit(linkchecker())
"""


def linkcheckerrc(base: str) -> str:
    return f"""\
[checking]
threads=1
timeout=20
robotstxt=0
maxrequestspersecond=1000

[filtering]
# Only our server is checked; everything else (other hosts, mailto:, the dev server on :8000) is syntax-only.
checkextern=0
ignore=
  ^(?!{re.escape(base)})
  {re.escape(CODE_LINE_ANCHOR)}
# A URL with a fragment is the same document as the one without, which is crawled anyway.
nofollow=
  \\#

[output]
warnings=1

[AnchorCheck]
"""


def run_linkchecker(base: str, start_urls: list[str], workdir: Path) -> tuple[list[dict], str, int]:
    """LinkChecker's rows (every URL, verbose CSV), its stderr, and its exit code."""
    config = workdir / "linkcheckerrc"
    config.write_text(linkcheckerrc(base), encoding="utf-8")
    cmd = [sys.executable, "-c", GUARDED_LINKCHECKER, "-f", str(config), "--no-status", "-v", "-o", "csv/utf-8",
           *start_urls]
    result = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=600, cwd=workdir)
    lines = result.stdout.splitlines()
    while lines and lines[0].startswith("# "):  # the CSV logger's header and footer comments
        lines.pop(0)
    while lines and lines[-1].startswith("# "):
        lines.pop()
    rows = list(csv.DictReader(lines, delimiter=";", quotechar='"'))
    return rows, result.stderr, result.returncode


def start_urls(site: Path, base: str) -> list[str]:
    """Every HTML page of the site (404.html and the redirect stubs are linked from nowhere)."""
    urls = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            continue
        urls.append(base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel))
    return urls


@pytest.fixture(scope="module")
def linkcheck(built_site, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("linkcheck")
    workdir.chmod(0o755)  # LinkChecker drops root to nobody once it has read its config
    with serve(built_site, site_prefix()) as base:
        rows, stderr, code = run_linkchecker(base, start_urls(built_site, base), workdir)
    return {"base": base, "rows": rows, "stderr": stderr, "code": code}


def test_linkchecker_made_no_network_access_beyond_127_0_0_1(linkcheck):
    refused = [line for line in linkcheck["stderr"].splitlines() if line.startswith("NETWORK-GUARD")]
    assert refused == [], "LinkChecker tried to reach other hosts:\n" + "\n".join(refused)
    base = linkcheck["base"]
    fetched_elsewhere = [r["url"] for r in linkcheck["rows"]
                         if not r["url"].startswith(base) and r["result"] not in ("filtered", "ignored")]
    assert fetched_elsewhere == [], f"URLs outside {base} that were not syntax-only: {fetched_elsewhere}"


def test_every_internal_link_and_anchor_resolves(linkcheck):
    rows, base = linkcheck["rows"], linkcheck["base"]
    assert rows, f"LinkChecker produced no rows (exit {linkcheck['code']}):\n{linkcheck['stderr'][-3000:]}"
    internal = [r for r in rows if r["url"].startswith(base)]
    broken = [r for r in internal if r["valid"] != "True" or r["warningstring"]]
    report = "\n".join(f"{r['url']} (linked from {r['parentname'] or 'start'}, line {r['line']}): "
                       f"{r['result']} {r['warningstring']}" for r in broken)
    assert broken == [], f"broken internal links or anchors:\n{report}"
    # Sanity: LinkChecker really walked the site and looked at anchors.
    pages = {r["url"] for r in internal if "#" not in r["url"] and r["url"].endswith("/")}
    anchors = {r["url"] for r in internal if "#" in r["url"] and r["result"] not in ("filtered", "ignored")}
    assert len(pages) >= 30 and len(anchors) >= 100, (len(pages), len(anchors))
    assert linkcheck["code"] == 0, f"LinkChecker exit code {linkcheck['code']}:\n{linkcheck['stderr'][-3000:]}"


def test_list_external_links(linkcheck):
    base = linkcheck["base"]
    found: dict[str, set[str]] = defaultdict(set)
    for r in linkcheck["rows"]:
        url = r["url"]
        if url.startswith(base) or urlsplit(url).scheme in ("data", "javascript", "blob"):
            continue
        found[url].add(r["parentname"].replace(base, "", 1) or "/")
    EXTERNAL_LIST.parent.mkdir(parents=True, exist_ok=True)
    EXTERNAL_LIST.write_text("".join(f"{url}\t{', '.join(sorted(pages))}\n" for url, pages in sorted(found.items())),
                             encoding="utf-8")
    print(f"{len(found)} external links (never fetched), listed in {EXTERNAL_LIST}:")
    for url in sorted(found):
        print("  ", url)
    assert found, "no external link found: the handbook cites AWS pages, so LinkChecker missed them"


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def test_code_line_anchors_resolve(built_site):
    """The `#__codelineno-*` links LinkChecker is told to skip: each resolves to an element with that id."""
    parsed: dict[Path, _Anchors] = {}

    def anchors_of(path: Path) -> _Anchors:
        if path not in parsed:
            parser = _Anchors()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    checked, broken = 0, []
    for page in sorted(built_site.rglob("*.html")):
        if "assets" in page.relative_to(built_site).parts:
            continue
        page_url = "/" + page.relative_to(built_site).as_posix()
        for href in anchors_of(page).hrefs:
            if CODE_LINE_ANCHOR not in href:
                continue
            target = urlsplit(urljoin(page_url, href))
            path = built_site / unquote(target.path).lstrip("/")
            if target.path.endswith("/"):
                path = path / "index.html"
            checked += 1
            if not path.is_file() or unquote(target.fragment) not in anchors_of(path).ids:
                broken.append(f"{page_url}: {href}")
    assert broken == [], "code-line anchors that resolve to nothing:\n" + "\n".join(broken)
    assert checked > 0, "no code-line anchors found: has anchor_linenums been turned off? Update CODE_LINE_ANCHOR"


def test_the_linkchecker_setup_catches_breakage(tmp_path):
    """A control: on a two-page site with a missing page and a missing anchor, the same set-up reports both."""
    site = tmp_path / "site"
    (site / "page").mkdir(parents=True)
    (site / "index.html").write_text(
        '<html><body><a href="page/#here">ok</a> <a href="page/#not-here">bad anchor</a> '
        '<a href="missing/">bad page</a> <a href="https://example.invalid/x">external</a></body></html>')
    (site / "page" / "index.html").write_text('<html><body><h2 id="here">Here</h2></body></html>')
    (site / "404.html").write_text("<html><body>not found</body></html>")
    workdir = tmp_path / "work"
    workdir.mkdir()
    for path in (tmp_path, site, site / "page", workdir):
        path.chmod(0o755)
    with serve(site) as base:
        rows, stderr, code = run_linkchecker(base, [base], workdir)
    problems = {r["url"].replace(base, "") for r in rows
                if r["url"].startswith(base) and (r["valid"] != "True" or r["warningstring"])}
    assert problems == {"page/#not-here", "missing/"}, (problems, stderr[-2000:])
    assert code == 1
    assert not [line for line in stderr.splitlines() if line.startswith("NETWORK-GUARD")]
