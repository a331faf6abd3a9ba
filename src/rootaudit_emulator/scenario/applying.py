"""Applying a validated scenario to moto: over HTTP where the API can hold the state, in-process otherwise."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import root_state as rs
from .. import signin
from .constants import DEFAULT_ACCOUNT, SIGNIN_DETAIL_TYPE
from .generated import generated_members


@dataclass
class Applied:
    """What ``apply`` built; server.py turns it into an EmulatedAccount."""

    account_id: str
    region: str
    credentials: dict[str, str]
    management_account_id: str | None
    member_ids: list[str] = field(default_factory=list)


ClientFactory = Callable[[str, str, str], Any]  # (service, account_id, region) -> boto3 client


def _posture_object(p: dict[str, Any] | None) -> rs.RootPosture:
    p = p or {}
    keys = [rs.RootKey(access_key_id=rs._random_key_id("AKIA"), active=k["active"],
                       last_used=rs.days_ago(k["last_used_days_ago"])) for k in p.get("access_keys", [])]
    return rs.RootPosture(
        password=p.get("password", False),
        password_last_used=rs.days_ago(p.get("password_last_used_days_ago")),
        mfa=list(p.get("mfa", [])),
        access_keys=keys,
        signing_certificates=p.get("signing_certificates", 0),
        created=rs.days_ago(p.get("created_days_ago", 1200)),
        report_password_enabled=p.get("report_password_enabled"),
    )


def deny_root_scp(assumed_root_exception: bool) -> str:
    """An SCP denying the root user everything; optionally sparing AssumeRoot sessions (aws:AssumedRoot)."""
    condition: dict[str, Any] = {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}
    if assumed_root_exception:
        condition["Null"] = {"aws:AssumedRoot": "true"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": condition}]})


DENY_ALL_SCP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}]})


def apply(spec: dict[str, Any], client: ClientFactory) -> Applied:
    """Create the scenario's state; moto must have just been reset."""
    audited, region = spec["account_id"], spec["region"]
    org = spec["organization"]
    management = org["management_account_id"] if org else None
    members: list[str] = []

    if org:
        members = _apply_organization(org, client, region, audited)
    rs.set_root_posture(audited, _posture_object(spec["root"]))
    _apply_iam(spec, client, audited, region)
    trail_groups = _apply_cloudtrail(spec, client, audited, management)
    _apply_alarm(spec, client, trail_groups)
    _apply_eventbridge(spec, client, audited)
    signin.apply_spec(spec["signin"], client, audited)
    for kind, contact in spec["alternate_contacts"].items():
        client("account", audited, region).put_alternate_contact(AlternateContactType=kind, **contact)
    if spec["contact_information"]:
        rs.set_contact_information(audited, spec["contact_information"])
    credentials = _credentials(spec, client, audited, management)
    return Applied(audited, region, credentials, management, members)


