"""Every notebook, executed in a real Jupyter kernel against the emulated account in each shipped scenario.

The kernel reaches the emulator only through the standard AWS variables (AWS_ENDPOINT_URL and credentials), as it
would a real account; the assertions read the verdict tables the notebooks display.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from expected import EXPECTED
from handbook_site.nbexec import execute
from rootaudit.checks import CATALOGUE, TOPICS

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
# A verdict row: the status badge (its text is the status), then the check id linked to its page.
ROW = re.compile(r'^\| <span class="verdict [^"]*"[^>]*>(PASS|FAIL|ERROR|NOT_APPLICABLE|MANUAL)</span> \| '
                 r"\[([a-z0-9-]+)\]\(([^)]+)\)", re.M)


def outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.append(data.get("text/markdown", "") + data.get("text/html", ""))
    return "\n".join(parts)


def verdicts(nb) -> dict[str, str]:
    return {check: status for status, check, _ in ROW.findall(outputs_text(nb))}


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
@pytest.mark.parametrize("notebook", [*TOPICS, "full-audit"])
def test_notebook_verdicts(emulator, notebook, scenario):
    account = emulator.load(scenario)
    nb = execute(NOTEBOOKS / f"{notebook}.ipynb", account.env(), {"scenario": scenario})
    first = next(o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert first["text"].startswith(f"Account {account.account_id} via {account.endpoint_url}")
    assert "EMULATED" in first["text"]
    # run as root (the neglected scenario), the notebook says so before anything else
    assert ("RUNNING WITH ROOT USER CREDENTIALS" in first["text"]) == (scenario == "neglected")
    expected = {c.id: EXPECTED[scenario][c.id] for c in CATALOGUE if notebook == "full-audit" or c.topic == notebook}
    assert verdicts(nb) == expected


def test_full_audit_shows_summary_and_chart(emulator):
    account = emulator.load("demo")
    nb = execute(NOTEBOOKS / "full-audit.ipynb", account.env())
    text = outputs_text(nb)
    assert "| Topic | PASS | FAIL |" in text
    svgs = [o for c in nb.cells for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
    assert svgs and "Findings by status" in svgs[0]["data"]["image/svg+xml"]


def test_organization_audit_notebook(emulator):
    account = emulator.load("organization")
    nb = execute(NOTEBOOKS / "organization-audit.ipynb", account.env(), {"scenario": "organization"})
    text = outputs_text(nb)
    assert "21 accounts" in text
    assert len(re.findall(r"<tr><th>\d{12}</th>", text)) == 21  # one heat-map row per account
    assert "nb-heatmap" in text and "100000000017" in text


def test_notebooks_are_committed_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: run `make strip`"


def test_every_notebook_has_a_parameters_cell_and_a_page():
    docs = NOTEBOOKS.parent / "docs" / "notebooks"
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and "profile = None" in tagged[0].source, path.name
        assert f'notebook("{path.stem}"' in (docs / f"{path.stem}.md").read_text(), path.name
