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


def _read_status(ctx: Context, item: dict, region: str) -> dict:
    status = ctx.call("cloudtrail", "GetTrailStatus", region, Name=item["arn"])
    return {"is_logging": bool(status.get("IsLogging"))}


def _read_selectors(ctx: Context, item: dict, region: str) -> dict:
    return {"management_events": _mgmt_events(ctx.call("cloudtrail", "GetEventSelectors", region,
                                                       TrailName=item["arn"]))}


def _read_foreign_org_trail(ctx: Context, item: dict, region: str, custom_selectors: bool | None) -> None:
    """An organization trail owned by the management account, seen from a member.

    GetTrailStatus accepts its ARN from a member (botocore's GetTrailStatusRequest.Name doc); GetEventSelectors is
    reported to refuse another account's ARN (CloudTrailARNInvalidException). What cannot be read is recorded in
    "unread", never as an error: DescribeTrails already shows it is an organization trail, and with default
    selectors (HasCustomEventSelectors false) a trail logs all management events.

    In an org scan run by the trail's owner (the management account), the owner reads it once for every member
    (ctx.shared, org/shared_reads.py); if the owner cannot, the member reads it as above.
    """
    item["unread"] = {}
    readers = [("cloudtrail:GetTrailStatus", _read_status)]
    if custom_selectors is False:
        item["management_events"] = {"read": True, "write": True, "from": "default selectors (DescribeTrails)"}
    else:
        readers.append(("cloudtrail:GetEventSelectors", _read_selectors))

    def attempt(reader: tuple) -> None:
        action, read = reader
        try:
            item.update(_as_owner(ctx, item, region, action, read) or read(ctx, item, region))
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            item["unread"][action] = failed.error.message

    ctx.map(attempt, readers)  # independent calls: both at once, as for the account's own trails


def _as_owner(ctx: Context, item: dict, region: str, action: str, read) -> dict | None:
    """What the trail's owner read of it, when the org scan is run by its owner (None otherwise, or if it failed)."""
    if ctx.shared is None:
        return None
    try:
        return ctx.shared.owned(item["owner_account"], (action, item["arn"], region),
                                lambda owner: read(owner, item, region))
    except SourceFailed as failed:
        if failed.error.fatal:
            raise
        return None


@register("trails", ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"),
          depends=("caller",), doc="CloudTrail trails, with logging status and management-event selectors")
def _trails(ctx: Context, ev: Collector) -> list[dict]:
    trails = ctx.call("cloudtrail", "DescribeTrails", includeShadowTrails=True).get("trailList", [])
    account = ev.get("caller")["account"]  # after DescribeTrails: the caller is read meanwhile (prefetch)
    return ctx.map(lambda t: _trail(ctx, t, account), trails)  # each trail's calls side by side


def _trail(ctx: Context, t: dict, account: str) -> dict:
    """One trail, with its logging status and selectors when it is multi-region."""
    arn = t.get("TrailARN") or ""
    owner = arn.split(":")[4] if arn.count(":") >= 5 else account
    item = {
        "name": t.get("Name"), "arn": arn, "home_region": t.get("HomeRegion"), "owner_account": owner,
        "multi_region": bool(t.get("IsMultiRegionTrail")), "organization_trail": bool(t.get("IsOrganizationTrail")),
        "log_group_arn": t.get("CloudWatchLogsLogGroupArn"),
    }
    if item["multi_region"]:  # only multi-region trails can satisfy the checks: skip status calls otherwise
        region = item["home_region"] or ctx.region
        if item["organization_trail"] and owner != account:
            _read_foreign_org_trail(ctx, item, region, t.get("HasCustomEventSelectors"))
            return item
        try:  # independent calls: both at once
            for fields in ctx.map(lambda read: read(ctx, item, region), (_read_status, _read_selectors)):
                item.update(fields)
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            item["error"] = failed.error.message
    return item
