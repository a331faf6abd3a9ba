"""`rootaudit scan --org`: every account of an organization, concurrently, each isolated from the others.

From the management (or delegated-administrator) account: list the accounts once, read each member's
SCP chain and root email from Organizations (shared caches, so each OU and policy is read once per
organization), then scan each member through an assumable role. Where RootSessions is enabled, each
member's root credentials are read inside an sts:AssumeRoot session limited to the read-only
IAMAuditRootUserCredentials task policy, so even a member without the role gets its root checks.
A member that cannot be audited yields ERROR findings for that account; the scan goes on.
"""
from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable

import boto3

from ..checks import select
from ..config import AuditConfig
from ..engine import (
    DEFAULT_REGION,
    Report,
    _aborted,
    error_findings,
    handbook_base,
    make_session,
    scan,
)
from ..evidence.collector import Collector, Context
from ..evidence.errors import SourceFailed, classify
from ..evidence.sources import SOURCES
from ..findings import Status
from ..policy import AUDIT_TASK_POLICY
from .scps import scp_chain

# What the audit task policy lets a root session read: a fact of each source (Source.root_session).
ROOT_SESSION_SOURCES = {name for name, source in SOURCES.items() if source.root_session}


def _session_from(creds: dict, region: str, base: boto3.Session) -> boto3.Session:
    """A session for temporary credentials that reuses the base session's loaded service models.

    Loading botocore's JSON models is the most expensive part of creating clients; sharing the loader
    keeps a 500-account scan from reloading them 500 times.
    """
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", base._session.get_component("data_loader"))
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region, botocore_session=core)


class Progress:
    """A one-line progress bar on a terminal; silent otherwise (or as --progress says)."""

    def __init__(self, total: int, mode: str = "auto", stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.enabled = mode == "always" or (mode == "auto" and getattr(stream, "isatty", lambda: False)())
        self.lock = threading.Lock()

    def step(self, label: str = "") -> None:
        with self.lock:
            self.done += 1
            if self.enabled:
                filled = int(30 * self.done / max(self.total, 1))
                self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} accounts {label:<14}")
                self.stream.flush()
                if self.done == self.total:
                    self.stream.write("\n")


def _member_report(mgmt: Context, account: dict, org: dict, partition: str, config: AuditConfig, checks,
                   role_name: str, root_sessions: bool, scp_cache: dict, scp_lock: threading.Lock, now: datetime, base: str) -> Report:
    account_id = account["Id"]
    region = mgmt.region
    if account.get("Status", "ACTIVE") != "ACTIVE":
        reason = f"account {account_id} is {account.get('Status')}: it cannot be audited"
        return Report(account_id=account_id, generated_at=now,
                      findings=error_findings(checks, reason, base, account_id))

    preset = {
        "organization": org,
        "org_features": {"status": "not-management"},  # an organization-level feature: see the management report
        "root_email": {"email": account.get("Email"), "role": "member", "from": "organizations:ListAccounts"},
    }
    try:
        with scp_lock:
            preset["scps"] = scp_chain(mgmt, account_id, scp_cache)
    except SourceFailed as failed:
        if failed.error.fatal:
            raise
        preset["scps"] = {"status": "error", "reason": failed.error.message}

    root_session, root_error = None, None
    if root_sessions:
        try:
            creds = mgmt.call("sts", "AssumeRoot", TargetPrincipal=account_id,
                              TaskPolicyArn={"arn": AUDIT_TASK_POLICY}, DurationSeconds=900)["Credentials"]
            root_session = _session_from(creds, region, mgmt.session)
        except SourceFailed as failed:
            root_error = failed.error.message

    role_arn = f"arn:{partition}:iam::{account_id}:role/{role_name}"
    try:
        creds = mgmt.call("sts", "AssumeRole", RoleArn=role_arn, RoleSessionName="rootaudit",
                          DurationSeconds=900)["Credentials"]
        member_session, role_error = _session_from(creds, region, mgmt.session), None
    except SourceFailed as failed:
        why = ("AccessDenied: the role does not exist there, or does not trust this account"
               if failed.error.kind == "AccessDenied" else failed.error.message)
        member_session, role_error = None, f"could not assume {role_arn}: {why}"

    if member_session is not None:
        report = scan(session=member_session, config=config, checks=checks, preset=preset,
                      root_session=root_session, region=region, handbook_url=base, now=now)
    elif root_session is not None:
        # Only the root credential checks can run, inside the audit root session; the rest say why not.
        usable = [c for c in checks if set(c.sources) <= ROOT_SESSION_SOURCES]
        partial = scan(session=root_session, config=config, checks=usable, preset=preset, root_session=root_session,
                       region=region, handbook_url=base, now=now)
        by_id = {f.check_id: f for f in partial.findings}
        report = Report(account_id=account_id, generated_at=now, calls=partial.calls, findings=[
            by_id.get(f.check_id, f) for f in error_findings(checks, role_error, base, account_id)])
    else:
        reason = role_error + (f"; sts:AssumeRoot also failed: {root_error}" if root_error else "")
        report = Report(account_id=account_id, generated_at=now,
                        findings=error_findings(checks, reason, base, account_id))
    report.account_id = account_id
    report.findings = [replace(f, account_id=account_id) for f in report.findings]
    return report


