"""root-activity-alert: an enabled EventBridge rule with a target matches root sign-in in every sign-in region."""
from ..findings import Status, error, failed, passed
from .model import Check

ENABLED = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


def evaluate(ev, config):
    regions = ev.get("eventbridge")
    if not isinstance(regions, dict):
        return error("EventBridge rules could not be read")
    covered, missing, unreadable = {}, {}, {}
    for region in config.signin_regions:
        info = regions.get(region)
        if not isinstance(info, dict) or "error" in info:
            unreadable[region] = info.get("error") if isinstance(info, dict) else "not collected"
            continue
        rules = [r for r in info.get("rules") or [] if isinstance(r, dict)]
        live = [r for r in rules if r.get("state") in ENABLED and (r.get("targets") or 0) > 0]
        if live:
            covered[region] = f"{live[0].get('name')} (matches '{' and '.join(live[0].get('matches') or [])}')"
        elif rules:
            missing[region] = "; ".join(
                f"rule {r.get('name')} matches but is {r.get('state')}" if r.get("state") not in ENABLED
                else f"rule {r.get('name')} matches but has no target" for r in rules)
        else:
            missing[region] = "no rule matches a root sign-in"
    evidence = {"covered": covered, "missing": missing, "unreadable": unreadable}
    if missing:
        listed = "; ".join(f"{r}: {why}" for r, why in missing.items())
        extra = f" (also unreadable: {', '.join(unreadable)})" if unreadable else ""
        return failed(f"root sign-in is not alerted in {', '.join(missing)} ({listed}){extra}", **evidence)
    if unreadable:
        return error("could not read EventBridge rules in " + "; ".join(f"{r}: {why}" for r, why in unreadable.items()),
                     **evidence)
    return passed("every sign-in region has an enabled rule with a target: "
                  + "; ".join(f"{r}: {rule}" for r, rule in covered.items()), **evidence)


CHECK = Check(
    id="root-activity-alert",
    title="Root sign-in triggers an EventBridge alert in every sign-in region",
    severity="medium",
    topic="monitoring-and-alerts",
    rationale="EventBridge delivers a root sign-in within seconds, but only in the region where CloudTrail recorded "
              "it, and root console sign-in is recorded in us-east-1, us-east-2 or us-west-2. A rule in us-east-1 "
              "alone can miss it.",
    decides="In each configured sign-in region (`audit.signin_regions`, by default us-east-1, us-east-2 and "
            "us-west-2), lists the default bus's rules (events:ListRules) and asks events:TestEventPattern whether "
            "each matches a sample root sign-in under both documented detail-type spellings ('AWS Console Sign In "
            "via CloudTrail' and 'AWS Console Signin via CloudTrail'). A region passes with an ENABLED matching rule "
            "that has at least one target (events:ListTargetsByRule).",
    statuses={Status.PASS: "every sign-in region has such a rule; the reason names each and the spelling it matched",
              Status.FAIL: "the reason lists the regions that lack one, and why",
              Status.ERROR: "a region's rules could not be read"},
    sources=("eventbridge",),
    evaluate=evaluate,
    order=3,
    fix="how-to/set-up-root-activity-alerts.md#eventbridge-rules",
    references=("https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html",
                "https://repost.aws/knowledge-center/root-user-account-eventbridge-rule"),
)
