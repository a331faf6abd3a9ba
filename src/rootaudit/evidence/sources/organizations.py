"""AWS Organizations: the organization, the root email where the API reveals it, and SCPs."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


@register("organization", ("organizations:DescribeOrganization",), doc="the organization, if any")
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


@register("root_email", (), depends=("organization", "caller"), doc="the root email, where readable")
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


@register("scps", (), depends=("organization", "caller"), management_only=True,
          doc="SCPs that apply to this account")
def _scps(ctx: Context, ev: Collector) -> dict:
    """SCPs are readable only from the management account; the org scan presets them for members."""
    org, caller = ev.get("organization"), ev.get("caller")
    if org is None:
        return {"status": "no-organization"}
    if org.get("master_account_id") == caller.get("account"):
        return {"status": "management"}
    return {"status": "not-readable"}
