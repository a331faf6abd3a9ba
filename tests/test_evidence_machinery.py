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


def test_every_session_shares_one_model_loader():
    """Service models are parsed once per process: a fresh loader per session re-reads the JSON (start-up cost)."""
    assert clients.new_session().get_component("data_loader") is clients.shared_loader()
    assert clients.new_session(region="eu-west-1").get_component("data_loader") is clients.shared_loader()


def test_account_session_client_signs_as_the_member_with_the_asked_retry_mode(load):
    account = load("standalone")
    base = account.session()
    member = clients.account_session(account.credentials, "eu-west-1", base=base)
    default = member.client("sts")  # like boto3.Session.client: the session's region, standard retries
    assert default.meta.region_name == "eu-west-1"
    assert default.meta.config.retries["mode"] == "standard"
    assert default.meta.config.max_pool_connections == 64  # one pool for every member's concurrent calls
    assert default.get_caller_identity()["Account"] == account.account_id
    # positional and keyword arguments both reach the client (get_paginator, can_paginate take them)
    assert default.can_paginate("get_caller_identity") is False
    assert default.can_paginate(operation_name="get_caller_identity") is False
    # every member of the scan (same base session) goes through the one client per service and region
    other = clients.account_session(account.credentials, "eu-west-1", base=base)
    assert other.client("sts")._client is member.client("sts")._client is default._client
    adaptive = member.client("sts", region_name="us-west-2", config=clients.client_config("adaptive"))
    assert (adaptive.meta.region_name, adaptive.meta.config.retries["mode"]) == ("us-west-2", "adaptive")
    assert adaptive.get_caller_identity()["Account"] == account.account_id
    # temporary credentials keep their session token (AssumeRole and AssumeRoot both return one)
    temporary = dict(account.credentials, SessionToken="member-session-token")
    frozen = clients.account_session(temporary, "eu-west-1", base=base).frozen
    assert (frozen.access_key, frozen.secret_key, frozen.token) == (
        temporary["AccessKeyId"], temporary["SecretAccessKey"], "member-session-token")
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
        "root_invoked_by_service_default": samples.root_invoked_by_service(),
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


# ------------------------------------------- another account's organization trail, as a member reads it
#
# The emulator answers a member's GetTrailStatus and GetEventSelectors on the organization trail; AWS may refuse
# them (CloudTrailARNInvalidException), so these answers go through botocore's Stubber (tests/stubbed_aws.py).

ORG_TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:222222222222:trail/aws-controltower-BaselineCloudTrail"


def _member_trails(trail_answers, custom_selectors=True):
    from stubbed_aws import Err, StubbedSession, recorded

    described = recorded("cloudtrail", "DescribeTrails--API_DescribeTrails--organization-trail-from-member")
    described["trailList"][0]["HasCustomEventSelectors"] = custom_selectors
    where = "eu-west-1"  # the member's home region; the trail's calls go to the trail's home region, us-east-1
    caller = {"UserId": "AROAEXAMPLE:audit", "Account": "111111111111",
              "Arn": "arn:aws:sts::111111111111:assumed-role/Audit/audit"}
    session = StubbedSession({("sts", where): [("GetCallerIdentity", caller)],
                              ("cloudtrail", where): [("DescribeTrails", described)],
                              ("cloudtrail", "us-east-1"): [
                                  (op, Err(*a) if isinstance(a, tuple) else a) for op, a in trail_answers]},
                             region=where)
    # One worker: the trail's two reads run one after another, so the Stubber answers them in the order listed.
    trails = Collector(Context(session=session, config=AuditConfig(), region=where, workers=1)).get("trails")
    assert session.pending() == {}
    return trails


def test_a_foreign_organization_trail_records_what_could_not_be_read():
    refused = ("CloudTrailARNInvalidException", "AccountID in ARN is wrong")
    [trail] = _member_trails([("GetTrailStatus", ("AccessDeniedException", "no")), ("GetEventSelectors", refused)])
    assert trail == {
        "name": "aws-controltower-BaselineCloudTrail", "arn": ORG_TRAIL_ARN, "home_region": "us-east-1",
        "owner_account": "222222222222", "multi_region": True, "organization_trail": True,
        "log_group_arn": "arn:aws:logs:us-east-1:222222222222:log-group:aws-controltower/CloudTrailLogs:*",
        "unread": {
            "cloudtrail:GetTrailStatus": "access denied to cloudtrail:GetTrailStatus: grant it to the auditing "
                                         "principal (see the IAM policy in the handbook's reference) (in us-east-1)",
            "cloudtrail:GetEventSelectors": "cloudtrail:GetEventSelectors failed: CloudTrailARNInvalidException: "
                                            "AccountID in ARN is wrong (in us-east-1)"}}


