"""Collect once, evaluate purely, and turn every failure into a verdict.

scan() never raises for anything an account or the network can do: no credentials, denied or throttled
calls, an endpoint that goes away. Each becomes ERROR findings with a reason, and Report.aborted says
when nothing at all could be read (the CLI's exit code 2).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .checks import Check, select
from .config import AuditConfig
from .evidence import clients
from .evidence.collector import DEFAULT_WORKERS, Collector, Context
from .evidence.errors import SourceError, SourceFailed, classify
from .findings import Finding, Status, Verdict

DEFAULT_HANDBOOK_URL = "https://root-handbook.example.com/"
DEFAULT_REGION = "us-east-1"


@dataclass
class Report:
    account_id: str | None
    generated_at: datetime
    findings: list[Finding]
    endpoint: str | None = None
    caller_arn: str | None = None
    aborted: str | None = None  # set when nothing could be scanned
    calls: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Status}
        for f in self.findings:
            out[f.status.value] += 1
        return out

    def exit_code(self) -> int:
        """0 clean, 1 something FAILs, 3 something ERRORs and nothing FAILs, 2 nothing could be scanned."""
        if self.aborted:
            return 2
        statuses = {f.status for f in self.findings}
        if Status.FAIL in statuses:
            return 1
        return 3 if Status.ERROR in statuses else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "findings": [f.to_dict() for f in self.findings],
        }


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def evaluate_check(check: Check, evidence: dict[str, Any], config: AuditConfig) -> Verdict:
    """Run one pure evaluator; whatever it is fed, the result is a Verdict."""
    try:
        verdict = check.evaluate(evidence, config)
    except Exception as exc:  # a bug or an evidence shape nobody foresaw: say so, never crash
        return Verdict(Status.ERROR, f"could not evaluate {check.id} on this evidence ({type(exc).__name__}: {exc})")
    if not isinstance(verdict, Verdict) or not isinstance(verdict.status, Status):
        return Verdict(Status.ERROR, f"{check.id} returned no verdict")
    return verdict


def make_session(profile: str | None = None, region: str | None = None):
    """A session the usual way (SSO profiles included), as botocore (boto3's import is not needed to read an
    account); raises botocore's ProfileNotFound."""
    return clients.new_session(profile, region)


def scan(
    session: Any = None,
    config: AuditConfig | None = None,
    check_ids: list[str] | None = None,
    *,
    checks: list[Check] | None = None,
    profile: str | None = None,
    region: str | None = None,
    preset: dict[str, Any] | None = None,
    root_session: Any = None,
    retry_mode: str = "standard",
    workers: int | None = None,
    handbook_url: str | None = None,
    now: datetime | None = None,
    shared: Any = None,
) -> Report:
    config = config or AuditConfig()
    selected = checks if checks is not None else select(check_ids)
    now = now or datetime.now(timezone.utc)
    base = handbook_url or handbook_base(config)
    if session is None:
        try:
            session = make_session(profile, region)
        except Exception as exc:
            reason = classify(exc, "sts:GetCallerIdentity", profile).message
            return _aborted(selected, reason, now, base)
    region = region or clients.region_of(session) or DEFAULT_REGION
    ctx = Context(session=session, config=config, region=region, profile=profile, root_session=root_session,
                  retry_mode=retry_mode, workers=workers or DEFAULT_WORKERS, shared=shared)
    collector = Collector(ctx, preset)
    report = Report(account_id=None, generated_at=now, findings=[], calls=ctx.calls)
    try:
        report.endpoint = ctx.client("sts").meta.endpoint_url
    except Exception as exc:  # e.g. a malformed AWS_ENDPOINT_URL
        return _aborted(selected, classify(exc, "sts:GetCallerIdentity", profile).message, now, base)

    # Everything the checks need, at the same time; the caller's identity is among it and decides below
    # whether anything could be read at all.
    collector.prefetch({"caller"} | {name for check in selected for name in check.sources})
    try:
        caller = collector.get("caller")
        report.account_id, report.caller_arn = caller.get("account"), caller.get("arn")
    except SourceFailed as failed:
        if failed.error.fatal:
            aborted = _aborted(selected, failed.error.message, now, base, failed.error)
            aborted.endpoint, aborted.calls = report.endpoint, ctx.calls
            return aborted

    report.findings = evaluate_all(selected, collector, config, now, base, report.account_id)
    return report


def evaluate_all(checks: list[Check], collector: Collector, config: AuditConfig, now: datetime, base: str,
                 account_id: str | None) -> list[Finding]:
    """Collect what each check needs (each source once) and evaluate it; every failure becomes a verdict.

    Shared by scan() and the notebooks, so a notebook's verdict table is exactly what the CLI would report.
    """
    collector.prefetch({name for check in checks for name in check.sources})  # concurrently; then pure
    findings = []
    fatal: SourceError | None = None
    for check in checks:
        if fatal is not None:  # the endpoint or credentials went away mid-scan: do not wait on every call
            verdict = Verdict(Status.ERROR, fatal.message, {"failed_action": fatal.action, "kind": fatal.kind})
        else:
            try:
                evidence = {name: collector.get(name) for name in check.sources}
                evidence["now"] = now
                verdict = evaluate_check(check, evidence, config)
            except SourceFailed as failed:
                err = failed.error
                fatal = err if err.fatal else None
                verdict = Verdict(Status.ERROR, err.message, {"failed_action": err.action, "kind": err.kind})
        findings.append(_finding(check, verdict, base, account_id))
    return findings


def handbook_base(config: AuditConfig) -> str:
    """Where findings link to: org.handbook_url from handbook.yml, else the example site."""
    return config.org.get("handbook_url") or DEFAULT_HANDBOOK_URL


def error_findings(checks: list[Check], reason: str, base: str, account_id: str | None,
                   detail: dict[str, Any] | None = None) -> list[Finding]:
    """The same ERROR for every check: nothing about this account could be read."""
    return [_finding(c, Verdict(Status.ERROR, reason, detail or {}), base, account_id) for c in checks]


def _finding(check: Check, verdict: Verdict, base: str, account_id: str | None) -> Finding:
    return Finding(
        check_id=check.id, status=verdict.status, severity=check.severity, title=check.title,
        reason=verdict.reason, evidence=_jsonable(verdict.evidence), docs_url=check.docs_url(base),
        account_id=account_id,
    )


def _aborted(selected: list[Check], reason: str, now: datetime, base: str, err: SourceError | None = None) -> Report:
    detail = {"failed_action": err.action, "kind": err.kind} if err else {}
    return Report(account_id=None, generated_at=now, findings=error_findings(selected, reason, base, None, detail),
                  aborted=reason)


__all__ = ["Report", "scan", "evaluate_all", "evaluate_check", "error_findings", "handbook_base", "make_session"]
