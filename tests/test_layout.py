"""The house rules of the code base, checked: three parts (audit, emulator, site tooling) with one-way imports,
no import cycle, a wheel that carries the audit and the emulator but not the site tooling, and a CLI whose import
pulls in neither moto, Flask, nbformat nor IPython."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _module_imports() -> dict[str, set[str]]:
    """module -> the modules it imports (absolute names, relative imports resolved), for every file under src/."""
    graph: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        name = ".".join(parts)
        package = parts if is_pkg else parts[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - node.level + 1] if node.level else []
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
                for alias in node.names:  # `from . import x` imports the submodule x when there is one
                    deps.add(f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module)
        graph[name] = deps
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def test_src_has_no_import_cycle():
    graph = _module_imports()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycle = path[path.index(dep):] + [dep]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if dep not in state:
                visit(dep)
        path.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)


def test_a_package_importing_its_own_submodules_is_not_mistaken_for_a_cycle():
    graph = _module_imports()
    assert "rootaudit.evidence.sources.iam" in graph["rootaudit.evidence.sources"]
    assert "rootaudit.evidence.sources" not in graph["rootaudit.evidence.sources.iam"]


def test_the_audit_never_imports_the_emulator_or_the_site_tooling():
    offenders = []
    for path in (SRC / "rootaudit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                          if n.split(".")[0] in ("rootaudit_emulator", "handbook_site", "moto", "flask")]
    assert not offenders, offenders


def test_the_emulator_does_not_reach_into_the_audit():
    for path in (SRC / "rootaudit_emulator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert ("import rootaudit\n" not in text and "from rootaudit." not in text
                and "from rootaudit " not in text), path


def test_evidence_modules_never_import_upward():
    """evidence/ is below checks/, engine and the CLI: it may import config and itself, nothing above."""
    allowed = ("rootaudit.evidence", "rootaudit.config")
    for module, deps in _module_imports().items():
        if module.startswith("rootaudit.evidence"):
            upward = [d for d in deps if d.startswith("rootaudit") and not d.startswith(allowed) and d != "rootaudit"]
            assert not upward, f"{module} imports {upward}"


@pytest.fixture(scope="module")
def plain_install(tmp_path_factory):
    """`pip install .` without extras, into a folder of its own (no build isolation: nothing is downloaded)."""
    target = tmp_path_factory.mktemp("wheel-install")
    work = tmp_path_factory.mktemp("build-copy")
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(work / "repo")], check=True)
    # The committed tree, plus this checkout's uncommitted src (so the test checks what is being changed).
    subprocess.run(["cp", "-r", str(SRC), str(work / "repo")], check=True)
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                             "--disable-pip-version-check", "--target", str(target), str(work / "repo")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return target


def test_the_wheel_ships_the_audit_and_the_emulator_but_not_the_site_tooling(plain_install):
    names = {p.relative_to(plain_install).as_posix() for p in plain_install.rglob("*") if p.is_file()}
    assert "rootaudit/cli.py" in names
    assert "rootaudit_emulator/scenarios/demo.yaml" in names
    assert "rootaudit/alerts/root-activity-alerts.yaml" in names
    assert not any(n.startswith(("handbook_site/", "tools/", "tests/")) for n in names)
    entry_points = next(plain_install.glob("rootaudit-*.dist-info/entry_points.txt")).read_text()
    assert "[rootaudit.sandbox]" in entry_points and "rootaudit_emulator:Emulator" in entry_points


def test_importing_the_cli_pulls_in_no_emulator_site_or_notebook_code(plain_install):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(plain_install)}
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", "import rootaudit.cli, rootaudit.engine"],
                            env=env, capture_output=True, text=True, cwd=plain_install, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
    assert "rootaudit" in imported  # the measurement itself works
    assert not imported & {"moto", "flask", "werkzeug", "nbformat", "IPython", "rootaudit_emulator",
                           "handbook_site", "mkdocs"}
