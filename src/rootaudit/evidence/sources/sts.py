"""AWS STS: who is running the audit."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .. import clients
from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context

# With no region configured the scan uses us-east-1, where GovCloud and China credentials are unknown.
_NO_REGION_HINT = ("AWS rejected the credentials in {region} ({why}). No region is set: if these are AWS GovCloud (US) "
                   "or China credentials, set --region (or AWS_REGION) to one of their regions, e.g. us-gov-west-1 or "
                   "cn-north-1; otherwise check the profile or access key")
# With a region set, the same answer can mean an opt-in region the account has not enabled.
_REGION_HINT = ("AWS rejected the credentials in {region} ({why}): check that {region} is enabled for this account and "
                "in the credentials' partition, or check the profile or access key")


@register("caller", ("sts:GetCallerIdentity",), doc="who is running the audit")
def _caller(ctx: Context, ev: Collector) -> dict:
    try:
        r = ctx.call("sts", "GetCallerIdentity")
    except SourceFailed as failed:
        err = failed.error
        if err.kind == "InvalidCredentials":
            why = err.message.split("(", 1)[-1].split(")", 1)[0]
            # region_of, not .region_name: the CLI's own session is botocore's, which has no region_name
            hint = _REGION_HINT if clients.region_of(ctx.session) else _NO_REGION_HINT
            raise SourceFailed(replace(err, message=hint.format(region=ctx.region, why=why))) from None
        raise
    return caller_record(r.get("Account"), r.get("Arn", ""), r.get("UserId"))


def caller_record(account: str | None, arn: str, user_id: str | None, partition: str = "aws") -> dict:
    """The `caller` evidence; the partition is the ARN's (`partition` when the ARN has none)."""
    return {"account": account, "arn": arn, "user_id": user_id,
            "partition": arn.split(":")[1] if arn.count(":") >= 5 else partition}
