"""`rootaudit scan --org` on states the emulator should not be the judge of, replayed from AWS-shaped answers.

Every answer goes through botocore's Stubber (tests/stubbed_aws.py), which rejects responses AWS's service
model does not allow; the answers are recorded under tests/fixtures/aws/, named after the AWS API page they
follow. The emulated organization covers the same ground end to end (tests/test_org_scan.py); these pin the
product to AWS's documented shapes: ListAccounts after the Status field's retirement, a CLOSED account, the
delegated administrator's view, and the AccessDenied AWS sends when an SCP blocks a root session.
"""
from __future__ import annotations

import pytest

import rootaudit.org.scan as org_scan
from rootaudit.config import AuditConfig
from stubbed_aws import Err, StubbedSession, caller, recorded

MGMT, DA, CLOSED, MEMBER, SUSPENDED, CLOSING = ("111111111111", "222222222222", "333333333333", "444444444444",
                                                 "555555555555", "666666666666")
US = "us-east-1"
ORG = recorded("organizations", "DescribeOrganization--API_DescribeOrganization--management-111111111111")
NO_ROLE = ("User: arn:aws:sts::111111111111:assumed-role/SecurityAudit/alice is not authorized to perform: "
           "sts:AssumeRole on resource: arn:aws:iam::444444444444:role/OrganizationAccountAccessRole")
SCP_DENY = ("User: arn:aws:iam::444444444444:root is not authorized to perform: iam:GetAccountSummary with an "
            "explicit deny in a service control policy")


def accounts(*ids, fixture="states-without-status"):
    listed = recorded("organizations", f"ListAccounts--API_ListAccounts--{fixture}")["Accounts"]
    return {"Accounts": [a for a in listed if a["Id"] in ids]}


def scp_chain_answers(own_policies="full-access-only", root_policies="deny-root"):
    """ListParents -> the root; the account's policies, then the root's (DescribePolicy once per policy)."""
    answers = [("ListParents", recorded("organizations", "ListParents--API_ListParents--root")),
               ("ListPoliciesForTarget",
                recorded("organizations", f"ListPoliciesForTarget--API_ListPoliciesForTarget--{own_policies}")),
               ("DescribePolicy", recorded("organizations", "DescribePolicy--API_DescribePolicy--full-aws-access")),
               ("ListPoliciesForTarget",
                recorded("organizations", f"ListPoliciesForTarget--API_ListPoliciesForTarget--{root_policies}"))]
    if root_policies == "deny-root":
        answers.append(("DescribePolicy",
                        recorded("organizations", "DescribePolicy--API_DescribePolicy--deny-root-no-exception")))
    return answers


@pytest.fixture
def members(monkeypatch):
    """Member sessions by the AccessKeyId STS handed out (AssumeRole's and AssumeRoot's recorded credentials)."""
    sessions: dict[str, StubbedSession] = {}
    monkeypatch.setattr(org_scan, "_session_from", lambda creds, region, base: sessions[creds["AccessKeyId"]])
    return sessions


def run(mgmt: StubbedSession, checks: list[str]):
    reports = org_scan.scan_organization(session=mgmt, config=AuditConfig(), check_ids=checks, progress="never",
                                         max_workers=1)
    return {r.account_id: {f.check_id: f for f in r.findings} for r in reports}, reports


