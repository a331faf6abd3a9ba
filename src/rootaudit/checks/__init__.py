"""The catalogue: every check, defined once, in the order reports show them.

Each check lives in its own module named after its id (root-mfa-enabled -> root_mfa_enabled.py).
"""
from __future__ import annotations

from . import (
    caller_not_root,
    cloudtrail_multi_region,
    org_central_root_access,
    org_scp_denies_root,
    root_activity_alert,
    root_email_distribution_list,
    root_hardware_mfa,
    root_mfa_enabled,
    root_no_access_keys,
    root_no_signing_certificates,
    root_not_recently_used,
    root_usage_alarm,
    security_contact_registered,
)
from .model import TOPICS, Check

CATALOGUE: tuple[Check, ...] = tuple(m.CHECK for m in (
    caller_not_root, root_mfa_enabled, root_hardware_mfa, root_no_access_keys, root_no_signing_certificates,
    root_not_recently_used,
    cloudtrail_multi_region, root_usage_alarm, root_activity_alert,
    security_contact_registered, root_email_distribution_list,
    org_central_root_access, org_scp_denies_root,
))
BY_ID: dict[str, Check] = {c.id: c for c in CATALOGUE}


class UnknownCheck(ValueError):
    pass


def select(ids: list[str] | None = None, topic: str | None = None) -> list[Check]:
    """Checks by id (in catalogue order) and/or topic; unknown ids raise UnknownCheck naming them."""
    if ids:
        unknown = [i for i in ids if i not in BY_ID]
        if unknown:
            raise UnknownCheck(f"unknown check id(s): {', '.join(unknown)}; known ids: {', '.join(BY_ID)}")
    return [c for c in CATALOGUE if (not ids or c.id in ids) and (topic is None or c.topic == topic)]


__all__ = ["CATALOGUE", "BY_ID", "TOPICS", "Check", "UnknownCheck", "select"]
