"""classify(): every failure of an AWS call becomes the right kind, fatality and one-line reason.

The exceptions are botocore's own classes, built the way botocore raises them; the error codes are AWS's (the
lists below are the test's own, so a code dropped from errors.py fails here). The collector and the engine are
then checked against the emulated account: a source is fetched once, a failure is remembered, a raising
evaluator or a non-verdict becomes ERROR.
"""
from __future__ import annotations

import pytest
from botocore import exceptions as bce

from rootaudit.checks import CATALOGUE
from rootaudit.config import AuditConfig
from rootaudit.engine import evaluate_check, scan
from rootaudit.evidence.collector import Collector, Context
from rootaudit.evidence.errors import FATAL_KINDS, SourceError, SourceFailed, classify
from rootaudit.findings import Status, Verdict

ACTION = "iam:GetAccountSummary"


def client_error(code, message="the message", attempts=0):
    return bce.ClientError({"Error": {"Code": code, "Message": message},
                            "ResponseMetadata": {"RetryAttempts": attempts}}, "GetAccountSummary")


@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
                                  "UnauthorizedAccess"])
def test_denied(code):
    err = classify(client_error(code), ACTION)
    assert (err.kind, err.action, err.fatal) == ("AccessDenied", ACTION, False)
    assert err.message.startswith(f"access denied to {ACTION}: grant it")


