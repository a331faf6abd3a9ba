"""The evidence machinery below the sources: the registry, the per-member sessions of an org scan, the samples.

Found by mutation testing (CONTRIBUTING.md, "Mutation testing"): each of these parts changed without any test
noticing. The registry runs at import time, so it is exercised here on a source registered by the test; member
sessions are read through the emulated account over HTTP.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rootaudit.config import AuditConfig
from rootaudit.evidence import clients, samples, sources  # noqa: F401  (sources: the real ones registered)
from rootaudit.evidence.collector import Collector, Context
from rootaudit.evidence.errors import SourceError, SourceFailed
from rootaudit.evidence.registry import SOURCES, Source, actions_for, register
from rootaudit_emulator.filter_pattern import matches

GOLDEN = Path(__file__).parent / "golden" / "samples.json"
CIS_FILTER = (Path(__file__).resolve().parents[1] / "snippets" / "root-usage-metric-filter.txt").read_text().strip()


# ------------------------------------------------------------------------------------------------ registry


@pytest.fixture
def scratch():
    """Names registered by a test are removed afterwards, so the real registry is left as it was."""
    names: list[str] = []
    yield names
    for name in names:
        SOURCES.pop(name, None)


def test_register_keeps_every_field(scratch):
    def fetch(ctx, ev):
        return "value"

    scratch += ["test-source", "test-plain"]
    assert register("test-source", ["iam:GetThing", "iam:ListThings"], depends=["caller"], doc="a thing",
                    root_session=True, management_only=True)(fetch) is fetch
    assert SOURCES["test-source"] == Source("test-source", ("iam:GetThing", "iam:ListThings"), fetch, ("caller",),
                                            "a thing", True, True)
    register("test-plain", ("iam:GetOther",))(fetch)
    plain = SOURCES["test-plain"]
    assert (plain.depends, plain.doc, plain.root_session, plain.management_only) == ((), "", False, False)
    assert actions_for(["test-source"]) == {"iam:GetThing", "iam:ListThings", "sts:GetCallerIdentity"}


def test_a_source_registered_twice_is_refused_by_name(scratch):
    scratch.append("test-twice")
    register("test-twice", ())(lambda ctx, ev: None)
    first = SOURCES["test-twice"]
    with pytest.raises(ValueError, match="^evidence source 'test-twice' is registered twice$"):
        register("test-twice", ("iam:Other",))(lambda ctx, ev: None)
    assert SOURCES["test-twice"] is first


# ------------------------------------------------------------------------------ member sessions (org scan)


def test_account_session_client_signs_as_the_member_with_the_asked_retry_mode(load):
    account = load("standalone")
    member = clients.account_session(account.credentials, "eu-west-1", base=account.session())
    default = member.client("sts")  # like boto3.Session.client: the session's region, standard retries
    assert default.meta.region_name == "eu-west-1"
    assert default.meta.config.retries["mode"] == "standard"
    assert default.get_caller_identity()["Account"] == account.account_id
    adaptive = member.client("sts", region_name="us-west-2", config=clients.client_config("adaptive"))
    assert (adaptive.meta.region_name, adaptive.meta.config.retries["mode"]) == ("us-west-2", "adaptive")
    assert adaptive.get_caller_identity()["Account"] == account.account_id
    # a config without retry settings is standard too
    assert member.client("sts", config=object()).meta.config.retries["mode"] == "standard"


# ------------------------------------------------------------------------------------------------ samples


def test_the_cis_filter_matches_the_root_samples_and_nothing_else():
    """What the samples are for: the CIS filter (AWS's, in snippets/) tells root use from the rest."""
    labelled = samples.metric_filter_messages()
    assert [(m["label"], m["root"]) for m in labelled] == [
        ("root API call", True), ("root console sign-in", True), ("IAM user API call", False)]
    assert [matches(CIS_FILTER, json.dumps(m["record"])) for m in labelled] == [True, True, False]
    assert not matches(CIS_FILTER, json.dumps(samples.root_invoked_by_service()))
    by_type = '{ $.userIdentity.type = "Root" }'  # the naive filter does count the service-invoked record
    assert matches(by_type, json.dumps(samples.root_invoked_by_service()))


def test_samples_are_exactly_the_reviewed_records():
    """Every field of a sample can be what a user's filter or rule tests, so none may change unnoticed.

    tests/golden/samples.json holds the records as reviewed against AWS's examples of a console sign-in record
    and a CloudTrail event delivered by EventBridge; a deliberate change regenerates it (see its key names).
    """
    golden = json.loads(GOLDEN.read_text())
    now = {
        "metric_filter_messages": samples.metric_filter_messages("111122223333", "aws-cn"),
        "metric_filter_messages_default": samples.metric_filter_messages(),
        "root_invoked_by_service": samples.root_invoked_by_service("111122223333", "eu-west-1"),
        "root_console_login_default": samples.root_console_login(),
        "root_api_call_default": samples.root_api_call(),
        "iam_user_api_call_default": samples.iam_user_api_call(),
        "signin_event": {t: json.loads(samples.signin_event(t, "111122223333", "eu-west-1", "aws-us-gov"))
                         for t in samples.SIGNIN_DETAIL_TYPES},
        "signin_event_default": json.loads(samples.signin_event(samples.SIGNIN_DETAIL_TYPE)),
    }
    for key, value in golden.items():
        assert now[key] == value, key
    # and the facts the checks rest on, spelled out
    login = golden["signin_event"][samples.SIGNIN_DETAIL_TYPE]
    assert (login["source"], login["detail-type"], login["account"], login["region"]) == (
        "aws.signin", "AWS Console Sign In via CloudTrail", "111122223333", "eu-west-1")
    assert login["detail"]["userIdentity"]["arn"] == "arn:aws-us-gov:iam::111122223333:root"
    assert login["detail"]["userIdentity"]["type"] == "Root"
    assert login["detail"]["eventName"] == "ConsoleLogin" and login["detail"]["eventType"] == "AwsConsoleSignIn"


def test_shared_client_credentials_are_the_calling_accounts_and_never_anyone_elses():
    from botocore.credentials import ReadOnlyCredentials

    creds = clients._CallerCredentials()
    with pytest.raises(RuntimeError, match="^a shared member client was called outside its account's session$"):
        creds.get_frozen_credentials()
    assert creds.get_deferred_property("access_key")() is None  # botocore asks before signing: nothing to give
    token = clients._acting_as.set(ReadOnlyCredentials("AKIDMEMBER", "member-secret", "member-token"))
    try:
        assert [creds.get_deferred_property(n)() for n in ("access_key", "secret_key", "token")] == [
            "AKIDMEMBER", "member-secret", "member-token"]
        assert (creds.access_key, creds.secret_key, creds.token) == ("AKIDMEMBER", "member-secret", "member-token")
    finally:
        clients._acting_as.reset(token)


# ------------------------------------------------------------- root facts through an sts:AssumeRoot session

ROOT_SESSION_DENIED = ("iam:GetAccountSummary was denied inside the sts:AssumeRoot audit session: SCPs apply in root "
                       "sessions, so an SCP that denies everyone, or the root user without an aws:AssumedRoot "
                       "exception, blocks it")


def _summary(session, root_session):
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1", root_session=root_session)
    return Collector(ctx).get("account_summary")


def test_root_facts_say_how_they_were_read(load, emulator):
    account = load("standalone")
    role, root = account.session(), account.session()
    assert _summary(role, None)["via"] == "account credentials"
    assert _summary(root, root)["via"] == "sts:AssumeRoot (IAMAuditRootUserCredentials)"
    emulator.fail("iam:GetAccountSummary", code="AccessDenied", times=1)  # the role is denied, the session is not
    assert _summary(role, root)["via"] == "sts:AssumeRoot (IAMAuditRootUserCredentials), after the role was denied"


def test_a_denied_root_session_is_named_not_blamed_on_the_auditor(load, emulator):
    account = load("standalone")
    role, root = account.session(), account.session()
    emulator.fail("iam:GetAccountSummary", code="AccessDenied")
    with pytest.raises(SourceFailed) as only_root:
        _summary(root, root)
    assert only_root.value.error == SourceError("AccessDenied", "iam:GetAccountSummary", ROOT_SESSION_DENIED)
    with pytest.raises(SourceFailed) as both:
        _summary(role, root)
    assert both.value.error == SourceError("AccessDenied", "iam:GetAccountSummary", (
        "access denied to iam:GetAccountSummary: grant it to the auditing principal (see the IAM policy in the "
        f"handbook's reference); and {ROOT_SESSION_DENIED}"))
