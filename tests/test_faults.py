"""Every fault is a verdict, never a crash, and the other checks still report.

Faults are produced by the real emulated account (its failure knobs answer with each service's real error
code over HTTP), except the expired SSO token, which botocore raises locally from a real profile.
"""
from __future__ import annotations

import time
from pathlib import Path

import boto3
import yaml

from expected import EXPECTED
from rootaudit import config as config_mod
from rootaudit.config import AuditConfig
from rootaudit.engine import scan
from rootaudit_emulator import Emulator, scenario_path

CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")


def statuses(report):
    return {f.check_id: f.status.value for f in report.findings}


def test_no_credentials_is_an_error_verdict_for_every_check(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    report = scan(session=boto3.Session(region_name="us-east-1"), config=CFG)
    assert report.aborted and "no AWS credentials" in report.aborted and report.exit_code() == 2
    assert set(statuses(report).values()) == {"ERROR"} and len(report.findings) == 13


def test_expired_credentials(load, emulator):
    account = load("demo")
    emulator.fail("sts:GetCallerIdentity", code="ExpiredToken", message="The security token included in the request is expired")
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


def test_access_denied_on_one_api_errors_only_the_checks_that_need_it(load, emulator):
    account = load("demo")
    emulator.fail("cloudtrail:DescribeTrails", code="AccessDenied")
    got = statuses(scan(session=account.session(), config=CFG))
    affected = {"cloudtrail-multi-region", "root-usage-alarm"}
    assert {k: v for k, v in got.items() if k in affected} == {k: "ERROR" for k in affected}
    assert {k: v for k, v in got.items() if k not in affected} == {
        k: v for k, v in EXPECTED["demo"].items() if k not in affected}


def test_access_denied_reason_names_the_action(load, emulator):
    account = load("demo")
    emulator.fail("iam:ListVirtualMFADevices", code="AccessDenied")
    report = scan(session=account.session(), config=CFG, check_ids=["root-hardware-mfa", "root-mfa-enabled"])
    by_id = {f.check_id: f for f in report.findings}
    hw, mfa = by_id["root-hardware-mfa"], by_id["root-mfa-enabled"]
    assert hw.status.value == "ERROR" and "access denied to iam:ListVirtualMFADevices" in hw.reason
    assert hw.evidence["failed_action"] == "iam:ListVirtualMFADevices"
    assert mfa.status.value == "PASS"


def test_throttling_is_retried_with_back_off(load, emulator):
    account = load("demo")
    emulator.fail("account:GetAlternateContact", code="Throttling", times=2)
    report = scan(session=account.session(), config=CFG, check_ids=["security-contact-registered"])
    assert report.findings[0].status.value == "PASS"
    assert emulator.recorded().count("account:GetAlternateContact") == 3


def test_persistent_throttling_becomes_error(load, emulator):
    account = load("demo")
    emulator.fail("account:GetAlternateContact", code="Throttling")
    report = scan(session=account.session(), config=CFG, check_ids=["security-contact-registered", "root-mfa-enabled"])
    by_id = {f.check_id: f for f in report.findings}
    contact, mfa = by_id["security-contact-registered"], by_id["root-mfa-enabled"]
    attempts = emulator.recorded().count("account:GetAlternateContact")
    assert attempts == 6  # botocore standard mode: the first call and 5 retries with back-off
    assert contact.status.value == "ERROR" and "throttled" in contact.reason and f"{attempts} attempts" in contact.reason
    assert mfa.status.value == "PASS"
    assert report.exit_code() == 3


def test_credential_report_not_ready_in_time(emulator, monkeypatch):
    spec = yaml.safe_load(scenario_path("demo").read_text())
    spec["failures"] = {"credential_report_never_ready": True}
    account = emulator.load(spec)
    for k, v in account.env().items():
        monkeypatch.setenv(k, v)
    started = time.monotonic()
    report = scan(session=account.session(), config=AuditConfig(credential_report_timeout_seconds=2),
                  check_ids=["root-not-recently-used", "root-mfa-enabled"])
    waited = time.monotonic() - started
    by_id = {f.check_id: f for f in report.findings}
    recent, mfa = by_id["root-not-recently-used"], by_id["root-mfa-enabled"]
    assert recent.status.value == "ERROR" and "not ready after waiting" in recent.reason and "limit 2 s" in recent.reason
    assert mfa.status.value == "PASS"
    assert waited < 5
    emulator.reset()


def test_endpoint_going_away_mid_scan(monkeypatch):
    """A separate emulator is stopped after a few requests: the rest of the scan reports ERROR quickly."""
    emu = Emulator()
    emu.start()
    account = emu.load("hardened")
    for k, v in account.env().items():
        monkeypatch.setenv(k, v)
    session = account.session()
    seen = {"n": 0}

    def stop_after_three(**kwargs):
        seen["n"] += 1
        if seen["n"] == 4:
            emu.stop()

    session.events.register("before-send", stop_after_three)
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
    assert mfa.status.value == "NOT_APPLICABLE" and "no password, no access keys and no signing certificates" in mfa.reason
