"""The inputs that tell the code apart from the mutants that survived the review (audits/test-mutations.md).

Each case or test names the mutation it kills (C = checks, S = evidence sources, E = engine, O = org scan,
F = filter patterns, G = grafts). Evaluator cases are plain data, also used by tests/test_status_branches.py to
prove every verdict branch is reached; the rest run against the emulated account over HTTP.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from evidence_builders import (
    DENY_ROOT,
    DENY_ROOT_NO_EXCEPTION,
    LOG_GROUP,
    NOW,
    TOPIC,
    caller,
    days_ago,
    eventbridge,
    monitoring,
    report,
    root_rcp,
    rule,
    scp,
    signin,
    signin_statement,
    summary,
    trail,
)
from rootaudit import config as config_mod
from rootaudit.checks import BY_ID
from rootaudit.config import AuditConfig
from rootaudit.engine import scan
from rootaudit.findings import Status
from rootaudit_emulator import Emulator
from rootaudit_emulator.filter_pattern import matches

P, F, E, NA, M = Status.PASS, Status.FAIL, Status.ERROR, Status.NOT_APPLICABLE, Status.MANUAL
CFG = config_mod.load(Path(__file__).resolve().parents[1] / "handbook.yml")
GOOD_TRAIL = [trail(log_group=LOG_GROUP)]


@dataclass(frozen=True)
class Case:
    check_id: str
    evidence: dict[str, Any]
    expected: Status
    phrase: str  # the reason must contain it
    config: AuditConfig | None = None  # None: tests/test_evaluators.py's CFG
    kills: str = ""


def _alarm_disabled():
    mon = monitoring()
    mon["alarms"][0]["actions_enabled"] = False
    return mon


def _two_scps(first, second):
    both = scp(first, name="with-exception")
    both["policies"].append(copy.deepcopy(scp(second, name="without", target="r-root")["policies"][0]))
    return both


DENY_NOT_ROOT = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]}
UNANCHORED = AuditConfig(root_email_pattern=r"aws-root@example\.com")

EXTRA_CASES = [
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(
        monitoring(), topics={TOPIC: {"error": "sns:ListSubscriptionsByTopic: AuthorizationError"}})},
         M, "no topic it notifies could be confirmed"),
    # Branches added with the Sign-In check and the semantic SCP reading (each status branch has a case).
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                     "signin_rcps": {"status": "no-organization"}}, E, "org.root_signin.expected_cidrs",
         config=AuditConfig(org={"root_signin": {"expected_cidrs": ["not-a-range"]}})),
    Case("root-sign-in-restricted", {"signin_console": signin(enabled=False),
                                     "signin_rcps": {"status": "not-readable"}}, M, "only from the management account"),
    Case("root-sign-in-restricted", {"signin_console": dict(signin(), authorization={"enabled": None}),
                                     "signin_rcps": {"status": "no-organization"}}, E, "did not say"),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(cidrs=("192.0.2.0/24",))]),
                                     "signin_rcps": {"status": "no-organization"}}, F, "192.0.2.0/24", config=CFG),
    Case("org-scp-denies-root", {"scps": {"status": "consolidated-billing"}}, F, "consolidated billing"),
    Case("org-scp-denies-root", {"scps": scp({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}]})}, F, "no SCP denies every action"),
    Case("org-scp-denies-root", {"scps": scp({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"},
                      "NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}]})}, P, "depends on"),

    Case("root-no-signing-certificates", {"account_summary": None}, E, "AccountSigningCertificatesPresent",
         kills="C05"),
    Case("root-no-signing-certificates", {"account_summary": {}}, E, "AccountSigningCertificatesPresent", kills="C05"),
    Case("root-no-access-keys", {"account_summary": {}}, E, "AccountAccessKeysPresent"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": _alarm_disabled()}, F,
         "(actions disabled)", kills="C09"),
    Case("root-activity-alert", {"eventbridge": eventbridge(**{r: {"rules": [rule(
        state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")]} for r in ("us_east_1", "us_east_2", "us_west_2")})},
         P, "where CloudTrail records it", kills="C10"),
    Case("root-activity-alert", {"eventbridge": None}, E, "could not be read"),
    Case("security-contact-registered", {"security_contact": {}}, E, "nothing usable", kills="C12"),
    Case("security-contact-registered", {"security_contact": {"name": "x"}}, E, "nothing usable", kills="C12"),
    Case("root-email-distribution-list", {"root_email": {"email": "aws-root@example.com.attacker.test",
                                                         "role": "management"}}, F, "does not match",
         config=UNANCHORED, kills="C13"),
    Case("root-email-distribution-list", {"root_email": {"email": "aws-root@example.com", "role": "management"}}, P,
         "matches", config=UNANCHORED),
    Case("root-email-distribution-list", {"root_email": {"email": "a@example.com", "role": "management"}}, M,
         "set org.root_email_pattern", config=AuditConfig()),
    Case("root-email-distribution-list", {"root_email": {"email": "a@example.com", "role": "management"}}, E,
         "not a valid regular expression", config=AuditConfig(root_email_pattern="(")),
    Case("root-email-distribution-list", {"root_email": {"email": None, "role": "standalone"}}, M,
         "confirm it matches your distribution-list pattern", config=AuditConfig()),
    Case("root-email-distribution-list", {"root_email": {"email": True, "role": "management"}}, E,
         "could not be determined"),
    Case("org-central-root-access", {"org_features": {"status": "not-all-features"}}, F, "all-features", kills="C14"),
    Case("org-central-root-access", {"org_features": {"status": "ok", "enabled": []}}, F,
         "missing RootCredentialsManagement and RootSessions (enabled: none)"),
    Case("org-central-root-access", {"org_features": {"status": "ok", "enabled": ["RootSessions", "Other"]}}, F,
         "missing RootCredentialsManagement (enabled: RootSessions, Other)"),
    Case("root-email-distribution-list", {"root_email": {"email": "aws-root+dev@example.com", "role": "member",
                                                         "from": "organizations:ListAccounts"}}, P,
         "(from organizations:ListAccounts)"),
    Case("org-scp-denies-root", {"scps": scp(DENY_NOT_ROOT)}, F, "no SCP", kills="C15"),
    Case("org-scp-denies-root", {"scps": scp({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                                             "Condition": {"StringNotLike": {
                                                                 "aws:PrincipalArn": ["arn:aws:iam::*:root"]}}}]})},
         F, "no SCP", kills="C15"),
    Case("root-mfa-enabled", {"account_summary": summary(mfa=0, password=0, keys=0, certs=1)}, F,
         "signing certificates", kills="C16"),
    Case("root-hardware-mfa", {"account_summary": summary(mfa=0, password=0, keys=0, certs=1), "caller": caller(),
                               "virtual_mfa": []}, F, "no MFA at all", kills="C16"),
    Case("root-hardware-mfa", {"account_summary": {}, "caller": caller(), "virtual_mfa": []}, E, "AccountMFAEnabled"),
    # Any root denial without the aws:AssumedRoot exception blocks root sessions: an explicit Deny in any SCP wins.
    Case("org-scp-denies-root", {"scps": _two_scps(DENY_ROOT, DENY_ROOT_NO_EXCEPTION)}, P, "WARNING", kills="C17"),
    Case("org-scp-denies-root", {"scps": _two_scps(DENY_ROOT, DENY_ROOT)}, P, "with an aws:AssumedRoot exception"),
    Case("root-not-recently-used", {"credential_report": None}, E, "could not be read"),
    Case("root-not-recently-used", {"credential_report": {"generated_time": "g", "root": {
        "password_last_used": days_ago(1)}}}, F, "root was used 1 day ago (password_last_used)"),
    Case("root-not-recently-used", {"credential_report": report(password="", key1=days_ago(2))}, F,
         "root was used 2 days ago (access_key_1_last_used_date)"),
    Case("root-not-recently-used", {"credential_report": {"generated_time": "g", "root": {}}}, P,
         "password_last_used N/A; access_key_1_last_used_date N/A; access_key_2_last_used_date N/A"),
    Case("caller-not-root", {"caller": {"arn": ""}}, E, "no caller ARN"),
    Case("caller-not-root", {"caller": caller(arn="arn:aws:sts::123456789012:root")}, P, "not as root"),
    Case("caller-not-root", {"caller": caller(arn="x:root")}, P, "not as root"),
    Case("security-contact-registered", {"security_contact": {"set": True}}, P, "(no name) <no email>"),
    Case("security-contact-registered", {"security_contact": {"set": True, "name": "SecOps"}}, P, "SecOps <no email>"),
    Case("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": None, "virtual_mfa": []}, P, "no virtual"),
    Case("root-hardware-mfa", {"account_summary": summary(mfa=1), "caller": {"account": "123456789012"},
                               "virtual_mfa": [{"serial": "a", "user_arn": "arn:aws:iam::123456789012:root"},
                                               {"serial": "b", "user_arn": "arn:aws:iam::123456789012:root"}]},
         F, "assigned to root (a, b)"),  # no partition reported: the commercial one
    Case("root-mfa-enabled", {"account_summary": summary(mfa=0, password=None, keys=0, certs=0)}, F,
         "did not report AccountPasswordPresent"),
    Case("root-mfa-enabled", {"account_summary": summary(mfa=0, password=1, keys=1, certs=0)}, F,
         "has password, access keys"),
    Case("cloudtrail-multi-region", {"trails": None}, E, "no trail list"),
]

# Found by the mutmut run of 2026-11-30: reason texts and evidence shapes no case reached (their exact verdicts are
# in tests/golden/verdicts.json through tests/test_reasons.py).
_RESTRICT = {"Effect": "Deny", "Principal": "*", "Action": "signin:Authenticate", "Resource": "*",
             "Condition": {"ArnLike": {"signin:PrincipalArn": "arn:aws:iam::*:root"},
                           "NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}}
_EXCLUDES_ROOT = {"Effect": "Deny", "Principal": "*", "Action": "signin:Authenticate", "Resource": "*",
                  "Condition": {"ArnNotLike": {"signin:PrincipalArn": "arn:aws:iam::*:root"},
                                "NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24"]}}}


def _rcp(content, **extra):
    """An RCP without a name (its id is shown), as organizations:DescribePolicy may return it."""
    if not isinstance(content, str):
        content = json.dumps({"Version": "2012-10-17", "Statement": content})
    return dict({"id": "p-rcp2", "target": "ou-abcd-11111111", "content": content}, **extra)


def _with_rcps(*policies):
    return {"signin_console": signin(), "signin_rcps": {"status": "ok", "policies": list(policies),
                                                        "organization_authorization": {"enabled": True}}}


def _two_exclusions():
    st = signin_statement(cidrs=("203.0.113.0/24", "198.51.100.0/24"))
    st["condition"]["ArnNotEquals"]["signin:PrincipalArn"].append("arn:aws:iam::123456789012:role/Second")
    return st


def _pinned(arn):
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                                    "Condition": {"ArnLike": {"aws:PrincipalArn": arn}}}]}


def _root_type():
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                                                    "Condition": {"StringEquals": {"aws:PrincipalType": "Root"}}}]}


def _alarm(enabled=True, actions=(TOPIC,)):
    mon = monitoring()
    mon["alarms"][0].update(actions_enabled=enabled, actions=list(actions))
    return mon


OTHER_TOPIC = "arn:aws:sns:us-east-1:123456789012:nobody-listens"
LOG_GROUP2 = "arn:aws:logs:us-east-1:123456789012:log-group:second:*"
FOREIGN = "999999999999"

EXTRA_CASES += [
    Case("root-sign-in-restricted", _with_rcps(_rcp([_RESTRICT])), P, "RCP 'p-rcp2' on ou-abcd-11111111"),
    Case("root-sign-in-restricted", _with_rcps(_rcp(json.dumps({"Statement": _RESTRICT}))), P,
         "only from 203.0.113.0/24, 198.51.100.0/24"),  # one statement, not in a list
    Case("root-sign-in-restricted", _with_rcps("not a policy", _rcp([_RESTRICT])), P, "RCP 'p-rcp2'"),
    Case("root-sign-in-restricted", _with_rcps(_rcp("{not json", name="broken"), _rcp([_RESTRICT])), P,
         "RCP 'p-rcp2'"),
    Case("root-sign-in-restricted", _with_rcps(_rcp([_RESTRICT]), _rcp("")), P, "RCP 'p-rcp2'"),
    Case("root-sign-in-restricted", _with_rcps(_rcp([_EXCLUDES_ROOT]), _rcp("")), F, "excludes root itself"),
    Case("root-sign-in-restricted", _with_rcps(_rcp(""), _rcp("{not json", name="broken")), F,
         "(RCP 'broken' on ou-abcd-11111111 could not be parsed)"),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(cidrs=())]),
                                     "signin_rcps": {"status": "no-organization"}}, P, "from nowhere"),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[_two_exclusions()]),
                                     "signin_rcps": {"status": "no-organization"}}, P,
         "excluded: arn:aws:iam::123456789012:role/BreakGlassConsole, arn:aws:iam::123456789012:role/Second"),
    Case("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": [
        rule(name="one-word", matches=("AWS Console Signin via CloudTrail",)),
        {"name": "no-fires-key", "state": "ENABLED", "targets": 1, "matches": ["AWS Console Signin via CloudTrail"]},
        rule(name="off", state="DISABLED"),
        {"name": "off-no-fires-key", "state": "DISABLED", "targets": 1,
         "matches": ["AWS Console Sign In via CloudTrail"]},
        rule(name="lonely", targets=0)]})}, F, "rule lonely matches but has no target"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(
        _alarm(enabled=False), topics={TOPIC: {"error": "AuthorizationError"}})}, F, "could not be read"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(
        _alarm(actions=(TOPIC, OTHER_TOPIC)), topics={TOPIC: {"confirmed": 0, "pending": 2}})}, F,
         f"{OTHER_TOPIC} has 0 confirmed and 0 pending"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(
        _alarm(actions=(TOPIC, OTHER_TOPIC)), topics={TOPIC: {}, OTHER_TOPIC: "not a record"})}, F,
         "0 confirmed"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": _alarm(actions=())}, F,
         "no SNS action"),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                     "signin_rcps": {"status": "no-organization"}}, E,
         "handbook.yml: org.root_signin must be a mapping", config=AuditConfig(org={"root_signin": ["x"]})),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                     "signin_rcps": {"status": "no-organization"}}, E,
         "org.root_signin.expected_vpcs must be a list of strings",
         config=AuditConfig(org={"root_signin": {"expected_vpcs": [1]}})),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                     "signin_rcps": {"status": "no-organization"}}, E,
         "org.root_signin.expected_vpcs must be a list of strings",
         config=AuditConfig(org={"root_signin": {"expected_vpcs": "vpc-1"}})),
    # a range written with its host bits set (203.0.113.5/24) is read as the network it falls in (strict=False)
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement()]),
                                     "signin_rcps": {"status": "no-organization"}}, P, "only from 203.0.113.0/24",
         config=AuditConfig(org={"root_signin": {"expected_cidrs": ["203.0.113.5/24"]}})),
    Case("cloudtrail-multi-region", {"trails": [
        trail(name="reads", write=False), trail(name="writes", read=False), trail(name="none", read=False, write=False),
        trail(name="stopped", logging=False), trail(name="single", multi=False)]}, F,
         "reads: records only read management events; writes: records only write management events; none: records "
         "no management events; stopped: not logging; single: single-region"),
    # a member sees the organization trail's selectors but not its status: known short is FAIL, complete is MANUAL
    Case("cloudtrail-multi-region", {"trails": [trail(org=True, owner=FOREIGN, write=False, unread={
        "cloudtrail:GetTrailStatus": "denied"})]}, F, "no trail is multi-region, logging and recording"),
    Case("cloudtrail-multi-region", {"trails": [trail(org=True, owner=FOREIGN, unread={
        "cloudtrail:GetTrailStatus": "denied"})]}, M, "could not read all of its settings"),
    Case("cloudtrail-multi-region", {"trails": [dict(trail(), unread={"cloudtrail:GetTrailStatus": "denied"},
                                                     is_logging=False)]}, F, "not logging"),  # not an org trail
    # an unreadable status is no reason for MANUAL unless it is an organization trail, nor for "not logging"
    Case("cloudtrail-multi-region", {"trails": [trail(unread={"cloudtrail:GetTrailStatus": "denied"})]}, E,
         "(main: logging status unknown: denied)"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(_alarm(), alarms=[
        {k: v for k, v in _alarm()["alarms"][0].items() if k != "actions_enabled"}])}, P, "1 confirmed"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(_alarm(), alarms=[
        {k: v for k, v in _alarm()["alarms"][0].items() if k != "actions_enabled"}], topics={TOPIC: {"confirmed": 0}})},
         F, "0 confirmed and 0 pending subscription(s)"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(_alarm(), alarms=[
        dict(_alarm()["alarms"][0], name="one"), dict(_alarm()["alarms"][0], name="two", actions=[OTHER_TOPIC])],
        topics={TOPIC: {"error": "denied"}, OTHER_TOPIC: {"error": "gone"}})}, M,
         f"alarm 'one' -> {TOPIC}: denied; alarm 'two' -> {OTHER_TOPIC}: gone"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(_alarm(), alarms=[
        dict(_alarm()["alarms"][0], name="one"), dict(_alarm()["alarms"][0], name="two", actions=[OTHER_TOPIC])],
        topics={TOPIC: {"confirmed": 0, "pending": 1}})}, F, "pending subscription(s); alarm 'two': "),
    Case("root-activity-alert", {"eventbridge": {"us-east-2": {"rules": [rule()]}}}, E, "us-east-1: not collected"),
    Case("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": [
        {"name": "older-record", "state": "ENABLED", "targets": 1,
         "matches": ["AWS Console Sign In via CloudTrail"]}]})},
         P, "us-east-1: older-record"),  # a rule record without "fires": judged by what it matches
    Case("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"error": "throttled", "rules": [rule()]})}, E,
         "us-east-1: throttled"),  # a region that failed part-way is unreadable, whatever it listed
    Case("cloudtrail-multi-region", {"trails": [trail(name="a"), trail(name="b", org=True)]}, P,
         "management events: a, b (organization trail)"),
    # the SCP reading needs this account's id, partition and organization id (a Deny pinned to them)
    Case("org-scp-denies-root", {"scps": dict(scp(_pinned("arn:aws:iam::111111111111:root")),
                                              account_id="111111111111")}, P, "denies root every action"),
    Case("org-scp-denies-root", {"scps": dict(scp(_pinned("arn:aws-cn:iam::111111111111:root")),
                                              account_id="111111111111", partition="aws-cn")}, P, "every action"),
    Case("org-scp-denies-root", {"scps": dict(scp(dict(_pinned("arn:aws:iam::*:root"), Statement=[dict(
        _pinned("arn:aws:iam::*:root")["Statement"][0], Condition={
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"},
            "StringEquals": {"aws:PrincipalOrgID": "o-abc"}})])),
        account_id="111111111111", org_id="o-abc")}, P, "every action"),
    Case("org-scp-denies-root", {"scps": dict(scp(DENY_ROOT), policies=[
        "not a policy", {"id": "p-7", "target": "r-root", "content": json.dumps(DENY_ROOT)}])}, P,
         "SCP 'p-7' attached to r-root"),  # no name: its id
    # aws:PrincipalType is "Account" for the root user: an SCP that tests for "Root" denies nothing to root
    Case("org-scp-denies-root", {"scps": dict(scp(_root_type()), policies=[
        dict(scp(_root_type(), name="by-type-1")["policies"][0]),
        dict(scp(_root_type(), name="by-type-2")["policies"][0]),
        {"id": "p-8", "name": "broken-1", "target": "r-root", "content": "{not json"},
        {"id": "p-9", "name": "broken-2", "target": "r-root", "content": "[1, 2"}])}, F,
         "(broken-1, broken-2 could not be parsed); by-type-1, by-type-2 tests aws:PrincipalType for \"Root\", which "
         "AWS never sends: the root user's principal type is \"Account\""),
    Case("org-scp-denies-root", {"scps": dict(scp(DENY_ROOT), policies=[
        {"id": "p-8", "name": "broken", "target": "r-root", "content": "{not json"},
        {"id": "p-7", "name": "good", "target": "r-root", "content": json.dumps(DENY_ROOT)}])}, P,
         "SCP 'good' attached to r-root"),  # an unreadable SCP does not hide the next one
    # two of everything in root-usage-alarm's reasons: every list is complete and separated
    Case("root-usage-alarm", {"trails": [trail(name="t1", error="throttled", log_group=LOG_GROUP),
                                         trail(name="t2", error="denied", log_group=LOG_GROUP2)],
                              "root_usage_monitoring": monitoring()}, E, "t1: throttled; t2: denied"),
    Case("root-usage-alarm", {"trails": [trail(name="t1", log_group=LOG_GROUP), trail(name="t2", log_group=LOG_GROUP2)],
                              "root_usage_monitoring": {"log_groups": [
                                  dict(monitoring()["log_groups"][0], missing=True),
                                  dict(monitoring()["log_groups"][0], arn=LOG_GROUP2, name="second", missing=True)],
                                  "filters": [], "alarms": []}},
         F, f"does not exist: {LOG_GROUP}, {LOG_GROUP2}"),
    Case("root-usage-alarm", {"trails": [trail(name="t1", log_group=LOG_GROUP), trail(name="t2", log_group=LOG_GROUP2)],
                              "root_usage_monitoring": {"log_groups": [
                                  dict(monitoring(cross_account=True)["log_groups"][0]),
                                  dict(monitoring(cross_account=True)["log_groups"][0], arn=LOG_GROUP2)],
                                  "filters": [], "alarms": []}},
         M, f"{LOG_GROUP} (account 999999999999), {LOG_GROUP2} (account 999999999999)"),
    Case("root-usage-alarm", {"trails": [trail(name="t1", log_group=LOG_GROUP), trail(name="t2", log_group=LOG_GROUP2)],
                              "root_usage_monitoring": dict(monitoring(), log_groups=[
                                  monitoring()["log_groups"][0], dict(monitoring()["log_groups"][0], arn=LOG_GROUP2,
                                                                      name="second")], filters=[
                                  dict(monitoring()["filters"][0], name="both", matches_non_root=True,
                                       matched=["root API call", "IAM user API call"]),
                                  dict(monitoring()["filters"][0], name="none", log_group="second", matches_root=False,
                                       matched=[])])}, F,
         "no metric filter on cloudtrail, second matches root use and only root use ('both' matches root API call, "
         "IAM user API call; 'none' matches none of the samples)"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(monitoring(), alarms=[], filters=[
        dict(monitoring()["filters"][0], metrics=[{"name": "RootUsage", "namespace": "CISBenchmark"},
                                                  {"name": "Root2", "namespace": "Other"}])])}, F,
         "(Other/Root2, CISBenchmark/RootUsage)"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": dict(monitoring(), filters=[])}, F,
         "(there are no metric filters)"),
    # more than one sign-in region: every list in the reason is complete
    Case("root-activity-alert", {"eventbridge": eventbridge(), "caller": caller()}, P,
         "Also checked (not required): us-east-2: covered: root-signin",
         config=AuditConfig(signin_regions=("us-east-1", "us-east-2", "us-west-2"))),
    Case("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"rules": []}, us_east_2={"rules": []},
                                                            us_west_2={"error": "denied"}), "caller": caller()}, F,
         "not alerted in us-east-1, us-east-2", config=AuditConfig(
             signin_regions=("us-east-1", "us-east-2", "us-west-2", "eu-west-1"), require_all_signin_regions=True)),
    Case("root-activity-alert", {"eventbridge": eventbridge(us_east_1={"error": "denied"}, us_east_2={"error": "gone"}),
                                 "caller": caller()}, E, "us-east-1: denied; us-east-2: gone",
         config=AuditConfig(signin_regions=("us-east-1", "us-east-2"), require_all_signin_regions=True)),
    Case("root-activity-alert", {"eventbridge": eventbridge(), "caller": caller()}, P,
         "us-east-1: root-signin (matches 'AWS Console Sign In via CloudTrail'); us-east-2: root-signin",
         config=AuditConfig(signin_regions=("us-east-1", "us-east-2"), require_all_signin_regions=True)),
    Case("root-activity-alert", {"eventbridge": eventbridge(), "caller": dict(caller(), partition=123)}, P,
         "us-east-1: root-signin"),  # a malformed partition is judged as the commercial one
    Case("root-activity-alert", {"eventbridge": {}, "caller": caller(partition="aws-cn")}, M,
         "configured: us-east-1, us-east-2", config=AuditConfig(signin_regions=("us-east-1", "us-east-2"))),
    Case("root-activity-alert", {"eventbridge": {"cn-north-1": {"rules": [rule()]}}, "caller": caller(
        partition="aws-cn")}, P, "cn-north-1: root-signin",
        config=AuditConfig(signin_regions=("us-east-1", "cn-north-1"))),
    Case("cloudtrail-multi-region", {"trails": [trail(org=True, owner=FOREIGN, unread={
        "cloudtrail:GetTrailStatus": "denied", "cloudtrail:GetEventSelectors": "refused"})]}, M,
         "(cloudtrail:GetTrailStatus: denied; cloudtrail:GetEventSelectors: refused)"),
]


@pytest.mark.parametrize("case", EXTRA_CASES, ids=lambda c: f"{c.check_id}-{c.expected.value}-{c.kills or 'branch'}")
def test_extra_case(case):
    verdict = BY_ID[case.check_id].evaluate(dict(case.evidence, now=NOW), case.config or CFG)
    assert verdict.status is case.expected, verdict.reason
    assert case.phrase in verdict.reason


def test_c17_warning_names_the_blocking_policy():
    verdict = BY_ID["org-scp-denies-root"].evaluate(
        {"scps": _two_scps(DENY_ROOT, DENY_ROOT_NO_EXCEPTION), "now": NOW}, CFG)
    assert "SCP 'without' attached to r-root" in verdict.reason


def test_c06_c07_recent_use_reads_the_report():
    """The 90-day boundary itself is in tests/test_boundaries.py; here the default config on a real-looking row."""
    used = report(password="2026-08-03T12:00:00+00:00")  # exactly 90 days before NOW
    assert BY_ID["root-not-recently-used"].evaluate({"credential_report": used, "now": NOW}, AuditConfig()).status is P


# ----------------------------------------------------------------------------- evidence sources (emulator)


def _statuses(report_):
    return {f.check_id: f.status for f in report_.findings}


@pytest.mark.parametrize("code,expected,phrase", [
    ("ServiceAccessNotEnabledException", F, "trusted access"),  # S03
    ("OrganizationNotInAllFeaturesModeException", F, "all-features"),
    ("AccountNotManagementOrDelegatedAdministratorException", NA, "management or IAM delegated"),
    ("OrganizationNotFoundException", NA, "not in an"),
    ("AccessDenied", E, "access denied to iam:ListOrganizationsFeatures"),
])
def test_s03_each_features_error_has_its_verdict(load, emulator, code, expected, phrase):
    account = load("hardened")
    emulator.fail("iam:ListOrganizationsFeatures", code=code)
    finding = scan(session=account.session(), config=CFG, check_ids=["org-central-root-access"]).findings[0]
    assert finding.status is expected and phrase in finding.reason, finding.reason


def test_s03_features_error_knob_from_the_scenario(emulator, monkeypatch):
    account = emulator.load({"extends": "hardened", "description": "trusted access off",
                             "organization": {"features_error": "ServiceAccessNotEnabledException"}})
    try:
        for k, v in account.env().items():
            monkeypatch.setenv(k, v)
        finding = scan(session=account.session(), config=CFG, check_ids=["org-central-root-access"]).findings[0]
        assert finding.status is F and "trusted access" in finding.reason
    finally:
        emulator.reset()


def test_s04_access_denied_on_the_contact_is_an_error_not_a_missing_contact(load, emulator):
    account = load("demo")
    emulator.fail("account:GetAlternateContact", code="AccessDenied")
    finding = scan(session=account.session(), config=CFG, check_ids=["security-contact-registered"]).findings[0]
    assert finding.status is E and "access denied to account:GetAlternateContact" in finding.reason


def test_s04_no_contact_is_a_fail(load):
    finding = scan(session=load("standalone").session(), config=CFG,
                   check_ids=["security-contact-registered"]).findings[0]
    assert finding.status is F


def test_s05_a_filter_matching_only_console_sign_in_is_not_enough(emulator, monkeypatch):
    pattern = '{ $.userIdentity.type = "Root" && $.eventType = "AwsConsoleSignIn" }'
    account = emulator.load({"extends": "hardened", "description": "filter misses root API calls",
                             "root_usage_alarm": {"filter_pattern": pattern}})
    try:
        for k, v in account.env().items():
            monkeypatch.setenv(k, v)
        result = scan(session=account.session(), config=CFG, check_ids=["root-usage-alarm"])
        finding = result.findings[0]
        assert finding.status is F and "matches root use and only root use" in finding.reason, finding.reason
    finally:
        emulator.reset()


# --------------------------------------------------------------------------------------------- engine


def test_e02_a_lost_endpoint_stops_the_calls(monkeypatch):
    """After the endpoint goes away, no check calls it again: one failed call, then ERROR for the rest at once."""
    emu = Emulator()
    emu.start()
    try:
        account = emu.load("hardened")
        for k, v in account.env().items():
            monkeypatch.setenv(k, v)
        session = account.session()
        sent = {"n": 0}

        def stop_on_the_fourth(**kwargs):
            sent["n"] += 1
            if sent["n"] == 4:
                emu.stop()

        baseline = scan(session=account.session(), config=CFG)
        session.events.register("before-send", stop_on_the_fourth)
        result = scan(session=session, config=CFG)
    finally:
        emu.stop()
    # Sources run concurrently, so calls already in flight when the endpoint went away still fail; but no source
    # starts after a fatal failure, so the scan stops well short of a full scan's calls.
    assert sent["n"] >= 4 and len(result.calls) < len(baseline.calls) - 4, (result.calls, baseline.calls)
    lost = [f for f in result.findings if f.status is E]
    assert lost and all("could not reach the AWS endpoint" in f.reason for f in lost)
    assert all(f.evidence.get("kind") == "EndpointUnreachable" and f.evidence.get("failed_action") in result.calls
               for f in lost)
    assert result.aborted is None and result.exit_code() == 3


# ------------------------------------------------------------------------------------------- org scan


def test_o03_unreadable_scps_are_errors_for_every_member(org_scan):
    # The organization map (org/org_map.py, ListRoots first) denied too: each member's own ListParents says why.
    spec = {"extends": "organization", "description": "SCPs unreadable",
            "failures": {"operations": [{"operation": f"organizations:{op}", "code": "AccessDenied"}
                                        for op in ("ListParents", "ListRoots")]}}
    reports, _ = org_scan(spec, ["org-scp-denies-root"])
    members = reports[1:]
    # 100000000017 is SUSPENDED: not auditable at all (NOT_APPLICABLE, issue 11 item 8); every other member ERRORs
    statuses = {r.account_id: r.findings[0].status for r in members}
    assert len(members) == 20 and statuses.pop("100000000017") is Status.NOT_APPLICABLE
    assert all(s is E for s in statuses.values()), statuses
    # 100000000013 has no audit role: its reason says so instead
    readable = [r for r in members if r.account_id not in ("100000000013", "100000000017")]
    assert len(readable) == 18 and all("organizations:ListParents" in r.findings[0].reason for r in readable)


@pytest.mark.parametrize("features,assume_root", [(["RootSessions"], 1), (["RootCredentialsManagement"], 1), ([], 0)])
def test_o04_assume_root_follows_root_sessions(org_scan, features, assume_root):
    """The member role is read first; the AssumeRoot audit session only for the member the role cannot reach
    (100000000013 has none), and only when centralized root access is on (issue 11 item 7)."""
    spec = {"extends": "organization", "description": "one feature", "organization": {"features": features}}
    _reports, recorded = org_scan(spec, ["root-no-access-keys"])
    assert recorded.count("sts:AssumeRoot") == assume_root


# ------------------------------------------------------------------------------- emulator fidelity (F, G)


@pytest.mark.parametrize("pattern,message,expected", [
    ('{ $.userIdentity.type = "Root" }', '{"userIdentity": {"type": "RootX"}}', False),  # F02
    ('{ $.userIdentity.type = "Root" }', '{"userIdentity": {"type": "Root"}}', True),
    ('{ $.userIdentity.type = "Ro*" }', '{"userIdentity": {"type": "Root"}}', True),
    ('{ $.userIdentity.type = "*oo" }', '{"userIdentity": {"type": "Root"}}', False),  # F02: the end anchor
    ('{ $.c IS TRUE }', '{"c": 1}', False),  # F04
    ('{ $.c IS TRUE }', '{"c": true}', True),
    ('{ $.c IS FALSE }', '{"c": 0}', False),  # F04
    ('{ $.c IS FALSE }', '{"c": false}', True),
])
def test_filter_pattern_edges(pattern, message, expected):
    assert matches(pattern, message) is expected


def test_g04_account_summary_counts_roots_mfa_devices(load, emulator):
    account = load("hardened")
    summary_map = emulator.client("iam", account.account_id).get_account_summary()["SummaryMap"]
    users_devices = sum(1 for u in account.scenario["iam_users"] if u["mfa"] == "virtual")
    assert summary_map["MFADevicesInUse"] == len(account.scenario["root"]["mfa"]) + users_devices == 3
    assert summary_map["AccountMFAEnabled"] == 1



# ------------------------------------------------------------------------- checks/ (issue 16, mutation helper)

def _member_org_trail_scan(status_error, selectors):
    """A member's scan of the management account's organization trail (HasCustomEventSelectors true): the status
    call refused or throttled, the selectors answered. Stubber: the emulator cannot refuse one account's
    GetTrailStatus on another's trail."""
    from stubbed_aws import Err, StubbedSession, recorded

    described = recorded("cloudtrail", "DescribeTrails--API_DescribeTrails--organization-trail-from-member")
    described["trailList"][0]["HasCustomEventSelectors"] = True
    arn = described["trailList"][0]["TrailARN"]
    member = {"UserId": "AROAEXAMPLE:audit", "Account": "111111111111",
              "Arn": "arn:aws:sts::111111111111:assumed-role/Audit/audit"}
    session = StubbedSession({("sts", "us-east-1"): [("GetCallerIdentity", member)],
                              ("cloudtrail", "us-east-1"): [
                                  ("DescribeTrails", described), ("GetTrailStatus", Err(*status_error)),
                                  ("GetEventSelectors", {"TrailARN": arn, "EventSelectors": selectors})]})
    [finding] = scan(session=session, check_ids=["cloudtrail-multi-region"]).findings
    assert session.pending() == {}
    return finding