def test_a_foreign_organization_trail_with_default_selectors_logs_all_management_events():
    [trail] = _member_trails([("GetTrailStatus", {"IsLogging": True})], custom_selectors=False)
    assert (trail["unread"], trail["is_logging"]) == ({}, True)
    assert trail["management_events"] == {"read": True, "write": True, "from": "default selectors (DescribeTrails)"}
    write_only = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    [read] = _member_trails([("GetTrailStatus", {"IsLogging": False}), ("GetEventSelectors", {
        "TrailARN": ORG_TRAIL_ARN, "EventSelectors": write_only})])
    assert (read["unread"], read["is_logging"], read["management_events"]) == (
        {}, False, {"read": False, "write": True})


# ---------------------------------------------------------------------- an alarm that watches through metric math


def test_an_alarm_on_metric_math_over_the_filters_metric_counts(load, emulator):
    from rootaudit.engine import scan

    account = load("hardened")
    cw = emulator.client("cloudwatch", account.account_id)
    [alarm] = cw.describe_alarms()["MetricAlarms"]
    cw.delete_alarms(AlarmNames=[alarm["AlarmName"]])
    cw.put_metric_alarm(
        AlarmName="root-usage-math", EvaluationPeriods=1, Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=alarm["AlarmActions"], Metrics=[
            {"Id": "root", "ReturnData": False, "MetricStat": {
                "Metric": {"MetricName": "RootAccountUsage", "Namespace": "CISBenchmark"},
                "Period": 300, "Stat": "Sum"}},
            {"Id": "total", "Expression": "root * 1", "ReturnData": True}])
    [finding] = scan(session=account.session(), check_ids=["root-usage-alarm"]).findings
    assert finding.status.value == "PASS", finding.reason
    assert "alarm 'root-usage-math'" in finding.reason


# ------------------------------------------------------------------------------------ Sign-In policy statements


def test_sign_in_policy_statements_in_every_shape_botocore_may_return():
    from rootaudit.evidence.sources.signin import statements

    one = {"effect": "Deny", "action": ["signin:Authenticate"]}
    assert statements({"statement": [one]}) == [one]  # botocore's member name
    assert statements({"Statement": [one]}) == [one]  # the IAM-style spelling
    assert statements({"statement": one}) == [one]  # a single statement, not in a list
    assert statements({}) == [] and statements({"Version": "2012-10-17"}) == []  # no statement yet
    assert statements(None) == [] and statements("not a policy") == []


def test_sign_in_is_read_in_us_east_1_whatever_the_home_region(load):
    """AWS takes Sign-In policy writes in us-east-1 only, so the reads go there too; the organization's switch is
    asked for with the organization's id."""
    account = load("hardened")
    ctx = Context(session=account.session(), config=AuditConfig(), region="eu-west-1")
    collector = Collector(ctx)
    console, rcps = collector.get("signin_console"), collector.get("signin_rcps")
    org_id = rcps["organization_authorization"]["target"]
    assert org_id.startswith("o-") and console["authorization"]["target"] == account.account_id
    assert [line for line in ctx.log if line.startswith("signin.")] == [
        "signin.get_console_authorization_configuration()  # us-east-1",
        "signin.get_resource_policy()  # us-east-1",
        f"signin.get_console_authorization_configuration(targetId='{org_id}')  # us-east-1"]
    assert [key for key in ctx._clients if key[0] == "signin"] == [("signin", "us-east-1", False)]


def test_a_botocore_without_sign_in_says_which_version_is_needed(load, monkeypatch):
    """An older botocore has no `signin` service model: the source says so instead of failing (the locked botocore
    has it, so its absence is simulated where botocore raises it, at client creation)."""
    from botocore.exceptions import UnknownServiceError

    real = clients.create_client

    def without_signin(session, service, *args, **kwargs):
        if service == "signin":
            raise UnknownServiceError(service_name=service, known_service_names=["sts"])
        return real(session, service, *args, **kwargs)

    monkeypatch.setattr(clients, "create_client", without_signin)
    account = load("hardened")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    console = Collector(ctx).get("signin_console")
    assert (console["status"], console["needed"]) == ("sdk-too-old", "1.44.8")
    assert not [line for line in ctx.log if line.startswith("signin.")]


