"""`make bench`: figures, not pass/fail. Everything runs against emulators on 127.0.0.1.

1. Single-account scan: the `demo` scenario and `bulk` (demo + 500 IAM users + 500 roles), side by side:
   wall time, API calls, peak memory (a real `rootaudit scan` process), next to Prowler's measured figures.
2. Organization scan of 10, 100 and 500 emulated accounts: wall time one account at a time and concurrently
   (same run), API calls per account, peak memory.
3. The handbook: cold build, warm rebuild after a one-line edit, notebook page sizes (scripts/site_bench.py).

The emulator runs in its own process, so the scanner's time and memory are measured apart from moto's.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
PY = sys.executable
BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {"AWS_EC2_METADATA_DISABLED": "true"}


class EmulatorProcess:
    def __init__(self, scenario):
        if isinstance(scenario, dict):
            handle = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
            yaml.safe_dump(scenario, handle)
            handle.close()
            scenario = handle.name
        self.proc = subprocess.Popen([PY, "-m", "rootaudit_emulator", "--scenario", scenario], cwd=ROOT, env=BASE_ENV,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.env = dict(BASE_ENV)
        for line in self.proc.stdout:
            key, _, value = line.removeprefix("export ").strip().partition("=")
            self.env[key] = value.strip("'")
            if key == "AWS_EC2_METADATA_DISABLED":
                break

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def child(args, env) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a real rootaudit process."""
    started = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "rootaudit.cli", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def in_process(fn, env):
    from rootaudit_emulator import environment

    with environment(env):
        started = time.perf_counter()
        result = fn()
        return time.perf_counter() - started, result


def bench_scans(runs: int = 3) -> list[dict]:
    from rootaudit import config
    from rootaudit.engine import scan

    cfg = config.load(ROOT / "handbook.yml")
    rows = []
    for scenario in ("demo", "bulk"):
        with EmulatorProcess(scenario) as emu:
            scans = [in_process(lambda: scan(config=cfg), emu.env) for _ in range(runs)]
            procs = [child(["scan", "--format", "json"], emu.env) for _ in range(runs)]
        rows.append({"scenario": scenario, "scan_s": statistics.median(s for s, _ in scans),
                     "calls": len(scans[0][1].calls), "cli_s": statistics.median(w for w, _ in procs),
                     "rss_mib": max(m for _, m in procs)})
    return rows


def bench_org(sizes=(10, 100, 500), workers: int = 8) -> list[dict]:
    from rootaudit import config
    from rootaudit.org.scan import scan_organization
    from rootaudit_emulator.scenario import build_org

    cfg = config.load(ROOT / "handbook.yml")
    rows = []
    for n in sizes:
        with EmulatorProcess(build_org(n)) as emu:
            seq_s, _ = in_process(lambda: scan_organization(config=cfg, progress="never", max_workers=1), emu.env)
            con_s, reports = in_process(lambda: scan_organization(config=cfg, progress="never", max_workers=workers),
                                        emu.env)
            _, rss = child(["scan", "--org", "--format", "json", "--progress", "never"], emu.env)
        per_account = statistics.median(len(r.calls) for r in reports[1:] if r.calls)
        rows.append({"accounts": len(reports), "sequential_s": seq_s, "concurrent_s": con_s,
                     "speedup": seq_s / con_s, "calls_per_account": per_account,
                     "ms_per_account": 1000 * con_s / len(reports), "rss_mib": rss})
    return rows


def table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    head = " | ".join(title for title, _, _ in columns)
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(" | ".join(format(row[key], fmt).rjust(len(title)) for title, key, fmt in columns))
    return "\n".join(lines)


def main() -> None:
    sizes = tuple(int(s) for s in os.environ.get("BENCH_ORG_SIZES", "10,100,500").split(","))
    print("== Single-account scan (emulator in its own process; medians of 3) ==")
    print(table(bench_scans(), [("scenario", "scenario", ""), ("scan s", "scan_s", ".3f"), ("API calls", "calls", "d"),
                                ("CLI wall s", "cli_s", ".2f"), ("peak RSS MiB", "rss_mib", ".0f")]))
    print("Prowler 5.46 on a comparable emulated account (shared/reference/peer-checks.md): 18.2 s, 56 calls, "
          "368 MiB; with 1,000 principals 37.1 s and 5,813 calls.\n")
    print(f"== Organization scan ({', '.join(map(str, sizes))} accounts) ==")
    print(table(bench_org(sizes), [("accounts", "accounts", "d"), ("1 at a time s", "sequential_s", ".1f"),
                                   ("8 workers s", "concurrent_s", ".1f"), ("speed-up", "speedup", ".1f"),
                                   ("ms/account", "ms_per_account", ".0f"),
                                   ("calls/account", "calls_per_account", ".0f"), ("peak RSS MiB", "rss_mib", ".0f")]))
    if os.environ.get("BENCH_SITE", "1") == "1":
        print("\n== Handbook ==")
        import site_bench

        site_bench.run()


if __name__ == "__main__":
    main()