@pytest.mark.parametrize("status_error,why", [
    (("AccessDeniedException", "no"), "access denied to cloudtrail:GetTrailStatus"),
    (("ThrottlingException", "Rate exceeded"), "cloudtrail:GetTrailStatus was throttled"),
])
def test_a_trail_whose_status_could_not_be_read_is_never_called_not_logging(status_error, why):
    """GetTrailStatus refused or throttled says nothing about whether the trail logs. With selectors that record
    only write events the trail cannot qualify either way (FAIL), but the reason says so, and that the status is
    unknown and why; with selectors that record everything it may qualify (MANUAL, naming what was not read)."""
    write_only = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    short = _member_org_trail_scan(status_error, write_only)
    assert short.status is F and "not logging" not in short.reason, short.reason
    assert "records only write management events" in short.reason and "logging status unknown" in short.reason
    assert why in short.reason
    complete = _member_org_trail_scan(status_error, [{"ReadWriteType": "All", "IncludeManagementEvents": True}])
    assert complete.status is M and why in complete.reason and "not logging" not in complete.reason


def _monitoring_with_junk():
    """The good wiring, with a record that is not a record in each list (hostile evidence): it is skipped."""
    mon = monitoring()
    for part in ("log_groups", "filters", "alarms"):
        mon[part] = [None, *mon[part], "junk"]
    return mon


