"""Boundaries, tested on both sides: the recent-use window, the configuration's ranges, and page boundaries.

Pagination runs against the emulated account over HTTP (IAM's Marker/IsTruncated, Organizations' and
EventBridge's NextToken). moto ignores CloudWatch Logs' `limit`, so the lower-case `nextToken` of
logs:DescribeMetricFilters is exercised with botocore's Stubber, which checks every request and response
against AWS's service model.
"""
from __future__ import annotations

import math
from datetime import timedelta

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from evidence_builders import NOW, report
from rootaudit import config as config_mod
from rootaudit.checks import BY_ID
from rootaudit.config import AuditConfig, ConfigError
from rootaudit.engine import scan
from rootaudit.evidence import collector
from rootaudit.evidence.collector import Context
from rootaudit.findings import Status

P, F = Status.PASS, Status.FAIL
RECENT = BY_ID["root-not-recently-used"]


def _used(delta: timedelta, config: AuditConfig) -> Status:
    used_at = (NOW - delta).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    verdict = RECENT.evaluate({"credential_report": report(password=used_at), "now": NOW}, config)
    return verdict.status


# ------------------------------------------------------------------------------ the recent-use window


@pytest.mark.parametrize("delta,expected", [
    (timedelta(days=89), F),
    (timedelta(days=89, hours=23, minutes=59), F),  # 89 whole days: still inside the window
    (timedelta(days=90), P),  # exactly the window: no longer "within the last 90 days"
    (timedelta(days=90, minutes=1), P),
    (timedelta(days=91), P),
    (timedelta(0), F),
])
def test_ninety_day_window_both_sides(delta, expected):
    assert _used(delta, AuditConfig(recent_use_days=90)) is expected


@pytest.mark.parametrize("window", [1, 7, 30, 365])
def test_configured_window_both_sides(window):
    cfg = AuditConfig(recent_use_days=window)
    assert _used(timedelta(days=window - 1), cfg) is F
    assert _used(timedelta(days=window), cfg) is P


def test_the_window_is_90_days_without_a_handbook_yml():
    """The code's own default, used when no handbook.yml is found (the shipped file sets 90 explicitly)."""
    for cfg in (AuditConfig(), config_mod.load(None), config_mod.parse("org: {}"), config_mod.parse("")):
        assert cfg.recent_use_days == 90
        assert _used(timedelta(days=89), cfg) is F and _used(timedelta(days=90), cfg) is P


