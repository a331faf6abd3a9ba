"""`rootaudit scan --org`: every account of an organization, concurrently, each isolated from the others.

From the management (or a delegated-administrator) account: list the accounts once, read each member's
SCP chain and root email from Organizations (shared caches, so each OU and policy is read once per
organization), then scan each member through an assumable role. The management account is the one
DescribeOrganization names (MasterAccountId), not necessarily the caller; SCPs are never judged for it.
Root facts are read through the role; where centralized root access is on, an sts:AssumeRoot session
limited to the read-only IAMAuditRootUserCredentials task policy is opened only when the role cannot
read them (or does not exist), so even a member without the role gets its root checks. Members that
are not ACTIVE are NOT_APPLICABLE; a member that cannot be audited yields ERROR findings for that
account; the scan goes on.
"""
from __future__ import annotations

import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any, Callable

from ..checks import select
from ..config import AuditConfig
from ..engine import (
    DEFAULT_REGION,
    Report,
    _aborted,
    _finding,
    error_findings,
    evaluate_check,
    handbook_base,
    make_session,
    scan,
)
from ..evidence import clients
from ..evidence.collector import DEFAULT_WORKERS, Collector, Context
from ..evidence.errors import SourceFailed, classify
from ..evidence.sources import SOURCES
from ..evidence.sources.sts import caller_record
from ..findings import Status, Verdict
from .member_access import NOT_AUDITABLE, LazyRootSession, account_state, root_session_blockers
from .org_map import read_org_map
from .rcps import seed_organization_authorization, signin_rcps
from .scps import Once, member_scps
from .shared_reads import OwnedReads

# What the audit task policy lets a root session read: a fact of each source (Source.root_session).
ROOT_SESSION_SOURCES = {name for name, source in SOURCES.items() if source.root_session}


def _session_from(creds: dict, region: str, base: Any) -> clients.AccountSession:
    """A member's temporary credentials, read through clients shared by every member of this scan.

    A client per service per member would cost milliseconds of CPU each and a new connection for nearly
    every call; shared clients sign each call with the member's credentials. Nothing of a member is kept
    once its scan is done.
    """
    return clients.account_session(creds, region, base)


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
                self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] "
                                  f"{self.done}/{self.total} accounts {label:<14}")
                self.stream.flush()
                if self.done == self.total:
                    self.stream.write("\n")


def same_findings(checks, status: Status, reason: str, base: str, account_id: str | None) -> list:
    """The same verdict for every check (an account that is not there to audit)."""
    return [_finding(c, Verdict(status, reason), base, account_id) for c in checks]


