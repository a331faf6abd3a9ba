"""cloudtrail-multi-region: a multi-region trail logs read and write management events."""
from ..findings import Status, error, failed, manual, passed
from .model import Check


def qualifies(trail) -> bool:
    events = trail.get("management_events") or {}
    return bool(trail.get("multi_region") and trail.get("is_logging") and events.get("read") and events.get("write"))


def may_qualify(trail) -> bool:
    """An organization trail of the management account, seen from a member: part of it could not be read here, and
    nothing that could be read rules it out."""
    if not (trail.get("multi_region") and trail.get("organization_trail") and trail.get("unread")):
        return False
    events = trail.get("management_events")
    if trail.get("is_logging") is False or (
            isinstance(events, dict) and not (events.get("read") and events.get("write"))):
        return False
    return not qualifies(trail)


def unread_text(trail) -> str:
    return "; ".join(f"{action}: {why}" for action, why in (trail.get("unread") or {}).items())


def unknown(trail) -> dict:
    """The settings of a multi-region trail that were not read, each with why: an unread status is not "off"."""
    unread = trail.get("unread") or {}
    missing = {}
    if trail.get("is_logging") is None:
        missing["logging status"] = unread.get("cloudtrail:GetTrailStatus") or "not recorded"
    if not isinstance(trail.get("management_events"), dict):
        missing["management events"] = unread.get("cloudtrail:GetEventSelectors") or "not recorded"
    return missing


def known_off(trail) -> bool:
    """Its status was read, and it is not logging (an unread status is None, not off)."""
    return trail.get("is_logging") is not None and not trail.get("is_logging")


def undecided(trail) -> bool:
    """A multi-region trail that does not qualify only for want of a setting that could not be read."""
    events = trail.get("management_events")
    known_short = isinstance(events, dict) and not (events.get("read") and events.get("write"))
    return bool(trail.get("multi_region") and unknown(trail) and not (known_off(trail) or known_short))


def problem(trail) -> str:
    """Why a trail does not qualify (asked only when no trail may qualify, so never of a may_qualify trail)."""
    if not trail.get("multi_region"):
        return "single-region"
    if trail.get("error"):
        return f"unreadable: {trail['error']}"
    missing = "; ".join(f"{part} unknown: {why}" for part, why in unknown(trail).items())
    if undecided(trail):
        return missing
    if known_off(trail):
        text = "not logging"
    else:
        events = trail.get("management_events") or {}
        if not (events.get("read") or events.get("write")):
            text = "records no management events"
        else:
            text = "records only " + ("read" if events.get("read") else "write") + " management events"
    return f"{text} ({missing})" if missing else text


def evaluate(ev, config):
    trails = ev.get("trails")
    if not isinstance(trails, list):
        return error("cloudtrail:DescribeTrails returned no trail list")
    trails = [t for t in trails if isinstance(t, dict)]
    good = [t for t in trails if qualifies(t)]
    if good:
        names = ", ".join(f"{t.get('name')}{' (organization trail)' if t.get('organization_trail') else ''}"
                          for t in good)
        return passed(f"multi-region trail logging read and write management events: {names}",
                      trails=[t.get("name") for t in good])
    if not trails:
        return failed("there is no CloudTrail trail; root activity is visible only in 90 days of event history")
    maybe = [t for t in trails if may_qualify(t)]
    if maybe:
        t = maybe[0]
        return manual(f"the organization trail {t.get('name')} (account {t.get('owner_account')}, home region "
                      f"{t.get('home_region')}) is multi-region, but this member account could not read all of its "
                      f"settings ({unread_text(t)}); verify in the management account that it is logging and records "
                      "read and write management events", trails=[x.get("name") for x in maybe],
                      unread=t.get("unread"))
    unreadable = [t for t in trails if t.get("error") or undecided(t)]
    detail = "; ".join(f"{t.get('name')}: {problem(t)}" for t in trails)
    if unreadable:
        return error(f"no trail qualifies and some could not be read ({detail})")
    return failed(f"no trail is multi-region, logging and recording read and write management events ({detail})",
                  trails={t.get("name"): problem(t) for t in trails})


CHECK = Check(
    id="cloudtrail-multi-region",
    title="A multi-region trail records management events",
    severity="high",
    topic="monitoring-and-alerts",
    rationale="Root sign-in is recorded in us-east-1, and root API calls in whatever region they hit: only a "
              "multi-region trail that logs all management events keeps them all.",
    decides="cloudtrail:DescribeTrails (shadow trails included, so an organization trail counts), then "
            "GetTrailStatus and GetEventSelectors for each multi-region trail. PASS when one is logging both read "
            "and write management events (basic or advanced selectors). A member account may be refused "
            "GetEventSelectors on the management account's organization trail; it is then judged from what "
            "DescribeTrails shows (default selectors log all management events), and MANUAL names what could not "
            "be read. In an org scan run from the management account, that account reads its organization trail's "
            "status and selectors once, as the owner, for every member. A trail whose status could not be read is "
            "never called \"not logging\": the reason names what could not be read (ERROR, unless what was read "
            "already rules the trail out).",
    statuses={Status.PASS: "such a trail exists", Status.FAIL: "no trail qualifies; the reason lists why each fails",
              Status.MANUAL: "only the management account's organization trail may qualify, and this member could "
                             "not read all of its settings",
              Status.ERROR: "the trails could not be read, or no trail qualifies and one might but its logging "
                            "status or selectors could not be read"},
    sources=("trails",),
    evaluate=evaluate,
    order=1,
    fix="how-to/set-up-root-activity-alerts.md#multi-region-trail",
    standards={"CIS v5.0": "3.1", "CIS v7.0": "4.1", "Security Hub": "CloudTrail.1"},
    references=("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html",),
)