# ------------------------------------------------------------------------ EventBridge rules, as the source reads them


def test_only_default_bus_rules_that_match_this_accounts_root_sign_in_are_kept(load, emulator):
    """A rule on another bus never sees CloudTrail's events; a schedule has no pattern; a pattern for another
    source is not even tested; a pattern pinned to this account, region and root ARN matches the sample."""
    import json as _json

    account = load("hardened")
    acct = account.account_id
    events = emulator.client("events", acct)
    signin = {"source": ["aws.signin"], "detail-type": ["AWS Console Sign In via CloudTrail"]}
    events.create_event_bus(Name="custom")
    events.put_rule(Name="on-custom-bus", EventBusName="custom", EventPattern=_json.dumps(signin))
    events.put_rule(Name="schedule", ScheduleExpression="rate(1 day)")
    events.put_rule(Name="ec2-only", EventPattern=_json.dumps({"source": ["aws.ec2"]}))
    pinned = dict(signin, account=[acct], region=["us-east-1"],
                  detail={"userIdentity": {"arn": [f"arn:aws:iam::{acct}:root"]}})
    events.put_rule(Name="pinned", EventPattern=_json.dumps(pinned))
    events.put_targets(Rule="pinned", Targets=[{"Id": "1", "Arn": f"arn:aws:sns:us-east-1:{acct}:root-usage-alerts"}])
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    found = Collector(ctx).get("eventbridge")["us-east-1"]
    assert "error" not in found, found
    assert sorted(r["name"] for r in found["rules"]) == ["pinned", "root-console-signin"]
    assert {r["name"]: (r["fires"], r["targets"]) for r in found["rules"]}["pinned"] == (True, 1)
    tested = [line for line in ctx.log if line.startswith("events.test_event_pattern(")]
    assert not [line for line in tested if "aws.ec2" in line]  # pruned without a call


def test_the_root_row_is_found_wherever_it_is_in_the_credential_report():
    """AWS lists <root_account> first in the reports we have seen, but documents no order: the row is found by its
    user name (Stubber: the emulator always writes root first)."""
    from datetime import UTC, datetime

    from stubbed_aws import StubbedSession

    header = "user,arn,password_enabled,password_last_used"
    csv_text = "\n".join([header, "alice,arn:aws:iam::111111111111:user/alice,true,2026-11-01T00:00:00+00:00",
                          "<root_account>,arn:aws:iam::111111111111:root,true,no_information"])
    session = StubbedSession({("iam", "us-east-1"): [
        ("GenerateCredentialReport", {"State": "COMPLETE"}),
        ("GetCredentialReport", {"Content": csv_text.encode(), "ReportFormat": "text/csv",
                                 "GeneratedTime": datetime(2026, 11, 29, 12, tzinfo=UTC)})]})
    got = Collector(Context(session=session, config=AuditConfig(), region="us-east-1")).get("credential_report")
    assert got["root"]["arn"] == "arn:aws:iam::111111111111:root"
    assert got["root"]["password_last_used"] == "no_information"
    assert got["generated_time"] == "2026-11-29T12:00:00+00:00"
    assert session.pending() == {}


def test_a_filter_that_matches_everyone_is_not_a_root_usage_filter(load, emulator):
    """An empty pattern (or any that also matches the IAM user's call) would alarm on everything: no PASS."""
    from rootaudit.engine import scan

    account = load("hardened")
    logs = emulator.client("logs", account.account_id)
    [group] = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    [f] = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    logs.delete_metric_filter(logGroupName=group, filterName=f["filterName"])  # moto would add, not replace
    logs.put_metric_filter(logGroupName=group, filterName=f["filterName"], filterPattern="",
                           metricTransformations=f["metricTransformations"])
    [finding] = scan(session=account.session(), check_ids=["root-usage-alarm"]).findings
    assert finding.status.value == "FAIL", finding.reason
    assert "matches root API call, root console sign-in, IAM user API call" in finding.reason