def test_reason_names_the_days_and_the_window():
    used_at = (NOW - timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    verdict = RECENT.evaluate({"credential_report": report(password=used_at), "now": NOW}, AuditConfig())
    assert verdict.evidence["days_since_last_use"] == 90 and verdict.evidence["window_days"] == 90
    assert "90 days ago" in verdict.reason and "outside the 90-day window" in verdict.reason


# -------------------------------------------------------------------------------- configuration ranges


@pytest.mark.parametrize("key,low,high", [("recent_use_days", 1, 3650), ("org_max_workers", 1, 256)])
def test_whole_number_settings_accept_their_range_and_nothing_beyond(key, low, high):
    for ok in (low, high):
        assert getattr(config_mod.parse(f"audit: {{{key}: {ok}}}"), key) == ok
    for bad in (low - 1, high + 1):
        with pytest.raises(ConfigError, match=f"audit.{key}"):
            config_mod.parse(f"audit: {{{key}: {bad}}}")


def test_report_timeout_range():
    assert config_mod.parse("audit: {credential_report_timeout_seconds: 600}").credential_report_timeout_seconds == 600
    assert config_mod.parse("audit: {credential_report_timeout_seconds: 0.5}").credential_report_timeout_seconds == 0.5
    for bad in ("0", "600.5", "-1", "true", "'10'"):
        with pytest.raises(ConfigError, match="credential_report_timeout_seconds"):
            config_mod.parse(f"audit: {{credential_report_timeout_seconds: {bad}}}")


def test_config_defaults():
    cfg = config_mod.parse("")
    assert cfg == AuditConfig()
    assert (cfg.signin_regions, cfg.credential_report_timeout_seconds, cfg.org_role_name, cfg.org_max_workers,
            cfg.root_email_pattern) == (("us-east-1",), 60.0, "OrganizationAccountAccessRole", 32, None)
    assert config_mod.parse("audit: {signin_regions: [eu-west-1, eu-west-1]}").signin_regions == ("eu-west-1",)


# -------------------------------------------------------------------------------------- page boundaries


def _ctx(account) -> Context:
    return Context(session=account.session(), config=AuditConfig(), region=account.region)


def _pages(n: int, size: int) -> int:
    return max(1, math.ceil(n / size))


@pytest.fixture
def six_devices(load, emulator):
    account = load("standalone")
    iam = emulator.client("iam", account.account_id)
    serials = sorted(iam.create_virtual_mfa_device(VirtualMFADeviceName=f"dev-{i}")["VirtualMFADevice"]["SerialNumber"]
                     for i in range(6))
    return account, serials


@pytest.mark.parametrize("size", [1, 3, 4, 5, 6, 7, 100])
def test_iam_marker_pages_on_both_sides_of_the_boundary(six_devices, size):
    account, serials = six_devices
    ctx = _ctx(account)
    devices = ctx.paginate("iam", "ListVirtualMFADevices", "VirtualMFADevices", MaxItems=size)
    got = sorted(d["SerialNumber"] for d in devices)
    assert [s for s in got if "/dev-" in s] == serials  # every device once, none twice
    n = len(devices)
    assert ctx.calls == ["iam:ListVirtualMFADevices"] * _pages(n, size)  # and no extra call after the last page


@pytest.mark.parametrize("size", [1, 5, 7, 20])
def test_organizations_next_token_pages(load, emulator, size):
    account = load("organization")
    ctx = _ctx(account)
    accounts = ctx.paginate("organizations", "ListAccounts", "Accounts", MaxResults=size)
    ids = [a["Id"] for a in accounts]
    assert len(ids) == len(set(ids)) == 21
    assert {account.management_account_id, *account.member_account_ids} <= set(ids)
    # AWS may answer a last, empty page after an exactly full one; never more than that
    assert len(ctx.calls) in (_pages(21, size), _pages(21, size) + 1)


def test_eventbridge_next_token_pages(load, emulator):
    account = load("hardened")
    ctx = _ctx(account)
    every = ctx.paginate("events", "ListRules", "Rules", EventBusName="default")
    for size in (1, 2, len(every), len(every) + 1):
        ctx.calls.clear()
        paged = ctx.paginate("events", "ListRules", "Rules", EventBusName="default", Limit=size)
        assert [r["Name"] for r in paged] == [r["Name"] for r in every]
        assert len(ctx.calls) in (_pages(len(every), size), _pages(len(every), size) + 1)


def _stubbed_logs_ctx():
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    client = session.client("logs", endpoint_url="http://127.0.0.1:9")  # never reached: the Stubber answers
    ctx._clients[("logs", "us-east-1", False)] = client
    return ctx, Stubber(client)


def test_cloudwatch_logs_pages_with_its_lower_case_token():
    """moto ignores `limit` for DescribeMetricFilters, so the Stubber plays two pages as AWS would send them."""
    ctx, stub = _stubbed_logs_ctx()
    page = {"filterName": "f", "filterPattern": "x", "logGroupName": "g",
            "metricTransformations": [{"metricName": "m", "metricNamespace": "n", "metricValue": "1"}]}
    stub.add_response("describe_metric_filters", {"metricFilters": [dict(page, filterName="one")], "nextToken": "t1"},
                      {"logGroupName": "g"})
    stub.add_response("describe_metric_filters", {"metricFilters": [dict(page, filterName="two")]},
                      {"logGroupName": "g", "nextToken": "t1"})
    with stub:
        filters = ctx.paginate("logs", "DescribeMetricFilters", "metricFilters", logGroupName="g")
        stub.assert_no_pending_responses()
    assert [f["filterName"] for f in filters] == ["one", "two"]


def test_iam_stops_when_not_truncated():
    """A last IAM page says IsTruncated false; nothing more is requested (Stubber: moto never sends a stray Marker)."""
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    ctx = Context(session=session, config=AuditConfig(), region="us-east-1")
    client = session.client("iam", endpoint_url="http://127.0.0.1:9")
    ctx._clients[("iam", "us-east-1", False)] = client
    stub = Stubber(client)
    stub.add_response("list_virtual_mfa_devices", {"VirtualMFADevices": [], "IsTruncated": True, "Marker": "m1"}, {})
    stub.add_response("list_virtual_mfa_devices", {"VirtualMFADevices": [], "IsTruncated": False, "Marker": "m2"},
                      {"Marker": "m1"})
    with stub:
        assert ctx.paginate("iam", "ListVirtualMFADevices", "VirtualMFADevices") == []
        stub.assert_no_pending_responses()


PAGINATED = [  # every paginated call the product makes (grep "paginate(" src/rootaudit)
    ("iam", "ListVirtualMFADevices"), ("organizations", "ListAccounts"), ("organizations", "ListParents"),
    ("organizations", "ListPoliciesForTarget"), ("logs", "DescribeMetricFilters"), ("cloudwatch", "DescribeAlarms"),
    ("sns", "ListSubscriptionsByTopic"), ("events", "ListRules"),
    # the organization map of large org scans (org/org_map.py)
    ("organizations", "ListRoots"), ("organizations", "ListOrganizationalUnitsForParent"),
    ("organizations", "ListAccountsForParent"), ("organizations", "ListPolicies"),
    ("organizations", "ListTargetsForPolicy"),
]


@pytest.mark.parametrize("service,operation", PAGINATED)
def test_token_names_agree_with_botocore(service, operation):
    model = botocore.session.get_session().get_paginator_model(service).get_paginator(operation)
    token_in, token_out = collector._TOKENS.get(service, ("NextToken", "NextToken"))
    assert (token_in, token_out) == (model["input_token"], model["output_token"])


def test_every_paginated_call_is_listed():
    import re
    from pathlib import Path

    src = Path(collector.__file__).resolve().parents[1]
    used = set()
    for path in src.rglob("*.py"):
        used |= set(re.findall(r'(?:paginate|items)\(\s*"(\w+)",\s*"(\w+)"', path.read_text()))
    assert used == set(PAGINATED)


@pytest.mark.parametrize("users", [99, 100])
def test_root_virtual_device_on_either_side_of_the_first_page(emulator, monkeypatch, users):
    """demo's root device sorts after every IAM user's: with 99 users it ends a full first page, with 100 it is
    alone on the second. Either way root-hardware-mfa must see it."""
    spec = {"extends": "demo", "description": "page boundary",
            "iam_users": [{"name": f"aa-user-{i:03d}", "mfa": "virtual"} for i in range(users)]}
    account = emulator.load(spec)
    try:
        for k, v in account.env().items():
            monkeypatch.setenv(k, v)
        result = scan(session=account.session(), check_ids=["root-hardware-mfa"])
        finding = result.findings[0]
        assert finding.status is F, finding.reason
        assert finding.evidence["virtual_devices"] == [f"arn:aws:iam::{account.account_id}:mfa/root-account-mfa-device"]
        assert result.calls.count("iam:ListVirtualMFADevices") == (1 if users == 99 else 2)
    finally:
        emulator.reset()


@pytest.mark.parametrize("subscribers", [100, 101])
def test_sns_subscriptions_on_either_side_of_the_first_page(load, emulator, subscribers):
    """sns:ListSubscriptionsByTopic answers up to 100 subscriptions a page (moto alike), see
    https://docs.aws.amazon.com/sns/latest/api/API_ListSubscriptionsByTopic.html:
    every page is counted (AWS, like moto, may send a token after an exactly full page: one more call then)."""
    account = load("hardened")
    sns = emulator.client("sns", account.account_id)
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":root-usage-alerts")]
    have = len(sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"])
    for i in range(subscribers - have):
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=f"ops-{i:03d}@example.com")
    result = scan(session=account.session(), check_ids=["root-usage-alarm"])
    finding = result.findings[0]
    assert finding.status is P and f"with {subscribers} confirmed subscription(s)" in finding.reason, finding.reason
    assert result.calls.count("sns:ListSubscriptionsByTopic") in ((1, 2) if subscribers == 100 else (2,))


