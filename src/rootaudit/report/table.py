"""--format table: what a person reads in a terminal."""
from __future__ import annotations

import shutil
import textwrap

ORDER = ("FAIL", "ERROR", "MANUAL", "NOT_APPLICABLE", "PASS")


def root_banner(arn: str | None) -> str | None:
    """A loud warning when the caller is the root user, shown before anything else."""
    arn = arn or ""
    if arn.split(":")[-1:] == ["root"] and ":iam::" in arn:
        line = "!" * 78
        return (f"{line}\n!!  WARNING: THIS SCAN IS RUNNING WITH ROOT USER CREDENTIALS ({arn}).\n"
                f"!!  Stop using them: sign out and use an IAM role or IAM Identity Center.\n{line}")
    return None


def render(reports, org: bool = False) -> str:
    width = max(shutil.get_terminal_size((120, 20)).columns, 80)
    out = []
    for report in reports:
        banner = root_banner(report.caller_arn)
        if banner:
            out.append(banner)
        where = f" via {report.endpoint}" if report.endpoint else ""
        out.append(f"Account {report.account_id or 'unknown'}{where}, "
                   f"scanned {report.generated_at:%Y-%m-%d %H:%M:%S} UTC")
        if report.aborted:
            out.append(f"Nothing could be scanned: {report.aborted}")
        check_w = max([len(f.check_id) for f in report.findings] + [5])
        head = f"{'STATUS':<14} {'SEVERITY':<9} {'CHECK':<{check_w}}  REASON"
        out.append(head)
        out.append("-" * min(width, 160))
        indent = 14 + 1 + 9 + 1 + check_w + 2
        for f in report.findings:
            reason = textwrap.wrap(f.reason, max(width - indent, 40)) or [""]
            out.append(f"{f.status.value:<14} {f.severity:<9} {f.check_id:<{check_w}}  {reason[0]}")
            out.extend(" " * indent + line for line in reason[1:])
        counts = report.counts()
        out.append("Summary: " + ", ".join(f"{counts[s]} {s}" for s in ORDER if counts[s]))
        out.append("")
    return "\n".join(out)
