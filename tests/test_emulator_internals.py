"""The moto 5.2.5 private names the emulator relies on: one test that fails loudly when an upgrade moves them.

rootaudit_emulator sets root-user state on moto's Python objects and grafts operations onto its response
classes (see src/rootaudit_emulator/root_state.py, grafts.py, server.py).  None of that is public API, so the
version is pinned and every name is checked here, on fresh objects that touch no global moto state.
"""
from __future__ import annotations

import importlib
import inspect
from types import SimpleNamespace


def _missing() -> list[str]:
    missing: list[str] = []

    def need(obj: object, label: str, *names: str) -> None:
        for name in names:
            if not hasattr(obj, name):
                missing.append(f"{label}.{name}")

    def mod(path: str) -> object:
        try:
            return importlib.import_module(path)
        except ImportError as exc:  # pragma: no cover - only when moto moved a module
            missing.append(f"module {path} ({exc})")
            return SimpleNamespace()

    import moto

    if moto.__version__ != "5.2.5":
        missing.append(f"moto version is {moto.__version__}, the emulator is written against 5.2.5")

    iam_models = mod("moto.iam.models")
    need(iam_models, "moto.iam.models", "iam_backends", "get_account_id_from", "IAMBackend", "AccountSummary",
         "VirtualMfaDevice", "AccessKey", "User", "Role")
    if hasattr(iam_models, "AccountSummary"):
        summary = iam_models.AccountSummary(SimpleNamespace())
        need(summary, "AccountSummary", "_account_mfa_enabled", "_account_access_keys_present",
             "_account_signing_certificates_present")
        need(iam_models.AccountSummary, "AccountSummary", "summary_map")
    if hasattr(iam_models, "IAMBackend"):
        backend = iam_models.IAMBackend(region_name="aws", account_id="000000000000")
        need(backend, "IAMBackend", "account_summary", "virtual_mfa_devices", "access_keys", "users", "roles",
             "credential_report", "create_virtual_mfa_device", "create_temp_access_key", "create_user",
             "create_role", "get_credential_report", "generate_report", "report_generated",
             "list_virtual_mfa_devices", "get_account_summary")
        device = backend.create_virtual_mfa_device("probe", "/")
        need(device, "VirtualMfaDevice", "enable_date", "user", "serial_number")
        key = iam_models.AccessKey(user_name=None, prefix="ASIA", account_id="000000000000")
        need(key, "AccessKey", "access_key_id", "secret_access_key", "physical_resource_id")

    sts_models = mod("moto.sts.models")
    need(sts_models, "moto.sts.models", "sts_backends", "STSBackend")
    need(getattr(sts_models, "STSBackend", None), "STSBackend", "get_caller_identity", "assume_role")

    org_models = mod("moto.organizations.models")
    org_utils = mod("moto.organizations.utils")
    need(org_models, "moto.organizations.models", "organizations_backends", "OrganizationsBackend", "FakeAccount",
         "FakeOrganization")
    need(getattr(org_models, "organizations_backends", None), "organizations_backends", "master_accounts")
    need(org_utils, "moto.organizations.utils", "make_random_account_id", "DEFAULT_SCP_POLICY_ID",
         "DEFAULT_RCP_POLICY_ID")
    if hasattr(org_models, "OrganizationsBackend"):
        orgs = org_models.OrganizationsBackend(region_name="aws", account_id="000000000000")
        need(orgs, "OrganizationsBackend", "org", "accounts", "ou", "policies", "attach_policy", "admins")
    # delegated_admin.py widens these lists; scp_enforcement.py walks attached_policies / parent_id / content
    need(getattr(org_models, "FakeDelegatedAdministrator", None), "FakeDelegatedAdministrator", "SUPPORTED_SERVICES")
    need(getattr(org_models, "FakeServiceAccess", None), "FakeServiceAccess", "TRUSTED_SERVICES")
    if hasattr(org_models, "FakeOrganization"):
        fake_org = org_models.FakeOrganization("000000000000", "us-east-1", "ALL")
        need(fake_org, "FakeOrganization", "id", "root_id", "master_account_email", "master_account_id",
             "feature_set")
    if hasattr(org_models, "FakeAccount"):
        source = inspect.getsource(org_models.FakeAccount.__init__)
        for needle in ("utils.make_random_account_id()", "RoleName", "self.parent_id", "self.status"):
            if needle not in source:
                missing.append(f"FakeAccount.__init__ no longer uses {needle}")

    sns_models = mod("moto.sns.models")
    if hasattr(sns_models, "Subscription"):
        topic = SimpleNamespace(arn="arn:aws:sns:us-east-1:000000000000:probe")
        sub = sns_models.Subscription("000000000000", topic, "a@example.com", "email")
        need(sub, "Subscription", "arn", "attributes", "confirmed", "topic")
    need(sns_models, "moto.sns.models", "sns_backends")

    ct_models = mod("moto.cloudtrail.models")
    need(ct_models, "moto.cloudtrail.models", "cloudtrail_backends", "CloudTrailBackend", "Trail")
    if hasattr(ct_models, "CloudTrailBackend"):
        ct = ct_models.CloudTrailBackend(region_name="us-east-1", account_id="000000000000")
        need(ct, "CloudTrailBackend", "trails", "get_trail", "describe_trails", "get_trail_status")
    need(getattr(ct_models, "Trail", None), "Trail", "description", "get_event_selectors")
    need(mod("moto.cloudtrail.exceptions"), "moto.cloudtrail.exceptions", "TrailNotFoundException")

    need(mod("moto.account.urls"), "moto.account.urls", "url_paths")
    # dispatch_cache.py remembers these two per-request answers
    need(mod("moto.moto_server.werkzeug_app"), "moto.moto_server.werkzeug_app", "DomainDispatcherApplication")
    need(getattr(mod("moto.moto_server.werkzeug_app"), "DomainDispatcherApplication", None),
         "DomainDispatcherApplication", "get_backend_for_host")
    need(mod("moto.core.responses"), "moto.core.responses", "method_names_from_class")
    need(mod("moto.account.models"), "moto.account.models", "account_backends")

    responses = {
        "moto.iam.responses.IamResponse": ("get_account_summary", "generate_credential_report",
                                           "get_credential_report", "list_mfa_devices", "list_access_keys",
                                           "list_signing_certificates", "get_login_profile",
                                           "list_virtual_mfa_devices", "backend"),
        "moto.sts.responses.TokenResponse": ("assume_role", "get_caller_identity"),
        "moto.organizations.responses.OrganizationsResponse": (
            "list_accounts", "list_parents", "list_policies_for_target", "describe_policy", "list_roots"),
        "moto.account.responses.AccountResponse": ("dispatch", "get_alternate_contact"),
        "moto.logs.responses.LogsResponse": ("describe_metric_filters",),
        "moto.events.responses.EventsHandler": ("test_event_pattern", "list_rules"),
        "moto.cloudwatch.responses.CloudWatchResponse": ("describe_alarms",),
        "moto.core.responses.BaseResponse": ("serialized", "call_action", "get_access_key",
                                             "get_current_account", "_get_param", "_get_int_param"),
    }
    for path, names in responses.items():
        module, _, cls = path.rpartition(".")
        need(getattr(mod(module), cls, None), path, *names)
    need(mod("moto.core.responses"), "moto.core.responses", "ActionResult")
    need(mod("moto.core.exceptions"), "moto.core.exceptions", "ServiceException")
    need(mod("moto.core.errors"), "moto.core.errors", "COMMON_ERROR_CODES")
    if "exception.__module__" not in inspect.getsource(mod("moto.core.errors").get_exception_service_model):
        missing.append("moto.core.errors.get_exception_service_model no longer keys on __module__")

    server = mod("moto.server")
    need(getattr(server, "ThreadedMotoServer", None), "ThreadedMotoServer", "_server_entry", "start", "stop",
         "get_host_and_port")
    threaded = getattr(server, "ThreadedMotoServer", None)
    if threaded is not None:
        probe = threaded(ip_address="127.0.0.1", port=0, verbose=False)
        need(probe, "ThreadedMotoServer()", "_ip_address", "_port", "_server", "_server_ready_event")
    need(mod("moto.moto_server.werkzeug_app"), "moto.moto_server.werkzeug_app", "DomainDispatcherApplication",
         "MotoRequestHandler", "create_backend_app")
    return missing


def test_moto_internals_the_emulator_relies_on_are_present():
    missing = _missing()
    assert not missing, "moto internals moved: " + "; ".join(missing) + \
        " (update src/rootaudit_emulator/ for the new moto, or pin moto[server]==5.2.5)"
