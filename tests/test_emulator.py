"""The emulated AWS account (rootaudit_emulator): scenarios, grafted operations, knobs, filter patterns.

Everything but the filter-pattern unit tests talks HTTP to the real moto server on 127.0.0.1 (the session
``emulator`` fixture from conftest.py) with ordinary boto3 clients, so botocore parses every answer.
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from rootaudit_emulator import ScenarioError, build_org, list_scenarios, root_state, scenario_path
from rootaudit_emulator import filter_pattern as fp

NO_RETRY = Config(retries={"total_max_attempts": 1})
REQUIRED = {"demo", "hardened", "neglected", "member-no-root-credentials", "standalone", "organization", "bulk",
            "organization-delegated-admin"}
AUDIT_POLICY = {"arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}


_SESSIONS: dict[tuple[str, ...], boto3.Session] = {}


@pytest.fixture(autouse=True)
def _clean(emulator):
    yield
    _SESSIONS.clear()
    emulator.reset()


def client(account, service, region=None):
    """A client for the account's credentials, explicitly bound to the emulator, without retries."""
    key = tuple(sorted(account.credentials.values()))
    if key not in _SESSIONS:
        _SESSIONS[key] = account.session()
    return _SESSIONS[key].client(service, region_name=region or account.region, endpoint_url=account.endpoint_url,
                                 config=NO_RETRY)


def signin_client(account, region="us-east-1", **config):
    """A Sign-In client bound to the emulator. Pinned: botocore's rules send Sign-In's control-plane operations to
    signin.<region>.api.aws whatever endpoint_url says (see test_signin_clients_never_leave_loopback)."""
    from rootaudit_emulator.signin import pin_endpoint

    key = tuple(sorted(account.credentials.values()))
    session = _SESSIONS.setdefault(key, account.session())
    return pin_endpoint(session.client("signin", region_name=region, endpoint_url=account.endpoint_url,
                                       config=NO_RETRY.merge(Config(**config))))


def code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def creds_session(creds) -> boto3.Session:
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds.get("SessionToken"), region_name="us-east-1")


# ============================================================================================ scenarios


def test_shipped_scenarios_are_listed():
    assert REQUIRED <= set(list_scenarios())
    assert scenario_path("demo").is_file()
    with pytest.raises(ScenarioError, match="no shipped scenario"):
        scenario_path("nope")


# (AccountMFAEnabled, AccountAccessKeysPresent, AccountSigningCertificatesPresent, AccountPasswordPresent)
SUMMARY = {"demo": (1, 1, 0, 1), "hardened": (1, 0, 0, 1), "neglected": (0, 1, 1, 1),
           "member-no-root-credentials": (0, 0, 0, 0), "standalone": (1, 0, 0, 1), "organization": (1, 0, 0, 1),
           "bulk": (1, 1, 0, 1), "organization-delegated-admin": (1, 0, 0, 1)}


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_scenario_loads_into_the_audited_account(emulator, name):
    acct = emulator.load(name)
    summary = client(acct, "iam").get_account_summary()["SummaryMap"]
    assert tuple(summary[k] for k in ("AccountMFAEnabled", "AccountAccessKeysPresent",
                                      "AccountSigningCertificatesPresent", "AccountPasswordPresent")) == SUMMARY[name]
    emulator.clear_recorded()
    assert len(acct.account_id) == 12 and acct.region == "us-east-1"
    assert acct.endpoint_url.startswith("http://127.0.0.1:")
    assert acct.scenario["description"] and acct.scenario["name"] == name
    env = acct.env()
    assert env["AWS_ENDPOINT_URL"] == acct.endpoint_url and env["AWS_EC2_METADATA_DISABLED"] == "true"
    assert env["AWS_DEFAULT_REGION"] == env["AWS_REGION"] == "us-east-1"
    assert ("AWS_SESSION_TOKEN" in env) == (name in ("member-no-root-credentials", "organization-delegated-admin"))
    assert client(acct, "sts").get_caller_identity()["Account"] == acct.account_id
    assert emulator.recorded() == ["sts:GetCallerIdentity"]  # set-up calls are not recorded


def test_env_is_enough_for_a_plain_boto3_client(emulator, monkeypatch):
    acct = emulator.load("member-no-root-credentials")
    for key, value in acct.env().items():
        monkeypatch.setenv(key, value)
    identity = boto3.client("sts").get_caller_identity()
    assert identity["Account"] == "210987654321"
    assert identity["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/rootaudit")
    assert acct.session().client("iam").get_account_summary()["SummaryMap"]["AccountPasswordPresent"] == 0


def test_caller_root_and_reset_clears_every_override(emulator):
    acct = emulator.load("neglected")
    identity = client(acct, "sts").get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::123456789012:root" and identity["UserId"] == "123456789012"
    emulator.fail("iam:ListUsers", "AccessDenied")
    emulator.reset()
    assert not root_state.OVERRIDES.postures and not root_state.OVERRIDES.root_caller_accounts
    from moto.organizations.models import organizations_backends
    assert not organizations_backends.master_accounts
    identity = client(acct, "sts").get_caller_identity()
    assert identity["Arn"] == "arn:aws:sts::123456789012:user/moto"
    summary = client(acct, "iam").get_account_summary()["SummaryMap"]
    assert [summary[k] for k in ("AccountMFAEnabled", "AccountAccessKeysPresent",
                                 "AccountSigningCertificatesPresent", "AccountPasswordPresent")] == [0, 0, 0, 0]
    client(acct, "iam").list_users()  # the failure knob went with the reset
    assert emulator.recorded() == ["sts:GetCallerIdentity", "iam:GetAccountSummary", "iam:ListUsers"]