def test_from_the_delegated_administrator_the_management_account_is_the_one_aws_names(members):
    """s06 (I): MasterAccountId, not the caller, is the management account; SCPs are never judged for it."""
    role = recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role")["Credentials"]["AccessKeyId"]
    members[role] = StubbedSession({
        ("iam", US): [("GetAccountSummary",
                       recorded("iam", "GetAccountSummary--API_GetAccountSummary--root-hardened"))]})
    mgmt = StubbedSession({
        ("sts", US): [("GetCallerIdentity", caller(DA)),
                      ("AssumeRole", recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role"))],
        ("organizations", US): [("DescribeOrganization", ORG),
                                ("ListAccounts", accounts(MGMT, DA)), *scp_chain_answers()],
        ("iam", US): [("ListOrganizationsFeatures",
                       recorded("iam", "ListOrganizationsFeatures--API_ListOrganizationsFeatures--both"))]})
    got, reports = run(mgmt, ["org-scp-denies-root", "org-central-root-access", "root-mfa-enabled"])
    assert [r.account_id for r in reports] == [DA, MGMT]
    # the delegated administrator is a member: the deny-root SCP on the root applies to it, and it could read it
    own = got[DA]["org-scp-denies-root"]
    assert own.status.value == "PASS" and "DenyRootUser" in own.reason
    assert got[MGMT]["org-scp-denies-root"].status.value == "NOT_APPLICABLE"
    assert "never apply to the management account" in got[MGMT]["org-scp-denies-root"].reason
    assert got[MGMT]["org-central-root-access"].status.value == "PASS"  # the organization's answer, not N/A
    assert got[MGMT]["root-mfa-enabled"].status.value == "PASS"
    # the role session's identity is AssumeRole's own answer: the member is not asked GetCallerIdentity
    assert mgmt.pending() == {} and members[role].pending() == {}
    assumed = recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role")["AssumedRoleUser"]
    assert reports[1].caller_arn == assumed["Arn"] and "GetCallerIdentity" not in members[role].called
    assert "AssumeRoot" not in mgmt.called  # AssumeRoot never targets the management account


@pytest.mark.parametrize("fixture, expected", [
    ("states-without-status", {CLOSED: "CLOSED", SUSPENDED: "SUSPENDED", CLOSING: "PENDING_CLOSURE"}),
    ("status-only", {SUSPENDED: "SUSPENDED"}),  # before the retirement: Status only
])
def test_accounts_that_are_not_active_are_reported_as_such(members, fixture, expected):
    """s06 (J): State read where present, Status otherwise; no AssumeRole is even tried for them."""
    mgmt = StubbedSession({
        ("sts", US): [("GetCallerIdentity", caller(MGMT))],
        ("organizations", US): [("DescribeOrganization", ORG),
                                ("ListAccounts", accounts(MGMT, *expected, fixture=fixture))],
        ("iam", US): [("ListOrganizationsFeatures", Err("ServiceAccessNotEnabledException",
                                                        "Trusted access is not enabled for IAM"))],
        ("account", US): [("GetAlternateContact", {"AlternateContact": {
            "AlternateContactType": "SECURITY", "EmailAddress": "security-ops@example.com", "Name": "Security Ops",
            "PhoneNumber": "+15555550100", "Title": "Security"}})]})
    got, _ = run(mgmt, ["security-contact-registered"])
    assert "AssumeRole" not in mgmt.called and "AssumeRoot" not in mgmt.called
    for account, state in expected.items():
        finding = got[account]["security-contact-registered"]
        assert finding.status.value == "NOT_APPLICABLE" and state in finding.reason
        assert "does not trust" not in finding.reason
    assert mgmt.pending() == {}


def _member_scan(members, role_answer, role_plan, root_plan=None, root_policies="deny-root"):
    checks = ["root-mfa-enabled", "root-no-access-keys"]
    sts = [("GetCallerIdentity", caller(MGMT)), ("AssumeRole", role_answer)]
    if root_plan is not None:
        sts.append(("AssumeRoot", recorded("sts", "AssumeRoot--API_AssumeRoot--audit-session")))
        root_key = recorded("sts", "AssumeRoot--API_AssumeRoot--audit-session")["Credentials"]["AccessKeyId"]
        members[root_key] = StubbedSession(root_plan)
    if role_plan is not None:
        role_key = recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role")["Credentials"]["AccessKeyId"]
        members[role_key] = StubbedSession(role_plan)
    mgmt = StubbedSession({
        ("sts", US): sts,
        ("organizations", US): [("DescribeOrganization", ORG),
                                ("ListAccounts", accounts(MGMT, MEMBER)),
                                *scp_chain_answers(root_policies=root_policies)],
        ("iam", US): [("ListOrganizationsFeatures",
                       recorded("iam", "ListOrganizationsFeatures--API_ListOrganizationsFeatures--both")),
                      ("GetAccountSummary",
                       recorded("iam", "GetAccountSummary--API_GetAccountSummary--root-hardened"))]})
    got, _ = run(mgmt, checks)
    assert mgmt.pending() == {} and all(m.pending() == {} for m in members.values())
    return got[MEMBER], mgmt.called


def test_root_facts_come_through_the_role_so_a_deny_root_scp_hides_nothing(members):
    """s06 (K): a deny-root SCP without the aws:AssumedRoot exception; the role reads root's facts, no AssumeRoot."""
    member, called = _member_scan(members, recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role"), {
        ("iam", US): [("GetAccountSummary",
                       recorded("iam", "GetAccountSummary--API_GetAccountSummary--root-no-mfa-with-key"))]})
    assert member["root-mfa-enabled"].status.value == "FAIL" and member["root-no-access-keys"].status.value == "FAIL"
    assert "AssumeRole" in called and "AssumeRoot" not in called


def test_when_the_role_is_denied_the_audit_root_session_reads(members):
    role_denied = Err("AccessDenied", "User: arn:aws:sts::444444444444:assumed-role/OrganizationAccountAccessRole/"
                      "rootaudit is not authorized to perform: iam:GetAccountSummary because no identity-based policy "
                      "allows the iam:GetAccountSummary action", 403)
    member, _ = _member_scan(members, recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role"), {
        ("iam", US): [("GetAccountSummary", role_denied)]},
        root_plan={("iam", US): [
            ("GetAccountSummary", recorded("iam", "GetAccountSummary--API_GetAccountSummary--root-no-mfa-with-key"))]},
        root_policies="full-access-only")
    # the FAIL comes from the root session's answer (its GetAccountSummary was consumed: pending() is empty)
    assert member["root-no-access-keys"].status.value == "FAIL"


