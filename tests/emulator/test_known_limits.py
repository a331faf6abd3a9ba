"""Known limits of the emulated account (tests/conformance/emulator_limits.yaml), each asserted to still hold.

These are the places the handbook's "Emulated account" page admits the emulator differs from AWS. A test here
failing means the limit was lifted: delete the entry from the YAML (and this test) so the page stays true.
"""
from __future__ import annotations

import boto3
import pytest
import yaml

from handbook_site.conformance import TABLES_DIR

LIMITS = yaml.safe_load((TABLES_DIR / "emulator_limits.yaml").read_text(encoding="utf-8"))


def test_every_limit_has_its_test_and_a_source():
    names = {name for name in globals() if name.startswith("test_limit_")}
    assert names == {"test_limit_" + entry["id"].replace("-", "_") for entry in LIMITS}
    assert all(entry["source"].startswith("https://docs.aws.amazon.com/") for entry in LIMITS)


@pytest.fixture
def account(emulator):
    yield emulator.load("standalone")
    emulator.reset()


def test_limit_putrule_pattern_validation(account):
    events = account.client("events")
    # TestEventPattern refuses this pattern as AWS does; PutRule (moto's parser) still stores it
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.test_event_pattern(EventPattern='{"source": [{"prefixx": "aws"}]}',
                                  Event='{"id": "1", "account": "123456789012", "source": "aws.ec2", "time": "t", '
                                        '"region": "us-east-1", "detail-type": "x"}')
    events.put_rule(Name="refused-on-aws", EventPattern='{"source": [{"prefixx": "aws"}]}')


def test_limit_iam_permissions_not_enforced(account):
    iam = account.client("iam")
    iam.create_user(UserName="no-policy")
    key = iam.create_access_key(UserName="no-policy")["AccessKey"]
    session = boto3.Session(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
                            region_name=account.region)
    # on AWS: AccessDenied (no policy allows iam:GetAccountSummary)
    session.client("iam", endpoint_url=account.endpoint_url).get_account_summary()


def test_limit_scp_conditions_limited(emulator):
    account = emulator.load("organization-delegated-admin")
    orgs = emulator.client("organizations", "123456789012")  # set-up client of the management account
    deny_outside = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", '
                    '"Condition": {"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]}')
    policy = orgs.create_policy(Name="DenyOutsideOffice", Type="SERVICE_CONTROL_POLICY", Description="x",
                                Content=deny_outside)["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=policy, TargetId="100000000022")
    creds = account.client("sts").assume_role(RoleArn="arn:aws:iam::100000000022:role/OrganizationAccountAccessRole",
                                              RoleSessionName="probe")["Credentials"]
    session = boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                            aws_session_token=creds["SessionToken"], region_name="us-east-1")
    # on AWS: AccessDenied (127.0.0.1 is outside 192.0.2.0/24); the emulator does not evaluate IP conditions
    session.client("iam", endpoint_url=account.endpoint_url).get_account_summary()
    emulator.reset()


def test_limit_signin_statement_form_assumed(account):
    from rootaudit_emulator.signin import pin_endpoint

    signin = pin_endpoint(account.client("signin"))
    glass = "arn:aws:iam::123456789012:role/BreakGlass"
    signin.put_resource_permission_statement(sourceIp="203.0.113.0/24", excludedPrincipal=glass)
    statement = signin.get_resource_policy()["signinResourceBasedPolicy"]["statement"][-1]  # after the scenario's own
    # the emulator's assumption, not AWS's documented form (AWS documents none)
    assert statement["effect"] == "Deny" and statement["action"] == ["signin:Authenticate"]
    assert statement["condition"] == {"NotIpAddressIfExists": {"aws:SourceIp": ["203.0.113.0/24"]},
                                      "ArnNotEquals": {"signin:PrincipalArn": [glass]}}
