"""root-sign-in-restricted: AWS Sign-In refuses a root console sign-in from networks outside the expected ones."""
from __future__ import annotations

import ipaddress
import json

from ..findings import Status, error, failed, manual, not_applicable, passed
from ..signin_statements import KINDS, open_to_all, outside, restrictions
from .model import Check

CONFIG_KEYS = {"cidrs": "expected_cidrs", "vpcs": "expected_vpcs", "vpc_endpoints": "expected_vpc_endpoints"}


def expected_networks(config) -> dict:
    """org.root_signin from handbook.yml; raises ValueError naming the key when it is malformed."""
    section = (config.org or {}).get("root_signin") or {}
    if not isinstance(section, dict):
        raise ValueError("handbook.yml: org.root_signin must be a mapping")
    out = {}
    for kind, key in CONFIG_KEYS.items():
        values = section.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"handbook.yml: org.root_signin.{key} must be a list of strings")
        out[kind] = values
    for cidr in out["cidrs"]:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise ValueError(f"handbook.yml: org.root_signin.expected_cidrs has {cidr!r}, not a CIDR range") from None
    return out


def _rcp_findings(rcps: dict, root_arn: str) -> tuple[list, list, list]:
    found, excluding, unreadable = [], [], []
    for policy in rcps.get("policies") or []:
        if not isinstance(policy, dict):
            continue
        name = f"RCP '{policy.get('name') or policy.get('id')}' on {policy.get('target')}"
        try:
            doc = json.loads(policy.get("content") or "{}")
            stmts = doc.get("Statement", [])
            f, e = restrictions(stmts if isinstance(stmts, list) else [stmts], root_arn, name)
        except (ValueError, AttributeError, TypeError):
            unreadable.append(name)
            continue
        found += f
        excluding += e
    return found, excluding, unreadable


def _describe(r: dict) -> str:
    nets = [v for k in KINDS for v in r["networks"][k]]
    where = f"only from {', '.join(nets)}" if nets else "from nowhere (root console sign-in is refused outright)"
    glass = f"; break-glass principal excluded: {', '.join(r['excluded'])}" if r.get("excluded") else ""
    return f"{r['source']} lets root start a console sign-in {where}{glass}"


