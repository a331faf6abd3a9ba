"""Generated organizations for benchmarks: members with varied postures, built in-process."""
from __future__ import annotations

from typing import Any

from .validation import _Checker, _posture

GENERATED_POSTURES: list[tuple[str, dict[str, Any]]] = [
    ("no-root-credentials", {}),
    ("password-no-mfa", {"password": True, "password_last_used_days_ago": 30}),
    ("root-access-keys", {"password": True, "password_last_used_days_ago": 400, "mfa": ["virtual"],
                          "access_keys": [{"active": True, "last_used_days_ago": 3}]}),
    ("hardened", {"password": True, "password_last_used_days_ago": 250, "mfa": ["fido", "hardware"]}),
    ("virtual-mfa", {"password": True, "password_last_used_days_ago": None, "mfa": ["virtual"]}),
]


def generated_members(count: int, ous: list[str], start: int = 0) -> list[dict[str, Any]]:
    """Deterministic members with varied postures: ids 2000000000NN, emails alternating list/personal."""
    c = _Checker("generated")
    members = []
    for i in range(start, start + count):
        kind, posture = GENERATED_POSTURES[i % len(GENERATED_POSTURES)]
        account_id = f"{200000000000 + i:012d}"
        members.append({
            "id": account_id,
            "name": f"gen-{i:04d}-{kind}",
            "email": f"aws-root+gen-{i:04d}@example.com" if i % 3 else f"owner{i:04d}@gmail.example",
            "ou": ous[i % len(ous)] if ous else None,
            "status": "SUSPENDED" if i % 97 == 96 else "ACTIVE",
            "access_role": i % 50 != 49,
            "root": _posture(c, posture, "generated"),
            "security_contact": i % 2 == 0,
        })
    return members


def build_org(n_members: int, **overrides: Any) -> dict[str, Any]:
    """A scenario dict (for ``Emulator.load``) of the ``organization`` scenario with ``n_members`` generated members.

    Used by benchmarks (10/100/500 members); members are created in-process, so 500 load in well under a second.
    """
    org: dict[str, Any] = {"members": [], "generate_members": n_members,
                           "scps": [{"name": "DenyRootExceptAssumedRoot", "assumed_root_exception": True,
                                     "targets": ["ou:Production"]},
                                    {"name": "DenyRootStrict", "assumed_root_exception": False,
                                     "targets": ["ou:Development"]}]}
    org.update(overrides.pop("organization", {}))
    return {"name": f"org-{n_members}", "extends": "organization",
            "description": f"The organization scenario with {n_members} generated member accounts (benchmarks).",
            "organization": org, **overrides}
