"""`rootaudit alerts deploy`: set up root activity alerts, idempotently. A dry run unless --apply.

It reads the current state first and plans only what differs, so running it twice changes nothing the
second time. It is the only code in rootaudit that writes to an account.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Callable

from botocore.exceptions import ClientError

from ..evidence.errors import classify
from ..report.table import root_banner
from . import (
    ALARM_NAME,
    FILTER_NAME,
    METRIC_NAME,
    METRIC_NAMESPACE,
    RULE_NAME,
    TOPIC_NAME,
    event_pattern,
    metric_filter,
)


@dataclass
class Change:
    region: str
    summary: str
    apply: Callable[[], object]


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _topic_policy(topic_arn: str, account: str) -> str:
    """The topic's access policy: SNS's default owner statement plus an Allow for EventBridge.

    A rule's SNS target delivers nothing unless the topic policy lets events.amazonaws.com call sns:Publish, and
    AWS's EventBridge guide says Condition blocks cannot be used in that statement, so it has none
    (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
    The owner statement is the one SNS puts on every new topic; it is what lets CloudWatch alarms of this account
    publish, so replacing the policy must keep it.
    """
    return json.dumps({"Version": "2012-10-17", "Id": "__default_policy_ID", "Statement": [
        {"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                    "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
         "Resource": topic_arn, "Condition": {"StringEquals": {"AWS:SourceOwner": account}}},
        {"Sid": "EventBridgePublish", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
         "Action": "sns:Publish", "Resource": topic_arn},
    ]})


def eventbridge_may_publish(policy: str | None) -> bool:
    """Does this topic policy (JSON text) allow events.amazonaws.com to sns:Publish without a condition?"""
    try:
        statements = json.loads(policy or "{}").get("Statement", [])
    except (ValueError, AttributeError):
        return False
    for st in statements if isinstance(statements, list) else [statements]:
        if not isinstance(st, dict) or st.get("Effect") != "Allow" or st.get("Condition"):
            continue
        services = (st.get("Principal") or {}).get("Service") if isinstance(st.get("Principal"), dict) else None
        actions = st.get("Action")
        actions = [actions] if isinstance(actions, str) else actions or []
        if "events.amazonaws.com" in ([services] if isinstance(services, str) else services or []) and \
                any(a.lower() in ("sns:publish", "sns:*", "*") for a in actions):
            return True
    return False


def plan_region(session, region: str, account: str, partition: str, email: str, pattern: str) -> list[Change]:
    sns, events = session.client("sns", region_name=region), session.client("events", region_name=region)
    topic = f"arn:{partition}:sns:{region}:{account}:{TOPIC_NAME}"
    changes: list[Change] = []

    def allow_events():
        return sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                        AttributeValue=_topic_policy(topic, account))

    try:
        attributes = sns.get_topic_attributes(TopicArn=topic).get("Attributes", {})
        subs = sns.list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions", [])
        if not eventbridge_may_publish(attributes.get("Policy")):
            # Without this statement the rule "fires" but every delivery fails, and nobody is told.
            changes.append(Change(region, f"allow EventBridge to publish to {TOPIC_NAME} (topic policy)",
                                  allow_events))
    except ClientError as exc:
        if _code(exc) not in ("NotFound", "NotFoundException"):
            raise
        changes.append(Change(region, f"create SNS topic {TOPIC_NAME} (EventBridge and CloudWatch may publish)",
                              lambda: (sns.create_topic(Name=TOPIC_NAME), allow_events())))
        subs = []
    if not any(s.get("Protocol") == "email" and s.get("Endpoint") == email for s in subs):
        changes.append(Change(region, f"subscribe {email} to {TOPIC_NAME} (confirm the email AWS sends)",
                              lambda: sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=email)))
    try:
        rule = events.describe_rule(Name=RULE_NAME, EventBusName="default")
        current = json.loads(rule.get("EventPattern") or "null")
        stale = current != json.loads(pattern) or rule.get("State") != "ENABLED"
        verb = "update" if stale else None
        targets = events.list_targets_by_rule(Rule=RULE_NAME, EventBusName="default").get("Targets", [])
    except ClientError as exc:
        if _code(exc) != "ResourceNotFoundException":
            raise
        verb, targets = "create", []
    if verb:
        changes.append(Change(region, f"{verb} EventBridge rule {RULE_NAME} on the default bus (ENABLED)",
                              lambda: events.put_rule(Name=RULE_NAME, EventPattern=pattern, State="ENABLED",
                                                      EventBusName="default",
                                                      Description="Root sign-in and root API calls")))
    if not any(t.get("Arn") == topic for t in targets):
        changes.append(Change(region, f"target rule {RULE_NAME} at SNS topic {TOPIC_NAME}",
                              lambda: events.put_targets(Rule=RULE_NAME, EventBusName="default",
                                                         Targets=[{"Id": "alert-topic", "Arn": topic}])))
    return changes


def plan_alarm(session, region: str, account: str, partition: str, log_group: str) -> list[Change]:
    logs, cw = session.client("logs", region_name=region), session.client("cloudwatch", region_name=region)
    topic = f"arn:{partition}:sns:{region}:{account}:{TOPIC_NAME}"
    wanted = metric_filter()
    changes = []
    filters = logs.describe_metric_filters(
        logGroupName=log_group, filterNamePrefix=FILTER_NAME).get("metricFilters", [])
    current = next((f for f in filters if f.get("filterName") == FILTER_NAME), None)
    if current is None or current.get("filterPattern") != wanted:
        changes.append(Change(region, f"{'update' if current else 'create'} metric filter {FILTER_NAME} on {log_group}",
                              lambda: logs.put_metric_filter(
                                  logGroupName=log_group, filterName=FILTER_NAME, filterPattern=wanted,
                                  metricTransformations=[{"metricName": METRIC_NAME,
                                                          "metricNamespace": METRIC_NAMESPACE,
                                                          "metricValue": "1", "defaultValue": 0}])))
    alarms = cw.describe_alarms(AlarmNames=[ALARM_NAME]).get("MetricAlarms", [])
    if not alarms or topic not in alarms[0].get("AlarmActions", []) or alarms[0].get("MetricName") != METRIC_NAME:
        changes.append(Change(region, f"{'update' if alarms else 'create'} alarm {ALARM_NAME} -> {TOPIC_NAME}",
                              lambda: cw.put_metric_alarm(
                                  AlarmName=ALARM_NAME, MetricName=METRIC_NAME, Namespace=METRIC_NAMESPACE,
                                  Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                  ComparisonOperator="GreaterThanOrEqualToThreshold", TreatMissingData="notBreaching",
                                  AlarmActions=[topic], ActionsEnabled=True)))
    return changes


def deploy(session, regions, email: str, apply: bool, log_group: str | None = None, alarm_region: str = "us-east-1",
           allow_root: bool = False, out=sys.stdout) -> list[Change]:
    """Plan (and with apply=True, make) the changes. Returns the changes planned."""
    caller = session.client("sts").get_caller_identity()
    account, arn = caller["Account"], caller["Arn"]
    partition = arn.split(":")[1]
    banner = root_banner(arn)
    if banner:
        print(banner, file=sys.stderr)
        if apply and not allow_root:
            raise PermissionError("refusing to change the account with root credentials: use an IAM role "
                                  "(or pass --allow-root if you really must)")
    pattern = event_pattern()
    changes = [c for region in regions for c in plan_region(session, region, account, partition, email, pattern)]
    if log_group:
        changes += plan_alarm(session, alarm_region, account, partition, log_group)
    mode = "Applying" if apply else "Dry run (nothing changed; add --apply to make these changes)"
    print(f"{mode}: account {account}, regions {', '.join(regions)}", file=out)
    for change in changes:
        print(f"  [{change.region}] {change.summary}", file=out)
        if apply:
            change.apply()
    print(f"{len(changes)} change(s) {'applied' if apply else 'planned'}" if changes else
          "Nothing to change: alerts are already in place.", file=out)
    return changes


def run_deploy(args, config) -> int:
    import boto3

    email = args.email or config.org.get("alerts_email")
    if not email:
        print("rootaudit: give --email or set org.alerts_email in handbook.yml", file=sys.stderr)
        return 2
    if args.with_alarm and not args.log_group:
        print("rootaudit: --with-alarm needs --log-group (the CloudWatch Logs group of your trail)", file=sys.stderr)
        return 2
    try:
        session = boto3.Session(profile_name=args.profile)
        deploy(session, list(config.signin_regions), email, args.apply,
               log_group=args.log_group if args.with_alarm else None, alarm_region=args.region or "us-east-1",
               allow_root=args.allow_root)
    except PermissionError as exc:
        print(f"rootaudit: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        print(f"rootaudit: alerts deploy failed: {classify(exc, 'alerts deploy', args.profile).message}",
              file=sys.stderr)
        return 2
    return 0
