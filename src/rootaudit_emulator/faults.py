"""Errors AWS really returns, switched on per scenario (the ``faults:`` list in a scenario's YAML).

Each entry names one fault of ``FAULTS`` plus its options; ``Emulator.load`` applies them after building the
scenario and ``Emulator.fault`` applies one at run time.  Error faults are answered by the interceptor before moto
sees the request, in the request's protocol, with the code and HTTP status botocore's model gives for that service
(see ``error_for``).  The credential-report "in progress" fault changes a successful answer (State STARTED, then
INPROGRESS) and so lives in the credential-report grafts, which read ``REPORT_PENDING`` here.

``FAULTS`` is the one list the reference page (docs/reference/emulated-account.md) prints: keep each description
short and the AWS page it rests on in ``source``.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

# Options every fault accepts: which account's calls it affects (default: every account) and for how many
# matching calls it answers (default: always).
COMMON_OPTIONS = ("account", "times")

# Regions AWS enables in every account; only the others (opt-in regions) can be disabled.
# https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
DEFAULT_REGIONS = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-north-1", "sa-east-1",
})

OPERATION_PATTERN = r"[a-z0-9-]+:(\*|[A-Za-z0-9]+)"
REGION_PATTERN = r"[a-z]{2}(-[a-z]+)+-\d"


@dataclass(frozen=True)
class Fault:
    name: str
    description: str  # one or two sentences for the reference page
    operations: tuple[str, ...]  # what it affects; "<operation>" means the one the entry names
    errors: tuple[str, ...]  # error codes it makes AWS answer with (per protocol where they differ)
    options: tuple[str, ...]  # options beyond COMMON_OPTIONS; those listed in ``required`` must be given
    required: tuple[str, ...]
    source: str  # the AWS page the behaviour rests on


FAULTS: dict[str, Fault] = {f.name: f for f in (
    Fault("credential_report_in_progress",
          "The credential report takes a while: GenerateCredentialReport answers State STARTED, then INPROGRESS, "
          "for the first `times` calls (always, when `times` is not given), and GetCredentialReport answers "
          "ReportInProgress (HTTP 404) until it is COMPLETE.",
          ("iam:GenerateCredentialReport", "iam:GetCredentialReport"), ("ReportInProgress",), (), (),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html"),
    Fault("credential_report_expired",
          "GetCredentialReport answers ReportExpired (HTTP 410): the report is older than four hours and must be "
          "generated again.",
          ("iam:GetCredentialReport",), ("ReportExpired",), (), (),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html"),
    Fault("credential_report_not_present",
          "GetCredentialReport answers ReportNotPresent (HTTP 410), as before any GenerateCredentialReport.",
          ("iam:GetCredentialReport",), ("ReportNotPresent",), (), (),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html"),
    Fault("credential_report_limit_exceeded",
          "GenerateCredentialReport answers LimitExceeded (HTTP 409): too many report requests.",
          ("iam:GenerateCredentialReport",), ("LimitExceeded",), (), (),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GenerateCredentialReport.html"),
    Fault("service_access_not_enabled",
          "Trusted access for IAM is not enabled in the organization: ListOrganizationsFeatures and the "
          "Enable/DisableOrganizationsRoot* calls answer ServiceAccessNotEnabledException.",
          ("iam:ListOrganizationsFeatures", "iam:EnableOrganizationsRootCredentialsManagement",
           "iam:EnableOrganizationsRootSessions", "iam:DisableOrganizationsRootCredentialsManagement",
           "iam:DisableOrganizationsRootSessions"),
          ("ServiceAccessNotEnabledException",), (), (),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html"),
    Fault("throttling",
          "Calls to `operation` (`service:Action` or `service:*`) are throttled with the service's own code: "
          "Throttling (IAM, STS, CloudWatch), ThrottlingException (CloudTrail, Logs, EventBridge), "
          "TooManyRequestsException (Organizations, Account Management), Throttled (SNS).",
          ("<operation>",), ("Throttling", "ThrottlingException", "TooManyRequestsException", "Throttled"),
          ("operation",), ("operation",),
          "https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html"),
    Fault("access_denied",
          "Calls to `operation` are denied with the service's own code: AccessDenied (IAM, STS, CloudWatch), "
          "AccessDeniedException (CloudTrail, Logs, EventBridge, Organizations, Account Management), "
          "AuthorizationError (SNS).",
          ("<operation>",), ("AccessDenied", "AccessDeniedException", "AuthorizationError"),
          ("operation",), ("operation",),
          "https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html"),
    Fault("region_disabled",
          "The opt-in `region` is not enabled in the account: every call signed for it is refused because the "
          "credentials are not valid there: InvalidClientTokenId (HTTP 403) from query services, "
          "UnrecognizedClientException (HTTP 400) from JSON services, AuthFailure from EC2.",
          ("*",), ("InvalidClientTokenId", "UnrecognizedClientException", "AuthFailure"), ("region",), ("region",),
          "https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html"),
)}

# Aliases the interceptor translates per service (error_for); every other code is sent as given.
_REGION_DISABLED = "RegionDisabled"
_INVALID_TOKEN = "The security token included in the request is invalid."


# ============================================================================================ validation


def validate(entry: Any, where: str, fail: Callable[[str, str], Exception]) -> dict[str, Any]:
    """One ``faults:`` entry, normalised: {"fault", "account", "times", <options>}; ``fail(where, problem)``."""
    if not isinstance(entry, dict):
        raise fail(where, f"expected a mapping with a 'fault' key, got {type(entry).__name__}")
    name = entry.get("fault")
    if name not in FAULTS:
        raise fail(f"{where}.fault", f"expected one of {', '.join(sorted(FAULTS))}, got {name!r}")
    fault = FAULTS[name]
    allowed = {"fault", *COMMON_OPTIONS, *fault.options}
    unknown = set(entry) - allowed
    if unknown:
        raise fail(where, f"unknown key(s) {', '.join(sorted(map(str, unknown)))} for fault {name}; "
                          f"allowed: {', '.join(sorted(allowed))}")
    for option in fault.required:
        if entry.get(option) is None:
            raise fail(f"{where}.{option}", f"required for fault {name}")
    out: dict[str, Any] = {"fault": name, "account": None, "times": None}
    account = entry.get("account")
    if isinstance(account, int) and not isinstance(account, bool):
        account = f"{account:012d}"  # YAML reads 123456789012 as a number
    if account is not None and not (isinstance(account, str) and re.fullmatch(r"\d{12}", account)):
        raise fail(f"{where}.account", f"expected a 12-digit account id, got {account!r}")
    out["account"] = account
    times = entry.get("times")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or not 1 <= times <= 10**6):
        raise fail(f"{where}.times", f"expected a whole number from 1 to 1000000 (or nothing: always), got {times!r}")
    out["times"] = times
    if "operation" in fault.options:
        operation = entry.get("operation")
        if not (isinstance(operation, str) and re.fullmatch(OPERATION_PATTERN, operation)):
            raise fail(f"{where}.operation", f"expected service:Action or service:*, got {operation!r}")
        problem = _unknown_operation(operation)
        if problem:
            raise fail(f"{where}.operation", problem)
        out["operation"] = operation
    if "region" in fault.options:
        region = entry.get("region")
        if not (isinstance(region, str) and re.fullmatch(REGION_PATTERN, region)):
            raise fail(f"{where}.region", f"expected a region name like ap-east-1, got {region!r}")
        if region in DEFAULT_REGIONS:
            raise fail(f"{where}.region", f"{region} is enabled by default in every account and cannot be "
                                          "disabled; name an opt-in region such as ap-east-1")
        out["region"] = region
    return out


def _unknown_operation(operation: str) -> str | None:
    """Why ``operation`` names nothing in botocore's models (a typo would otherwise never match), or None."""
    import difflib

    service, _, action = operation.partition(":")
    names = _operation_names(service)
    if names is None:
        return f"{service} is not a service botocore knows"
    if action != "*" and action not in names:
        close = difflib.get_close_matches(action, names, n=1)
        return f"{service} has no operation {action}" + (f"; did you mean {close[0]}?" if close else "")
    return None


