"""EventBridge: rules on the default bus that match a root console sign-in, and their targets."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import samples
from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


def _could_match_signin(pattern: dict) -> bool:
    """Cheap, exact pruning: a pattern whose 'source' lists only other plain strings cannot match aws.signin."""
    source = pattern.get("source")
    if isinstance(source, list) and source and all(isinstance(s, str) for s in source):
        return "aws.signin" in source
    return True


def _matching_rules(ctx: Context, region: str, account: str, partition: str) -> list[dict]:
    """Rules on the default bus (the only bus CloudTrail delivers to) that match a sample root sign-in."""
    rules = []
    for rule in ctx.paginate("events", "ListRules", "Rules", region, EventBusName="default"):
        raw = rule.get("EventPattern")
        try:
            pattern = json.loads(raw) if raw else None
        except ValueError:
            pattern = None
        if not isinstance(pattern, dict) or not _could_match_signin(pattern):
            continue
        # Real sign-in events carry "AWS Console Sign In via CloudTrail". The one-word spelling is tested only to
        # say why a rule written for it never fires.
        matches = []
        for detail_type in samples.SIGNIN_DETAIL_TYPES:
            event = samples.signin_event(detail_type, account, region, partition)
            if ctx.call("events", "TestEventPattern", region, EventPattern=raw, Event=event).get("Result"):
                matches.append(detail_type)
                break
        if not matches:
            continue
        targets = ctx.call("events", "ListTargetsByRule", region, Rule=rule["Name"],
                           EventBusName="default").get("Targets", [])
        rules.append({"name": rule.get("Name"), "state": rule.get("State"), "matches": matches,
                      "fires": samples.SIGNIN_DETAIL_TYPE in matches, "targets": len(targets)})
    return rules


@register("eventbridge", ("events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule"),
          depends=("caller",), doc="EventBridge rules matching a root sign-in, per sign-in region")
def _eventbridge(ctx: Context, ev: Collector) -> dict:
    """Per sign-in region: its role (required, extra, other partition) and the rules that match a root sign-in.

    A failure in one region is recorded for that region only; the others are still read.
    """
    caller = ev.get("caller")
    account, partition = caller["account"], caller.get("partition") or "aws"
    plan = ctx.config.signin_plan(partition)

    def read(region: str) -> dict:
        role = plan[region]
        if role == "other-partition":  # the caller's credentials cannot reach it: do not call
            return {"role": role}
        try:
            return {"role": role, "rules": _matching_rules(ctx, region, account, partition)}
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            return {"role": role, "error": failed.error.message, "action": failed.error.action}

    return dict(zip(plan, ctx.map(read, plan), strict=True))  # the regions side by side
