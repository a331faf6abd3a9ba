"""The organization's shape read once, so a large org scan does not ask Organizations about each member.

Per member, the SCP (and RCP) chain costs `ListParents` plus one `ListPoliciesForTarget` per policy type, all
from the management account against the organization's own request rate. For an organization of many accounts
the same answers cost far fewer calls read the other way round:

- the tree, walked from the root: `ListRoots`, then `ListOrganizationalUnitsForParent` and
  `ListAccountsForParent` for the root and each OU, gives every account's and OU's parent;
- the attachments, per policy: `ListPolicies` once per policy type, then `ListTargetsForPolicy` for each policy,
  gives the policies attached to every target.

Both fill the org scan's shared cache (scps.Once) under the keys scp_chain reads, so scp_chain is unchanged and
still answers on its own for anything left out. Each half is used only when it is cheaper than the per-member
reads, and only when it was read whole: a failure (say AccessDenied on one of these actions) leaves the cache
untouched, and the per-member reads say what went wrong, as they always did. Policy types that ListRoots does not
show as ENABLED are left to the per-member reads, which report PolicyTypeNotEnabledException as before.

Pages: https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html,
API_ListOrganizationalUnitsForParent.html, API_ListAccountsForParent.html, API_ListPolicies.html and
API_ListTargetsForPolicy.html in the same reference.
"""
from __future__ import annotations

from ..evidence.collector import Context
from ..evidence.errors import SourceFailed
from .scps import Once


class _OverBudget(Exception):
    """The walk would cost more calls than reading each member's parent: stop it."""


def _walk(ctx: Context, root_id: str, budget: int) -> dict[str, list[dict]]:
    """Each account's and OU's parent ({"Id", "Type"}), as ListParents answers it.

    One level of the tree at a time, its OUs side by side, so the walk waits for about as many round trips as
    the tree is deep. Raises _OverBudget before a level that would take the walk past `budget` calls.
    """
    parents: dict[str, list[dict]] = {}
    level, calls = [(root_id, "ROOT")], 0

    def children(ask: tuple[str, str]) -> list[dict]:
        kind, parent_id = ask
        if kind == "accounts":
            return ctx.paginate("organizations", "ListAccountsForParent", "Accounts", ParentId=parent_id)
        return ctx.paginate("organizations", "ListOrganizationalUnitsForParent", "OrganizationalUnits",
                            ParentId=parent_id)

    while level:
        calls += 2 * len(level)
        if calls > budget:
            raise _OverBudget
        asks = [(kind, node_id) for node_id, _ in level for kind in ("ous", "accounts")]
        found = iter(ctx.map(children, asks))  # two lists per node, in the order asked
        below = []
        for parent_id, parent_type in level:
            ous, accounts = next(found), next(found)
            parent = [{"Id": parent_id, "Type": parent_type}]
            for child in [*ous, *accounts]:
                parents[child["Id"]] = parent
            below += [(ou["Id"], "ORGANIZATIONAL_UNIT") for ou in ous]
        level = below
    return parents


def _attachments(ctx: Context, policy_type: str, targets: list[str]) -> dict[str, list[dict]] | None:
    """The policies of `policy_type` attached to each target, as ListPoliciesForTarget answers them; None when
    asking each policy for its targets would cost as many calls as asking each target for its policies."""
    policies = ctx.paginate("organizations", "ListPolicies", "Policies", Filter=policy_type)
    if len(policies) >= len(targets):
        return None
    attached: dict[str, list[dict]] = {target: [] for target in targets}
    found = ctx.map(lambda policy: ctx.paginate("organizations", "ListTargetsForPolicy", "Targets",
                                                PolicyId=policy["Id"]), policies)
    for policy, policy_targets in zip(policies, found, strict=True):
        for target in policy_targets:
            attached.setdefault(target["TargetId"], []).append(policy)
    return attached


def read_org_map(ctx: Context, cache: Once, members: int, policy_types: list[str]) -> list[str]:
    """Fill `cache` with the tree and each policy type's attachments when that is cheaper than per-member reads.

    `members` is the number of accounts whose chains the scan will read. Returns what was filled ("parents",
    and each policy type); nothing is filled from a read that failed.
    """
    filled: list[str] = []
    if members < 1 + 2:  # the smallest map (ListRoots, the root's OUs and accounts) would cost more than it saves
        return filled
    try:
        roots = ctx.paginate("organizations", "ListRoots", "Roots")
        if len(roots) != 1:  # an organization has exactly one root; anything else is left to ListParents
            return filled
        root = roots[0]
        parents = _walk(ctx, root["Id"], budget=members - 1)  # ListRoots was one call of the budget
    except (_OverBudget, SourceFailed):  # whatever failed, each member's own reads meet it and say so
        return filled
    for child, parent in parents.items():
        cache.once(("parents", child), lambda parent=parent: parent)
    filled.append("parents")

    enabled = {t.get("Type") for t in root.get("PolicyTypes") or [] if t.get("Status") == "ENABLED"}
    targets = [root["Id"], *parents]

    def attachments(policy_type: str) -> dict[str, list[dict]] | None:
        try:
            return _attachments(ctx, policy_type, targets)
        except SourceFailed:
            return None

    types = [t for t in policy_types if t in enabled]
    for policy_type, attached in zip(types, ctx.map(attachments, types), strict=True):
        if attached is not None:
            for target, summaries in attached.items():
                cache.once(("policies", policy_type, target), lambda summaries=summaries: summaries)
            filled.append(policy_type)
    return filled
