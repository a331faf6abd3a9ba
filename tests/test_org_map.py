"""What an org scan reads once for the whole organization instead of once per member.

- The organization map (org/org_map.py): the tree and the policy attachments.
- The organization trail (org/shared_reads.py): its status and selectors, read by its owner.

Two kinds of evidence: AWS's own examples for the five Organizations calls, replayed through botocore's Stubber
(the order and shape of what AWS sends), and the emulated organization end to end, where the scan must give every
member exactly the findings the per-member reads give, with fewer calls.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

import rootaudit.org.scan as scan_module
from rootaudit.config import AuditConfig
from rootaudit.evidence.collector import Context
from rootaudit.org.org_map import read_org_map
from rootaudit.org.scps import Once, scp_chain
from rootaudit.policy import ORG_SCAN_ACTIONS
from stubbed_aws import Err, StubbedSession, recorded

US = "us-east-1"
AWS_ROOT, DEV, PROD = "r-examplerootid111", "ou-examplerootid111-exampleouid111", "ou-examplerootid111-exampleouid222"
SCP, RCP = "SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"


def org(name: str) -> dict:
    return recorded("organizations", name)


def walk_answers() -> list:
    """ListRoots, then the root (its two OUs, no accounts), Development (two accounts), Production (nothing)."""
    return [("ListRoots", org("ListRoots--API_ListRoots--example")),
            ("ListOrganizationalUnitsForParent",
             org("ListOrganizationalUnitsForParent--API_ListOrganizationalUnitsForParent--root-two-ous")),
            ("ListAccountsForParent", {"Accounts": []}),
            ("ListOrganizationalUnitsForParent", {"OrganizationalUnits": []}),  # Development, the first one listed
            ("ListAccountsForParent",
             org("ListAccountsForParent--API_ListAccountsForParent--development-two-accounts")),
            ("ListOrganizationalUnitsForParent", {"OrganizationalUnits": []}),  # Production
            ("ListAccountsForParent", {"Accounts": []})]


def policy_answers() -> list:
    """AWS's three SCPs: FullAWSAccess on the root, Development and 333333333333 (AWS's example); the two others
    attached nowhere, the second after an empty first page with a NextToken (AWS warns that this happens)."""
    return [("ListPolicies", org("ListPolicies--API_ListPolicies--scps")),
            ("ListTargetsForPolicy", {"Targets": []}),
            ("ListTargetsForPolicy", {"Targets": [], "NextToken": "more"}),
            ("ListTargetsForPolicy", {"Targets": [{"TargetId": "444444444444", "Type": "ACCOUNT",
                                                   "Arn": "arn:aws:organizations::111111111111:account/"
                                                          "o-exampleorgid/444444444444", "Name": "Test Account"}]}),
            ("ListTargetsForPolicy", org("ListTargetsForPolicy--API_ListTargetsForPolicy--full-aws-access"))]


def context(plan: list) -> tuple[Context, StubbedSession]:
    """One worker: the Stubber answers in the order asked, so the OUs of a level are read one after another."""
    session = StubbedSession({("organizations", US): plan})
    return Context(session=session, config=AuditConfig(), region=US, workers=1), session


def test_aws_examples_fill_the_chain_that_scp_chain_reads():
    ctx, session = context(walk_answers() + policy_answers())
    cache = Once()
    # RCPs are not enabled on AWS's example root: only the SCPs are mapped, RCP chains keep their own reads
    assert read_org_map(ctx, cache, members=10, policy_types=[SCP, RCP]) == ["parents", SCP]
    assert session.pending() == {}
    mapped = Counter(session.called)
    assert mapped == {"ListRoots": 1, "ListOrganizationalUnitsForParent": 3, "ListAccountsForParent": 3,
                      "ListPolicies": 1, "ListTargetsForPolicy": 4}

    # The members' chains, read through the filled cache: only the policies' contents are still asked for.
    chains, later = context([("DescribePolicy", org("DescribePolicy--API_DescribePolicy--full-aws-access")),
                             ("DescribePolicy", org("DescribePolicy--API_DescribePolicy--deny-root-no-exception"))])
    chain = scp_chain(chains, "333333333333", cache)
    # the chain AWS's answers describe: the account, then Development, then the root; FullAWSAccess on all three
    assert [(p["target"], p["name"]) for p in chain["policies"]] == [
        ("333333333333", "FullAWSAccess"), (DEV, "FullAWSAccess"), (AWS_ROOT, "FullAWSAccess")]
    other = scp_chain(chains, "444444444444", cache)  # the policy listed after an empty page
    assert [(p["target"], p["id"]) for p in other["policies"]] == [
        ("444444444444", "p-examplepolicyid222"), (DEV, "p-FullAWSAccess"), (AWS_ROOT, "p-FullAWSAccess")]
    assert later.called == ["DescribePolicy", "DescribePolicy"] and later.pending() == {}  # no ListParents


@pytest.mark.parametrize("members", [1, 2, 3, 4])
def test_a_walk_that_would_cost_more_than_each_members_parent_is_not_made(members):
    """The map's first level costs 3 calls (ListRoots, the root's OUs and accounts), the next one 2 per OU."""
    ctx, session = context(walk_answers()[:3 if members > 2 else 0])
    cache = Once()
    # up to 2 members: ListParents for each is cheaper than even ListRoots and the root's lists, so nothing is asked;
    # 3 or 4: the root level fits, its two OUs (4 more calls) do not
    assert read_org_map(ctx, cache, members=members, policy_types=[SCP]) == []
    assert session.pending() == {} and cache._values == {}
    assert len(session.called) == (0 if members < 3 else 3)


def test_fewer_policies_than_targets_or_nothing_is_mapped():
    """Three policies for three targets (root, two OUs, no accounts): per target is no dearer, so not mapped."""
    plan = walk_answers()[:4] + [("ListAccountsForParent", {"Accounts": []}), *walk_answers()[5:],
                                 ("ListPolicies", org("ListPolicies--API_ListPolicies--scps"))]
    ctx, session = context(plan)
    assert read_org_map(ctx, Once(), members=10, policy_types=[SCP]) == ["parents"]
    assert session.pending() == {} and "ListTargetsForPolicy" not in session.called


@pytest.mark.parametrize("failing", ["ListAccountsForParent", "ListTargetsForPolicy"])
def test_a_failed_read_fills_nothing_of_its_half(failing):
    """Half a map would drop a policy from some chain: a failure leaves that half to the per-member reads."""
    plan = walk_answers() + policy_answers()
    at = max(i for i, (op, _) in enumerate(plan) if op == failing)
    plan = plan[:at] + [(failing, Err("AccessDeniedException", "not authorized"))]
    ctx, _ = context(plan)
    cache = Once()
    filled = read_org_map(ctx, cache, members=10, policy_types=[SCP])
    assert filled == ([] if failing == "ListAccountsForParent" else ["parents"])
    assert not any(key[0] == "policies" for key in cache._values)
    assert any(key[0] == "parents" for key in cache._values) is (failing != "ListAccountsForParent")


def test_the_least_privilege_policy_allows_the_map():
    assert {f"organizations:{op}" for op in ("ListRoots", "ListOrganizationalUnitsForParent",
                                             "ListAccountsForParent", "ListPolicies",
                                             "ListTargetsForPolicy")} <= set(ORG_SCAN_ACTIONS)


# ---- end to end, emulated -------------------------------------------------------------------------------------

# Each load of a scenario draws new OU, policy and organization ids, and a new credential report time.
_DRAWN = re.compile(r"\bou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|\br-[0-9a-z]{4,32}|\bp-[0-9a-z]{8}\b|\bo-[0-9a-z]{10,32}"
                    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def _findings(reports) -> dict:
    return {(r.account_id, f.check_id): _DRAWN.sub("*", repr((f.status, f.reason, f.evidence)))
            for r in reports for f in r.findings}


@pytest.mark.parametrize("spec", ["organization", {
    "extends": "organization", "description": "ListTargetsForPolicy denied: the attachments are read per target",
    "failures": {"operations": [{"operation": "organizations:ListTargetsForPolicy", "code": "AccessDenied"}]}}],
    ids=["mapped", "targets-denied"])
def test_every_member_gets_the_same_findings_with_fewer_organizations_calls(org_scan, monkeypatch, spec):
    mapped, mapped_calls = org_scan(spec)
    with monkeypatch.context() as without_map:
        without_map.setattr(scan_module, "read_org_map", lambda *args, **kwargs: [])
        per_member, per_member_calls = org_scan(spec)
    assert len(mapped) == 21 and _findings(mapped) == _findings(per_member)
    # each account's own calls: the same (made concurrently, so in any order)
    assert [Counter(r.calls) for r in mapped] == [Counter(r.calls) for r in per_member]
    mapped_calls, per_member_calls = Counter(mapped_calls), Counter(per_member_calls)
    assert mapped_calls["organizations:ListParents"] == 0 < per_member_calls["organizations:ListParents"]
    if isinstance(spec, str):  # both policy types mapped: no member's chain asks for its attachments
        assert mapped_calls["organizations:ListPoliciesForTarget"] == 0
        assert mapped_calls["organizations:ListTargetsForPolicy"] > 0
    else:
        assert mapped_calls["organizations:ListPoliciesForTarget"] == per_member_calls[
            "organizations:ListPoliciesForTarget"] > 0
    assert sum(mapped_calls.values()) < sum(per_member_calls.values())


# ---- the organization trail, read once by its owner -------------------------------------------------------------

MANAGEMENT = "123456789012"


def test_the_organization_trail_is_read_once_by_its_owner_for_every_member(org_scan, monkeypatch):
    shared, shared_calls = org_scan("organization")
    with monkeypatch.context() as unshared:
        unshared.setattr(scan_module, "OwnedReads", lambda *args: None)
        own, own_calls = org_scan("organization")
    assert _findings(shared) == _findings(own)
    members = [r for r in shared[1:] if r.findings[0].status.value != "NOT_APPLICABLE"]
    assert members and not any("cloudtrail:GetTrailStatus" in r.calls for r in members)
    # once for the management account's own scan, once for all the members; without sharing, once per member too
    assert Counter(shared_calls)["cloudtrail:GetTrailStatus"] == 2
    assert Counter(own_calls)["cloudtrail:GetTrailStatus"] >= len(members)


def test_a_member_reads_the_trail_itself_when_the_owner_cannot(org_scan):
    """The management account denied GetTrailStatus: each member's answer is its own, whatever the order."""

    def deny(emulator):
        emulator.fail("cloudtrail:GetTrailStatus", "AccessDenied", account=MANAGEMENT)
        emulator.fail("cloudtrail:GetTrailStatus", "AccessDenied", account="100000000002")

    reports, _ = org_scan("organization", ["cloudtrail-multi-region"], before=deny)
    by_id = {r.account_id: r.findings[0] for r in reports}
    denied, member = by_id["100000000002"], by_id["100000000001"]
    # the member read the organization trail itself: logging, so it qualifies
    assert member.status.value == "PASS" and "organization-trail" in member.reason
    # the member denied too says what it could not read (never another member's answer)
    assert denied.status.value == "MANUAL" and "cloudtrail:GetTrailStatus" in denied.evidence["unread"]


