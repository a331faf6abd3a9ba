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

targets=$(grep -oE 'make [a-z][a-z0-9-]*' README.md | awk '{print $2}' | sort -u)
clean_tree "(before)"
for t in $targets; do
  case $t in
    test) echo "make test: run by .ci/run already" ;;
    lock) make -n lock >/dev/null && echo "make lock: dry run only (it re-resolves every package from the registry by design)" ;;
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
    bench) BENCH_RUNS=1 BENCH_ORG_SIZES=10 make bench >/dev/null && echo "make bench: ran (one run, a 10-account organization)" ;;
    *) make "$t" >/dev/null && echo "make $t: ran" ;;
  esac
  clean_tree "$t"
done
echo "README targets: all ran and left the tree clean"
