"""CloudWatch Logs, CloudWatch and SNS: the CIS root-usage metric filter, its alarm and who it notifies."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import samples
from ..registry import register

if TYPE_CHECKING:
    from ..collector import Collector, Context


def _arn_parts(arn: str) -> dict:
    parts = arn.split(":")
    return {"region": parts[3], "account": parts[4], "resource": ":".join(parts[5:])} if len(parts) >= 6 else {}


@register("root_usage_monitoring", ("logs:DescribeMetricFilters", "logs:TestMetricFilter", "cloudwatch:DescribeAlarms",
                                   "sns:ListSubscriptionsByTopic"), depends=("trails", "caller"),
          doc="metric filters on trail log groups, what they match, their alarms and SNS subscriptions")
def _root_usage_monitoring(ctx: Context, ev: Collector) -> dict:
    """Metric filters on the log groups of multi-region trails, judged by logs:TestMetricFilter, and their alarms."""
    account = ev.get("caller")["account"]
    messages = samples.metric_filter_messages(account)
    groups, filters, alarms, topics = [], [], [], {}
    for arn in sorted({t["log_group_arn"] for t in ev.get("trails") if t.get("multi_region") and t.get("log_group_arn")}):
        p = _arn_parts(arn)
        name = p.get("resource", "").removeprefix("log-group:").removesuffix(":*")
        group = {"arn": arn, "name": name, "region": p.get("region"), "account": p.get("account")}
        groups.append(group)
        if p.get("account") != account:
            group["cross_account"] = True  # the alarm lives in another account: it cannot be read from here
            continue
        for f in ctx.paginate("logs", "DescribeMetricFilters", "metricFilters", p["region"], logGroupName=name):
            result = ctx.call("logs", "TestMetricFilter", p["region"], filterPattern=f.get("filterPattern", ""),
                              logEventMessages=[json.dumps(m["record"]) for m in messages])
            hit = {m.get("eventNumber") for m in result.get("matches", [])}
            matched = [m for i, m in enumerate(messages, start=1) if i in hit]
            filters.append({
                "log_group": name, "region": p["region"], "name": f.get("filterName"),
                "pattern": f.get("filterPattern"),
                "metrics": [{"name": m.get("metricName"), "namespace": m.get("metricNamespace")}
                            for m in f.get("metricTransformations", [])],
                "matched": [m["label"] for m in matched],
                "matches_root": all(m in matched for m in messages if m["root"]),
                "matches_non_root": any(not m["root"] for m in matched),
            })
    for region in sorted({f["region"] for f in filters if f["matches_root"]}):
        wanted = {(m["name"], m["namespace"]) for f in filters if f["region"] == region for m in f["metrics"]}
        for a in ctx.paginate("cloudwatch", "DescribeAlarms", "MetricAlarms", region):
            if (a.get("MetricName"), a.get("Namespace")) in wanted:
                alarms.append({"name": a.get("AlarmName"), "region": region, "metric": a.get("MetricName"),
                               "namespace": a.get("Namespace"), "actions_enabled": a.get("ActionsEnabled", True),
                               "actions": [x for x in a.get("AlarmActions", []) if ":sns:" in x]})
    for topic in sorted({t for a in alarms for t in a["actions"]}):
        subs = ctx.paginate("sns", "ListSubscriptionsByTopic", "Subscriptions", _arn_parts(topic).get("region"),
                            TopicArn=topic)
        pending = sum(1 for s in subs if s.get("SubscriptionArn") in ("PendingConfirmation", "Deleted"))
        topics[topic] = {"confirmed": len(subs) - pending, "pending": pending}
    return {"log_groups": groups, "filters": filters, "alarms": alarms, "topics": topics}
