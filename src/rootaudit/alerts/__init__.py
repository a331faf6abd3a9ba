"""Root activity alerts: the CloudFormation template and `rootaudit alerts deploy` (the only code that writes).

The event pattern and the metric filter are the handbook's snippets (symlinked here), so the docs,
the template and the deploy command always use the same text.
"""
from importlib import resources

RULE_NAME = "rootaudit-root-activity"
TOPIC_NAME = "rootaudit-root-activity"
FILTER_NAME = "rootaudit-root-usage"
ALARM_NAME = "rootaudit-root-usage"
METRIC_NAME = "RootUsageCount"
METRIC_NAMESPACE = "CISBenchmark"


def event_pattern() -> str:
    return resources.files(__name__).joinpath("root-activity-event-pattern.json").read_text(encoding="utf-8")


def metric_filter() -> str:
    return resources.files(__name__).joinpath("root-usage-metric-filter.txt").read_text(encoding="utf-8").strip()


def template() -> str:
    return resources.files(__name__).joinpath("root-activity-alerts.yaml").read_text(encoding="utf-8")
