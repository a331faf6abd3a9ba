"""What an SCP means for one member account's root user: a pure reading of the policy, no AWS calls.

Each Deny statement is read for what it covers (Effect, Action/NotAction, Resource/NotResource) and for whom
(its Condition block), evaluated against the request context AWS builds for the root user of that account:

- aws:PrincipalArn is arn:<partition>:iam::<account>:root, aws:PrincipalAccount and aws:userid the account id,
  aws:PrincipalType is ``Account`` (never ``Root``), aws:PrincipalIsAWSService is false;
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
- in an sts:AssumeRoot session aws:AssumedRoot is "true"; for the root user's own sign-in or keys it is absent,
  which is why AWS's sample SCP exempts root sessions with ``"Null": {"aws:AssumedRoot": "true"}``;
  https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html
- keys about the request rather than the principal (aws:SourceIp, aws:RequestedRegion, MFA, ...) are unknown:
  a statement that depends on them denies root only sometimes.

Condition semantics follow the IAM condition-operator reference: operators AND, keys AND, values OR; a
negated operator is true when the key matches none of its values and when the key is absent; ...IfExists is
true when the key is absent; ForAnyValue is false and ForAllValues true on an absent key.
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
Unknown is carried as None through a three-valued AND, so "denies root" is claimed only when it is certain.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

# Keys that describe the principal; anything else in a condition makes the outcome request-dependent.
PRINCIPAL_KEYS = {"aws:principalarn", "aws:principaltype", "aws:principalaccount", "aws:userid", "aws:username",
                  "aws:assumedroot", "aws:principalisawsservice", "aws:principalservicename",
                  "aws:principalservicenameslist", "aws:principalorgid"}
PRINCIPAL_TAG = "aws:principaltag/"
# Where the request comes from. A deny-root statement that spares known networks is the pattern AWS's
# centralized-root-access post suggests adding; it still denies root everywhere else, so it counts, named as such.
# https://aws.amazon.com/blogs/security/secure-root-user-access-for-member-accounts-in-aws-organizations/
NETWORK_KEYS = {"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip"}


@dataclass(frozen=True)
class RootContext:
    """The request context of the root user of one account, as AWS fills it in."""

    account_id: str | None  # None: the account is not known, so account-specific values stay unknown
    partition: str = "aws"
    assumed_root: bool = False  # an sts:AssumeRoot session rather than the root user's own credentials
    org_id: str | None = None

    def value(self, key: str) -> tuple[bool, Any]:
        """(known, value); value None means the key is absent from the request context."""
        key = key.lower()
        if key.startswith(PRINCIPAL_TAG) or key in ("aws:username", "aws:principalservicename",
                                                    "aws:principalservicenameslist"):
            return True, None  # the root user has no tags, no user name and is not a service
        if key == "aws:principaltype":
            return True, "Account"
        if key == "aws:principalisawsservice":
            return True, "false"
        if key == "aws:assumedroot":
            return True, "true" if self.assumed_root else None
        if key == "aws:principalorgid":
            return (self.org_id is not None), self.org_id
        if key in ("aws:principalarn", "aws:principalaccount", "aws:userid"):
            if self.account_id is None:
                return False, None
            if key == "aws:principalarn":
                return True, f"arn:{self.partition}:iam::{self.account_id}:root"
            return True, self.account_id
        return False, None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _arn_like(arn: str, pattern: str) -> bool:
    """ARN operators compare each of the six colon-separated parts on its own, wildcards allowed in each."""
    p, a = pattern.split(":", 5), arn.split(":", 5)
    return len(p) == len(a) == 6 and all(fnmatchcase(x, y) for x, y in zip(a, p, strict=True))


_MATCHERS = {
    "stringequals": lambda v, p: v == p,
    "stringequalsignorecase": lambda v, p: v.lower() == p.lower(),
    "stringlike": lambda v, p: fnmatchcase(v, p),
    "arnequals": _arn_like,
    "arnlike": _arn_like,
    "bool": lambda v, p: v.lower() == p.lower(),
}
_NEGATED = {"stringnotequals": "stringequals", "stringnotequalsignorecase": "stringequalsignorecase",
            "stringnotlike": "stringlike", "arnnotequals": "arnequals", "arnnotlike": "arnlike"}


def _and(results: list[bool | None]) -> bool | None:
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _operator_holds(operator: str, key: str, values: list[Any], ctx: RootContext) -> bool | None:
    """One operator on one key, for this root context. None: cannot be known from the principal alone."""
    known, actual = ctx.value(key)
    if not known:
        return None
    op = operator.lower()
    set_op = None
    if ":" in op:
        set_op, op = op.split(":", 1)
        if set_op not in ("foranyvalue", "forallvalues"):
            return None
    if_exists = op.endswith("ifexists") and op != "null"
    if if_exists:
        op = op[: -len("ifexists")]
    texts = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    if any("${" in t for t in texts):
        return None  # policy variables: not resolved here
    if op == "null":
        wants_absent = [t.lower() == "true" for t in texts]
        return any(w == (actual is None) for w in wants_absent)
    if actual is None:
        if set_op == "foranyvalue":
            return False
        if set_op == "forallvalues" or if_exists:
            return True
        return op in _NEGATED  # absent key: positive operators fail, negated ones hold
    negated = op in _NEGATED
    match = _MATCHERS.get(_NEGATED.get(op, op))
    if match is None:
        return None  # numeric, date or IP operators on a principal key: not something we model
    hit = any(match(str(actual), t) for t in texts)
    return not hit if negated else hit


def condition_holds(condition: Any, ctx: RootContext) -> tuple[bool | None, list[str]]:
    """Whether a Condition block holds for this root context, and the request-dependent keys it names."""
    if not condition:
        return True, []
    if not isinstance(condition, dict):
        return None, ["<malformed Condition>"]
    results, unknown = [], []
    for operator, keys in condition.items():
        if not isinstance(keys, dict):
            return None, ["<malformed Condition>"]
        for key, values in keys.items():
            outcome = _operator_holds(str(operator), str(key), _as_list(values), ctx)
            if outcome is None:
                unknown.append(str(key))
            results.append(outcome)
    return _and(results), unknown


_ALL_ACTIONS = re.compile(r"^\*(:\*)?$")


@dataclass
class RootDenial:
    """A Deny statement that applies, or may apply, to the root user of the account."""

    sid: str | None
    scope: str  # "all": every action; "all-except": NotAction; "some": only the listed actions
    actions: list[str]  # the listed actions ("some") or the exceptions ("all-except")
    all_resources: bool
    applies: bool | None  # to the root user's own credentials: True, or None when request-dependent
    applies_in_root_session: bool | None  # to an sts:AssumeRoot session in that account
    depends_on: list[str] = field(default_factory=list)  # request keys that decide whether it applies

    @property
    def outside_networks_only(self) -> bool:
        """Applies unless the request comes from networks the statement names (and nothing else is unknown)."""
        return (self.applies is None and bool(self.depends_on)
                and all(k.lower() in NETWORK_KEYS for k in self.depends_on))

    @property
    def denies_all(self) -> bool:
        """Every (or every but a few named) action on every resource: 'denies root' (outside named networks)."""
        return ((self.applies is True or self.outside_networks_only) and self.scope in ("all", "all-except")
                and self.all_resources)

    def describe(self) -> str:
        if self.scope == "some":
            what = "only " + ", ".join(self.actions[:4]) + (" ..." if len(self.actions) > 4 else "")
        elif self.scope == "all-except":
            what = "every action except " + ", ".join(self.actions[:4]) + (" ..." if len(self.actions) > 4 else "")
        else:
            what = "every action"
        if not self.all_resources:
            what += " on some resources only"
        if self.outside_networks_only:
            what += " except from the networks in " + ", ".join(sorted(set(self.depends_on)))
        elif self.applies is None:
            what += " when " + ", ".join(sorted(set(self.depends_on))) + " match"
        return what


# When the scanned account is not known, a condition that gives the same answer for two made-up account ids and
# for every account id the policy names does not depend on the account id.
_PROBE_ACCOUNTS = ("000000000000", "999999999999")


def _holds_for(condition: Any, account_id: str | None, partition: str, assumed_root: bool,
               org_id: str | None) -> tuple[bool | None, list[str]]:
    if account_id is not None:
        return condition_holds(condition, RootContext(account_id, partition, assumed_root, org_id))
    named = set(re.findall(r"(?<!\d)\d{12}(?!\d)", json.dumps(condition)))  # accounts the policy names
    probes = list(_PROBE_ACCOUNTS) + sorted(named)
    outcomes = [condition_holds(condition, RootContext(a, partition, assumed_root, org_id)) for a in probes]
    if len({o[0] for o in outcomes}) == 1:
        return outcomes[0]
    return None, outcomes[0][1] + ["the account id in aws:PrincipalArn"]


def root_denials(content: Any, account_id: str | None = None, partition: str = "aws",
                 org_id: str | None = None) -> list[RootDenial]:
    """Deny statements of an SCP that apply (certainly or possibly) to this account's root user.

    Raises ValueError or TypeError for content that is not a JSON policy document.
    """
    doc = json.loads(content) if isinstance(content, str) else content
    if not isinstance(doc, dict):
        raise TypeError("the policy is not a JSON object")
    found = []
    for st in _as_list(doc.get("Statement", [])):
        if not isinstance(st, dict) or st.get("Effect") != "Deny":
            continue
        applies, unknown = _holds_for(st.get("Condition"), account_id, partition, False, org_id)
        in_session, unknown_s = _holds_for(st.get("Condition"), account_id, partition, True, org_id)
        if applies is False and in_session is False:
            continue
        if "NotAction" in st:
            exceptions = [str(a) for a in _as_list(st["NotAction"])]
            if any(_ALL_ACTIONS.match(a) for a in exceptions):
                continue  # NotAction "*" denies nothing
            scope, actions = "all-except", exceptions
        else:
            listed = [str(a) for a in _as_list(st.get("Action", []))]
            if not listed:
                continue
            scope = "all" if any(_ALL_ACTIONS.match(a) for a in listed) else "some"
            actions = [] if scope == "all" else listed
        all_resources = "NotResource" not in st and any(r == "*" for r in _as_list(st.get("Resource", "*")))
        found.append(RootDenial(st.get("Sid"), scope, actions, all_resources, applies, in_session,
                                sorted(set(unknown + unknown_s))))
    return found


def denies_action(denial: RootDenial, action: str) -> bool:
    """Whether the statement's Action/NotAction covers one action (case-insensitive, wildcards allowed)."""
    action = action.lower()
    hit = any(fnmatchcase(action, a.lower()) for a in denial.actions)
    return True if denial.scope == "all" else (not hit if denial.scope == "all-except" else hit)


def names_root_principal_type(content: Any) -> bool:
    """Whether a Deny tests aws:PrincipalType against "Root", a value AWS never sends (root's type is Account)."""
    doc = json.loads(content) if isinstance(content, str) else content
    for st in _as_list(doc.get("Statement", []) if isinstance(doc, dict) else []):
        condition = st.get("Condition") if isinstance(st, dict) and st.get("Effect") == "Deny" else None
        for keys in (condition or {}).values() if isinstance(condition, dict) else []:
            for key, values in (keys or {}).items() if isinstance(keys, dict) else []:
                if key.lower() == "aws:principaltype" and any(str(v).lower() == "root" for v in _as_list(values)):
                    return True
    return False
