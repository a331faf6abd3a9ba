"""Every fault is a verdict, never a crash, and the other checks still report.

The faults are the emulated account's own switches (a scenario's ``faults:`` list, see
src/rootaudit_emulator/faults.py): the emulator answers with each service's real error code over HTTP and the
product runs unchanged.  Two exceptions: the expired SSO token, which botocore raises locally from a real profile,
and the expired session token, a low-level ``Emulator.fail`` knob (no scenario fault models it).
"""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import boto3
import pytest

from expected import EXPECTED
from rootaudit import config as config_mod
from rootaudit.checks import CATALOGUE
from rootaudit.config import AuditConfig
from rootaudit.engine import scan
from rootaudit_emulator import Emulator

CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")
REPORT_CHECKS = ["root-not-recently-used", "root-mfa-enabled"]  # the first reads the credential report


def with_faults(emulator, monkeypatch, base, *faults, **extra):
    """Load ``base`` with these fault switches on, and point the standard AWS variables at it."""
    account = emulator.load({"extends": base, "description": f"{base} with faults", "faults": list(faults),
                             **extra})
    for key, value in account.env().items():
        monkeypatch.setenv(key, value)
    return account


@pytest.fixture(autouse=True)
def _reset(emulator):
    yield
    emulator.reset()


def statuses(report):
    return {f.check_id: f.status.value for f in report.findings}


