"""Shared fixtures: a real moto server on 127.0.0.1 per test worker, and an environment with no real credentials."""
from __future__ import annotations

import os

import pytest

# Before anything imports boto3: never probe the instance metadata address, never read a developer's AWS config.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL", "AWS_SECURITY_TOKEN"):
    os.environ.pop(var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["NO_MKDOCS_2_WARNING"] = "1"

SCENARIOS = ["demo", "hardened", "neglected", "member-no-root-credentials", "standalone"]


@pytest.fixture(scope="session")
def emulator():
    from rootaudit_emulator import Emulator

    emu = Emulator()
    emu.start()
    yield emu
    emu.stop()


@pytest.fixture
def load(emulator, monkeypatch):
    """load(scenario) -> EmulatedAccount, with the standard AWS variables pointing at it for this test."""

    def _load(scenario: str):
        account = emulator.load(scenario)
        for key, value in account.env().items():
            monkeypatch.setenv(key, value)
        return account

    yield _load
    emulator.reset()


@pytest.fixture
def org_scan(emulator, load):
    """org_scan(spec, checks=None, before=None) -> (reports, operations recorded by the emulator): a whole
    `rootaudit scan --org` of a scenario, from its audited account; `before(emulator)` runs once it is loaded
    (to switch failures on, say). The handbook's settings (handbook.yml) apply."""
    from rootaudit import config
    from rootaudit.org.scan import scan_organization

    def _scan(spec, checks=None, before=None):
        account = load(spec)
        if before is not None:
            before(emulator)
        emulator.clear_recorded()
        reports = scan_organization(session=account.session(), config=config.load(ROOT / "handbook.yml"),
                                    check_ids=checks, progress="never")
        return reports, emulator.recorded()

    return _scan


ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def mkdocs_build(site_dir, *extra, config="mkdocs.yml", check=True):
    """The real `mkdocs build --strict`, as `make site` runs it (notebooks executed against the emulator)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir), *extra]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"mkdocs build failed ({result.returncode}):\n{result.stderr[-4000:]}")
    return result


@pytest.fixture(scope="session")
def built_site():
    """The handbook, built once per test run and shared by every xdist worker.

    A file lock makes the first worker build it while the others wait; a marker holding xdist's run id
    tells later workers it is already built. (Two concurrent cold builds would each execute the notebooks
    and overwrite each other's cache.)
    """
    import fcntl
    import shutil

    site = ROOT / "build" / "test-site"
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    marker = site.parent / "test-site.run"
    site.parent.mkdir(parents=True, exist_ok=True)
    with open(site.parent / "test-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.exists() and marker.read_text() == run_id and site.is_dir()):
            shutil.rmtree(site, ignore_errors=True)
            mkdocs_build(site)
            marker.write_text(run_id)
    return site


# --- markers: `-m "not site and not browser"` must really skip every site build and every browser ---------------

SITE_FIXTURES = {"built_site"}  # builds the handbook (directly or through a fixture that needs it)
BROWSER_FIXTURES = {"browser", "tab", "base_url"}  # test_browser.py's Playwright fixtures


def unmarked(items) -> list[str]:
    """Tests that build the site without the site (or browser) marker, or drive the browser without browser."""
    wrong = []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        marks = {m.name for m in item.iter_markers()}
        if names & BROWSER_FIXTURES and "browser" not in marks:
            wrong.append(f"{item.nodeid}: drives the browser without @pytest.mark.browser")
        elif names & SITE_FIXTURES and not marks & {"site", "browser"}:
            wrong.append(f"{item.nodeid}: builds the site without @pytest.mark.site")
    return wrong


def pytest_collection_modifyitems(config, items):
    wrong = unmarked(items)
    if wrong:
        raise pytest.UsageError("unmarked tests:\n" + "\n".join(wrong))
