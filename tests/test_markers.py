"""The marker guard in conftest.py: a test that builds the site or drives the browser without its marker is refused,
so `-m "not site and not browser"` really skips every site build and every browser."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import unmarked

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class _Mark:
    name: str


@dataclass
class _Item:
    nodeid: str
    fixturenames: list[str]
    marks: list[str] = field(default_factory=list)

    def iter_markers(self):
        return iter(_Mark(m) for m in self.marks)


def test_guard_refuses_unmarked_site_and_browser_tests():
    items = [_Item("a", ["built_site"]), _Item("b", ["built_site"], ["site"]), _Item("c", ["tab", "built_site"]),
             _Item("d", ["tab", "built_site"], ["browser"]), _Item("e", ["tmp_path"]),
             _Item("f", ["tab"], ["site"])]
    assert [w.split(":")[0] for w in unmarked(items)] == ["a", "c", "f"]


def test_the_suite_as_collected_has_no_unmarked_site_test():
    """Collect every test file (no build happens at collection) and list what `not site and not browser` keeps."""
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "-m", "not site and not browser", "tests/"], cwd=ROOT, capture_output=True, text=True,
                            check=False, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    kept = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    assert not kept & {"tests/test_site.py", "tests/test_links.py", "tests/test_zensical.py", "tests/test_browser.py"}


@pytest.mark.parametrize("marker", ["site", "browser"])
def test_markers_are_declared(marker):
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith(f"{marker}:") for m in declared)
