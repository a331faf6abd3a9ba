"""What the org scan presets as `signin_rcps` for a member: the RCPs that reach it and the organization's switch.

RCPs never apply to the management account (Organizations user guide, RCPs), so only members get this.
Console authorization at the organization scope is read once per scan, with the organization id as targetId.
"""
from __future__ import annotations

from ..evidence.collector import Context
from ..evidence.errors import SourceFailed
from ..evidence.sources.signin import authorization
from .scps import Once, scp_chain

KEY = ("signin-org-authorization",)


def seed_organization_authorization(cache: Once, management_rcps: dict | None) -> None:
    """Reuse the switch the management account already read, so the organization is asked once per scan."""
    if isinstance(management_rcps, dict) and "organization_authorization" in management_rcps:
        cache.once(KEY, lambda: management_rcps["organization_authorization"])


def signin_rcps(ctx: Context, account_id: str, organization_id: str | None, cache: Once) -> dict:
    """Preset for one member; `cache` is the org scan's shared cache (each key fetched once across threads)."""
    try:
        chain = scp_chain(ctx, account_id, cache, policy_type="RESOURCE_CONTROL_POLICY")
    except SourceFailed as failed:
        if failed.error.fatal:
            raise
        if failed.error.kind == "PolicyTypeNotEnabledException":  # RCPs not enabled: none can apply
            chain = {"status": "ok", "policies": [], "rcps_enabled": False}
        else:
            return {"status": "error", "reason": failed.error.message}
    def read_switch():
        try:
            return authorization(ctx, organization_id) if organization_id else None
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            return {"enabled": None, "error": failed.error.message}

    return dict(chain, organization_authorization=cache.once(KEY, read_switch))