def _unnamed_metric():
    """A root-matching filter with a metric that has no name (hostile: PutMetricFilter requires one), no alarm."""
    mon = monitoring(alarm=False)
    mon["filters"][0]["metrics"].insert(0, {"name": None, "namespace": "CISBenchmark"})
    return mon


def _deny_root(condition, action=None):
    """A Deny of root (StringLike aws:PrincipalArn) with more conditions, and NotAction instead of Action: *."""
    cond = {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}, **condition}
    return {"Version": "2012-10-17", "Statement": [{"Sid": "DenyRoot", "Effect": "Deny", "Resource": "*",
                                                    "Condition": cond, **(action or {"Action": "*"})}]}


_OUTSIDE_NETWORKS = {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24"]},
                     "StringNotEquals": {"aws:SourceVpc": ["vpc-1"]}}
_NO_ROOT_SESSIONS = {"Null": {"aws:AssumedRoot": "true"}}

EXTRA_CASES += [
    # root-usage-alarm: a wiring record missing one of its lists was only partly read: ERROR, not "no filter"
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": {
        k: v for k, v in monitoring().items() if k != "alarms"}}, E, "only partly read",
         kills="root_usage_alarm.x_evaluate: all -> any; the [] defaults"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": {
        k: v for k, v in monitoring().items() if k != "log_groups"}}, E, "only partly read"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": _monitoring_with_junk()}, P,
         "filter 'root-usage' -> alarm 'root-usage'", kills="root_usage_alarm.x_evaluate: isinstance(...) and"),
    Case("root-usage-alarm", {"trails": GOOD_TRAIL, "root_usage_monitoring": _unnamed_metric()}, F,
         "no alarm watches its metric (CISBenchmark/RootUsage, CISBenchmark/None)",
         kills="root_usage_alarm.x_evaluate: sorted(metrics) without key=str"),
    # org-scp-denies-root: a full denial that is not "every action, for certain" is named as it is
    Case("org-scp-denies-root", {"scps": scp(_deny_root(_NO_ROOT_SESSIONS, {"NotAction": ["sts:AssumeRoot"]}))}, P,
         "denies root every action except sts:AssumeRoot, with an aws:AssumedRoot exception",
         kills="org_scp_denies_root.x_evaluate: the every-action wording"),
    Case("org-scp-denies-root", {"scps": scp(_deny_root(dict(_OUTSIDE_NETWORKS, **_NO_ROOT_SESSIONS)))}, P,
         "denies root every action except from the networks in aws:SourceIp, aws:SourceVpc, with an "
         "aws:AssumedRoot exception"),
    Case("org-scp-denies-root", {"scps": scp(_deny_root(_OUTSIDE_NETWORKS))}, P,
         "whether it also blocks centralized root sessions (sts:AssumeRoot) depends on aws:SourceIp, aws:SourceVpc",
         kills="org_scp_denies_root.x_evaluate: the depends-on separator"),
]


