"""Delegated administrators, as AWS Organizations and IAM centralized root access treat them.

moto 5.2.5 keeps RegisterDelegatedAdministrator / ListDelegatedAdministrators but refuses iam.amazonaws.com
(its list of services that support delegation predates centralized root access), and answers a delegated
administrator's Organizations reads from the member's own, empty backend. AWS:

- registering an account as delegated administrator for any service gives it read-only access to the
  organization's Organizations data (ListAccounts, ListParents, ListPoliciesForTarget, DescribePolicy ...);
  https://docs.aws.amazon.com/organizations/latest/APIReference/API_RegisterDelegatedAdministrator.html
- the delegated administrator for IAM (iam.amazonaws.com) may call iam:ListOrganizationsFeatures and
  sts:AssumeRoot like the management account;
  https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
  https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html
"""
from __future__ import annotations

from typing import Any

from . import root_state as rs

IAM = "iam.amazonaws.com"


def install() -> None:
    """Let moto accept IAM as a service with trusted access and delegated administrators."""
    from moto.organizations.models import FakeDelegatedAdministrator, FakeServiceAccess

    for services in (FakeDelegatedAdministrator.SUPPORTED_SERVICES, FakeServiceAccess.TRUSTED_SERVICES):
        if IAM not in services:
            services.append(IAM)


def services_of(account_id: str) -> set[str]:
    """The service principals this member account is delegated administrator for (empty if none)."""
    context = rs.org_of(account_id)
    if context is None or context[0] != "member":
        return set()
    admin = next((a for a in getattr(context[1], "admins", []) if a.account.id == account_id), None)
    return set(admin.services) if admin is not None else set()


def acting_management(account_id: str, service: str | None = None) -> Any | None:
    """The management account's Organizations backend when `account_id` may act for it, else None.

    service None: any delegation (read-only Organizations access); otherwise that service's delegation.
    """
    context = rs.org_of(account_id)
    if context is None:
        return None
    if context[0] == "management":
        return context[1]
    delegated = services_of(account_id)
    return context[1] if (delegated if service is None else service in delegated) else None
