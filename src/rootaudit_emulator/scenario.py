"""Scenarios: a YAML description of one or more accounts' root posture, validated, then applied to moto.

Applying follows one rule: state that moto's API can hold is created with boto3 over HTTP (so it is exactly
what the product will read back), and only state the API cannot reach goes in-process through root_state.py.
Bulk padding (IAM inventory, hundreds of member accounts) is also in-process, for speed.

Schema (every key optional unless marked; ``days ago`` values are relative to load time):

    description: str                       # required: what the scenario shows
    extends: <scenario name>               # start from another scenario; mappings merge, lists replace
    account_id: "123456789012"             # the audited account (default: the management account, or 123456789012)
    region: us-east-1
    caller: admin | root
    root: <posture>                        # the audited account's root user
    iam_users: [{name, mfa: none|virtual}]
    iam_inventory: {users: N, roles: N}    # padding for benchmarks, in-process
    cloudtrail: [{name, region, multi_region, logging, management_events: All|WriteOnly|ReadOnly|none,
                  log_group: str|null, organization: bool}]     # organization trails live in the management account
    root_usage_alarm: {trail, filter_pattern: cis|<literal>, alarm: bool, subscription: confirmed|pending|none}
    eventbridge: [{region, name, state: ENABLED|DISABLED, detail_type: str | source_event: true | pattern: {...},
                   root_only: bool, target: bool}]
    alternate_contacts: {security|billing|operations: {name, email, phone, title}}
    contact_information: {FullName, AddressLine1, City, PostalCode, CountryCode, PhoneNumber, ...}
    signin: {console_authorization, statements, policy}   # AWS Sign-In console access control (see signin.py)
    organization:
      role: management | member            # required: the audited account's role
      management_account_id: "123456789012"
      management_email: str                # moto hard-codes master@example.com
      management_root: <posture>           # when the audited account is a member
      feature_set: ALL | CONSOLIDATED_BILLING
      features: [RootCredentialsManagement, RootSessions]
      features_error: ServiceAccessNotEnabledException | null   # older spelling of the service_access_not_enabled fault
      trusted_access: [account.amazonaws.com]   # EnableAWSServiceAccess (default: as shown; [] for none)
      access_role: OrganizationAccountAccessRole
      ous: [name, ...]
      scps: [{name, kind: deny-root|deny-all, assumed_root_exception: bool,
              targets: [root | ou:<name> | account:<id or name>]}]   # deny-root (default) or deny-all (no condition)
      members: [{id, name, email, ou, status: ACTIVE|SUSPENDED|PENDING_CLOSURE|CLOSED, access_role: bool,
                 root: <posture>, security_contact: bool}]   # the audited member's posture is the top-level ``root``
      delegated_administrators: [{account: <id or name>, services: [iam.amazonaws.com, ...]}]
      generate_members: N                  # N more generated members with varied postures (see build_org)
      signin_authorization: bool           # console authorization for the whole organization
      rcps: [{name, signin_cidrs: [...], targets: [...]}]   # RCPs refusing root's sign-in elsewhere
    faults: [{fault: <name>, account: "<12 digits>", times: N, <options>}]   # errors AWS really returns, below
    failures:                              # older, lower-level knobs; prefer faults
      credential_report_never_ready: bool  # = the credential_report_in_progress fault without times
      operations: [{operation: "iam:GetAccountSummary" | "iam:*", code: AccessDenied|Throttling|<code>,
                    times: N|null, message: str}]

    <posture>: {password: bool, password_last_used_days_ago: n|null, mfa: [virtual|hardware|fido],
                access_keys: [{active: bool, last_used_days_ago: n|null}], signing_certificates: 0..2,
                created_days_ago: n, report_password_enabled: true|false|not_supported}

Fault switches (``faults:``; the list, with a description and AWS source each, is ``faults.FAULTS``).  Every
fault takes ``account`` (only calls landing in that account; default every account) and ``times`` (only the
first N matching calls; default always).  Codes and HTTP statuses are those of botocore's model per protocol.

    credential_report_in_progress       GenerateCredentialReport: STARTED, then INPROGRESS; GetCredentialReport:
                                        ReportInProgress (404) until the report is COMPLETE
    credential_report_expired           GetCredentialReport: ReportExpired (410)
    credential_report_not_present       GetCredentialReport: ReportNotPresent (410)
    credential_report_limit_exceeded    GenerateCredentialReport: LimitExceeded (409)
    service_access_not_enabled          iam:ListOrganizationsFeatures and iam:Enable/DisableOrganizationsRoot*:
                                        ServiceAccessNotEnabledException
    throttling  operation: svc:Action   Throttling / ThrottlingException / TooManyRequestsException / Throttled
    access_denied  operation: svc:Action   AccessDenied / AccessDeniedException / AuthorizationError (SNS)
    region_disabled  region: <opt-in>   every call signed for that region: InvalidClientTokenId (query, 403),
                                        UnrecognizedClientException (JSON, 400), AuthFailure (EC2)

    faults:
      - {fault: credential_report_in_progress, times: 3}
      - {fault: throttling, operation: "account:GetAlternateContact", times: 2}
      - {fault: region_disabled, region: ap-east-1}
"""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import faults as faults_mod
from . import root_state as rs
from . import signin

SCENARIO_DIR = Path(__file__).with_name("scenarios")
DEFAULT_ACCOUNT = rs.DEFAULT_ACCOUNT
DEFAULT_REGION = "us-east-1"
ACCESS_ROLE = "OrganizationAccountAccessRole"