def test_without_the_role_an_scp_denied_root_session_is_named_not_blamed_on_the_auditor(members):
    no_role = Err("AccessDenied", NO_ROLE, 403)
    member, _ = _member_scan(members, no_role, None, root_plan={
        ("sts", US): [("GetCallerIdentity", {"UserId": MEMBER, "Account": MEMBER,
                                             "Arn": f"arn:aws:iam::{MEMBER}:root"})],
        ("iam", US): [("GetAccountSummary", Err("AccessDenied", SCP_DENY, 403))]})
    for check in ("root-mfa-enabled", "root-no-access-keys"):
        assert member[check].status.value == "ERROR"
        assert "DenyRootUser" in member[check].reason and "aws:AssumedRoot" in member[check].reason
        assert "grant it to the auditing principal" not in member[check].reason


def test_consolidated_billing_organization_has_no_scps_to_read(members):
    """Organizations with only consolidated billing have no SCPs: FAIL with that reason, no SCP calls made."""
    org = recorded("organizations", "DescribeOrganization--API_DescribeOrganization--management-111111111111")
    org["Organization"]["FeatureSet"] = "CONSOLIDATED_BILLING"
    org["Organization"].pop("AvailablePolicyTypes")
    no_role = Err("AccessDenied", NO_ROLE, 403)
    mgmt = StubbedSession({
        ("sts", US): [("GetCallerIdentity", caller(MGMT)), ("AssumeRole", no_role)],
        ("organizations", US): [("DescribeOrganization", org), ("ListAccounts", accounts(MGMT, MEMBER))],
        ("iam", US): [("ListOrganizationsFeatures", Err("OrganizationNotInAllFeaturesModeException",
                                                        "The organization is not in all features mode"))]})
    got, _ = run(mgmt, ["org-scp-denies-root"])
    finding = got[MEMBER]["org-scp-denies-root"]
    assert finding.status.value == "FAIL" and "consolidated billing" in finding.reason
    assert not {"ListParents", "ListPoliciesForTarget"} & set(mgmt.called) and mgmt.pending() == {}
