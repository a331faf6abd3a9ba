"""What every part of the scenario machinery shares: names, defaults and the error it raises."""
from __future__ import annotations

from pathlib import Path

from .. import root_state as rs

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"  # the shipped YAML files
DEFAULT_ACCOUNT = rs.DEFAULT_ACCOUNT
DEFAULT_REGION = "us-east-1"
ACCESS_ROLE = "OrganizationAccountAccessRole"

# CIS AWS Foundations Benchmark, "ensure a log metric filter and alarm exist for usage of the root account".
CIS_ROOT_FILTER = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS '
                   '&& $.eventType != "AwsServiceEvent" }')
SIGNIN_DETAIL_TYPE = "AWS Console Sign In via CloudTrail"
FEATURES = ("RootCredentialsManagement", "RootSessions")
# Trusted access (organizations:EnableAWSServiceAccess) the grafts look at: Account Management's member operations
# (GetPrimaryEmail, GetContactInformation with AccountId).  IAM's (for centralized root access) is accepted since
# delegated_admin.py adds it to moto's list, but ListOrganizationsFeatures does not look at it: switch the
# service_access_not_enabled fault on instead.
TRUSTED_ACCESS = ("account.amazonaws.com",)
# Organizations' Account.State values a member can be given (PENDING_ACTIVATION never lasts long enough to matter).
MEMBER_STATES = ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED")


class ScenarioError(ValueError):
    """The scenario file is not valid; the message names the file and the key."""
