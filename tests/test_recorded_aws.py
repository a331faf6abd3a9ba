"""Issue 11: the monitoring checks and the scan judged on responses shaped like AWS's own examples.

Every answer comes from tests/fixtures/aws/ through botocore's Stubber, which rejects a response AWS could not send.
The emulator cannot represent these states (another account's organization trail refusing GetEventSelectors, SNS
AuthorizationError on a central topic, a region the credentials cannot use, GovCloud callers), hence the Stubber.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from recorded import RecordedSession
from rootaudit.config import AuditConfig
from rootaudit.engine import scan
from rootaudit.evidence import samples
from rootaudit.policy import audit_task_policy, least_privilege_policy, policy_json

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
E1 = "us-east-1"
CALLER = {("sts", E1): ["GetCallerIdentity--API_GetCallerIdentity--assumed-role"]}
SIGNIN_OK = ["ListRules--API_ListRules--root-signin", "TestEventPattern--API_TestEventPattern--true",
             "ListTargetsByRule--API_ListTargetsByRule--sns-topic"]
LOCAL_TRAIL = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--local-multi-region",
                                    "GetTrailStatus--API_GetTrailStatus--logging",
                                    "GetEventSelectors--API_GetEventSelectors--all-management-events"]}


def run(plan, checks, config=None, region=E1, **session_args):
    session = RecordedSession({**CALLER, **plan} if "caller" not in session_args else plan, region=region,
                              **{k: v for k, v in session_args.items() if k != "caller"})
    report = scan(session=session, config=config or AuditConfig(), check_ids=checks, now=NOW)
    return report, {f.check_id: f for f in report.findings}, session


# ------------------------------------------------------------------------------------ 1, 2: root-activity-alert

def test_a_rule_in_us_east_1_is_enough_by_default():
    """AWS records root sign-in in us-east-1; no other region is called unless configured."""
    _, got, session = run({("events", E1): SIGNIN_OK}, ["root-activity-alert"])
    assert got["root-activity-alert"].status.value == "PASS", got["root-activity-alert"].reason
    assert session.pending() == {} and not any(k[1] != E1 for k in session.clients)


def test_a_rule_elsewhere_does_not_make_up_for_us_east_1():
    config = AuditConfig(signin_regions=("us-east-1", "us-east-2"))
    _, got, session = run({("events", E1): ["ListRules--API_ListRules--none"],
                           ("events", "us-east-2"): ["ListRules--API_ListRules--root-signin-us-east-2",
                                                     "TestEventPattern--API_TestEventPattern--true",
                                                     "ListTargetsByRule--API_ListTargetsByRule--sns-topic"]},
                          ["root-activity-alert"], config)
    alert = got["root-activity-alert"]
    assert alert.status.value == "FAIL" and "not alerted in us-east-1" in alert.reason
    assert "Also checked" in alert.reason and session.pending() == {}


def test_a_rule_with_only_the_one_word_spelling_never_fires():
    """TestEventPattern says no to 'Sign In' and yes to 'Signin': the rule would never see a real sign-in."""
    _, got, session = run({("events", E1): ["ListRules--API_ListRules--guide-spelling-only",
                                            "TestEventPattern--API_TestEventPattern--false",
                                            "TestEventPattern--API_TestEventPattern--true",
                                            "ListTargetsByRule--API_ListTargetsByRule--sns-topic"]},
                          ["root-activity-alert"])
    alert = got["root-activity-alert"]
    assert alert.status.value == "FAIL" and "never fires" in alert.reason, alert.reason
    assert session.pending() == {}


@pytest.mark.parametrize("rules,targets,phrase", [
    ("ListRules--API_ListRules--disabled", "ListTargetsByRule--API_ListTargetsByRule--sns-topic", "DISABLED"),
    ("ListRules--API_ListRules--root-signin", "ListTargetsByRule--API_ListTargetsByRule--none", "no target"),
])
def test_a_disabled_rule_or_one_without_target_fails(rules, targets, phrase):
    _, got, _ = run({("events", E1): [rules, "TestEventPattern--API_TestEventPattern--true", targets]},
                    ["root-activity-alert"])
    assert got["root-activity-alert"].status.value == "FAIL" and phrase in got["root-activity-alert"].reason


# ------------------------------------------------------------------------------------ 3: root-usage-alarm

def chain(filters=("DescribeMetricFilters--API_DescribeMetricFilters--cis-root-usage",),
          tests=("TestMetricFilter--API_TestMetricFilter--numbered-from-0",),
          alarms="DescribeAlarms--API_DescribeAlarms--root-usage",
          topics=("ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--confirmed",)):
    return {**LOCAL_TRAIL, ("logs", E1): [*filters, *tests], ("cloudwatch", E1): [alarms], ("sns", E1): list(topics)}


@pytest.mark.parametrize("numbering", ["numbered-from-0", "numbered-from-1"])
def test_metric_filter_matches_are_told_by_message_not_number(numbering):
    _, got, session = run(chain(tests=(f"TestMetricFilter--API_TestMetricFilter--{numbering}",)),
                          ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "PASS", got["root-usage-alarm"].reason
    assert session.pending() == {}


def test_every_page_of_metric_filters_is_read():
    """50 filters on page 1 (the default page size) and the root filter on page 2, judged as each page arrives."""
    calls = ("DescribeMetricFilters--API_DescribeMetricFilters--page-1-of-2",
             *["TestMetricFilter--API_TestMetricFilter--no-match"] * 50,
             "DescribeMetricFilters--API_DescribeMetricFilters--page-2-of-2",
             "TestMetricFilter--API_TestMetricFilter--numbered-from-0")
    _, got, session = run(chain(filters=calls, tests=()), ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "PASS", got["root-usage-alarm"].reason
    assert session.pending() == {}


def test_an_alarm_through_metric_math_counts():
    _, got, _ = run(chain(alarms="DescribeAlarms--API_DescribeAlarms--metric-math"), ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "PASS" and "root-usage-math" in got["root-usage-alarm"].reason


def test_an_unreadable_central_topic_does_not_hide_a_confirmed_local_one():
    topics = ("ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--confirmed",  # sorted: the local topic first
              "ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--authorization-error")
    _, got, session = run(chain(alarms="DescribeAlarms--API_DescribeAlarms--central-and-local-topics", topics=topics),
                          ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "PASS", got["root-usage-alarm"].reason
    assert session.pending() == {}


@pytest.mark.parametrize("topic", ["authorization-error", "not-found"])
def test_an_alarm_whose_only_topic_cannot_be_read_is_manual(topic):
    _, got, _ = run(chain(alarms="DescribeAlarms--API_DescribeAlarms--central-topic-only",
                          topics=(f"ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--{topic}",)),
                    ["root-usage-alarm"])
    usage = got["root-usage-alarm"]
    assert usage.status.value == "MANUAL" and "org-security-alerts" in usage.reason, usage.reason


@pytest.mark.parametrize("alarms,topics,phrase", [
    ("DescribeAlarms--API_DescribeAlarms--actions-disabled",
     ("ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--confirmed",), "actions disabled"),
    ("DescribeAlarms--API_DescribeAlarms--root-usage",
     ("ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--pending",), "1 pending"),
])
def test_an_alarm_that_notifies_nobody_fails(alarms, topics, phrase):
    _, got, _ = run(chain(alarms=alarms, topics=topics), ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "FAIL" and phrase in got["root-usage-alarm"].reason


def test_a_deleted_log_group_fails_with_that_reason():
    plan = {**LOCAL_TRAIL, ("logs", E1): ["DescribeMetricFilters--API_DescribeMetricFilters--log-group-not-found"]}
    _, got, _ = run(plan, ["root-usage-alarm"])
    assert got["root-usage-alarm"].status.value == "FAIL" and "does not exist" in got["root-usage-alarm"].reason


def test_a_log_group_in_the_trails_home_region_is_read_there():
    eu = "eu-west-1"
    plan = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--eu-west-1-home"],
            ("cloudtrail", eu): ["GetTrailStatus--API_GetTrailStatus--logging",
                                 "GetEventSelectors--API_GetEventSelectors--all-management-events"],
            ("logs", eu): ["DescribeMetricFilters--API_DescribeMetricFilters--eu-west-1",
                           "TestMetricFilter--API_TestMetricFilter--numbered-from-0"],
            ("cloudwatch", eu): ["DescribeAlarms--API_DescribeAlarms--eu-west-1"],
            ("sns", eu): ["ListSubscriptionsByTopic--API_ListSubscriptionsByTopic--confirmed-eu-west-1"]}
    _, got, session = run(plan, ["cloudtrail-multi-region", "root-usage-alarm"])
    assert {k: f.status.value for k, f in got.items()} == {"cloudtrail-multi-region": "PASS",
                                                           "root-usage-alarm": "PASS"}
    assert session.pending() == {}


@pytest.mark.parametrize("status,selectors,phrase", [
    ("GetTrailStatus--API_GetTrailStatus--stopped",
     "GetEventSelectors--API_GetEventSelectors--all-management-events", "not logging"),
    ("GetTrailStatus--API_GetTrailStatus--logging",
     "GetEventSelectors--API_GetEventSelectors--data-events-only", "records no management events"),
])
def test_a_trail_that_misses_management_events_fails(status, selectors, phrase):
    plan = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--local-multi-region", status, selectors]}
    _, got, _ = run(plan, ["cloudtrail-multi-region", "root-usage-alarm"])
    assert got["cloudtrail-multi-region"].status.value == "FAIL" and phrase in got["cloudtrail-multi-region"].reason
    assert got["root-usage-alarm"].status.value == "FAIL"


# ------------------------------------------------------------------------------------ 4: organization trail

def test_a_member_whose_only_trail_is_the_organization_trail_is_not_error_or_fail():
    plan = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--organization-trail-from-member",
                                 "GetTrailStatus--API_GetTrailStatus--logging",
                                 "GetEventSelectors--API_GetEventSelectors--arn-of-another-account"]}
    report, got, session = run(plan, ["cloudtrail-multi-region", "root-usage-alarm"])
    trail, usage = got["cloudtrail-multi-region"], got["root-usage-alarm"]
    assert trail.status.value == "MANUAL" and "cloudtrail:GetEventSelectors" in trail.reason, trail.reason
    assert "222222222222" in trail.reason
    assert usage.status.value == "MANUAL" and "another account" in usage.reason, usage.reason
    assert report.exit_code() == 0 and session.pending() == {}


def test_an_organization_trail_with_default_selectors_passes_from_a_member():
    """HasCustomEventSelectors false: the trail logs all management events; GetEventSelectors is not needed."""
    plan = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--organization-trail-default-selectors",
                                 "GetTrailStatus--API_GetTrailStatus--logging"]}
    _, got, session = run(plan, ["cloudtrail-multi-region", "root-usage-alarm"])
    assert got["cloudtrail-multi-region"].status.value == "PASS"
    assert got["root-usage-alarm"].status.value == "MANUAL"
    assert session.pending() == {}


# ------------------------------------------------------------------------------------ 9: regions

def test_a_region_the_credentials_cannot_use_affects_only_its_check():
    """An opt-in region that is not enabled answers UnrecognizedClientException; the scan goes on."""
    config = AuditConfig(signin_regions=("us-east-1", "ap-east-1"), require_all_signin_regions=True)
    plan = {("events", E1): SIGNIN_OK, ("events", "ap-east-1"): ["ListRules--API_ListRules--unrecognized-client"],
            ("account", E1): ["GetAlternateContact--API_GetAlternateContact--security"]}
    report, got, session = run(plan, ["root-activity-alert", "security-contact-registered"], config)
    alert = got["root-activity-alert"]
    assert alert.status.value == "ERROR" and "ap-east-1" in alert.reason and "not enabled" in alert.reason
    assert got["security-contact-registered"].status.value == "PASS"
    assert report.aborted is None and report.exit_code() == 3 and session.pending() == {}


def test_an_extra_region_that_rejects_the_token_changes_nothing():
    config = AuditConfig(signin_regions=("us-east-1", "ap-east-1"))  # listed, not required
    plan = {("events", E1): SIGNIN_OK, ("events", "ap-east-1"): ["ListRules--API_ListRules--unrecognized-client"],
            ("account", E1): ["GetAlternateContact--API_GetAlternateContact--security"]}
    report, got, _ = run(plan, ["root-activity-alert", "security-contact-registered"], config)
    assert {k: f.status.value for k, f in got.items()} == {"root-activity-alert": "PASS",
                                                           "security-contact-registered": "PASS"}
    assert report.exit_code() == 0


def test_govcloud_credentials_never_call_commercial_regions():
    g = "us-gov-west-1"
    plan = {("sts", g): ["GetCallerIdentity--API_GetCallerIdentity--govcloud"],
            ("account", g): ["GetAlternateContact--API_GetAlternateContact--security"]}
    report, got, session = run(plan, ["root-activity-alert", "security-contact-registered"], region=g, caller=False,
                               partition="aws-us-gov")
    assert got["root-activity-alert"].status.value == "NOT_APPLICABLE", got["root-activity-alert"].reason
    assert got["security-contact-registered"].status.value == "PASS"
    assert report.exit_code() == 0 and set(session.clients) == {("sts", g), ("account", g)}


# ------------------------------------------------------------------------------------ 10: partitions

def test_no_region_with_other_partition_keys_says_set_region():
    plan = {("sts", E1): ["GetCallerIdentity--API_GetCallerIdentity--invalid-client-token-id"]}
    report, _, _ = run(plan, ["caller-not-root"], region=None, caller=False)
    assert report.exit_code() == 2 and "--region" in report.aborted and "cn-north-1" in report.aborted


def test_a_home_region_the_credentials_cannot_use_is_named():
    plan = {("sts", "ap-east-1"): ["GetCallerIdentity--API_GetCallerIdentity--invalid-client-token-id"]}
    report, _, _ = run(plan, ["caller-not-root"], region="ap-east-1", caller=False)
    assert report.exit_code() == 2 and "ap-east-1 is enabled for this account" in report.aborted


def test_policy_and_samples_use_the_callers_partition():
    gov = least_privilege_policy("aws-us-gov")["Statement"][2]["Condition"]["StringEquals"]["sts:TaskPolicyArn"]
    assert gov == audit_task_policy("aws-us-gov") == \
        "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
    assert audit_task_policy("aws-cn").startswith("arn:aws-cn:iam::aws:policy/root-task/")
    committed = Path(__file__).resolve().parents[1] / "docs" / "reference" / "rootaudit-policy.json"
    assert policy_json() == committed.read_text(encoding="utf-8")  # the aws partition's copy is unchanged
    event = json.loads(samples.signin_event(samples.SIGNIN_DETAIL_TYPE, "111111111111", "cn-north-1", "aws-cn"))
    assert event["detail"]["userIdentity"]["arn"] == "arn:aws-cn:iam::111111111111:root"


def test_ocsf_resource_arn_uses_the_callers_partition():
    from rootaudit.report import ocsf

    g = "us-gov-west-1"
    plan = {("sts", g): ["GetCallerIdentity--API_GetCallerIdentity--govcloud"]}
    report, _, _ = run(plan, ["caller-not-root"], region=g, caller=False, partition="aws-us-gov")
    resource = json.loads(ocsf.render([report]))[0]["resources"][0]
    assert resource["uid"] == "arn:aws-us-gov:iam::111111111111:root" and resource["cloud_partition"] == "aws-us-gov"


# ------------------------------------------------------------------------------------ 11: small ones

def test_aws_example_summary_without_account_password_present_says_what_that_means():
    plan = {("iam", E1): ["GetAccountSummary--API_GetAccountSummary"]}
    _, got, _ = run(plan, ["root-mfa-enabled"])
    mfa = got["root-mfa-enabled"]
    assert mfa.status.value == "FAIL" and "access keys" in mfa.reason
    assert "did not report AccountPasswordPresent" in mfa.reason and "cannot tell" in mfa.reason


# ---------------------------------------------------- mutation cases: the evidence sources and samples (issue 16)

def test_an_unreadable_topic_is_recorded_with_its_error_kind_and_owner():
    """The evidence names why a topic could not be read and which account owns it (where to look instead)."""
    from recorded import collector

    central = "arn:aws:sns:us-east-1:999999999999:org-security-alerts"
    col, session = collector({**CALLER, **chain(alarms="DescribeAlarms--API_DescribeAlarms--central-topic-only",
                                                 topics=("ListSubscriptionsByTopic--API_ListSubscriptionsByTopic"
                                                         "--not-found",))})
    topic = col.get("root_usage_monitoring")["topics"][central]
    assert (set(topic), topic["kind"], topic["account"]) == ({"error", "kind", "account"}, "NotFound", "999999999999")
    assert "Topic does not exist" in topic["error"] and session.pending() == {}


def test_a_china_region_rule_is_tested_with_a_sign_in_of_that_partition():
    """The sample sign-in sent to TestEventPattern carries the caller's partition (arn:aws-cn:...:root), so a rule
    pinned to the root ARN is judged on the event AWS would really deliver there. Stubber checks the exact event."""
    import boto3
    from botocore.stub import Stubber

    from recorded import ACCOUNT, fixture
    from rootaudit.evidence.collector import Collector, Context

    region = "cn-north-1"
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=region)
    ctx = Context(session=session, config=AuditConfig(signin_regions=(region,)), region=region)
    stub = Stubber(ctx.client("events", region))
    rules = fixture("events", "ListRules--API_ListRules--root-signin")["data"]
    stub.add_response("list_rules", rules, {"EventBusName": "default"})
    event = samples.signin_event(samples.SIGNIN_DETAIL_TYPE, ACCOUNT, region, "aws-cn")
    assert "arn:aws-cn:iam::111111111111:root" in event
    stub.add_response("test_event_pattern", {"Result": True},
                      {"EventPattern": rules["Rules"][0]["EventPattern"], "Event": event})
    stub.add_response("list_targets_by_rule", fixture("events", "ListTargetsByRule--API_ListTargetsByRule--sns-topic")
                      ["data"], {"Rule": "root-signin", "EventBusName": "default"})
    stub.activate()
    caller = {"account": ACCOUNT, "arn": f"arn:aws-cn:sts::{ACCOUNT}:assumed-role/Audit/a", "partition": "aws-cn"}
    found = Collector(ctx, preset={"caller": caller}).get("eventbridge")
    assert found == {region: {"role": "required", "rules": [
        {"name": "root-signin", "state": "ENABLED", "matches": [samples.SIGNIN_DETAIL_TYPE], "fires": True,
         "targets": 1}]}}
    stub.assert_no_pending_responses()


def test_virtual_mfa_dates_are_iso_and_an_absent_date_stays_absent():
    """EnableDate is optional in IAM's model (Stubber accepts a device without it): the evidence then says None
    rather than the source failing; a present date is written as ISO 8601 with its offset."""
    import boto3
    from botocore.stub import Stubber

    from rootaudit.evidence.collector import Collector, Context

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=E1)
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    stub = Stubber(ctx.client("iam"))
    alice, bob = ("arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/bob")

    def user(arn):
        return {"Path": "/", "UserName": arn.rsplit("/")[-1], "UserId": "AIDAEXAMPLEEXAMPLE0" + arn[-1],
                "Arn": arn, "CreateDate": NOW}

    stub.add_response("list_virtual_mfa_devices", {"IsTruncated": False, "VirtualMFADevices": [
        {"SerialNumber": "arn:aws:iam::111111111111:mfa/alice", "User": user(alice), "EnableDate": NOW},
        {"SerialNumber": "arn:aws:iam::111111111111:mfa/bob", "User": user(bob)}]}, {"AssignmentStatus": "Assigned"})
    stub.activate()
    devices = Collector(ctx).get("virtual_mfa")
    assert devices == [
        {"serial": "arn:aws:iam::111111111111:mfa/alice", "user_arn": alice,
         "enable_date": "2026-11-29T12:00:00+00:00"},
        {"serial": "arn:aws:iam::111111111111:mfa/bob", "user_arn": bob, "enable_date": None}]
    stub.assert_no_pending_responses()


def test_a_filter_without_a_pattern_tests_the_empty_pattern_and_an_answer_without_matches_is_none():
    """These fields are optional in CloudWatch Logs' model (Stubber accepts their absence): a filter whose pattern
    is not returned is tested with the empty pattern (which matches every event), one without transformations
    feeds no metric, and a TestMetricFilter answer without `matches` means nothing matched; none of them fails
    the whole source."""
    import boto3
    from botocore.stub import Stubber

    from recorded import ACCOUNT
    from rootaudit.evidence.collector import Collector, Context

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=E1)
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    logs, cloudwatch = Stubber(ctx.client("logs", E1)), Stubber(ctx.client("cloudwatch", E1))
    metric = [{"metricName": "All", "metricNamespace": "CIS", "metricValue": "1"}]
    logs.add_response("describe_metric_filters", {"metricFilters": [
        {"filterName": "everything", "logGroupName": "trail-logs", "metricTransformations": metric},
        {"filterName": "nobody", "filterPattern": '{ $.userIdentity.type = "Nobody" }', "logGroupName": "trail-logs"}]},
                      {"logGroupName": "trail-logs"})
    sent = [json.dumps(m["record"]) for m in samples.metric_filter_messages(ACCOUNT, "aws")]
    logs.add_response("test_metric_filter", {"matches": [{"eventNumber": i, "eventMessage": text}
                                                         for i, text in enumerate(sent)]},
                      {"filterPattern": "", "logEventMessages": sent})
    logs.add_response("test_metric_filter", {}, {"filterPattern": '{ $.userIdentity.type = "Nobody" }',
                                                 "logEventMessages": sent})
    cloudwatch.add_response("describe_alarms", {"MetricAlarms": []}, {})
    logs.activate()
    cloudwatch.activate()
    trail = {"multi_region": True, "is_logging": True, "management_events": {"read": True, "write": True},
             "log_group_arn": f"arn:aws:logs:{E1}:{ACCOUNT}:log-group:trail-logs:*"}
    caller = {"account": ACCOUNT, "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Audit/a", "partition": "aws"}
    found = Collector(ctx, preset={"caller": caller, "trails": [trail]}).get("root_usage_monitoring")
    labels = [m["label"] for m in samples.metric_filter_messages()]
    assert [(f["name"], f["pattern"], f["metrics"], f["matched"], f["matches_root"], f["matches_non_root"])
            for f in found["filters"]] == [
        ("everything", None, [{"name": "All", "namespace": "CIS"}], labels, True, True),
        ("nobody", '{ $.userIdentity.type = "Nobody" }', [], [], False, False)]
    logs.assert_no_pending_responses()
    cloudwatch.assert_no_pending_responses()


def test_a_denied_account_summary_outside_an_org_scan_is_reported_as_denied():
    """Without the org scan's AssumeRoot session there is nothing to fall back to: the denial itself is reported
    (kind and action), not a failure of some second attempt."""
    import boto3
    from botocore.stub import Stubber

    from rootaudit.evidence.collector import Collector, Context
    from rootaudit.evidence.errors import SourceFailed

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=E1)
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    stub = Stubber(ctx.client("iam"))
    stub.add_client_error("get_account_summary", "AccessDenied", "not authorized to perform iam:GetAccountSummary",
                          http_status_code=403)
    stub.activate()
    with pytest.raises(SourceFailed) as raised:
        Collector(ctx).get("account_summary")
    assert (raised.value.error.kind, raised.value.error.action) == ("AccessDenied", "iam:GetAccountSummary")
    assert ctx.calls == ["iam:GetAccountSummary"]
    stub.assert_no_pending_responses()


def test_only_a_trail_known_to_log_read_and_write_management_events_has_its_log_group_read():
    """A trail known to log only read or only write management events cannot be the CIS trail: its log group is
    not read at all (no call), so it cannot fail the alarm check on its own."""
    import boto3

    from recorded import ACCOUNT
    from rootaudit.evidence.collector import Collector, Context

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=E1)
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    trails = [{"multi_region": True, "is_logging": True, "management_events": {"read": read, "write": not read},
               "log_group_arn": f"arn:aws:logs:{E1}:{ACCOUNT}:log-group:{name}:*"}
              for name, read in (("read-only", True), ("write-only", False))]
    caller = {"account": ACCOUNT, "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Audit/a", "partition": "aws"}
    found = Collector(ctx, preset={"caller": caller, "trails": trails}).get("root_usage_monitoring")
    assert found == {"log_groups": [], "filters": [], "alarms": [], "topics": {}} and ctx.calls == []


MGMT = {"Field": "eventCategory", "Equals": ["Management"]}
READS, WRITES = ({"FieldSelectors": [MGMT, {"Field": "readOnly", "Equals": [flag]}]} for flag in ("true", "false"))


@pytest.mark.parametrize("selectors,expected", [
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}, (True, True)),
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]}, (True, False)),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}, (False, True)),
    ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, (False, False)),
    ({"EventSelectors": [{}]}, (True, True)),  # both fields optional in the model; AWS's defaults are All and true
    ({"EventSelectors": [{"ReadWriteType": "ReadOnly"}, {"ReadWriteType": "WriteOnly"}]}, (True, True)),
    ({"EventSelectors": [{"ReadWriteType": "WriteOnly"}, {"ReadWriteType": "ReadOnly"}]}, (True, True)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [MGMT]}]}, (True, True)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [MGMT, {"Field": "readOnly", "Equals": ["true"]}]}]},
     (True, False)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [MGMT, {"Field": "readOnly", "Equals": ["false"]}]}]},
     (False, True)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]},
                                 {"FieldSelectors": [MGMT, {"Field": "readOnly", "Equals": ["true"]}]}]},
     (True, False)),
    ({"AdvancedEventSelectors": [WRITES, READS]}, (True, True)),
    ({"AdvancedEventSelectors": [READS, WRITES]}, (True, True)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}]},
     (False, False)),
    ({"AdvancedEventSelectors": [{"FieldSelectors": []}]}, (False, False)),
    ({}, (False, False)),
])
def test_management_events_read_from_every_selector_form(selectors, expected):
    """GetEventSelectors answers either basic or advanced selectors (API reference); each says which management
    events (read, write) the trail logs, the omitted fields taking AWS's documented defaults."""
    from rootaudit.evidence.sources.cloudtrail import _mgmt_events

    assert _mgmt_events(selectors) == {"read": expected[0], "write": expected[1]}


