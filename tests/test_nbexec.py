"""The site's notebook cache: keyed on code cells only (as jupyter-cache keys them), so a prose edit shows on the
page without re-running the notebook, and a code edit re-runs it. Executed for real in a Jupyter kernel."""
from __future__ import annotations

import nbformat
import pytest

from handbook_site import nbexec


def _write(path, markdown: str, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("scenario = 'demo'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


@pytest.fixture
def notebooks(tmp_path, monkeypatch):
    (tmp_path / "nb").mkdir()
    monkeypatch.setattr(nbexec, "NOTEBOOKS", tmp_path / "nb")
    monkeypatch.setattr(nbexec, "EXECUTED", tmp_path / "executed")
    return tmp_path / "nb"


def test_prose_edits_keep_the_key_and_code_edits_change_it(notebooks):
    path = notebooks / "t.ipynb"
    _write(path, "# Old prose", "print(6 * 7)")
    key = nbexec.cache_key(path, "demo", {})
    _write(path, "# New prose, typo fixed", "print(6 * 7)")
    assert nbexec.cache_key(path, "demo", {}) == key
    _write(path, "# New prose, typo fixed", "print(6 * 8)")
    assert nbexec.cache_key(path, "demo", {}) != key


def test_a_prose_edit_shows_on_the_page_without_running_the_notebook_again(notebooks):
    path = notebooks / "t.ipynb"
    _write(path, "# Title\n\nOld prose.", "print(6 * 7)")
    first = nbexec.executed("t")
    mtime = first.stat().st_mtime_ns
    _write(path, "# Title\n\nNew prose.", "print(6 * 7)")
    assert nbexec.executed("t") == first and first.stat().st_mtime_ns == mtime  # no second run
    page = nbexec.merged("t")
    assert page.cells[0].source.endswith("New prose.")
    assert page.cells[-1].outputs[0]["text"].strip() == "42"
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in page.cells)
    _write(path, "# Title\n\nNew prose.", "print(6 * 8)")
    assert nbexec.merged("t").cells[-1].outputs[0]["text"].strip() == "48"  # code changed: ran again
