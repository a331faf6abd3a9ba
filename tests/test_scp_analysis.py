"""The SCP reading, a pure function: many policy shapes, each with what it means for member 444444444444's root.

Shapes marked AWS come from AWS's own examples: the aws-samples service-control-policy-examples repository
(Privileged-access-controls; linked from the Organizations user guide's SCP examples), Control Tower's
GRRESTRICTROOTUSER guardrail, and the Organizations user guide's region-deny example
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html).
"""
from __future__ import annotations

import json

import pytest

from rootaudit.checks import BY_ID
from rootaudit.config import AuditConfig
from rootaudit.engine import evaluate_check
from rootaudit.findings import Status
from rootaudit.org.scp_analysis import RootContext, condition_holds, root_denials

ACCOUNT = "444444444444"
ROOT_LIKE = {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}
NO_SESSIONS = {"Null": {"aws:AssumedRoot": "true"}}


def deny(action="*", condition=None, key="Action", resource="*", **extra):
    st = {"Effect": "Deny", key: action, "Resource": resource, **extra}
    if condition is not None:
        st["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [st]}


P, F = Status.PASS, Status.FAIL
# label, policy, expected verdict, phrase in the reason
SHAPES = [
    # AWS: "Prevent root credentials management in member accounts" (aws-samples), the sample AWS links for
    # centralized root access: ArnLike + Null aws:AssumedRoot.
    ("aws sample ArnLike + Null AssumedRoot", deny("*", {**ROOT_LIKE, **NO_SESSIONS}), P, "aws:AssumedRoot exception"),
    # AWS: "Deny the root user from performing actions except S3 bucket policy changes" (aws-samples): NotAction.
    ("aws sample NotAction s3 bucket policy",
     deny(["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"],
          {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}, key="NotAction"), P, "except s3:GetBucketPolicy"),
    # AWS Control Tower GRRESTRICTROOTUSER: StringLike, no exception for root sessions.
    ("control tower StringLike", deny("*", {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}},
                                      resource=["*"]), P, "WARNING"),
    ("string equals this account's root", deny("*", {"StringEquals": {"aws:PrincipalArn":
                                                                       f"arn:aws:iam::{ACCOUNT}:root"}}), P, "WARNING"),
    ("ArnEquals this account's root", deny("*", {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:root"}}),
     P, "every action"),
    ("principal type Account", deny("*", {"StringEquals": {"aws:PrincipalType": "Account"}, **NO_SESSIONS}), P,
     "exception"),
    ("everyone but roles (covers root)", deny("*", {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
     P, "WARNING"),
    ("IfExists on PrincipalArn", deny("*", {"ArnLikeIfExists": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}), P, ""),
    ("ForAnyValue on PrincipalArn", deny("*", {"ForAnyValue:StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
     P, ""),
    ("Action list with *", deny(["iam:*", "*"], ROOT_LIKE), P, "every action"),
    ("PrincipalAccount not the admin account", deny("*", {"StringNotEquals": {"aws:PrincipalAccount": "111111111111"},
                                                          **ROOT_LIKE}), P, ""),
    ("Bool AssumedRoot false exemption is not a valid exception",
     deny("*", {**ROOT_LIKE, "BoolIfExists": {"aws:AssumedRoot": "false"}}), P, "exception"),

    # not "denies root"
    ("deny one action", deny("iam:CreateAccessKey", {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}), F,
     "only iam:CreateAccessKey"),
    ("deny a service", deny("s3:*", ROOT_LIKE), F, "only s3:*"),
    ("another account's root", deny("*", {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::555555555555:root"},
                                          **NO_SESSIONS}), F, "no SCP"),
    ("principal type Root (not a value AWS sends)", deny("*", {"StringEquals": {"aws:PrincipalType": "Root"}}), F,
     'the root user\'s principal type is "Account"'),
    ("negated root: everyone but root", deny("*", {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}), F,
     "no SCP"),
    ("roles only", deny("*", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}), F, "no SCP"),
    # the handbook (after AWS's centralized-root-access post) suggests sparing known networks: still a deny of root
    ("deny root outside known networks", deny("*", {**ROOT_LIKE, **NO_SESSIONS,
                                                    "NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}), P,
     "except from the networks in aws:SourceIp"),
    ("depends on MFA", deny("*", {**ROOT_LIKE, "BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}), F,
     "aws:MultiFactorAuthPresent"),
    ("depends on source IP and Region", deny("*", {**ROOT_LIKE, "NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                                                   "StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}), F,
     "aws:RequestedRegion"),
    ("some resources only", deny("*", ROOT_LIKE, resource="arn:aws:s3:::audit-logs/*"), F, "some resources"),
    ("NotResource", deny("*", ROOT_LIKE, resource=None, NotResource="arn:aws:s3:::x"), F, "some resources"),
    ("NotAction *", deny("*", ROOT_LIKE, key="NotAction"), F, "no SCP"),
    ("only AssumeRoot sessions", deny("*", {"Bool": {"aws:AssumedRoot": "true"}}), F, "no SCP"),
    ("allow statement", {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                                                                 "Condition": ROOT_LIKE}]}, F, "no SCP"),
    # AWS (Organizations UG): deny outside two Regions, exempting two admin roles: root is hit, but only by Region.
    ("aws region deny with role exemption", deny(["a4b:*", "iam:*", "sts:*"], {
        "StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]},
        "ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP",
                                            "arn:aws:iam::*:role/Role2AllowedToBypassThisSCP"]}}, key="NotAction"),
     F, "aws:RequestedRegion"),
    ("no statement", {"Version": "2012-10-17", "Statement": []}, F, "no SCP"),
]


@pytest.mark.parametrize("label, policy, status, phrase", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_policy_shape_gets_the_verdict_its_meaning_deserves(label, policy, status, phrase):
    policy = json.loads(json.dumps(policy).replace(', "Resource": null', ""))
    if policy["Statement"] and policy["Statement"][0].get("Resource") is None:
        policy["Statement"][0].pop("Resource", None)
    evidence = {"scps": {"status": "ok", "account_id": ACCOUNT, "partition": "aws", "policies": [
        {"id": "p-1", "name": "RootGuardrail", "target": "ou-ab12-11111111", "content": json.dumps(policy)}]}}
    verdict = evaluate_check(BY_ID["org-scp-denies-root"], evidence, AuditConfig())
    assert verdict.status is status, verdict.reason
    assert phrase in verdict.reason


def test_the_account_id_comes_from_the_scan_when_it_is_known():
    policy = deny("*", {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::555555555555:root"}})
    assert root_denials(policy, "555555555555")[0].denies_all
    assert root_denials(policy, ACCOUNT) == []
    unknown = root_denials(policy, None)[0]  # not known: it may or may not be this account
    assert unknown.applies is None and not unknown.denies_all


def test_wildcard_account_patterns_do_not_need_the_account_id():
    assert root_denials(deny("*", ROOT_LIKE), None)[0].denies_all


def test_other_partitions_compare_their_own_arns():
    gov = deny("*", {"ArnLike": {"aws:PrincipalArn": "arn:aws-us-gov:iam::*:root"}})
    assert root_denials(gov, ACCOUNT, "aws-us-gov")[0].denies_all
    assert root_denials(gov, ACCOUNT, "aws") == []


def test_root_sessions_are_told_apart_from_the_root_users_own_credentials():
    d = root_denials(deny("*", {**ROOT_LIKE, **NO_SESSIONS}), ACCOUNT)[0]
    assert d.applies is True and d.applies_in_root_session is False
    d = root_denials(deny("*", ROOT_LIKE), ACCOUNT)[0]
    assert d.applies is True and d.applies_in_root_session is True


@pytest.mark.parametrize("condition, expected", [
    ({"StringNotLike": {"aws:username": "alice"}}, True),  # absent key, negated operator: holds
    ({"StringLike": {"aws:username": "*"}}, False),  # absent key, positive operator: fails
    ({"StringLikeIfExists": {"aws:username": "alice"}}, True),
    ({"ForAllValues:StringEquals": {"aws:PrincipalTag/team": "x"}}, True),
    ({"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": "x"}}, False),
    ({"Null": {"aws:AssumedRoot": "false"}}, False),
    ({"StringEqualsIgnoreCase": {"aws:PrincipalType": "account"}}, True),
    ({"Bool": {"aws:PrincipalIsAWSService": "false"}}, True),
    ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, None),
    ({"StringEquals": {"aws:PrincipalArn": "${aws:PrincipalArn}"}}, None),
])
def test_condition_operators_follow_the_iam_reference(condition, expected):
    assert condition_holds(condition, RootContext(ACCOUNT))[0] is expected


def test_unparseable_policy_is_named_not_fatal():
    evidence = {"scps": {"status": "ok", "account_id": ACCOUNT, "policies": [
        {"id": "p-1", "name": "Broken", "target": "r-ab12", "content": "{not json"},
        {"id": "p-2", "name": "DenyRoot", "target": "r-ab12", "content": json.dumps(deny("*", ROOT_LIKE))}]}}
    verdict = evaluate_check(BY_ID["org-scp-denies-root"], evidence, AuditConfig())
    assert verdict.status is Status.PASS and "Broken could not be parsed" in verdict.reason


def test_an_organization_without_all_features_has_no_scp_to_deny_root():
    verdict = evaluate_check(BY_ID["org-scp-denies-root"], {"scps": {"status": "consolidated-billing"}}, AuditConfig())
    assert verdict.status is Status.FAIL and "consolidated billing" in verdict.reason