def test_scenario_validation_names_the_key(emulator, tmp_path):
    cases = [
        ({"description": "x", "root": {"mfa": ["sms"]}}, "root.mfa[0]: expected one of virtual, hardware, fido"),
        ({"description": "x", "rooot": {}}, "unknown key(s) rooot"),
        ({"root": {}}, "description"),
        ({"description": "x", "root": {"access_keys": [{}, {}, {}]}}, "at most two access keys"),
        ({"description": "x", "organization": {"role": "member"}}, "does not fit account_id"),
        ({"description": "x", "root_usage_alarm": {}}, "needs a cloudtrail entry with a log_group"),
        ({"description": "x", "faults": [{"fault": "meteor"}]}, "faults[0].fault: expected one of access_denied"),
        ({"description": "x", "faults": [{"fault": "throttling"}]}, "faults[0].operation: required for fault"),
        ({"description": "x", "faults": [{"fault": "access_denied", "operation": "GetAccountSummary"}]},
         "faults[0].operation: expected service:Action"),
        ({"description": "x", "faults": [{"fault": "throttling", "operation": "iam:GetAcountSummary"}]},
         "iam has no operation GetAcountSummary; did you mean GetAccountSummary?"),
        ({"description": "x", "faults": [{"fault": "throttling", "operation": "nosuch:*"}]},
         "nosuch is not a service botocore knows"),
        ({"description": "x", "faults": [{"fault": "region_disabled", "region": "us-east-1"}]},
         "us-east-1 is enabled by default"),
        ({"description": "x", "faults": [{"fault": "credential_report_expired", "times": 0}]},
         "faults[0].times: expected a whole number"),
        ({"description": "x", "faults": [{"fault": "credential_report_expired", "region": "ap-east-1"}]},
         "unknown key(s) region for fault credential_report_expired"),
        ({"description": "x", "organization": {"role": "management", "trusted_access": ["iam.amazonaws.com"]}},
         "organization.trusted_access[0]: expected one of account.amazonaws.com"),
        ({"description": "x", "organization": {"role": "management", "scps": [{"kind": "deny-some"}]}},
         "organization.scps[0].kind: expected one of deny-root, deny-all"),
        ({"description": "x", "organization": {"role": "management", "scps": [{"targets": ["ou:Nope"]}]}},
         "organization.scps[0].targets[0]: unknown OU 'Nope'"),
        ({"description": "x", "organization": {"role": "management", "scps": [{"targets": ["account:ghost"]}]}},
         "organization.scps[0].targets[0]: unknown member account 'ghost'"),
        ({"description": "x", "organization": {"role": "management", "delegated_administrators": [
            {"account": "999999999999"}]}}, "unknown member account '999999999999'"),
        ({"description": "x", "organization": {"role": "management", "members": [
            {"id": "100000000001", "email": "a@example.com", "status": "GONE"}]}}, "expected one of ACTIVE"),
    ]
    for spec, message in cases:
        with pytest.raises(ScenarioError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                           .replace("]", r"\]")):
            emulator.load(spec)
    bad = tmp_path / "bad.yaml"
    bad.write_text("description: [unclosed\n")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        emulator.load(bad)
    good = tmp_path / "mine.yaml"
    good.write_text("extends: standalone\ndescription: mine\ncaller: root\n")
    acct = emulator.load(good)
    assert client(acct, "sts").get_caller_identity()["Arn"].endswith(":root")


# ============================================================================================ IAM root state


def test_virtual_mfa_devices_show_root_by_exact_arn(emulator):
    demo = emulator.load("demo")
    pages = client(demo, "iam").get_paginator("list_virtual_mfa_devices").paginate(AssignmentStatus="Assigned")
    devices = [d for page in pages for d in page["VirtualMFADevices"]]
    assert [(d["SerialNumber"], d["User"]["Arn"]) for d in devices] == [
        ("arn:aws:iam::123456789012:mfa/root-account-mfa-device", "arn:aws:iam::123456789012:root")]
    assert devices[0]["User"]["UserId"] == "123456789012" and isinstance(devices[0]["EnableDate"], datetime)

    hardened = emulator.load("hardened")
    iam = client(hardened, "iam")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")  # unassigned: filtered out
    pages = list(iam.get_paginator("list_virtual_mfa_devices").paginate(
        AssignmentStatus="Assigned", PaginationConfig={"PageSize": 1}))
    arns = [d["User"]["Arn"] for page in pages for d in page["VirtualMFADevices"]]
    assert arns == ["arn:aws:iam::123456789012:user/root-ops"]  # the trap: "root" in the name, not root
    assert len(pages) == 1 and not pages[-1]["IsTruncated"]


def _report(acct) -> tuple[list[dict[str, str]], datetime]:
    iam = client(acct, "iam")
    with pytest.raises(iam.exceptions.CredentialReportNotPresentException):
        iam.get_credential_report()
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    answer = iam.get_credential_report()
    assert answer["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer["Content"].decode())))
    return rows, answer["GeneratedTime"]


def test_credential_report_has_the_root_row_first(emulator):
    rows, generated = _report(emulator.load("demo"))
    assert abs(datetime.now(UTC) - generated) < timedelta(minutes=5)  # not moto's 2015 constant
    assert len(rows[0]) == 22
    root = rows[0]
    assert root["user"] == "<root_account>" and root["arn"] == "arn:aws:iam::123456789012:root"
    assert root["password_enabled"] == "true" and root["mfa_active"] == "true"
    used = datetime.fromisoformat(root["password_last_used"])
    assert 11 <= (datetime.now(UTC) - used).days <= 12
    assert root["access_key_1_active"] == "false"
    assert 199 <= (datetime.now(UTC) - datetime.fromisoformat(root["access_key_1_last_used_date"])).days
    assert root["access_key_2_active"] == "false" and root["access_key_2_last_used_date"] == "N/A"
    assert root["cert_1_active"] == root["cert_2_active"] == "false"
    assert root["password_next_rotation"] == "not_supported"

    rows, _ = _report(emulator.load("member-no-root-credentials"))
    root = rows[0]
    assert root["arn"] == "arn:aws:iam::210987654321:root" and root["password_enabled"] == "false"
    assert {root[k] for k in ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date",
                              "access_key_1_last_rotated")} == {"N/A"}

    rows, _ = _report(emulator.load("neglected"))
    assert rows[0]["access_key_1_active"] == rows[0]["access_key_2_active"] == rows[0]["cert_1_active"] == "true"


def test_credential_report_never_ready_knob(emulator):
    acct = emulator.load({"extends": "demo", "description": "timeout test",
                          "failures": {"credential_report_never_ready": True}})
    iam = client(acct, "iam")
    assert [iam.generate_credential_report()["State"] for _ in range(3)] == ["STARTED", "INPROGRESS", "INPROGRESS"]
    with pytest.raises(iam.exceptions.CredentialReportNotReadyException) as excinfo:
        iam.get_credential_report()
    assert code(excinfo) == "ReportInProgress"