def test_a_metric_filter_record_is_what_aws_said_and_what_it_matched(load, emulator):
    """Every field of a filter's record, from the account's own filter: the alarm check names the filter, finds
    alarms by its metrics and judges it by what it matched (the CIS pattern: the root samples only)."""
    account = load("hardened")
    logs = emulator.client("logs", account.account_id)
    [group] = [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]
    [f] = logs.describe_metric_filters(logGroupName=group)["metricFilters"]
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    mon = Collector(ctx).get("root_usage_monitoring")
    root_samples = [m["label"] for m in samples.metric_filter_messages(account.account_id, "aws") if m["root"]]
    assert mon["filters"] == [{
        "log_group": group, "region": "us-east-1", "name": f["filterName"], "pattern": f["filterPattern"],
        "metrics": [{"name": m["metricName"], "namespace": m["metricNamespace"]} for m in f["metricTransformations"]],
        "matched": root_samples, "matches_root": True, "matches_non_root": False}]
    assert root_samples and f["filterName"] and f["metricTransformations"]


def test_members_ask_for_shadow_trails_so_the_organization_trail_is_seen():
    """A member sees the management account's organization trail only as a shadow trail (CloudTrail's
    DescribeTrails, includeShadowTrails). Stubber: the emulator returns the organization trail either way."""
    import boto3
    from botocore.stub import Stubber

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    client = session.client("cloudtrail", endpoint_url="http://127.0.0.1:9")  # never reached: the Stubber answers
    ctx._clients[("cloudtrail", "us-east-1", False)] = client
    stub = Stubber(client)
    stub.add_response("describe_trails", {"trailList": []}, {"includeShadowTrails": True})
    collector = Collector(ctx, preset={"caller": {"account": "111111111111", "partition": "aws"}})
    with stub:
        assert collector.get("trails") == []
        stub.assert_no_pending_responses()


def test_an_organization_trail_whose_status_could_not_be_read_still_points_to_its_log_group():
    """Not knowing whether the organization trail logs (GetTrailStatus refused) is not "it does not": its log group
    in the management account is named, MANUAL, rather than FAIL for want of a filter here."""
    from rootaudit.engine import scan
    from stubbed_aws import Err, StubbedSession, recorded

    caller = {"UserId": "AROAEXAMPLE:audit", "Account": "111111111111",
              "Arn": "arn:aws:sts::111111111111:assumed-role/Audit/audit"}
    session = StubbedSession({
        ("sts", "us-east-1"): [("GetCallerIdentity", caller)],
        ("cloudtrail", "us-east-1"): [
            ("DescribeTrails",
             recorded("cloudtrail", "DescribeTrails--API_DescribeTrails--organization-trail-from-member")),
            ("GetTrailStatus", Err("AccessDeniedException", "no")),
            ("GetEventSelectors", Err("CloudTrailARNInvalidException", "AccountID in ARN is wrong"))]})
    [finding] = scan(session=session, check_ids=["root-usage-alarm"]).findings
    assert finding.status.value == "MANUAL" and "in another account" in finding.reason, finding.reason
    assert "222222222222" in finding.reason and session.pending() == {}


def test_a_sign_in_region_of_another_partition_is_never_called():
    """China credentials cannot reach us-east-1: it is listed as another partition's, not called (Stubber: the
    emulator has one partition)."""
    from stubbed_aws import StubbedSession

    session = StubbedSession({("events", "cn-north-1"): [("ListRules", {"Rules": []})]}, region="cn-north-1")
    config = AuditConfig(signin_regions=("us-east-1", "cn-north-1"))
    ctx = Context(session=session, config=config, region="cn-north-1")
    caller = {"account": "111111111111", "arn": "arn:aws-cn:iam::111111111111:user/audit", "partition": "aws-cn"}
    got = Collector(ctx, preset={"caller": caller}).get("eventbridge")
    assert got == {"us-east-1": {"role": "other-partition"}, "cn-north-1": {"role": "required", "rules": []}}
    assert set(session.clients) == {("events", "cn-north-1")} and session.pending() == {}