# CIS AWS Foundations Benchmark, "ensure a log metric filter and alarm exist for usage of the root account".
CIS_ROOT_FILTER = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
                   '&& $.eventType != "AwsServiceEvent" }')
SIGNIN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
FEATURES = ("RootCredentialsManagement", "RootSessions")
# Trusted access (organizations:EnableAWSServiceAccess) the grafts look at: Account Management's member operations
# (GetPrimaryEmail, GetContactInformation with AccountId).  IAM's (for centralized root access) is accepted since
# delegated_admin.py adds it to moto's list, but ListOrganizationsFeatures does not look at it: switch the
# service_access_not_enabled fault on instead.
TRUSTED_ACCESS = ("account.amazonaws.com",)
# Organizations' Account.State values a member can be given (PENDING_ACTIVATION never lasts long enough to matter).
MEMBER_STATES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED")


class ScenarioError(ValueError):
    """The scenario file is not valid; the message names the file and the key."""


# ============================================================================================ discovery


def list_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def scenario_path(name: str) -> Path:
    path = SCENARIO_DIR / f"{name}.yaml"
    if not path.is_file():
        raise ScenarioError(f"no shipped scenario named {name!r}; choose one of: {', '.join(list_scenarios())}")
    return path


_PARSED: dict[tuple[str, float], Any] = {}  # (path, mtime) -> parsed YAML: tests load the same files many times
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(source: str | Path) -> tuple[str, dict[str, Any]]:
    path = Path(source)
    if not path.suffix and not path.exists():
        path = scenario_path(str(source))
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
        if key not in _PARSED:
            _PARSED[key] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        data = copy.deepcopy(_PARSED[key])
    except OSError as exc:
        raise ScenarioError(f"cannot read scenario {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScenarioError(f"{path}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: a scenario must be a mapping")
    return path.stem, data


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _resolve(source: str | Path | dict[str, Any], seen: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """The raw scenario with ``extends`` merged in (validation runs once, on the result)."""
    if isinstance(source, dict):
        name, data = str(source.get("name", "<dict>")), copy.deepcopy(source)
    else:
        name, data = _read(source)
    parent = data.pop("extends", None)
    if parent is None:
        return name, data
    if not isinstance(parent, str) or parent in seen or parent == name:
        raise ScenarioError(f"scenario {name}: extends must name another scenario (no cycles), not {parent!r}")
    _, base = _resolve(parent, seen + (name,))
    base.pop("name", None)
    base.pop("description", None)
    return name, _merge(base, data)


def load_spec(source: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Read (a name, a path or a dict), resolve ``extends`` and validate; returns the normalised scenario."""
    name, data = _resolve(source, ())
    data.setdefault("name", name)
    return validate(data, name)


# ============================================================================================ validation


class _Checker:
    """Small typed accessors whose errors say which scenario and which key is wrong."""

    def __init__(self, scenario: str):
        self.scenario = scenario

    def fail(self, where: str, problem: str) -> ScenarioError:
        return ScenarioError(f"scenario {self.scenario}: {where}: {problem}")

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__}")
        unknown = set(value) - allowed
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                   f"allowed: {', '.join(sorted(allowed))}")
        return value

    def listof(self, value: Any, where: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__}")
        return value

    def boolean(self, value: Any, where: str, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(where, f"expected true or false, got {value!r}")
        return value

    def number(self, value: Any, where: str, default: float | None, low: float = 0, high: float = 10**6,
               integer: bool = False) -> Any:
        if value is None:
            return default
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            what = "a whole number" if integer else "a number"
            raise self.fail(where, f"expected {what} from {low} to {high}, got {value!r}")
        return value

    def choice(self, value: Any, where: str, choices: tuple[str, ...], default: str | None) -> Any:
        if value is None:
            return default
        if value not in choices:
            raise self.fail(where, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def text(self, value: Any, where: str, default: str | None = None, pattern: str | None = None) -> Any:
        if value is None:
            return default
        if isinstance(value, int) and not isinstance(value, bool) and pattern == r"\d{12}":
            value = f"{value:012d}"  # YAML reads 123456789012 as a number
        if not isinstance(value, str) or (pattern and not re.fullmatch(pattern, value)):
            raise self.fail(where, f"expected {'text' if not pattern else 'a value matching ' + pattern}, "
                                   f"got {value!r}")
        return value


def _posture(c: _Checker, value: Any, where: str) -> dict[str, Any]:
    data = c.mapping(value, where, {"password", "password_last_used_days_ago", "mfa", "access_keys",
                                    "signing_certificates", "created_days_ago", "report_password_enabled"})
    keys = []
    raw_keys = c.listof(data.get("access_keys"), f"{where}.access_keys")
    if len(raw_keys) > 2:
        raise c.fail(f"{where}.access_keys", "the root user can have at most two access keys")
    for i, key in enumerate(raw_keys):
        k = c.mapping(key, f"{where}.access_keys[{i}]", {"active", "last_used_days_ago"})
        keys.append({"active": c.boolean(k.get("active"), f"{where}.access_keys[{i}].active", True),
                     "last_used_days_ago": c.number(k.get("last_used_days_ago"),
                                                    f"{where}.access_keys[{i}].last_used_days_ago", None)})
    mfa = [c.choice(m, f"{where}.mfa[{i}]", rs.MFA_KINDS, None)
           for i, m in enumerate(c.listof(data.get("mfa"), f"{where}.mfa"))]
    if len(mfa) > 8:
        raise c.fail(f"{where}.mfa", "the root user can have at most 8 MFA devices")
    report = data.get("report_password_enabled")
    if report is not None:
        report = c.choice(str(report).lower() if isinstance(report, bool) else report,
                          f"{where}.report_password_enabled", ("true", "false", "not_supported"), None)
    return {
        "password": c.boolean(data.get("password"), f"{where}.password", False),
        "password_last_used_days_ago": c.number(data.get("password_last_used_days_ago"),
                                                f"{where}.password_last_used_days_ago", None),
        "mfa": mfa,
        "access_keys": keys,
        "signing_certificates": c.number(data.get("signing_certificates"), f"{where}.signing_certificates", 0,
                                         0, 2, integer=True),
        "created_days_ago": c.number(data.get("created_days_ago"), f"{where}.created_days_ago", 1200),
        "report_password_enabled": report,
    }


def validate(data: dict[str, Any], name: str) -> dict[str, Any]:
    c = _Checker(name)
    top = c.mapping(data, "top level", {
        "name", "description", "account_id", "region", "caller", "root", "iam_users", "iam_inventory",
        "cloudtrail", "root_usage_alarm", "eventbridge", "alternate_contacts", "contact_information",
        "organization", "failures", "faults", "signin"})
    description = c.text(top.get("description"), "description")
    if not description:
        raise c.fail("description", "every scenario needs a description of what it shows")
    region = c.text(top.get("region"), "region", DEFAULT_REGION, r"[a-z]{2}(-[a-z]+)+-\d")
    out: dict[str, Any] = {
        "name": str(top.get("name", name)),
        "description": description.strip(),
        "region": region,
        "caller": c.choice(top.get("caller"), "caller", ("admin", "root"), "admin"),
        "root": _posture(c, top.get("root"), "root"),
        "signin": signin.validate_spec(c, top.get("signin"), "signin"),
    }

    org = top.get("organization")
    out["organization"] = _organization(c, org) if org is not None else None
    default_account = out["organization"]["management_account_id"] if out["organization"] else DEFAULT_ACCOUNT
    out["account_id"] = c.text(top.get("account_id"), "account_id", default_account, r"\d{12}")
    if out["organization"]:
        o = out["organization"]
        is_management = out["account_id"] == o["management_account_id"]
        if (o["role"] == "management") != is_management:
            raise c.fail("organization.role", f"role {o['role']} does not fit account_id {out['account_id']} "
                                              f"(management account {o['management_account_id']})")
        audited_entry = next((m for m in o["members"] if m["id"] == out["account_id"]), None)
        if audited_entry is not None and not audited_entry["access_role"] and out["caller"] == "admin":
            raise c.fail("organization.members", f"the audited member {out['account_id']} needs its access role: "
                                                 "the scan reaches it by assuming that role")
        if o["role"] == "member" and audited_entry is None:
            o["members"].insert(0, {"id": out["account_id"], "name": "audited-member",
                                    "email": f"aws-root+{out['account_id']}@example.com", "ou": None,
                                    "status": "ACTIVE", "access_role": True, "root": None,
                                    "security_contact": False})

    users = []
    for i, user in enumerate(c.listof(top.get("iam_users"), "iam_users")):
        u = c.mapping(user, f"iam_users[{i}]", {"name", "mfa"})
        users.append({"name": c.text(u.get("name"), f"iam_users[{i}].name", None, r"[\w+=,.@-]{1,64}"),
                      "mfa": c.choice(u.get("mfa"), f"iam_users[{i}].mfa", ("none", "virtual"), "none")})
        if users[-1]["name"] is None:
            raise c.fail(f"iam_users[{i}].name", "required")
    out["iam_users"] = users
    inv = c.mapping(top.get("iam_inventory"), "iam_inventory", {"users", "roles"})
    out["iam_inventory"] = {k: c.number(inv.get(k), f"iam_inventory.{k}", 0, 0, 10000, integer=True)
                            for k in ("users", "roles")}

    trails = []
    for i, trail in enumerate(c.listof(top.get("cloudtrail"), "cloudtrail")):
        w = f"cloudtrail[{i}]"
        t = c.mapping(trail, w, {"name", "region", "multi_region", "logging", "management_events", "log_group",
                                 "organization"})
        trails.append({
            "name": c.text(t.get("name"), f"{w}.name", f"trail-{i + 1}", r"[A-Za-z0-9][\w.-]{2,127}"),
            "region": c.text(t.get("region"), f"{w}.region", region),
            "multi_region": c.boolean(t.get("multi_region"), f"{w}.multi_region", True),
            "logging": c.boolean(t.get("logging"), f"{w}.logging", True),
            "management_events": c.choice(t.get("management_events"), f"{w}.management_events",
                                          ("All", "WriteOnly", "ReadOnly", "none"), "All"),
            "log_group": c.text(t.get("log_group"), f"{w}.log_group"),
            "organization": c.boolean(t.get("organization"), f"{w}.organization", False),
        })
        if trails[-1]["organization"] and not out["organization"]:
            raise c.fail(f"{w}.organization", "an organization trail needs an organization")
    out["cloudtrail"] = trails

    alarm = top.get("root_usage_alarm")
    if alarm is not None:
        a = c.mapping(alarm, "root_usage_alarm", {"trail", "filter_pattern", "alarm", "subscription"})
        with_group = [t for t in trails if t["log_group"]]
        trail_name = c.text(a.get("trail"), "root_usage_alarm.trail", with_group[0]["name"] if with_group else None)
        match = [t for t in with_group if t["name"] == trail_name]
        if not match:
            raise c.fail("root_usage_alarm.trail", "needs a cloudtrail entry with a log_group")
        pattern = c.text(a.get("filter_pattern"), "root_usage_alarm.filter_pattern", "cis")
        out["root_usage_alarm"] = {
            "trail": trail_name,
            "filter_pattern": CIS_ROOT_FILTER if pattern == "cis" else pattern,
            "alarm": c.boolean(a.get("alarm"), "root_usage_alarm.alarm", True),
            "subscription": c.choice(a.get("subscription"), "root_usage_alarm.subscription",
                                     ("confirmed", "pending", "none"), "confirmed"),
        }
    else:
        out["root_usage_alarm"] = None

    rules = []
    for i, rule in enumerate(c.listof(top.get("eventbridge"), "eventbridge")):
        w = f"eventbridge[{i}]"
        r = c.mapping(rule, w, {"region", "name", "state", "detail_type", "source_event", "pattern", "root_only",
                                "target"})
        if sum(k in r for k in ("detail_type", "source_event", "pattern")) > 1:
            raise c.fail(w, "give only one of detail_type, source_event, pattern")
        if "pattern" in r and not isinstance(r["pattern"], dict):
            raise c.fail(f"{w}.pattern", "expected an EventBridge pattern as a mapping")
        rules.append({
            "region": c.text(r.get("region"), f"{w}.region", region),
            "name": c.text(r.get("name"), f"{w}.name", "root-console-signin", r"[\w.-]{1,64}"),
            "state": c.choice(r.get("state"), f"{w}.state", ("ENABLED", "DISABLED"), "ENABLED"),
            "detail_type": c.text(r.get("detail_type"), f"{w}.detail_type"),
            "source_event": c.boolean(r.get("source_event"), f"{w}.source_event", False),
            "pattern": r.get("pattern"),
            "root_only": c.boolean(r.get("root_only"), f"{w}.root_only", True),
            "target": c.boolean(r.get("target"), f"{w}.target", True),
        })
    out["eventbridge"] = rules

    contacts = c.mapping(top.get("alternate_contacts"), "alternate_contacts", {"security", "billing", "operations"})
    out["alternate_contacts"] = {}
    for kind, contact in contacts.items():
        w = f"alternate_contacts.{kind}"
        v = c.mapping(contact, w, {"name", "email", "phone", "title"})
        out["alternate_contacts"][kind.upper()] = {
            "Name": c.text(v.get("name"), f"{w}.name", "Security Operations"),
            "EmailAddress": c.text(v.get("email"), f"{w}.email", "security-ops@example.com", r"[^@\s]+@[^@\s]+"),
            "PhoneNumber": c.text(str(v["phone"]) if v.get("phone") is not None else None, f"{w}.phone",
                                  "+15555550100"),
            "Title": c.text(v.get("title"), f"{w}.title", "Security team"),
        }
    info = top.get("contact_information")
    out["contact_information"] = (c.mapping(info, "contact_information", {
        "FullName", "AddressLine1", "AddressLine2", "AddressLine3", "City", "StateOrRegion", "DistrictOrCounty",
        "PostalCode", "CountryCode", "PhoneNumber", "CompanyName", "WebsiteUrl"}) if info is not None else None)

    f = c.mapping(top.get("failures"), "failures", {"credential_report_never_ready", "operations"})
    ops = []
    for i, op in enumerate(c.listof(f.get("operations"), "failures.operations")):
        w = f"failures.operations[{i}]"
        o = c.mapping(op, w, {"operation", "code", "times", "message"})
        ops.append({"operation": c.text(o.get("operation"), f"{w}.operation", None, r"[a-z0-9-]+:(\*|[A-Za-z0-9]+)"),
                    "code": c.text(o.get("code"), f"{w}.code", "Throttling"),
                    "times": c.number(o.get("times"), f"{w}.times", None, 1, 10**6, integer=True),
                    "message": c.text(o.get("message"), f"{w}.message")})
        if ops[-1]["operation"] is None:
            raise c.fail(f"{w}.operation", "required, e.g. iam:GetAccountSummary")
    never_ready = c.boolean(f.get("credential_report_never_ready"), "failures.credential_report_never_ready", False)
    out["failures"] = {"operations": ops}
    out["faults"] = [faults_mod.validate(entry, f"faults[{i}]", c.fail)
                     for i, entry in enumerate(c.listof(top.get("faults"), "faults"))]
    if never_ready:
        out["faults"].append(faults_mod.validate({"fault": "credential_report_in_progress",
                                                  "account": out["account_id"]},
                                                 "failures.credential_report_never_ready", c.fail))
    return out


def _organization(c: _Checker, value: Any) -> dict[str, Any]:
    w = "organization"
    o = c.mapping(value, w, {"role", "management_account_id", "management_email", "management_root", "feature_set",
                             "features", "features_error", "access_role", "ous", "scps", "members",
                             "generate_members", "trusted_access", "delegated_administrators",
                             "signin_authorization", "rcps"})
    out: dict[str, Any] = {
        "role": c.choice(o.get("role"), f"{w}.role", ("management", "member"), None),
        "management_account_id": c.text(o.get("management_account_id"), f"{w}.management_account_id",
                                        DEFAULT_ACCOUNT, r"\d{12}"),
        "management_email": c.text(o.get("management_email"), f"{w}.management_email", "master@example.com",
                                   r"[^@\s]+@[^@\s]+"),
        "management_root": _posture(c, o.get("management_root"), f"{w}.management_root")
        if o.get("management_root") is not None else None,
        "feature_set": c.choice(o.get("feature_set"), f"{w}.feature_set", ("ALL", "CONSOLIDATED_BILLING"), "ALL"),
        "features": [c.choice(x, f"{w}.features[{i}]", FEATURES, None)
                     for i, x in enumerate(c.listof(o.get("features"), f"{w}.features"))],
        "features_error": c.choice(o.get("features_error"), f"{w}.features_error",
                                   ("ServiceAccessNotEnabledException",), None),
        "access_role": c.text(o.get("access_role"), f"{w}.access_role", ACCESS_ROLE, r"[\w+=,.@-]{1,64}"),
        "trusted_access": [c.choice(x, f"{w}.trusted_access[{i}]", TRUSTED_ACCESS, None)
                           for i, x in enumerate(c.listof(o.get("trusted_access"), f"{w}.trusted_access"))]
        if "trusted_access" in o else list(TRUSTED_ACCESS),
        "ous": [c.text(x, f"{w}.ous[{i}]", None, r"[\w .-]{1,128}") for i, x in enumerate(c.listof(o.get("ous"),
                                                                                                f"{w}.ous"))],
        "generate_members": c.number(o.get("generate_members"), f"{w}.generate_members", 0, 0, 5000, integer=True),
    }
    if out["role"] is None:
        raise c.fail(f"{w}.role", "required: management or member")
    members, seen = [], set()
    for i, member in enumerate(c.listof(o.get("members"), f"{w}.members")):
        mw = f"{w}.members[{i}]"
        m = c.mapping(member, mw, {"id", "name", "email", "ou", "status", "access_role", "root", "security_contact",
                                   "signin"})
        entry = {
            "id": c.text(m.get("id"), f"{mw}.id", None, r"\d{12}"),
            "name": c.text(m.get("name"), f"{mw}.name", f"member-{i + 1}"),
            "email": c.text(m.get("email"), f"{mw}.email", None, r"[^@\s]+@[^@\s]+"),
            "ou": c.text(m.get("ou"), f"{mw}.ou"),
            "status": c.choice(m.get("status"), f"{mw}.status", MEMBER_STATES, "ACTIVE"),
            "access_role": c.boolean(m.get("access_role"), f"{mw}.access_role", True),
            "root": _posture(c, m.get("root"), f"{mw}.root") if m.get("root") is not None else None,
            "security_contact": c.boolean(m.get("security_contact"), f"{mw}.security_contact", False),
            "signin": signin.validate_spec(c, m.get("signin"), f"{mw}.signin"),
        }
        if entry["id"] is None or entry["email"] is None:
            raise c.fail(mw, "id and email are required")
        if entry["id"] in seen or entry["id"] == out["management_account_id"]:
            raise c.fail(f"{mw}.id", f"account {entry['id']} appears twice")
        if entry["ou"] is not None and entry["ou"] not in out["ous"]:
            raise c.fail(f"{mw}.ou", f"unknown OU {entry['ou']!r}; declare it in organization.ous")
        seen.add(entry["id"])
        members.append(entry)
    out["members"] = members
    names = {m["name"]: m["id"] for m in members}
    scps = []
    for i, scp in enumerate(c.listof(o.get("scps"), f"{w}.scps")):
        sw = f"{w}.scps[{i}]"
        s = c.mapping(scp, sw, {"name", "kind", "assumed_root_exception", "targets"})
        targets = []
        for j, target in enumerate(c.listof(s.get("targets"), f"{sw}.targets")):
            t = c.text(target, f"{sw}.targets[{j}]", None, r"root|ou:.+|account:.+")
            kind, _, ref = t.partition(":")
            if kind == "ou" and ref not in out["ous"]:
                raise c.fail(f"{sw}.targets[{j}]", f"unknown OU {ref!r}")
            if kind == "account":
                ref = names.get(ref, ref)
                if ref not in seen:
                    raise c.fail(f"{sw}.targets[{j}]", f"unknown member account {t[8:]!r}")
            targets.append((kind, ref))
        scps.append({"name": c.text(s.get("name"), f"{sw}.name", f"DenyRoot{i + 1}", r"[\w+=,.@-]{1,128}"),
                     "kind": c.choice(s.get("kind"), f"{sw}.kind", ("deny-root", "deny-all"), "deny-root"),
                     "assumed_root_exception": c.boolean(s.get("assumed_root_exception"),
                                                         f"{sw}.assumed_root_exception", True),
                     "targets": targets})
    out["scps"] = scps
    admins = []
    for i, admin in enumerate(c.listof(o.get("delegated_administrators"), f"{w}.delegated_administrators")):
        aw = f"{w}.delegated_administrators[{i}]"
        a = c.mapping(admin, aw, {"account", "services"})
        ref = names.get(str(a.get("account")), str(a.get("account")))
        if ref not in seen:
            raise c.fail(f"{aw}.account", f"unknown member account {a.get('account')!r}")
        services = [c.text(x, f"{aw}.services[{j}]", None, r"[a-z0-9.-]+\.amazonaws\.com")
                    for j, x in enumerate(c.listof(a.get("services"), f"{aw}.services"))]
        admins.append({"account": ref, "services": services or ["iam.amazonaws.com"]})
    out["delegated_administrators"] = admins
    out["signin_authorization"] = c.boolean(o.get("signin_authorization"), f"{w}.signin_authorization", False)
    rcps = []
    for i, rcp in enumerate(c.listof(o.get("rcps"), f"{w}.rcps")):
        rw = f"{w}.rcps[{i}]"
        r = c.mapping(rcp, rw, {"name", "signin_cidrs", "targets"})
        cidrs = [c.text(x, f"{rw}.signin_cidrs[{j}]", None, r"[0-9a-fA-F.:]+/\d{1,3}")
                 for j, x in enumerate(c.listof(r.get("signin_cidrs"), f"{rw}.signin_cidrs"))]
        if not cidrs:
            raise c.fail(f"{rw}.signin_cidrs", "give the networks root may sign in from")
        rcps.append({"name": c.text(r.get("name"), f"{rw}.name", f"RootSignIn{i + 1}", r"[\w+=,.@-]{1,128}"),
                     "cidrs": cidrs, "targets": _targets(c, r.get("targets"), rw, out["ous"], names, seen)})
    out["rcps"] = rcps
    return out


def _targets(c: _Checker, value: Any, where: str, ous: list[str], names: dict[str, str], seen: set[str]) -> list:
    targets = []
    for j, target in enumerate(c.listof(value, f"{where}.targets")):
        t = c.text(target, f"{where}.targets[{j}]", None, r"root|ou:.+|account:.+")
        kind, _, ref = t.partition(":")
        if kind == "ou" and ref not in ous:
            raise c.fail(f"{where}.targets[{j}]", f"unknown OU {ref!r}")
        if kind == "account":
            ref = names.get(ref, ref)
            if ref not in seen:
                raise c.fail(f"{where}.targets[{j}]", f"unknown member account {t[8:]!r}")
        targets.append((kind, ref))
    return targets


# ============================================================================================ generated orgs

GENERATED_POSTURES: list[tuple[str, dict[str, Any]]] = [
    ("no-root-credentials", {}),
    ("password-no-mfa", {"password": True, "password_last_used_days_ago": 30}),
    ("root-access-keys", {"password": True, "password_last_used_days_ago": 400, "mfa": ["virtual"],
                          "access_keys": [{"active": True, "last_used_days_ago": 3}]}),
    ("hardened", {"password": True, "password_last_used_days_ago": 250, "mfa": ["fido", "hardware"]}),
    ("virtual-mfa", {"password": True, "password_last_used_days_ago": None, "mfa": ["virtual"]}),
]


def generated_members(count: int, ous: list[str], start: int = 0) -> list[dict[str, Any]]:
    """Deterministic members with varied postures: ids 2000000000NN, emails alternating list/personal."""
    c = _Checker("generated")
    members = []
    for i in range(start, start + count):
        kind, posture = GENERATED_POSTURES[i % len(GENERATED_POSTURES)]
        account_id = f"{200000000000 + i:012d}"
        members.append({
            "id": account_id,
            "name": f"gen-{i:04d}-{kind}",
            "email": f"aws-root+gen-{i:04d}@example.com" if i % 3 else f"owner{i:04d}@gmail.example",
            "ou": ous[i % len(ous)] if ous else None,
            "status": "SUSPENDED" if i % 97 == 96 else "ACTIVE",
            "access_role": i % 50 != 49,
            "root": _posture(c, posture, "generated"),
            "security_contact": i % 2 == 0,
        })
    return members


def build_org(n_members: int, **overrides: Any) -> dict[str, Any]:
    """A scenario dict (for ``Emulator.load``) of the ``organization`` scenario with ``n_members`` generated members.

    Used by benchmarks (10/100/500 members); members are created in-process, so 500 load in well under a second.
    """
    org: dict[str, Any] = {"members": [], "generate_members": n_members,
                           "scps": [{"name": "DenyRootExceptAssumedRoot", "assumed_root_exception": True,
                                     "targets": ["ou:Production"]},
                                    {"name": "DenyRootStrict", "assumed_root_exception": False,
                                     "targets": ["ou:Development"]}]}
    org.update(overrides.pop("organization", {}))
    return {"name": f"org-{n_members}", "extends": "organization",
            "description": f"The organization scenario with {n_members} generated member accounts (benchmarks).",
            "organization": org, **overrides}


# ============================================================================================ applying


@dataclass
class Applied:
    """What ``apply`` built; server.py turns it into an EmulatedAccount."""

    account_id: str
    region: str
    credentials: dict[str, str]
    management_account_id: str | None
    member_ids: list[str] = field(default_factory=list)


ClientFactory = Callable[[str, str, str], Any]  # (service, account_id, region) -> boto3 client


def _posture_object(p: dict[str, Any] | None) -> rs.RootPosture:
    p = p or {}
    keys = [rs.RootKey(access_key_id=rs._random_key_id("AKIA"), active=k["active"],
                       last_used=rs.days_ago(k["last_used_days_ago"])) for k in p.get("access_keys", [])]
    return rs.RootPosture(
        password=p.get("password", False),
        password_last_used=rs.days_ago(p.get("password_last_used_days_ago")),
        mfa=list(p.get("mfa", [])),
        access_keys=keys,
        signing_certificates=p.get("signing_certificates", 0),
        created=rs.days_ago(p.get("created_days_ago", 1200)),
        report_password_enabled=p.get("report_password_enabled"),
    )


def deny_root_scp(assumed_root_exception: bool) -> str:
    """An SCP denying the root user everything; optionally sparing AssumeRoot sessions (aws:AssumedRoot)."""
    condition: dict[str, Any] = {"StringLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}
    if assumed_root_exception:
        condition["Null"] = {"aws:AssumedRoot": "true"}
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "DenyRootUser", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": condition}]})


DENY_ALL_SCP = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}]})


def apply(spec: dict[str, Any], client: ClientFactory) -> Applied:
    """Create the scenario's state; moto must have just been reset."""
    audited, region = spec["account_id"], spec["region"]
    org = spec["organization"]
    management = org["management_account_id"] if org else None
    members: list[str] = []

    if org:
        members = _apply_organization(org, client, region, audited)
    rs.set_root_posture(audited, _posture_object(spec["root"]))
    _apply_iam(spec, client, audited, region)
    trail_groups = _apply_cloudtrail(spec, client, audited, management)
    _apply_alarm(spec, client, trail_groups)
    _apply_eventbridge(spec, client, audited)
    signin.apply_spec(spec["signin"], client, audited)
    for kind, contact in spec["alternate_contacts"].items():
        client("account", audited, region).put_alternate_contact(AlternateContactType=kind, **contact)
    if spec["contact_information"]:
        rs.set_contact_information(audited, spec["contact_information"])
    credentials = _credentials(spec, client, audited, management)
    return Applied(audited, region, credentials, management, members)


def _apply_organization(org: dict[str, Any], client: ClientFactory, region: str, audited: str) -> list[str]:
    management = org["management_account_id"]
    orgs = client("organizations", management, region)
    orgs.create_organization(FeatureSet=org["feature_set"])
    rs.set_management_email(management, org["management_email"])
    rs.set_org_features(management, org["features"], org["features_error"])
    for principal in org["trusted_access"]:
        orgs.enable_aws_service_access(ServicePrincipal=principal)
    if org["management_root"] is not None and management != audited:
        rs.set_root_posture(management, _posture_object(org["management_root"]))
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    ou_ids = {name: orgs.create_organizational_unit(ParentId=root_id, Name=name)["OrganizationalUnit"]["Id"]
              for name in org["ous"]}
    members = list(org["members"])
    if org["generate_members"]:
        members += generated_members(org["generate_members"], org["ous"])
    for member in members:
        # In-process: fixed ids (CreateAccount picks random ones) and fast enough for 500 members.
        rs.add_org_member(management, member["id"], member["name"], member["email"],
                          parent_id=ou_ids.get(member["ou"]) if member["ou"] else root_id,
                          status=member["status"], role_name=org["access_role"] if member["access_role"] else None)
        if member["root"] is not None and member["id"] != audited:
            rs.set_root_posture(member["id"], _posture_object(member["root"]))
        if member["security_contact"] and member["id"] != audited:
            rs.put_alternate_contact(member["id"], "SECURITY", "Security Operations", "security-ops@example.com",
                                     "+15555550100", "Security team")
    for admin in org["delegated_administrators"]:
        for service in admin["services"]:
            orgs.enable_aws_service_access(ServicePrincipal=service)
            orgs.register_delegated_administrator(AccountId=admin["account"], ServicePrincipal=service)
    for member in members:
        if member.get("signin") and member["id"] != audited:
            signin.apply_spec(member["signin"], client, member["id"])
    for rcp in org["rcps"]:
        policy = orgs.create_policy(Name=rcp["name"], Type="RESOURCE_CONTROL_POLICY",
                                    Description="Root console sign-in only from expected networks",
                                    Content=signin.root_rcp(rcp["cidrs"]))
        for kind, ref in rcp["targets"]:
            target = root_id if kind == "root" else ou_ids[ref] if kind == "ou" else ref
            orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=target)
    if org["signin_authorization"]:
        org_id = orgs.describe_organization()["Organization"]["Id"]
        client("signin", management, signin.WRITE_REGION).put_console_authorization_configuration(targetId=org_id)
    for scp in org["scps"]:
        if scp["kind"] == "deny-all":
            description, content = "Deny every principal everything (a quarantined account)", DENY_ALL_SCP
        else:
            description = "Deny the root user" + (" (AssumeRoot sessions exempt)" if scp["assumed_root_exception"]
                                                   else "")
            content = deny_root_scp(scp["assumed_root_exception"])
        policy = orgs.create_policy(Name=scp["name"], Type="SERVICE_CONTROL_POLICY", Description=description,
                                    Content=content)
        policy_id = policy["Policy"]["PolicySummary"]["Id"]
        for kind, ref in scp["targets"]:
            target = root_id if kind == "root" else ou_ids[ref] if kind == "ou" else ref
            orgs.attach_policy(PolicyId=policy_id, TargetId=target)
    return [m["id"] for m in members]


def _apply_iam(spec: dict[str, Any], client: ClientFactory, audited: str, region: str) -> None:
    if spec["iam_users"]:
        iam = client("iam", audited, region)
        for user in spec["iam_users"]:
            iam.create_user(UserName=user["name"])
            if user["mfa"] == "virtual":
                serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user["name"])["VirtualMFADevice"][
                    "SerialNumber"]
                iam.enable_mfa_device(UserName=user["name"], SerialNumber=serial, AuthenticationCode1="123456",
                                      AuthenticationCode2="654321")
    inventory = spec["iam_inventory"]
    if inventory["users"] or inventory["roles"]:
        rs.add_iam_inventory(audited, inventory["users"], inventory["roles"])


def _apply_cloudtrail(spec: dict[str, Any], client: ClientFactory, audited: str,
                      management: str | None) -> dict[str, tuple[str, str, str]]:
    """Create the trails; returns trail name -> (owner account, region, log group name) for trails with one."""
    groups: dict[str, tuple[str, str, str]] = {}
    for trail in spec["cloudtrail"]:
        owner = management if trail["organization"] else audited
        region = trail["region"]
        bucket = f"cloudtrail-{owner}-{trail['name']}".lower()[:63]
        s3 = client("s3", owner, region)
        if region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
        params: dict[str, Any] = {"Name": trail["name"], "S3BucketName": bucket,
                                  "IsMultiRegionTrail": trail["multi_region"], "IncludeGlobalServiceEvents": True,
                                  "IsOrganizationTrail": trail["organization"], "EnableLogFileValidation": True}
        if trail["log_group"]:
            client("logs", owner, region).create_log_group(logGroupName=trail["log_group"])
            params["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:{region}:{owner}:log-group:{trail['log_group']}:*"
            params["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{owner}:role/CloudTrail_CloudWatchLogs_Role"
            groups[trail["name"]] = (owner, region, trail["log_group"])
        ct = client("cloudtrail", owner, region)
        ct.create_trail(**params)
        mode = trail["management_events"]
        ct.put_event_selectors(TrailName=trail["name"], EventSelectors=[{
            "ReadWriteType": "All" if mode == "none" else mode,
            "IncludeManagementEvents": mode != "none",
            "DataResources": [] if mode != "none" else [{"Type": "AWS::S3::Object",
                                                         "Values": [f"arn:aws:s3:::{bucket}/"]}],
        }])
        if trail["logging"]:
            ct.start_logging(Name=trail["name"])
        else:
            ct.stop_logging(Name=trail["name"])
    return groups


def _apply_alarm(spec: dict[str, Any], client: ClientFactory, groups: dict[str, tuple[str, str, str]]) -> None:
    alarm = spec["root_usage_alarm"]
    if not alarm:
        return
    owner, region, group = groups[alarm["trail"]]
    metric, namespace = "RootAccountUsage", "CISBenchmark"
    client("logs", owner, region).put_metric_filter(
        logGroupName=group, filterName="root-account-usage", filterPattern=alarm["filter_pattern"],
        metricTransformations=[{"metricName": metric, "metricNamespace": namespace, "metricValue": "1"}])
    if not alarm["alarm"]:
        return
    sns = client("sns", owner, region)
    topic = sns.create_topic(Name="root-usage-alerts")["TopicArn"]
    if alarm["subscription"] != "none":
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="security-ops@example.com")
    if alarm["subscription"] == "pending":
        rs.set_subscription_pending(owner, region, topic)
    client("cloudwatch", owner, region).put_metric_alarm(
        AlarmName="root-account-usage", MetricName=metric, Namespace=namespace, Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching", AlarmActions=[topic],
        AlarmDescription="Root user activity (CIS root usage)")


def signin_pattern(rule: dict[str, Any]) -> dict[str, Any]:
    if rule["pattern"] is not None:
        return rule["pattern"]
    if rule["source_event"]:
        pattern: dict[str, Any] = {"source": ["aws.signin"], "detail": {"eventName": ["ConsoleLogin"]}}
    else:
        pattern = {"detail-type": [rule["detail_type"] or SIGNIN_DETAIL_TYPE]}
    if rule["root_only"]:
        pattern.setdefault("detail", {})["userIdentity"] = {"type": ["Root"]}
    return pattern


def _apply_eventbridge(spec: dict[str, Any], client: ClientFactory, audited: str) -> None:
    topics: dict[str, str] = {}
    for rule in spec["eventbridge"]:
        events = client("events", audited, rule["region"])
        arn = events.put_rule(Name=rule["name"], EventPattern=json.dumps(signin_pattern(rule)), State=rule["state"],
                              Description="Alert on root user console sign-in")["RuleArn"]
        assert arn
        if rule["target"]:
            if rule["region"] not in topics:
                topics[rule["region"]] = client("sns", audited, rule["region"]).create_topic(
                    Name="root-signin-alerts")["TopicArn"]
            events.put_targets(Rule=rule["name"], Targets=[{"Id": "notify", "Arn": topics[rule["region"]]}])


def _credentials(spec: dict[str, Any], client: ClientFactory, audited: str, management: str | None) -> dict[str, str]:
    """Credentials that land in the audited account, as the scenario's caller."""
    org = spec["organization"]
    if spec["caller"] == "root":
        if audited == DEFAULT_ACCOUNT:
            rs.mark_caller_root(audited)
            return dict(DUMMY_CREDENTIALS)
        key = rs.mint_root_session(audited, None, prefix="AKIA")  # a root access key, unrestricted
        return {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key}
    if audited == DEFAULT_ACCOUNT:
        return dict(DUMMY_CREDENTIALS)
    if org and org["role"] == "member":
        # Like an auditor would: the management account assumes the organization's access role.
        sts = client("sts", management, spec["region"])
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{audited}:role/{org['access_role']}",
                                RoleSessionName="rootaudit")["Credentials"]
        return {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    # A standalone account other than moto's default: an IAM user's key, which moto maps to that account.
    iam = client("iam", audited, spec["region"])
    iam.create_user(UserName="rootaudit-auditor")
    key = iam.create_access_key(UserName="rootaudit-auditor")["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


# Keys moto does not know: it maps them to its default account 123456789012.
DUMMY_CREDENTIALS = {"AccessKeyId": "AKIAEXAMPLEEMULATED0", "SecretAccessKey": "emulated-secret-access-key"}
