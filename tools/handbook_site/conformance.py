"""The emulator's conformance tables: loading them, and running every case through the emulator's evaluators.

The tables (tests/conformance/*.yaml) hold cases taken from AWS's documentation. The pytest suite sends each case
to the running emulator over HTTP; this module runs the same cases in-process through the very functions the
grafted operations call (filter_pattern.test_messages, event_pattern.load/matches), so the handbook's figures
come from running the cases at build time, never from a number typed into a page.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from handbook_site import ROOT

TABLES_DIR = ROOT / "tests" / "conformance"
OUTCOMES = ("match", "no-match", "error")


@dataclass(frozen=True)
class Table:
    name: str  # file stem
    title: str
    operation: str  # the AWS operation the cases exercise
    error_code: str  # what AWS answers for an "error" case
    cases: list[dict[str, Any]] = field(default_factory=list)


TITLES = {
    "logs_filter_patterns": ("CloudWatch Logs filter patterns", "logs:TestMetricFilter", "InvalidParameterException"),
    "event_patterns": ("EventBridge event patterns", "events:TestEventPattern", "InvalidEventPatternException"),
}
REQUIRED = {"id", "pattern", "event", "expected", "source", "note"}


def load_table(name: str) -> Table:
    """One table, checked for the fields every case must have (a malformed table fails loudly)."""
    path = TABLES_DIR / f"{name}.yaml"
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    seen: set[str] = set()
    for case in cases:
        missing = REQUIRED - set(case)
        if missing or case["expected"] not in OUTCOMES or case["id"] in seen:
            raise ValueError(f"{path.name}: case {case.get('id')!r} is malformed (missing {sorted(missing)}, "
                             f"expected {case.get('expected')!r}, or a duplicate id)")
        if not str(case["source"]).startswith("https://"):
            raise ValueError(f"{path.name}: case {case['id']} has no source URL")
        seen.add(case["id"])
    title, operation, error_code = TITLES[name]
    return Table(name, title, operation, error_code, cases)


def documented(case: dict[str, Any]) -> bool:
    return case.get("documented", True) is not False


# ------------------------------------------------------------------------------------------ in-process evaluation


def logs_outcome(case: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """What the TestMetricFilter graft's evaluator answers for one case: outcome and extracted values."""
    from rootaudit_emulator import filter_pattern

    try:
        found = filter_pattern.test_messages(case["pattern"], [case["event"]])
    except filter_pattern.FilterPatternError:
        return "error", {}
    return ("match", found[0]["extractedValues"]) if found else ("no-match", {})


def events_outcome(case: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """What the TestEventPattern graft's matcher answers for one case."""
    from rootaudit_emulator import event_pattern

    try:
        pattern = event_pattern.load(case["pattern"])
    except event_pattern.PatternError:
        return "error", {}
    return ("match" if event_pattern.matches(pattern, json.loads(case["event"])) else "no-match"), {}


EVALUATORS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, str]]]] = {
    "logs_filter_patterns": logs_outcome,
    "event_patterns": events_outcome,
}


def agrees(case: dict[str, Any], outcome: str, extracted: dict[str, str]) -> bool:
    """Does the emulator's answer equal the documented one (outcome, and extracted keys where documented)?"""
    if outcome != case["expected"]:
        return False
    keys = case.get("extracted_keys")
    return keys is None or sorted(extracted) == sorted(keys)


@dataclass
class Figures:
    table: Table
    passed: list[str] = field(default_factory=list)  # documented, emulator agrees
    differences: list[dict[str, Any]] = field(default_factory=list)  # documented, listed as a known difference
    failed: list[str] = field(default_factory=list)  # documented, disagrees without being listed: a defect
    fixed: list[str] = field(default_factory=list)  # listed as a difference but now agrees: update the table
    undocumented: list[str] = field(default_factory=list)

    @property
    def documented_count(self) -> int:
        return len(self.passed) + len(self.differences) + len(self.failed) + len(self.fixed)


def run_table(name: str) -> Figures:
    table = load_table(name)
    figures = Figures(table)
    evaluate = EVALUATORS[name]
    for case in table.cases:
        if not documented(case):
            figures.undocumented.append(case["id"])
            continue
        ok = agrees(case, *evaluate(case))
        if case.get("known_difference"):
            (figures.fixed.append(case["id"]) if ok else figures.differences.append(case))
        else:
            (figures.passed if ok else figures.failed).append(case["id"])
    return figures


def run_all() -> list[Figures]:
    return [run_table(name) for name in TITLES]
