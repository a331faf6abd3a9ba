"""The result of evaluating one check against one account."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Status(str, enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"  # the check could not be decided: an API failed; the reason says which and why
    NOT_APPLICABLE = "NOT_APPLICABLE"  # the check does not apply to this account; the reason says why
    MANUAL = "MANUAL"  # the API cannot tell; the reason gives the console steps

    def __str__(self) -> str:  # so f-strings print PASS, not Status.PASS
        return self.value


@dataclass(frozen=True)
class Verdict:
    """What an evaluator returns: a status, a one-line reason and the evidence it relied on."""

    status: Status
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


def passed(reason: str, **evidence: Any) -> Verdict:
    return Verdict(Status.PASS, reason, evidence)


def failed(reason: str, **evidence: Any) -> Verdict:
    return Verdict(Status.FAIL, reason, evidence)


def not_applicable(reason: str, **evidence: Any) -> Verdict:
    return Verdict(Status.NOT_APPLICABLE, reason, evidence)


def manual(reason: str, **evidence: Any) -> Verdict:
    return Verdict(Status.MANUAL, reason, evidence)


def error(reason: str, **evidence: Any) -> Verdict:
    return Verdict(Status.ERROR, reason, evidence)


@dataclass(frozen=True)
class Finding:
    check_id: str
    status: Status
    severity: str
    title: str
    reason: str
    evidence: dict[str, Any]
    docs_url: str
    account_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "check_id": self.check_id,
            "status": self.status.value,
            "severity": self.severity,
            "title": self.title,
            "reason": self.reason,
            "evidence": self.evidence,
            "docs_url": self.docs_url,
        }
