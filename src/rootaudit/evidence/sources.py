"""Every piece of evidence the checks use: its name, the IAM actions it needs and how it is fetched.

Fetchers are thin: call the API, keep the fields the checks read, turn documented "absent" answers
(no organization, no contact) into values. Judging what the values mean is the evaluators' job.
Each fetcher runs at most once per account (Collector memoises it).
"""
from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from typing import Any, Callable

from .. import samples
from .collector import Collector, Context, SourceFailed
from .errors import SourceError


@dataclass(frozen=True)
class Source:
    name: str
    actions: tuple[str, ...]  # IAM actions its fetcher may call
    fetch: Callable[[Context, Collector], Any]
    depends: tuple[str, ...] = ()  # other sources it reads (their actions are needed too)
    doc: str = ""


def _iso(value: Any) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else (str(value) if value is not None else None)


def _caller(ctx: Context, ev: Collector) -> dict:
    r = ctx.call("sts", "GetCallerIdentity")
    arn = r.get("Arn", "")
    return {
        "account": r.get("Account"),
        "arn": arn,
        "user_id": r.get("UserId"),
        "partition": arn.split(":")[1] if arn.count(":") >= 5 else "aws",
    }


_SUMMARY_KEYS = ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountPasswordPresent",
                 "AccountSigningCertificatesPresent")


def _account_summary(ctx: Context, ev: Collector) -> dict:
    # In an org scan with RootSessions, read it inside the IAMAuditRootUserCredentials session.
    via_root = ctx.root_session is not None
    summary = ctx.call("iam", "GetAccountSummary", root=via_root).get("SummaryMap", {})
    value = {k: summary.get(k) for k in _SUMMARY_KEYS}
    value["via"] = "sts:AssumeRoot (IAMAuditRootUserCredentials)" if via_root else "account credentials"
    return value


def _virtual_mfa(ctx: Context, ev: Collector) -> list[dict]:
    devices = ctx.paginate("iam", "ListVirtualMFADevices", "VirtualMFADevices", AssignmentStatus="Assigned")
    return [
        {"serial": d.get("SerialNumber"), "user_arn": (d.get("User") or {}).get("Arn"),
         "enable_date": _iso(d.get("EnableDate"))}
        for d in devices
    ]


_NOT_READY = {"CredentialReportNotReadyException", "ReportInProgress", "LimitExceeded", "LimitExceededException",
              "CredentialReportNotPresentException", "ReportNotPresent"}


def _credential_report(ctx: Context, ev: Collector) -> dict:
    """Generate the report with bounded polling and exponential back-off, then read the root row."""
    timeout = ctx.config.credential_report_timeout_seconds
    started = time.monotonic()
    delay = 0.25
    while True:
        state = None
        try:
            state = ctx.call("iam", "GenerateCredentialReport").get("State")
        except SourceFailed as failed:
            if failed.error.kind not in _NOT_READY:
                raise
        if state == "COMPLETE":
            try:
                report = ctx.call("iam", "GetCredentialReport")
                break
            except SourceFailed as failed:
                if failed.error.kind not in _NOT_READY:
                    raise
        waited = time.monotonic() - started
        if waited + delay > timeout:
            raise SourceFailed(SourceError(
                "CredentialReportNotReady", "iam:GenerateCredentialReport",
                f"the IAM credential report was not ready after waiting {waited:.1f} s "
                f"(limit {timeout:g} s); run the scan again in a minute"))
        time.sleep(delay)
        delay = min(delay * 2, 5.0)
    content = report.get("Content", b"")
    text = content.decode("utf-8") if isinstance(content, bytes) else str(content)
    rows = list(csv.DictReader(io.StringIO(text)))
    root = next((row for row in rows if row.get("user") == "<root_account>"), None)
    return {"generated_time": _iso(report.get("GeneratedTime")), "root": root}


def _organization(ctx: Context, ev: Collector) -> dict | None:
    try:
        org = ctx.call("organizations", "DescribeOrganization").get("Organization", {})
    except SourceFailed as failed:
        if failed.error.kind == "AWSOrganizationsNotInUseException":
            return None  # a standalone account
        raise
    return {
        "id": org.get("Id"),
        "master_account_id": org.get("MasterAccountId"),
        "master_account_email": org.get("MasterAccountEmail"),
        "feature_set": org.get("FeatureSet"),
    }


