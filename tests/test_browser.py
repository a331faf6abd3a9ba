"""The built handbook in a real browser: Debian's Chromium driven by Playwright, against a local HTTP server.

The site is served under the path of mkdocs.yml's `site_url` (whatever it is), as the real host does, so the
404 page, whose asset URLs are absolute, renders with the theme; unknown paths get 404.html with status 404.
Nothing leaves the machine: Chromium resolves no host name but 127.0.0.1 and sends every other request to a dead
proxy on 127.0.0.1. The tests record what a page asked for elsewhere and fail on any such request, on any response
from elsewhere and on any console error (the theme loads no external fonts).

Screenshots of each page type go to build/screenshots/ for review.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
import yaml

from rootaudit.checks import CATALOGUE
from sitehost import serve, site_prefix

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Nothing leaves the machine: no host name but 127.0.0.1 resolves, and every non-loopback request (IP literals
    # included) goes to a proxy on 127.0.0.1's discard port, where nothing listens. Loopback bypasses the proxy.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
]
# Playwright refuses --user-data-dir in `args`: launch() always starts Chromium with a fresh temporary
# profile of its own (--user-data-dir=/tmp/playwright_chromiumdev_profile-XXXX), removed on close.
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(built_site):
    """The built site on 127.0.0.1:<free port>, in a thread; stopped after the module."""
    with serve(built_site, site_prefix()) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (Debian's chromium package)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A page in a fresh browser context, with what it logged and what it tried to fetch off the machine."""

    def __init__(self, browser, base_url, **context_options):
        self.base = base_url
        self.netloc = urlsplit(base_url).netloc  # 127.0.0.1:<port>
        self.external: list[str] = []  # requests for anything but our server (they fail: see CHROMIUM_ARGS)
        self.external_responses: list[str] = []  # must stay empty
        self.console: list = []
        self.page_errors: list[str] = []
        options = {"viewport": DESKTOP, "color_scheme": "light", "service_workers": "block", **context_options}
        self.context = browser.new_context(**options)
        # Listeners rather than route(): intercepting every request costs ~40% more time per page.
        self.context.on("request", self._request)
        self.context.on("response", self._response)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("console", lambda message: self.console.append(message))
        self.page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _local(self, url: str) -> bool:
        return urlsplit(url).scheme in ("data", "blob", "about") or urlsplit(url).netloc == self.netloc

    def _request(self, request):
        if not self._local(request.url):
            self.external.append(request.url)

    def _response(self, response):
        if not self._local(response.url):
            self.external_responses.append(response.url)

    def goto(self, path: str = "", status: int = 200):
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None, path
        assert response.status == status, f"{path}: HTTP {response.status}"
        return response

    def console_errors(self, expected_404: tuple[str, ...] = ()) -> list[str]:
        """Console errors, except failed loads of external resources (blocked on purpose) and expected 404s."""
        ignore = set(self.external) | {urljoin(self.base, p) for p in expected_404}
        return [f"{m.text} ({m.location.get('url')})" for m in self.console
                if m.type == "error" and m.location.get("url") not in ignore]

    def shot(self, name: str, **options):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), **options)

    def close(self):
        self.context.close()


@pytest.fixture
def tab(browser, base_url):
    t = Tab(browser, base_url)
    yield t
    t.close()


# Nothing may be requested from another host (mkdocs.yml sets theme.font: false, so not even web fonts).
ALLOWED_EXTERNAL_REQUESTS: set[str] = set()


def assert_clean(tab: Tab, expected_404: tuple[str, ...] = ()):
    assert tab.page_errors == [], f"uncaught page errors: {tab.page_errors}"
    errors = tab.console_errors(expected_404)
    assert errors == [], f"console errors: {errors}"
    assert tab.external_responses == [], f"responses from other hosts (the network guard failed): " \
                                         f"{tab.external_responses}"
    others = sorted({u for u in tab.external if urlsplit(u).hostname not in ALLOWED_EXTERNAL_REQUESTS})
    assert others == [], f"the page asked for resources on other hosts: {others}"


def in_viewport(page, selector_js: str) -> dict:
    """Where an element is relative to the viewport and below the sticky header."""
    return page.evaluate(
        """(el) => {
            if (!el) return null;
            const r = el.getBoundingClientRect();
            const header = document.querySelector('.md-header');
            const headerBottom = header ? header.getBoundingClientRect().bottom : 0;
            return {top: r.top, bottom: r.bottom, width: r.width, height: r.height,
                    headerBottom, innerHeight: window.innerHeight};
        }""",
        page.evaluate_handle(selector_js),
    )