def _apply_organization(org: dict[str, Any], client: ClientFactory, region: str, audited: str) -> list[str]:
    management = org["management_account_id"]
    orgs = client("organizations", management, region)
    orgs.create_organization(FeatureSet=org["feature_set"])
    rs.set_management_email(management, org["management_email"])
    rs.set_org_features(management, org["features"], org["features_error"])
    for principal in org["trusted_access"]:
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    if org["management_root"] is not None and management != audited:
        rs.set_root_posture(management, _posture_object(org["management_root"]))
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    ou_ids = {name: orgs.create_organizational_unit(ParentId=root_id, Name=name)["OrganizationalUnit"]["Id"]
              for name in org["ous"]}
    members = list(org["members"])
    if org["generate_members"]:
        members += generated_members(org["generate_members"], org["ous"])
    for member in members:
        # In-process: fixed ids (CreateAccount picks random ones) and fast enough for 500 members.
        rs.add_org_member(management, member["id"], member["name"], member["email"],
                          parent_id=ou_ids.get(member["ou"]) if member["ou"] else root_id,
                          status=member["status"], role_name=org["access_role"] if member["access_role"] else None)
        if member["root"] is not None and member["id"] != audited:
            rs.set_root_posture(member["id"], _posture_object(member["root"]))
        if member["security_contact"] and member["id"] != audited:
            rs.put_alternate_contact(member["id"], "SECURITY", "Security Operations", "security-ops@example.com",
                                     "+15555550100", "Security team")
    for admin in org["delegated_administrators"]:
        for service in admin["services"]:
            orgs.enable_aws_service_access(ServicePrincipal=service)
            orgs.register_delegated_administrator(AccountId=admin["account"], ServicePrincipal=service)
    for member in members:
        if member.get("signin") and member["id"] != audited:
            signin.apply_spec(member["signin"], client, member["id"])
    # AWS refuses to attach a policy of a type not enabled at the root (AttachPolicy:
    # PolicyTypeNotEnabledException), and ListRoots shows the enabled types; moto attaches them regardless.
    for kind, policies in (("RESOURCE_CONTROL_POLICY", org["rcps"]), ("SERVICE_CONTROL_POLICY", org["scps"])):
        if policies:
            orgs.enable_policy_type(RootId=root_id, PolicyType=kind)
    for rcp in org["rcps"]:
        policy = orgs.create_policy(Name=rcp["name"], Type="RESOURCE_CONTROL_POLICY",
                                    Description="Root console sign-in only from expected networks",
                                    Content=signin.root_rcp(rcp["cidrs"]))
        for kind, ref in rcp["targets"]:
            target = root_id if kind == "root" else ou_ids[ref] if kind == "ou" else ref
            orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=target)
    if org["signin_authorization"]:
        org_id = orgs.describe_organization()["Organization"]["Id"]
        client("signin", management, signin.WRITE_REGION).put_console_authorization_configuration(targetId=org_id)
    for scp in org["scps"]:
        if scp["kind"] == "deny-all":
            description, content = "Deny every principal everything (a quarantined account)", DENY_ALL_SCP
        else:
            description = "Deny the root user" + (" (AssumeRoot sessions exempt)" if scp["assumed_root_exception"]
                                                   else "")
            content = deny_root_scp(scp["assumed_root_exception"])
        policy = orgs.create_policy(Name=scp["name"], Type="SERVICE_CONTROL_POLICY", Description=description,
                                    Content=content)
        policy_id = policy["Policy"]["PolicySummary"]["Id"]
        for kind, ref in scp["targets"]:
            target = root_id if kind == "root" else ou_ids[ref] if kind == "ou" else ref
            orgs.attach_policy(PolicyId=policy_id, TargetId=target)
    return [m["id"] for m in members]


def _apply_iam(spec: dict[str, Any], client: ClientFactory, audited: str, region: str) -> None:
    if spec["iam_users"]:
        iam = client("iam", audited, region)
        for user in spec["iam_users"]:
            iam.create_user(UserName=user["name"])
            if user["mfa"] == "virtual":
                serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user["name"])["VirtualMFADevice"][
                    "SerialNumber"]
                iam.enable_mfa_device(UserName=user["name"], SerialNumber=serial, AuthenticationCode1="123456",
                                      AuthenticationCode2="654321")
    inventory = spec["iam_inventory"]
    if inventory["users"] or inventory["roles"]:
        rs.add_iam_inventory(audited, inventory["users"], inventory["roles"])


