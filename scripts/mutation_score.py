"""Print the mutation score of the last `mutmut run` (make mutants), overall and per folder.

Reads mutmut's own per-file results (mutants/**/*.py.meta) and its status names, so the figures match
`mutmut results`. Score = killed (timeouts count as killed) / mutants that were tested.
"""
from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from mutmut.stats import status_by_exit_code

GROUPS = ("src/rootaudit/checks/", "src/rootaudit/evidence/", "src/rootaudit/engine.py", "src/rootaudit/report/")
KILLED = {"killed", "timeout"}
UNTESTED = {"not checked", "skipped", "check was interrupted by user"}


def main() -> int:
    metas = sorted(Path("mutants").glob("src/**/*.py.meta"))
    if not metas:
        print("no mutation results: run `make mutants` first")
        return 1
    by_group: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for meta in metas:
        source = str(meta.relative_to("mutants")).removesuffix(".meta")
        group = next((g for g in GROUPS if source.startswith(g)), None)
        if group is None:
            continue
        for name, code in json.loads(meta.read_text()).get("exit_code_by_key", {}).items():
            status = status_by_exit_code[code]
            by_group[group][status] += 1
            if status not in KILLED | UNTESTED:
                survivors.append(f"{name}  ({status})")
    total: Counter = sum(by_group.values(), Counter())
    print(f"{'folder':<28} {'killed':>7} {'tested':>7} {'score':>7}   other")
    for group in GROUPS + ("all",):
        c = total if group == "all" else by_group[group]
        tested = sum(n for s, n in c.items() if s not in UNTESTED)
        killed = sum(n for s, n in c.items() if s in KILLED)
        other = ", ".join(f"{n} {s}" for s, n in sorted(c.items()) if s not in KILLED)
        score = f"{100 * killed / tested:.1f}%" if tested else "-"
        print(f"{group:<28} {killed:>7} {tested:>7} {score:>7}   {other}")
    if survivors:
        print(f"\n{len(survivors)} not killed (see them with `.venv/bin/mutmut show <name>`):")
        print("\n".join(f"  {s}" for s in survivors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