def test_the_trail_evidence_is_what_describe_trails_and_its_status_calls_said():
    """Each trail's record, field by field, from AWS's example answers: a local multi-region trail read in full,
    and a member's view of the management account's organization trail (owner from its ARN, the refused
    GetEventSelectors recorded as unread rather than as an error)."""
    from recorded import collector

    local = {("cloudtrail", E1): LOCAL_TRAIL[("cloudtrail", E1)]}
    col, session = collector({**CALLER, **local})
    assert col.get("trails") == [{
        "name": "management-events", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events",
        "home_region": "us-east-1", "owner_account": "111111111111", "multi_region": True,
        "organization_trail": False,
        "log_group_arn": "arn:aws:logs:us-east-1:111111111111:log-group:CloudTrail/DefaultLogGroup:*",
        "is_logging": True, "management_events": {"read": True, "write": True}}]
    assert session.pending() == {}
    org = {("cloudtrail", E1): ["DescribeTrails--API_DescribeTrails--organization-trail-from-member",
                                "GetTrailStatus--API_GetTrailStatus--logging",
                                "GetEventSelectors--API_GetEventSelectors--arn-of-another-account"]}
    col, session = collector({**CALLER, **org})
    [trail] = col.get("trails")
    unread = trail.pop("unread")
    assert trail == {
        "name": "aws-controltower-BaselineCloudTrail",
        "arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/aws-controltower-BaselineCloudTrail",
        "home_region": "us-east-1", "owner_account": "222222222222", "multi_region": True,
        "organization_trail": True,
        "log_group_arn": "arn:aws:logs:us-east-1:222222222222:log-group:aws-controltower/CloudTrailLogs:*",
        "is_logging": True}
    assert list(unread) == ["cloudtrail:GetEventSelectors"]
    assert "CloudTrailARNInvalidException" in unread["cloudtrail:GetEventSelectors"] and session.pending() == {}