def _apply_cloudtrail(spec: dict[str, Any], client: ClientFactory, audited: str,
                      management: str | None) -> dict[str, tuple[str, str, str]]:
    """Create the trails; returns trail name -> (owner account, region, log group name) for trails with one."""
    groups: dict[str, tuple[str, str, str]] = {}
    for trail in spec["cloudtrail"]:
        owner = management if trail["organization"] else audited
        region = trail["region"]
        bucket = f"cloudtrail-{owner}-{trail['name']}".lower()[:63]
        s3 = client("s3", owner, region)
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        params: dict[str, Any] = {"Name": trail["name"], "S3BucketName": bucket,
                                  "IsMultiRegionTrail": trail["multi_region"], "IncludeGlobalServiceEvents": True,
                                  "IsOrganizationTrail": trail["organization"], "EnableLogFileValidation": True}
        if trail["log_group"]:
            client("logs", owner, region).create_log_group(logGroupName=trail["log_group"])
            params["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:{region}:{owner}:log-group:{trail['log_group']}:*"
            params["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{owner}:role/CloudTrail_CloudWatchLogs_Role"
            groups[trail["name"]] = (owner, region, trail["log_group"])
        ct = client("cloudtrail", owner, region)
        ct.create_trail(**params)
        mode = trail["management_events"]
        ct.put_event_selectors(TrailName=trail["name"], EventSelectors=[{
            "ReadWriteType": "All" if mode == "none" else mode,
            "IncludeManagementEvents": mode != "none",
            "DataResources": [] if mode != "none" else [{"Type": "AWS::S3::Object",
                                                         "Values": [f"arn:aws:s3:::{bucket}/"]}],
        }])
        if trail["logging"]:
            ct.start_logging(Name=trail["name"])
        else:
            ct.stop_logging(Name=trail["name"])
    return groups


def _apply_alarm(spec: dict[str, Any], client: ClientFactory, groups: dict[str, tuple[str, str, str]]) -> None:
    alarm = spec["root_usage_alarm"]
    if not alarm:
        return
    owner, region, group = groups[alarm["trail"]]
    metric, namespace = "RootAccountUsage", "CISBenchmark"
    client("logs", owner, region).put_metric_filter(
        logGroupName=group, filterName="root-account-usage", filterPattern=alarm["filter_pattern"],
        metricTransformations=[{"metricName": metric, "metricNamespace": namespace, "metricValue": "1"}])
    if not alarm["alarm"]:
        return
    sns = client("sns", owner, region)
    topic = sns.create_topic(Name="root-usage-alerts")["TopicArn"]
    if alarm["subscription"] != "none":
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-ops@example.com")
    if alarm["subscription"] == "pending":
        rs.set_subscription_pending(owner, region, topic)
    client("cloudwatch", owner, region).put_metric_alarm(
        AlarmName="root-account-usage", MetricName=metric, Namespace=namespace, Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching", AlarmActions=[topic],
        AlarmDescription="Root user activity (CIS root usage)")


def signin_pattern(rule: dict[str, Any]) -> dict[str, Any]:
    if rule["pattern"] is not None:
        return rule["pattern"]
    if rule["source_event"]:
        pattern: dict[str, Any] = {"source": ["aws.signin"], "detail": {"eventName": ["ConsoleLogin"]}}
    else:
        pattern = {"detail-type": [rule["detail_type"] or SIGNIN_DETAIL_TYPE]}
    if rule["root_only"]:
        pattern.setdefault("detail", {})["userIdentity"] = {"type": ["Root"]}
    return pattern


def _apply_eventbridge(spec: dict[str, Any], client: ClientFactory, audited: str) -> None:
    topics: dict[str, str] = {}
    for rule in spec["eventbridge"]:
        events = client("events", audited, rule["region"])
        arn = events.put_rule(Name=rule["name"], EventPattern=json.dumps(signin_pattern(rule)), State=rule["state"],
                              Description="Alert on root user console sign-in")["RuleArn"]
        assert arn
        if rule["target"]:
            if rule["region"] not in topics:
                topics[rule["region"]] = client("sns", audited, rule["region"]).create_topic(
                    Name="root-signin-alerts")["TopicArn"]
            events.put_targets(Rule=rule["name"], Targets=[{"Id": "notify", "Arn": topics[rule["region"]]}])


def _credentials(spec: dict[str, Any], client: ClientFactory, audited: str, management: str | None) -> dict[str, str]:
    """Credentials that land in the audited account, as the scenario's caller."""
    org = spec["organization"]
    if spec["caller"] == "root":
        if audited == DEFAULT_ACCOUNT:
            rs.mark_caller_root(audited)
            return dict(DUMMY_CREDENTIALS)
        key = rs.mint_root_session(audited, None, prefix="AKIA")  # a root access key, unrestricted
        return {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key}
    if audited == DEFAULT_ACCOUNT:
        return dict(DUMMY_CREDENTIALS)
    if org and org["role"] == "member":
        # Like an auditor would: the management account assumes the organization's access role.
        sts = client("sts", management, spec["region"])
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{audited}:role/{org['access_role']}",
                                RoleSessionName="rootaudit")["Credentials"]
        return {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    # A standalone account other than moto's default: an IAM user's key, which moto maps to that account.
    iam = client("iam", audited, spec["region"])
    iam.create_user(UserName="rootaudit-auditor")
    key = iam.create_access_key(UserName="rootaudit-auditor")["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


# Keys moto does not know: it maps them to its default account 123456789012.
DUMMY_CREDENTIALS = {"AccessKeyId": "AKIAEXAMPLEEMULATED0", "SecretAccessKey": "emulated-secret-access-key"}
