"""What the notebooks call: connect to an account (or the embedded emulated one), collect evidence in
visible steps, and show verdicts. It drives the same collector and evaluators as the CLI.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from . import config as config_mod
from .checks import BY_ID, select
from .engine import DEFAULT_REGION, Report, evaluate_all, handbook_base
from .evidence.collector import Collector, Context
from .evidence.errors import SourceFailed
from .evidence.sources import SOURCES, actions_for
from .findings import Status
from .report.table import root_banner

try:  # rich output inside Jupyter; plain text elsewhere
    from IPython.display import HTML, SVG, Markdown, display
except ImportError:  # pragma: no cover - the CLI does not need IPython
    HTML = SVG = Markdown = None

    def display(obj):  # type: ignore[no-redef]
        print(obj)

_emulators: dict = {}  # one embedded emulator per kernel


def _has_credentials(session) -> bool:
    try:
        return session.get_credentials() is not None
    except Exception:  # an expired SSO token etc.: the scan will report it as a verdict
        return True


def _embedded_session(scenario: str):
    """Start the emulated account in this kernel and point the standard AWS variables at it."""
    from .sandbox import emulator_class

    emu = _emulators.get("emulator")
    if emu is None:
        emu = _emulators["emulator"] = emulator_class()()
        emu.start()
    account = emu.load(scenario)
    os.environ.update(account.env())  # the only way the product reaches the emulator: AWS_ENDPOINT_URL
    return account.session(), f"emulated account, scenario '{scenario}'"


@dataclass
class Audit:
    session: Any
    config: config_mod.AuditConfig
    region: str
    label: str
    links: str = "absolute"  # "relative" inside the handbook, so the strict build checks every link
    ctx: Context = field(init=False)
    collector: Collector = field(init=False)

    def __post_init__(self):
        self.ctx = Context(session=self.session, config=self.config, region=self.region)
        self.collector = Collector(self.ctx)

    @property
    def endpoint(self) -> str:
        return self.ctx.client("sts").meta.endpoint_url

    def introduce(self) -> dict:
        """The first output of every notebook: which account, through which endpoint."""
        try:
            caller = self.collector.get("caller")
        except SourceFailed as failed:
            print(f"Could not identify the account at {self.endpoint}: {failed.error.message}")
            return {}
        host = self.endpoint.split("//", 1)[-1].split(":")[0].split("/")[0]
        where = " (an EMULATED account on this machine, not AWS)" if host in ("127.0.0.1", "localhost", "::1") else ""
        print(f"Account {caller['account']} via {self.endpoint}{where} ({self.label})\nCaller: {caller['arn']}")
        banner = root_banner(caller["arn"])
        if banner:
            print(banner)
        return caller

    def collect(self, source: str, show: bool = True) -> Any:
        """Fetch one source of evidence (its boto3 calls are listed as they are made) and show it.

        The caption comes from the source's registry entry, so the notebook never restates what it reads.
        """
        if show:
            print(source_caption(source))
        before = set(self.ctx.source_log)
        try:
            value = self.collector.get(source)
        except SourceFailed as failed:
            print(f"{source}: ERROR: {failed.error.message}")
            return None
        # The calls of this source and of any source it read for the first time, each under its own source
        # (fetchers may run their calls in several threads, so the global log interleaves).
        made = [line for name, lines in self.ctx.source_log.items() if name not in before for line in lines]
        if show:
            print("\n".join(made) if made else "(no new API call: already collected)")
            _show_json(value)
        return value

    def verdicts(self, topic: str | None = None, checks: list[str] | None = None, show: bool = True) -> Report:
        """Evaluate checks over the evidence collected so far (collecting whatever is still missing)."""
        from datetime import datetime, timezone

        now = datetime.now(timezone.utc)
        account = (self.collector.values.get("caller") or {}).get("account")
        report = Report(account_id=account, generated_at=now, endpoint=self.endpoint, calls=self.ctx.calls,
                        findings=evaluate_all(select(checks, topic), self.collector, self.config, now,
                                              handbook_base(self.config), account))
        if show:
            display_table(report, self.links)
        return report


def connect(profile: str | None = None, region: str | None = None, scenario: str = "demo",
            config_file: str | None = None, links: str = "absolute") -> Audit:
    """A real account when a profile or credentials are available, else the embedded emulated account."""
    import boto3

    cfg = config_mod.load(config_file or config_mod.default_path())
    session = boto3.Session(profile_name=profile, region_name=region)
    if profile or _has_credentials(session):
        label = f"profile {profile}" if profile else "credentials from the environment"
        if os.environ.get("AWS_ENDPOINT_URL"):
            label += f", AWS_ENDPOINT_URL={os.environ['AWS_ENDPOINT_URL']}"
    else:
        session, label = _embedded_session(scenario)
    audit = Audit(session=session, config=cfg, region=region or session.region_name or DEFAULT_REGION,
                  label=label, links=links)
    audit.introduce()
    return audit


def check_link(finding, links: str) -> str:
    """Relative inside the handbook (notebook pages live at docs/notebooks/), so the strict build checks it."""
    return f"../checks/{finding.check_id}.md" if links == "relative" else finding.docs_url


def markdown_table(report: Report, links: str = "absolute") -> str:
    rows = ["| Status | Check | Severity | Reason |", "|---|---|---|---|"]
    for f in report.findings:
        reason = f.reason.replace("|", "\\|")
        link = check_link(f, links)
        rows.append(f"| {status_badge(f.status)} | [{f.check_id}]({link}) | {f.severity} | "
                    f"{reason} |")
    return "\n".join(rows)


def display_table(report: Report, links: str = "absolute") -> None:
    text = markdown_table(report, links)
    display(Markdown(text) if Markdown else text)


def _show_json(value: Any) -> None:
    text = json.dumps(value, indent=2, default=str)
    display(Markdown(f"```json\n{text}\n```") if Markdown else text)


def source_caption(name: str) -> str:
    """One line about an evidence source: what it holds and the IAM actions it may call."""
    src = SOURCES[name]
    actions = ", ".join(sorted(actions_for([name]))) or "no API call of its own"
    where = "; only the management account can read it, and an org scan reads it there for each member" \
        if src.management_only else ""
    return f"# {name}: {src.doc} (IAM: {actions}{where})"


def topic_summary(report: Report):
    """The full audit's summary: a row per topic, a column per status (every status, in Status order)."""
    names = [s.value for s in Status]
    rows = ["| Topic | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for topic, counts in summary_counts(report).items():
        rows.append(f"| {topic} | " + " | ".join(str(counts[n]) for n in names) + " |")
    text = "\n".join(rows)
    return Markdown(text) if Markdown else text


def summary_counts(report: Report) -> dict[str, dict[str, int]]:
    """Counts of each status per topic, for the full-audit summary."""
    out: dict[str, dict[str, int]] = {}
    for f in report.findings:
        topic = BY_ID[f.check_id].topic
        out.setdefault(topic, {s.value: 0 for s in Status})[f.status.value] += 1
    return out


COLORS = {"PASS": "#2e7d32", "FAIL": "#c62828", "ERROR": "#b45309", "NOT_APPLICABLE": "#616161", "MANUAL": "#1565c0"}


def status_badge(status) -> str:
    """A status as a badge that carries its name as well as its colour (never colour alone). The class styles it
    in the handbook (docs/assets/handbook.css); the inline colours style it in Jupyter, which has no such CSS."""
    value = getattr(status, "value", status)
    return (f'<span class="verdict verdict--{value.lower().replace("_", "-")}" style="background:{COLORS[value]};'
            f'color:#fff;padding:0 .4em;border-radius:.2em;font-weight:700">{value}</span>')


def status_chart(report: Report) -> str:
    """A small horizontal bar chart of the statuses, as SVG (no plotting library needed)."""
    counts = report.counts()
    bars = [(s, n) for s, n in counts.items() if n]
    top = max([n for _, n in bars] + [1])
    height = 28 * len(bars) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{height}" role="img" '
             f'aria-label="Findings by status">']
    for i, (status, n) in enumerate(bars):
        y = 5 + i * 28
        width = int(340 * n / top)
        parts.append(f'<text x="0" y="{y + 16}" font-family="sans-serif" font-size="13" fill="currentColor">'
                     f'{status}</text>')
        parts.append(f'<rect x="130" y="{y}" width="{width}" height="20" fill="{COLORS[status]}"><title>{status}: '
                     f'{n}</title></rect>')
        parts.append(f'<text x="{136 + width}" y="{y + 16}" font-family="sans-serif" font-size="13" '
                     f'fill="currentColor">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def show_chart(report: Report) -> None:
    svg = status_chart(report)
    display(SVG(svg) if SVG else svg)


# --- organization audit -------------------------------------------------------------------------------

SEVERITY_WEIGHT = {"critical": 8, "high": 4, "medium": 2, "low": 1}
ABBREV = {"PASS": "✓", "FAIL": "✗", "ERROR": "!", "NOT_APPLICABLE": "–", "MANUAL": "?"}


def account_score(report: Report) -> int:
    """Higher is worse: failures weighted by severity, errors counted as unknown risk."""
    return sum(SEVERITY_WEIGHT[f.severity] * (2 if f.status is Status.FAIL else 1)
               for f in report.findings if f.status in (Status.FAIL, Status.ERROR))


def worst_first(reports: list[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (-account_score(r), r.account_id or ""))


def heatmap_html(reports: list[Report]) -> str:
    """Accounts (rows, worst first) by checks (columns), each cell coloured by status."""
    if not reports:
        return "<p>No accounts.</p>"
    ids = [f.check_id for f in reports[0].findings]
    head = "".join(f'<th title="{c}"><span class="nb-vertical">{c}</span></th>' for c in ids)
    rows = []
    for r in worst_first(reports):
        cells = []
        by_id = {f.check_id: f for f in r.findings}
        for c in ids:
            f = by_id.get(c)
            status = f.status.value if f else "ERROR"
            reason = (f.reason if f else "no finding").replace('"', "'")
            reason = reason if len(reason) <= 60 else reason[:57] + "..."  # full reasons are in the reports
            cells.append(f'<td style="background:{COLORS[status]};color:#fff;text-align:center" '
                         f'title="{c}: {status}: {reason}">{ABBREV[status]}</td>')
        rows.append(f"<tr><th>{r.account_id}</th><td>{account_score(r)}</td>{''.join(cells)}</tr>")
    legend = " ".join(f'<span style="background:{COLORS[s]};color:#fff;padding:0 .4em">{ABBREV[s]} {s}</span>'
                      for s in COLORS)
    return (f'<p>{legend}</p><table class="nb-heatmap"><thead><tr><th>Account</th><th>Score</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def org_progress(total_hint: str = "accounts"):
    """A callback for scan_organization that shows progress in the notebook (plain text elsewhere)."""
    state = {"done": 0}
    handle = display(Markdown(f"Scanning {total_hint}…"), display_id=True) if Markdown else None

    def on_account(report: Report) -> None:
        state["done"] += 1
        text = f"Scanned {state['done']} {total_hint} (last: {report.account_id})"
        if handle is not None:
            handle.update(Markdown(text))
    return on_account
