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


# ------------------------------------------------------------------------------------------------ rendering


def _cell(text: Any, limit: int = 0) -> str:
    """Text for a Markdown table cell: HTML-escaped code, pipes that cannot split the row, optional cut."""
    import html

    text = str(text)
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return "<code>" + html.escape(text).replace("|", "&#124;") + "</code>" if text else "(empty)"


def checked(figures: list[Figures]) -> list[Figures]:
    """Refuse to publish figures that hide a defect: a documented case that fails without being listed as a
    known difference, or a listed difference that is in fact fixed, stops the build with the case ids."""
    for f in figures:
        if f.failed or f.fixed:
            raise ValueError(f"{f.table.name}: cases disagree with AWS without a known_difference {f.failed}, "
                             f"or are listed as differences but now agree {f.fixed}; fix the emulator or the table")
    return figures


def render_figures(figures: list[Figures]) -> str:
    lines = ["| Table | Operation | Documented cases | Emulator agrees | Known differences | Not counted |",
             "|---|---|---|---|---|---|"]
    for f in figures:
        lines.append(f"| {f.table.title} | `{f.table.operation}` | {f.documented_count} | {len(f.passed)} | "
                     f"{len(f.differences)} | {len(f.undocumented)} |")
    return "\n".join(lines)


def render_differences(figures: list[Figures]) -> str:
    rows = [(f.table.title, case) for f in figures for case in f.differences]
    if not rows:
        return ("No documented case differs: every case in both tables gets the result AWS documents. "
                "A case that starts to differ fails the test suite and this page's build.")
    lines = ["| Table | Case | Pattern | AWS | Why the emulator differs |", "|---|---|---|---|---|"]
    for title, case in rows:
        lines.append(f"| {title} | [{case['id']}]({case['source']}) | {_cell(case['pattern'], 60)} | "
                     f"{case['expected']} | {case['known_difference']} |")
    return "\n".join(lines)


def render_cases(f: Figures) -> str:
    """Every case of a table, collapsed: id (linked to its AWS page), pattern, event, AWS's result, emulator."""
    status = {cid: "agrees" for cid in f.passed}
    status.update({c["id"]: "known difference" for c in f.differences})
    status.update({cid: "not counted (no documented result)" for cid in f.undocumented})
    lines = [f'??? note "{f.table.title}: all {len(f.table.cases)} cases"', "",
             "    | Case | Pattern | Event | AWS | Emulator |", "    |---|---|---|---|---|"]
    for case in f.table.cases:
        lines.append(f"    | [{case['id']}]({case['source']}) | {_cell(case['pattern'], 70)} | "
                     f"{_cell(case['event'], 50)} | {case['expected']} | {status.get(case['id'], '?')} |")
    return "\n".join(lines)


def render_page_section() -> str:
    figures = checked(run_all())
    parts = [render_figures(figures), "", "#### Known differences in the pattern languages", "",
             render_differences(figures), ""]
    parts += [render_cases(f) + "\n" for f in figures]
    return "\n".join(parts)
