"""AWS Account Management: the security alternate contact."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


@register("security_contact", ("account:GetAlternateContact",), doc="the SECURITY alternate contact")
def _security_contact(ctx: Context, ev: Collector) -> dict:
    try:
        c = ctx.call("account", "GetAlternateContact", AlternateContactType="SECURITY").get("AlternateContact", {})
    except SourceFailed as failed:
        if failed.error.kind == "ResourceNotFoundException":
            return {"set": False}
        raise
    return {"set": True, "name": c.get("Name"), "email": c.get("EmailAddress"), "phone": c.get("PhoneNumber"),
            "title": c.get("Title")}
