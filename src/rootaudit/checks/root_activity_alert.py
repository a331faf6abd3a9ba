"""root-activity-alert: an enabled EventBridge rule with a target matches root sign-in where AWS records it."""
from ..config import NO_ROOT_CONSOLE
from ..evidence.samples import GUIDE_ONLY_DETAIL_TYPE, SIGNIN_DETAIL_TYPE
from ..findings import Status, error, failed, manual, not_applicable, passed
from .model import Check

ENABLED = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
SIGNIN_PAGE = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html"


def _why_not(rule: dict) -> str:
    name = rule.get("name")
    if not rule.get("fires", SIGNIN_DETAIL_TYPE in (rule.get("matches") or [])):
        return (f"rule {name} matches only detail-type '{GUIDE_ONLY_DETAIL_TYPE}', which real sign-in events do not "
                f"carry (they say '{SIGNIN_DETAIL_TYPE}'), so it never fires")
    if rule.get("state") not in ENABLED:
        return f"rule {name} matches but is {rule.get('state')}"
    return f"rule {name} matches but has no target"


def _region_verdict(info) -> tuple[str, str]:
    """('covered' | 'missing' | 'unreadable', what to say) for one region's evidence."""
    if not isinstance(info, dict) or "error" in info or not isinstance(info.get("rules"), list):
        return "unreadable", (info.get("error") if isinstance(info, dict) else None) or "not collected"
    rules = [r for r in info["rules"] if isinstance(r, dict)]
    live = [r for r in rules if r.get("fires", SIGNIN_DETAIL_TYPE in (r.get("matches") or []))
            and r.get("state") in ENABLED and (r.get("targets") or 0) > 0]
    if live:
        return "covered", f"{live[0].get('name')} (matches '{SIGNIN_DETAIL_TYPE}')"
    if rules:
        return "missing", "; ".join(_why_not(r) for r in rules)
    return "missing", "no rule on the default bus matches a root sign-in"


def evaluate(ev, config):
    regions = ev.get("eventbridge")
    if not isinstance(regions, dict):
        return error("EventBridge rules could not be read")
    caller = ev.get("caller") if isinstance(ev.get("caller"), dict) else {}
    partition = caller.get("partition") if isinstance(caller.get("partition"), str) else None
    partition = partition or "aws"  # a malformed caller record: judge as the commercial partition
    if partition in NO_ROOT_CONSOLE:
        return not_applicable(f"in the {partition} partition only IAM users sign in to the console, so there is no "
                              f"root console sign-in to alert on ({NO_ROOT_CONSOLE[partition]}); root API calls are "
                              "root-usage-alarm's concern", partition=partition)
    plan = config.signin_plan(partition)
    required = [r for r, role in plan.items() if role == "required"]
    if not required:
        other = ", ".join(plan)
        return manual(f"no configured sign-in region is in this account's partition ({caller.get('partition')}); "
                      f"configured: {other}. Set audit.signin_regions to the region where CloudTrail records root "
                      "sign-in for that partition", partition=caller.get("partition"), configured=list(plan))
    outcome = {r: _region_verdict(regions.get(r)) for r, role in plan.items() if role in ("required", "extra")}
    evidence = {state: {r: why for r, (s, why) in outcome.items() if s == state and plan[r] == "required"}
                for state in ("covered", "missing", "unreadable")}
    evidence["also_checked"] = {r: f"{s}: {why}" for r, (s, why) in outcome.items() if plan[r] == "extra"}
    evidence["not_checked"] = [r for r, role in plan.items() if role == "other-partition"]
    also = ""
    if evidence["also_checked"]:
        also = " Also checked (not required): " + "; ".join(f"{r}: {w}" for r, w in evidence["also_checked"].items())
    if evidence["missing"]:
        listed = "; ".join(f"{r}: {why}" for r, why in evidence["missing"].items())
        unread = f" (also unreadable: {', '.join(evidence['unreadable'])})" if evidence["unreadable"] else ""
        return failed(f"root sign-in is not alerted in {', '.join(evidence['missing'])}, where CloudTrail records it "
                      f"({listed}){unread}.{also}", **evidence)
    if evidence["unreadable"]:
        return error("could not read EventBridge rules in "
                     + "; ".join(f"{r}: {why}" for r, why in evidence["unreadable"].items()) + "." + also, **evidence)
    return passed("root sign-in is alerted where CloudTrail records it: "
                  + "; ".join(f"{r}: {rule}" for r, rule in evidence["covered"].items()) + "." + also, **evidence)


CHECK = Check(
    id="root-activity-alert",
    title="Root sign-in triggers an EventBridge alert where CloudTrail records it",
    severity="medium",
    topic="monitoring-and-alerts",
    rationale="EventBridge delivers a root sign-in within seconds, but only in the region where CloudTrail recorded "
              "it: us-east-1 for the root user, according to AWS's page on console sign-in events. A rule in any "
              "other region never sees it.",
    decides="In us-east-1 and any other region listed in `audit.signin_regions` (by default only us-east-1), lists "
            "the default bus's rules (events:ListRules) and asks events:TestEventPattern whether each matches a "
            "sample root sign-in with the detail-type real events carry, 'AWS Console Sign In via CloudTrail'. A "
            "rule that matches only the user guide's one-word 'AWS Console Signin via CloudTrail' never fires and "
            "does not count. A region passes with an ENABLED matching rule that has at least one target "
            "(events:ListTargetsByRule). us-east-1 decides; the other listed regions are checked and reported, and "
            "decide too only with `audit.require_all_signin_regions`. Regions of another partition than the "
            "credentials are not called.",
    statuses={Status.PASS: "every required region has such a rule; the reason names each",
              Status.FAIL: "the reason lists the required regions that lack one, and why",
              Status.MANUAL: "no configured sign-in region is in the credentials' partition, whose root sign-in "
                             "region AWS does not document",
              Status.NOT_APPLICABLE: "AWS GovCloud (US): only IAM users sign in to its console",
              Status.ERROR: "a required region's rules could not be read"},
    sources=("eventbridge", "caller"),
    evaluate=evaluate,
    order=3,
    fix="how-to/set-up-root-activity-alerts.md#eventbridge-rules",
    references=(SIGNIN_PAGE,
                "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html",
                "https://repost.aws/knowledge-center/root-user-account-eventbridge-rule"),
)
