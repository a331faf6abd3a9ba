"""org-central-root-access: both centralized root access features are enabled."""
from ..findings import Status, error, failed, not_applicable, passed
from .model import Check

FEATURES = ("RootCredentialsManagement", "RootSessions")


def evaluate(ev, config):
    info = ev.get("org_features")
    status = info.get("status") if isinstance(info, dict) else None
    if status == "no-organization":
        return not_applicable("this account is not in an AWS Organizations organization")
    if status == "not-management":
        return not_applicable("iam:ListOrganizationsFeatures answers only in the management or IAM delegated "
                              "administrator account: run this check there")
    if status == "service-access-not-enabled":
        return failed("trusted access for IAM (iam.amazonaws.com) is not enabled, so neither "
                      "RootCredentialsManagement nor RootSessions is on")
    if status == "not-all-features":
        return failed("the organization is not in all-features mode, which centralized root access requires")
    if status != "ok" or not isinstance(info.get("enabled"), list):
        return error("iam:ListOrganizationsFeatures returned nothing usable")
    missing = [f for f in FEATURES if f not in info["enabled"]]
    if missing:
        return failed(f"centralized root access is missing {' and '.join(missing)} "
                      f"(enabled: {', '.join(info['enabled']) or 'none'})", enabled=info["enabled"], missing=missing)
    return passed("RootCredentialsManagement and RootSessions are both enabled", enabled=info["enabled"])


CHECK = Check(
    id="org-central-root-access",
    title="Organizations centralized root access is on",
    severity="high",
    topic="organizations",
    rationale="With both features on, member accounts need no root credentials at all, and the few root-only tasks "
              "run as short, task-scoped sts:AssumeRoot sessions from the management account.",
    decides="iam:ListOrganizationsFeatures must list both RootCredentialsManagement and RootSessions. It answers only "
            "in the management or IAM delegated-administrator account.",
    statuses={Status.PASS: "both features are enabled", Status.FAIL: "one or both are missing; the reason names them",
              Status.NOT_APPLICABLE: "not in an organization, or run from a member account",
              Status.ERROR: "the features could not be read"},
    sources=("org_features",),
    evaluate=evaluate,
    order=1,
    fix="how-to/use-centralized-root-access.md#turn-it-on",
    standards={"CIS v7.0": "2.1.1"},
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html",),
)
