"""One case per status branch, not one per status: every place an evaluator returns a verdict is reached by a case.

Counting (check, status) pairs lets one FAIL case stand for every FAIL branch of a check, so a whole branch can
go untested. Here the cases of tests/test_evaluators.py and tests/test_mutation_survivors.py are run under a
tracer that records which `return` produced each verdict, and every verdict-returning `return` in
src/rootaudit/checks/ (each status of a conditional one) must be reached, with the case's expected status.
"""
from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

from evidence_builders import NOW
from rootaudit import checks
from rootaudit.checks import BY_ID, CATALOGUE, common
from rootaudit.findings import Status, Verdict
from test_evaluators import CASES, CFG
from test_mutation_survivors import EXTRA_CASES

HELPERS = {"passed": Status.PASS, "failed": Status.FAIL, "error": Status.ERROR, "manual": Status.MANUAL,
           "not_applicable": Status.NOT_APPLICABLE}
CHECKS_DIR = Path(checks.__file__).resolve().parent


def _statuses(node: ast.AST) -> set[Status]:
    """The statuses a returned expression can produce: a helper call, or a conditional between two of them."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in HELPERS:
        return {HELPERS[node.func.id]}
    if isinstance(node, ast.IfExp):
        return _statuses(node.body) | _statuses(node.orelse)
    return set()


def _sites(path: Path) -> set[tuple[str, int, Status]]:
    tree = ast.parse(path.read_text())
    return {(path.name, n.lineno, s) for n in ast.walk(tree) if isinstance(n, ast.Return) and n.value is not None
            for s in _statuses(n.value)}


def _uses_flag_verdict(check) -> bool:
    return "flag_verdict" in inspect.getsource(sys.modules[check.evaluate.__module__])


def expected_sites(check) -> set[tuple[str, int, Status]]:
    sites = _sites(Path(inspect.getfile(check.evaluate)))
    if _uses_flag_verdict(check):
        sites |= {s for s in _sites(Path(common.__file__)) if s[1] >= inspect.getsourcelines(common.flag_verdict)[1]}
    return sites


def reached_sites(check, evidence, config) -> tuple[Verdict, set[tuple[str, int, Status]]]:
    hits: set[tuple[str, int, Status]] = set()

    def tracer(frame, event, arg):
        if event == "return" and isinstance(arg, Verdict) and Path(frame.f_code.co_filename).parent == CHECKS_DIR:
            hits.add((Path(frame.f_code.co_filename).name, frame.f_lineno, arg.status))
        return tracer

    sys.settrace(tracer)
    try:
        verdict = check.evaluate(dict(evidence, now=NOW), config)
    finally:
        sys.settrace(None)
    return verdict, hits


def all_cases():
    for check_id, evidence, expected, _phrase in CASES:
        yield check_id, evidence, expected, CFG
    for case in EXTRA_CASES:
        yield case.check_id, case.evidence, case.expected, case.config or CFG


def test_every_verdict_branch_is_reached_by_a_case_with_its_status():
    reached: dict[str, set] = {c.id: set() for c in CATALOGUE}
    for check_id, evidence, expected, config in all_cases():
        verdict, hits = reached_sites(BY_ID[check_id], evidence, config)
        assert verdict.status is expected, (check_id, verdict.reason)
        reached[check_id] |= {h for h in hits if h[2] is expected}
    missing = {c.id: sorted((f, line, s.value) for f, line, s in expected_sites(c) - reached[c.id])
               for c in CATALOGUE}
    missing = {k: v for k, v in missing.items() if v}
    assert not missing, f"verdict branches no case reaches (file, line, status): {missing}"


def test_the_branch_finder_sees_every_status_a_check_declares():
    """Guards the guard: if the AST walk stopped finding returns, the test above would pass vacuously."""
    for check in CATALOGUE:
        found = {s for _f, _line, s in expected_sites(check)}
        assert found == set(check.statuses), (check.id, found)