def _trail_without(*keys):
    """The good trail with settings left out (partial evidence: the source records them or an error)."""
    return {k: v for k, v in trail().items() if k not in keys}


EXTRA_CASES += [
    # cloudtrail-multi-region: a setting that was not read is unknown, never "not logging" or "no events"
    Case("cloudtrail-multi-region", {"trails": [_trail_without("is_logging")]}, E,
         "(main: logging status unknown: not recorded)"),
    Case("cloudtrail-multi-region", {"trails": [_trail_without("is_logging", "management_events")]}, E,
         "(main: logging status unknown: not recorded; management events unknown: not recorded)"),
    Case("cloudtrail-multi-region", {"trails": [trail(unread={"cloudtrail:GetEventSelectors": "refused"})]}, E,
         "(main: management events unknown: refused)"),
    Case("cloudtrail-multi-region", {"trails": [trail(org=True, owner=FOREIGN, read=False, write=False, unread={
        "cloudtrail:GetTrailStatus": "denied"})]}, F, "main: records no management events (logging status unknown: "
                                                      "denied)"),
    Case("cloudtrail-multi-region", {"trails": [trail(name="off", logging=False), _trail_without("is_logging")]}, E,
         "no trail qualifies and some could not be read (off: not logging; main: logging status unknown: not "
         "recorded)"),
]

