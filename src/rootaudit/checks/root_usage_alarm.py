"""root-usage-alarm: trail log group -> metric filter matching root use -> alarm -> confirmed SNS subscription."""
from ..findings import Status, error, failed, manual, passed
from .cloudtrail_multi_region import may_qualify, qualifies
from .model import Check


def _subscriptions(topic: str, info) -> str:
    if not isinstance(info, dict):  # hostile evidence: say nothing was read rather than raise
        info = {}
    if "error" in info:
        return f"{topic} could not be read ({info['error']})"
    return f"{topic} has {info.get('confirmed', 0)} confirmed and {info.get('pending', 0)} pending subscription(s)"


def _judge_alarms(alarms: list[dict], topics: dict, matching: list[dict]):
    """PASS on any enabled alarm that reaches a confirmed subscriber; MANUAL when the only candidates notify topics
    that cannot be read from here (another account's, a deleted one); FAIL otherwise."""
    first = matching[0].get("name")
    unreadable = []
    for alarm in alarms:
        for topic in alarm.get("actions") or []:
            info = topics.get(topic) if isinstance(topics.get(topic), dict) else {}
            if not alarm.get("actions_enabled", True):
                continue
            if info.get("confirmed", 0) > 0:
                return passed(f"filter '{first}' -> alarm '{alarm.get('name')}' -> SNS topic {topic} with "
                              f"{info['confirmed']} confirmed subscription(s)", filter=first,
                              pattern=matching[0].get("pattern"), alarm=alarm.get("name"), topic=topic)
            if "error" in info:
                unreadable.append((alarm, topic, info))
    if unreadable:
        listed = "; ".join(f"alarm '{a.get('name')}' -> {t}: {i['error']}" for a, t, i in unreadable)
        return manual(f"filter '{first}' has an alarm, but no topic it notifies could be confirmed from here "
                      f"({listed}); "
                      "check the topic's subscriptions in the account that owns it",
                      topics=[t for _, t, _ in unreadable])
    detail = "; ".join(
        f"alarm '{a.get('name')}': "
        + (", ".join(_subscriptions(t, topics.get(t)) for t in a.get("actions") or []) or "no SNS action")
        + ("" if a.get("actions_enabled", True) else " (actions disabled)")
        for a in alarms)
    return failed(f"the root-usage alarm notifies nobody: {detail}", alarms=[a.get("name") for a in alarms])


def evaluate(ev, config):
    trails, mon = ev.get("trails"), ev.get("root_usage_monitoring")
    if not isinstance(trails, list) or not isinstance(mon, dict):
        return error("the trails or their CloudWatch Logs wiring could not be read")
    trails = [t for t in trails if isinstance(t, dict)]
    # An organization trail a member cannot fully read still counts: its log group is judged (usually MANUAL,
    # as it lives in the management account) rather than the check failing for want of its selectors.
    good = [t for t in trails if (qualifies(t) or may_qualify(t)) and t.get("log_group_arn")]
    if not good:
        unread = [t for t in trails if t.get("error") and t.get("log_group_arn")]
        if unread:
            return error("no readable trail qualifies, and the trail(s) that deliver to CloudWatch Logs could not be "
                         "read: " + "; ".join(f"{t.get('name')}: {t.get('error')}" for t in unread))
        return failed("no multi-region trail that logs management events sends them to CloudWatch Logs, so no "
                      "metric filter can see root use")
    if not all(isinstance(mon.get(part), list) for part in ("log_groups", "filters", "alarms")):
        # the source always records all three lists; part of them missing is a partial reading, not an absence
        return error("the CloudWatch Logs wiring was only partly read (log groups, metric filters, alarms)")
    wanted = {t["log_group_arn"] for t in good}
    groups = [g for g in mon["log_groups"] if isinstance(g, dict) and g.get("arn") in wanted]
    local = [g for g in groups if not g.get("cross_account")]
    if groups and not local:
        where = ", ".join(f"{g.get('arn')} (account {g.get('account')})" for g in groups)
        return manual(f"the trail delivers to a log group in another account: {where}; check the root-usage alarm "
                      "there (scan that account, or run `rootaudit scan --org` from the management account)",
                      log_groups=[g.get("arn") for g in groups])
    present = [g for g in local if not g.get("missing")]
    if local and not present:
        return failed("the trail's CloudWatch Logs log group does not exist: "
                      + ", ".join(str(g.get("arn")) for g in local), log_groups=[g.get("arn") for g in local])
    names = {g.get("name") for g in present}
    filters = [f for f in mon["filters"] if isinstance(f, dict) and f.get("log_group") in names]
    matching = [f for f in filters if f.get("matches_root") and not f.get("matches_non_root")]
    if not matching:
        seen = "; ".join(f"'{f.get('name')}' matches {', '.join(f.get('matched') or []) or 'none of the samples'}"
                         for f in filters) or "there are no metric filters"
        return failed(f"no metric filter on {', '.join(sorted(names))} matches root use and only root use ({seen})",
                      filters=[f.get("name") for f in filters])
    metrics = {(m.get("name"), m.get("namespace")) for f in matching for m in f.get("metrics") or []}
    alarms = [a for a in mon["alarms"]
              if isinstance(a, dict) and (a.get("metric"), a.get("namespace")) in metrics]
    if not alarms:
        listed = ", ".join(f"{ns}/{name}" for name, ns in sorted(metrics, key=str))
        return failed(f"filter '{matching[0].get('name')}' matches root use but no alarm watches its metric ({listed})")
    return _judge_alarms(alarms, mon.get("topics") or {}, matching)


CHECK = Check(
    id="root-usage-alarm",
    title="Root use raises a CloudWatch alarm that reaches someone",
    severity="medium",
    topic="monitoring-and-alerts",
    rationale="An alarm on root use is only worth having if its filter really matches root activity and its "
              "notification reaches a person who has confirmed the subscription.",
    decides="Follows the chain from each qualifying trail's CloudWatch Logs group: its metric filters are judged by "
            "what they match (logs:TestMetricFilter against sample root and non-root CloudTrail records), not by "
            "string equality with the CIS text; then an alarm (cloudwatch:DescribeAlarms) on a matching filter's "
            "metric (directly or through metric math), with actions enabled, whose SNS topic has at least one "
            "confirmed subscription (sns:ListSubscriptionsByTopic). Matches are told apart by their eventMessage, "
            "every page of metric filters is read, and a topic that cannot be read does not hide another alarm "
            "that reaches someone.",
    statuses={Status.PASS: "the whole chain is in place",
              Status.FAIL: "a link is missing; the reason names it",
              Status.MANUAL: "the trail's log group is in another account (an organization trail), or the only alarm "
                             "notifies a topic that cannot be read from here: check it there",
              Status.ERROR: "part of the chain could not be read"},
    sources=("trails", "root_usage_monitoring"),
    evaluate=evaluate,
    order=2,
    fix="how-to/set-up-root-activity-alerts.md#cloudwatch-alarm",
    standards={"CIS v5.0": "4.3", "CIS v7.0": "5.3", "Security Hub": "CloudWatch.1"},
    references=("https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html",),
)
