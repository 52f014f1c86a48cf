# xinan (信安) — everyday commands. The work is done by scripts/; see docs/development.md.
#   make run     serve the web UI with a demo organisation on http://127.0.0.1:8000/
#   make test    the whole suite against SQLite and against a throwaway PostgreSQL server
SHELL := /bin/bash
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments for every test target, e.g. make test PYTEST_ARGS='-x -k audit'
PYTEST_ARGS ?=
export HOST PORT

.PHONY: help run test test-sqlite test-postgres test-browser test-deps venv messages bench clean

help:
	@sed -n 's/^#   //p' $(MAKEFILE_LIST)
	@echo "Also: make test-sqlite, test-postgres, test-browser, messages, bench, clean"

venv:
	@scripts/system-deps.sh run
	@PYTHON=$(PYTHON) scripts/venv.sh run

run: venv
	@scripts/run.sh

test-deps:
	@scripts/system-deps.sh test
	@PYTHON=$(PYTHON) scripts/venv.sh test

test: test-deps
	@scripts/test-all.sh $(PYTEST_ARGS)

test-sqlite: test-deps
	@scripts/pytest-db.sh sqlite $(PYTEST_ARGS)

test-postgres: test-deps
	@scripts/with-postgres.sh scripts/pytest-db.sh postgres $(PYTEST_ARGS)

# Browser tests (marked @pytest.mark.browser) drive /usr/bin/chromium through Playwright; they
# also run inside `make test`. This target runs only them, on SQLite.
test-browser: test-deps
	@scripts/pytest-db.sh sqlite -m browser $(PYTEST_ARGS)

# Refresh and compile the English catalogue (needs gettext, which `make test` installs).
messages: venv
	@bash scripts/i18n.sh

bench:
	@if [ -f scripts/bench.sh ]; then bash scripts/bench.sh; \
	else echo "bench: no benchmarks yet (scripts/bench.sh does not exist); nothing was measured."; fi

# Removes what builds and test runs leave behind; never the database or keys in ./data.
clean:
	rm -rf test-artifacts .pytest_cache xinan.egg-info data/static
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
