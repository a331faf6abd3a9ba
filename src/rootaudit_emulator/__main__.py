"""``python -m rootaudit_emulator --scenario demo [--port 5000]``: serve a scenario until Ctrl-C.

Prints ``export`` lines so that a shell (``eval "$(python -m rootaudit_emulator ... | head -n 7)"``), the AWS
CLI or ``rootaudit scan`` in another terminal reach the emulated account.
"""
from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import threading

from . import Emulator, ScenarioError, list_scenarios


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _wait_for_ctrl_c() -> None:
    # Ctrl-C, and also SIGTERM; restore SIGINT too, which a shell ignores for background jobs.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    threading.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rootaudit_emulator", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="demo",
                        help=f"a shipped scenario ({', '.join(list_scenarios())}) or a path to a YAML file")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--latency-ms", type=float, default=None,
                        help="milliseconds added to every AWS request, as AWS's round trips would "
                             "(default: $ROOTAUDIT_EMULATOR_LATENCY_MS, else 0)")
    args = parser.parse_args(argv)
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

    emulator = Emulator(port=args.port, latency_ms=args.latency_ms)
    try:
        emulator.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        account = emulator.load(args.scenario)
    except ScenarioError as exc:
        emulator.stop()
        print(str(exc), file=sys.stderr)
        return 2
    for key, value in account.env().items():
        print(f"export {key}={shlex.quote(value)}")
    print(f"# scenario {account.scenario['name']}: account {account.account_id}, region {account.region}",
          file=sys.stderr)
    print("# serving until Ctrl-C", file=sys.stderr, flush=True)
    sys.stdout.flush()
    try:
        _wait_for_ctrl_c()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
