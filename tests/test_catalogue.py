"""The check contract enforces itself: discovery by file name, clear errors for malformed entries (under -O too),
and adding a check on existing evidence is one module plus the rows CONTRIBUTING.md names, nothing else."""
from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rootaudit.checks as checks_pkg
from rootaudit.checks import CATALOGUE, discover
from rootaudit.checks.model import STANDARDS, TOPICS, Check, CheckDefinitionError
from rootaudit.findings import Status, passed

ROOT = Path(__file__).resolve().parents[1]
CHECKS_DIR = ROOT / "src" / "rootaudit" / "checks"


def _check(**changes) -> Check:
    fields = dict(id="zz-example", title="Example", severity="low", topic="root-credentials", rationale="why",
                  decides="how", statuses={Status.PASS: "fine"}, sources=("account_summary",),
                  evaluate=lambda ev, cfg: passed("fine"), fix="how-to/set-up-root-mfa.md")
    return Check(**(fields | changes))


def test_every_check_module_is_in_the_catalogue_under_its_own_name():
    modules = sorted(p.stem for p in CHECKS_DIR.glob("*.py") if p.stem not in ("__init__", "model", "common"))
    assert sorted(c.id.replace("-", "_") for c in CATALOGUE) == modules


def test_catalogue_order_is_by_topic_then_order():
    keys = [(TOPICS.index(c.topic), c.order, c.id) for c in CATALOGUE]
    assert keys == sorted(keys)
    assert CATALOGUE[0].id == "caller-not-root"


@pytest.mark.parametrize("changes, message", [
    ({"severity": "urgent"}, "severity 'urgent'"),
    ({"topic": "misc"}, "topic 'misc'"),
    ({"sources": ("no_such_source",)}, "no_such_source"),
    ({"sources": ()}, "(none given)"),
    ({"statuses": {}}, "statuses"),
    ({"fix": "reference/checks.md"}, "must be a how-to page"),
    ({"standards": {"CIS v9": "1.1"}}, "CIS v9"),
    ({"references": ("http://example.com",)}, "https"),
    ({"id": "Root_MFA"}, "lower-case words"),
])
def test_a_malformed_entry_is_refused_with_a_message_naming_the_check(changes, message):
    with pytest.raises(CheckDefinitionError) as caught:
        _check(**changes)
    assert message in str(caught.value)
    assert "zz-example" in str(caught.value) or "Root_MFA" in str(caught.value)


def test_the_contract_holds_under_python_O():
    code = "from rootaudit.checks.model import Check; Check(id='x', title='t', severity='urgent', topic='t', " \
           "rationale='r', decides='d', statuses={}, sources=(), evaluate=print, fix='f')"
    result = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "CheckDefinitionError" in result.stderr


def test_standards_are_one_mapping_over_known_standards():
    for c in CATALOGUE:
        assert set(c.standards) <= set(STANDARDS), c.id
        assert [name for name, _ in c.standard_refs] == [n for n in STANDARDS if n in c.standards]


@pytest.fixture
def extra_checks(tmp_path, monkeypatch):
    """A second folder on the checks package's path, as if a contributor had added modules to checks/."""
    monkeypatch.setattr(checks_pkg, "__path__", [*checks_pkg.__path__, str(tmp_path)])
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("rootaudit.checks.zz_")]:
        del sys.modules[name]


NEW_CHECK = '''
from rootaudit.checks.model import Check
from rootaudit.findings import Status, passed


def evaluate(ev, config):
    return passed("example")


CHECK = Check(id="{id}", title="Example check", severity="low", topic="root-credentials", rationale="why",
              decides="how", statuses={{Status.PASS: "fine"}}, sources=("virtual_mfa",), evaluate=evaluate,
              fix="how-to/set-up-root-mfa.md#hardware-mfa", order=3)
'''


def test_a_module_alone_adds_a_check_to_the_catalogue_and_everything_generated_from_it(extra_checks):
    (extra_checks / "zz_example_check.py").write_text(NEW_CHECK.format(id="zz-example-check"))
    catalogue = discover()
    ids = [c.id for c in catalogue]
    assert "zz-example-check" in ids
    # order=3 sorts it after root-hardware-mfa (order 3, id first) and before root-no-access-keys (order 4)
    assert ids.index("root-hardware-mfa") < ids.index("zz-example-check") < ids.index("root-no-access-keys")
    new = next(c for c in catalogue if c.id == "zz-example-check")
    assert new.actions == ["iam:ListVirtualMFADevices"]

    from handbook_site import macros

    monkey = {"CATALOGUE": catalogue}
    old = {k: getattr(macros, k) for k in monkey}
    try:
        for k, v in monkey.items():
            setattr(macros, k, v)
        macros._state["src"] = "how-to/set-up-root-mfa.md"
        assert "zz-example-check" in macros.fix_table()
        assert "zz-example-check" in macros.checks_fixed_here()  # the how-to links back without an edit
        assert "zz-example-check" in macros.topic_checks("root-credentials")
    finally:
        for k, v in old.items():
            setattr(macros, k, v)


def test_a_module_whose_check_id_differs_from_its_file_name_is_refused(extra_checks):
    (extra_checks / "zz_wrong_name.py").write_text(NEW_CHECK.format(id="zz-right-name"))
    with pytest.raises(CheckDefinitionError, match=r"must be named zz_right_name\.py"):
        discover()


def test_a_module_without_a_check_is_refused(extra_checks):
    (extra_checks / "zz_helper.py").write_text("X = 1\n")
    with pytest.raises(CheckDefinitionError, match="defines no CHECK"):
        discover()


def _contributing_steps() -> list[str]:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Add a check", 1)[1].split("\n## ", 1)[0]
    existing = section.split("### On evidence already collected", 1)[1].split("\n### ", 1)[0]
    return re.findall(r"^\d+\. (.*)$", existing, flags=re.M)


def test_contributing_names_exactly_the_files_a_new_check_on_existing_evidence_touches():
    steps = _contributing_steps()
    files = [re.search(r"`([^`]+)`", step).group(1) for step in steps]
    assert files == ["src/rootaudit/checks/<id>.py", "tests/test_evaluators.py", "tests/expected.py",
                     "permalinks.yml"], textwrap.indent("\n".join(steps), "  ")
    for f in files[1:]:
        assert (ROOT / f).is_file(), f
    assert "make permalinks" in steps[-1]