def _member_report(mgmt: Context, account: dict, org: dict, partition: str, config: AuditConfig, checks,
                   role_name: str, root_sessions: bool, scp_cache: Once, now: datetime, base: str,
                   org_features: dict | None = None, owned: OwnedReads | None = None) -> Report:
    account_id = account["Id"]
    region = mgmt.region
    state = account_state(account)
    if state != "ACTIVE":
        # Not ERROR: AWS refuses access to such an account, and an ERROR would keep the exit code at 3 for the
        # 90 days a closed account stays listed, with nothing anyone could do about it.
        why = NOT_AUDITABLE.get(state)
        status = Status.NOT_APPLICABLE if why else Status.ERROR
        why = why or f"is in Organizations state {state}, which this version of rootaudit does not know: not audited"
        return Report(account_id=account_id, generated_at=now,
                      findings=same_findings(checks, status, f"account {account_id} {why}", base, account_id))

    is_management = account_id == org.get("master_account_id")  # scanned from a delegated administrator
    preset = {
        "organization": org,
        # An organization-level feature: the management report shows it (and the real management account, when
        # a delegated administrator scans, gets the organization's answer).
        "org_features": org_features if is_management and org_features else {"status": "not-management"},
        "root_email": {"email": account.get("Email"), "role": "management" if is_management else "member",
                       "from": "organizations:ListAccounts"},
    }
    if is_management:
        preset["scps"] = {"status": "management"}  # SCPs never apply to the management account
    else:
        try:
            preset["scps"] = member_scps(mgmt, account_id, scp_cache, partition, org)
        except SourceFailed as failed:
            if failed.error.fatal:
                raise
            preset["scps"] = {"status": "error", "reason": failed.error.message}
        if any("signin_rcps" in c.sources for c in checks):  # only when a selected check reads them
            preset["signin_rcps"] = signin_rcps(mgmt, account_id, org.get("id"), scp_cache)

    # AssumeRoot targets member accounts only; it is opened only if the role cannot read root's facts.
    root_session = (LazyRootSession(mgmt, account_id, partition, _session_from)
                    if root_sessions and not is_management else None)

    role_arn = f"arn:{partition}:iam::{account_id}:role/{role_name}"
    try:
        assumed = mgmt.call("sts", "AssumeRole", RoleArn=role_arn, RoleSessionName="rootaudit", DurationSeconds=900)
        member_session, role_error = _session_from(assumed["Credentials"], region, mgmt.session), None
        preset["caller"] = caller_from_assume_role(assumed, account_id, partition)
    except SourceFailed as failed:
        why = ("AccessDenied: the role does not exist there, or does not trust this account"
               if failed.error.kind == "AccessDenied" else failed.error.message)
        member_session, role_error = None, f"could not assume {role_arn}: {why}"

    opened = None
    if member_session is None and root_session is not None:
        try:
            opened = root_session.session()
        except SourceFailed:
            pass
    if member_session is not None:
        report = scan(session=member_session, config=config, checks=checks, preset=preset, retry_mode="adaptive",
                      root_session=root_session, region=region, handbook_url=base, now=now, shared=owned)
    elif opened is not None:
        # Only the root credential checks can run, inside the audit root session, and those the management
        # account's reads already decide (SCPs, root email); the rest say why not.
        usable = [c for c in checks if set(c.sources) <= ROOT_SESSION_SOURCES | set(preset)]
        partial = scan(session=opened, config=config, checks=usable, preset=preset, root_session=opened,
                       region=region, handbook_url=base, now=now, retry_mode="adaptive")
        blockers = root_session_blockers(preset.get("scps"))
        by_id = {f.check_id: _in_root_session(f, role_error, blockers) for f in partial.findings}
        report = Report(account_id=account_id, generated_at=now, calls=partial.calls, findings=[
            by_id.get(f.check_id, f) for f in error_findings(checks, role_error, base, account_id)])
    else:
        root_error = root_session.error.message if root_session is not None and root_session.error else None
        reason = role_error + (f"; sts:AssumeRoot also failed: {root_error}" if root_error else "")
        # What the management account read about this member (SCPs, root email) still decides those checks.
        decided = {c.id: _finding(c, evaluate_check(c, preset, config), base, account_id)
                   for c in checks if set(c.sources) <= set(preset)}
        report = Report(account_id=account_id, generated_at=now, findings=[
            decided.get(f.check_id, f) for f in error_findings(checks, reason, base, account_id)])
    report.account_id = account_id
    report.findings = [replace(f, account_id=account_id) for f in report.findings]
    return report


def caller_from_assume_role(assumed: dict, account_id: str, partition: str) -> dict:
    """What sts:GetCallerIdentity would say inside the role session, from AssumeRole's own answer: its
    AssumedRoleUser is that identity (UserId is the AssumedRoleId), so each member saves a round trip."""
    user = assumed.get("AssumedRoleUser") or {}
    return caller_record(account_id, user.get("Arn") or "", user.get("AssumedRoleId"), partition)


def _in_root_session(finding, role_error: str, blockers: list[str]):
    """An ERROR read inside the root session says that the role failed first, and which SCP blocks the session."""
    if finding.status is not Status.ERROR:
        return finding
    reason = f"{role_error}; inside the sts:AssumeRoot audit session: {finding.reason}"
    if blockers and "denied" in finding.reason:
        reason = (f"{role_error}, and the sts:AssumeRoot audit session is denied by SCP {', '.join(blockers)} "
                  "(SCPs apply inside root sessions; an aws:AssumedRoot exception would let it read)")
    return replace(finding, reason=reason)


