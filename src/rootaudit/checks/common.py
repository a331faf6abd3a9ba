"""Small pure helpers shared by evaluators."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

NEVER = {"", "N/A", "no_information", "not_supported"}


def flag(summary: Any, key: str) -> int | None:
    """A 0/1 flag from GetAccountSummary, or None when absent or not a number."""
    if not isinstance(summary, dict):
        return None
    value = summary.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return 1 if value > 0 else 0


def root_credentials(summary: Any) -> dict[str, int | None]:
    return {
        "password": flag(summary, "AccountPasswordPresent"),
        "access_keys": flag(summary, "AccountAccessKeysPresent"),
        "signing_certificates": flag(summary, "AccountSigningCertificatesPresent"),
        "mfa": flag(summary, "AccountMFAEnabled"),
    }


def has_no_credentials(creds: dict[str, int | None]) -> bool:
    """True only when GetAccountSummary positively says: no password, no keys, no certificates."""
    return creds["password"] == 0 and creds["access_keys"] == 0 and creds["signing_certificates"] == 0


NO_CREDENTIALS_REASON = (
    "root has no password, no access keys and no signing certificates (as after centralized root access "
    "removed them), so nobody can sign in as root and there is nothing for MFA to protect"
)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 timestamp as an aware datetime; None for AWS's 'never' tokens. Raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and value.strip() in NEVER):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def flag_verdict(summary: Any, key: str, present: str, absent: str):
    """PASS when a GetAccountSummary flag is 0, FAIL when 1, ERROR when missing (keys, certificates)."""
    from ..findings import error, failed, passed

    value = flag(summary, key)
    if value is None:
        return error(f"iam:GetAccountSummary did not report {key}")
    return failed(present, **{key: value}) if value else passed(absent, **{key: value})
