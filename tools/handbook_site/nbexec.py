"""Execute notebooks once per change, against the emulated account, in a real Jupyter kernel.

An executed copy is cached under build/executed/, keyed the way jupyter-cache keys notebooks: on the code
cells and the kernel only (plus the scenario file, the parameters and the Python sources under src/), so a
prose edit never re-runs a notebook. The page is rendered from the current notebook with the cached outputs
poured into its code cells (merged()), so the edited prose shows at once.
"""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Any

import nbformat

from . import EXECUTED, NOTEBOOKS, ROOT

_lock = threading.Lock()
_emulator = None


def _source_digest() -> str:
    h = hashlib.sha256()
    for path in sorted((ROOT / "src").rglob("*")):
        if path.suffix in (".py", ".yaml", ".json"):
            h.update(path.relative_to(ROOT).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def inject_parameters(nb, params: dict[str, Any]):
    """Insert papermill-style `injected-parameters` cell after the cell tagged `parameters`."""
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in params.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1)
    nb.cells.insert(index + 1, cell)
    return nb


def execute(path: Path, env: dict[str, str], params: dict[str, Any] | None = None, timeout: int = 120):
    """Run a notebook in a fresh kernel with this environment; raises CellExecutionError on a failing cell."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if params:
        inject_parameters(nb, params)
    kernel_env = {**os.environ, **env, "AWS_EC2_METADATA_DISABLED": "true", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=kernel_env)
    return nb


def emulator():
    """One emulated account for the whole build process."""
    global _emulator
    if _emulator is None:
        from rootaudit_emulator import Emulator

        _emulator = Emulator()
        _emulator.start()
    return _emulator


def _code_digest(path: Path) -> bytes:
    """What decides a notebook's outputs: its code cells in order and its kernel, never its Markdown."""
    nb = nbformat.read(path, as_version=4)
    kernel = nb.metadata.get("kernelspec", {}).get("name", "")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    return repr((kernel, code)).encode()


def cache_key(path: Path, scenario: str, params: dict[str, Any]) -> str:
    from rootaudit_emulator import scenario_path

    h = hashlib.sha256(_code_digest(path))
    h.update(scenario_path(scenario).read_bytes())
    h.update(repr(sorted(params.items())).encode())
    h.update(_source_digest().encode())
    return h.hexdigest()[:16]


def executed(name: str, scenario: str = "demo", params: dict[str, Any] | None = None) -> Path:
    """Path of the executed copy of notebooks/<name>.ipynb, running it first if the cache is stale."""
    path = NOTEBOOKS / f"{name}.ipynb"
    params = {"scenario": scenario, "docs_links": "relative", **(params or {})}
    out = EXECUTED / f"{name}.{cache_key(path, scenario, params)}.ipynb"
    if out.exists():
        return out
    import fcntl

    EXECUTED.mkdir(parents=True, exist_ok=True)
    # One scenario at a time in this process's emulator, and one execution of a notebook across processes
    # (parallel test workers, a serve and a build): whoever waits finds the executed copy and reuses it.
    with _lock, open(EXECUTED / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if out.exists():
            return out
        account = emulator().load(scenario)
        nb = execute(path, account.env(), params)
        for stale in EXECUTED.glob(f"{name}.*.ipynb"):
            stale.unlink()
        tmp = out.with_suffix(".tmp")
        nbformat.write(nb, tmp)
        tmp.replace(out)  # atomic, so parallel test workers never read half a file
    return out


def merged(name: str, scenario: str = "demo", params: dict[str, Any] | None = None):
    """The current notebook with the executed copy's outputs poured into its code cells, in order.

    The cache key covers the code cells, so the code cells of both match one for one; Markdown comes from the
    current file. The injected-parameters cell of the executed copy is kept, so the page shows what ran.
    """
    done = nbformat.read(executed(name, scenario, params), as_version=4)
    current = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    ran = iter(c for c in done.cells
               if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", []))
    injected = [c for c in done.cells if "injected-parameters" in c.metadata.get("tags", [])]
    cells = []
    for cell in current.cells:
        if cell.cell_type == "code":
            source = next(ran)
            cell.outputs, cell.execution_count = source.get("outputs", []), source.get("execution_count")
        cells.append(cell)
        if "parameters" in cell.metadata.get("tags", []):
            cells.extend(injected)
    current.cells = cells
    return current