@cache
def _operation_names(service: str) -> tuple[str, ...] | None:
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    try:
        return tuple(botocore.session.get_session().get_service_model(service).operation_names)
    except UnknownServiceError:
        return None


# ============================================================================================ error codes


def error_for(service: str, code: str) -> tuple[str, int]:
    """The code and HTTP status ``service`` really sends for a generic code (AccessDenied, Throttling,
    RegionDisabled) or, for any other code, the status botocore's model gives that code (400 if unmodelled)."""
    if code == "AccessDenied":
        if service == "sns":
            return "AuthorizationError", 403
        if service in ("account", "signin"):
            return "AccessDeniedException", 403
        if service in JSON_SERVICES:
            return "AccessDeniedException", 400
        return "AccessDenied", 403
    if code == "Throttling":
        if service == "sns":
            return "Throttled", 429
        if service == "account":
            return "TooManyRequestsException", 429
        if service == "signin":
            return "TooManyRequestsError", 429
        if service == "organizations":
            return "TooManyRequestsException", 400
        if service in JSON_SERVICES:
            return "ThrottlingException", 400
        return "Throttling", 400
    if code == _REGION_DISABLED:
        if service == "ec2":
            return "AuthFailure", 401
        if service in JSON_SERVICES or service == "account":
            return "UnrecognizedClientException", 403 if service == "account" else 400
        return "InvalidClientTokenId", 403
    return code, modelled_status(service, code) or (403 if "AccessDenied" in code else 400)


