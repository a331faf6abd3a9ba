"""caller-not-root: the audit itself must not run with root credentials."""
from ..findings import Status, error, failed, passed
from .model import Check


def evaluate(ev, config):
    caller = ev.get("caller")
    arn = caller.get("arn") if isinstance(caller, dict) else None
    if not isinstance(arn, str) or not arn:
        return error("sts:GetCallerIdentity returned no caller ARN")
    parts = arn.split(":")
    if len(parts) >= 6 and parts[2] == "iam" and parts[5] == "root":
        return failed(f"THIS AUDIT IS RUNNING WITH ROOT CREDENTIALS ({arn}): stop, sign out, and use an IAM role "
                      "or IAM Identity Center instead", caller_arn=arn)
    return passed(f"the audit runs as {arn}, not as root", caller_arn=arn)


CHECK = Check(
    id="caller-not-root",
    title="The audit does not run as the root user",
    severity="critical",
    topic="root-credentials",
    rationale="Anything that runs with root credentials, an audit included, proves those credentials are in use "
              "and exposed. Root should only ever be used by people, for the few tasks that need it.",
    decides="Reads the caller's ARN from sts:GetCallerIdentity. FAIL when it is the account's root ARN "
            "(arn:<partition>:iam::<account>:root).",
    statuses={Status.PASS: "the caller is an IAM user, role or session other than root",
              Status.FAIL: "the scan itself runs with root credentials",
              Status.ERROR: "the caller could not be identified"},
    sources=("caller",),
    evaluate=evaluate,
    order=1,
    fix="how-to/stop-using-root.md",
    standards={"CIS v5.0": "1.6", "CIS v7.0": "2.7"},
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",),
)