def evaluate(ev, config):
    console, rcps = ev.get("signin_console"), ev.get("signin_rcps")
    status = console.get("status") if isinstance(console, dict) else None
    if status == "partition":
        return not_applicable(f"AWS documents Sign-In console access control for the commercial (aws) partition; "
                              f"this account is in {console.get('partition')}")
    if status == "sdk-too-old":
        return manual(f"botocore {console.get('botocore')} has no AWS Sign-In console-authorization operations: "
                      f"upgrade to botocore >= {console.get('needed')}, or look in the console")
    if status == "not-readable":
        return manual(f"the auditing principal may not call {console.get('action')}: grant "
                      "signin:GetConsoleAuthorizationConfiguration and signin:GetResourcePolicy, or check the "
                      "Sign-In settings in the console (us-east-1)")
    if status != "ok" or not isinstance(console.get("authorization"), dict):
        return error("the AWS Sign-In configuration could not be read")
    try:
        expected = expected_networks(config)
    except ValueError as exc:
        return error(str(exc))
    rcps = rcps if isinstance(rcps, dict) else {"status": "error", "reason": "no RCP evidence"}
    root_arn = f"arn:aws:iam::{console.get('account')}:root"
    try:
        found, excluding = restrictions(console.get("statements") or [], root_arn, "the account's Sign-In policy")
    except (ValueError, AttributeError, TypeError) as exc:
        return error(f"the account's Sign-In policy could not be read ({exc})")
    if excluding:
        # AWS: for an excluded principal "the resource-based policy is not evaluated" (PutResourcePermissionStatement),
        # so one statement excluding root takes root out of the whole account policy, not just that statement.
        found = []
    f, e, unreadable = _rcp_findings(rcps, root_arn) if rcps.get("status") == "ok" else ([], [], [])
    found, excluding = found + f, excluding + e
    account_on = console["authorization"].get("enabled")
    org_on = (rcps.get("organization_authorization") or {}).get("enabled")
    evidence = {"authorization_account": account_on, "authorization_organization": org_on,
                "restrictions": found, "root_excluded_by": [x["source"] for x in excluding],
                "rcps": rcps.get("status"), "expected": expected}
    if account_on is not True and org_on is not True:
        if rcps.get("status") == "not-readable":
            return manual("console authorization is off for this account; an organization-level switch and RCPs "
                          "can be read only from the management account: run `rootaudit scan --org` there",
                          **evidence)
        if account_on is None and org_on is None:
            return error("GetConsoleAuthorizationConfiguration did not say whether console authorization is on")
        return failed("console authorization is off, so no Sign-In policy or RCP is enforced and root may start a "
                      f"console sign-in from anywhere ({len(found)} restricting statement(s) waiting)", **evidence)
    usable = [r for r in found if not open_to_all(r)]
    if not usable:
        if excluding:
            return failed(f"{excluding[0]['source']} excludes root itself from the network restriction: name a "
                          "break-glass role instead", **evidence)
        if rcps.get("status") == "not-readable":
            return manual("no statement in this account's Sign-In policy restricts root; RCPs can be read only from "
                          "the management account: run `rootaudit scan --org` there", **evidence)
        if rcps.get("status") == "error":
            return error(f"no account statement restricts root, and the RCPs could not be read: {rcps.get('reason')}",
                         **evidence)
        note = f" ({', '.join(unreadable)} could not be parsed)" if unreadable else ""
        if rcps.get("status") == "management":  # no RCP was read, so none was unparsable: the note is this alone
            note = "; RCPs never apply to the management account, so only its own Sign-In policy can"
        return failed("console authorization is on, but no Sign-In statement or RCP keeps root's sign-in to "
                      "expected networks" + note, **evidence)
    for r in usable:
        bad = outside(r["networks"], expected)
        if bad:
            return failed(f"{r['source']} lets root sign in from {', '.join(bad)}, which handbook.yml "
                          "(org.root_signin) does not list as expected", **evidence)
    compared = any(expected.values())
    return passed(_describe(usable[0]) + ("" if compared else "; handbook.yml lists no expected networks, so they "
                                          "were not compared"), **evidence)


CHECK = Check(
    id="root-sign-in-restricted",
    title="AWS Sign-In keeps root console sign-in to expected networks",
    severity="medium",
    topic="root-activity",
    rationale="Since June 2026 a Sign-In resource-based policy or an RCP can refuse a root console sign-in from an "
              "unexpected network before the password prompt, so a stolen root password and MFA device are not "
              "enough from elsewhere. Defence in depth with a lock-out risk: medium, behind MFA and access keys.",
    decides="Reads signin:GetConsoleAuthorizationConfiguration and signin:GetResourcePolicy (us-east-1) and, in an "
            "org scan, the RCPs reaching a member and the organization's console authorization. PASS when "
            "authorization is on and a Deny on signin:Authenticate covering root allows only the networks in "
            "handbook.yml (org.root_signin); a statement that excludes root itself does not count.",
    statuses={Status.PASS: "console authorization is on and a statement keeps root to expected networks",
              Status.FAIL: "authorization off, nothing covers root, root excluded, or an unexpected network allowed",
              Status.NOT_APPLICABLE: "an account outside the commercial aws partition",
              Status.MANUAL: "the caller may not read Sign-In, botocore is too old, or a member's RCPs are unreadable",
              Status.ERROR: "the configuration, the RCPs or handbook.yml could not be read"},
    sources=("signin_console", "signin_rcps"),
    evaluate=evaluate,
    order=2,
    fix="how-to/restrict-root-sign-in.md",
    references=("https://docs.aws.amazon.com/signin/latest/userguide/console-access-control.html",
                "https://docs.aws.amazon.com/signin/latest/userguide/reference-signin-condition-keys.html",
                "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"),
)
