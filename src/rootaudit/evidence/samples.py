"""Sample CloudTrail records and EventBridge events used to judge patterns by what they match.

A root-usage metric filter or an EventBridge rule is good when it matches these root events and
ignores the non-root ones, whatever its exact text. The account id is AWS's documented example.
"""
from __future__ import annotations

import json

EXAMPLE_ACCOUNT = "123456789012"

# The detail-type real console sign-in events carry (AWS's re:Post recipe, its root-activity-monitor sample and the
# EventBridge schema registry's AWSConsoleSignInViaCloudTrail), and the one-word spelling that appears only in the
# EventBridge user guide's list: a rule that matches only the latter never fires.
SIGNIN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
GUIDE_ONLY_DETAIL_TYPE = "AWS Console Signin via CloudTrail"
SIGNIN_DETAIL_TYPES = (SIGNIN_DETAIL_TYPE, GUIDE_ONLY_DETAIL_TYPE)


def _root_identity(account: str, access_key: str, partition: str = "aws") -> dict:
    return {"type": "Root", "principalId": account, "arn": f"arn:{partition}:iam::{account}:root",
            "accountId": account, "accessKeyId": access_key}


def root_console_login(account: str = EXAMPLE_ACCOUNT, region: str = "us-east-1", partition: str = "aws") -> dict:
    return {
        "eventVersion": "1.08",
        "userIdentity": _root_identity(account, "", partition),
        "eventTime": "2026-01-01T00:00:00Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "Mozilla/5.0",
        "requestParameters": None,
        "responseElements": {"ConsoleLogin": "Success"},
        "additionalEventData": {"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No", "MFAUsed": "Yes"},
        "eventID": "00000000-0000-0000-0000-000000000001",
        "readOnly": False,
        "eventType": "AwsConsoleSignIn",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


def root_api_call(account: str = EXAMPLE_ACCOUNT, region: str = "us-east-1", partition: str = "aws") -> dict:
    return {
        "eventVersion": "1.08",
        "userIdentity": _root_identity(account, "ASIAEXAMPLEEXAMPLE00", partition),
        "eventTime": "2026-01-01T00:05:00Z",
        "eventSource": "iam.amazonaws.com",
        "eventName": "CreateAccessKey",
        "awsRegion": region,
        "sourceIPAddress": "192.0.2.10",
        "userAgent": "aws-cli/2.0",
        "eventID": "00000000-0000-0000-0000-000000000002",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }


def iam_user_api_call(account: str = EXAMPLE_ACCOUNT, region: str = "us-east-1", partition: str = "aws") -> dict:
    record = root_api_call(account, region, partition)
    record["userIdentity"] = {
        "type": "IAMUser",
        "principalId": "AIDAEXAMPLEEXAMPLE000",
        "arn": f"arn:{partition}:iam::{account}:user/alice",
        "accountId": account,
        "userName": "alice",
    }
    record["eventID"] = "00000000-0000-0000-0000-000000000003"
    return record


def root_invoked_by_service(account: str = EXAMPLE_ACCOUNT, region: str = "us-east-1") -> dict:
    """A root-attributed record that an AWS service produced; the CIS filter deliberately ignores it."""
    record = root_api_call(account, region)
    record["userIdentity"] = dict(record["userIdentity"], invokedBy="support.amazonaws.com")
    record["eventType"] = "AwsServiceEvent"
    record["eventID"] = "00000000-0000-0000-0000-000000000004"
    return record


def metric_filter_messages(account: str = EXAMPLE_ACCOUNT, partition: str = "aws") -> list[dict]:
    """Log events for logs:TestMetricFilter, each with whether a root-usage filter should match it.

    The messages are distinct strings, so a match is told apart by its eventMessage, never by its eventNumber
    (AWS's API reference example numbers from 0, its CLI example from 1).
    """
    return [
        {"label": "root API call", "root": True, "record": root_api_call(account, partition=partition)},
        {"label": "root console sign-in", "root": True, "record": root_console_login(account, partition=partition)},
        {"label": "IAM user API call", "root": False, "record": iam_user_api_call(account, partition=partition)},
    ]


def signin_event(detail_type: str, account: str = EXAMPLE_ACCOUNT, region: str = "us-east-1",
                 partition: str = "aws") -> str:
    """A complete EventBridge event for events:TestEventPattern, as AWS delivers a CloudTrail sign-in."""
    return json.dumps(
        {
            "version": "0",
            "id": "11111111-2222-3333-4444-555555555555",
            "detail-type": detail_type,
            "source": "aws.signin",
            "account": account,
            "time": "2026-01-01T00:00:00Z",
            "region": region,
            "resources": [],
            "detail": root_console_login(account, region, partition),
        }
    )
