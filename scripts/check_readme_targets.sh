#!/usr/bin/env bash
# Every `make` target the README names must work on a fresh clone, and the generating ones must leave the
# tree exactly as committed. Run by .ci/run after the tests (which are `make test` itself).
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_EC2_METADATA_DISABLED=true

clean_tree() {
  local target=$1
  if [ -n "$(git status --porcelain)" ]; then
    echo "make $target changed the tree:"; git status --porcelain; git --no-pager diff --stat; exit 1
  fi
}

# `cmd && echo` would not stop the script when cmd fails (set -e ignores a failure on the left of &&): say it and stop.
run() {
  local target=$1 said=$2; shift 2
  if ! "$@" >/dev/null; then echo "make $target FAILED ($*)"; exit 1; fi
  echo "make $target: $said"
}

targets=$(grep -oE 'make [a-z][a-z0-9-]*' README.md | awk '{print $2}' | sort -u)
clean_tree "(before)"
for t in $targets; do
  case $t in
    test) echo "make test: run by .ci/run already" ;;
    lock) run lock "dry run only (it re-resolves every package from the registry by design)" make -n lock ;;
    serve)
      log=$(mktemp)
      setsid make serve >"$log" 2>&1 &
      pid=$!
      ok=0
      for _ in $(seq 1 180); do
        if .venv/bin/python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/', timeout=2)" \
             2>/dev/null; then ok=1; break; fi
        sleep 1
      done
      kill -- -"$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      if [ $ok != 1 ]; then echo "make serve never answered on http://127.0.0.1:8000/"; tail -20 "$log"; exit 1; fi
      echo "make serve: answered on http://127.0.0.1:8000/" ;;
    bench) run bench "ran (one run, a 10-account organization)" env BENCH_RUNS=1 BENCH_ORG_SIZES=10 make bench ;;
    *) run "$t" ran make "$t" ;;
  esac
  clean_tree "$t"
done
echo "README targets: all ran and left the tree clean"