# Services whose API speaks JSON (awsJson 1.0/1.1); the others the product uses speak query XML (IAM, STS, SNS),
# RPC v2 CBOR with query-compatible codes (CloudWatch) or REST-JSON (Account Management).
JSON_SERVICES = {"cloudtrail", "logs", "events", "organizations"}


@cache
def _status_by_code(service: str) -> dict[str, int]:
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    try:
        model = botocore.session.get_session().get_service_model(service)
    except UnknownServiceError:
        return {}
    statuses = {}
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.metadata.get("exception"):
            error = shape.metadata.get("error", {})
            statuses[error.get("code", name)] = error.get("httpStatusCode", 400)
    return statuses


def modelled_status(service: str, code: str) -> int | None:
    """The HTTP status botocore's model gives error ``code`` of ``service``; None when the model has no such code."""
    return _status_by_code(service).get(code)


def interceptor_failures(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """What the interceptor must answer for one validated entry: keyword arguments for ``Interceptor.fail``."""
    name, account, times = entry["fault"], entry["account"], entry["times"]
    common = {"account": account, "times": times}
    if name == "credential_report_expired":
        return [dict(operation="iam:GetCredentialReport", code="ReportExpired",
                     message="The credential report is expired. Generate a new credential report.", **common)]
    if name == "credential_report_not_present":
        return [dict(operation="iam:GetCredentialReport", code="ReportNotPresent",
                     message="Credential report not present.", **common)]
    if name == "credential_report_limit_exceeded":
        return [dict(operation="iam:GenerateCredentialReport", code="LimitExceeded",
                     message="Credential report generation limit exceeded.", **common)]
    if name == "service_access_not_enabled":
        return [dict(operation=op, code="ServiceAccessNotEnabledException",
                     message="The request failed because trusted access for IAM is not enabled in the organization.",
                     **common) for op in FAULTS[name].operations]
    if name == "throttling":
        return [dict(operation=entry["operation"], code="Throttling", message="Rate exceeded", **common)]
    if name == "access_denied":
        return [dict(operation=entry["operation"], code="AccessDenied", message=None, **common)]
    if name == "region_disabled":
        return [dict(operation="*", code=_REGION_DISABLED, message=_INVALID_TOKEN, region=entry["region"], **common)]
    return []  # credential_report_in_progress: answered by the grafts


# ============================================================================================ graft state


class _ReportPending:
    """credential_report_in_progress: per account (None: every account), the generate calls still "in progress"."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.remaining: dict[str | None, int | None] = {}  # None: never completes
        self.started: set[str] = set()

    def clear(self) -> None:
        with self.lock:
            self.remaining.clear()
            self.started.clear()

    def set(self, account: str | None, times: int | None) -> None:
        with self.lock:
            self.remaining[account] = times

    def _key(self, account: str) -> str | None | bool:
        if account in self.remaining:
            return account
        return None if None in self.remaining else False

    def generate(self, account: str) -> str | None:
        """The State GenerateCredentialReport answers while the fault lasts, or None once it is over."""
        with self.lock:
            key = self._key(account)
            if key is False:
                return None
            left = self.remaining[key]
            if left is not None and left <= 0:
                return None
            if left is not None:
                self.remaining[key] = left - 1
            first = account not in self.started
            self.started.add(account)
            return "STARTED" if first else "INPROGRESS"

    def in_progress(self, account: str) -> bool:
        """Whether GetCredentialReport must answer ReportInProgress: generation started and not finished."""
        with self.lock:
            key = self._key(account)
            if key is False or account not in self.started:
                return False
            left = self.remaining[key]
            return left is None or left > 0


REPORT_PENDING = _ReportPending()


def clear() -> None:
    REPORT_PENDING.clear()


def apply(entry: dict[str, Any], fail: Callable[..., None]) -> None:
    """Switch one validated entry on: graft state here, error answers through ``fail`` (Interceptor.fail)."""
    if entry["fault"] == "credential_report_in_progress":
        REPORT_PENDING.set(entry["account"], entry["times"])
    for kwargs in interceptor_failures(entry):
        fail(**kwargs)
