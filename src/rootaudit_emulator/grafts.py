"""Operations moto 5.2.5 lacks or gets wrong, added to its response classes in-process.

The product reaches the emulator only through AWS_ENDPOINT_URL and ordinary boto3 calls, so each graft answers
the way AWS does: the output shapes come from botocore's model (moto serialises an ActionResult with it) and
errors carry the codes the model names.  ``install()`` is idempotent and must run before the server handles
its first request (the account service's URL map is read when its Flask app is created).

Error classes raised here live outside the ``moto`` package on purpose: moto looks an error up in the service
model of the package the exception's ``__module__`` names, and for anything else it uses the model of the
service being called, which is what we want.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult

from . import delegated_admin, event_pattern, faults, filter_pattern
from . import root_state as rs

ROOT_TASK_POLICIES = {
    # task policy name -> the actions an AssumeRoot session scoped by it may call (IAM User Guide,
    # "AWS managed policies for IAM"); sts:GetCallerIdentity needs no permission and is always allowed.
    "IAMAuditRootUserCredentials": {"iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:GetLoginProfile",
                                    "iam:ListMFADevices", "iam:GetAccountSummary", "iam:GetUser",
                                    "iam:GetAccessKeyLastUsed"},
    "IAMCreateRootUserPassword": {"iam:CreateLoginProfile", "iam:GetLoginProfile"},
    "IAMDeleteRootUserCredentials": {"iam:DeleteAccessKey", "iam:DeleteSigningCertificate", "iam:DeleteLoginProfile",
                                     "iam:DeactivateMFADevice", "iam:ListAccessKeys", "iam:ListSigningCertificates",
                                     "iam:GetLoginProfile", "iam:ListMFADevices", "iam:GetUser",
                                     "iam:GetAccessKeyLastUsed"},
    "S3UnlockBucketPolicy": {"s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy",
                             "s3:ListAllMyBuckets"},
    "SQSUnlockQueuePolicy": {"sqs:*"},
}
PARTITION = "aws"  # the partition the emulator serves
ROOT_TASK_POLICY_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::aws:policy/root-task/(?P<name>[A-Za-z0-9]+)$")
TARGET_PRINCIPAL = re.compile(r"^(?:arn:(?P<partition>aws[a-z-]*):iam::)?(?P<account>\d{12})(?(partition):root)$")
ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[\w+=,.@-]+)$")

ACCOUNT_PRINCIPAL = "account.amazonaws.com"  # trusted access the Account Management API needs in an organization

# Organizations operations that only the management account (or a delegated administrator) may call.
ORG_MANAGEMENT_ONLY = (
    "list_accounts", "list_accounts_for_parent", "list_parents", "list_children", "list_roots",
    "list_policies", "list_policies_for_target", "list_targets_for_policy", "describe_policy",
    "describe_account", "list_organizational_units_for_parent", "describe_organizational_unit",
    "list_delegated_administrators",
)


class GraftError(ServiceException):
    """An AWS error answered by a graft; ``status`` overrides the model's HTTP status when AWS differs."""

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(code, message)
        self.status = status


