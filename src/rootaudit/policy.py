"""The least-privilege IAM policy, generated from the catalogue (and the org scan's needs)."""
from __future__ import annotations

import json
import sys

from .checks import CATALOGUE

# What `rootaudit scan --org` adds on top of the checks, from the management account.
ORG_SCAN_ACTIONS = (
    "organizations:ListAccounts",
    "organizations:ListParents",
    "organizations:ListPoliciesForTarget",
    "organizations:DescribePolicy",
    # The organization map of large org scans (org/org_map.py): the tree and each policy's targets, read once.
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListPolicies",
    "organizations:ListTargetsForPolicy",
    "sts:AssumeRole",
    "sts:AssumeRoot",
)
PARTITIONS = ("aws", "aws-us-gov", "aws-cn")


def audit_task_policy(partition: str = "aws") -> str:
    """The AWS managed task policy for read-only root sessions (sts:AssumeRoot), in the caller's partition."""
    return f"arn:{partition}:iam::aws:policy/root-task/IAMAuditRootUserCredentials"


AUDIT_TASK_POLICY = audit_task_policy("aws")  # the commercial partition's; use audit_task_policy(partition) elsewhere


def check_actions() -> list[str]:
    return sorted({a for c in CATALOGUE for a in c.actions})


def least_privilege_policy(partition: str = "aws") -> dict:
    # AssumeRoot only with the read-only audit task policy: the scan can never obtain a root session that writes.
    org_actions = sorted(a for a in ORG_SCAN_ACTIONS if a != "sts:AssumeRoot")
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "RootAuditChecks", "Effect": "Allow", "Action": check_actions(), "Resource": "*"},
        {"Sid": "RootAuditOrganization", "Effect": "Allow", "Action": org_actions, "Resource": "*"},
        {"Sid": "RootAuditAssumeRootReadOnly", "Effect": "Allow", "Action": "sts:AssumeRoot", "Resource": "*",
         "Condition": {"StringEquals": {"sts:TaskPolicyArn": audit_task_policy(partition)}}},
    ]}


def policy_json(partition: str = "aws") -> str:
    return json.dumps(least_privilege_policy(partition), indent=2) + "\n"


if __name__ == "__main__":  # make policy: regenerate the committed copy shown in the handbook
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(policy_json())