EXTRA_CASES += [
    # org-scp-denies-root: a policy record without content is named as unparsable, not skipped
    Case("org-scp-denies-root", {"scps": dict(scp(DENY_ROOT), policies=[{"id": "p-2", "name": "empty",
                                                                        "target": "r-root"}])}, F,
         "denies actions to root principals (empty could not be parsed)"),
]

EXTRA_CASES += [
    # root-sign-in-restricted: RCP evidence missing altogether is an RCP reading that failed, named as such
    Case("root-sign-in-restricted", {"signin_console": signin(), "signin_rcps": None}, E,
         "no account statement restricts root, and the RCPs could not be read: no RCP evidence",
         kills="root_sign_in_restricted.x_evaluate: the stand-in for missing RCP evidence"),
]

EXTRA_CASES += [
    # root-sign-in-restricted: every unparsable RCP and every unexpected network is listed, separated
    Case("root-sign-in-restricted", _with_rcps(_rcp("{not json", name="broken-1"), _rcp("[1, 2", name="broken-2")), F,
         "(RCP 'broken-1' on ou-abcd-11111111, RCP 'broken-2' on ou-abcd-11111111 could not be parsed)"),
    Case("root-sign-in-restricted", {"signin_console": signin(statements=[signin_statement(
        cidrs=("198.51.100.0/24", "192.0.2.0/24"))]), "signin_rcps": {"status": "no-organization"}}, F,
         "lets root sign in from 198.51.100.0/24, 192.0.2.0/24, which handbook.yml",
         config=AuditConfig(org={"root_signin": {"expected_cidrs": ["203.0.113.0/24"]}})),
]

EXTRA_CASES += [
    # cloudtrail-multi-region: a trail recorded with an error is unreadable (ERROR), whatever else its record holds
    # (the source records nothing else of it; a partial record that already rules it out is still not a FAIL)
    Case("cloudtrail-multi-region", {"trails": [dict(trail(error="throttled"), is_logging=False)]}, E,
         "no trail qualifies and some could not be read (main: unreadable: throttled)"),
]

EXTRA_CASES += [
    # root-sign-in-restricted: policies left in an RCP reading that failed are not trusted (the source never leaves
    # any; a partial reading must not turn into a PASS)
    Case("root-sign-in-restricted", dict(_with_rcps(_rcp(root_rcp())), signin_rcps={
        "status": "error", "reason": "throttled", "policies": [_rcp(root_rcp())]}), E,
         "no account statement restricts root, and the RCPs could not be read: throttled"),
    Case("root-sign-in-restricted", {"signin_console": signin(), "signin_rcps": {"status": "no-organization"}}, F,
         "console authorization is on, but no Sign-In statement or RCP keeps root's sign-in to expected networks"),
]