def scan_organization(profile: str | None = None, region: str | None = None, config: AuditConfig | None = None,
                      check_ids: list[str] | None = None, role_name: str | None = None, progress: str = "auto",
                      session: boto3.Session | None = None, max_workers: int | None = None,
                      on_account: Callable[[Report], None] | None = None) -> list[Report]:
    """Reports for the management account first, then every member, sorted by account id."""
    config = config or AuditConfig()
    checks = select(check_ids)
    now = datetime.now(timezone.utc)
    base = handbook_base(config)
    started = time.monotonic()
    try:
        session = session or make_session(profile, region)
    except Exception as exc:
        return [_aborted(checks, classify(exc, "sts:GetCallerIdentity", profile).message, now, base)]
    region = region or session.region_name or DEFAULT_REGION
    mgmt = Context(session=session, config=config, region=region, profile=profile)
    evidence = Collector(mgmt)
    try:
        caller = evidence.get("caller")
        org = evidence.get("organization")
        if org is None:
            return [_aborted(checks, "this account is not in an organization: run `rootaudit scan` without --org",
                             now, base)]
        accounts = mgmt.paginate("organizations", "ListAccounts", "Accounts")
        features = evidence.get("org_features")
    except SourceFailed as failed:
        return [_aborted(checks, f"cannot list the organization's accounts: {failed.error.message}", now, base,
                         failed.error)]
    root_sessions = "RootSessions" in (features.get("enabled") or [])
    role_name = role_name or config.org_role_name

    bar = Progress(len(accounts), progress)
    management = scan(session=session, config=config, checks=checks, region=region, handbook_url=base, now=now,
                      preset=dict(evidence.values))
    bar.step(caller["account"])
    if on_account:
        on_account(management)
    members = [a for a in accounts if a["Id"] != caller["account"]]
    scp_cache: dict = {}
    scp_lock = threading.Lock()
    reports = [management]
    with ThreadPoolExecutor(max_workers=max_workers or config.org_max_workers) as pool:
        futures = {pool.submit(_member_report, mgmt, a, org, caller["partition"], config, checks, role_name, root_sessions, scp_cache,
                               scp_lock, now, base): a for a in members}
        for future in as_completed(futures):
            account = futures[future]
            try:
                report = future.result()
            except Exception as exc:  # isolation: one account's surprise never stops the others
                reason = f"could not audit {account['Id']}: {classify(exc, 'org scan').message}"
                report = Report(account_id=account["Id"], generated_at=now,
                                findings=error_findings(checks, reason, base, account["Id"]))
            reports.append(report)
            bar.step(account["Id"])
            if on_account:
                on_account(report)
    reports[1:] = sorted(reports[1:], key=lambda r: r.account_id or "")
    if progress != "never":
        _print_summary(reports, time.monotonic() - started)
    return reports


def _print_summary(reports: list[Report], seconds: float, stream=sys.stderr) -> None:
    totals = {s.value: 0 for s in Status}
    unreachable = 0
    for r in reports:
        for k, v in r.counts().items():
            totals[k] += v
        if r.findings and all(f.status is Status.ERROR for f in r.findings):
            unreachable += 1
    parts = ", ".join(f"{v} {k}" for k, v in totals.items() if v)
    print(f"Scanned {len(reports)} accounts in {seconds:.1f} s: {parts}; {unreachable} account(s) could not be "
          "audited at all", file=stream)
