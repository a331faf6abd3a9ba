"""The registry of evidence sources: what each one is called, what it needs, and how it is fetched.

A source is registered by the module of its AWS service (evidence/sources/<service>.py) with @register.
Everything that must be known about a source lives on it: the IAM actions its fetcher may call (the
least-privilege policy and the read-only proof are built from them), the sources it reads, and which
credentials it needs. Nothing here talks to AWS.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

# fetch(ctx: collector.Context, ev: collector.Collector) -> the value the checks read. (Not typed with those
# classes: the collector imports this module, never the other way round.)
Fetch = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Source:
    name: str
    actions: tuple[str, ...]  # IAM actions its fetcher may call
    fetch: Fetch
    depends: tuple[str, ...] = ()  # other sources it reads (their actions are needed too)
    doc: str = ""  # one line, shown in notebooks and the reference
    # Readable inside an sts:AssumeRoot session limited to the IAMAuditRootUserCredentials task policy, so
    # the org scan can read it for a member that has no role it can assume.
    root_session: bool = False
    # Only the management (or a delegated administrator) account can read it; members get it preset by the org scan.
    management_only: bool = False


SOURCES: dict[str, Source] = {}


def register(name: str, actions: tuple[str, ...], *, depends: tuple[str, ...] = (), doc: str = "",
             root_session: bool = False, management_only: bool = False) -> Callable[[Fetch], Fetch]:
    """Decorator: add the decorated fetcher to SOURCES under `name`."""

    def wrap(fetch: Fetch) -> Fetch:
        if name in SOURCES:
            raise ValueError(f"evidence source {name!r} is registered twice")
        SOURCES[name] = Source(name, tuple(actions), fetch, tuple(depends), doc, root_session, management_only)
        return fetch

    return wrap


def actions_for(source_names) -> set[str]:
    """The IAM actions needed for these sources, following dependencies."""
    out: set[str] = set()
    stack = list(source_names)
    while stack:
        s = SOURCES[stack.pop()]
        out.update(s.actions)
        stack.extend(s.depends)
    return out
