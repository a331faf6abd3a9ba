"""AWS STS: who is running the audit."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


@register("caller", ("sts:GetCallerIdentity",), doc="who is running the audit")
def _caller(ctx: Context, ev: Collector) -> dict:
    r = ctx.call("sts", "GetCallerIdentity")
    arn = r.get("Arn", "")
    return {
        "account": r.get("Account"),
        "arn": arn,
        "user_id": r.get("UserId"),
        "partition": arn.split(":")[1] if arn.count(":") >= 5 else "aws",
    }
