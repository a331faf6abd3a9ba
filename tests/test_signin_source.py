"""The Sign-In evidence source against answers the emulator never gives, through botocore's Stubber.

Stubber validates every stubbed request and response against the `signin` service model, so these answers are
ones AWS's model allows. The emulator always answers a Get with "off" and an empty policy; these tests cover
the documented ResourceNotFoundException and AccessDeniedException answers instead, and a policy in the
allow-list form that AWS might store (its API reference does not say which form it stores).
"""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from evidence_builders import ACCOUNT, NOW, caller
from rootaudit.checks import BY_ID
from rootaudit.config import AuditConfig
from rootaudit.engine import evaluate_check
from rootaudit.evidence.collector import Collector, Context
from rootaudit.evidence.errors import SourceFailed
from rootaudit.findings import Status


@pytest.fixture
def stubbed():
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    stub = Stubber(ctx.client("signin", "us-east-1"))
    stub.activate()
    yield ctx, stub
    stub.deactivate()


def _collect(ctx):
    collector = Collector(ctx, preset={"caller": caller(), "organization": None})
    return collector.get("signin_console")


def test_never_configured_account_reads_as_off(stubbed):
    ctx, stub = stubbed
    stub.add_client_error("get_console_authorization_configuration", "ResourceNotFoundException", http_status_code=404,
                          modeled_fields={"error": "RESOURCE_NOT_FOUND", "message": "not found"})
    stub.add_client_error("get_resource_policy", "ResourceNotFoundException", http_status_code=404,
                          modeled_fields={"error": "RESOURCE_NOT_FOUND", "message": "no policy"})
    value = _collect(ctx)
    assert value["authorization"]["enabled"] is False and value["statements"] == []
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], {"signin_console": value,
                                                                "signin_rcps": {"status": "no-organization"},
                                                                "now": NOW}, AuditConfig())
    assert verdict.status == Status.FAIL and "console authorization is off" in verdict.reason
    stub.assert_no_pending_responses()


def test_access_denied_is_manual_not_error(stubbed):
    ctx, stub = stubbed
    stub.add_client_error("get_console_authorization_configuration", "AccessDeniedException", http_status_code=403,
                          modeled_fields={"error": "INSUFFICIENT_PERMISSIONS", "message": "denied"})
    value = _collect(ctx)
    assert value == {"status": "not-readable", "action": "signin:GetConsoleAuthorizationConfiguration"}


def test_allow_list_policy_restricts_root(stubbed):
    ctx, stub = stubbed
    stub.add_response("get_console_authorization_configuration",
                      {"targetId": ACCOUNT, "scope": "ACCOUNT", "consoleAuthorizationEnabled": True})
    stub.add_response("get_resource_policy", {"signinResourceBasedPolicy": {"version": "2012-10-17", "statement": [
        {"effect": "Allow", "principal": {"AWS": "*"}, "action": ["signin:Authenticate"], "resource": "*",
         "condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]}})
    value = _collect(ctx)
    cfg = AuditConfig(org={"root_signin": {"expected_cidrs": ["203.0.113.0/24"]}})
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], {"signin_console": value,
                                                                "signin_rcps": {"status": "management"},
                                                                "now": NOW}, cfg)
    assert verdict.status == Status.PASS and "only from 203.0.113.0/24" in verdict.reason, verdict.reason


# ------------------------------------------------------------------- mutation cases: the Sign-In source (issue 16)

def test_a_configured_endpoint_with_a_path_is_prefixed_once(monkeypatch):
    """The source pins its cached Sign-In client on every use (checking the operations, then each read): the
    configured endpoint's path (a proxy's prefix, whatever its last letter) must still be added once, not once
    per pin. Nothing is sent: the request is stopped before it leaves, where its address is final."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9/stage/PREFIX/")
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    seen = []

    def stop(request, **_):
        seen.append(request.url)
        raise RuntimeError("stopped before sending")

    ctx.client("signin", "us-east-1").meta.events.register("before-send.signin", stop)
    with pytest.raises(SourceFailed, match="stopped before sending"):
        Collector(ctx, preset={"caller": caller(), "organization": None}).get("signin_console")
    assert seen == ["http://127.0.0.1:9/stage/PREFIX/get-console-authorization-configuration"]


def test_the_authorization_evidence_says_what_aws_answered_and_whether_it_was_ever_configured(stubbed):
    """The finding's evidence shows the switch as AWS reported it: its scope and target when configured, and the
    documented default ("off", never configured, no scope) when AWS answers ResourceNotFoundException."""
    ctx, stub = stubbed
    stub.add_response("get_console_authorization_configuration",
                      {"targetId": ACCOUNT, "scope": "ACCOUNT", "consoleAuthorizationEnabled": True}, {})
    stub.add_client_error("get_resource_policy", "ResourceNotFoundException", http_status_code=404,
                          modeled_fields={"error": "RESOURCE_NOT_FOUND", "message": "no policy"})
    assert _collect(ctx)["authorization"] == {"enabled": True, "scope": "ACCOUNT", "target": ACCOUNT,
                                              "configured": True}
    stub.assert_no_pending_responses()


def test_an_organization_never_configured_is_off_for_that_organization(stubbed):
    """From the management account the organization's switch is asked for with the organization's id; never set,
    it reads as off for that organization (not for the account), with no scope."""
    ctx, stub = stubbed
    stub.add_client_error("get_console_authorization_configuration", "ResourceNotFoundException", http_status_code=404,
                          modeled_fields={"error": "RESOURCE_NOT_FOUND", "message": "not found"},
                          expected_params={"targetId": "o-exampleorgid"})
    org = {"id": "o-exampleorgid", "master_account_id": ACCOUNT}
    value = Collector(ctx, preset={"caller": caller(), "organization": org}).get("signin_rcps")
    assert value == {"status": "management", "organization_authorization": {
        "enabled": False, "scope": None, "target": "o-exampleorgid", "configured": False}}
    stub.assert_no_pending_responses()


def test_a_switch_that_is_not_a_boolean_is_an_error_not_off(stubbed):
    """AWS's model makes consoleAuthorizationEnabled a boolean, so Stubber refuses anything else; the string "true"
    (a proxy or an emulator that quotes it) is put in after parsing. It must not be read as "off" (a FAIL that
    blames the account): the check says it could not tell."""
    ctx, stub = stubbed
    stub.add_response("get_console_authorization_configuration",
                      {"targetId": ACCOUNT, "scope": "ACCOUNT", "consoleAuthorizationEnabled": True})
    stub.add_client_error("get_resource_policy", "ResourceNotFoundException", http_status_code=404,
                          modeled_fields={"error": "RESOURCE_NOT_FOUND", "message": "no policy"})

    def quoted(parsed, **_):
        parsed["consoleAuthorizationEnabled"] = "true"

    ctx.client("signin", "us-east-1").meta.events.register(
        "after-call.signin.GetConsoleAuthorizationConfiguration", quoted)
    value = _collect(ctx)
    assert value["authorization"]["enabled"] is None
    verdict = evaluate_check(BY_ID["root-sign-in-restricted"], {"signin_console": value,
                                                                "signin_rcps": {"status": "no-organization"},
                                                                "now": NOW}, AuditConfig())
    assert verdict.status == Status.ERROR and "did not say whether" in verdict.reason, verdict.reason
