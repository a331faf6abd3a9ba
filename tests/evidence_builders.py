"""Evidence as the collector produces it, for pure evaluator tests."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT = "123456789012"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"


def summary(mfa=1, password=1, keys=0, certs=0):
    return {"AccountMFAEnabled": mfa, "AccountPasswordPresent": password, "AccountAccessKeysPresent": keys,
            "AccountSigningCertificatesPresent": certs, "via": "account credentials"}


def caller(arn="arn:aws:sts::123456789012:assumed-role/Audit/alice", account=ACCOUNT, partition="aws"):
    return {"account": account, "arn": arn, "user_id": "AROAEXAMPLE:alice", "partition": partition}


def days_ago(n):
    return (NOW - timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def report(password="no_information", key1="N/A", key2="N/A", generated="2026-11-01T11:00:00+00:00"):
    return {"generated_time": generated, "root": {
        "user": "<root_account>", "arn": ROOT_ARN, "password_enabled": "true", "password_last_used": password,
        "access_key_1_last_used_date": key1, "access_key_2_last_used_date": key2}}


def trail(name="main", multi=True, logging=True, read=True, write=True, log_group=None, org=False, error=None,
          unread=None, owner=ACCOUNT):
    t = {"name": name, "arn": f"arn:aws:cloudtrail:us-east-1:{owner}:trail/{name}", "home_region": "us-east-1",
         "multi_region": multi, "organization_trail": org, "log_group_arn": log_group, "owner_account": owner}
    if multi and unread:  # an organization trail of another account, as a member sees it
        t["unread"] = dict(unread)
        if "cloudtrail:GetTrailStatus" not in unread:
            t["is_logging"] = logging
        if "cloudtrail:GetEventSelectors" not in unread:
            t["management_events"] = {"read": read, "write": write}
    elif multi:
        if error:
            t["error"] = error
        else:
            t["is_logging"] = logging
            t["management_events"] = {"read": read, "write": write}
    return t


LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:cloudtrail:*"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:root-alerts"


def monitoring(matches_root=True, matches_non_root=False, alarm=True, confirmed=1, pending=0, cross_account=False):
    group = {"arn": LOG_GROUP, "name": "cloudtrail", "region": "us-east-1",
             "account": "999999999999" if cross_account else ACCOUNT}
    if cross_account:
        group["cross_account"] = True
        return {"log_groups": [group], "filters": [], "alarms": [], "topics": {}}
    filters = [{"log_group": "cloudtrail", "region": "us-east-1", "name": "root-usage", "pattern": "{...}",
                "metrics": [{"name": "RootUsage", "namespace": "CISBenchmark"}],
                "matched": ["root API call"] if matches_root else [],
                "matches_root": matches_root, "matches_non_root": matches_non_root}]
    alarms = [{"name": "root-usage", "region": "us-east-1", "metric": "RootUsage", "namespace": "CISBenchmark",
               "actions_enabled": True, "actions": [TOPIC]}] if alarm else []
    return {"log_groups": [group], "filters": filters, "alarms": alarms,
            "topics": {TOPIC: {"confirmed": confirmed, "pending": pending}} if alarm else {}}


def rule(name="root-signin", state="ENABLED", targets=1, matches=("AWS Console Sign In via CloudTrail",)):
    return {"name": name, "state": state, "matches": list(matches), "targets": targets,
            "fires": "AWS Console Sign In via CloudTrail" in matches}


def eventbridge(**regions):
    """A good rule in us-east-1, us-east-2 and us-west-2, unless a region is given (us_east_2={...})."""
    base = {r: {"rules": [rule()]} for r in ("us-east-1", "us-east-2", "us-west-2")}
    base.update({k.replace("_", "-"): v for k, v in regions.items()})
    return base


def scp(content, name="deny-root", target="ou-abcd-11111111"):
    import json

    return {"status": "ok", "policies": [{"id": "p-1", "name": name, "target": target,
                                          "content": content if isinstance(content, str) else json.dumps(content)}]}


DENY_ROOT = {"Version": "2012-10-17", "Statement": [{
    "Sid": "DenyRoot", "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, "Null": {"aws:AssumedRoot": "true"}}}]}
DENY_ROOT_NO_EXCEPTION = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}


# AWS Sign-In console access control (root-sign-in-restricted)
BREAK_GLASS = f"arn:aws:iam::{ACCOUNT}:role/BreakGlassConsole"


def signin_statement(cidrs=("203.0.113.0/24",), excluded=BREAK_GLASS, effect="Deny", principal=None, vpcs=()):
    """A Sign-In statement as botocore returns it (lower-case member names), in the Deny form the emulator stores."""
    condition = {}
    if cidrs:
        condition["NotIpAddressIfExists"] = {"aws:SourceIp": list(cidrs)}
    if vpcs:
        condition["StringNotEqualsIfExists"] = {"aws:SourceVpc": list(vpcs)}
    if excluded:
        condition["ArnNotEquals"] = {"signin:PrincipalArn": [excluded]}
    return {"effect": effect, "principal": principal or {"AWS": "*"}, "action": ["signin:Authenticate"],
            "resource": "*", "condition": condition}


def signin(enabled=True, statements=(), status="ok"):
    return {"status": status, "account": ACCOUNT, "authorization": {"enabled": enabled, "scope": "ACCOUNT",
                                                                    "target": ACCOUNT, "configured": True},
            "statements": list(statements)}


def root_rcp(cidrs=("203.0.113.0/24",)):
    import json

    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "RootSignInOnlyFromExpectedNetworks", "Effect": "Deny", "Principal": "*",
        "Action": "signin:Authenticate", "Resource": "*",
        "Condition": {"ArnLike": {"signin:PrincipalArn": "arn:aws:iam::*:root"},
                      "NotIpAddressIfExists": {"aws:SourceIp": list(cidrs)}}}]})


def rcps(content=None, org_enabled=True):
    policies = [] if content is None else [{"id": "p-rcp1", "name": "root-signin", "target": "r-abcd",
                                            "content": content}]
    return {"status": "ok", "policies": policies, "organization_authorization": {"enabled": org_enabled}}
