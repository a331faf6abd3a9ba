"""root-not-recently-used: root's latest password or key use is older than the window."""
from datetime import datetime

from ..findings import Status, error, failed, passed
from .common import parse_time
from .model import Check

FIELDS = ("password_last_used", "access_key_1_last_used_date", "access_key_2_last_used_date")


def evaluate(ev, config):
    report = ev.get("credential_report")
    now = ev.get("now")
    if not isinstance(report, dict) or not isinstance(now, datetime):
        return error("the credential report could not be read")
    root = report.get("root")
    generated = report.get("generated_time")
    cached = f"report generated {generated}; AWS may serve a copy up to 4 hours old"
    if not isinstance(root, dict):
        return error(f"the credential report has no <root_account> row ({cached})")
    seen = {f: root.get(f, "N/A") for f in FIELDS}
    dates = {}
    for field, value in seen.items():
        try:
            dates[field] = parse_time(value)
        except (ValueError, TypeError):
            return error(f"the credential report's {field} is not a date: {value!r}", **seen)
    used = {f: d for f, d in dates.items() if d is not None}
    printed = "; ".join(f"{f} {seen[f] or 'N/A'}" for f in FIELDS)
    window = config.recent_use_days
    if not used:
        return passed(f"root's password and access keys have never been used ({printed}; {cached})",
                      generated_time=generated, **seen)
    field, latest = max(used.items(), key=lambda kv: kv[1])
    days = (now - latest).days
    evidence = dict(seen, generated_time=generated, latest_field=field, days_since_last_use=days, window_days=window)
    if days < window:
        return failed(f"root was used {days} day{'' if days == 1 else 's'} ago ({field}), "
                      f"within the {window}-day window ({printed}; {cached})",
                      **evidence)
    return passed(f"root was last used {days} days ago ({field}), outside the {window}-day window ({printed}; "
                  f"{cached})", **evidence)


CHECK = Check(
    id="root-not-recently-used",
    title="Root has not been used recently",
    severity="high",
    topic="root-activity",
    rationale="Recent root use means root is part of someone's routine, or that someone else has it. Either way, "
              "find out who and why.",
    decides="Takes the LATEST of password_last_used, access_key_1_last_used_date and access_key_2_last_used_date "
            "from the credential report's <root_account> row (N/A, no_information and not_supported mean never) "
            "and FAILs when it falls within the window (default 90 days, `audit.recent_use_days`). The report is "
            "generated with bounded polling and back-off, and its GeneratedTime is shown because AWS caches it for "
            "up to 4 hours.",
    statuses={Status.PASS: "root's latest use is older than the window, or root was never used",
              Status.FAIL: "root's password or a root key was used within the window",
              Status.ERROR: "the report was not ready in time, could not be read, or has no root row"},
    sources=("credential_report",),
    evaluate=evaluate,
    order=1,
    fix="how-to/stop-using-root.md#investigate-recent-root-use",
    standards={"CIS v5.0": "1.6", "CIS v7.0": "2.7"},
    references=("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",),
)