# --- the home page ------------------------------------------------------------------------------------------


def test_home_page_renders(tab):
    tab.goto("")
    page = tab.page
    assert page.title() == "Root-user handbook"
    assert page.locator("article h1").first.inner_text().strip().rstrip("¶").strip() == "Root-user handbook"
    nav = page.locator("nav.md-nav--primary")
    assert nav.count() >= 1 and nav.first.is_visible()
    for section in ("Tutorials", "How-to guides", "Reference", "Explanation", "Notebooks"):
        assert nav.first.get_by_text(section, exact=True).count() >= 1, f"nav lacks {section!r}"
    assert page.locator("input.md-search__input").is_visible()
    # The theme's CSS applied: the header is painted in the primary colour, not transparent.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor") not in (
        "rgba(0, 0, 0, 0)", "transparent")
    tab.shot("home")
    assert_clean(tab)


@pytest.mark.parametrize("path, name", [
    ("how-to/set-up-root-mfa/", "how-to"),
    ("reference/checks/", "reference-checks"),
])
def test_page_types_render(tab, path, name):
    tab.goto(path)
    assert tab.page.locator("article h1").first.is_visible()
    assert tab.page.locator("nav.md-nav--secondary").first.count() == 1  # table of contents
    tab.shot(name)
    assert_clean(tab)


# --- search -------------------------------------------------------------------------------------------------


def search(tab: Tab, query: str, timeout_ms: int = 120_000) -> list[str]:
    """Search the way a shared link does: open the site with ?q=<query>. Material puts the query in the search box
    and runs it as soon as its worker has built the index. (Typing into the box races that worker: a query typed
    before the index is ready is not run again, and a busy machine takes tens of seconds to build it.)
    The hrefs of the results shown (pages and their sections); none if the search found nothing."""
    tab.goto("?" + urlencode({"q": query}))
    page = tab.page
    meta = page.locator(".md-search-result__meta").filter(has_text=re.compile(r"matching document"))
    meta.wait_for(timeout=timeout_ms)
    if meta.inner_text().startswith("No "):
        return []
    page.locator(".md-search-result__item").first.wait_for()
    return page.eval_on_selector_all(".md-search-result__item > a.md-search-result__link",
                                     "els => els.map(e => e.getAttribute('href'))")


def result_pages(hrefs: list[str]) -> list[str]:
    return list(dict.fromkeys(h.split("?")[0].split("#")[0] for h in hrefs))


@pytest.mark.serial
@pytest.mark.parametrize("check_id", [c.id for c in CATALOGUE])
def test_search_for_a_check_id_puts_its_page_first(tab, check_id):
    pages = result_pages(search(tab, check_id))
    assert pages and pages[0].endswith(f"/checks/{check_id}/"), \
        f"search {check_id!r}: first result is {pages[:1]}, not checks/{check_id}/ (all: {pages})"
    assert_clean(tab)


@pytest.mark.serial
def test_search_lost_mfa_leads_to_the_how_to(tab):
    pages = result_pages(search(tab, "lost MFA"))
    assert pages and pages[0].endswith("/how-to/recover-lost-mfa/"), f"first result is {pages[0]}; all: {pages}"


@pytest.mark.serial
def test_a_search_result_opens_its_page(tab):
    hrefs = search(tab, "root-mfa-enabled")
    tab.page.locator(".md-search-result__item > a.md-search-result__link").first.click()
    tab.page.wait_for_url(re.compile(r"/checks/root-mfa-enabled/"))
    assert urlsplit(tab.page.url).path == urlsplit(tab.base).path + "checks/root-mfa-enabled/"
    assert "root-mfa-enabled" in tab.page.locator("article h1").first.inner_text() and hrefs
    assert_clean(tab)


def test_an_old_check_anchor_still_lands_on_the_check(tab):
    """Links published before check pages existed (reference/checks/#<id>) land on that check's row."""
    tab.goto("reference/checks/#root-mfa-enabled")
    where = in_viewport(tab.page, "document.getElementById('root-mfa-enabled')")
    assert where and 0 <= where["top"] < where["innerHeight"], where
    tab.page.locator("#root-mfa-enabled").click()
    tab.page.wait_for_url(re.compile(r"/checks/root-mfa-enabled/$"))
    assert_clean(tab)


# --- notebooks ----------------------------------------------------------------------------------------------


