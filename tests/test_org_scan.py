"""`rootaudit scan --org` against an emulated organization of 21 accounts (scenario `organization`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from expected import ORG_EXPECTED
from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.evidence.registry import SOURCES
from rootaudit.evidence.sources import SOURCES as _registered  # noqa: F401  (every source registered)
from rootaudit.notebook import source_caption
from rootaudit.org.scan import scan_organization
from rootaudit.policy import ORG_SCAN_ACTIONS

ROOT = Path(__file__).resolve().parents[1]
CFG = config_mod.load(ROOT / "handbook.yml")
NO_ROLE, SUSPENDED = "100000000013", "100000000017"


@pytest.fixture(scope="module")
def org_reports(emulator):
    account = emulator.load("organization")
    with account.environment():
        emulator.clear_recorded()
        reports = scan_organization(session=account.session(), config=CFG, progress="never")
        recorded = emulator.recorded()
    emulator.reset()
    return reports, recorded


def test_every_account_is_reported_with_its_id(org_reports):
    reports, _ = org_reports
    assert len(reports) == 21 and reports[0].account_id == "123456789012"
    for r in reports:
        assert len(r.findings) == len(CATALOGUE)
        assert all(f.account_id == r.account_id for f in r.findings)


def test_an_account_that_cannot_be_audited_is_isolated(org_reports):
    reports, _ = org_reports
    by_id = {r.account_id: r for r in reports}
    suspended = {f.status.value for f in by_id[SUSPENDED].findings}
    # not ERROR: AWS gives no access to a suspended account, and the reason says which state it is in
    assert suspended == {"NOT_APPLICABLE"} and "SUSPENDED" in by_id[SUSPENDED].findings[0].reason
    no_role = {f.check_id: f for f in by_id[NO_ROLE].findings}
    assert no_role["security-contact-registered"].status.value == "ERROR"
    assert "OrganizationAccountAccessRole" in no_role["security-contact-registered"].reason
    # dev-shared sits under DenyRootStrict (no aws:AssumedRoot exception): as on AWS, the SCP denies the audit root
    # session, and the reason names the SCP instead of asking to grant the auditor something
    for check in ("root-no-access-keys", "root-mfa-enabled"):
        assert no_role[check].status.value == "ERROR"
        assert "DenyRootStrict" in no_role[check].reason and "grant it" not in no_role[check].reason
    healthy = [r for r in reports if r.account_id not in (NO_ROLE, SUSPENDED)]
    assert all(f.status.value != "ERROR" for r in healthy for f in r.findings)


def test_root_sessions_are_opened_only_where_the_role_cannot_read(org_reports):
    reports, recorded = org_reports
    assert recorded.count("sts:AssumeRoot") == 1  # only dev-shared, which has no access role
    member = next(r for r in reports if r.account_id == "100000000011")  # under DenyRootStrict, role works
    assert "iam:GetAccountSummary" in member.calls
    found = {f.check_id: f.status.value for f in member.findings}
    # read through the role, so the SCP that blocks root sessions does not hide these FAILs as ERROR
    assert found["root-no-access-keys"] == "FAIL" and found["root-mfa-enabled"] == "PASS"


def test_scp_check_reaches_pass_warn_and_fail(org_reports):
    reports, _ = org_reports
    scp = {r.account_id: next(f for f in r.findings if f.check_id == "org-scp-denies-root") for r in reports}
    assert scp["123456789012"].status.value == "NOT_APPLICABLE"
    assert scp["100000000001"].status.value == "PASS" and "exception" in scp["100000000001"].reason
    assert scp["100000000008"].status.value == "PASS" and "WARNING" in scp["100000000008"].reason
    assert scp["100000000014"].status.value == "FAIL"


def test_sign_in_restriction_reads_rcps_for_members_only(org_reports):
    """RCPs reach members (PASS under Production's RCP, FAIL elsewhere); the management account is judged on its
    own Sign-In policy, because RCPs never apply to it."""
    reports, recorded = org_reports
    signin = {r.account_id: next(f for f in r.findings if f.check_id == "root-sign-in-restricted") for r in reports}
    management, production = signin["123456789012"], signin["100000000001"]
    assert management.status.value == "PASS" and "account's Sign-In policy" in management.reason
    assert production.status.value == "PASS" and "RootSignInExpectedNetworks" in production.reason
    assert signin["100000000008"].status.value == "FAIL"
    # the organization's switch is read once per scan, not once per member
    # management + the organization once + 18 members reached by their role (one has none, one is suspended)
    assert recorded.count("signin:GetConsoleAuthorizationConfiguration") == 1 + 1 + 18


def test_member_root_emails_are_judged(org_reports):
    reports, _ = org_reports
    email = {r.account_id: next(f for f in r.findings if f.check_id == "root-email-distribution-list")
             for r in reports}
    assert email["100000000001"].status.value == "PASS"
    assert email["100000000004"].status.value == "FAIL"


def test_calls_per_account_are_constant(org_reports):
    reports, _ = org_reports
    per_account = Counter(len(r.calls) for r in reports[1:] if r.account_id not in (NO_ROLE, SUSPENDED))
    assert len(per_account) == 1, per_account


def test_members_read_neither_management_only_sources_nor_their_own_identity(org_reports):
    """What only the management account can read (Source.management_only) comes to each member from the
    management account, and a member's identity from AssumeRole: a member's own calls include none of it."""
    reports, _ = org_reports
    management_only = {name for name, source in SOURCES.items() if source.management_only}
    assert management_only == {"scps", "org_features", "signin_rcps"}
    own = {a for name in management_only for a in SOURCES[name].actions}
    shared = {a for source in SOURCES.values() if not source.management_only for a in source.actions}
    # the SCP and RCP reads of the org scan (org/scps.py, org/rcps.py) are Organizations calls,
    # made by the management account
    organizations = {a for a in ORG_SCAN_ACTIONS if a.startswith("organizations:")}
    forbidden = (own - shared) | organizations | {"sts:GetCallerIdentity"}
    assert {"organizations:ListPoliciesForTarget", "iam:ListOrganizationsFeatures"} <= forbidden
    # and the notebooks say so where they list what each source reads
    assert all("management account" in source_caption(name) for name in management_only)
    assert not any("management account" in source_caption(name) for name in SOURCES if name not in management_only)
    members = [r for r in reports[1:] if r.account_id not in (NO_ROLE, SUSPENDED)]
    assert members and all(r.calls for r in members)
    assert all(forbidden.isdisjoint(r.calls) for r in members), {
        r.account_id: forbidden & set(r.calls) for r in members}


def test_cli_org_json_carries_account_ids_and_is_quiet_off_a_terminal(emulator):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | emulator.load("organization").env()
    result = subprocess.run([sys.executable, "-m", "rootaudit.cli", "scan", "--org", "--format", "json"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)
    emulator.reset()
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert len(data) == 21 and all(f["account_id"] == d["account_id"] for d in data for f in d["findings"])
    assert "accounts" not in result.stderr.split("Scanned")[0]  # no progress bar when stderr is not a terminal
    assert "Scanned 21 accounts" in result.stderr


def test_assume_root_uses_a_regional_sts_endpoint(monkeypatch):
    """AWS rejects sts:AssumeRoot on the global endpoint; the org scan's STS client must be regional."""
    import boto3

    from rootaudit.evidence.collector import Context

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    ctx = Context(session=boto3.Session(region_name="eu-west-1"), config=CFG, region="eu-west-1")
    assert ctx.client("sts").meta.endpoint_url == "https://sts.eu-west-1.amazonaws.com"


@pytest.mark.parametrize("scenario", sorted(ORG_EXPECTED))
def test_org_scan_reaches_expected_verdicts(emulator, scenario):
    """End to end over HTTP, from the scenario's audited account (for organization-delegated-admin: the delegated
    administrator, registered for IAM through Organizations)."""
    account = emulator.load(scenario)
    with account.environment():
        emulator.clear_recorded()
        reports = scan_organization(session=account.session(), config=CFG, progress="never")
        recorded = emulator.recorded()
    emulator.reset()
    got = {r.account_id: {f.check_id: f for f in r.findings} for r in reports}
    assert reports[0].account_id == account.account_id
    for account_id, expected in ORG_EXPECTED[scenario].items():
        for check_id, status in expected.items():
            checks = got[account_id] if check_id == "*" else {check_id: got[account_id][check_id]}
            for f in checks.values():
                assert f.status.value == status, (account_id, f.check_id, f.reason)
    if scenario == "organization-delegated-admin":
        orphan = got["100000000023"]["root-no-access-keys"].reason
        assert "DenyRootStrict" in orphan and "aws:AssumedRoot" in orphan
        denied = got["100000000024"]["security-contact-registered"].reason
        assert "service control policy" in denied and "grant it" not in denied
        assert "CLOSED" in got["100000000025"]["caller-not-root"].reason
        # 21 and 23 (no role) and 24 (its role is denied too); never the management account nor 22 (role works)
        assert recorded.count("sts:AssumeRoot") == 3