def test_the_management_accounts_own_organization_trail_is_read_like_a_local_one():
    """Seen from the account that owns it, an organization trail is read in full (status and selectors), with
    nothing recorded as unread: only another account's organization trail gets the member's treatment."""
    from recorded import RecordedSession
    from rootaudit.evidence.collector import Collector, Context

    session = RecordedSession({("cloudtrail", E1): [
        "DescribeTrails--API_DescribeTrails--organization-trail-from-member",
        "GetTrailStatus--API_GetTrailStatus--logging",
        "GetEventSelectors--API_GetEventSelectors--all-management-events"]})
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    owner = {"account": "222222222222", "arn": "arn:aws:sts::222222222222:assumed-role/Audit/a", "partition": "aws"}
    [trail] = Collector(ctx, preset={"caller": owner}).get("trails")
    assert (trail["owner_account"], trail["organization_trail"], trail["is_logging"]) == ("222222222222", True, True)
    assert trail["management_events"] == {"read": True, "write": True} and "unread" not in trail
    assert session.pending() == {}


def test_a_trail_answer_without_its_arn_is_taken_as_the_callers_own():
    """TrailARN is optional in CloudTrail's model (Stubber accepts its absence): such a trail is the caller's own,
    not a failure of the whole trails source."""
    import boto3
    from botocore.stub import Stubber

    from recorded import ACCOUNT
    from rootaudit.evidence.collector import Collector, Context

    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x", region_name=E1)
    ctx = Context(session=session, config=AuditConfig(), region=E1)
    stub = Stubber(ctx.client("cloudtrail"))
    stub.add_response("describe_trails", {"trailList": [{"Name": "single-region", "HomeRegion": E1}]},
                      {"includeShadowTrails": True})
    stub.activate()
    caller = {"account": ACCOUNT, "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Audit/a", "partition": "aws"}
    [trail] = Collector(ctx, preset={"caller": caller}).get("trails")
    assert (trail["name"], trail["arn"], trail["owner_account"], trail["multi_region"]) == (
        "single-region", "", ACCOUNT, False)
    stub.assert_no_pending_responses()
