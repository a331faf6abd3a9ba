"""Every output format, parsed back and compared finding by finding with the Report it was rendered from.

Each format is read the way its consumer reads it (json, xml.etree, a JSON Schema validator, a Markdown table
parser, the table's columns), never by searching for strings, so a wrong status, an empty reason, lost evidence
or a missing <failure> element fails. The reports are a real scan of the emulated account plus one synthetic
report that holds every status and the characters each format must escape.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import mistune
import pytest

import rootaudit
from rootaudit import config as config_mod
from rootaudit.checks import BY_ID, CATALOGUE
from rootaudit.checks.model import STANDARDS
from rootaudit.engine import Report, scan
from rootaudit.findings import Finding, Status
from rootaudit.report import FORMATS

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests/schemas/ocsf-1.3.0-detection-finding.schema.json").read_text())
WHEN = datetime(2026, 11, 1, 12, 30, 45, tzinfo=UTC)
TRICKY = 'a | pipe, <xml> & "quotes",\nnewline and a long tail ' + "x" * 90


def _finding(check_id, status, reason, evidence, account="123456789012"):
    check = BY_ID[check_id]
    return Finding(check_id=check_id, status=status, severity=check.severity, title=check.title, reason=reason,
                   evidence=evidence, docs_url=check.docs_url("https://handbook.example.org/"), account_id=account)


def synthetic() -> list[Report]:
    """One account with every status (and text to escape), one account that could not be scanned."""
    ids = [c.id for c in CATALOGUE]
    statuses = [Status.FAIL, Status.ERROR, Status.MANUAL, Status.NOT_APPLICABLE, Status.PASS, Status.FAIL]
    findings = [_finding(ids[i], s, f"{s.value} reason {i}: {TRICKY}", {"n": i, "nested": {"list": [i, None]}})
                for i, s in enumerate(statuses)]
    mixed = Report(account_id="123456789012", generated_at=WHEN, findings=findings,
                   caller_arn="arn:aws:iam::123456789012:root")
    lost = Report(account_id=None, generated_at=WHEN, aborted="could not reach the AWS endpoint",
                  findings=[_finding(ids[0], Status.ERROR, "could not reach the AWS endpoint", {}, account=None)])
    return [mixed, lost]


@pytest.fixture(scope="module")
def scanned(emulator):
    """A real scan of the demo account (PASS, FAIL and NOT_APPLICABLE findings with real evidence)."""
    account = emulator.load("demo")
    with account.environment():
        report = scan(session=account.session(), config=config_mod.load(ROOT / "handbook.yml"))
    emulator.reset()
    assert {f.status for f in report.findings} >= {Status.PASS, Status.FAIL, Status.NOT_APPLICABLE}
    return [report]


@pytest.fixture(params=["synthetic", "scanned"])
def reports(request):
    return synthetic() if request.param == "synthetic" else request.getfixturevalue("scanned")


def _bare(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------------------------------------------- json


def test_json_round_trips_every_finding(reports):
    data = json.loads(FORMATS["json"](reports, org=True))
    assert len(data) == len(reports)
    for report, got in zip(reports, data, strict=True):
        assert got["account_id"] == report.account_id
        assert got["generated_at"] == report.generated_at.isoformat(timespec="seconds")
        assert len(got["findings"]) == len(report.findings)
        for f, g in zip(report.findings, got["findings"], strict=True):
            assert g == {"account_id": f.account_id, "check_id": f.check_id, "status": f.status.value,
                         "severity": f.severity, "title": f.title, "reason": f.reason, "evidence": f.evidence,
                         "docs_url": f.docs_url}
    single = json.loads(FORMATS["json"](reports[:1]))
    assert single == data[0]  # one account: the object itself, not a list


# --------------------------------------------------------------------------------------------------- junit


def test_junit_has_one_element_per_verdict(reports):
    root = ET.fromstring(FORMATS["junit"](reports, org=True))
    assert root.tag == "testsuites" and root.get("name") == "rootaudit"
    suites = root.findall("testsuite")
    assert len(suites) == len(reports)
    for report, suite in zip(reports, suites, strict=True):
        account = report.account_id or "unknown"
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [f.check_id for f in report.findings]
        tally = {"failure": 0, "error": 0, "skipped": 0}
        for f, case in zip(report.findings, cases, strict=True):
            assert case.get("classname") == f"rootaudit.{account}"
            outcome = [c for c in case if c.tag in tally]
            want = {Status.FAIL: "failure", Status.ERROR: "error", Status.MANUAL: "skipped",
                    Status.NOT_APPLICABLE: "skipped", Status.PASS: None}[f.status]
            assert [c.tag for c in outcome] == ([want] if want else []), (f.check_id, f.status)
            if want:
                tally[want] += 1
                el = outcome[0]
                if want == "skipped":
                    assert el.get("message") == f"{f.status.value}: {f.reason}"
                else:
                    assert el.get("message") == f.reason and el.text == f.docs_url
                if want == "failure":
                    assert el.get("type") == f.severity
            assert case.find("system-out").text == f"{f.status.value}: {f.reason}"
        # the counts CI shows must agree with the elements, and with the report
        assert suite.get("tests") == str(len(cases))
        assert (int(suite.get("failures")), int(suite.get("errors")), int(suite.get("skipped"))) == (
            tally["failure"], tally["error"], tally["skipped"])
        counts = report.counts()
        assert tally == {"failure": counts["FAIL"], "error": counts["ERROR"],
                         "skipped": counts["MANUAL"] + counts["NOT_APPLICABLE"]}
        assert suite.get("name") == f"rootaudit.{account}"
        assert suite.get("timestamp") == report.generated_at.isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------------- ocsf

COMPLIANCE = {"PASS": (1, "Pass"), "FAIL": (3, "Fail"), "MANUAL": (2, "Warning"), "ERROR": (99, "Other"),
              "NOT_APPLICABLE": (99, "Other")}
SEVERITY = {"low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"), "critical": (5, "Critical")}


def test_ocsf_is_valid_detection_finding_and_carries_each_verdict(reports):
    events = json.loads(FORMATS["ocsf"](reports, org=True))
    findings = [(r, f) for r in reports for f in r.findings]
    assert len(events) == len(findings)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for (report, f), event in zip(findings, events, strict=True):
        errors = sorted(validator.iter_errors(event), key=str)
        assert not errors, f"{f.check_id}: {errors[0].message} at {list(errors[0].absolute_path)}"
        account = report.account_id or "unknown"
        ms = int(report.generated_at.timestamp() * 1000)
        check = BY_ID[f.check_id]
        assert (event["status_code"], event["status_detail"]) == (f.status.value, f.reason)
        assert event["message"] == f"{f.title}: {f.reason}"
        assert event["unmapped"]["evidence"] == f.evidence
        compliance = event["unmapped"]["compliance"]
        assert (compliance["status_id"], compliance["status"]) == COMPLIANCE[f.status.value], f.status
        assert (event["severity_id"], event["severity"]) == SEVERITY[f.severity]
        assert event["time"] == ms and event["finding_info"]["created_time"] == ms
        assert event["metadata"]["event_code"] == f.check_id
        assert event["finding_info"]["uid"] == f"rootaudit-{account}-{f.check_id}"
        assert event["finding_info"]["title"] == check.title
        assert event["cloud"]["account"]["uid"] == account
        assert event["resources"][0]["uid"] == f"arn:aws:iam::{account}:root"
        assert event["remediation"]["references"][0] == f.docs_url
        expected_requirements = [f"{STANDARDS[name]} {control}" for name, control in check.standard_refs]
        assert compliance["requirements"] == expected_requirements
        assert compliance["standards"] == sorted({r.rsplit(" ", 1)[0] for r in expected_requirements})
    uids = [e["metadata"]["uid"] for e in events]
    assert len(set(uids)) == len(uids)
    for (report, f), event in zip(findings, events, strict=True):
        assert event == expected_event(report, f)


def expected_event(report, f) -> dict:
    """The whole event, written out from the OCSF 1.3 class 2004 attributes it fills."""
    check, account = BY_ID[f.check_id], report.account_id or "unknown"
    ms = int(report.generated_at.timestamp() * 1000)
    requirements = [f"{STANDARDS[name]} {control}" for name, control in check.standard_refs]
    status_id, status = COMPLIANCE[f.status.value]
    return {
        "class_uid": 2004, "class_name": "Detection Finding", "category_uid": 2, "category_name": "Findings",
        "activity_id": 1, "activity_name": "Create", "type_uid": 200401, "type_name": "Detection Finding: Create",
        "time": ms, "severity_id": SEVERITY[f.severity][0], "severity": SEVERITY[f.severity][1],
        "status_id": 1, "status": "New", "status_code": f.status.value, "status_detail": f.reason,
        "message": f"{check.title}: {f.reason}",
        "metadata": {"version": "1.3.0", "event_code": f.check_id, "uid": f"rootaudit-{account}-{f.check_id}-{ms}",
                     "product": {"name": "rootaudit", "vendor_name": "Root-user handbook",
                                 "version": rootaudit.__version__}},
        "finding_info": {"uid": f"rootaudit-{account}-{f.check_id}", "title": check.title, "desc": check.rationale,
                         "types": ["Root user posture"], "created_time": ms},
        "cloud": {"provider": "AWS", "account": {"uid": account, "type": "AWS Account", "type_id": 10},
                  "region": "global"},
        "resources": [{"type": "AwsIamUser", "uid": f"arn:aws:iam::{account}:root", "name": "<root_account>",
                       "cloud_partition": "aws", "region": "global"}],
        "remediation": {"desc": f"See {f.docs_url}", "references": [f.docs_url, *check.references]},
        "unmapped": {"evidence": f.evidence, "compliance": {
            "status_id": status_id, "status": status, "requirements": requirements,
            "standards": sorted({r.rsplit(" ", 1)[0] for r in requirements})}},
    }


def test_the_ocsf_schema_rejects_what_ocsf_does_not_define():
    """The schema is strict enough to matter: the attribute this format used to emit at the top level fails."""
    event = json.loads(FORMATS["ocsf"](synthetic()))[0]
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert not list(validator.iter_errors(event))
    for broken in ({**event, "compliance": {}}, {**event, "type_uid": 200404},
                   {**event, "metadata": {**event["metadata"], "version": "1.1.0"}},
                   {k: v for k, v in event.items() if k != "finding_info"}):
        assert list(validator.iter_errors(broken))


# ------------------------------------------------------------------------------------------------ markdown


def _raw(node) -> str:
    """The text of a mistune AST node, inline HTML and escapes included, as a reader sees it."""
    if "raw" in node:
        return node["raw"]
    return "".join(_raw(child) for child in node.get("children", []))


def _md_blocks(text: str) -> list[tuple]:
    """The document as a GitHub-flavoured Markdown parser (mistune, its table plugin) reads it."""
    blocks = []
    for token in mistune.create_markdown(renderer=None, plugins=["table"])(text):
        if token["type"] == "blank_line":
            continue
        if token["type"] == "table":
            head, body = token["children"]
            header = [_raw(cell) for cell in head["children"]]
            rows = []
            for row in body["children"]:
                cells = row["children"]
                links = [c for c in cells[1]["children"] if c["type"] == "link"]
                rows.append((_raw(cells[0]), _raw(cells[1]), links[0]["attrs"]["url"] if links else None,
                             _raw(cells[2]), _raw(cells[3])))
            blocks.append(("table", header, rows))
        else:
            blocks.append((token["type"], _raw(token)))
    return blocks


def test_markdown_parses_to_one_table_per_account_matching_every_finding(reports):
    expected = []
    for r in reports:
        heading = f"Root-user audit of account {r.account_id or 'unknown'} ({r.generated_at:%Y-%m-%d %H:%M} UTC)"
        expected.append(("heading", heading))
        if r.aborted:
            expected.append(("paragraph", f"Nothing could be scanned: {r.aborted}"))
        expected.append(("table", ["Status", "Check", "Severity", "Reason"],
                         [(f.status.value, f.check_id, f.docs_url, f.severity, f.reason.replace("\n", " "))
                          for f in r.findings]))
    assert _md_blocks(FORMATS["markdown"](reports, org=True)) == expected


# --------------------------------------------------------------------------------------------------- table

ORDER = ("FAIL", "ERROR", "MANUAL", "NOT_APPLICABLE", "PASS")


def _table_rows(lines: list[str]) -> list[tuple[str, str, str, str]]:
    rows: list[list[str]] = []
    for line in lines:
        head = line.split(" ", 1)[0]
        if head in ORDER:
            status, severity, check, reason = line.split(maxsplit=3)
            rows.append([status, severity, check, reason])
        elif rows and line.startswith(" " * 20) and line.strip():
            rows[-1][3] += " " + line.strip()  # a wrapped reason continues, indented
    return [tuple(r) for r in rows]


def test_table_columns_and_summary_match_the_report(reports, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    blocks = FORMATS["table"](reports).split("\n\n")
    blocks = [b for b in blocks if b.strip()]
    assert len(blocks) == len(reports)
    for report, block in zip(reports, blocks, strict=True):
        lines = block.splitlines()
        if report.caller_arn and report.caller_arn.endswith(":root"):
            assert lines[0] == "!" * 78 and report.caller_arn in lines[1]  # the warning comes first
        rows = _table_rows(lines)
        assert [(s, sev, c) for s, sev, c, _ in rows] == [
            (f.status.value, f.severity, f.check_id) for f in report.findings]
        # textwrap breaks at spaces and after hyphens: compare the reason's text without its whitespace
        assert [_bare(r[3]) for r in rows] == [_bare(f.reason) for f in report.findings]
        summary = [line for line in lines if line.startswith("Summary: ")]
        assert len(summary) == 1
        parsed = {}
        for part in summary[0].removeprefix("Summary: ").split(", "):
            n, status = part.split(" ")
            parsed[status] = int(n)
        counts = report.counts()
        assert parsed == {s: n for s, n in counts.items() if n}
        assert list(parsed) == [s for s in ORDER if counts[s]]
        assert (f"Nothing could be scanned: {report.aborted}" in lines) == bool(report.aborted)
        # the layout: reasons start under REASON, wrapped lines are indented to it, nothing passes the width
        header = next(line for line in lines if line.startswith("STATUS"))
        column = header.index("REASON")
        check_w = max(len(f.check_id) for f in report.findings)
        assert header == f"{'STATUS':<14} {'SEVERITY':<9} {'CHECK':<{max(check_w, 5)}}  REASON"
        assert lines[lines.index(header) + 1] == "-" * 100
        body = lines[lines.index(header) + 2:lines.index(summary[0])]
        assert all(len(line) <= 100 for line in body)
        for line in body:
            if line.split(" ", 1)[0] in ORDER:
                assert line[column - 2:column] == "  " and line[column] != " "
            else:
                assert line[:column].strip() == "" and line[column] != " "


def test_table_shows_no_banner_for_an_ordinary_caller(scanned, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = FORMATS["table"](scanned)
    assert not text.startswith("!") and text.splitlines()[0].startswith(f"Account {scanned[0].account_id} via ")


@pytest.mark.parametrize("arn,banner", [
    ("arn:aws:iam::123456789012:root", True),
    ("arn:aws-us-gov:iam::123456789012:root", True),
    ("arn:aws:iam::123456789012:user/root", False),
    ("arn:aws:sts::123456789012:assumed-role/Audit/root", False),
    ("arn:aws:iam::123456789012:user/alice", False),
    ("root", False),
    (None, False),
])
def test_root_banner_only_for_the_root_arn(arn, banner):
    from rootaudit.report.table import root_banner

    text = root_banner(arn)
    assert (text is not None) == banner
    if banner:
        lines = text.splitlines()
        assert lines[0] == lines[3] == "!" * 78 and f"ROOT USER CREDENTIALS ({arn})" in lines[1]



def test_table_first_line_and_rule_width(monkeypatch, scanned):
    from rootaudit.report.table import render

    report = scanned[0]
    when = f"{report.generated_at:%Y-%m-%d %H:%M:%S}"
    for columns, rule in ((None, 120), ("50", 80), ("100", 100), ("300", 160)):  # no terminal: 120 columns
        if columns is None:  # as in CI or a pipe: no COLUMNS and no terminal to ask
            monkeypatch.delenv("COLUMNS", raising=False)
            monkeypatch.setattr("os.get_terminal_size", lambda *a: (_ for _ in ()).throw(OSError("not a tty")))
        else:
            monkeypatch.setenv("COLUMNS", columns)
        lines = render(scanned).splitlines()
        assert lines[0] == f"Account {report.account_id} via {report.endpoint}, scanned {when} UTC"
        assert lines[2] == "-" * rule
    lost = synthetic()[1]
    assert render([lost]).splitlines()[0] == f"Account unknown, scanned {lost.generated_at:%Y-%m-%d %H:%M:%S} UTC"


def test_table_of_an_empty_report_keeps_its_header(monkeypatch):
    from rootaudit.engine import Report
    from rootaudit.report.table import render

    monkeypatch.setenv("COLUMNS", "100")
    lines = render([Report(account_id="1", generated_at=WHEN, findings=[])]).splitlines()
    assert lines[1] == "STATUS         SEVERITY  CHECK  REASON"
    assert lines[3] == "Summary: "


@pytest.mark.parametrize("fmt", ["json", "ocsf"])
def test_json_formats_are_indented_by_two(fmt, scanned):
    text = FORMATS[fmt](scanned)
    assert text == json.dumps(json.loads(text), indent=2) + "\n"


@pytest.mark.parametrize("columns,reason_width", [("50", 40), ("100", None)])
def test_table_wraps_reasons_to_the_terminal_but_never_below_40(monkeypatch, scanned, columns, reason_width):
    import textwrap

    monkeypatch.setenv("COLUMNS", columns)
    report = scanned[0]
    lines = FORMATS["table"](scanned).splitlines()
    header = next(line for line in lines if line.startswith("STATUS"))
    column = header.index("REASON")
    width = reason_width or int(columns) - column
    body = lines[lines.index(header) + 2:]
    for f in report.findings:
        start = next(i for i, line in enumerate(body) if line.split()[:3] == [f.status.value, f.severity, f.check_id])
        parts = [body[start][column:]]
        for line in body[start + 1:]:
            if line.split(" ", 1)[0] in ORDER or line.startswith("Summary: ") or not line.strip():
                break
            parts.append(line[column:])
        assert parts == textwrap.wrap(f.reason, width), f.check_id


def test_table_row_with_an_empty_reason(monkeypatch):
    from rootaudit.engine import Report

    monkeypatch.setenv("COLUMNS", "100")
    finding = _finding(CATALOGUE[0].id, Status.PASS, "", {})
    lines = FORMATS["table"]([Report(account_id="1", generated_at=WHEN, findings=[finding])]).splitlines()
    assert lines[3] == f"{'PASS':<14} {finding.severity:<9} {finding.check_id}  "
