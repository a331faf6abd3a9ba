"""org-scp-denies-root: an SCP applying to a member account denies every action to its root user.

The policy reading lives in rootaudit.org.scp_analysis: Effect, Action/NotAction, Resource and the principal
conditions are evaluated for this account's root user, so a Deny of one action, a Deny pinned to another
account's root or one that depends on the source IP is not taken for "denies root", while equivalent
formulations (ArnLike or StringLike on aws:PrincipalArn, aws:PrincipalType = Account, "everyone but roles")
are.
"""
from ..findings import Status, error, failed, manual, not_applicable, passed
from ..org.scp_analysis import names_root_principal_type, root_denials
from .model import Check


def _where(d: dict) -> str:
    return f"SCP '{d['policy']}' attached to {d['target']}"


def evaluate(ev, config):
    info = ev.get("scps")
    status = info.get("status") if isinstance(info, dict) else None
    if status == "no-organization":
        return not_applicable("this account is not in an AWS Organizations organization")
    if status == "management":
        return not_applicable("SCPs never apply to the management account, so no SCP can restrict its root user")
    if status == "not-readable":
        return manual("only the management account or a delegated administrator can read SCPs: run "
                      "`rootaudit scan --org` there, or check the policies on this account, its OUs and the root in "
                      "the Organizations console")
    if status == "consolidated-billing":
        return failed("the organization has only consolidated billing features, so SCPs are not available and "
                      "nothing can restrict member root users: enable all features")
    if status == "error":
        return error(f"the SCPs applying to this account could not be read: {info.get('reason')}")
    if status != "ok" or not isinstance(info.get("policies"), list):
        return error("the SCPs applying to this account could not be read")
    account, partition = info.get("account_id"), info.get("partition") or "aws"
    full, partial, unreadable, root_type = [], [], [], []
    for policy in info["policies"]:
        if not isinstance(policy, dict):
            continue
        name = policy.get("name") or policy.get("id")
        content = policy.get("content")  # None (no content) is unparsable, as any default would be
        try:
            denials = root_denials(content, account, partition, info.get("org_id"))
        except (ValueError, AttributeError, TypeError):
            unreadable.append(str(name))
            continue
        if names_root_principal_type(content):
            root_type.append(str(name))
        for d in denials:
            entry = {"policy": name, "target": policy.get("target"), "sid": d.sid, "scope": d.scope,
                     "actions": d.actions, "applies": d.applies, "in_root_session": d.applies_in_root_session,
                     "depends_on": d.depends_on, "what": d.describe()}
            (full if d.denies_all else partial).append(entry)
    note = f" ({', '.join(unreadable)} could not be parsed)" if unreadable else ""
    if not full:
        if root_type:  # a common mistake: AWS sends aws:PrincipalType "Account" for the root user
            note += (f"; {', '.join(root_type)} tests aws:PrincipalType for \"Root\", which AWS never sends: the "
                     "root user's principal type is \"Account\"")
        if partial:
            p = partial[0]
            return failed(f"no SCP denies every action to root: {_where(p)} denies root {p['what']}" + note,
                          partial=partial)
        return failed("no SCP on this account, its OUs or the organization root denies actions to root principals"
                      + note, policies=[p.get("name") for p in info["policies"] if isinstance(p, dict)])
    # An explicit Deny in any SCP that applies wins: one denial that holds in root sessions blocks them all.
    blocking = [d for d in full if d["in_root_session"] is True]
    first = blocking[0] if blocking else full[0]
    where = f"{_where(first)} denies root {first['what']}"  # "every action", or what limits it
    if blocking:
        return passed(f"{where}; WARNING: it has no aws:AssumedRoot exception, so it also blocks centralized root "
                      "sessions (sts:AssumeRoot): add a Null condition on aws:AssumedRoot" + note, denials=full)
    if all(d["in_root_session"] is None for d in full):
        return passed(f"{where}; whether it also blocks centralized root sessions (sts:AssumeRoot) depends on "
                      f"{', '.join(first['depends_on'])}" + note, denials=full)
    return passed(f"{where}, with an aws:AssumedRoot exception for centralized root sessions" + note,
                  denials=full)


CHECK = Check(
    id="org-scp-denies-root",
    title="An SCP denies actions to member accounts' root users",
    severity="medium",
    topic="organizations",
    rationale="An SCP is the only control that can restrict a member account's root user. Denying root actions "
              "(except in centralized root sessions) means stolen root credentials achieve little.",
    decides="From the management account or a delegated administrator, walks the account's parents "
            "(organizations:ListParents), lists the SCPs attached to the account, each ancestor OU and the root "
            "(organizations:ListPoliciesForTarget) and reads each (organizations:DescribePolicy). An org scan of "
            "many accounts reads the same tree and attachments once for the whole organization instead "
            "(ListRoots, ListOrganizationalUnitsForParent, ListAccountsForParent, ListPolicies, "
            "ListTargetsForPolicy), when that takes fewer calls. "
            "Each Deny statement is evaluated for this account's root user "
            "(Action/NotAction, Resource, and conditions on aws:PrincipalArn, aws:PrincipalType, aws:AssumedRoot "
            "...). PASS when one denies every action (or all but a named few) to root, for certain or everywhere "
            "but named networks (aws:SourceIp, aws:SourceVpc); a Deny of some actions, or one that depends on "
            "other request keys, is FAIL with what it covers; an organization with only consolidated billing has no "
            "SCPs (FAIL). The reason warns when it lacks an aws:AssumedRoot exception.",
    statuses={Status.PASS: "such an SCP applies (with a warning if it would also block AssumeRoot sessions)",
              Status.FAIL: "no SCP applying to the account denies every action to root (partial denials are named)",
              Status.NOT_APPLICABLE: "the management account, or no organization",
              Status.MANUAL: "scanned from a member account, which cannot read SCPs",
              Status.ERROR: "the SCPs could not be read"},
    sources=("scps",),
    evaluate=evaluate,
    order=2,
    fix="how-to/use-centralized-root-access.md#deny-root-with-an-scp",
    references=("https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",),
)
