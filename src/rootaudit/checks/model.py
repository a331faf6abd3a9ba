"""The shape of a catalogue entry. Each check module defines one CHECK."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..config import AuditConfig
from ..evidence import sources as _sources  # noqa: F401  (registers every source before checks name them)
from ..evidence.registry import SOURCES, actions_for
from ..findings import Status, Verdict

SEVERITIES = ("critical", "high", "medium", "low")
TOPICS = ("root-credentials", "root-activity", "monitoring-and-alerts", "contacts-and-email", "organizations")


@dataclass(frozen=True)
class Check:
    id: str  # public contract: used in URLs, tickets and scripts; never rename
    title: str
    severity: str
    topic: str  # the notebook that shows it
    rationale: str  # why it matters
    decides: str  # how it decides, in a sentence or two
    statuses: dict[Status, str]  # what each status it can produce means
    sources: tuple[str, ...]  # evidence it reads (see evidence/sources.py)
    evaluate: Callable[[dict[str, Any], AuditConfig], Verdict]
    fix: str  # docs page (and anchor) of the how-to that fixes a FAIL
    cis_v5: str | None = None
    cis_v7: str | None = None
    security_hub: str | None = None
    references: tuple[str, ...] = field(default_factory=tuple)  # AWS pages the logic rests on

    def __post_init__(self) -> None:
        assert self.severity in SEVERITIES, self.id
        assert self.topic in TOPICS, self.id
        assert all(s in SOURCES for s in self.sources), self.id

    @property
    def anchor(self) -> str:
        return self.id

    @property
    def actions(self) -> list[str]:
        return sorted(actions_for(self.sources))

    def docs_url(self, site_url: str) -> str:
        return f"{site_url.rstrip('/')}/reference/checks/#{self.id}"
