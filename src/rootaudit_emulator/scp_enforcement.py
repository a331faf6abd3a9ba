"""Service control policies take effect, as on AWS: moto stores SCPs but never applies them.

For every signed request from a principal of a *member* account, the SCPs attached to the account, each
ancestor OU and the organization root are evaluated against the request:

- an explicit Deny that matches (Action/NotAction, Resource "*", Condition) denies the call;
- at every level at least one attached SCP must Allow the action (FullAWSAccess is attached by default);
- SCPs never apply to the management account, nor to requests that need no permission (GetCallerIdentity);
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
- inside an sts:AssumeRoot session the principal is the member's root user and aws:AssumedRoot is "true",
  which is what the aws:AssumedRoot exception in AWS's sample SCP tests.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html

This is a concrete evaluator of one request, written apart from the product's symbolic SCP reading
(rootaudit.org.scp_analysis) on purpose: the emulator must not agree with the product by sharing its code.
The error is what AWS sends: AccessDenied "... with an explicit deny in a service control policy", or "...
because no service control policy allows the ... action".
https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
"""
from __future__ import annotations

import json
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from . import root_state as rs

EXEMPT = {"sts:GetCallerIdentity"}  # needs no permission; AWS answers it even under a deny-all SCP


def principal_context(access_key: str, region: str) -> dict[str, Any] | None:
    """The request context keys of the caller, or None when it is not a principal of a member account."""
    session = rs.root_session(access_key)
    if session is not None:
        account = session.account_id
        ctx = {"aws:principalarn": f"arn:aws:iam::{account}:root", "aws:principaltype": "Account",
               "aws:principalaccount": account, "aws:userid": account}
        if session.task_policy is not None:
            ctx["aws:assumedroot"] = "true"
        return ctx
    from moto.iam.models import get_account_id_from
    from moto.sts.models import sts_backends

    account = get_account_id_from(access_key)
    if rs.is_root_caller(account, access_key):
        return {"aws:principalarn": f"arn:aws:iam::{account}:root", "aws:principaltype": "Account",
                "aws:principalaccount": account, "aws:userid": account}
    try:
        arn = sts_backends[account]["aws"].get_caller_identity(access_key, region)[1]
    except Exception:  # an unknown key: moto maps it to its default account, which is no member
        return None
    ctx = {"aws:principalaccount": account, "aws:principalarn": arn, "aws:principaltype": "User"}
    if ":assumed-role/" in arn:
        role = arn.split(":assumed-role/", 1)[1].rsplit("/", 1)[0]
        ctx["aws:principalarn"] = f"arn:aws:iam::{account}:role/{role}"  # a role session's PrincipalArn is the role
        ctx["aws:principaltype"] = "AssumedRole"
    return ctx


def _chain(backend: Any, account_id: str) -> list[list[Any]]:
    """The SCPs attached at each level: the account, each ancestor OU, the root."""
    entry = rs.org_account(backend, account_id)
    if entry is None:
        return []
    levels = [[p for p in entry.attached_policies if p.type == "SERVICE_CONTROL_POLICY"]]
    parent, seen = entry.parent_id, set()
    while parent and parent not in seen:
        seen.add(parent)
        node = next((ou for ou in backend.ou if ou.id == parent), None)
        if node is None:
            break
        levels.append([p for p in node.attached_policies if p.type == "SERVICE_CONTROL_POLICY"])
        parent = getattr(node, "parent_id", None)
    return levels


@lru_cache(maxsize=512)
def _statements(content: str) -> tuple[dict[str, Any], ...]:
    try:
        doc = json.loads(content)
    except (TypeError, ValueError):
        return ()
    st = doc.get("Statement", []) if isinstance(doc, dict) else []
    return tuple(s for s in (st if isinstance(st, list) else [st]) if isinstance(s, dict))