def test_no_credentials_is_an_error_verdict_for_every_check(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    report = scan(session=boto3.Session(region_name="us-east-1"), config=CFG)
    assert report.aborted and "no AWS credentials" in report.aborted and report.exit_code() == 2
    assert set(statuses(report).values()) == {"ERROR"} and len(report.findings) == len(CATALOGUE)


def test_expired_credentials(load, emulator):
    account = load("demo")
    emulator.fail("sts:GetCallerIdentity", code="ExpiredToken",
                  message="The security token included in the request is expired")
    report = scan(session=account.session(), config=CFG, profile="sandbox")
    assert report.exit_code() == 2
    assert "expired" in report.aborted and "aws sso login --profile sandbox" in report.aborted


def test_expired_sso_token(tmp_path, monkeypatch):
    """botocore raises the SSO error itself when the cached token is missing or expired; no request is sent."""
    config = tmp_path / "config"
    config.write_text("[profile sandbox]\nsso_session = corp\nsso_account_id = 123456789012\n"
                      "sso_role_name = Audit\nregion = us-east-1\n\n[sso-session corp]\n"
                      "sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.aws/sso/cache
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    report = scan(config=CFG, profile="sandbox")
    assert report.exit_code() == 2
    assert "aws sso login --profile sandbox" in report.aborted


def test_access_denied_on_one_api_errors_only_the_checks_that_need_it(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo",
                          {"fault": "access_denied", "operation": "cloudtrail:DescribeTrails"})
    got = statuses(scan(session=account.session(), config=CFG))
    affected = {"cloudtrail-multi-region", "root-usage-alarm"}
    assert {k: v for k, v in got.items() if k in affected} == {k: "ERROR" for k in affected}
    assert {k: v for k, v in got.items() if k not in affected} == {
        k: v for k, v in EXPECTED["demo"].items() if k not in affected}


def test_access_denied_reason_names_the_action(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo",
                          {"fault": "access_denied", "operation": "iam:ListVirtualMFADevices"})
    report = scan(session=account.session(), config=CFG, check_ids=["root-hardware-mfa", "root-mfa-enabled"])
    by_id = {f.check_id: f for f in report.findings}
    hw, mfa = by_id["root-hardware-mfa"], by_id["root-mfa-enabled"]
    assert hw.status.value == "ERROR" and "access denied to iam:ListVirtualMFADevices" in hw.reason
    assert hw.evidence["failed_action"] == "iam:ListVirtualMFADevices"
    assert mfa.status.value == "PASS"


def test_throttling_is_retried_with_back_off(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo",
                          {"fault": "throttling", "operation": "account:GetAlternateContact", "times": 2})
    report = scan(session=account.session(), config=CFG, check_ids=["security-contact-registered"])
    assert report.findings[0].status.value == "PASS"
    assert emulator.recorded().count("account:GetAlternateContact") == 3


def test_persistent_throttling_becomes_error(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo",
                          {"fault": "throttling", "operation": "account:GetAlternateContact"})
    report = scan(session=account.session(), config=CFG, check_ids=["security-contact-registered", "root-mfa-enabled"])
    by_id = {f.check_id: f for f in report.findings}
    contact, mfa = by_id["security-contact-registered"], by_id["root-mfa-enabled"]
    attempts = emulator.recorded().count("account:GetAlternateContact")
    assert attempts == 6  # botocore standard mode: the first call and 5 retries with back-off
    assert (contact.status.value == "ERROR" and "throttled" in contact.reason
            and f"{attempts} attempts" in contact.reason)
    assert mfa.status.value == "PASS"
    assert report.exit_code() == 3


def test_credential_report_in_progress_is_waited_for(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo", {"fault": "credential_report_in_progress", "times": 2})
    report = scan(session=account.session(), config=CFG, check_ids=REPORT_CHECKS)
    assert statuses(report) == {k: EXPECTED["demo"][k] for k in REPORT_CHECKS}
    # STARTED, INPROGRESS, then COMPLETE: the product polled until the report was ready
    assert emulator.recorded().count("iam:GenerateCredentialReport") == 3


def test_credential_report_not_ready_in_time(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo", {"fault": "credential_report_in_progress"})
    started = time.monotonic()
    report = scan(session=account.session(), config=AuditConfig(credential_report_timeout_seconds=2),
                  check_ids=REPORT_CHECKS)
    waited = time.monotonic() - started
    by_id = {f.check_id: f for f in report.findings}
    recent, mfa = by_id["root-not-recently-used"], by_id["root-mfa-enabled"]
    assert (recent.status.value == "ERROR" and "not ready after waiting" in recent.reason
            and "limit 2 s" in recent.reason)
    assert mfa.status.value == "PASS"
    assert waited < 5


@pytest.mark.parametrize("fault", ["credential_report_not_present", "credential_report_limit_exceeded"])
def test_credential_report_errors_that_pass_are_retried(emulator, monkeypatch, fault):
    """ReportNotPresent (GetCredentialReport) and LimitExceeded (GenerateCredentialReport) mean "try again"."""
    account = with_faults(emulator, monkeypatch, "demo", {"fault": fault, "times": 2})
    report = scan(session=account.session(), config=CFG, check_ids=REPORT_CHECKS)
    assert statuses(report) == {k: EXPECTED["demo"][k] for k in REPORT_CHECKS}
    operation = "iam:GetCredentialReport" if fault.endswith("not_present") else "iam:GenerateCredentialReport"
    assert emulator.recorded().count(operation) >= 3  # two refused, then answered


def test_credential_report_expired_is_an_error_verdict(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "demo", {"fault": "credential_report_expired"})
    report = scan(session=account.session(), config=CFG, check_ids=REPORT_CHECKS)
    by_id = {f.check_id: f for f in report.findings}
    recent = by_id["root-not-recently-used"]
    assert recent.status.value == "ERROR" and "ReportExpired" in recent.reason
    assert recent.evidence["failed_action"] == "iam:GetCredentialReport"
    assert by_id["root-mfa-enabled"].status.value == "PASS"


def test_service_access_not_enabled_fails_central_root_access(emulator, monkeypatch):
    account = with_faults(emulator, monkeypatch, "hardened", {"fault": "service_access_not_enabled"})
    got = {f.check_id: f for f in scan(session=account.session(), config=CFG).findings}
    central = got.pop("org-central-root-access")
    assert central.status.value == "FAIL" and "trusted access for IAM" in central.reason
    assert {k: f.status.value for k, f in got.items()} == {
        k: v for k, v in EXPECTED["hardened"].items() if k != "org-central-root-access"}


def test_disabled_opt_in_region_errors_only_that_region(emulator, monkeypatch):
    """Issue 11 item 9: a disabled opt-in region among the sign-in regions affects only the check that reads it."""
    account = with_faults(emulator, monkeypatch, "hardened", {"fault": "region_disabled", "region": "ap-east-1"})
    config = replace(CFG, signin_regions=("us-east-1", "ap-east-1"))
    report = scan(session=account.session(), config=config)
    got = statuses(report)
    alert = next(f for f in report.findings if f.check_id == "root-activity-alert")
    # us-east-1 decides (root sign-in is recorded there); the extra region is reported as unreadable, not fatal.
    assert alert.status.value == "PASS" and "ap-east-1: unreadable" in alert.reason
    assert report.aborted is None and report.exit_code() == 0
    required = scan(session=account.session(), config=replace(config, require_all_signin_regions=True))
    alert = next(f for f in required.findings if f.check_id == "root-activity-alert")
    assert alert.status.value == "ERROR" and "ap-east-1" in alert.reason and required.aborted is None
    assert {k: v for k, v in got.items() if k != "root-activity-alert"} == {
        k: v for k, v in EXPECTED["hardened"].items() if k != "root-activity-alert"}


def test_disabled_opt_in_region_answers_as_aws_does(emulator, monkeypatch):
    """The switch itself: JSON services say UnrecognizedClientException, query services InvalidClientTokenId."""
    from botocore.exceptions import ClientError

    account = with_faults(emulator, monkeypatch, "hardened", {"fault": "region_disabled", "region": "ap-east-1"})
    session = account.session()
    for service, call, code in (("events", "list_rules", "UnrecognizedClientException"),
                                ("sts", "get_caller_identity", "InvalidClientTokenId")):
        with pytest.raises(ClientError) as excinfo:
            getattr(session.client(service, region_name="ap-east-1"), call)()
        assert excinfo.value.response["Error"]["Code"] == code
    assert session.client("events", region_name="us-east-1").list_rules()["Rules"]  # other regions answer


def test_a_fault_in_one_member_isolates_that_member(emulator, monkeypatch):
    """The ``account`` option: AccessDenied on iam:GetAccountSummary in one member only, during an org scan."""
    from rootaudit.org.scan import scan_organization

    with_faults(emulator, monkeypatch, "organization",
                {"fault": "access_denied", "operation": "iam:GetAccountSummary", "account": "100000000002"})
    reports = {r.account_id: r for r in scan_organization(progress="never", max_workers=4,
                                                          check_ids=["root-mfa-enabled"])}
    assert reports["100000000002"].findings[0].status.value == "ERROR"
    assert "access denied to iam:GetAccountSummary" in reports["100000000002"].findings[0].reason
    others = {a: r.findings[0].status.value for a, r in reports.items() if a != "100000000002"}
    assert "PASS" in others.values() and not any(
        r.findings[0].reason.startswith("access denied to iam:GetAccountSummary") for a, r in reports.items()
        if a != "100000000002")


def test_endpoint_going_away_mid_scan(monkeypatch):
    """A separate emulator is stopped once the caller and root's summary are read (sources are fetched
    concurrently, so the stop is tied to those answers, not to a request count): the rest reports ERROR quickly."""
    emu = Emulator()
    emu.start()
    account = emu.load("hardened")
    for k, v in account.env().items():
        monkeypatch.setenv(k, v)
    session = account.session()
    answered: set[str] = set()

    def stop_after_both(event_name, **kwargs):
        answered.add(event_name)
        if len(answered) == 2:
            emu.stop()

    session.events.register("after-call.sts.GetCallerIdentity", stop_after_both)
    session.events.register("after-call.iam.GetAccountSummary", stop_after_both)
    started = time.monotonic()
    report = scan(session=session, config=CFG)
    got = statuses(report)
    assert got["caller-not-root"] == "PASS" and got["root-mfa-enabled"] == "PASS"
    errors = [f for f in report.findings if f.status.value == "ERROR"]
    assert errors and all("could not reach the AWS endpoint" in f.reason for f in errors)
    assert report.aborted is None and report.exit_code() == 3
    assert time.monotonic() - started < 60


def test_no_organization_is_not_applicable(load):
    got = statuses(scan(session=load("standalone").session(), config=CFG))
    assert got["org-central-root-access"] == got["org-scp-denies-root"] == "NOT_APPLICABLE"


def test_member_without_root_credentials_is_explicit(load):
    report = scan(session=load("member-no-root-credentials").session(), config=CFG)
    mfa = next(f for f in report.findings if f.check_id == "root-mfa-enabled")
    assert (mfa.status.value == "NOT_APPLICABLE"
            and "no password, no access keys and no signing certificates" in mfa.reason)


def test_the_shipped_unreliable_scenario_reaches_the_demo_verdicts(load, emulator):
    """scenarios/unreliable.yaml: the demo account with transient faults; retries reach the same verdicts."""
    account = load("unreliable")
    report = scan(session=account.session(), config=CFG)
    assert statuses(report) == EXPECTED["demo"]
    calls = emulator.recorded()
    assert calls.count("account:GetAlternateContact") == 3  # two throttled, then answered
    assert calls.count("iam:GenerateCredentialReport") == 4  # LimitExceeded, STARTED, INPROGRESS, COMPLETE


EVERY_ACTION = sorted({action for check in CATALOGUE for action in check.actions})


@pytest.mark.parametrize("action", EVERY_ACTION)
def test_access_denied_on_any_action_is_never_read_as_an_answer(emulator, monkeypatch, action):
    """A denied call is an ERROR (or MANUAL where the check says what to look at instead) for the checks that need
    it, never an absence: not "no organization", "no contact" or "no trail". Every other check is unchanged."""
    account = with_faults(emulator, monkeypatch, "hardened", {"fault": "access_denied", "operation": action})
    report = scan(session=account.session(), config=CFG)
    needs = {c.id for c in CATALOGUE if action in c.actions}
    got = statuses(report)
    assert {k: v for k, v in got.items() if k in needs and v not in ("ERROR", "MANUAL")} == {}
    assert {k: v for k, v in got.items() if k not in needs} == {
        k: v for k, v in EXPECTED["hardened"].items() if k not in needs}
    assert report.exit_code() in (0, 3)  # hardened has no FAIL; a denial never makes one
