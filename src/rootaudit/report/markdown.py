"""--format markdown: a table to paste into a ticket, each check linked to its handbook entry."""
import re

# Characters Markdown would read as markup: a regex's backslashes would vanish, <addr> would turn into a link.
_MARKUP = re.compile(r"([\\`*_\[\]<>|])")


def _cell(text: str) -> str:
    return _MARKUP.sub(r"\\\1", str(text)).replace("\n", " ")


def render(reports, org: bool = False) -> str:
    out = []
    for report in reports:
        out.append(f"### Root-user audit of account {report.account_id or 'unknown'} "
                   f"({report.generated_at:%Y-%m-%d %H:%M} UTC)\n")
        if report.aborted:
            out.append(f"Nothing could be scanned: {_cell(report.aborted)}\n")
        out.append("| Status | Check | Severity | Reason |")
        out.append("|---|---|---|---|")
        for f in report.findings:
            out.append(f"| {f.status.value} | [{f.check_id}]({f.docs_url}) | {f.severity} | {_cell(f.reason)} |")
        out.append("")
    return "\n".join(out) + "\n"
