"""Exit codes, for every combination: 2 (nothing scanned) > 1 (FAIL) > 3 (ERROR) > 0 (clean).

One account: Report.exit_code over every subset of statuses, aborted or not. Several accounts (--org): the CLI
says 2 only when no account at all could be scanned; an account that could not be scanned counts as an ERROR.
The last tests run the real command in-process against the emulated account, with FAIL and ERROR in one account.
"""
from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest

from rootaudit import cli
from rootaudit.engine import Report
from rootaudit.findings import Finding, Status

WHEN = datetime(2026, 11, 1, tzinfo=UTC)
PRECEDENCE = (2, 1, 3, 0)  # the first that applies wins


def _report(statuses, aborted=False) -> Report:
    findings = [Finding(check_id=f"c{i}", status=s, severity="high", title="t", reason="r", evidence={},
                        docs_url="u") for i, s in enumerate(statuses)]
    return Report(account_id="123456789012", generated_at=WHEN, findings=findings,
                  aborted="nothing could be read" if aborted else None)


def _expected_single(statuses, aborted) -> int:
    applies = {2: aborted, 1: Status.FAIL in statuses, 3: Status.ERROR in statuses, 0: True}
    return next(code for code in PRECEDENCE if applies[code])


SUBSETS = [combo for n in range(len(Status) + 1) for combo in itertools.combinations(list(Status), n)]


@pytest.mark.parametrize("aborted", [False, True])
@pytest.mark.parametrize("statuses", SUBSETS, ids=lambda s: "+".join(x.value for x in s) or "none")
def test_one_account_exit_code(statuses, aborted):
    # each status twice, in both orders, so neither position nor count can decide
    report = _report(list(statuses) + list(reversed(statuses)), aborted)
    assert report.exit_code() == _expected_single(statuses, aborted)


def _expected_org(codes) -> int:
    if set(codes) == {2}:
        return 2  # nothing at all was scanned
    present = {1 if c == 1 else 3 if c in (2, 3) else 0 for c in codes}  # a lost account is an ERROR here
    return next(code for code in PRECEDENCE if code in present)


def _report_with_code(code: int) -> Report:
    return {0: _report([Status.PASS]), 1: _report([Status.FAIL, Status.PASS]), 3: _report([Status.ERROR]),
            2: _report([Status.ERROR], aborted=True)}[code]


ORG_CODES = [combo for n in (1, 2, 3) for combo in itertools.combinations_with_replacement((0, 1, 2, 3), n)]


@pytest.mark.parametrize("codes", ORG_CODES, ids=lambda c: "-".join(map(str, c)))
def test_several_accounts_exit_code(codes):
    for order in set(itertools.permutations(codes)):
        reports = [_report_with_code(c) for c in order]
        assert [r.exit_code() for r in reports] == list(order)
        assert cli._exit_code(reports) == _expected_org(codes), order


# ------------------------------------------------------------------------------------- the real command


