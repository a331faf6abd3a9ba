"""The SCPs that apply to a member account: attached to it, to each ancestor OU and to the organization root.

Read from the management account or a delegated administrator: registering a delegated administrator for
any service gives that account read-only access to Organizations data
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html).
"""
from __future__ import annotations

from ..evidence.collector import Context


def scp_chain(ctx: Context, account_id: str, cache: dict, partition: str = "aws", org_id: str | None = None,
              policy_type: str = "SERVICE_CONTROL_POLICY") -> dict:
    """SCPs (or RCPs, with policy_type) that apply to a member: attached to it, to each ancestor OU and to the root.

    Run from the management account. `cache` is shared across accounts so each OU's and each
    policy's calls are made once per organization, not once per member.
    """
    targets, node = [account_id], account_id
    while True:
        key = ("parents", node)
        if key not in cache:
            cache[key] = ctx.paginate("organizations", "ListParents", "Parents", ChildId=node)
        parents = cache[key]
        if not parents:
            break
        node = parents[0]["Id"]
        targets.append(node)
        if parents[0].get("Type") == "ROOT":
            break
    policies = []
    for target in targets:
        key = ("policies", policy_type, target)
        if key not in cache:
            cache[key] = ctx.paginate("organizations", "ListPoliciesForTarget", "Policies", TargetId=target,
                                      Filter=policy_type)
        for summary in cache[key]:
            pkey = ("policy", summary["Id"])
            if pkey not in cache:
                cache[pkey] = ctx.call("organizations", "DescribePolicy", PolicyId=summary["Id"])["Policy"]
            policy = cache[pkey]
            policies.append({"id": summary["Id"], "name": summary.get("Name"), "target": target,
                             "content": policy.get("Content", "")})
    # The account, partition and organization let the check evaluate the policies for this account's root user.
    return {"status": "ok", "policies": policies, "account_id": account_id, "partition": partition, "org_id": org_id}


def member_scps(ctx: Context, account_id: str, cache: dict, partition: str, org: dict) -> dict:
    """The SCP evidence for a member: its chain, or why there is none to read.

    An organization with only consolidated billing features has no SCPs at all, so nothing can restrict its
    members' root users:
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html
    """
    if org.get("feature_set") == "CONSOLIDATED_BILLING":
        return {"status": "consolidated-billing"}
    return scp_chain(ctx, account_id, cache, partition, org.get("id"))
