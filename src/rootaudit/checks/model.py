"""The shape of a catalogue entry. Each check module defines one CHECK, and the Check refuses to exist if it is
malformed: a bad entry fails at import with a message naming the check, under `python -O` too."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..config import AuditConfig
from ..evidence import sources as _sources  # noqa: F401  (registers every source before checks name them)
from ..evidence.registry import SOURCES, actions_for
from ..findings import Status, Verdict

SEVERITIES = ("critical", "high", "medium", "low")
TOPICS = ("root-credentials", "root-activity", "monitoring-and-alerts", "contacts-and-email", "organizations")
# Standards a check can map to: the key used in `standards`, and the name OCSF reports carry. A new benchmark
# version is one line here and a key in the checks that map to it.
STANDARDS = {
    "CIS v5.0": "CIS AWS Foundations v5.0.0",
    "CIS v7.0": "CIS AWS Foundations v7.0.0",
    "Security Hub": "AWS Security Hub",
}


class CheckDefinitionError(ValueError):
    """A catalogue entry is malformed; the message names the check and the field."""


@dataclass(frozen=True)
class Check:
    id: str  # public contract: used in URLs, tickets and scripts; never rename
    title: str
    severity: str
    topic: str  # the notebook that shows it
    rationale: str  # why it matters
    decides: str  # how it decides, in a sentence or two
    statuses: dict[Status, str]  # what each status it can produce means
    sources: tuple[str, ...]  # evidence it reads (see evidence/registry.py and evidence/sources/)
    evaluate: Callable[[dict[str, Any], AuditConfig], Verdict]
    fix: str  # docs page (and anchor) of the how-to that fixes a FAIL
    standards: dict[str, str] = field(default_factory=dict)  # e.g. {"CIS v5.0": "1.4", "Security Hub": "IAM.9"}
    references: tuple[str, ...] = field(default_factory=tuple)  # AWS pages the logic rests on
    order: int = 99  # position within its topic in reports and tables

    def __post_init__(self) -> None:
        def bad(what: str) -> CheckDefinitionError:
            return CheckDefinitionError(f"check {self.id!r}: {what}")

        if not self.id or self.id != self.id.lower() or not all(part.isalnum() for part in self.id.split("-")):
            raise bad("the id must be lower-case words joined by hyphens, e.g. root-mfa-enabled")
        if self.severity not in SEVERITIES:
            raise bad(f"severity {self.severity!r} is not one of {', '.join(SEVERITIES)}")
        if self.topic not in TOPICS:
            raise bad(f"topic {self.topic!r} is not one of {', '.join(TOPICS)}")
        unknown = [s for s in self.sources if s not in SOURCES]
        if not self.sources or unknown:
            raise bad(f"unknown evidence source(s) {unknown or '(none given)'}; known: {', '.join(sorted(SOURCES))}")
        if not self.statuses or not all(isinstance(s, Status) and text for s, text in self.statuses.items()):
            raise bad("statuses must map each Status it can produce to what it means")
        if not self.fix.startswith("how-to/") or ".md" not in self.fix:
            raise bad(f"fix {self.fix!r} must be a how-to page, e.g. how-to/set-up-root-mfa.md#hardware-mfa")
        unknown_standards = [k for k in self.standards if k not in STANDARDS]
        if unknown_standards:
            raise bad(f"unknown standard(s) {unknown_standards}; known: {', '.join(STANDARDS)}")
        if not callable(self.evaluate):
            raise bad("evaluate must be a function (evidence, config) -> Verdict")
        if not all(r.startswith("https://") for r in self.references):
            raise bad("references must be https URLs of the AWS pages the logic rests on")

    @property
    def actions(self) -> list[str]:
        return sorted(actions_for(self.sources))

    @property
    def standard_refs(self) -> list[tuple[str, str]]:
        """(standard, control) pairs in the order of STANDARDS."""
        return [(name, self.standards[name]) for name in STANDARDS if name in self.standards]

    def docs_url(self, site_url: str) -> str:
        return f"{site_url.rstrip('/')}/checks/{self.id}/"
