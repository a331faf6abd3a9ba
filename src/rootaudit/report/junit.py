"""--format junit: one test case per check (and account), for CI systems."""
from xml.etree import ElementTree as ET


def render(reports, org: bool = False) -> str:
    suites = ET.Element("testsuites", name="rootaudit")
    for report in reports:
        account = report.account_id or "unknown"
        counts = report.counts()
        suite = ET.SubElement(suites, "testsuite", name=f"rootaudit.{account}", tests=str(len(report.findings)),
                              failures=str(counts["FAIL"]), errors=str(counts["ERROR"]),
                              skipped=str(counts["NOT_APPLICABLE"] + counts["MANUAL"]),
                              timestamp=report.generated_at.isoformat(timespec="seconds"))
        for f in report.findings:
            case = ET.SubElement(suite, "testcase", classname=f"rootaudit.{account}", name=f.check_id)
            if f.status.value == "FAIL":
                ET.SubElement(case, "failure", message=f.reason, type=f.severity).text = f.docs_url
            elif f.status.value == "ERROR":
                ET.SubElement(case, "error", message=f.reason).text = f.docs_url
            elif f.status.value in ("NOT_APPLICABLE", "MANUAL"):
                ET.SubElement(case, "skipped", message=f"{f.status.value}: {f.reason}")
            ET.SubElement(case, "system-out").text = f"{f.status.value}: {f.reason}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
