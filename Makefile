# viz: `make run` serves the app, `make test` runs every test (browser tests included).
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8050
DATA   ?= data/india-israel

.PHONY: run test install install-test browser lint validate bench eval-ingest loadtest clean

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "error: viz needs Python 3.11 or newer (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

browser:
	@scripts/ensure-chromium

run: install
	$(BIN)/viz serve --data $(DATA) --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check viz tests app.py

validate: install
	$(BIN)/viz validate $(DATA)

test: install-test browser lint validate
	$(BIN)/pytest

# viz vs the common approach (one trace per relation, spring_layout) at 1k, 10k and 50k actors:
# writes bench/results.json and prints a table (about 6 minutes; not part of `make test`).
bench: install
	$(BIN)/python scripts/bench.py

# viz ingest on the seed article against the dataset without the 2025 visit: prints a table,
# writes bench/ingest.json (a few seconds; not part of `make test`).
eval-ingest: install
	$(BIN)/python scripts/eval_ingest.py

# 50 concurrent clients for 2 minutes against gunicorn on 127.0.0.1, closed loop (the most the server does),
# then 50 users acting every ~2 s for 2 minutes (open model: what users see); not part of `make test`.
loadtest: install-test
	$(BIN)/python scripts/loadtest.py --clients 50 --seconds 120
	$(BIN)/python scripts/loadtest.py --clients 50 --seconds 120 --think 2

clean:
	rm -rf $(VENV) test-output .pytest_cache .ruff_cache *.egg-info