def _run(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    return code, capsys.readouterr().out


def test_fail_beats_error_in_one_real_account(load, emulator, capsys):
    load("demo")
    emulator.fail("iam:GetAccountSummary", code="AccessDenied")
    code, out = _run(capsys, "scan", "--format", "json",
                     "--checks", "root-no-access-keys,root-not-recently-used,security-contact-registered")
    statuses = {f["check_id"]: f["status"] for f in json.loads(out)["findings"]}
    assert statuses == {"root-no-access-keys": "ERROR", "root-not-recently-used": "FAIL",
                        "security-contact-registered": "PASS"}
    assert code == 1


def test_error_without_fail_is_3_and_clean_is_0(load, emulator, capsys):
    load("hardened")
    assert _run(capsys, "scan", "--format", "json", "--checks", "root-mfa-enabled")[0] == 0
    emulator.fail("iam:GetAccountSummary", code="AccessDenied")
    assert _run(capsys, "scan", "--format", "json", "--checks", "root-mfa-enabled,caller-not-root")[0] == 3


def test_summary_line_counts_errors(load, emulator, capsys, tmp_path):
    load("demo")
    emulator.fail("iam:GetAccountSummary", code="AccessDenied")
    out = tmp_path / "r.json"
    code, printed = _run(capsys, "scan", "--format", "json", "--output", str(out),
                         "--checks", "root-no-access-keys,root-not-recently-used,security-contact-registered")
    assert code == 1
    assert printed.strip() == f"wrote json report to {out}: 1 PASS, 1 FAIL, 1 ERROR"


# ---------------------------------------------- engine.py: scan's own session (mutation, issue 16)


def test_a_scan_that_makes_its_session_gives_it_the_region_asked_for(load, emulator, monkeypatch):
    """`rootaudit scan --region R` with no AWS_REGION set: rejected credentials are explained with R in mind (an
    opt-in region), not as "no region is set"."""
    import os

    from rootaudit.engine import scan

    load("demo")
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(var)
    emulator.fail("sts:GetCallerIdentity", code="InvalidClientTokenId")
    report = scan(region="eu-west-1", check_ids=["caller-not-root"], now=WHEN)
    assert report.exit_code() == 2
    assert report.aborted.startswith("AWS rejected the credentials in eu-west-1 (InvalidClientTokenId): check that "
                                      "eu-west-1 is enabled for this account"), report.aborted
    assert report.generated_at == WHEN and report.calls == ["sts:GetCallerIdentity"]
    assert report.endpoint == os.environ["AWS_ENDPOINT_URL"]  # the emulator, as the standard variable says


def test_scan_hands_its_settings_to_the_context_every_fetcher_reads(load, monkeypatch):
    """What a caller of scan() asks for (region, retry mode, worker bound, root session, preset evidence, links,
    time) is what the fetchers and the findings get; a registered source reports the context it was given."""
    from dataclasses import replace

    import boto3

    from rootaudit.checks import BY_ID
    from rootaudit.config import AuditConfig
    from rootaudit.engine import scan
    from rootaudit.evidence.registry import SOURCES, Source
    from rootaudit.findings import Verdict

    account = load("demo")
    root_session = object()  # never called: the probe only compares it

    def probe(ctx, ev):
        return {"region": ctx.region, "retry": ctx.client("sts").meta.config.retries["mode"], "workers": ctx.workers,
                "root": ctx.root_session is root_session, "profile": ctx.profile, "preset": ev.get("t-preset"),
                "limit": ctx.config.credential_report_timeout_seconds}

    monkeypatch.setitem(SOURCES, "t-probe", Source("t-probe", ("sts:GetCallerIdentity",), probe, ("t-preset",)))
    monkeypatch.setitem(SOURCES, "t-preset", Source("t-preset", (), lambda ctx, ev: "fetched"))
    check = replace(BY_ID["caller-not-root"], sources=("t-probe",),
                    evaluate=lambda ev, cfg: Verdict(Status.PASS, "probed", ev["t-probe"]))
    west = boto3.Session(aws_access_key_id=account.credentials["AccessKeyId"],
                         aws_secret_access_key=account.credentials["SecretAccessKey"],
                         aws_session_token=account.credentials.get("SessionToken"), region_name="eu-west-1")
    config = AuditConfig(credential_report_timeout_seconds=7)
    asked = scan(west, config, ["root-mfa-enabled"], checks=[check], profile="auditor", region="ap-southeast-2",
                 preset={"t-preset": "preset"}, root_session=root_session, retry_mode="adaptive", workers=3,
                 handbook_url="https://handbook.example.org/", now=WHEN)
    [finding] = asked.findings
    assert finding.evidence == {"region": "ap-southeast-2", "retry": "adaptive", "workers": 3, "root": True,
                                "profile": "auditor", "preset": "preset", "limit": 7}
    assert (finding.check_id, finding.reason, finding.docs_url, finding.account_id) == (
        "caller-not-root", "probed", "https://handbook.example.org/checks/caller-not-root/", account.account_id)
    assert (asked.account_id, asked.generated_at, asked.aborted) == (account.account_id, WHEN, None)
    assert asked.caller_arn == account.client("sts").get_caller_identity()["Arn"]
    assert asked.calls == ["sts:GetCallerIdentity"]  # the caller's; the probe only opens a client

    [default] = scan(west, checks=[check]).findings  # the session's region; the defaults of everything else
    assert default.evidence == {"region": "eu-west-1", "retry": "standard", "workers": 12, "root": False,
                                "profile": None, "preset": "fetched",
                                "limit": AuditConfig().credential_report_timeout_seconds}
    assert default.docs_url == "https://root-handbook.example.com/checks/caller-not-root/"


def test_a_config_file_that_cannot_be_read_aborts_the_scan_naming_the_first_call(monkeypatch, tmp_path):
    from rootaudit.engine import scan

    broken = tmp_path / "config"
    broken.write_text("[profile auditor\nregion = eu-west-1\n")  # the section header is never closed
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    report = scan(profile="auditor", check_ids=["caller-not-root", "root-mfa-enabled"], now=WHEN)
    assert report.aborted == f"sts:GetCallerIdentity failed: Unable to parse config file: {broken}"
    assert [(f.check_id, f.status, f.reason) for f in report.findings] == [
        ("caller-not-root", Status.ERROR, report.aborted), ("root-mfa-enabled", Status.ERROR, report.aborted)]
    assert report.generated_at == WHEN and report.exit_code() == 2


def test_a_malformed_endpoint_aborts_the_scan_before_any_call(load, monkeypatch):
    from rootaudit.engine import scan

    account = load("demo")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "127.0.0.1 port 5000")  # no scheme, a space: botocore refuses it
    report = scan(session=account.session(), check_ids=["caller-not-root", "root-mfa-enabled"], now=WHEN,
                  handbook_url="https://handbook.example.org/")
    assert report.aborted == ("sts:GetCallerIdentity failed unexpectedly: ValueError: "
                              "Invalid endpoint: 127.0.0.1 port 5000")
    assert [(f.check_id, f.status, f.reason, f.docs_url) for f in report.findings] == [
        (c, Status.ERROR, report.aborted, f"https://handbook.example.org/checks/{c}/")
        for c in ("caller-not-root", "root-mfa-enabled")]
    assert report.generated_at == WHEN and report.calls == [] and report.exit_code() == 2
