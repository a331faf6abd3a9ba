"""Read AWS Sign-In statements (a Sign-In resource-based policy or an RCP) for what they do to root's sign-in.

Pure helpers for the check root-sign-in-restricted and the root-activity notebook (kept outside checks/, where every
module is a check). AWS documents the action (signin:Authenticate), the condition keys
(aws:SourceIp, aws:VpcSourceIp, aws:SourceVpc, aws:SourceVpce, signin:PrincipalArn) and that RCPs are Deny
policies; it does not document the exact statement a PutResourcePermissionStatement call stores, so both a Deny
with negated network tests and an allow-list of Allow statements with network tests are understood.
"""
from __future__ import annotations

import fnmatch
import ipaddress
from typing import Any

ACTIONS = ("signin:authenticate", "signin:*", "*")
# aws:VpcSourceIp is a private address inside a VPC: kept apart from public ranges, never compared with them.
NETWORK_KEYS = {"aws:sourceip": "cidrs", "aws:vpcsourceip": "vpc_source_ips", "aws:sourcevpc": "vpcs",
                "aws:sourcevpce": "vpc_endpoints"}
KINDS = ("cidrs", "vpc_source_ips", "vpcs", "vpc_endpoints")
IDENTITY_KEYS = ("signin:principalarn", "aws:principalarn")
NEGATED = {"cidrs": ("notipaddress",), "vpc_source_ips": ("notipaddress",),
           "vpcs": ("stringnotequals", "stringnotlike"),
           "vpc_endpoints": ("stringnotequals", "stringnotlike")}
POSITIVE = {"cidrs": ("ipaddress",), "vpc_source_ips": ("ipaddress",), "vpcs": ("stringequals", "stringlike"),
            "vpc_endpoints": ("stringequals", "stringlike")}
OPEN = {"0.0.0.0/0", "::/0"}


def _get(d: dict, key: str) -> Any:
    """A policy element whatever its case (botocore gives 'effect', RCP JSON gives 'Effect')."""
    return next((v for k, v in d.items() if isinstance(k, str) and k.lower() == key), None)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else ([] if value is None else [value])


def _covers_root_principal(principal: Any, root_arn: str) -> bool:
    if principal is None or principal == "*":
        return True
    values = [v for p in (principal.values() if isinstance(principal, dict) else [principal]) for v in _as_list(p)]
    return any(v == "*" or v == root_arn or v == root_arn.split(":")[4] for v in values)


def _matches_root(values: list, root_arn: str) -> bool:
    return any(isinstance(v, str) and fnmatch.fnmatchcase(root_arn, v) for v in values)


def read_statement(st: Any, root_arn: str) -> dict | None:
    """What one statement does to root's signin:Authenticate; None when it does not concern root's sign-in."""
    if not isinstance(st, dict):
        return None
    effect = str(_get(st, "effect") or "").lower()
    actions = [str(a).lower() for a in _as_list(_get(st, "action"))]
    if effect not in ("allow", "deny") or not any(fnmatch.fnmatchcase(a, "signin:authenticate") or a in ACTIONS
                                                  for a in actions):
        return None
    if not _covers_root_principal(_get(st, "principal"), root_arn):
        return None
    condition = _get(st, "condition") or {}
    if not isinstance(condition, dict):
        raise ValueError("a condition block that is not a mapping")
    networks: dict[str, list] = {k: [] for k in KINDS}
    negated = positive = False
    excluded: list[str] = []
    unknown: list[str] = []
    for operator, keys in condition.items():
        op = str(operator).lower().removesuffix("ifexists")
        if not isinstance(keys, dict):
            raise ValueError(f"condition {operator} is not a mapping")
        for key, values in keys.items():
            key, values = str(key).lower(), [str(v) for v in _as_list(values)]
            kind = NETWORK_KEYS.get(key)
            if kind and op in NEGATED[kind]:
                negated = True
                networks[kind] += values
            elif kind and op in POSITIVE[kind]:
                positive = True
                networks[kind] += values
            elif key in IDENTITY_KEYS and op.startswith(("arnnot", "stringnot")):
                if _matches_root(values, root_arn):
                    return {"effect": effect, "root_excluded": True, "sid": _get(st, "sid")}
                excluded += values  # the break-glass principal(s)
            elif key in IDENTITY_KEYS and op.startswith(("arn", "string")):
                if not _matches_root(values, root_arn):
                    return None  # aimed at other principals only
            else:
                unknown.append(f"{operator}:{key}")
    return {"effect": effect, "root_excluded": False, "sid": _get(st, "sid"), "networks": networks,
            "negated": negated, "positive": positive, "excluded": excluded, "unknown": unknown}


def restrictions(stmts: list, root_arn: str, source: str) -> tuple[list[dict], list[dict]]:
    """(restrictions of root's sign-in, statements that exclude root) found in one policy."""
    read = [r for r in (read_statement(s, root_arn) for s in stmts) if r is not None]
    excluding = [dict(r, source=source) for r in read if r["root_excluded"]]
    found = []
    for r in read:
        if r["effect"] == "deny" and not r["root_excluded"] and not r["unknown"] and not r["positive"]:
            # A Deny with negated network tests allows only those networks; one without any blocks root outright.
            found.append(dict(r, source=source, kind="deny"))
    allows = [r for r in read if r["effect"] == "allow" and not r["root_excluded"]]
    if not found and allows and all(r["positive"] and not r["negated"] and not r["unknown"] for r in allows):
        merged = {k: [v for r in allows for v in r["networks"][k]] for k in KINDS}
        found.append({"source": source, "kind": "allow-list", "sid": None, "networks": merged, "excluded": [],
                      "negated": False, "positive": True})
    return found, excluding


def open_to_all(restriction: dict) -> bool:
    """A 'restriction' that still lets root in from anywhere on the internet."""
    return any(c.strip() in OPEN for c in restriction["networks"]["cidrs"])


def outside(allowed: dict, expected: dict) -> list[str]:
    """Allowed networks that are not inside the expected ones; kinds with no expected values are not compared."""
    bad = []
    if expected["cidrs"]:
        nets = [ipaddress.ip_network(c, strict=False) for c in expected["cidrs"]]
        for c in allowed["cidrs"]:
            try:
                net = ipaddress.ip_network(c.strip(), strict=False)
            except ValueError:
                bad.append(c)
                continue
            if not any(net.version == e.version and net.subnet_of(e) for e in nets):
                bad.append(c)
    for kind in ("vpcs", "vpc_endpoints"):
        if expected[kind]:
            bad += [v for v in allowed[kind] if v not in expected[kind]]
    return bad
