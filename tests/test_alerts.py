"""Alerts as code: the CloudFormation template (cfn-lint), and `rootaudit alerts deploy` against the emulator:
a dry run changes nothing, --apply makes root-activity-alert and root-usage-alarm PASS, a second run changes nothing,
and root credentials are refused."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rootaudit import config as config_mod
from rootaudit.alerts import event_pattern, metric_filter, template
from rootaudit.alerts.deploy import deploy
from rootaudit.engine import scan

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "src/rootaudit/alerts/root-activity-alerts.yaml"
CFG = config_mod.load(ROOT / "handbook.yml")
REGIONS = list(CFG.signin_regions)
WRITES = ("Create", "Put", "Set", "Subscribe", "Delete", "Update", "Enable", "Attach", "Tag")


class _CfnLoader(yaml.SafeLoader):
    pass


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def test_template_passes_cfn_lint():
    result = subprocess.run([str(Path(sys.executable).with_name("cfn-lint")), str(TEMPLATE)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_template_uses_the_handbook_snippets():
    doc = yaml.load(template(), Loader=_CfnLoader)
    assert doc["Resources"]["RootActivityRule"]["Properties"]["EventPattern"] == json.loads(event_pattern())
    assert doc["Resources"]["RootUsageMetricFilter"]["Properties"]["FilterPattern"] == metric_filter()
    assert (ROOT / "snippets/root-activity-event-pattern.json").read_text() == event_pattern()


def _eventbridge_statements(policy: dict) -> list[dict]:
    """Statements that let EventBridge publish: events.amazonaws.com, sns:Publish, Allow, and no Condition (AWS's
    EventBridge guide: Condition blocks cannot be used in SNS topic policies for EventBridge)."""
    out = []
    for st in policy.get("Statement", []):
        service = (st.get("Principal") or {}).get("Service")
        actions = st.get("Action") if isinstance(st.get("Action"), list) else [st.get("Action")]
        if st.get("Effect") == "Allow" and "events.amazonaws.com" in ([service] if isinstance(service, str) else
                                                                    service or []) \
                and "sns:publish" in [str(a).lower() for a in actions]:
            out.append(st)
    return out


def test_template_lets_eventbridge_publish_to_an_unencrypted_topic():
    resources = yaml.load(template(), Loader=_CfnLoader)["Resources"]
    topic = resources["AlertTopic"]["Properties"]
    # The AWS managed key (alias/aws/sns) cannot grant EventBridge the key use it needs: nothing would arrive.
    assert "KmsMasterKeyId" not in topic, topic
    policies = [r for r in resources.values() if r["Type"] == "AWS::SNS::TopicPolicy"]
    assert len(policies) == 1
    statements = _eventbridge_statements(policies[0]["Properties"]["PolicyDocument"])
    assert statements and not any("Condition" in st for st in statements), statements
    owner = [st for st in policies[0]["Properties"]["PolicyDocument"]["Statement"]
             if st.get("Principal") == {"AWS": "*"}]
    assert owner and "SNS:Publish" in owner[0]["Action"], "the default owner statement must stay (CloudWatch alarm)"


def test_deploy_sets_the_policy_the_howto_shows():
    from rootaudit.alerts.deploy import _topic_policy

    arn, account = "arn:aws:sns:us-east-1:123456789012:rootaudit-root-activity", "123456789012"
    snippet = (ROOT / "snippets/root-activity-topic-policy.json").read_text()
    assert json.loads(_topic_policy(arn, account)) == \
        json.loads(snippet.replace("TOPIC_ARN", arn).replace("ACCOUNT_ID", account))
    template_statements = yaml.load(template(), Loader=_CfnLoader)["Resources"]["AlertTopicPolicy"]["Properties"][
        "PolicyDocument"]["Statement"]
    assert [(st["Sid"], st["Action"], st["Principal"]) for st in template_statements] == \
        [(st["Sid"], st["Action"], st["Principal"]) for st in json.loads(snippet)["Statement"]]


def _topic_policy(account, region):
    sns = account.session().client("sns", region_name=region)
    arn = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":rootaudit-root-activity"))
    return json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])


def test_apply_lets_eventbridge_publish_and_repairs_a_topic_without_the_policy(load):
    account = load("demo")
    deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, out=io.StringIO())
    for region in REGIONS:
        assert _eventbridge_statements(_topic_policy(account, region)), region
    # A topic made earlier without the statement (as the old how-to did): deploy notices and fixes it.
    sns = account.session().client("sns", region_name=REGIONS[0])
    arn = sns.create_topic(Name="rootaudit-root-activity")["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="Policy", AttributeValue=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                 "Action": "SNS:Subscribe", "Resource": arn}]}))
    out = io.StringIO()
    changes = deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, out=out)
    assert [c.summary for c in changes] == ["allow EventBridge to publish to rootaudit-root-activity (topic policy)"]
    assert _eventbridge_statements(_topic_policy(account, REGIONS[0]))
    assert deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, out=io.StringIO()) == []


def _check(account, ids):
    report = scan(session=account.session(), config=CFG, check_ids=ids)
    return {f.check_id: f.status.value for f in report.findings}


def test_dry_run_changes_nothing(load, emulator):
    account = load("demo")
    emulator.clear_recorded()
    out = io.StringIO()
    changes = deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=False,
                     log_group="aws-cloudtrail-logs-management", out=out)
    assert changes and "Dry run" in out.getvalue()
    writes = [op for op in emulator.recorded() if op.split(":")[1].startswith(WRITES)]
    assert not writes, writes
    assert _check(account, ["root-activity-alert"]) == {"root-activity-alert": "FAIL"}


def test_apply_makes_the_checks_pass_and_is_idempotent(load, emulator):
    account = load("demo")
    ids = ["root-activity-alert", "root-usage-alarm"]
    assert set(_check(account, ids).values()) == {"FAIL"}
    arn = next(t["log_group_arn"] for t in _trails(account) if t.get("log_group_arn"))
    log_group = arn.split(":log-group:")[1].removesuffix(":*")
    deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, log_group=log_group, out=io.StringIO())
    assert _check(account, ids) == {"root-activity-alert": "PASS", "root-usage-alarm": "PASS"}
    emulator.clear_recorded()
    out = io.StringIO()
    again = deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, log_group=log_group, out=out)
    assert again == [] and "Nothing to change" in out.getvalue()
    assert not [op for op in emulator.recorded() if op.split(":")[1].startswith(WRITES)]


def _trails(account):
    from rootaudit.evidence.collector import Collector, Context

    return Collector(Context(session=account.session(), config=CFG, region="us-east-1")).get("trails")


def test_apply_refuses_root_credentials(load, emulator):
    account = load("neglected")  # the caller is root
    emulator.clear_recorded()
    with pytest.raises(PermissionError, match="refusing"):
        deploy(account.session(), REGIONS, "cloud-alerts@example.com", apply=True, out=io.StringIO())
    assert emulator.recorded() == ["sts:GetCallerIdentity"]
    # a dry run is allowed (it only reads), and --allow-root overrides
    assert deploy(account.session(), REGIONS, "x@example.com", apply=False, out=io.StringIO())
    assert deploy(account.session(), REGIONS, "x@example.com", apply=True, allow_root=True, out=io.StringIO())


def test_cli_alerts_deploy_dry_run_by_default(emulator):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | emulator.load("neglected").env()
    result = subprocess.run([sys.executable, "-m", "rootaudit.cli", "alerts", "deploy"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Dry run" in result.stdout and "ROOT USER CREDENTIALS" in result.stderr
    refused = subprocess.run([sys.executable, "-m", "rootaudit.cli", "alerts", "deploy", "--apply"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "refusing" in refused.stderr
    emulator.reset()