def answers(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Serialise a GraftError with the service model, like moto does, keeping our HTTP status."""

    @functools.wraps(method)
    def wrapper(self: Any) -> Any:
        try:
            return method(self)
        except GraftError as error:
            status, headers, body = self.serialized(ActionResult(error))
            headers = dict(headers)
            headers["status"] = error.status or status
            return body, headers

    return wrapper


def _caller_arn(response: Any) -> str:
    from moto.sts.models import sts_backends

    backend = sts_backends[response.current_account]["aws"]
    return backend.get_caller_identity(response.get_access_key(), response.region)[1]


# Every AWS operation a graft answers or changes, "service:Operation" -> the grafts' Python names.  Filled by
# _graft, so tests/test_emulator_shapes.py walks every graft, including ones added later.
GRAFTED: dict[str, list[str]] = {}


def _operation_for(cls: type, name: str) -> str:
    """"iam:GetAccountSummary" for IamResponse.get_account_summary (moto.<service>.responses)."""
    import botocore.session
    from botocore import xform_name

    service = cls.__module__.split(".")[1]
    model = botocore.session.get_session().get_service_model(service)
    for operation in model.operation_names:
        if xform_name(operation) == name:
            return f"{service}:{operation}"
    raise ValueError(f"{cls.__name__}.{name} is not an operation of {service}: pass operations= to _graft")


def _graft(cls: type, name: str, fn: Callable[..., Any], operations: tuple[str, ...] = ()) -> None:
    """Attach ``fn`` as ``cls.name``; remember the original once so re-installing never wraps twice.

    Grafts on a response class answer the operation of the same name; grafts on models (backends, trails) must
    say which operations they change, so the shape test can call them.
    """
    if not operations:
        operations = (_operation_for(cls, name),)
    for operation in operations:
        where = GRAFTED.setdefault(operation, [])
        if f"{cls.__name__}.{name}" not in where:
            where.append(f"{cls.__name__}.{name}")
    originals = cls.__dict__.get("_rootaudit_originals")
    if originals is None:
        originals = {}
        cls._rootaudit_originals = originals
    if name not in originals:
        originals[name] = cls.__dict__.get(name)
    setattr(cls, name, fn)


def _original(cls: type, name: str) -> Callable[..., Any]:
    original = cls.__dict__["_rootaudit_originals"].get(name)
    if original is None:  # inherited, not defined on cls itself
        for base in cls.__mro__[1:]:
            if name in base.__dict__:
                return base.__dict__[name]
    return original


# ============================================================================================ IAM


def _install_iam() -> None:
    from moto.iam.models import IAMBackend
    from moto.iam.responses import IamResponse

    def get_account_summary(self: Any) -> ActionResult:
        summary = dict(self.backend.get_account_summary().summary_map)
        # moto 5.2.5 has no AccountPasswordPresent; AWS always returns it.
        root = rs.posture(self.current_account)
        summary["AccountPasswordPresent"] = 1 if root.password else 0
        summary["MFADevicesInUse"] += len(root.mfa)  # moto counts IAM users' devices only
        return ActionResult({"SummaryMap": summary})

    def generate_credential_report(self: Any) -> ActionResult:
        account = self.current_account
        pending = faults.REPORT_PENDING.generate(account)  # the credential_report_in_progress fault
        if pending is not None:
            if not self.backend.report_generated():
                self.backend.generate_report()  # ready the moment the fault is over
                rs.OVERRIDES.report_generated_at[account] = rs.utcnow()
            return ActionResult({"State": pending, "Description": "Report generation in progress."
                                 if pending == "INPROGRESS" else "No report exists. Starting a new report "
                                                                 "generation task"})
        if self.backend.report_generated():
            return ActionResult({"State": "COMPLETE"})
        self.backend.generate_report()
        rs.OVERRIDES.report_generated_at[account] = rs.utcnow()
        return ActionResult({"State": "STARTED",
                             "Description": "No report exists. Starting a new report generation task"})

    @answers
    def get_credential_report(self: Any) -> ActionResult:
        account = self.current_account
        if faults.REPORT_PENDING.in_progress(account):
            # Code ReportInProgress, HTTP 404: botocore raises CredentialReportNotReadyException.
            raise GraftError("CredentialReportNotReadyException", "Credential report generation is in progress.")
        report = self.backend.get_credential_report()  # ReportNotPresent (410) before GenerateCredentialReport
        header, _, users = report.partition("\n")
        content = header + "\n" + rs.root_report_row(account) + users
        generated = rs.OVERRIDES.report_generated_at.get(account) or rs.utcnow()
        return ActionResult({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": generated})

    @answers
    def list_organizations_features(self: Any) -> ActionResult:
        context = rs.org_of(self.current_account)
        if context is None:
            raise GraftError("OrganizationNotFoundException",
                             "The request failed because your account is not a member of an organization.")
        role, org_backend = context
        if role == "member" and not delegated_admin.acting_management(self.current_account, delegated_admin.IAM):
            raise GraftError("AccountNotManagementOrDelegatedAdministratorException",
                             "The request failed because the account is not the management account or delegated "
                             "administrator account for centralized root access.")
        management = org_backend.account_id
        error = rs.OVERRIDES.org_features_error.get(management)
        if error:
            raise GraftError(error, "The request failed because trusted access for IAM is not enabled in the "
                                    "organization.")
        if org_backend.org.feature_set != "ALL":
            raise GraftError("OrganizationNotInAllFeaturesModeException",
                             "The request failed because your organization does not have all features enabled.")
        return ActionResult({"OrganizationId": org_backend.org.id,
                             "EnabledFeatures": list(rs.OVERRIDES.org_features.get(management, []))})

    # ---- the root user's own credentials, for root callers and IAMAuditRootUserCredentials sessions -----------

    def _root_caller(self: Any) -> bool:
        return not self._get_param("UserName") and rs.is_root_caller(self.current_account, self.get_access_key())

    def list_mfa_devices(self: Any) -> Any:
        if not _root_caller(self):
            return _original(IamResponse, "list_mfa_devices")(self)
        devices = rs.posture(self.current_account).mfa_serials(self.current_account)
        return ActionResult({"MFADevices": devices, "IsTruncated": False})

    def list_access_keys(self: Any) -> Any:
        if not _root_caller(self):
            return _original(IamResponse, "list_access_keys")(self)
        keys = [{"AccessKeyId": k.access_key_id, "Status": "Active" if k.active else "Inactive",
                 "CreateDate": k.created} for k in rs.posture(self.current_account).access_keys]
        return ActionResult({"AccessKeyMetadata": keys, "IsTruncated": False})

    def list_signing_certificates(self: Any) -> Any:
        if not _root_caller(self):
            return _original(IamResponse, "list_signing_certificates")(self)
        root = rs.posture(self.current_account)
        certs = [{"CertificateId": f"ROOTCERT{i:032d}", "CertificateBody": "-----BEGIN CERTIFICATE-----",
                  "Status": "Active", "UploadDate": root.created + timedelta(days=60)}
                 for i in range(root.signing_certificates)]
        return ActionResult({"Certificates": certs, "IsTruncated": False})

    @answers
    def get_login_profile(self: Any) -> Any:
        if not _root_caller(self):
            return _original(IamResponse, "get_login_profile")(self)
        root = rs.posture(self.current_account)
        if not root.password:
            raise GraftError("NoSuchEntity", "Login Profile for User root cannot be found.", status=404)
        return ActionResult({"LoginProfile": {"CreateDate": root.created,
                                              "PasswordResetRequired": False}})

    def list_virtual_mfa_devices(self: Any, assignment_status: str, marker: str | None,
                                 max_items: int) -> tuple[list[Any], str | None]:
        # moto's version returns a marker when the last page is exactly full (one extra, empty page) and does
        # not sort; AWS only sets IsTruncated when more devices follow.
        devices = sorted(self.virtual_mfa_devices.values(), key=lambda d: d.serial_number)
        if assignment_status == "Assigned":
            devices = [d for d in devices if d.enable_date]
        elif assignment_status == "Unassigned":
            devices = [d for d in devices if not d.enable_date]
        start, size = int(marker or 0), int(max_items or 100)
        if start > len(devices):
            raise GraftError("ValidationError", "Invalid Marker.")
        end = start + size
        return devices[start:end], (str(end) if end < len(devices) else None)

    _graft(IAMBackend, "list_virtual_mfa_devices", list_virtual_mfa_devices, ("iam:ListVirtualMFADevices",))
    _graft(IamResponse, "get_account_summary", get_account_summary)
    _graft(IamResponse, "generate_credential_report", generate_credential_report)
    _graft(IamResponse, "get_credential_report", get_credential_report)
    _graft(IamResponse, "list_organizations_features", list_organizations_features)
    _graft(IamResponse, "list_mfa_devices", list_mfa_devices)
    _graft(IamResponse, "list_access_keys", list_access_keys)
    _graft(IamResponse, "list_signing_certificates", list_signing_certificates)
    _graft(IamResponse, "get_login_profile", get_login_profile)


# ============================================================================================ STS


def _install_sts() -> None:
    from moto.sts.models import STSBackend
    from moto.sts.responses import TokenResponse

    def get_caller_identity(self: Any, access_key_id: str, region: str) -> tuple[str, str, str]:
        session = rs.root_session(access_key_id)
        if session is not None:
            account = session.account_id
            return account, f"arn:aws:iam::{account}:root", account
        if rs.is_root_caller(self.account_id, access_key_id):
            return self.account_id, f"arn:aws:iam::{self.account_id}:root", self.account_id
        return _original(STSBackend, "get_caller_identity")(self, access_key_id, region)

    @answers
    def assume_role(self: Any) -> Any:
        role_arn = self._get_param("RoleArn") or ""
        match = ROLE_ARN.match(role_arn)
        context = rs.org_of(match.group("account")) if match else None
        if match and context and context[0] == "member":
            # Members of an emulated organization: the role must exist and the account must be active.
            target, name = match.group("account"), match.group("name")
            entry = rs.org_account(context[1], target)
            roles = rs.iam_backend(target).roles.values()
            if entry is None or entry.status != "ACTIVE" or not any(r.name == name for r in roles):
                raise GraftError("AccessDenied", f"User: {_caller_arn(self)} is not authorized to perform: "
                                                 f"sts:AssumeRole on resource: {role_arn}", status=403)
        return _original(TokenResponse, "assume_role")(self)

    @answers
    def assume_root(self: Any) -> ActionResult:
        caller = self.current_account
        principal = str(self._get_param("TargetPrincipal") or "")
        task = self._get_param("TaskPolicyArn") or {}
        task_arn = task.get("arn", "") if isinstance(task, dict) else str(task)
        duration = self._get_int_param("DurationSeconds", 900)
        token_size = self._get_int_param("MinimumSessionTokenSize", 0)
        # The STS API reference and botocore's model: TargetPrincipal is the member's account id or its root
        # principal ARN; DurationSeconds 0-900 (default 900); TaskPolicyArn one of the root-task managed
        # policies.  AWS's code for a wrong task policy is not documented; ValidationError is STS's common code.
        found = TARGET_PRINCIPAL.match(principal)
        if not found or found.group("partition") not in (None, PARTITION):
            raise GraftError("ValidationError", f"The TargetPrincipal {principal!r} is neither a 12-digit account ID "
                                                f"nor a root user ARN arn:{PARTITION}:iam::<account-id>:root.")
        target = found.group("account")
        policy = ROOT_TASK_POLICY_ARN.match(task_arn)
        if not policy or policy.group("partition") != PARTITION or policy.group("name") not in ROOT_TASK_POLICIES:
            raise GraftError("ValidationError", f"The TaskPolicyArn {task_arn!r} is not a root task policy "
                                                f"(arn:{PARTITION}:iam::aws:policy/root-task/<name>).")
        for label, value, low, high in (("durationSeconds", duration, 0, 900),
                                        ("minimumSessionTokenSize", token_size, 0, 4096)):
            if value < low or value > high:
                bound = f"less than or equal to {high}" if value > high else f"greater than or equal to {low}"
                raise GraftError("ValidationError", f"1 validation error detected: Value '{value}' at '{label}' "
                                                    f"failed to satisfy constraint: Member must have value {bound}")

        def denied(reason: str) -> GraftError:
            return GraftError("AccessDenied", f"User: {_caller_arn(self)} is not authorized to perform: "
                                              f"sts:AssumeRoot on resource: arn:aws:iam::{target}:root ({reason})",
                              status=403)

        if rs.is_root_caller(caller, self.get_access_key()):
            raise denied("root user credentials cannot call AssumeRoot")
        context = rs.org_of(caller)
        if context is None or not delegated_admin.acting_management(caller, delegated_admin.IAM):
            raise denied("only the management account or a delegated administrator can call AssumeRoot")
        management = context[1].account_id  # the IAM delegated administrator acts for the management account
        if "RootSessions" not in rs.OVERRIDES.org_features.get(management, []):
            raise denied("the RootSessions feature is not enabled for the organization")
        entry = rs.org_account(context[1], target)
        if entry is None or target in (caller, management) or entry.status != "ACTIVE":
            raise denied("the target is not an active member account of the organization")
        key = rs.mint_root_session(target, policy.group("name"))
        return ActionResult({"Credentials": {
            "AccessKeyId": key.access_key_id,
            "SecretAccessKey": key.secret_access_key,
            "SessionToken": "FQoGZXIvYXdzE" + key.secret_access_key + "ROOTSESSION",
            "Expiration": rs.utcnow() + timedelta(seconds=duration),
        }})

    _graft(STSBackend, "get_caller_identity", get_caller_identity, ("sts:GetCallerIdentity",))
    _graft(TokenResponse, "assume_role", assume_role)
    _graft(TokenResponse, "assume_root", assume_root)


# ============================================================================================ Organizations


def _install_organizations() -> None:
    from moto.organizations.responses import OrganizationsResponse

    def management_only(name: str) -> Callable[[Any], Any]:
        @answers
        def handler(self: Any) -> Any:
            context = rs.org_of(self.current_account)
            if context is not None and context[0] == "member":
                if not delegated_admin.acting_management(self.current_account):
                    # moto answers these from a member with an empty or the management's view; AWS refuses.
                    raise GraftError("AccessDeniedException", "You don't have permissions to access this resource.")
                self.current_account = context[1].account_id  # a delegated administrator reads the org's data
            return _original(OrganizationsResponse, name)(self)

        handler.__name__ = name
        return handler

    for name in ORG_MANAGEMENT_ONLY:
        _graft(OrganizationsResponse, name, management_only(name))


# ============================================================================================ Account


def _install_account() -> None:
    from moto.account import urls as account_urls
    from moto.account.responses import AccountResponse

    for path in ("{0}/getPrimaryEmail$", "{0}/getContactInformation$"):
        account_urls.url_paths.setdefault(path, AccountResponse.dispatch)

    def _denied(self: Any, action: str, reason: str = "") -> GraftError:
        return GraftError("AccessDeniedException", f"User: {_caller_arn(self)} is not authorized to perform: "
                                                   f"account:{action}{f' ({reason})' if reason else ''}", status=403)

    def _member_of_callers_org(self: Any, action: str, target: str) -> Any:
        """The org entry of ``target`` when the caller may act on it (Account Management API reference, AccountId:
        the caller is the management account, the target a member of its organization, trusted access for
        account.amazonaws.com is enabled, and the management account never names itself).  The codes for the
        failed preconditions: AccessDeniedException (403), as AWS answers a missing trusted access."""
        if not re.fullmatch(r"\d{12}", target):
            raise GraftError("ValidationException", f"1 validation error detected: Value '{target}' at 'accountId' "
                                                     "failed to satisfy constraint: Member must satisfy regular "
                                                     "expression pattern: \\d{12}", status=400)
        caller = self.current_account
        context = rs.org_of(caller)
        if context is None or context[0] != "management":
            raise _denied(self, action)
        if not any(s.get("ServicePrincipal") == ACCOUNT_PRINCIPAL for s in context[1].services):
            raise _denied(self, action, "Your organization must first enable trusted access with AWS Account "
                                        "Management.")
        entry = rs.org_account(context[1], target)
        if target == caller or entry is None:
            raise _denied(self, action, "the management account can't specify its own AccountId"
                                        if target == caller else "the account is not a member of your organization")
        return entry

    @answers
    def get_primary_email(self: Any) -> ActionResult:
        target = str(self._get_param("AccountId") or "")
        return ActionResult({"PrimaryEmail": _member_of_callers_org(self, "GetPrimaryEmail", target).email})

    @answers
    def get_contact_information(self: Any) -> ActionResult:
        target = self._get_param("AccountId")
        if target is None:  # the caller's own account, in any organization role
            target = self.current_account
        else:
            target = _member_of_callers_org(self, "GetContactInformation", str(target)).id
        info = rs.OVERRIDES.contact_information.get(target) or rs.default_contact_information(target)
        return ActionResult({"ContactInformation": info})

    _graft(AccountResponse, "get_primary_email", get_primary_email)
    _graft(AccountResponse, "get_contact_information", get_contact_information)


# ============================================================================================ Logs / Events


def _install_logs_and_events() -> None:
    from moto.events.responses import EventsHandler
    from moto.logs.responses import LogsResponse

    @answers
    def test_metric_filter(self: Any) -> ActionResult:
        params = json.loads(self.body or "{}")
        messages = params.get("logEventMessages") or []
        if not 1 <= len(messages) <= 50:
            raise GraftError("InvalidParameterException", "logEventMessages must hold 1 to 50 messages.")
        try:
            found = filter_pattern.test_messages(params.get("filterPattern", ""), messages)
        except filter_pattern.FilterPatternError as error:
            raise GraftError("InvalidParameterException", f"Invalid metric filter pattern: {error}") from None
        return ActionResult({"matches": found})

    @answers
    def test_event_pattern(self: Any) -> ActionResult:
        try:  # the project's matcher, not moto's EventPattern (see event_pattern.py for why)
            pattern = event_pattern.load(self._get_param("EventPattern"))
        except event_pattern.PatternError as error:
            raise GraftError("InvalidEventPatternException", f"Event pattern is not valid. Reason: {error}") from None
        try:
            event = json.loads(self._get_param("Event") or "")
        except ValueError:
            raise GraftError("ValidationException", "Parameter Event is not valid.") from None
        required = ("id", "account", "source", "time", "region", "detail-type")
        if not isinstance(event, dict) or any(f not in event for f in required):
            raise GraftError("ValidationException", "Parameter Event is not valid.")
        return ActionResult({"Result": event_pattern.matches(pattern, event)})

    _graft(LogsResponse, "test_metric_filter", test_metric_filter)
    _graft(EventsHandler, "test_event_pattern", test_event_pattern)


# ============================================================================================ CloudWatch


def _install_cloudwatch() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    @answers
    def describe_alarms(self: Any) -> ActionResult:
        # moto returns every alarm at once; AWS pages with MaxRecords (default 50) and NextToken.
        result = _original(CloudWatchResponse, "describe_alarms")(self).result
        items = [("MetricAlarms", a) for a in result["MetricAlarms"]]
        items += [("CompositeAlarms", a) for a in result["CompositeAlarms"]]
        token = self._get_param("NextToken")
        if token is not None and not str(token).isdigit():
            raise GraftError("InvalidNextToken", "The service returned an invalid next token.")
        start, size = int(token or 0), int(self._get_param("MaxRecords") or 50)
        page = items[start:start + size]
        answer: dict[str, Any] = {kind: [a for k, a in page if k == kind]
                                  for kind in ("MetricAlarms", "CompositeAlarms")}
        if start + size < len(items):
            answer["NextToken"] = str(start + size)
        return ActionResult(answer)

    _graft(CloudWatchResponse, "describe_alarms", describe_alarms)


# ============================================================================================ CloudTrail


DEFAULT_EVENT_SELECTORS = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                            "ExcludeManagementEventSources": []}]


def _org_trails_seen_by(account_id: str, region: str) -> list[Any]:
    """Organization trails of the management account, which AWS shows in every member account."""
    from moto.cloudtrail.models import cloudtrail_backends

    context = rs.org_of(account_id)
    if context is None or context[0] != "member":
        return []
    management = cloudtrail_backends.get(context[1].account_id)
    trails = []
    for backend in (management or {}).values():
        trails += [t for t in backend.trails.values()
                   if t.is_org_trail and (t.is_multi_region or t.region_name == region)]
    return trails


def _install_cloudtrail() -> None:
    from moto.cloudtrail.exceptions import TrailNotFoundException
    from moto.cloudtrail.models import CloudTrailBackend, Trail

    def describe_trails(self: Any, include_shadow_trails: bool) -> list[Any]:
        trails = list(_original(CloudTrailBackend, "describe_trails")(self, include_shadow_trails))
        return trails + _org_trails_seen_by(self.account_id, self.region_name)

    def get_trail(self: Any, name_or_arn: str) -> Any:
        try:
            return _original(CloudTrailBackend, "get_trail")(self, name_or_arn)
        except TrailNotFoundException:
            # AWS resolves a trail ARN from any region (multi-region trails) and org trails from members.
            seen = list(_original(CloudTrailBackend, "describe_trails")(self, True))
            seen += _org_trails_seen_by(self.account_id, self.region_name)
            for trail in seen:
                if trail.arn == name_or_arn:
                    return trail
            raise

    def get_event_selectors(self: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if not self.event_selectors and not self.advanced_event_selectors:
            return [dict(s) for s in DEFAULT_EVENT_SELECTORS], []  # what AWS gives a trail nobody configured
        return self.event_selectors, self.advanced_event_selectors

    def description(self: Any, include_region: bool = False) -> dict[str, Any]:
        desc = _original(Trail, "description")(self, include_region)
        desc["HasCustomEventSelectors"] = bool(self.event_selectors or self.advanced_event_selectors)
        for key in ("CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn", "KmsKeyId"):
            if desc.get(key) is None:
                desc.pop(key, None)  # AWS omits unset members instead of sending null
        return desc

    _graft(CloudTrailBackend, "describe_trails", describe_trails, ("cloudtrail:DescribeTrails",))
    _graft(CloudTrailBackend, "get_trail", get_trail, ("cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"))
    _graft(Trail, "get_event_selectors", get_event_selectors, ("cloudtrail:GetEventSelectors",))
    _graft(Trail, "description", description, ("cloudtrail:DescribeTrails",))


# ============================================================================================ entry point

_INSTALLED = False


def _install_access_key_index() -> None:
    """moto finds the account of every request by scanning every account's IAM backend for the access key.

    With hundreds of emulated accounts that scan dominates each request and makes an organization scan look
    quadratic. Remember where each key was found, and check it is still there (reset, deleted keys) before use.
    """
    from moto.iam import models as iam_models

    scan_all = iam_models.get_account_id_from
    where: dict[str, str] = {}

    def get_account_id_from(access_key: str) -> str:
        account = where.get(access_key)
        if account == iam_models.DEFAULT_ACCOUNT_ID:
            return account  # an unknown key (the emulator's dummy credentials): moto maps it to the default account
        if account is not None and account in iam_models.iam_backends and any(
                access_key in backend.access_keys for backend in iam_models.iam_backends[account].values()):
            return account
        account = scan_all(access_key)
        where[access_key] = account
        return account

    iam_models.get_account_id_from = get_account_id_from


def install() -> None:
    """Install every graft once per process (moto's classes are process-global)."""
    global _INSTALLED
    if _INSTALLED:
        return
    # AccessDenied is a real AWS code that the STS and IAM models do not list; moto warns about codes it cannot
    # find unless they are "common" (a warnings filter would not survive pytest's per-test warning capture).
    from moto.core import errors as moto_errors

    for common in ("AccessDenied", "InvalidNextToken"):
        if common not in moto_errors.COMMON_ERROR_CODES:
            moto_errors.COMMON_ERROR_CODES.append(common)
    delegated_admin.install()
    _install_iam()
    _install_sts()
    _install_organizations()
    _install_account()
    _install_logs_and_events()
    _install_cloudwatch()
    _install_cloudtrail()
    _install_access_key_index()
    _INSTALLED = True