_FEATURE_ERRORS = {
    "AccountNotManagementOrDelegatedAdministratorException": "not-management",
    "OrganizationNotFoundException": "no-organization",
    "ServiceAccessNotEnabledException": "service-access-not-enabled",
    "OrganizationNotInAllFeaturesModeException": "not-all-features",
}


def _org_features(ctx: Context, ev: Collector) -> dict:
    if ev.get("organization") is None:
        return {"status": "no-organization"}
    try:
        r = ctx.call("iam", "ListOrganizationsFeatures")
    except SourceFailed as failed:
        if failed.error.kind in _FEATURE_ERRORS:
            return {"status": _FEATURE_ERRORS[failed.error.kind]}
        raise
    return {"status": "ok", "organization_id": r.get("OrganizationId"), "enabled": list(r.get("EnabledFeatures", []))}


def _security_contact(ctx: Context, ev: Collector) -> dict:
    try:
        c = ctx.call("account", "GetAlternateContact", AlternateContactType="SECURITY").get("AlternateContact", {})
    except SourceFailed as failed:
        if failed.error.kind == "ResourceNotFoundException":
            return {"set": False}
        raise
    return {"set": True, "name": c.get("Name"), "email": c.get("EmailAddress"), "phone": c.get("PhoneNumber"),
            "title": c.get("Title")}


def _root_email(ctx: Context, ev: Collector) -> dict:
    """Where the API can tell: the management account reads its own from DescribeOrganization.

    The org scan presets this for members from organizations:ListAccounts.
    """
    org, caller = ev.get("organization"), ev.get("caller")
    if org is None:
        return {"email": None, "role": "standalone"}
    if org.get("master_account_id") == caller.get("account"):
        return {"email": org.get("master_account_email"), "role": "management",
                "from": "organizations:DescribeOrganization"}
    return {"email": None, "role": "member"}


def _mgmt_events(selectors: dict) -> dict:
    """Which management events (read, write) a trail's selectors log."""
    read = write = False
    for s in selectors.get("EventSelectors") or []:
        if s.get("IncludeManagementEvents", True):
            rw = s.get("ReadWriteType", "All")
            read |= rw in ("All", "ReadOnly")
            write |= rw in ("All", "WriteOnly")
    for s in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in s.get("FieldSelectors", [])}
        if "Management" not in (fields.get("eventCategory", {}).get("Equals") or []):
            continue
        ro = fields.get("readOnly", {}).get("Equals")
        read |= not ro or "true" in ro
        write |= not ro or "false" in ro
    return {"read": read, "write": write}


def _trails(ctx: Context, ev: Collector) -> list[dict]:
    trails = ctx.call("cloudtrail", "DescribeTrails", includeShadowTrails=True).get("trailList", [])
    out = []
    for t in trails:
        item = {
            "name": t.get("Name"), "arn": t.get("TrailARN"), "home_region": t.get("HomeRegion"),
            "multi_region": bool(t.get("IsMultiRegionTrail")), "organization_trail": bool(t.get("IsOrganizationTrail")),
            "log_group_arn": t.get("CloudWatchLogsLogGroupArn"),
        }
        if item["multi_region"]:  # only multi-region trails can satisfy the checks: skip status calls otherwise
            region = item["home_region"] or ctx.region
            try:
                status = ctx.call("cloudtrail", "GetTrailStatus", region, Name=item["arn"])
                item["is_logging"] = bool(status.get("IsLogging"))
                item["management_events"] = _mgmt_events(
                    ctx.call("cloudtrail", "GetEventSelectors", region, TrailName=item["arn"]))
            except SourceFailed as failed:
                if failed.error.fatal:
                    raise
                item["error"] = failed.error.message
        out.append(item)
    return out


def _arn_parts(arn: str) -> dict:
    parts = arn.split(":")
    return {"region": parts[3], "account": parts[4], "resource": ":".join(parts[5:])} if len(parts) >= 6 else {}