def test_root_session_lists_the_roots_own_credentials(emulator):
    acct = emulator.load("organization")
    creds = client(acct, "sts").assume_root(TargetPrincipal="100000000004", TaskPolicyArn=AUDIT_POLICY)["Credentials"]
    iam = creds_session(creds).client("iam", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    assert [k["Status"] for k in iam.list_access_keys()["AccessKeyMetadata"]] == ["Active"]
    assert [d["SerialNumber"] for d in iam.list_mfa_devices()["MFADevices"]] == [
        "arn:aws:iam::100000000004:mfa/root-account-mfa-device"]
    assert iam.get_login_profile()["LoginProfile"]["PasswordResetRequired"] is False
    assert iam.list_signing_certificates()["Certificates"] == []


# ============================================================================================ organizations, STS


def test_list_organizations_features_by_role(emulator):
    iam = client(emulator.load("hardened"), "iam")
    features = iam.list_organizations_features()
    assert features["OrganizationId"].startswith("o-")
    assert sorted(features["EnabledFeatures"]) == ["RootCredentialsManagement", "RootSessions"]
    assert client(emulator.load("neglected"), "iam").list_organizations_features()["EnabledFeatures"] == []
    iam = client(emulator.load("member-no-root-credentials"), "iam")
    with pytest.raises(iam.exceptions.AccountNotManagementOrDelegatedAdministratorException):
        iam.list_organizations_features()
    iam = client(emulator.load("standalone"), "iam")
    with pytest.raises(iam.exceptions.OrganizationNotFoundException):
        iam.list_organizations_features()
    acct = emulator.load({"extends": "hardened", "description": "x",
                          "organization": {"features_error": "ServiceAccessNotEnabledException"}})
    iam = client(acct, "iam")
    with pytest.raises(iam.exceptions.ServiceAccessNotEnabledException):
        iam.list_organizations_features()


def test_organization_scenario_shape(emulator):
    acct = emulator.load("organization")
    orgs = client(acct, "organizations")
    description = orgs.describe_organization()["Organization"]
    assert description["MasterAccountEmail"] == "aws-root+mgmt@example.com"
    accounts = [a for p in orgs.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 5})
                for a in p["Accounts"]]
    assert len(accounts) == 21
    assert [a["Id"] for a in accounts if a["Status"] == "SUSPENDED"] == ["100000000017"]
    management = next(a for a in accounts if a["Id"] == "123456789012")
    assert management["Email"] == "aws-root+mgmt@example.com"
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    contents = {}
    for member in ("100000000001", "100000000008", "100000000014", "100000000019"):
        parent = orgs.list_parents(ChildId=member)["Parents"][0]
        policies = orgs.list_policies_for_target(TargetId=parent["Id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]
        denying = [orgs.describe_policy(PolicyId=p["Id"])["Policy"]["Content"] for p in policies
                   if p["Name"].startswith("DenyRoot")]
        contents[member] = (parent["Id"] == root_id, [json.loads(c) for c in denying])
    exempt = contents["100000000001"][1][0]["Statement"][0]["Condition"]
    assert exempt["Null"] == {"aws:AssumedRoot": "true"}
    assert "Null" not in contents["100000000008"][1][0]["Statement"][0]["Condition"]
    assert contents["100000000014"][1] == [] and contents["100000000019"] == (True, [])


def test_assume_role_fails_without_the_role_or_for_suspended_members(emulator):
    acct = emulator.load("organization")
    sts = client(acct, "sts")
    ok = sts.assume_role(RoleArn="arn:aws:iam::100000000001:role/OrganizationAccountAccessRole",
                         RoleSessionName="audit")["Credentials"]
    member = creds_session(ok).client("sts", endpoint_url=acct.endpoint_url)
    assert member.get_caller_identity()["Account"] == "100000000001"
    for target in ("100000000013", "100000000017"):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_role(RoleArn=f"arn:aws:iam::{target}:role/OrganizationAccountAccessRole",
                            RoleSessionName="audit")
        assert code(excinfo) == "AccessDenied"
        assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as excinfo:
        sts.assume_role(RoleArn="arn:aws:iam::100000000001:role/SomeOtherRole", RoleSessionName="audit")
    assert code(excinfo) == "AccessDenied"
    orgs = creds_session(ok).client("organizations", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    with pytest.raises(orgs.exceptions.AccessDeniedException):
        orgs.list_accounts()  # management-only, as in AWS
    assert orgs.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"


def test_assume_root_lands_in_the_member_and_is_fenced(emulator):
    acct = emulator.load("organization")
    sts = client(acct, "sts")
    creds = sts.assume_root(TargetPrincipal="100000000014", TaskPolicyArn=AUDIT_POLICY,
                            DurationSeconds=900)["Credentials"]
    assert creds["SessionToken"] and creds["Expiration"] > datetime.now(UTC)
    session = creds_session(creds)
    identity = session.client("sts", endpoint_url=acct.endpoint_url).get_caller_identity()
    assert identity["Account"] == "100000000014" and identity["Arn"] == "arn:aws:iam::100000000014:root"
    iam = session.client("iam", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["AccountPasswordPresent"] == 1 and summary["AccountMFAEnabled"] == 0  # sandbox-alice's posture
    # The forms the STS API reference allows: the root ARN for the account id, a 0-second session.
    creds = sts.assume_root(TargetPrincipal="arn:aws:iam::100000000008:root", TaskPolicyArn=AUDIT_POLICY,
                            DurationSeconds=0)["Credentials"]
    identity = creds_session(creds).client("sts", endpoint_url=acct.endpoint_url).get_caller_identity()
    assert identity["Arn"] == "arn:aws:iam::100000000008:root"
    for bad in ({"TargetPrincipal": "arn:aws-cn:iam::100000000008:root"}, {"DurationSeconds": 901},
                {"TaskPolicyArn": {"arn": "arn:aws-cn:iam::aws:policy/root-task/IAMAuditRootUserCredentials"}},
                {"TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/RootEverything"}}):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_root(**{"TargetPrincipal": "100000000008", "TaskPolicyArn": AUDIT_POLICY, **bad})
        assert code(excinfo) == "ValidationError", bad
    with pytest.raises(ClientError) as excinfo:
        iam.list_users()  # outside IAMAuditRootUserCredentials
    assert code(excinfo) == "AccessDenied"

    for target, why in (("100000000017", "suspended"), ("123456789012", "itself"), ("999999999999", "stranger")):
        with pytest.raises(ClientError) as excinfo:
            sts.assume_root(TargetPrincipal=target, TaskPolicyArn=AUDIT_POLICY)
        assert code(excinfo) == "AccessDenied", why
    with pytest.raises(ClientError) as excinfo:
        sts.assume_root(TargetPrincipal="100000000008", TaskPolicyArn={"arn": "arn:aws:iam::aws:policy/Admin"})
    assert code(excinfo) == "ValidationError"
    member_sts = session.client("sts", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    with pytest.raises(ClientError):
        member_sts.assume_root(TargetPrincipal="100000000001", TaskPolicyArn=AUDIT_POLICY)  # root session

    demo = emulator.load("demo")  # RootSessions not enabled
    with pytest.raises(ClientError) as excinfo:
        client(demo, "sts").assume_root(TargetPrincipal="111111111111", TaskPolicyArn=AUDIT_POLICY)
    assert code(excinfo) == "AccessDenied" and "RootSessions" in str(excinfo.value)
    root_caller = emulator.load({"extends": "hardened", "description": "x", "caller": "root"})
    with pytest.raises(ClientError) as excinfo:
        client(root_caller, "sts").assume_root(TargetPrincipal="111111111111", TaskPolicyArn=AUDIT_POLICY)
    assert code(excinfo) == "AccessDenied" and "root user credentials" in str(excinfo.value)


# ============================================================================================ account


def test_account_contacts_and_primary_email(emulator):
    demo = emulator.load("demo")
    account = client(demo, "account")
    contact = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert contact["EmailAddress"] == "security-ops@example.com"
    assert account.get_primary_email(AccountId="111111111111")["PrimaryEmail"] == "aws-root+prod@example.com"
    for target in ("123456789012", "999999999999"):
        with pytest.raises(account.exceptions.AccessDeniedException):
            account.get_primary_email(AccountId=target)
    info = account.get_contact_information()["ContactInformation"]
    assert {"FullName", "AddressLine1", "City", "PostalCode", "CountryCode", "PhoneNumber"} <= set(info)

    account = client(emulator.load("standalone"), "account")
    with pytest.raises(account.exceptions.ResourceNotFoundException):
        account.get_alternate_contact(AlternateContactType="SECURITY")
    account = client(emulator.load("member-no-root-credentials"), "account")
    with pytest.raises(account.exceptions.AccessDeniedException):
        account.get_primary_email(AccountId="210987654321")


# ============================================================================================ trails, alarms, rules


def test_cloudtrail_as_each_scenario_shows_it(emulator):
    member = emulator.load("member-no-root-credentials")
    for region in ("us-east-1", "us-west-2"):
        trails = client(member, "cloudtrail", region).describe_trails(includeShadowTrails=True)["trailList"]
        assert [(t["Name"], t["IsOrganizationTrail"], t["IsMultiRegionTrail"], t["HomeRegion"]) for t in trails] \
            == [("organization-trail", True, True, "us-east-1")]
        arn = trails[0]["TrailARN"]
        assert ":123456789012:" in arn and ":123456789012:" in trails[0]["CloudWatchLogsLogGroupArn"]
        assert client(member, "cloudtrail", region).get_trail_status(Name=arn)["IsLogging"] is True
        selectors = client(member, "cloudtrail", region).get_event_selectors(TrailName=arn)["EventSelectors"]
        assert selectors[0]["ReadWriteType"] == "All" and selectors[0]["IncludeManagementEvents"] is True

    neglected = emulator.load("neglected")
    ct = client(neglected, "cloudtrail")
    trails = {t["Name"]: t for t in ct.describe_trails(includeShadowTrails=True)["trailList"]}
    assert trails["legacy-us-east-1"]["IsMultiRegionTrail"] is False
    assert "CloudWatchLogsLogGroupArn" not in trails["legacy-us-east-1"]
    assert ct.get_trail_status(Name=trails["all-regions"]["TrailARN"])["IsLogging"] is False

    acct = emulator.load({"extends": "standalone", "description": "x", "cloudtrail": [
        {"name": "writes", "management_events": "WriteOnly", "log_group": "g"},
        {"name": "nothing", "management_events": "none"}]})
    ct = client(acct, "cloudtrail")
    got = {n: ct.get_event_selectors(TrailName=n)["EventSelectors"][0] for n in ("writes", "nothing")}
    assert got["writes"]["ReadWriteType"] == "WriteOnly" and got["nothing"]["IncludeManagementEvents"] is False


def test_root_usage_alarm_chain_and_pending_subscription(emulator):
    demo = emulator.load("demo")
    filters = client(demo, "logs").describe_metric_filters(logGroupName="aws-cloudtrail-logs-management")
    metric = filters["metricFilters"][0]["metricTransformations"][0]
    alarms = client(demo, "cloudwatch").describe_alarms()["MetricAlarms"]
    assert [(a["MetricName"], a["Namespace"]) for a in alarms] == [(metric["metricName"], metric["metricNamespace"])]
    subs = client(demo, "sns").list_subscriptions_by_topic(TopicArn=alarms[0]["AlarmActions"][0])["Subscriptions"]
    assert [s["SubscriptionArn"] for s in subs] == ["PendingConfirmation"]
    hardened = emulator.load("hardened")
    topic = client(hardened, "cloudwatch").describe_alarms()["MetricAlarms"][0]["AlarmActions"][0]
    subs = client(hardened, "sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subs[0]["SubscriptionArn"].startswith(topic + ":")


def test_describe_alarms_pages(emulator):
    acct = emulator.load("standalone")
    cw = client(acct, "cloudwatch")
    for i in range(4):
        cw.put_metric_alarm(AlarmName=f"extra-{i}", MetricName="m", Namespace="n", Statistic="Sum", Period=60,
                            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
    pages = list(cw.get_paginator("describe_alarms").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["MetricAlarms"]) for p in pages] == [2, 2, 1]


def test_eventbridge_rules_per_region(emulator):
    def rules(acct):
        out = {}
        for region in ("us-east-1", "us-east-2", "us-west-2"):
            events = client(acct, "events", region)
            for rule in events.list_rules(EventBusName="default")["Rules"]:
                out[region] = (rule["State"], json.loads(rule["EventPattern"]),
                               len(events.list_targets_by_rule(Rule=rule["Name"])["Targets"]))
        return out

    assert set(rules(emulator.load("demo"))) == {"us-east-1"}
    hardened = rules(emulator.load("hardened"))
    assert hardened["us-east-2"][1]["detail-type"] == ["AWS Console Signin via CloudTrail"]
    assert hardened["us-west-2"][1]["source"] == ["aws.signin"]
    assert rules(emulator.load("neglected"))["us-east-1"][0] == "DISABLED"
    assert rules(emulator.load("standalone"))["us-west-2"][2] == 0


# ============================================================================================ grafted tests


ROOT_EVENT = {"eventVersion": "1.08", "eventType": "AwsConsoleSignIn", "eventName": "ConsoleLogin",
              "userIdentity": {"type": "Root", "arn": "arn:aws:iam::123456789012:root",
                               "principalId": "123456789012"}}
USER_EVENT = {"eventType": "AwsApiCall", "eventName": "ListUsers",
              "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"}}
SERVICE_EVENT = {"eventType": "AwsServiceEvent", "eventName": "SharedSnapshotCopyInitiated",
                 "userIdentity": {"type": "Root", "invokedBy": "ec2.amazonaws.com"}}
ROOT_VIA_SERVICE = {"eventType": "AwsApiCall", "userIdentity": {"type": "Root", "invokedBy": "support.amazonaws.com"}}
CIS = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
EQUIVALENT = '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) }'


def test_test_metric_filter_graft(emulator):
    logs = client(emulator.load("standalone"), "logs")
    messages = [json.dumps(e) for e in (ROOT_EVENT, USER_EVENT, SERVICE_EVENT, ROOT_VIA_SERVICE)]
    for pattern in (CIS, EQUIVALENT):
        matches = logs.test_metric_filter(filterPattern=pattern, logEventMessages=messages)["matches"]
        assert [(m["eventNumber"], m["eventMessage"], m["extractedValues"]) for m in matches] == [
            (0, messages[0], {})]  # numbered from 0 as in the API reference's examples
    assert len(logs.test_metric_filter(filterPattern="", logEventMessages=messages)["matches"]) == 4
    with pytest.raises(logs.exceptions.InvalidParameterException):
        logs.test_metric_filter(filterPattern='{ $.userIdentity.type = "Root" ', logEventMessages=messages)


def test_test_event_pattern_graft(emulator):
    events = client(emulator.load("hardened"), "events")
    event = {"id": "1", "account": "123456789012", "source": "aws.signin", "time": "2026-01-01T00:00:00Z",
             "region": "us-east-1", "resources": [], "detail-type": "AWS Console Sign In via CloudTrail",
             "detail": {"eventName": "ConsoleLogin", "userIdentity": {"type": "Root"}}}
    pattern = events.list_rules()["Rules"][0]["EventPattern"]
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"] is True
    event["detail"]["userIdentity"]["type"] = "IAMUser"
    assert events.test_event_pattern(EventPattern=pattern, Event=json.dumps(event))["Result"] is False
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.test_event_pattern(EventPattern="{not json", Event=json.dumps(event))
    with pytest.raises(ClientError) as excinfo:
        events.test_event_pattern(EventPattern=pattern, Event='{"source": "aws.signin"}')
    assert code(excinfo) == "ValidationException"


# ============================================================================================ knobs


PROTOCOL_CASES = [  # operation, call, AccessDenied as the service sends it, Throttling likewise
    ("iam:GetAccountSummary", lambda a: client(a, "iam").get_account_summary(), "AccessDenied", "Throttling"),
    ("sts:GetCallerIdentity", lambda a: client(a, "sts").get_caller_identity(), "AccessDenied", "Throttling"),
    ("cloudtrail:DescribeTrails", lambda a: client(a, "cloudtrail").describe_trails(includeShadowTrails=True),
     "AccessDeniedException", "ThrottlingException"),
    ("logs:DescribeMetricFilters", lambda a: client(a, "logs").describe_metric_filters(),
     "AccessDeniedException", "ThrottlingException"),
    ("cloudwatch:DescribeAlarms", lambda a: client(a, "cloudwatch").describe_alarms(), "AccessDenied", "Throttling"),
    ("sns:ListTopics", lambda a: client(a, "sns").list_topics(), "AuthorizationError", "Throttled"),
    ("events:ListRules", lambda a: client(a, "events").list_rules(), "AccessDeniedException",
     "ThrottlingException"),
    ("account:GetAlternateContact",
     lambda a: client(a, "account").get_alternate_contact(AlternateContactType="SECURITY"),
     "AccessDeniedException", "TooManyRequestsException"),
    ("signin:GetResourcePolicy", lambda a: signin_client(a).get_resource_policy(), "AccessDeniedException",
     "TooManyRequestsError"),
    ("organizations:DescribeOrganization", lambda a: client(a, "organizations").describe_organization(),
     "AccessDeniedException", "TooManyRequestsException"),
]


def test_failure_knobs_speak_each_protocol(emulator):
    """query (IAM, STS, SNS), JSON (CloudTrail, Logs, Events, Organizations), CBOR (CloudWatch), REST (Account)."""
    acct = emulator.load("demo")
    for operation, call, access, throttle in PROTOCOL_CASES:
        emulator.clear_recorded()
        emulator.fail(operation, "AccessDenied", times=1)
        emulator.fail(operation, "Throttling", times=1)
        for want in (access, throttle):
            with pytest.raises(ClientError) as excinfo:
                call(acct)
            assert code(excinfo) == want, operation
        call(acct)  # both knobs used up
        assert emulator.recorded() == [operation] * 3


def test_failures_always_retries_and_clear(emulator, monkeypatch):
    from botocore.retries.standard import ExponentialBackoff

    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda self, context: 0)  # keep the test fast
    acct = emulator.load("demo")
    emulator.fail("iam:GetAccountSummary", "Throttling", times=1)
    retrying = acct.session().client("iam", endpoint_url=acct.endpoint_url,
                                     config=Config(retries={"mode": "standard", "max_attempts": 2}))
    assert retrying.get_account_summary()["ResponseMetadata"]["RetryAttempts"] == 1  # botocore saw throttling
    emulator.fail("iam:GetAccountSummary", "AccessDenied")
    for _ in range(3):
        with pytest.raises(ClientError):
            client(acct, "iam").get_account_summary()
    client(acct, "iam").list_users()  # other operations unaffected
    emulator.clear_failures()
    client(acct, "iam").get_account_summary()
    acct = emulator.load({"extends": "demo", "description": "x",
                          "failures": {"operations": [{"operation": "events:*", "code": "AccessDenied"}]}})
    with pytest.raises(ClientError):
        client(acct, "events", "us-west-2").list_rules()
    emulator.load("demo")
    client(acct, "events", "us-west-2").list_rules()  # load() cleared the scenario's failures


def test_fault_switch_at_run_time_and_per_account(emulator):
    acct = emulator.load("organization")
    emulator.fault("throttling", operation="iam:GetAccountSummary", account="100000000001", times=1)
    client(acct, "iam").get_account_summary()  # the management account is not the one named
    member = emulator.client("iam", account_id="100000000001")
    with pytest.raises(ClientError) as excinfo:
        member.get_account_summary()
    assert code(excinfo) == "Throttling"
    member.get_account_summary()  # times: 1
    with pytest.raises(ValueError, match="fault throttling: fault.operation: required"):
        emulator.fault("throttling")
    emulator.fault("access_denied", operation="organizations:ListAccounts")
    with pytest.raises(ClientError) as excinfo:
        client(acct, "organizations").list_accounts()
    assert code(excinfo) == "AccessDeniedException"
    emulator.clear_failures()
    client(acct, "organizations").list_accounts()


def test_recorder_names_service_and_action(emulator):
    acct = emulator.load("demo")
    client(acct, "cloudwatch").describe_alarms()
    client(acct, "account").get_alternate_contact(AlternateContactType="SECURITY")
    client(acct, "events", "us-east-2").list_rules()
    client(acct, "iam").generate_credential_report()
    assert emulator.recorded() == ["cloudwatch:DescribeAlarms", "account:GetAlternateContact", "events:ListRules",
                                   "iam:GenerateCredentialReport"]
    emulator.clear_recorded()
    assert emulator.recorded() == []


# ============================================================================================ scale, CLI


def test_build_org_of_500_members_is_fast(emulator):
    start = time.perf_counter()
    acct = emulator.load(build_org(500))
    elapsed = time.perf_counter() - start
    print(f"\nbuild_org(500): loaded in {elapsed:.2f} s")
    assert elapsed < 5
    orgs = client(acct, "organizations")
    accounts = [a for page in orgs.get_paginator("list_accounts").paginate() for a in page["Accounts"]]
    assert len(accounts) == 501 and len(acct.member_account_ids) == 500
    postures = {client(acct, "iam").get_account_summary()["SummaryMap"]["AccountMFAEnabled"]}
    assert postures == {1}
    sts = client(acct, "sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{acct.member_account_ids[1]}:role/OrganizationAccountAccessRole",
                            RoleSessionName="audit")["Credentials"]
    summary = creds_session(creds).client("iam", endpoint_url=acct.endpoint_url).get_account_summary()["SummaryMap"]
    assert summary["AccountPasswordPresent"] == 1 and summary["AccountMFAEnabled"] == 0  # password-no-mfa


def test_module_command_prints_exports_then_serves(monkeypatch, capsys):
    """``python -m rootaudit_emulator``, run in-process: Ctrl-C is simulated by the wait returning."""
    from rootaudit_emulator import __main__ as cli

    seen = {}

    def printed_then_ctrl_c():
        exports = dict(line.removeprefix("export ").split("=", 1) for line in capsys.readouterr().out.splitlines())
        sts = boto3.client("sts", endpoint_url=exports["AWS_ENDPOINT_URL"], region_name="us-east-1",
                           aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"])
        seen["exports"], seen["account"] = exports, sts.get_caller_identity()["Account"]
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_wait_for_ctrl_c", printed_then_ctrl_c)
    assert cli.main(["--scenario", "standalone"]) == 0
    assert seen["account"] == "123456789012"
    assert set(seen["exports"]) == {"AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                    "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EC2_METADATA_DISABLED"}
    assert cli.main(["--scenario", "no-such-scenario"]) == 2
    assert "no shipped scenario" in capsys.readouterr().err


# ============================================================================================ filter patterns


@pytest.mark.parametrize("pattern, wanted", [
    (CIS, [True, False, False, False]),
    (EQUIVALENT, [True, False, False, False]),
    ('{ $.userIdentity.type = "Root" }', [True, False, True, True]),
    ('{ $.userIdentity.type = Root && $.eventType != AwsServiceEvent }', [True, False, False, True]),
    ('{ $.userIdentity.type = "Ro*" || $.eventName = "List*" }', [True, True, True, True]),
    # a * between other characters is literal in CloudWatch Logs, so this is not a root filter on AWS either
    ('{ $.userIdentity.arn = "arn:aws:iam::*:root" }', [False, False, False, False]),
    ('{ $.userIdentity.arn = "*:root" }', [True, False, False, False]),
    ('{ $.userIdentity.invokedBy NOT EXISTS }', [True, True, False, False]),
])
def test_filter_pattern_on_cloudtrail_records(pattern, wanted):
    records = [json.dumps(e) for e in (ROOT_EVENT, USER_EVENT, SERVICE_EVENT, ROOT_VIA_SERVICE)]
    assert [fp.matches(pattern, r) for r in records] == wanted


def test_filter_pattern_json_operators():
    doc = json.dumps({"a": {"b": "xyz"}, "c": 1, "d": "z", "n": 5, "f": 2.5, "nul": None, "t": True,
                      "list": [{"id": "first"}, {"id": "second"}]})
    true = ['{ $.a.b = "x*" && ($.c NOT EXISTS || $.d != "y") }', "{ $.n >= 5 }", "{ $.n < 6 }", "{ $.f > 2 }",
            "{ $.n = 5 }", "{ $.n != 4 }", "{ $.nul IS NULL }", "{ $.t IS TRUE }", '{ $.list[1].id = "second" }',
            '{ $.a.b = %^x.z$% }', "{ ($.n <= 5) && (($.d = z) || ($.d = q)) }", "{ $.missing NOT EXISTS }"]
    false = ['{ $.a.b = "y*" }', "{ $.n > 5 }", "{ $.c NOT EXISTS }", "{ $.missing = 1 }",
             '{ $.missing != "x" }', "{ $.t IS FALSE }", "{ $.d IS NULL }", '{ $.list[5].id = "x" }']
    assert [p for p in true if not fp.matches(p, doc)] == []
    assert [p for p in false if fp.matches(p, doc)] == []
    assert not fp.matches('{ $.a = "x" }', "not json at all")
    assert fp.matches('{ $.a.b = "x\\*z" }', json.dumps({"a": {"b": "x*z"}}))
    assert not fp.matches('{ $.a.b = "x\\*z" }', json.dumps({"a": {"b": "xyz"}}))


def test_filter_pattern_terms_and_empty():
    lines = ["ERROR disk full", "ERROR Exiting now", "WARN slow", 'user said "hello world" twice']
    assert [m["eventNumber"] for m in fp.test_messages("", lines)] == [0, 1, 2, 3]
    assert [m["eventNumber"] for m in fp.test_messages("ERROR", lines)] == [0, 1]
    assert [m["eventNumber"] for m in fp.test_messages("ERROR -Exiting", lines)] == [0]
    assert [m["eventNumber"] for m in fp.test_messages("?WARN ?full", lines)] == [0, 2]
    assert [m["eventNumber"] for m in fp.test_messages('"hello world"', lines)] == [3]
    assert [m["eventNumber"] for m in fp.test_messages("ERROR disk", lines)] == [0]
    assert fp.test_messages("error", lines) == []  # case-sensitive, like CloudWatch Logs


def test_filter_pattern_space_delimited_extracts_values():
    line = '127.0.0.1 frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534'
    found = fp.test_messages("[ip, user, timestamp, request, status_code = 4*, bytes > 1000]", [line])
    assert found[0]["extractedValues"] == {"$ip": "127.0.0.1", "$user": "frank",
                                           "$timestamp": "10/Oct/2000:13:25:15 -0700",
                                           "$request": "GET /index.html HTTP/1.0", "$status_code": "404",
                                           "$bytes": "1534"}
    assert fp.test_messages("[ip, ..., status_code = 5*, bytes]", [line]) == []
    assert fp.matches("[..., status_code = 404, bytes]", line)


@pytest.mark.parametrize("pattern", [
    "{ $.a = }", '{ $.a "x" }', '{ $.a = "x" ', '{ $.a < "x" }', "{ ($.a = 1 }", "{ }", "{ $.a = 1 && }",
    "{ $.a IS MAYBE }", "{ a = 1 }", 'bad{term', '"unterminated', "[a, , b]",
])
def test_filter_pattern_rejects_invalid_syntax(pattern):
    with pytest.raises(fp.FilterPatternError):
        fp.compile_pattern(pattern)


# ============================================================================================ SCPs, delegated admins


def test_scps_take_effect_in_member_accounts_as_on_aws(emulator):
    """DenyRootStrict (no aws:AssumedRoot exception) denies AssumeRoot sessions; DenyRootExceptAssumedRoot spares
    them; DenyAll denies the member's access role; the management account is never restricted."""
    acct = emulator.load("organization-delegated-admin")
    mgmt = acct.client("sts")  # the delegated administrator for IAM may call AssumeRoot
    def root_iam(target):
        creds = mgmt.assume_root(TargetPrincipal=target, TaskPolicyArn=AUDIT_POLICY)["Credentials"]
        return creds_session(creds).client("iam", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    assert root_iam("100000000021").get_account_summary()["SummaryMap"]["AccountAccessKeysPresent"] == 1
    with pytest.raises(ClientError) as excinfo:
        root_iam("100000000023").get_account_summary()
    assert code(excinfo) == "AccessDenied" and "explicit deny in a service control policy" in str(excinfo.value)
    role = mgmt.assume_role(RoleArn="arn:aws:iam::100000000024:role/OrganizationAccountAccessRole",
                            RoleSessionName="audit")["Credentials"]
    quarantined = creds_session(role)
    with pytest.raises(ClientError) as excinfo:
        quarantined.client("iam", endpoint_url=acct.endpoint_url, config=NO_RETRY).get_account_summary()
    assert code(excinfo) == "AccessDenied"
    with pytest.raises(ClientError) as excinfo:
        quarantined.client("account", endpoint_url=acct.endpoint_url, config=NO_RETRY).get_alternate_contact(
            AlternateContactType="SECURITY")
    assert code(excinfo) == "AccessDeniedException"
    ident = quarantined.client("sts", endpoint_url=acct.endpoint_url, config=NO_RETRY).get_caller_identity()
    assert ident["Account"] == "100000000024"  # needs no permission: answered under a deny-all SCP too
    role = mgmt.assume_role(RoleArn="arn:aws:iam::100000000022:role/OrganizationAccountAccessRole",
                            RoleSessionName="audit")["Credentials"]  # DenyRootStrict does not touch roles
    assert creds_session(role).client("iam", endpoint_url=acct.endpoint_url).get_account_summary()["SummaryMap"]


def test_delegated_administrator_reads_the_organization(emulator):
    acct = emulator.load("organization-delegated-admin")
    orgs = acct.client("organizations")
    admins = orgs.list_delegated_administrators(ServicePrincipal="iam.amazonaws.com")["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == ["100000000019"]
    assert orgs.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"
    states = {a["Id"]: a["State"] for a in orgs.list_accounts()["Accounts"]}
    assert states["100000000025"] == "CLOSED" and states["100000000026"] == "SUSPENDED"
    features = acct.client("iam").list_organizations_features()
    assert sorted(features["EnabledFeatures"]) == ["RootCredentialsManagement", "RootSessions"]
    with pytest.raises(ClientError) as excinfo:  # AssumeRoot targets members only, never the management account
        acct.client("sts").assume_root(TargetPrincipal="123456789012", TaskPolicyArn=AUDIT_POLICY)
    assert code(excinfo) == "AccessDenied"
    # a member that is no delegated administrator is still refused
    role = acct.client("sts").assume_role(RoleArn="arn:aws:iam::100000000022:role/OrganizationAccountAccessRole",
                                          RoleSessionName="audit")["Credentials"]
    other = creds_session(role).client("organizations", endpoint_url=acct.endpoint_url, config=NO_RETRY)
    with pytest.raises(other.exceptions.AccessDeniedException):
        other.list_accounts()


def test_scps_never_restrict_the_management_account(emulator):
    """A deny-all SCP on the organization root stops every member principal, the management account not at all."""
    acct = emulator.load({"extends": "organization-delegated-admin", "description": "deny-all at the root",
                          "organization": {"scps": [{"name": "DenyAll", "kind": "deny-all", "targets": ["root"]}]}})
    with pytest.raises(ClientError) as excinfo:
        acct.client("iam").get_account_summary()  # the delegated administrator is a member
    assert code(excinfo) == "AccessDenied"
    from rootaudit_emulator.scenario import DUMMY_CREDENTIALS  # the management account's credentials in the emulator

    management = creds_session(DUMMY_CREDENTIALS)
    assert management.client("sts", endpoint_url=acct.endpoint_url).get_caller_identity()["Account"] == "123456789012"
    assert management.client("iam", endpoint_url=acct.endpoint_url).get_account_summary()["SummaryMap"]


# ============================================================================================ AWS Sign-In


def test_signin_clients_never_leave_loopback(emulator):
    """botocore 1.44.8's Sign-In rules resolve control-plane operations to signin.<region>.api.aws before they
    read endpoint_url; the product and the emulator pin the configured endpoint. This test fails if either the
    pin stops working or botocore starts honouring endpoint_url (then the pin can go)."""
    from rootaudit.evidence.sources.signin import pin_endpoint

    acct = emulator.load("standalone")
    seen = []

    class Stop(Exception):
        pass

    def capture(request, **_):
        seen.append(request.url)
        raise Stop

    raw = acct.session().client("signin", region_name="us-east-1", endpoint_url=acct.endpoint_url)
    raw.meta.events.register("before-send.signin", capture)
    with pytest.raises(Stop):
        raw.get_console_authorization_configuration()
    assert seen[-1].startswith("https://signin.us-east-1.api.aws/")  # what botocore does on its own
    with pytest.raises(Stop):
        pin_endpoint(raw).get_console_authorization_configuration()
    assert seen[-1] == f"{acct.endpoint_url}/get-console-authorization-configuration"


def test_signin_console_access_control_round_trip(emulator):
    acct = emulator.load("demo")
    api = signin_client(acct)
    assert api.get_console_authorization_configuration()["consoleAuthorizationEnabled"] is False  # AWS's default
    sid = api.put_resource_permission_statement(sourceIp="203.0.113.0/24", sourceVpc="vpc-0123456789abcdef0",
                                                requestedRegion="eu-west-1",
                                                excludedPrincipal=f"arn:aws:iam::{acct.account_id}:role/BreakGlass"
                                                )["statementId"]
    assert len(sid) == 64
    policy = api.get_resource_policy()["signinResourceBasedPolicy"]
    [statement] = policy["statement"]
    assert statement["effect"] == "Deny" and statement["action"] == ["signin:Authenticate"]
    assert statement["condition"]["NotIpAddressIfExists"] == {"aws:SourceIp": ["203.0.113.0/24"]}
    assert statement["condition"]["StringNotEqualsIfExists"] == {"aws:SourceVpc": ["vpc-0123456789abcdef0"]}
    assert api.list_resource_permission_statements()["permissionStatements"] == [
        {"sid": sid, "condition": statement["condition"]}]
    on = api.put_console_authorization_configuration()
    assert (on["consoleAuthorizationEnabled"], on["scope"], on["targetId"]) == (True, "ACCOUNT", acct.account_id)
    api.delete_resource_permission_statement(statementId=sid)
    assert api.get_resource_policy()["signinResourceBasedPolicy"]["statement"] == []
    with pytest.raises(ClientError) as excinfo:
        api.delete_resource_permission_statement(statementId=sid)
    assert code(excinfo) == "ResourceNotFoundException"
    api.delete_console_authorization_configuration()
    assert api.get_console_authorization_configuration()["consoleAuthorizationEnabled"] is False
    assert api.list_sessions()["items"] == []  # nothing documented to emulate: no sessions


@pytest.mark.parametrize("call, message", [
    (lambda api: api.put_resource_permission_statement(excludedPrincipal="arn:aws:iam::123456789012:role/X"),
     "at least one network"),
    (lambda api: api.put_resource_permission_statement(sourceVpc="vpc-0123456789abcdef0"), "requestedRegion"),
    (lambda api: api.get_console_authorization_configuration(targetId="not-an-id"), "targetId"),  # the model
    (lambda api: api.list_resource_permission_statements(maxResults=1000), "maxResults"),
])
def test_signin_requests_are_validated_against_the_model(emulator, call, message):
    acct = emulator.load("demo")
    api = signin_client(acct, parameter_validation=False)  # let bad input reach the emulator, as a raw request would
    with pytest.raises(ClientError) as excinfo:
        call(api)
    assert code(excinfo) == "ValidationException" and message in str(excinfo.value)


def test_signin_writes_only_in_us_east_1_and_targets_by_role(emulator):
    acct = emulator.load("organization")
    with pytest.raises(ClientError) as excinfo:
        signin_client(acct, "eu-west-1").put_console_authorization_configuration()
    assert code(excinfo) == "ValidationException"
    org_id = client(acct, "organizations").describe_organization()["Organization"]["Id"]
    org = signin_client(acct).get_console_authorization_configuration(targetId=org_id)
    assert (org["consoleAuthorizationEnabled"], org["scope"]) == (True, "ORGANIZATION")  # the scenario's switch
    member = emulator.load("member-no-root-credentials")
    with pytest.raises(ClientError) as excinfo:
        signin_client(member).get_console_authorization_configuration(targetId="123456789012")
    assert code(excinfo) == "AccessDeniedException"


def test_signin_scenarios_and_reset(emulator):
    acct = emulator.load({"extends": "demo", "description": "x", "signin": {
        "console_authorization": True, "statements": [{"source_ip": "198.51.100.0/24", "excluded_principal": "root"}],
        "policy": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["signin:Authenticate"],
                    "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]}})
    api = signin_client(acct)
    statements = api.get_resource_policy()["signinResourceBasedPolicy"]["statement"]
    assert [s["effect"] for s in statements] == ["Allow", "Deny"]
    root = f"arn:aws:iam::{acct.account_id}:root"
    assert statements[1]["condition"]["ArnNotEquals"] == {"signin:PrincipalArn": [root]}
    assert api.get_console_authorization_configuration()["consoleAuthorizationEnabled"] is True
    emulator.reset()
    acct = emulator.load("demo")
    api = signin_client(acct)
    assert api.get_resource_policy()["signinResourceBasedPolicy"]["statement"] == []
    assert api.get_console_authorization_configuration()["consoleAuthorizationEnabled"] is False


@pytest.mark.parametrize("spec, message", [
    ({"signin": {"statements": [{"excluded_principal": "root"}]}}, "signin.statements[0]: give at least one network"),
    ({"signin": {"console_authorization": "yes"}}, "signin.console_authorization: expected true or false"),
    ({"signin": {"on": True}}, "unknown key(s) on"),
    ({"organization": {"role": "management", "rcps": [{"signin_cidrs": ["203.0.113.0/24"], "targets": ["ou:Nope"]}]}},
     "unknown OU 'Nope'"),
    ({"organization": {"role": "management", "rcps": [{"targets": ["root"]}]}}, "signin_cidrs"),
])
def test_signin_scenario_validation_names_the_key(emulator, spec, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        emulator.load(dict(spec, description="x"))


def test_the_dispatch_cache_answers_as_moto_does():
    """dispatch_cache.Dispatcher remembers moto's backend for each host: the same answer, found once."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from rootaudit_emulator.dispatch_cache import Dispatcher

    ours, moto_s = Dispatcher(create_backend_app), DomainDispatcherApplication(create_backend_app)
    hosts = [None, "moto_api", "iam.amazonaws.com", "sts.us-east-1.amazonaws.com", "logs.eu-west-1.amazonaws.com",
             "organizations.us-east-1.amazonaws.com", "signin.us-east-1.amazonaws.com"]
    for host in hosts:
        assert ours.get_backend_for_host(host) == moto_s.get_backend_for_host(host), host
    assert set(ours._backend_by_host) == set(hosts)
    ours._backend_by_host["iam.amazonaws.com"] = "remembered"
    assert ours.get_backend_for_host("iam.amazonaws.com") == "remembered"  # not looked up again