def _list(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _action_matches(statement: dict[str, Any], action: str) -> bool:
    action = action.lower()
    if "NotAction" in statement:
        return not any(fnmatchcase(action, a.lower()) for a in _list(statement["NotAction"]))
    return any(fnmatchcase(action, a.lower()) for a in _list(statement.get("Action", [])))


def _arn_match(value: str, pattern: str) -> bool:
    v, p = value.split(":", 5), pattern.split(":", 5)
    return len(v) == len(p) == 6 and all(fnmatchcase(a, b) for a, b in zip(v, p, strict=True))


_POSITIVE = {
    "stringequals": lambda v, p: v == p, "stringequalsignorecase": lambda v, p: v.lower() == p.lower(),
    "stringlike": fnmatchcase, "arnequals": _arn_match, "arnlike": _arn_match,
    "bool": lambda v, p: v.lower() == p.lower(),
}
_NEGATIVE = {"stringnotequals": "stringequals", "stringnotequalsignorecase": "stringequalsignorecase",
             "stringnotlike": "stringlike", "arnnotequals": "arnequals", "arnnotlike": "arnlike"}


def _condition_holds(condition: Any, ctx: dict[str, Any]) -> bool:
    if not condition:
        return True
    for operator, keys in condition.items():
        op = operator.lower()
        qualifier = None
        if ":" in op:
            qualifier, op = op.split(":", 1)
        if_exists = op.endswith("ifexists")
        op = op[:-8] if if_exists else op
        for key, values in (keys or {}).items():
            actual, wanted = ctx.get(key.lower()), _list(values)
            if op == "null":
                if not any((w.lower() == "true") == (actual is None) for w in wanted):
                    return False
                continue
            if actual is None:
                if qualifier == "foranyvalue":
                    return False
                if qualifier == "forallvalues" or if_exists or op in _NEGATIVE:
                    continue
                return False
            base = _NEGATIVE.get(op, op)
            match = _POSITIVE.get(base)
            if match is None:
                return False  # an operator this emulator does not model never matches
            hit = any(match(str(actual), w) for w in wanted)
            if hit == (op in _NEGATIVE):
                return False
    return True


def _applies(statement: dict[str, Any], action: str, ctx: dict[str, Any]) -> bool:
    resources = _list(statement.get("Resource", "*")) if "NotResource" not in statement else []
    return ("*" in resources and _action_matches(statement, action)
            and _condition_holds(statement.get("Condition"), ctx))


def denial(op: Any, environ: dict[str, Any]) -> str | None:
    """AWS's AccessDenied message when an SCP denies this request, else None (the caller picks the wire code)."""
    if op.name in EXEMPT or environ.get("HTTP_X_MOTO_ACCOUNT_ID"):  # set-up calls are AWS itself, not a principal
        return None
    from moto.organizations.models import organizations_backends

    if not organizations_backends.master_accounts:
        return None  # no member account anywhere: nothing an SCP could apply to (and no lookups per request)
    ctx = principal_context(op.access_key, op.region)
    if ctx is None:
        return None
    context = rs.org_of(ctx["aws:principalaccount"])
    if context is None or context[0] != "member":
        return None  # no organization, or the management account: SCPs never apply
    ctx["aws:requestedregion"] = op.region
    ctx["aws:principalorgid"] = context[1].org.id
    who = ctx["aws:principalarn"] if ctx["aws:principaltype"] != "AssumedRole" else _session_arn(op, ctx)
    levels = [[s for p in level for s in _statements(p.content or "")]
              for level in _chain(context[1], ctx["aws:principalaccount"])]
    if any(s.get("Effect") == "Deny" and _applies(s, op.name, ctx) for level in levels for s in level):
        return (f"User: {who} is not authorized to perform: {op.name} "
                "with an explicit deny in a service control policy")
    for statements in levels:
        if not any(s.get("Effect") == "Allow" and _applies(s, op.name, ctx) for s in statements):
            return (f"User: {who} is not authorized to perform: {op.name} because no service "
                    f"control policy allows the {op.name} action")
    return None


def _session_arn(op: Any, ctx: dict[str, Any]) -> str:
    from moto.sts.models import sts_backends

    try:
        return sts_backends[ctx["aws:principalaccount"]]["aws"].get_caller_identity(op.access_key, op.region)[1]
    except Exception:
        return ctx["aws:principalarn"]