def test_only_a_denial_of_sign_in_reads_is_manual_other_failures_are_errors(load, emulator):
    """AccessDenied on the Sign-In reads asks for the permission (MANUAL); any other failure is an ERROR."""
    from rootaudit.engine import scan

    account = load("hardened")
    emulator.fail("signin:GetConsoleAuthorizationConfiguration", code="ValidationException", status=400)
    [finding] = scan(session=account.session(), check_ids=["root-sign-in-restricted"]).findings
    assert finding.status.value == "ERROR", finding.reason
    assert "ValidationException" in finding.reason
    emulator.reset()
    account = load("hardened")
    emulator.fail("signin:GetConsoleAuthorizationConfiguration", code="AccessDenied")
    [finding] = scan(session=account.session(), check_ids=["root-sign-in-restricted"]).findings
    assert finding.status.value == "MANUAL"
    assert "may not call signin:GetConsoleAuthorizationConfiguration" in finding.reason


def test_a_subscription_being_deleted_reaches_nobody(load, emulator):
    """A subscription listed with the ARN "Deleted" is counted with the unconfirmed ones ("PendingConfirmation"):
    it reaches nobody."""
    from moto.sns.models import sns_backends

    from rootaudit.engine import scan

    account = load("hardened")
    backend = sns_backends[account.account_id]["us-east-1"]
    for sub in backend.subscriptions.values():
        sub.arn, sub.confirmed = "Deleted", False  # as the emulator marks pending ones (root_state)
    [finding] = scan(session=account.session(), check_ids=["root-usage-alarm"]).findings
    assert finding.status.value == "FAIL", finding.reason
    assert "has 0 confirmed and 1 pending subscription(s)" in finding.reason


def test_console_authorization_never_configured_is_off(load, emulator):
    """GetConsoleAuthorizationConfiguration answers ResourceNotFoundException until it is first set: AWS's
    default, off, recorded as not configured."""
    account = load("hardened")
    emulator.fail("signin:GetConsoleAuthorizationConfiguration", code="ResourceNotFoundException", status=404)
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    console = Collector(ctx).get("signin_console")
    assert console["authorization"] == {"enabled": False, "scope": None, "target": None, "configured": False}


# ------------------------------------------------- collector.py: fetch order, threads, logs (mutation, issue 16)
#
# Sources registered by these tests record how they were fetched; they stand in for AWS calls where the point is
# the collector's own order, threads and bookkeeping (the calls themselves are made to the emulator below).


def _recording_sources(monkeypatch, graph: dict[str, tuple[str, ...]], pause: float = 0.0) -> dict:
    """Register a fetcher per name of graph (name -> the sources it reads); each records, in `log["started"]`,
    (its name, its thread's name, the source the context names after its dependencies were read), and the most
    fetchers running at once in `log["most"]`."""
    import threading
    import time

    log = {"started": [], "running": 0, "most": 0}
    lock = threading.Lock()

    def make(name, deps):
        def fetch(ctx, ev):
            with lock:
                log["running"] += 1
                log["most"] = max(log["most"], log["running"])
            got = {dep: ev.get(dep) for dep in deps}
            log["started"].append((name, threading.current_thread().name, ctx.source))
            time.sleep(pause)
            with lock:
                log["running"] -= 1
            return {"name": name, "read": got}
        return fetch

    for name, deps in graph.items():
        monkeypatch.setitem(SOURCES, name, Source(name, ("sts:GetCallerIdentity",), make(name, deps), deps))
    return log


def _bare_context(**kw) -> Context:
    """A context whose session is never used: the recording sources make no calls."""
    return Context(session=None, config=AuditConfig(), region="us-east-1", **kw)


def test_prefetch_starts_the_credential_report_and_caller_first_then_the_longest_chains(monkeypatch):
    graph = {"caller": (), "credential_report": (), "t-leaf-b": (), "t-leaf-a": (), "t-mid": ("t-leaf-a",),
             "t-top": ("t-mid",)}
    log = _recording_sources(monkeypatch, graph)
    collector = Collector(_bare_context(workers=1))  # one worker: sources start in the order prefetch chose
    collector.prefetch({"t-top", "t-leaf-b", "credential_report", "caller"})  # t-mid and t-leaf-a: read by t-top
    # finished in order: a source's dependencies before it (t-top reads t-mid, which reads t-leaf-a)
    finished = [name for name, _, _ in log["started"]]
    assert set(finished[:2]) == {"credential_report", "caller"}
    assert finished[2:] == ["t-leaf-a", "t-mid", "t-top", "t-leaf-b"]
    assert all(thread.startswith("rootaudit-source_") for _, thread, _ in log["started"])
    # after reading its dependencies, a fetcher is still the source its calls are logged under
    assert all(name == source for name, _, source in log["started"])
    assert collector.values["t-top"] == {"name": "t-top", "read": {"t-mid": collector.values["t-mid"]}}
    assert set(collector.values) == set(graph) and not collector.errors


