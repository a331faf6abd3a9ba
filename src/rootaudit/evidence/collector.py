"""Fetch each source of evidence at most once per account, concurrently, and remember failures as well as values.

On AWS every call is a round trip of tens of milliseconds, so independent sources are fetched at the same time
(Collector.prefetch) and a fetcher may run its independent calls side by side (Context.map). What a scan costs
in wall time is then the longest chain of calls that depend on each other, not the number of calls.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..config import AuditConfig
from . import clients
from .errors import SourceError, SourceFailed, classify, in_region
from .registry import SOURCES  # filled by evidence.sources, which checks/model.py imports

T = TypeVar("T")
R = TypeVar("R")

# botocore service name -> IAM action prefix, where they differ.
_IAM_PREFIX = {"cloudwatch": "cloudwatch", "logs": "logs", "events": "events"}

# Sources fetched concurrently per account; the credential report (seconds on AWS) goes first.
DEFAULT_WORKERS = 12
FIRST = ("credential_report", "caller")


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)


@dataclass
class Context:
    """How to reach one account: a session (boto3 or botocore), the home region, the audit settings."""

    session: Any
    config: AuditConfig
    region: str
    profile: str | None = None
    # The org scan sets this to an sts:AssumeRoot session (IAMAuditRootUserCredentials) for a member.
    root_session: Any = None
    retry_mode: str = "standard"  # "adaptive" in org scans: a client-side rate limiter after throttling
    workers: int = DEFAULT_WORKERS  # bound on the threads of prefetch and of each map
    # In an org scan, org/shared_reads.py's OwnedReads: what the scanning account owns and every member sees (the
    # organization trail's status and selectors) is read once per scan, by the owner. None outside an org scan.
    shared: Any = None
    calls: list[str] = field(default_factory=list)  # every action called, in order (for the notebooks and bench)
    log: list[str] = field(default_factory=list)  # the same calls as boto3 code, for the notebooks to show
    # The same lines grouped by the source that made them: sources interleave when fetched concurrently.
    source_log: dict[str, list[str]] = field(default_factory=dict)
    _clients: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    @property
    def source(self) -> str | None:
        """The source whose fetcher is running in this thread (None outside any fetcher)."""
        return getattr(self._local, "source", None)

    @source.setter
    def source(self, name: str | None) -> None:
        self._local.source = name

    def client(self, service: str, region: str | None = None, root: bool = False):
        key = (service, region or self.region, root)
        client = self._clients.get(key)
        if client is None:
            with self._lock:  # one client per service and region, however many threads ask at once
                client = self._clients.get(key)
                if client is None:
                    session = self.root_session if root else self.session
                    client = clients.create_client(session, service, key[1], self.retry_mode, self.workers)
                    self._clients[key] = client
        return client

    def call(self, service: str, operation: str, region: str | None = None, root: bool = False, **params: Any):
        action = f"{_IAM_PREFIX.get(service, service)}:{operation}"
        method = _snake(operation)
        args = ", ".join(f"{k}={v!r}" for k, v in params.items() if k not in ("Event", "logEventMessages"))
        line = f"{service}.{method}({args})" + (f"  # {region}" if region else "")
        with self._lock:
            self.calls.append(action)
            self.log.append(line)
            self.source_log.setdefault(self.source or "", []).append(line)
        try:
            response = getattr(self.client(service, region, root), method)(**params)
        except SourceFailed:  # a lazily opened session (the org scan's AssumeRoot) already said why
            raise
        except Exception as exc:  # every failure becomes a SourceError with a reason
            err = classify(exc, action, self.profile)
            raise SourceFailed(in_region(err, region) if region and region != self.region else err) from None
        response.pop("ResponseMetadata", None)
        return response

    def paginate(self, service: str, operation: str, key: str, region: str | None = None, **params: Any) -> list:
        """All items of a paginated list call (still one API, several pages)."""
        return list(self.items(service, operation, key, region, **params))

    def items(self, service: str, operation: str, key: str, region: str | None = None, **params: Any):
        """The items of a paginated list call, page by page: the next page is asked for only when needed."""
        token_in, token_out = _TOKENS.get(service, ("NextToken", "NextToken"))
        while True:
            page = self.call(service, operation, region, **params)
            yield from page.get(key, [])
            token = page.get(token_out)
            if not token or page.get("IsTruncated") is False:
                return
            params[token_in] = token

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """fn over independent items side by side (per trail, per region...); results in the items' order.

        The first failure is raised once every item has finished, as a loop would raise it. The calls made
        in the worker threads are logged under the source that asked for them.
        """
        items = list(items)
        if len(items) < 2:
            return [fn(item) for item in items]
        source = self.source

        def run(item: T) -> R:
            self.source = source
            return fn(item)

        with ThreadPoolExecutor(min(len(items), self.workers), thread_name_prefix="rootaudit-map") as pool:
            return list(pool.map(run, items))


# IAM pages with Marker/IsTruncated, CloudWatch Logs with a lower-case nextToken (botocore logs model: 50 metric
# filters a page by default); everything else used here with NextToken (tests/test_boundaries.py checks this
# against botocore's paginator models).
_TOKENS = {"iam": ("Marker", "Marker"), "logs": ("nextToken", "nextToken")}


def needed(names: Iterable[str]) -> set[str]:
    """These sources and every source they read, transitively."""
    out: set[str] = set()
    stack = list(names)
    while stack:
        name = stack.pop()
        if name not in out:
            out.add(name)
            stack.extend(SOURCES[name].depends)
    return out


def _depth(name: str) -> int:
    """Length of the longest chain of sources ending in this one: the deepest are started first."""
    return 1 + max((_depth(d) for d in SOURCES[name].depends), default=0)


class Collector:
    """Evidence for one account, each source fetched once however many threads ask for it.

    get() fetches lazily, so a narrow --checks run makes only the calls it needs; prefetch() fetches a set
    of sources concurrently first, so the evaluation that follows reads what is already there.
    """

    def __init__(self, ctx: Context, preset: dict[str, Any] | None = None):
        self.ctx = ctx
        self.values: dict[str, Any] = dict(preset or {})
        self.errors: dict[str, SourceError] = {}
        self._running: dict[str, threading.Event] = {}  # sources being fetched, set when they are done
        self._lock = threading.Lock()

    def get(self, name: str) -> Any:
        while True:
            with self._lock:
                if name in self.values:
                    return self.values[name]
                if name in self.errors:
                    raise SourceFailed(self.errors[name])
                done = self._running.get(name)
                if done is None:  # nobody is fetching it: this thread does
                    done = self._running[name] = threading.Event()
                    break
            done.wait()  # another thread is fetching it: wait for that one fetch, then read its outcome
        return self._fetch(name, done)

    def _fetch(self, name: str, done: threading.Event) -> Any:
        source = SOURCES[name]
        outer, self.ctx.source = self.ctx.source, name
        value, error, finished = None, None, False
        try:
            value = source.fetch(self.ctx, self)
            finished = True
        except SourceFailed as failed:
            error = failed.error
        except Exception as exc:  # a malformed response: still a verdict, never a crash
            error = classify(exc, source.actions[0] if source.actions else name, self.ctx.profile)
        finally:  # also on KeyboardInterrupt: then nothing is kept, and a waiting thread fetches it itself
            self.ctx.source = outer
            with self._lock:
                if error is not None:
                    self.errors[name] = error
                elif finished:
                    self.values[name] = value
                self._running.pop(name, None)
            done.set()
        if error is not None:
            raise SourceFailed(error)
        return value

    def prefetch(self, names: Iterable[str]) -> None:
        """Fetch these sources and what they read, at the same time; failures are kept for get() to raise.

        The credential report is requested first (AWS takes seconds to generate it) and polled while the
        rest runs; the longest chains start next. After a fatal failure (credentials, endpoint) nothing
        new is started.
        """
        todo = sorted(needed(names) - set(self.values) - set(self.errors),
                      key=lambda n: (n not in FIRST, -_depth(n), n))
        if not todo:
            return
        fatal = threading.Event()

        def fetch(name: str) -> None:
            if fatal.is_set():
                return
            try:
                self.get(name)
            except SourceFailed as failed:
                if failed.error.fatal:
                    fatal.set()

        if len(todo) == 1:
            fetch(todo[0])
            return
        with ThreadPoolExecutor(min(len(todo), self.ctx.workers), thread_name_prefix="rootaudit-source") as pool:
            for future in [pool.submit(fetch, name) for name in todo]:
                future.result()
