"""org-scp-denies-root: an SCP applying to a member account denies actions to root principals."""
import json

from ..findings import Status, error, failed, manual, not_applicable, passed
from .model import Check


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _targets_root(condition) -> bool:
    """A condition that restricts the statement to root principals (aws:PrincipalArn like arn:...:root)."""
    for operator, keys in (condition or {}).items():
        if not isinstance(keys, dict) or "not" in operator.lower():
            continue
        for key, values in keys.items():
            if key.lower() == "aws:principalarn" and any(str(v).endswith(":root") for v in _as_list(values)):
                return True
    return False


def _exempts_assumed_root(condition) -> bool:
    return any(isinstance(keys, dict) and any(k.lower() == "aws:assumedroot" for k in keys)
               for keys in (condition or {}).values())


def root_denials(content: str) -> list[dict]:
    """Deny statements in an SCP that apply to root principals."""
    doc = json.loads(content) if isinstance(content, str) else content
    found = []
    for st in _as_list(doc.get("Statement", [])):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        condition = st.get("Condition") if isinstance(st.get("Condition"), dict) else {}
        if _targets_root(condition):
            found.append({"sid": st.get("Sid"), "assumed_root_exception": _exempts_assumed_root(condition)})
    return found


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
    if status == "error":
        return error(f"the SCPs applying to this account could not be read: {info.get('reason')}")
    if status != "ok" or not isinstance(info.get("policies"), list):
        return error("the SCPs applying to this account could not be read")
    denying, unreadable = [], []
    for policy in info["policies"]:
        if not isinstance(policy, dict):
            continue
        try:
            for denial in root_denials(policy.get("content", "")):
                denying.append(dict(denial, policy=policy.get("name") or policy.get("id"), target=policy.get("target")))
        except (ValueError, AttributeError, TypeError):
            unreadable.append(str(policy.get("name") or policy.get("id")))
    if not denying:
        note = f" ({', '.join(unreadable)} could not be parsed)" if unreadable else ""
        return failed("no SCP on this account, its OUs or the organization root denies actions to root principals"
                      + note, policies=[p.get("name") for p in info["policies"] if isinstance(p, dict)])
    # An explicit Deny in any SCP that applies wins, so one denial without the exception blocks root sessions.
    blocking = [d for d in denying if not d["assumed_root_exception"]]
    first = blocking[0] if blocking else denying[0]
    where = f"SCP '{first['policy']}' attached to {first['target']}"
    if not blocking:
        return passed(f"{where} denies actions to root, with an aws:AssumedRoot exception for centralized root "
                      "sessions", denials=denying)
    return passed(f"{where} denies actions to root; WARNING: it has no aws:AssumedRoot exception, so it also blocks "
                  "centralized root sessions (sts:AssumeRoot): add a Null condition on aws:AssumedRoot",
                  denials=denying)


CHECK = Check(
    id="org-scp-denies-root",
    title="An SCP denies actions to member accounts' root users",
    severity="medium",
    topic="organizations",
    rationale="An SCP is the only control that can restrict a member account's root user. Denying root actions "
              "(except in centralized root sessions) means stolen root credentials achieve little.",
    decides="From the management account, walks the account's parents (organizations:ListParents), lists the SCPs "
            "attached to the account, each ancestor OU and the root (organizations:ListPoliciesForTarget) and reads "
            "each (organizations:DescribePolicy). PASS when a Deny statement is conditioned on aws:PrincipalArn "
            "matching arn:*:iam::*:root; the reason warns when it lacks an aws:AssumedRoot exception.",
    statuses={Status.PASS: "such an SCP applies (with a warning if it would also block AssumeRoot sessions)",
              Status.FAIL: "no SCP applying to the account denies root",
              Status.NOT_APPLICABLE: "the management account, or no organization",
              Status.MANUAL: "scanned from a member account, which cannot read SCPs",
              Status.ERROR: "the SCPs could not be read"},
    sources=("scps",),
    evaluate=evaluate,
    fix="how-to/use-centralized-root-access.md#deny-root-with-an-scp",
    references=("https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",),
)