def test_prefetch_of_one_source_runs_it_in_the_calling_thread_and_skips_what_is_known(monkeypatch):
    import threading

    log = _recording_sources(monkeypatch, {"t-one": (), "t-known": ()})
    collector = Collector(_bare_context(), preset={"t-known": "preset"})
    collector.prefetch({"t-one", "t-known"})
    assert log["started"] == [("t-one", threading.current_thread().name, "t-one")]
    collector.prefetch({"t-one", "t-known"})  # both known now: nothing is fetched again
    assert len(log["started"]) == 1 and collector.get("t-known") == "preset"


def test_prefetch_and_map_run_at_most_workers_at_once(monkeypatch):
    log = _recording_sources(monkeypatch, {f"t-{i}": () for i in range(5)}, pause=0.2)
    Collector(_bare_context(workers=2)).prefetch({f"t-{i}" for i in range(5)})
    assert log["most"] == 2

    import threading
    import time

    ctx, lock, seen = _bare_context(workers=2), threading.Lock(), {"running": 0, "most": 0}

    def slow(item):
        with lock:
            seen["running"] += 1
            seen["most"] = max(seen["most"], seen["running"])
        time.sleep(0.2)
        with lock:
            seen["running"] -= 1
        return item * 2

    assert ctx.map(slow, range(5)) == [0, 2, 4, 6, 8]
    assert seen["most"] == 2


def test_map_runs_two_items_side_by_side_in_named_threads_of_the_asking_source():
    import threading

    ctx = _bare_context()
    ctx.source = "t-mapper"
    both = threading.Barrier(2, timeout=10)  # passes only when the two items run at the same time

    def meet(item):
        both.wait()
        return item, ctx.source, threading.current_thread().name

    got = ctx.map(meet, iter(["a", "b"]))
    assert [(item, source) for item, source, _ in got] == [("a", "t-mapper"), ("b", "t-mapper")]
    assert all(thread.startswith("rootaudit-map_") for _, _, thread in got)
    here = threading.current_thread().name
    assert ctx.map(lambda item: (item, threading.current_thread().name), ["only"]) == [("only", here)]
    assert ctx.map(lambda item: item, []) == []


def test_a_source_is_fetched_once_however_many_threads_ask_and_its_failure_is_kept(monkeypatch):
    import threading
    import time

    calls = []

    def slow(ctx, ev):
        calls.append("t-slow")
        time.sleep(0.3)  # every thread asks while the first fetch runs
        return "value"

    def broken(ctx, ev):
        calls.append("t-broken")
        raise SourceFailed(SourceError("AccessDenied", "iam:GetThing", "access denied to iam:GetThing"))

    monkeypatch.setitem(SOURCES, "t-slow", Source("t-slow", ("iam:GetThing",), slow))
    monkeypatch.setitem(SOURCES, "t-broken", Source("t-broken", ("iam:GetThing",), broken))
    collector = Collector(_bare_context())
    start, out = threading.Barrier(4), []

    def ask():
        start.wait()
        out.append(collector.get("t-slow"))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert out == ["value"] * 4 and calls == ["t-slow"]
    for _ in range(2):
        with pytest.raises(SourceFailed) as failed:
            collector.get("t-broken")
        assert (failed.value.error.kind, failed.value.error.action) == ("AccessDenied", "iam:GetThing")
    assert calls == ["t-slow", "t-broken"]


def test_a_fetch_cut_short_keeps_nothing_and_the_next_get_fetches_again(monkeypatch):
    import threading

    attempts = []

    def interrupted_once(ctx, ev):
        attempts.append(1)
        if len(attempts) == 1:
            raise KeyboardInterrupt  # e.g. Ctrl-C while a fetch is in flight
        return "value"

    monkeypatch.setitem(SOURCES, "t-cut", Source("t-cut", ("iam:GetThing",), interrupted_once))
    collector = Collector(_bare_context())
    with pytest.raises(KeyboardInterrupt):
        collector.get("t-cut")
    assert "t-cut" not in collector.values and "t-cut" not in collector.errors
    out = []
    again = threading.Thread(target=lambda: out.append(collector.get("t-cut")), daemon=True)
    again.start()
    again.join(10)  # a fetch left marked as running would make this wait forever
    assert out == ["value"] and len(attempts) == 2


