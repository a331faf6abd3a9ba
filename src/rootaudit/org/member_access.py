"""How the org scan reaches a member: its Organizations state, and an sts:AssumeRoot session opened only if needed.

Root posture is read the least fragile way: through the member access role, which SCPs without a deny-all leave
alone, and inside an AssumeRoot session (IAMAuditRootUserCredentials) only when the role cannot read it. SCPs apply
inside root sessions, so a deny-root SCP without an aws:AssumedRoot exception blocks them
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from ..evidence.collector import Context
from ..evidence.errors import SourceError, SourceFailed
from ..policy import audit_task_policy
from .scp_analysis import denies_action, root_denials

# Organizations' Account.State (Status is retired; botocore's model says so). What each means for an audit:
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html
NOT_AUDITABLE = {
    "PENDING_ACTIVATION": "is still being created (Organizations state PENDING_ACTIVATION): scan again once it is "
                          "ACTIVE",
    "SUSPENDED": "is SUSPENDED by AWS: its resources cannot be reached, so there is nothing to audit until AWS "
                 "reinstates it",
    "PENDING_CLOSURE": "is being closed (Organizations state PENDING_CLOSURE): it can no longer be audited",
    "CLOSED": "is CLOSED: AWS lists closed accounts for 90 days and only its root user can reopen it in that time; "
              "there is nothing to audit",
}


def account_state(account: dict) -> str:
    """State where Organizations sends it, else the retired Status, else ACTIVE (neither is required)."""
    return str(account.get("State") or account.get("Status") or "ACTIVE").upper()


class LazyRootSession:
    """An sts:AssumeRoot session for one member, opened on first use and at most once.

    It answers ``client()`` like a boto3 session, so Context can hold it as its root_session; a failed
    AssumeRoot is remembered and raised as SourceFailed every time a client is asked for.
    """

    def __init__(self, mgmt: Context, account_id: str, partition: str,
                 make_session: Callable[[dict, str, Any], Any]):
        self.mgmt, self.account_id, self.partition, self._make = mgmt, account_id, partition, make_session
        self._lock = threading.Lock()
        self._session: Any = None
        self.error: SourceError | None = None
        self.opened = False

    def session(self) -> Any:
        with self._lock:
            if self._session is None and self.error is None:
                try:
                    creds = self.mgmt.call("sts", "AssumeRoot", TargetPrincipal=self.account_id,
                                           TaskPolicyArn={"arn": audit_task_policy(self.partition)},
                                           DurationSeconds=900)["Credentials"]
                    self._session = self._make(creds, self.mgmt.region, self.mgmt.session)
                    self.opened = True
                except SourceFailed as failed:
                    self.error = failed.error
        if self.error is not None:
            raise SourceFailed(self.error)
        return self._session

    def client(self, service: str, region_name: str | None = None, config: Any = None) -> Any:
        return self.session().client(service, region_name=region_name, config=config)


def root_session_blockers(scps: Any, action: str = "iam:GetAccountSummary") -> list[str]:
    """SCPs in the account's chain that deny `action` inside an sts:AssumeRoot session ("'Name' on target")."""
    if not isinstance(scps, dict) or scps.get("status") != "ok":
        return []
    names = []
    for policy in scps.get("policies") or []:
        try:
            denials = root_denials(policy.get("content", ""), scps.get("account_id"), scps.get("partition") or "aws",
                                   scps.get("org_id"))
        except (ValueError, TypeError, AttributeError):
            continue
        if any(d.applies_in_root_session is True and d.all_resources and denies_action(d, action) for d in denials):
            names.append(f"'{policy.get('name') or policy.get('id')}' on {policy.get('target')}")
    return names
