"""The SCPs that apply to a member account: attached to it, to each ancestor OU and to the organization root.

Read from the management account or a delegated administrator: registering a delegated administrator for
any service gives that account read-only access to Organizations data
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from ..evidence.collector import Context


class Once:
    """A cache shared by the threads of an org scan: each key is fetched once, however many members ask for it
    at the same time, and different keys are fetched side by side (no lock is held across a call)."""

    def __init__(self) -> None:
        self._values: dict = {}
        self._locks: dict = {}
        self._lock = threading.Lock()

    def once(self, key: Any, fetch: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._values:
                return self._values[key]
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # only the threads that want this key wait for its one fetch
            if key not in self._values:
                self._values[key] = fetch()  # a failure is not cached: the next member tries again
            return self._values[key]


def scp_chain(ctx: Context, account_id: str, cache: Once, partition: str = "aws", org_id: str | None = None,
              policy_type: str = "SERVICE_CONTROL_POLICY") -> dict:
    """SCPs (or RCPs, with policy_type) that apply to a member: attached to it, to each ancestor OU and to the root.

    Run from the management account. `cache` is shared across accounts so each OU's and each
    policy's calls are made once per organization, not once per member.
    """
    targets, node = [account_id], account_id
    while True:
        parents = cache.once(("parents", node),
                             lambda node=node: ctx.paginate("organizations", "ListParents", "Parents", ChildId=node))
        if not parents:
            break
        node = parents[0]["Id"]
        targets.append(node)
        if parents[0].get("Type") == "ROOT":
            break
    policies = []
    for target in targets:
        summaries = cache.once(("policies", policy_type, target), lambda target=target: ctx.paginate(
            "organizations", "ListPoliciesForTarget", "Policies", TargetId=target, Filter=policy_type))
        for summary in summaries:
            policy = cache.once(("policy", summary["Id"]), lambda pid=summary["Id"]: ctx.call(
                "organizations", "DescribePolicy", PolicyId=pid)["Policy"])
            policies.append({"id": summary["Id"], "name": summary.get("Name"), "target": target,
                             "content": policy.get("Content", "")})
    # The account, partition and organization let the check evaluate the policies for this account's root user.
    return {"status": "ok", "policies": policies, "account_id": account_id, "partition": partition, "org_id": org_id}


def member_scps(ctx: Context, account_id: str, cache: Once, partition: str, org: dict) -> dict:
    """The SCP evidence for a member: its chain, or why there is none to read.

    An organization with only consolidated billing features has no SCPs at all, so nothing can restrict its
    members' root users:
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html
    """
    if org.get("feature_set") == "CONSOLIDATED_BILLING":
        return {"status": "consolidated-billing"}
    return scp_chain(ctx, account_id, cache, partition, org.get("id"))