@pytest.mark.parametrize("code", ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"])
def test_expired(code):
    err = classify(client_error(code), ACTION, profile="prod")
    assert (err.kind, err.fatal) == ("ExpiredCredentials", True)
    assert f"({code})" in err.message and "aws sso login --profile prod" in err.message
    assert "aws sso login (or refresh" in classify(client_error(code), ACTION).message  # no profile


@pytest.mark.parametrize("code", ["InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch",
                                  "AuthFailure"])
def test_invalid(code):
    err = classify(client_error(code), ACTION)
    assert (err.kind, err.fatal) == ("InvalidCredentials", True) and f"({code})" in err.message


@pytest.mark.parametrize("code", ["Throttling", "ThrottlingException", "ThrottledException",
                                  "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
                                  "RequestThrottledException", "SlowDown"])
def test_throttled(code):
    err = classify(client_error(code, attempts=4), ACTION)
    assert (err.kind, err.fatal) == ("Throttled", False)
    assert err.message == (f"{ACTION} was throttled and still failed after 5 attempts with back-off; "
                           "run the scan again later")


def test_other_codes_keep_their_code_and_message():
    err = classify(client_error("NoSuchEntity", "  The   user\nwas not found  "), ACTION)
    assert (err.kind, err.fatal) == ("NoSuchEntity", False)
    assert err.message == f"{ACTION} failed: NoSuchEntity: The user was not found"
    assert classify(client_error("Weird", ""), ACTION).message == f"{ACTION} failed: Weird"
    long = classify(client_error("Weird", "x" * 500), ACTION).message
    assert long.endswith("x" * 200) and len(long) == len(f"{ACTION} failed: Weird: ") + 200


@pytest.mark.parametrize("exc,kind", [
    (bce.NoCredentialsError(), "NoCredentials"),
    (bce.ProfileNotFound(profile="nope"), "ProfileNotFound"),
    (bce.SSOTokenLoadError(error_msg="gone"), "ExpiredCredentials"),
    (bce.UnauthorizedSSOTokenError(), "ExpiredCredentials"),
    (bce.TokenRetrievalError(provider="sso", error_msg="x"), "ExpiredCredentials"),
    (bce.EndpointConnectionError(endpoint_url="http://127.0.0.1:9"), "EndpointUnreachable"),
    (bce.ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"), "EndpointUnreachable"),
    (bce.ReadTimeoutError(endpoint_url="http://127.0.0.1:9"), "EndpointUnreachable"),
    (bce.ConnectionClosedError(endpoint_url="http://127.0.0.1:9"), "EndpointUnreachable"),
])
def test_local_failures_are_fatal(exc, kind):
    err = classify(exc, ACTION, profile="p")
    assert (err.kind, err.action, err.fatal) == (kind, ACTION, True)
    assert "\n" not in err.message and err.message


def test_messages_say_what_to_do():
    assert "rootaudit demo" in classify(bce.NoCredentialsError(), ACTION).message
    assert "~/.aws/config" in classify(bce.ProfileNotFound(profile="nope"), ACTION).message
    assert "aws sso login --profile p" in classify(bce.SSOTokenLoadError(error_msg="x"), ACTION, "p").message
    unreachable = classify(bce.EndpointConnectionError(endpoint_url="u"), ACTION).message
    assert unreachable.startswith(f"could not reach the AWS endpoint for {ACTION} (EndpointConnectionError)")


def test_everything_else_is_not_fatal():
    other = classify(bce.ParamValidationError(report="bad"), ACTION)
    assert (other.kind, other.fatal) == ("ParamValidationError", False)
    assert other.message.startswith(f"{ACTION} failed: ")
    surprise = classify(KeyError("x"), ACTION)
    assert (surprise.kind, surprise.fatal) == ("Unexpected", False)
    assert surprise.message == f"{ACTION} failed unexpectedly: KeyError: 'x'"


def test_fatal_kinds_are_exactly_the_credential_and_endpoint_ones():
    assert FATAL_KINDS == {"NoCredentials", "ExpiredCredentials", "InvalidCredentials", "EndpointUnreachable",
                           "ProfileNotFound"}
    assert not SourceError("AccessDenied", ACTION, "m").fatal and SourceError("NoCredentials", ACTION, "m").fatal


# ---------------------------------------------------------------------------------------- collector, engine


def test_collector_fetches_each_source_once_and_remembers_failures(load, emulator):
    account = load("demo")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    collector = Collector(ctx)
    first = collector.get("account_summary")
    assert collector.get("account_summary") is first
    emulator.fail("iam:ListVirtualMFADevices", code="AccessDenied")
    for _ in range(2):
        with pytest.raises(SourceFailed) as failed:
            collector.get("virtual_mfa")
        assert failed.value.error.kind == "AccessDenied"
    assert ctx.calls == ["iam:GetAccountSummary", "iam:ListVirtualMFADevices"]
    assert emulator.recorded().count("iam:ListVirtualMFADevices") == 1


def test_collector_turns_a_malformed_answer_into_an_error(load):
    account = load("demo")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    collector = Collector(ctx, preset={"trails": "not a list"})  # root_usage_monitoring iterates the trails
    with pytest.raises(SourceFailed) as failed:
        collector.get("root_usage_monitoring")
    assert failed.value.error.kind == "Unexpected" and failed.value.error.action == "logs:DescribeMetricFilters"
    assert "root_usage_monitoring" in collector.errors


def test_evaluate_check_turns_anything_but_a_verdict_into_error():
    check = CATALOGUE[0]
    for returned in (None, "PASS", Verdict("PASS", "a plain string status")):
        bad = type(check)(**{**check.__dict__, "evaluate": lambda ev, cfg, r=returned: r})
        verdict = evaluate_check(bad, {}, AuditConfig())
        assert verdict.status is Status.ERROR and verdict.reason == f"{check.id} returned no verdict"


def test_scan_without_any_session_is_aborted_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    report = scan(profile="no-such-profile", check_ids=["caller-not-root", "root-mfa-enabled"])
    assert report.aborted and "no-such-profile" in report.aborted and report.exit_code() == 2
    assert [f.status for f in report.findings] == [Status.ERROR, Status.ERROR]
    assert all(f.reason == report.aborted for f in report.findings)


def test_a_denied_caller_identity_is_not_fatal(load, emulator):
    account = load("hardened")
    emulator.fail("sts:GetCallerIdentity", code="AccessDenied")
    report = scan(session=account.session(), check_ids=["caller-not-root", "root-mfa-enabled"])
    assert report.aborted is None and report.account_id is None
    by_id = {f.check_id: f for f in report.findings}
    assert by_id["caller-not-root"].status is Status.ERROR and by_id["root-mfa-enabled"].status is Status.PASS
    assert by_id["caller-not-root"].evidence == {"failed_action": "sts:GetCallerIdentity", "kind": "AccessDenied"}


# ------------------------------------------------------------------------------------------- the catalogue


def test_select_keeps_catalogue_order_and_names_unknown_ids():
    from rootaudit.checks import UnknownCheck, select

    ids = [c.id for c in CATALOGUE]
    assert [c.id for c in select()] == ids
    assert [c.id for c in select([ids[5], ids[1]])] == [ids[1], ids[5]]
    assert {c.topic for c in select(topic="organizations")} == {"organizations"}
    assert [c.id for c in select(topic="organizations")] == ["org-central-root-access", "org-scp-denies-root"]
    assert select([ids[0]], topic="organizations") == []
    with pytest.raises(UnknownCheck) as unknown:
        select(["root-mfa-enabled", "nope", "nada"])
    assert str(unknown.value).startswith("unknown check id(s): nope, nada; known ids: caller-not-root, ")


def test_docs_url_and_actions():
    check = next(c for c in CATALOGUE if c.id == "root-hardware-mfa")
    for base in ("https://docs.example.org/handbook", "https://docs.example.org/handbook/"):
        assert check.docs_url(base) == "https://docs.example.org/handbook/checks/root-hardware-mfa/"
    assert check.docs_url("https://x.example/BOX/") == "https://x.example/BOX/checks/root-hardware-mfa/"
    assert check.actions == ["iam:GetAccountSummary", "iam:ListVirtualMFADevices", "sts:GetCallerIdentity"]


def test_exact_messages_of_the_fatal_kinds():
    assert classify(bce.NoCredentialsError(), ACTION).message == (
        "no AWS credentials found: pass --profile or set AWS_PROFILE "
        "(or try the emulated account with `rootaudit demo`)")
    assert classify(bce.EndpointConnectionError(endpoint_url="u"), ACTION).message == (
        f"could not reach the AWS endpoint for {ACTION} (EndpointConnectionError); check the network, "
        "AWS_ENDPOINT_URL and --region")
    assert classify(client_error("ExpiredToken"), ACTION).message == (
        "the credentials have expired (ExpiredToken): run `aws sso login (or refresh your credentials)`")
    assert classify(client_error("AuthFailure"), ACTION).message == (
        "AWS rejected the credentials (AuthFailure): check the profile or access key")


def test_a_client_error_without_an_error_block():
    err = classify(bce.ClientError({}, "GetAccountSummary"), ACTION)
    assert (err.kind, err.message) == ("Unknown", f"{ACTION} failed: Unknown")


def test_an_aborted_scan_says_which_call_and_when(load, emulator):
    from datetime import UTC, datetime

    account = load("demo")
    emulator.fail("sts:GetCallerIdentity", code="ExpiredToken")
    when = datetime(2026, 11, 1, 12, tzinfo=UTC)
    report = scan(session=account.session(), check_ids=["caller-not-root", "root-mfa-enabled"], now=when)
    assert report.aborted and report.generated_at == when and report.account_id is None
    assert [(f.status, f.account_id, f.evidence) for f in report.findings] == [
        (Status.ERROR, None, {"failed_action": "sts:GetCallerIdentity", "kind": "ExpiredCredentials"})] * 2


def test_an_aborted_scan_without_a_failed_call_has_empty_evidence(monkeypatch, tmp_path):
    from rootaudit.engine import error_findings, make_session

    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    report = scan(profile="no-such-profile", check_ids=["caller-not-root"])
    assert report.findings[0].evidence == {} and report.generated_at is not None
    findings = error_findings(list(CATALOGUE[:2]), "why", "https://h.example/", "123456789012")
    assert [(f.evidence, f.account_id, f.reason) for f in findings] == [({}, "123456789012", "why")] * 2
    assert make_session(region="eu-west-1").get_config_variable("region") == "eu-west-1"


# ------------------------------------------------------------- every reason, word for word (what people act on)


def test_exact_messages_of_every_other_kind():
    """Each branch's one-line reason, exactly: a reason that loses its advice is a regression people act on."""
    assert classify(bce.ProfileNotFound(profile="nope"), ACTION).message == (
        "The config profile (nope) could not be found: check the name in ~/.aws/config")
    assert classify(bce.SSOTokenLoadError(error_msg="x"), ACTION, "p").message == (
        "the SSO session has expired or is missing: run `aws sso login --profile p`")
    assert classify(bce.UnauthorizedSSOTokenError(), ACTION).message == (
        "the SSO session has expired or is missing: run `aws sso login (or refresh your credentials)`")
    assert classify(client_error("AccessDenied"), ACTION).message == (
        f"access denied to {ACTION}: grant it to the auditing principal (see the IAM policy in the handbook's "
        "reference)")
    scp = client_error("AccessDenied", "User x is not authorized to perform: iam:GetAccountSummary with an explicit "
                                       "deny in a Service Control Policy")
    assert classify(scp, ACTION).message == (
        f"access denied to {ACTION} by a service control policy: an SCP on this account, its OUs or the "
        "organization root denies it")
    assert classify(client_error("AuthorizationError"), ACTION).kind == "AccessDenied"  # SNS's word for it
    assert classify(client_error("AuthorizationErrorException"), ACTION).kind == "AccessDenied"
    assert classify(client_error("TooManyRequestsError", attempts=2), ACTION).message == (
        f"{ACTION} was throttled and still failed after 3 attempts with back-off; run the scan again later")
    assert classify(client_error("ThrottlingException"), ACTION).message.endswith("after 1 attempts with back-off; "
                                                                                   "run the scan again later")
    assert classify(bce.ReadTimeoutError(endpoint_url="u"), ACTION).message.startswith(
        f"could not reach the AWS endpoint for {ACTION} (ReadTimeoutError)")
    assert classify(bce.PaginationError(message="bad token"), ACTION).message == (
        f"{ACTION} failed: Error during pagination: bad token")


def test_a_failure_in_an_extra_region_says_which_region_and_what_it_usually_means():
    from rootaudit.evidence.errors import in_region

    invalid = in_region(classify(client_error("UnrecognizedClientException"), ACTION), "ap-east-1")
    assert (invalid.kind, invalid.region, invalid.fatal) == ("InvalidCredentials", "ap-east-1", False)
    assert invalid.message == (
        f"{ACTION} in ap-east-1: the region is not enabled for this account (an opt-in region) or belongs to another "
        "partition than the credentials (AWS rejected the credentials (UnrecognizedClientException): check the "
        "profile or access key)")
    unreachable = in_region(classify(bce.EndpointConnectionError(endpoint_url="u"), ACTION), "eu-west-3")
    assert not unreachable.fatal and unreachable.message == (
        f"{ACTION} in eu-west-3: its endpoint could not be reached from here (could not reach the AWS endpoint for "
        f"{ACTION} (EndpointConnectionError); check the network, AWS_ENDPOINT_URL and --region)")
    denied = in_region(classify(client_error("AccessDenied"), ACTION), "eu-west-3")
    assert denied.message == (f"access denied to {ACTION}: grant it to the auditing principal (see the IAM policy in "
                              "the handbook's reference) (in eu-west-3)")


def test_an_scp_denial_is_still_an_access_denied_of_that_action():
    scp = client_error("AccessDenied", "with an explicit deny in a service control policy")
    assert classify(scp, ACTION) == SourceError("AccessDenied", ACTION, (
        f"access denied to {ACTION} by a service control policy: an SCP on this account, its OUs or the "
        "organization root denies it"))


def test_a_throttled_answer_without_retry_metadata_counts_one_attempt():
    bare = bce.ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "GetAccountSummary")
    assert classify(bare, ACTION).message == (
        f"{ACTION} was throttled and still failed after 1 attempts with back-off; run the scan again later")


@pytest.mark.parametrize("exc", [client_error("ExpiredToken"), client_error("Throttling"), client_error("NoSuchEntity"),
                                 bce.PaginationError(message="bad token"), KeyError("x")])
def test_every_failure_names_the_action_it_came_from(exc):
    assert classify(exc, ACTION).action == ACTION  # reports carry it as the finding's failed_action


def test_only_trailing_separators_are_trimmed_from_a_reason():
    assert classify(client_error("ValidationError", "Bad SYNTAX"), ACTION).message == (
        f"{ACTION} failed: ValidationError: Bad SYNTAX")


def test_a_source_failure_carries_its_error_and_says_its_reason():
    err = SourceError("AccessDenied", ACTION, "the reason")
    failed = SourceFailed(err)
    assert failed.error is err and str(failed) == "the reason"  # a traceback shows the reason, not "None"