def test_a_malformed_answer_names_the_first_action_of_its_source_and_the_profile_to_log_in_with(monkeypatch):
    from botocore.exceptions import TokenRetrievalError

    def malformed(ctx, ev):
        return {}["Account"]  # an answer without a field the fetcher needs

    def expired(ctx, ev):
        raise TokenRetrievalError(provider="sso", error_msg="the SSO token has expired")

    monkeypatch.setitem(SOURCES, "t-malformed", Source("t-malformed", ("iam:GetThing", "iam:ListThings"), malformed))
    monkeypatch.setitem(SOURCES, "t-no-actions", Source("t-no-actions", (), malformed))
    monkeypatch.setitem(SOURCES, "t-expired", Source("t-expired", ("iam:GetThing",), expired))
    collector = Collector(_bare_context(profile="auditor"))
    actions = {}
    for name in ("t-malformed", "t-no-actions", "t-expired"):
        with pytest.raises(SourceFailed) as failed:
            collector.get(name)
        actions[name] = failed.value.error.action
    assert actions == {"t-malformed": "iam:GetThing", "t-no-actions": "t-no-actions", "t-expired": "iam:GetThing"}
    assert "aws sso login --profile auditor" in collector.errors["t-expired"].message


def test_each_call_is_logged_as_boto3_code_under_the_source_that_made_it(load):
    account = load("demo")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1")
    assert set(ctx.call("sts", "GetCallerIdentity")) == {"UserId", "Account", "Arn"}  # no ResponseMetadata
    ctx.source = "t-logger"
    ctx.call("iam", "ListUsers", PathPrefix="/", MaxItems=5)
    matched = ctx.call("logs", "TestMetricFilter", "eu-west-1", filterPattern="{ $.eventName = x }",
                       logEventMessages=['{"eventName": "x"}'])
    assert len(matched["matches"]) == 1
    event = samples.signin_event(samples.SIGNIN_DETAIL_TYPES[0], account.account_id)
    ctx.call("events", "TestEventPattern", "us-east-1", EventPattern='{"source": ["aws.signin"]}', Event=event)
    lines = ["iam.list_users(PathPrefix='/', MaxItems=5)",
             "logs.test_metric_filter(filterPattern='{ $.eventName = x }')  # eu-west-1",  # the samples left out
             "events.test_event_pattern(EventPattern='{\"source\": [\"aws.signin\"]}')  # us-east-1"]
    assert ctx.source_log == {"": ["sts.get_caller_identity()"], "t-logger": lines}
    assert ctx.log == ["sts.get_caller_identity()", *lines]
    assert ctx.calls == ["sts:GetCallerIdentity", "iam:ListUsers", "logs:TestMetricFilter", "events:TestEventPattern"]


def test_a_failed_call_names_its_region_only_when_it_is_not_the_home_region(load, emulator):
    account = load("demo")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1", profile="auditor")
    emulator.fail("sts:GetCallerIdentity", code="ExpiredToken")
    errors = {}
    for region in (None, "us-east-1", "eu-west-1"):
        with pytest.raises(SourceFailed) as failed:
            ctx.call("sts", "GetCallerIdentity", region)
        errors[region] = failed.value.error
    home = "the credentials have expired (ExpiredToken): run `aws sso login --profile auditor`"
    assert {r: (e.kind, e.action, e.message, e.region) for r, e in errors.items()} == {
        None: ("ExpiredCredentials", "sts:GetCallerIdentity", home, None),
        "us-east-1": ("ExpiredCredentials", "sts:GetCallerIdentity", home, None),
        "eu-west-1": ("ExpiredCredentials", "sts:GetCallerIdentity", f"{home} (in eu-west-1)", "eu-west-1"),
    }
    assert errors[None].fatal and not errors["eu-west-1"].fatal  # one extra region's failure is not the scan's