def _root_usage_monitoring(ctx: Context, ev: Collector) -> dict:
    """Metric filters on the log groups of multi-region trails, judged by logs:TestMetricFilter, and their alarms."""
    account = ev.get("caller")["account"]
    messages = samples.metric_filter_messages(account)
    groups, filters, alarms, topics = [], [], [], {}
    for arn in sorted({t["log_group_arn"] for t in ev.get("trails") if t.get("multi_region") and t.get("log_group_arn")}):
        p = _arn_parts(arn)
        name = p.get("resource", "").removeprefix("log-group:").removesuffix(":*")
        group = {"arn": arn, "name": name, "region": p.get("region"), "account": p.get("account")}
        groups.append(group)
        if p.get("account") != account:
            group["cross_account"] = True  # the alarm lives in another account: it cannot be read from here
            continue
        for f in ctx.paginate("logs", "DescribeMetricFilters", "metricFilters", p["region"], logGroupName=name):
            result = ctx.call("logs", "TestMetricFilter", p["region"], filterPattern=f.get("filterPattern", ""),
                              logEventMessages=[json.dumps(m["record"]) for m in messages])
            hit = {m.get("eventNumber") for m in result.get("matches", [])}
            matched = [m for i, m in enumerate(messages, start=1) if i in hit]
            filters.append({
                "log_group": name, "region": p["region"], "name": f.get("filterName"),
                "pattern": f.get("filterPattern"),
                "metrics": [{"name": m.get("metricName"), "namespace": m.get("metricNamespace")}
                            for m in f.get("metricTransformations", [])],
                "matched": [m["label"] for m in matched],
                "matches_root": all(m in matched for m in messages if m["root"]),
                "matches_non_root": any(not m["root"] for m in matched),
            })
    for region in sorted({f["region"] for f in filters if f["matches_root"]}):
        wanted = {(m["name"], m["namespace"]) for f in filters if f["region"] == region for m in f["metrics"]}
        for a in ctx.paginate("cloudwatch", "DescribeAlarms", "MetricAlarms", region):
            if (a.get("MetricName"), a.get("Namespace")) in wanted:
                alarms.append({"name": a.get("AlarmName"), "region": region, "metric": a.get("MetricName"),
                               "namespace": a.get("Namespace"), "actions_enabled": a.get("ActionsEnabled", True),
                               "actions": [x for x in a.get("AlarmActions", []) if ":sns:" in x]})
    for topic in sorted({t for a in alarms for t in a["actions"]}):
        subs = ctx.paginate("sns", "ListSubscriptionsByTopic", "Subscriptions", _arn_parts(topic).get("region"),
                            TopicArn=topic)
        pending = sum(1 for s in subs if s.get("SubscriptionArn") in ("PendingConfirmation", "Deleted"))
        topics[topic] = {"confirmed": len(subs) - pending, "pending": pending}
    return {"log_groups": groups, "filters": filters, "alarms": alarms, "topics": topics}


def _could_match_signin(pattern: dict) -> bool:
    """Cheap, exact pruning: a pattern whose 'source' lists only other plain strings cannot match aws.signin."""
    source = pattern.get("source")
    if isinstance(source, list) and source and all(isinstance(s, str) for s in source):
        return "aws.signin" in source
    return True


def _eventbridge(ctx: Context, ev: Collector) -> dict:
    """Per sign-in region: rules on the default bus that match a sample root sign-in, and their targets."""
    account = ev.get("caller")["account"]
    regions: dict[str, dict] = {}
    for region in ctx.config.signin_regions:
        try:
            rules = []
            for rule in ctx.paginate("events", "ListRules", "Rules", region, EventBusName="default"):
                raw = rule.get("EventPattern")
                try:
                    pattern = json.loads(raw) if raw else None
                except ValueError:
                    pattern = None
                if not isinstance(pattern, dict) or not _could_match_signin(pattern):
                    continue
                # The docs spell the detail-type two ways; a rule that matches either one will fire, so the
                # second spelling is tested only when the first does not match.
                spellings = []
                for dt in samples.SIGNIN_DETAIL_TYPES:
                    if ctx.call("events", "TestEventPattern", region, EventPattern=raw,
                                Event=samples.signin_event(dt, account, region)).get("Result"):
                        spellings.append(dt)
                        break
                if not spellings:
                    continue
                targets = ctx.call("events", "ListTargetsByRule", region, Rule=rule["Name"],
                                   EventBusName="default").get("Targets", [])
                rules.append({"name": rule.get("Name"), "state": rule.get("State"), "matches": spellings,
                              "targets": len(targets)})
            regions[region] = {"rules": rules}
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            regions[region] = {"error": failed.error.message, "action": failed.error.action}
    return regions