# ------------------------------------------------------------------------------------------- dates


def test_parse_time_keeps_offsets_and_reads_naive_as_utc():
    from datetime import UTC, datetime, timezone

    from rootaudit.checks.common import parse_time

    plus_two = timezone(timedelta(hours=2))
    aware = datetime(2026, 1, 1, 12, tzinfo=plus_two)
    assert parse_time(aware) == aware and parse_time(aware).utcoffset() == timedelta(hours=2)
    assert parse_time(datetime(2026, 1, 1, 12)) == datetime(2026, 1, 1, 12, tzinfo=UTC)
    for text in ("2026-01-01T12:00:00Z", " 2026-01-01T12:00:00+00:00 ", "2026-01-01T12:00:00"):
        parsed = parse_time(text)
        assert parsed == datetime(2026, 1, 1, 12, tzinfo=UTC) and parsed.utcoffset() == timedelta(0), text
    assert parse_time("2026-01-01T12:00:00+02:00") == aware
    for never in (None, "", "N/A", "no_information", "not_supported", " N/A "):
        assert parse_time(never) is None
    for bad in ("yesterday", 5, ["2026-01-01"]):
        with pytest.raises(ValueError):
            parse_time(bad)


# ---------------------------------------------------- mutation cases: the evidence sources and samples (issue 16)