def test_one_client_per_service_region_and_session(load):
    account = load("demo")
    ctx = Context(session=account.session(), config=AuditConfig(), region="us-east-1", root_session=account.session(),
                  retry_mode="adaptive", workers=7)
    sts = ctx.client("sts")
    assert ctx.client("sts") is sts and ctx.client("sts", "us-east-1") is sts
    west = ctx.client("sts", "eu-west-1")
    assert west is not sts and west.meta.region_name == "eu-west-1" and sts.meta.region_name == "us-east-1"
    root = ctx.client("sts", root=True)
    assert root is not sts and ctx.client("sts", root=True) is root
    assert sts.meta.config.retries["mode"] == "adaptive" and sts.meta.config.max_pool_connections == 7


def test_a_page_without_its_list_still_leads_to_the_next_page():
    """In JSON answers AWS leaves an empty list out, so a page may carry only the token (the Stubber plays it: moto
    always sends the list)."""
    import boto3
    from botocore.stub import Stubber

    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    client = session.client("logs", endpoint_url="http://127.0.0.1:9")  # never reached: the Stubber answers
    ctx._clients[("logs", "us-east-1", False)] = client
    stub = Stubber(client)
    only = {"filterName": "only", "filterPattern": "x", "logGroupName": "g",
            "metricTransformations": [{"metricName": "m", "metricNamespace": "n", "metricValue": "1"}]}
    stub.add_response("describe_metric_filters", {"nextToken": "t1"}, {"logGroupName": "g"})
    stub.add_response("describe_metric_filters", {"metricFilters": [only]}, {"logGroupName": "g", "nextToken": "t1"})
    with stub:
        assert ctx.paginate("logs", "DescribeMetricFilters", "metricFilters", logGroupName="g") == [only]
        stub.assert_no_pending_responses()


# ------------------------------------------------- issue 16, mutation survivors of evidence/clients.py (sessions)


def test_every_kind_of_session_gives_a_client_in_the_asked_region_retry_mode_and_pool(load):
    """The collector asks create_client for one client per service and region, with the scan's retry mode and a
    connection pool as large as its worker count, whatever kind of session the caller passed in."""
    account = load("standalone")
    boto3_session = account.session()

    class SessionLike:  # what the org scan's lazily opened root session looks like to create_client
        def client(self, *args, **kwargs):
            return boto3_session.client(*args, **kwargs)

    kinds = {"botocore": clients.new_session(), "boto3": boto3_session, "session-like": SessionLike()}
    for kind, session in kinds.items():
        client = clients.create_client(session, "sts", "us-west-2", "adaptive", 32)
        config = client.meta.config
        assert (client.meta.region_name, config.retries["mode"], config.max_pool_connections) == (
            "us-west-2", "adaptive", 32), kind
        assert client.get_caller_identity()["Account"] == account.account_id, kind
    member = clients.account_session(account.credentials, "eu-west-1", base=boto3_session)
    assert (clients.region_of(boto3_session), clients.region_of(member)) == (boto3_session.region_name, "eu-west-1")
    client = clients.create_client(member, "sts", "us-west-2", "adaptive", 32)
    assert (client.meta.region_name, client.meta.config.retries["mode"]) == ("us-west-2", "adaptive")
    assert client.meta.config.max_pool_connections == 64  # the members' shared pool, whatever one member asks
    assert client.get_caller_identity()["Account"] == account.account_id


def test_a_session_is_made_for_the_named_profile_and_region(tmp_path, monkeypatch):
    from botocore.exceptions import ProfileNotFound

    config = tmp_path / "config"
    config.write_text("[profile auditor]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(ProfileNotFound):  # at once, not at the scan's first call
        clients.new_session("no-such-profile")
    assert clients.region_of(clients.new_session("auditor")) == "eu-central-1"
    assert clients.region_of(clients.new_session("auditor", "ap-south-1")) == "ap-south-1"
    assert clients.region_of(clients.new_session()) is None
    assert clients.region_of(clients.new_session(region="sa-east-1")) == "sa-east-1"
    assert clients.new_session("auditor").profile == "auditor"


def test_clients_of_a_boto3_session_are_made_one_at_a_time(load):
    """botocore sessions are not thread-safe (their clients are): the collector's threads may ask for clients at
    once, so a boto3 session's clients are made from its botocore session under create_client's lock too."""
    session = load("standalone").session()
    held: list[bool] = []
    session.events.register("creating-client-class", lambda **kwargs: held.append(clients._lock.locked()))
    clients.create_client(session, "sts", "us-west-2", "standard", 10)
    assert held == [True]