def test_the_owner_reads_its_trail_in_the_trails_home_region():
    """A member whose home Region is eu-west-1 sees an organization trail homed in us-east-1: the owner's reads go to
    us-east-1, and the member makes no trail call of its own (Stubber: the owner's and the member's sessions)."""
    from rootaudit.evidence.collector import Collector
    from rootaudit.org.shared_reads import OwnedReads

    described = recorded("cloudtrail", "DescribeTrails--API_DescribeTrails--organization-trail-from-member")
    arn = described["trailList"][0]["TrailARN"]
    owner_id = arn.split(":")[4]
    caller = {"UserId": "AROAEXAMPLE:audit", "Account": "111111111111",
              "Arn": "arn:aws:sts::111111111111:assumed-role/Audit/audit"}
    member = StubbedSession({("sts", "eu-west-1"): [("GetCallerIdentity", caller)],
                             ("cloudtrail", "eu-west-1"): [("DescribeTrails", described)]}, region="eu-west-1")
    owner = StubbedSession({("cloudtrail", "us-east-1"): [
        ("GetTrailStatus", {"IsLogging": True}),
        ("GetEventSelectors", {"TrailARN": arn, "EventSelectors": [{"ReadWriteType": "All",
                                                                     "IncludeManagementEvents": True}]})]},
        region="eu-west-1")
    owner_ctx = Context(session=owner, config=AuditConfig(), region="eu-west-1", workers=1)
    ctx = Context(session=member, config=AuditConfig(), region="eu-west-1", workers=1,
                  shared=OwnedReads(owner_ctx, owner_id, Once()))
    [trail] = Collector(ctx).get("trails")
    assert owner.pending() == {} and member.pending() == {}
    assert (trail["is_logging"], trail["management_events"], trail["unread"]) == (
        True, {"read": True, "write": True}, {})
    assert [c for c in ctx.calls if c.startswith("cloudtrail:")] == ["cloudtrail:DescribeTrails"]


def test_the_callers_record_keeps_its_id_and_a_partition_when_the_arn_has_none():
    from rootaudit.evidence.sources.sts import caller_record
    from rootaudit.org.scan import caller_from_assume_role

    assumed = recorded("sts", "AssumeRole--API_AssumeRole--organization-access-role")
    record = caller_from_assume_role(assumed, "444444444444", "aws")
    assert record["user_id"] == assumed["AssumedRoleUser"]["AssumedRoleId"]
    assert record["arn"] == assumed["AssumedRoleUser"]["Arn"] and record["partition"] == "aws"
    # AssumeRole always names the session; should its answer lack it, the partition is the scan's, not a guess
    assert caller_from_assume_role({}, "444444444444", "aws-cn")["partition"] == "aws-cn"
    assert caller_record("444444444444", "", None)["partition"] == "aws"


def test_an_answer_without_exactly_one_root_is_left_to_each_members_reads():
    """Organizations has one root per organization; any other answer maps nothing rather than guessing."""
    ctx, session = context([("ListRoots", {"Roots": []})])
    cache = Once()
    assert read_org_map(ctx, cache, members=10, policy_types=[SCP]) == []
    assert session.called == ["ListRoots"] and session.pending() == {} and cache._values == {}
