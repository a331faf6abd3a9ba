"""The collector and evaluators against the real emulated account (moto over HTTP) in each shipped scenario."""
from __future__ import annotations

from pathlib import Path

import pytest

from expected import EXPECTED
from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.engine import scan
from rootaudit.evidence.sources import SOURCES

CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_full_scan_reaches_expected_verdicts(load, scenario):
    account = load(scenario)
    report = scan(session=account.session(), config=CFG)
    assert report.aborted is None
    assert report.account_id == account.account_id
    got = {f.check_id: f.status.value for f in report.findings}
    assert got == EXPECTED[scenario], {k: (got[k], v) for k, v in EXPECTED[scenario].items() if got[k] != v}
    for f in report.findings:
        assert f.reason and f.docs_url.endswith(f"/checks/{f.check_id}/")


def test_shipped_scenarios_cover_pass_and_fail_of_every_check():
    """org-scp-denies-root's PASS and FAIL need a management-account view of members: the organization scan covers
    them (tests/test_org_scan.py)."""
    for check in CATALOGUE:
        seen = {EXPECTED[s][check.id] for s in EXPECTED}
        if check.id == "org-scp-denies-root":
            continue
        assert {"PASS", "FAIL"} <= seen, check.id


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_each_api_is_called_once_per_account(load, emulator, scenario):
    """Collect once: every action at most once, except the documented per-resource and polling calls."""
    account = load(scenario)
    emulator.clear_recorded()
    report = scan(session=account.session(), config=CFG)
    per_resource = {  # one call per trail, per region, per candidate rule, per filter, per topic; polling
        "iam:GenerateCredentialReport", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
        "events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule", "logs:TestMetricFilter",
        "logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:ListSubscriptionsByTopic",
    }
    twice = {"signin:GetConsoleAuthorizationConfiguration"}  # a management account: itself, then its organization
    counts: dict[str, int] = {}
    for action in report.calls:
        counts[action] = counts.get(action, 0) + 1
    repeated = {a: n for a, n in counts.items() if n > 1 and a not in per_resource and not (a in twice and n == 2)}
    assert not repeated
    assert len(report.calls) < 40
    assert sorted(emulator.recorded()) == sorted(report.calls)  # what the server saw is what the scan says it made


def test_narrow_scan_makes_only_the_calls_it_needs(load, emulator):
    account = load("demo")
    emulator.clear_recorded()
    report = scan(session=account.session(), config=CFG, check_ids=["root-mfa-enabled"])
    assert [f.check_id for f in report.findings] == ["root-mfa-enabled"]
    assert sorted(set(emulator.recorded())) == ["iam:GetAccountSummary", "sts:GetCallerIdentity"]


def test_cost_does_not_grow_with_iam_inventory(load):
    """Prowler makes ~5,800 calls with 1,000 principals; the bulk scenario adds 500 users and 500 roles to demo."""
    demo = scan(session=load("demo").session(), config=CFG)
    bulk = scan(session=load("bulk").session(), config=CFG)
    assert len(bulk.calls) == len(demo.calls)


def test_every_source_is_used_by_some_check():
    used = {s for c in CATALOGUE for s in c.sources} | {d for s in SOURCES.values() for d in s.depends}
    assert used == set(SOURCES)
