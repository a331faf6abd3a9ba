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


@register("eventbridge", ("events:ListRules", "events:TestEventPattern", "events:ListTargetsByRule"), depends=("caller",),
          doc="EventBridge rules matching a root sign-in, per sign-in region")
def _eventbridge(ctx: Context, ev: Collector) -> dict:
    """Per sign-in region: rules on the default bus that match a sample root sign-in, and their targets."""
    account = ev.get("caller")["account"]
    regions: dict[str, dict] = {}
    for region in ctx.config.signin_regions:
        try:
            rules = []
            for rule in ctx.paginate("events", "ListRules", "Rules", region, EventBusName="default"):
                raw = rule.get("EventPattern")
                try:
                    pattern = json.loads(raw) if raw else None
                except ValueError:
                    pattern = None
                if not isinstance(pattern, dict) or not _could_match_signin(pattern):
                    continue
                # The docs spell the detail-type two ways; a rule that matches either one will fire, so the
                # second spelling is tested only when the first does not match.
                spellings = []
                for dt in samples.SIGNIN_DETAIL_TYPES:
                    if ctx.call("events", "TestEventPattern", region, EventPattern=raw,
                                Event=samples.signin_event(dt, account, region)).get("Result"):
                        spellings.append(dt)
                        break
                if not spellings:
                    continue
                targets = ctx.call("events", "ListTargetsByRule", region, Rule=rule["Name"],
                                   EventBusName="default").get("Targets", [])
                rules.append({"name": rule.get("Name"), "state": rule.get("State"), "matches": spellings,
                              "targets": len(targets)})
            regions[region] = {"rules": rules}
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            regions[region] = {"error": failed.error.message, "action": failed.error.action}
    return regions
