"""AWS Sign-In: console authorization and the Sign-In resource-based policy (console access control, June 2026).

AWS documents these reads in its Sign-In API reference (GetConsoleAuthorizationConfiguration, GetResourcePolicy);
policy writes must go to us-east-1, so the reads go there too. RCPs that reach a member account can be read only
from the management account: the org scan presets `signin_rcps` for members (rootaudit.org.rcps).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import botocore
from botocore.exceptions import UnknownServiceError

from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context

SIGNIN_REGION = "us-east-1"
# The locked botocore has the operations; older releases may not (the check then says which version is needed).
SDK_KNOWN_GOOD = "1.44.8"


def pin_endpoint(client: Any) -> Any:
    """Make a configured endpoint (endpoint_url / AWS_ENDPOINT_URL) win for every Sign-In operation.

    botocore's Sign-In endpoint rules (1.44.8) resolve the control-plane operations (console authorization,
    resource policy) to https://signin.<region>.api.aws before they look at a configured endpoint, so an
    override is silently ignored for them. Against AWS nothing changes (no override is configured); against an
    emulator or a proxy the request goes where the caller said, never to AWS behind its back.
    """
    # Every botocore that boto3>=1.35 brings resolves endpoints through this rule-set resolver. No fallback: were
    # it gone, an override would be silently ignored and the calls sent to AWS; an error verdict is better.
    override = client._ruleset_resolver._builtins.get("SDK::Endpoint")
    if override and not getattr(client, "_rootaudit_pinned", False):
        from urllib.parse import urlsplit, urlunsplit

        base = urlsplit(override)

        def to_override(request: Any, **_: Any) -> None:
            url = urlsplit(request.url)
            request.url = urlunsplit((base.scheme, base.netloc, base.path.rstrip("/") + url.path, url.query, ""))

        client.meta.events.register("before-sign.signin", to_override)
        client._rootaudit_pinned = True
    return client


def _client(ctx: Context) -> Any:
    return pin_endpoint(ctx.client("signin", SIGNIN_REGION))


def _has_operations(ctx: Context) -> bool:
    try:
        client = _client(ctx)
    except UnknownServiceError:
        return False
    return all(hasattr(client, op) for op in ("get_console_authorization_configuration", "get_resource_policy"))


def authorization(ctx: Context, target_id: str | None = None) -> dict:
    """GetConsoleAuthorizationConfiguration for the caller's account, or for an organization id."""
    params = {"targetId": target_id} if target_id else {}
    _client(ctx)  # pinned before the first call
    try:
        r = ctx.call("signin", "GetConsoleAuthorizationConfiguration", SIGNIN_REGION, **params)
    except SourceFailed as failed:
        if failed.error.kind == "ResourceNotFoundException":  # never configured: AWS's default is "off"
            return {"enabled": False, "scope": None, "target": target_id, "configured": False}
        raise
    enabled = r.get("consoleAuthorizationEnabled")
    return {"enabled": enabled if isinstance(enabled, bool) else None, "scope": r.get("scope"),
            "target": r.get("targetId"), "configured": True}


def statements(policy: Any) -> list:
    """The statements of a SigninResourceBasedPolicy, as returned (botocore names: effect, principal, ...)."""
    if not isinstance(policy, dict):
        return []
    found = policy.get("statement", policy.get("Statement", []))
    return found if isinstance(found, list) else [found]


@register("signin_console", ("signin:GetConsoleAuthorizationConfiguration", "signin:GetResourcePolicy"),
          depends=("caller",), doc="whether console authorization is on and the account's Sign-In policy")
def _signin_console(ctx: Context, ev: Collector) -> dict:
    caller = ev.get("caller")
    if caller.get("partition") != "aws":
        return {"status": "partition", "partition": caller.get("partition")}
    if not _has_operations(ctx):
        return {"status": "sdk-too-old", "botocore": botocore.__version__, "needed": SDK_KNOWN_GOOD}
    try:
        auth = authorization(ctx)
        try:
            policy = ctx.call("signin", "GetResourcePolicy", SIGNIN_REGION).get("signinResourceBasedPolicy")
        except SourceFailed as failed:
            if failed.error.kind != "ResourceNotFoundException":  # no statement yet: an empty policy
                raise
            policy = None
    except SourceFailed as failed:
        if failed.error.kind == "AccessDenied":
            return {"status": "not-readable", "action": failed.error.action}
        raise
    return {"status": "ok", "account": caller.get("account"), "authorization": auth,
            "statements": statements(policy)}


@register("signin_rcps", ("signin:GetConsoleAuthorizationConfiguration",), depends=("organization", "caller"),
          management_only=True, doc="RCPs that reach this account, and the organization's console authorization")
def _signin_rcps(ctx: Context, ev: Collector) -> dict:
    """RCPs are readable only from the management account; the org scan presets them for members.

    The management account gets no RCPs (they never apply to it) but does read its organization's switch: AWS lets
    console authorization be turned on for a whole organization, and does not say the management account is left
    out of it.
    """
    org, caller = ev.get("organization"), ev.get("caller")
    if org is None:
        return {"status": "no-organization"}
    if org.get("master_account_id") != caller.get("account"):
        return {"status": "not-readable"}
    out: dict[str, Any] = {"status": "management"}
    if caller.get("partition") == "aws" and org.get("id") and _has_operations(ctx):
        try:
            out["organization_authorization"] = authorization(ctx, org["id"])
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            out["organization_authorization"] = {"enabled": None, "error": failed.error.message}
    return out
