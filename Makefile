# Two commands on a fresh machine with Python 3.11 and make:
#   make serve   set up, execute the notebooks against the emulated account, serve http://127.0.0.1:8000
#   make test    set up and run the whole suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
export AWS_EC2_METADATA_DISABLED := true
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
export PYTHONDONTWRITEBYTECODE := 1
# The site tooling lives in tools/ and runs from the checkout only.
export PYTHONPATH := $(CURDIR)/tools

.PHONY: setup browser serve site test lint bench ticket strip lock permalinks policy mutants targets clean

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: install python3.11, or run make PYTHON=/path/to/python3.11"; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# Debian's Chromium for the browser tests (the set-up installs it when run as root, as CI is).
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Browser tests need Debian's Chromium: sudo apt-get install chromium"; exit 2; fi

serve: setup
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

site: setup
	$(BIN)/mkdocs build --strict

test: setup browser
	$(BIN)/python -m pytest -n 2 -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -n 0 -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]  # 5: the arguments selected no serial test

# Mutation testing on demand (mutmut, configured in setup.cfg): mutates checks/, evidence/, engine.py and report/,
# runs the fast test subset against each mutant and prints the score. Slow: see CONTRIBUTING.md.
mutants: setup
	rm -rf mutants
	ROOTAUDIT_HYPOTHESIS_EXAMPLES=10 $(BIN)/mutmut run $(MUTMUT_ARGS) || true
	$(BIN)/python scripts/mutation_score.py

bench: setup
	$(BIN)/python scripts/bench.py

ticket: setup
	@$(BIN)/python -m handbook_site.ticket

# Outputs, execution counts and metadata go; cell ids and tags (the papermill `parameters` cell) stay.
strip: setup
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

lint: setup
	$(BIN)/ruff check .

# Every make target the README names, run as a fresh clone would (CI runs this after the tests).
targets: setup
	bash scripts/check_readme_targets.sh

policy: setup
	$(BIN)/python -m rootaudit.policy docs/reference/rootaudit-policy.json

permalinks: setup
	$(BIN)/python -m handbook_site.permalinks --write permalinks.yml

# Regenerate the lock from requirements.in (needs the package registry).
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet -r requirements.in
	.lockenv/bin/pip freeze --exclude-editable | grep -v -E '^(pip|wheel)==' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf build .pytest_cache mutants
