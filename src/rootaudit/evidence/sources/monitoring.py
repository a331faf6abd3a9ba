"""CloudWatch Logs, CloudWatch and SNS: the CIS root-usage metric filter, its alarm and who it notifies."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import samples
from ..errors import SourceFailed
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


def _arn_parts(arn: str) -> dict:
    parts = arn.split(":")
    return {"region": parts[3], "account": parts[4], "resource": ":".join(parts[5:])} if len(parts) >= 6 else {}


def _may_see_root_use(trail: dict) -> bool:
    """A multi-region trail not known to be stopped or to skip read or write management events: only such a
    trail's log group can feed a root-usage filter (the others are not read, so they cannot fail the check)."""
    events = trail.get("management_events")
    known_short = isinstance(events, dict) and not (events.get("read") and events.get("write"))
    return bool(trail.get("multi_region")) and trail.get("is_logging") is not False and not known_short


def _judge_filter(ctx: Context, f: dict, group: dict, messages: list[dict]) -> dict:
    """What one metric filter matches, told by eventMessage: AWS's documents number matches from 0 in the API
    reference and from 1 in the CLI example, so eventNumber is not to be relied on."""
    sent = [json.dumps(m["record"]) for m in messages]
    result = ctx.call("logs", "TestMetricFilter", group["region"], filterPattern=f.get("filterPattern", ""),
                      logEventMessages=sent)
    hit = {m.get("eventMessage") for m in result.get("matches", [])}
    matched = [m for m, text in zip(messages, sent, strict=True) if text in hit]
    return {
        "log_group": group["name"], "region": group["region"], "name": f.get("filterName"),
        "pattern": f.get("filterPattern"),
        "metrics": [{"name": m.get("metricName"), "namespace": m.get("metricNamespace")}
                    for m in f.get("metricTransformations", [])],
        "matched": [m["label"] for m in matched],
        "matches_root": all(m in matched for m in messages if m["root"]),
        "matches_non_root": any(not m["root"] for m in matched),
    }


def _alarm_metrics(alarm: dict) -> set[tuple]:
    """(metric, namespace) an alarm watches: directly, or through metric math (Metrics[].MetricStat.Metric)."""
    out = {(alarm.get("MetricName"), alarm.get("Namespace"))}
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        out.add((metric.get("MetricName"), metric.get("Namespace")))
    return out


def _topic(ctx: Context, topic: str) -> dict:
    """Confirmed and pending subscriptions of one topic; a topic that cannot be read (another account's, a deleted
    one) is recorded as such, so one such alarm does not hide another that reaches someone."""
    try:
        subs = ctx.paginate("sns", "ListSubscriptionsByTopic", "Subscriptions", _arn_parts(topic).get("region"),
                            TopicArn=topic)
    except SourceFailed as failed:
        if failed.error.fatal:
            raise
        return {"error": failed.error.message, "kind": failed.error.kind, "account": _arn_parts(topic).get("account")}
    pending = sum(1 for s in subs if s.get("SubscriptionArn") in ("PendingConfirmation", "Deleted"))
    return {"confirmed": len(subs) - pending, "pending": pending}


@register("root_usage_monitoring", ("logs:DescribeMetricFilters", "logs:TestMetricFilter", "cloudwatch:DescribeAlarms",
                                   "sns:ListSubscriptionsByTopic"), depends=("trails", "caller"),
          doc="metric filters on trail log groups, what they match, their alarms and SNS subscriptions")
def _root_usage_monitoring(ctx: Context, ev: Collector) -> dict:
    """Metric filters on the log groups of multi-region trails, judged by logs:TestMetricFilter, and their alarms."""
    caller = ev.get("caller")
    account = caller["account"]
    messages = samples.metric_filter_messages(account, caller.get("partition") or "aws")
    groups, filters, alarms = [], [], []
    for arn in sorted({t["log_group_arn"] for t in ev.get("trails")
                       if _may_see_root_use(t) and t.get("log_group_arn")}):
        p = _arn_parts(arn)
        name = p.get("resource", "").removeprefix("log-group:").removesuffix(":*")
        group = {"arn": arn, "name": name, "region": p.get("region"), "account": p.get("account")}
        groups.append(group)
        if p.get("account") != account:
            group["cross_account"] = True  # the alarm lives in another account: it cannot be read from here
            continue
        try:  # every page (50 filters each by default), each filter judged as its page arrives
            for f in ctx.items("logs", "DescribeMetricFilters", "metricFilters", p["region"], logGroupName=name):
                filters.append(_judge_filter(ctx, f, group, messages))
        except SourceFailed as failed:
            if failed.error.kind != "ResourceNotFoundException":
                raise
            group["missing"] = True  # the trail names a log group that no longer exists
    for region in sorted({f["region"] for f in filters if f["matches_root"]}):
        wanted = {(m["name"], m["namespace"]) for f in filters if f["region"] == region for m in f["metrics"]}
        for a in ctx.paginate("cloudwatch", "DescribeAlarms", "MetricAlarms", region):
            watched = _alarm_metrics(a) & wanted
            if watched:
                metric, namespace = min(watched, key=str)
                alarms.append({"name": a.get("AlarmName"), "region": region, "metric": metric,
                               "namespace": namespace, "actions_enabled": a.get("ActionsEnabled", True),
                               "actions": [x for x in a.get("AlarmActions", []) if ":sns:" in x]})
    topics = {topic: _topic(ctx, topic) for topic in sorted({t for a in alarms for t in a["actions"]})}
    return {"log_groups": groups, "filters": filters, "alarms": alarms, "topics": topics}
