"""Checking a scenario against the schema (see the package docstring); errors name the file and the key."""
from __future__ import annotations

import re
from typing import Any

from .. import faults as faults_mod
from .. import root_state as rs
from .. import signin
from .constants import (
    ACCESS_ROLE,
    CIS_ROOT_FILTER,
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    FEATURES,
    MEMBER_STATES,
    TRUSTED_ACCESS,
    ScenarioError,
)


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
        targets = _targets(c, s.get("targets"), sw, out["ous"], names, seen)
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
