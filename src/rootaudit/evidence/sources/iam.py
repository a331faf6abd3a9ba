"""IAM: root's credential flags, virtual MFA devices, the credential report, centralized root access."""
from __future__ import annotations

import csv
import io
import time
from typing import TYPE_CHECKING, Any

from ..errors import SourceError, SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


def _iso(value: Any) -> str | None:
    """botocore parses every timestamp of the IAM model into a datetime; an absent one stays absent."""
    return value.isoformat() if value is not None else None


_SUMMARY_KEYS = ("AccountMFAEnabled", "AccountAccessKeysPresent", "AccountPasswordPresent",
                 "AccountSigningCertificatesPresent")

@register("account_summary", ("iam:GetAccountSummary",), root_session=True,
          doc="root's MFA, password, access keys and signing certificates (0/1 flags)")
def _account_summary(ctx: Context, ev: Collector) -> dict:
    summary, via = _read_root_fact(ctx, "GetAccountSummary")
    value = {k: summary.get("SummaryMap", {}).get(k) for k in _SUMMARY_KEYS}
    value["via"] = via
    return value


_VIA_ROOT = "sts:AssumeRoot (IAMAuditRootUserCredentials)"


def _read_root_fact(ctx: Context, operation: str) -> tuple[dict, str]:
    """Read with the account's own credentials; fall back to the org scan's AssumeRoot session on AccessDenied.

    The role is tried first because SCPs apply inside root sessions: a deny-root SCP without an aws:AssumedRoot
    exception blocks the session but not the role. When the session is the only way in, its denial says so
    instead of asking to grant the auditing principal something it cannot be granted.
    """
    only_root = ctx.root_session is not None and ctx.session is ctx.root_session
    try:
        return ctx.call("iam", operation), _VIA_ROOT if only_root else "account credentials"
    except SourceFailed as failed:
        if failed.error.kind != "AccessDenied" or ctx.root_session is None:
            raise
        if only_root:
            raise SourceFailed(_denied_in_root_session(failed.error)) from None
        first = failed.error
    try:
        return ctx.call("iam", operation, root=True), f"{_VIA_ROOT}, after the role was denied"
    except SourceFailed as failed:
        if failed.error.kind != "AccessDenied":
            raise
        raise SourceFailed(SourceError("AccessDenied", first.action, f"{first.message}; and "
                                       f"{_denied_in_root_session(failed.error).message}")) from None


def _denied_in_root_session(error: SourceError) -> SourceError:
    return SourceError("AccessDenied", error.action, f"{error.action} was denied inside the sts:AssumeRoot audit "
                       "session: SCPs apply in root sessions, so an SCP that denies everyone, or the root user "
                       "without an aws:AssumedRoot exception, blocks it")


@register("virtual_mfa", ("iam:ListVirtualMFADevices",), doc="assigned virtual MFA devices")
def _virtual_mfa(ctx: Context, ev: Collector) -> list[dict]:
    devices = ctx.paginate("iam", "ListVirtualMFADevices", "VirtualMFADevices", AssignmentStatus="Assigned")
    return [
        {"serial": d.get("SerialNumber"), "user_arn": (d.get("User") or {}).get("Arn"),
         "enable_date": _iso(d.get("EnableDate"))}
        for d in devices
    ]


_NOT_READY = {"CredentialReportNotReadyException", "ReportInProgress", "LimitExceeded", "LimitExceededException",
              "CredentialReportNotPresentException", "ReportNotPresent"}

@register("credential_report", ("iam:GenerateCredentialReport", "iam:GetCredentialReport"),
          doc="the credential report's <root_account> row and its GeneratedTime")
def _credential_report(ctx: Context, ev: Collector) -> dict:
    """Generate the report with bounded polling and exponential back-off, then read the root row."""
    timeout = ctx.config.credential_report_timeout_seconds
    started = time.monotonic()
    delay = 0.1  # the other sources are read meanwhile; a short first wait keeps a fresh report off the critical path
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


_FEATURE_ERRORS = {
    "AccountNotManagementOrDelegatedAdministratorException": "not-management",
    "OrganizationNotFoundException": "no-organization",
    "ServiceAccessNotEnabledException": "service-access-not-enabled",
    "OrganizationNotInAllFeaturesModeException": "not-all-features",
}

@register("org_features", ("iam:ListOrganizationsFeatures",), depends=("organization",), management_only=True,
          doc="centralized root access features")
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
