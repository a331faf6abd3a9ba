"""--format ocsf: OCSF 1.3 Detection Finding (class 2004), the format Prowler and Security Hub exchange.

Class 2004 has no compliance attribute in OCSF 1.3 (that belongs to Compliance Finding, 2003), so the CIS and
Security Hub mapping travels in `unmapped`, OCSF's place for source data without a home in the class, beside the
evidence (tests/schemas/ocsf-1.3.0-detection-finding.schema.json checks the rest).
"""
from __future__ import annotations

import json

from .. import __version__
from ..checks import BY_ID
from ..checks.model import STANDARDS

SEVERITY_ID = {"low": 2, "medium": 3, "high": 4, "critical": 5}
# OCSF compliance.status_id: 1 Pass, 2 Warning, 3 Fail, 99 Other
COMPLIANCE = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "ERROR": (99, "Other"), "MANUAL": (2, "Warning"),
              "NOT_APPLICABLE": (99, "Other")}


def _finding(report, f) -> dict:
    check = BY_ID[f.check_id]
    account = report.account_id or "unknown"
    arn = getattr(report, "caller_arn", None) or ""
    partition = arn.split(":")[1] if arn.count(":") >= 5 else "aws"  # the caller's: aws, aws-us-gov, aws-cn
    ms = int(report.generated_at.timestamp() * 1000)
    status_id, status = COMPLIANCE[f.status.value]
    requirements = [f"{STANDARDS[name]} {control}" for name, control in check.standard_refs]
    return {
        "class_uid": 2004, "class_name": "Detection Finding", "category_uid": 2, "category_name": "Findings",
        "activity_id": 1, "activity_name": "Create", "type_uid": 200401, "type_name": "Detection Finding: Create",
        "time": ms,
        "severity_id": SEVERITY_ID[f.severity], "severity": f.severity.capitalize(),
        "status_id": 1, "status": "New",
        "status_code": f.status.value, "status_detail": f.reason,
        "message": f"{check.title}: {f.reason}",
        "metadata": {
            "version": "1.3.0", "event_code": f.check_id,
            "uid": f"rootaudit-{account}-{f.check_id}-{ms}",
            "product": {"name": "rootaudit", "vendor_name": "Root-user handbook", "version": __version__},
        },
        "finding_info": {"uid": f"rootaudit-{account}-{f.check_id}", "title": check.title, "desc": check.rationale,
                         "types": ["Root user posture"], "created_time": ms},
        "cloud": {"provider": "AWS", "account": {"uid": account, "type": "AWS Account", "type_id": 10},
                  "region": "global"},
        "resources": [{"type": "AwsIamUser", "uid": f"arn:{partition}:iam::{account}:root", "name": "<root_account>",
                       "cloud_partition": partition, "region": "global"}],
        "remediation": {"desc": f"See {f.docs_url}", "references": [f.docs_url, *check.references]},
        "unmapped": {"evidence": f.evidence,
                     "compliance": {"status_id": status_id, "status": status, "requirements": requirements,
                                    "standards": sorted({r.rsplit(" ", 1)[0] for r in requirements})}},
    }


def render(reports, org: bool = False) -> str:
    return json.dumps([_finding(r, f) for r in reports for f in r.findings], indent=2, default=str) + "\n"