def verdict_rows(page) -> list[tuple[str, str]]:
    """(status, check id) for each row of the first table headed Status | Check | Severity | Reason."""
    return page.evaluate(
        """() => {
            for (const t of document.querySelectorAll('article table')) {
                const head = [...t.querySelectorAll('thead th')].map(th => th.textContent.trim());
                if (head.join('|') !== 'Status|Check|Severity|Reason') continue;
                t.scrollIntoView({block: 'center'});
                return [...t.querySelectorAll('tbody tr')].map(tr => {
                    const td = tr.querySelectorAll('td');
                    return [td[0].textContent.trim(), td[1].textContent.trim()];
                });
            }
            return null;
        }"""
    )


def test_notebook_page_shows_its_verdict_table(tab):
    from expected import EXPECTED
    from rootaudit.checks import CATALOGUE

    tab.goto("notebooks/root-credentials/")
    rows = verdict_rows(tab.page)
    assert rows, "no table with the header Status | Check | Severity | Reason"
    shown = {check: status.split()[-1] for status, check in rows}
    # the site runs the notebook against the demo scenario: exactly its verdicts for this topic
    assert shown == {c.id: EXPECTED["demo"][c.id] for c in CATALOGUE if c.topic == "root-credentials"}
    table = tab.page.locator("article table", has=tab.page.locator("th", has_text="Severity")).first
    assert table.is_visible()
    tab.shot("notebook-root-credentials")
    assert_clean(tab)


def test_organization_audit_notebook_renders(tab):
    from rootaudit.checks import CATALOGUE

    tab.goto("notebooks/organization-audit/")
    page = tab.page
    assert page.locator("article h1").first.is_visible()
    heatmap = page.locator("article table.nb-heatmap").first
    heatmap.scroll_into_view_if_needed()
    assert heatmap.is_visible()
    columns = heatmap.locator("thead th[title]").evaluate_all("els => els.map(e => e.getAttribute('title'))")
    assert columns == [c.id for c in CATALOGUE]  # one column per check, in catalogue order
    accounts = heatmap.locator("tbody tr > th").evaluate_all("els => els.map(e => e.textContent.trim())")
    # the organization scenario: the management account and 20 members, the suspended one included
    assert len(accounts) == len(set(accounts)) == 21 and "100000000017" in accounts, accounts
    tab.shot("notebook-organization-audit")
    assert_clean(tab)


# --- permalinks and redirects -------------------------------------------------------------------------------


def permalinks() -> dict:
    path = ROOT / "permalinks.yml"
    if not path.exists():
        pytest.fail("permalinks.yml is missing: run `make permalinks` and commit it")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SCROLL_TO_EACH = """(ids) => ids.map((id) => {
    location.hash = id;  // a same-document navigation to page#id: the browser scrolls to the target now
    const el = document.getElementById(id);
    if (!el) return [id, null];
    const r = el.getBoundingClientRect();
    const header = document.querySelector('.md-header');
    return [id, {top: Math.round(r.top), height: Math.round(r.height), innerHeight: window.innerHeight,
                 headerBottom: header ? Math.round(header.getBoundingClientRect().bottom) : 0}];
})"""


def test_every_permalink_anchor_exists_and_scrolls_into_view(tab):
    manifest = permalinks()
    problems = []
    for url, anchors in sorted((manifest.get("pages") or {}).items()):
        if not anchors:  # the page must exist; no need to render it
            status = tab.page.request.get(tab.base + url).status
            if status != 200:
                problems.append(f"{url}: HTTP {status}")
            continue
        tab.goto(url)
        for anchor, where in tab.page.evaluate(SCROLL_TO_EACH, anchors):
            if where is None:
                problems.append(f"{url}#{anchor}: no element with this id")
            elif not (0 <= where["top"] < where["innerHeight"]) or where["height"] == 0:
                problems.append(f"{url}#{anchor}: not scrolled into view: {where}")
            elif where["top"] < where["headerBottom"] - 2:
                problems.append(f"{url}#{anchor}: hidden under the sticky header: {where}")
    assert problems == [], "\n".join(problems)
    # And one real navigation to page#anchor from another page.
    tab.goto("")
    tab.page.goto(tab.base + "reference/checks/#root-no-access-keys")
    where = in_viewport(tab.page, "document.getElementById('root-no-access-keys')")
    assert where and where["headerBottom"] - 2 <= where["top"] < where["innerHeight"], where
    assert_clean(tab)


