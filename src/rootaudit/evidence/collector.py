"""Fetch each source of evidence at most once per account, and remember failures as well as values."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config

from ..config import AuditConfig
from .errors import SourceError, SourceFailed, classify
from .sources import SOURCES

# Standard retry mode backs off on throttling: the first call and up to 5 retries, then the check reports ERROR.
RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)

# botocore service name -> IAM action prefix, where they differ.
_IAM_PREFIX = {"cloudwatch": "cloudwatch", "logs": "logs", "events": "events"}


@dataclass
class Context:
    """How to reach one account: a boto3 session, the home region, the audit settings."""

    session: boto3.Session
    config: AuditConfig
    region: str
    profile: str | None = None
    # The org scan sets this to an sts:AssumeRoot session (IAMAuditRootUserCredentials) for a member.
    root_session: boto3.Session | None = None
    calls: list[str] = field(default_factory=list)  # every action called, in order (for the notebooks and bench)
    log: list[str] = field(default_factory=list)  # the same calls as boto3 code, for the notebooks to show
    _clients: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str, region: str | None = None, root: bool = False):
        key = (service, region or self.region, root)
        with self._lock:
            if key not in self._clients:
                session = self.root_session if root else self.session
                self._clients[key] = session.client(service, region_name=key[1], config=RETRY_CONFIG)
            return self._clients[key]

    def call(self, service: str, operation: str, region: str | None = None, root: bool = False, **params: Any):
        action = f"{_IAM_PREFIX.get(service, service)}:{operation}"
        self.calls.append(action)
        args = ", ".join(f"{k}={v!r}" for k, v in params.items() if k not in ("Event", "logEventMessages"))
        self.log.append(f"{service}.{xform_name(operation)}({args})" + (f"  # {region}" if region else ""))
        try:
            response = getattr(self.client(service, region, root), xform_name(operation))(**params)
        except Exception as exc:  # every failure becomes a SourceError with a reason
            raise SourceFailed(classify(exc, action, self.profile)) from None
        response.pop("ResponseMetadata", None)
        return response

    def paginate(self, service: str, operation: str, key: str, region: str | None = None, **params: Any) -> list:
        """All items of a paginated list call (still one API, several pages)."""
        items: list = []
        token_in, token_out = _TOKENS.get(service, ("NextToken", "NextToken"))
        while True:
            page = self.call(service, operation, region, **params)
            items.extend(page.get(key, []))
            token = page.get(token_out)
            if not token or page.get("IsTruncated") is False:
                return items
            params[token_in] = token


# IAM pages with Marker/IsTruncated, CloudWatch Logs with a lower-case nextToken, everything else used here with
# NextToken (tests/test_boundaries.py checks this against botocore's paginator models).
_TOKENS = {"iam": ("Marker", "Marker"), "logs": ("nextToken", "nextToken")}


class Collector:
    """Evidence for one account, fetched lazily so a narrow --checks run makes only the calls it needs."""

    def __init__(self, ctx: Context, preset: dict[str, Any] | None = None):
        self.ctx = ctx
        self.values: dict[str, Any] = dict(preset or {})
        self.errors: dict[str, SourceError] = {}

    def get(self, name: str) -> Any:
        if name in self.values:
            return self.values[name]
        if name in self.errors:
            raise SourceFailed(self.errors[name])
        source = SOURCES[name]
        try:
            value = source.fetch(self.ctx, self)
        except SourceFailed as failed:
            self.errors[name] = failed.error
            raise
        except Exception as exc:  # a malformed response: still a verdict, never a crash
            self.errors[name] = classify(exc, source.actions[0], self.ctx.profile)
            raise SourceFailed(self.errors[name]) from None
        self.values[name] = value
        return value