def test_a_source_given_by_a_content_filter_is_tested_not_pruned(load, emulator):
    """Only a 'source' list of plain strings can be pruned without asking AWS; a content filter (here a prefix)
    may match aws.signin, so TestEventPattern decides."""
    import json

    account = load("standalone")
    events = emulator.client("events", account.account_id)
    pattern = {"source": [{"prefix": "aws.sign"}], "detail-type": ["AWS Console Sign In via CloudTrail"]}
    events.put_rule(Name="by-prefix", EventPattern=json.dumps(pattern))
    ctx = _ctx(account)
    found = collector.Collector(ctx).get("eventbridge")["us-east-1"]
    assert [r["name"] for r in found["rules"] if r["name"] == "by-prefix"] == ["by-prefix"], found
    assert any(line.startswith("events.test_event_pattern(EventPattern='{\"source\": [{\"prefix\"") for line in ctx.log)


def test_a_sign_in_rule_that_does_not_match_does_not_stop_the_next(load, emulator):
    """A rule for aws.signin events of another kind is tested and skipped; the rules listed after it still are."""
    import json

    account = load("standalone")
    events = emulator.client("events", account.account_id)
    for name, detail_type in (("a-signin-other", "AWS API Call via CloudTrail"),
                              ("z-root-signin", "AWS Console Sign In via CloudTrail")):
        events.put_rule(Name=name, EventPattern=json.dumps({"source": ["aws.signin"], "detail-type": [detail_type]}))
    found = collector.Collector(_ctx(account)).get("eventbridge")["us-east-1"]
    names = [r["name"] for r in found["rules"]]
    assert "z-root-signin" in names and "a-signin-other" not in names, found


def test_a_trail_whose_status_cannot_be_read_keeps_the_reason(load, emulator):
    """A refused GetTrailStatus on the account's own multi-region trail is recorded on that trail, with AWS's
    reason, so the check can say which call failed rather than call the trail stopped."""
    account = load("hardened")
    emulator.fail("cloudtrail:GetTrailStatus", code="AccessDenied")
    trails = collector.Collector(_ctx(account)).get("trails")
    failed = [t for t in trails if t["multi_region"]]
    assert failed and all("cloudtrail:GetTrailStatus" in t["error"] for t in failed), trails