def test_every_redirect_lands_on_a_page(tab):
    redirects = permalinks().get("redirects") or []
    assert redirects, "permalinks.yml lists no redirects"
    page = tab.page
    for old in redirects:
        tab.goto(old)
        page.wait_for_url(lambda u, old=old: not u.endswith("/" + old), timeout=5_000)
        page.wait_for_load_state("load")
        landed = page.url
        assert page.title() != "Redirecting...", landed
        assert page.locator("article h1").count() >= 1, f"{old} -> {landed}: no article heading"
        response = page.request.get(landed)
        assert response.status == 200, f"{old} -> {landed}: HTTP {response.status}"
    # The JS redirect keeps the fragment.
    tab.goto("mfa/#hardware-mfa")
    page.wait_for_url(re.compile(r"/how-to/set-up-root-mfa/#hardware-mfa$"), timeout=5_000)
    assert_clean(tab)


# --- theme features -----------------------------------------------------------------------------------------


def test_light_dark_toggle(tab):
    tab.goto("")
    page = tab.page
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    assert page.evaluate(scheme) == "default"
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'slate'")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.mouse.move(640, 450)  # away from the toggle and its tooltip
    page.wait_for_timeout(400)  # the tooltip fades out
    tab.shot("dark-mode")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"{scheme} === 'default'")
    assert background != page.evaluate("getComputedStyle(document.body).backgroundColor"), \
        "the slate scheme did not change the page background"
    assert_clean(tab)


def test_missing_page_gets_the_themed_404(tab, built_site):
    response = tab.goto("no-such-page/", status=404)
    assert response.text() == (built_site / "404.html").read_text(encoding="utf-8")
    page = tab.page
    assert "404" in page.locator("article h1").first.inner_text()
    assert page.locator("nav.md-nav--primary").first.is_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor") not in (
        "rgba(0, 0, 0, 0)", "transparent"), "the 404 page was not styled by the theme"
    assert page.evaluate("[...document.styleSheets].some(s => /main\\.[0-9a-f]+\\.min\\.css/.test(s.href || ''))")
    tab.shot("404")
    # Outside the site's path too, like the real host.
    tab.goto("../elsewhere.html", status=404)
    assert_clean(tab, expected_404=("no-such-page/", "../elsewhere.html"))


def test_phone_viewport(browser, base_url):
    tab = Tab(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        page = tab.page
        overflow = []
        for path in ("", "reference/checks/", "reference/cli/", "notebooks/root-credentials/",
                     "notebooks/organization-audit/", "how-to/set-up-root-activity-alerts/"):
            tab.goto(path)
            drawer_button = page.locator("label.md-header__button[for=__drawer]")
            assert drawer_button.is_visible(), f"{path}: no navigation drawer button"
            widths = page.evaluate("({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
                                   " view: window.innerWidth})")
            if max(widths["doc"], widths["body"]) > widths["view"]:
                overflow.append(f"{path or 'home'}: {widths}")
            if path == "":
                tab.shot("phone")
        assert overflow == [], "horizontal overflow on a phone:\n" + "\n".join(overflow)
        tab.goto("")
        page.locator("label.md-header__button[for=__drawer]").click()
        page.locator("nav.md-nav--primary").first.wait_for(state="visible")
        page.wait_for_timeout(300)  # the drawer slides in
        tab.shot("phone-drawer")
        assert_clean(tab)
    finally:
        tab.close()


# --- readable verdicts: nothing scrolls sideways on a laptop ------------------------------------------------

LAPTOP = {"width": 1366, "height": 768}
WIDE_PAGES = ["reference/checks/", "how-to/", "tutorials/first-audit/", "checks/root-usage-alarm/",
              "notebooks/", *(f"notebooks/{t}/" for t in ("root-credentials", "root-activity", "monitoring-and-alerts",
                                                           "contacts-and-email", "organizations", "full-audit"))]


@pytest.mark.parametrize("path", WIDE_PAGES)
def test_tables_and_parameter_cells_fit_a_laptop_screen(browser, base_url, path):
    tab = Tab(browser, base_url, viewport=LAPTOP)
    try:
        tab.goto(path)
        overflowing = tab.page.evaluate(
            """() => [...document.querySelectorAll('article .md-typeset__table, article table, article pre > code')]
                 .filter(el => el.scrollWidth > el.clientWidth + 1)
                 .map(el => el.tagName + ': ' + el.innerText.slice(0, 60).replace(/\\s+/g, ' '))""")
        assert overflowing == [], f"{path}: scrolls sideways at 1366 px: {overflowing}"
        badges = tab.page.locator("article .verdict")
        for i in range(min(badges.count(), 5)):  # a status badge carries its name, not just a colour
            assert badges.nth(i).inner_text().strip() in ("PASS", "FAIL", "ERROR", "NOT_APPLICABLE", "MANUAL")
    finally:
        tab.close()