def scan_organization(profile: str | None = None, region: str | None = None, config: AuditConfig | None = None,
                      check_ids: list[str] | None = None, role_name: str | None = None, progress: str = "auto",
                      session: Any = None, max_workers: int | None = None,
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
    region = region or clients.region_of(session) or DEFAULT_REGION
    workers = max_workers or config.org_max_workers
    # Every member thread calls STS and Organizations through these clients: adaptive retries slow them all
    # down together when AWS throttles the organization, and their connection pools fit every thread.
    mgmt = Context(session=session, config=config, region=region, profile=profile, retry_mode="adaptive",
                   workers=max(workers, DEFAULT_WORKERS))
    evidence = Collector(mgmt)
    reads_rcps = any("signin_rcps" in c.sources for c in checks)
    try:
        evidence.prefetch({"caller", "organization"})  # side by side: each is a round trip before anything else
        caller = evidence.get("caller")
        org = evidence.get("organization")
        if org is None:
            return [_aborted(checks, "this account is not in an organization: run `rootaudit scan` without --org",
                             now, base)]
        with ThreadPoolExecutor(1, thread_name_prefix="rootaudit-org") as side:
            # read while ListAccounts pages (20 accounts a page): the management report and every member's
            # preset share these
            later = side.submit(evidence.prefetch, {"org_features"} | ({"signin_rcps"} if reads_rcps else set()))
            accounts = mgmt.paginate("organizations", "ListAccounts", "Accounts")
            later.result()
        features = evidence.get("org_features")
    except SourceFailed as failed:
        return [_aborted(checks, f"cannot list the organization's accounts: {failed.error.message}", now, base,
                         failed.error)]
    # Either centralized root access feature may be what lets IAMAuditRootUserCredentials sessions open: AWS's
    # pages do not say which, so the session is attempted (lazily, only when needed) when either is on.
    root_sessions = bool({"RootSessions", "RootCredentialsManagement"} & set(features.get("enabled") or []))
    role_name = role_name or config.org_role_name

    bar = Progress(len(accounts), progress)
    scp_cache = Once()
    seed_organization_authorization(scp_cache, evidence.values.get("signin_rcps"))
    members = [a for a in accounts if a["Id"] != caller["account"]]
    if org.get("feature_set") != "CONSOLIDATED_BILLING":  # such an organization has no SCPs or RCPs to map
        # One chain per active account that is not the management account (SCPs never apply to it).
        chains = sum(1 for a in accounts if account_state(a) == "ACTIVE" and a["Id"] != org.get("master_account_id"))
        read_org_map(mgmt, scp_cache, chains,
                     ["SERVICE_CONTROL_POLICY"] + (["RESOURCE_CONTROL_POLICY"] if reads_rcps else []))
    own = dict(evidence.values)
    if org.get("master_account_id") not in (None, caller["account"]):
        # A delegated administrator (ListAccounts answered): it can read its own SCP chain, and ListAccounts
        # holds its root email.
        me = next((a for a in accounts if a.get("Id") == caller["account"]), {})
        own["root_email"] = {"email": me.get("Email"), "role": "member", "from": "organizations:ListAccounts"}
        try:
            own["scps"] = member_scps(mgmt, caller["account"], scp_cache, caller["partition"], org)
        except SourceFailed as failed:
            own["scps"] = {"status": "error", "reason": failed.error.message}
        if reads_rcps:  # its own RCPs, like any member's
            own["signin_rcps"] = signin_rcps(mgmt, caller["account"], org.get("id"), scp_cache)
    reports: list[Report] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rootaudit-account") as pool:
        # The caller's own scan runs alongside the members' rather than before them: it is one account among many.
        mine = pool.submit(scan, session=session, config=config, checks=checks, region=region, handbook_url=base,
                           now=now, preset=own)
        futures = {mine: {"Id": caller["account"]}}
        owned = OwnedReads(mgmt, caller["account"], scp_cache)  # e.g. the organization trail, read once
        futures.update({pool.submit(_member_report, mgmt, a, org, caller["partition"], config, checks, role_name,
                                    root_sessions, scp_cache, now, base, features, owned): a for a in members})
        for future in as_completed(futures):
            account = futures[future]
            try:
                report = future.result()
            except Exception as exc:  # isolation: one account's surprise never stops the others
                reason = f"could not audit {account['Id']}: {classify(exc, 'org scan').message}"
                report = Report(account_id=account["Id"], generated_at=now,
                                findings=error_findings(checks, reason, base, account["Id"]))
            if future is mine:
                own_report = report
            else:
                reports.append(report)
            bar.step(account["Id"])
            if on_account:
                on_account(report)
    # The caller's report first, then the members by account id.
    reports = [own_report, *sorted(reports, key=lambda r: r.account_id or "")]
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