def _scps(ctx: Context, ev: Collector) -> dict:
    """SCPs are readable only from the management account; the org scan presets them for members."""
    org, caller = ev.get("organization"), ev.get("caller")
    if org is None:
        return {"status": "no-organization"}
    if org.get("master_account_id") == caller.get("account"):
        return {"status": "management"}
    return {"status": "not-readable"}


def scp_chain(ctx: Context, account_id: str, cache: dict) -> dict:
    """SCPs that apply to a member: attached to it, to each ancestor OU and to the root.

    Run from the management account. `cache` is shared across accounts so each OU's and each
    policy's calls are made once per organization, not once per member.
    """
    targets, node = [account_id], account_id
    while True:
        key = ("parents", node)
        if key not in cache:
            cache[key] = ctx.paginate("organizations", "ListParents", "Parents", ChildId=node)
        parents = cache[key]
        if not parents:
            break
        node = parents[0]["Id"]
        targets.append(node)
        if parents[0].get("Type") == "ROOT":
            break
    policies = []
    for target in targets:
        key = ("policies", target)
        if key not in cache:
            cache[key] = ctx.paginate("organizations", "ListPoliciesForTarget", "Policies", TargetId=target,
                                      Filter="SERVICE_CONTROL_POLICY")
        for summary in cache[key]:
            pkey = ("policy", summary["Id"])
            if pkey not in cache:
                cache[pkey] = ctx.call("organizations", "DescribePolicy", PolicyId=summary["Id"])["Policy"]
            policy = cache[pkey]
            policies.append({"id": summary["Id"], "name": summary.get("Name"), "target": target,
                             "content": policy.get("Content", "")})
    return {"status": "ok", "policies": policies}


SCP_ACTIONS = ("organizations:ListParents", "organizations:ListPoliciesForTarget", "organizations:DescribePolicy")

SOURCES: dict[str, Source] = {s.name: s for s in [
    Source("caller", ("sts:GetCallerIdentity",), _caller, doc="who is running the audit"),
    Source("account_summary", ("iam:GetAccountSummary",), _account_summary,
           doc="root's MFA, password, access keys and signing certificates (0/1 flags)"),
    Source("virtual_mfa", ("iam:ListVirtualMFADevices",), _virtual_mfa, doc="assigned virtual MFA devices"),
    Source("credential_report", ("iam:GenerateCredentialReport", "iam:GetCredentialReport"), _credential_report,
           doc="the credential report's <root_account> row and its GeneratedTime"),
    Source("organization", ("organizations:DescribeOrganization",), _organization, doc="the organization, if any"),
    Source("org_features", ("iam:ListOrganizationsFeatures",), _org_features, depends=("organization",),
           doc="centralized root access features"),
    Source("security_contact", ("account:GetAlternateContact",), _security_contact,
           doc="the SECURITY alternate contact"),
    Source("root_email", (), _root_email, depends=("organization", "caller"), doc="the root email, where readable"),
    Source("trails", ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"),
           _trails, doc="CloudTrail trails, with logging status and management-event selectors"),
    Source("root_usage_monitoring", ("logs:DescribeMetricFilters", "logs:TestMetricFilter",
                                     "cloudwatch:DescribeAlarms", "sns:ListSubscriptionsByTopic"),
           _root_usage_monitoring, depends=("trails", "caller"),
           doc="metric filters on trail log groups, what they match, their alarms and SNS subscriptions"),
    Source("eventbridge", ("events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule"), _eventbridge,
           depends=("caller",), doc="EventBridge rules matching a root sign-in, per sign-in region"),
    Source("scps", (), _scps, depends=("organization", "caller"), doc="SCPs that apply to this account"),
]}


def actions_for(source_names) -> set[str]:
    """The IAM actions needed for these sources, following dependencies."""
    out: set[str] = set()
    stack = list(source_names)
    while stack:
        s = SOURCES[stack.pop()]
        out.update(s.actions)
        stack.extend(s.depends)
    return out
