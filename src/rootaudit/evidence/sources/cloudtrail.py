"""CloudTrail: trails, whether they log, and which management events they record."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


def _mgmt_events(selectors: dict) -> dict:
    """Which management events (read, write) a trail's selectors log."""
    read = write = False
    for s in selectors.get("EventSelectors") or []:
        if s.get("IncludeManagementEvents", True):
            rw = s.get("ReadWriteType", "All")
            read |= rw in ("All", "ReadOnly")
            write |= rw in ("All", "WriteOnly")
    for s in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in s.get("FieldSelectors", [])}
        if "Management" not in (fields.get("eventCategory", {}).get("Equals") or []):
            continue
        ro = fields.get("readOnly", {}).get("Equals")
        read |= not ro or "true" in ro
        write |= not ro or "false" in ro
    return {"read": read, "write": write}


@register("trails", ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"),
          doc="CloudTrail trails, with logging status and management-event selectors")
def _trails(ctx: Context, ev: Collector) -> list[dict]:
    trails = ctx.call("cloudtrail", "DescribeTrails", includeShadowTrails=True).get("trailList", [])
    out = []
    for t in trails:
        item = {
            "name": t.get("Name"), "arn": t.get("TrailARN"), "home_region": t.get("HomeRegion"),
            "multi_region": bool(t.get("IsMultiRegionTrail")), "organization_trail": bool(t.get("IsOrganizationTrail")),
            "log_group_arn": t.get("CloudWatchLogsLogGroupArn"),
        }
        if item["multi_region"]:  # only multi-region trails can satisfy the checks: skip status calls otherwise
            region = item["home_region"] or ctx.region
            try:
                status = ctx.call("cloudtrail", "GetTrailStatus", region, Name=item["arn"])
                item["is_logging"] = bool(status.get("IsLogging"))
                item["management_events"] = _mgmt_events(
                    ctx.call("cloudtrail", "GetEventSelectors", region, TrailName=item["arn"]))
            except SourceFailed as failed:
                if failed.error.fatal:
                    raise
                item["error"] = failed.error.message
        out.append(item)
    return out
