# Two commands do the whole set-up on a fresh machine with Python and pip:
#   make demo   a whole synthetic exam, end to end (then the TUI, in a terminal)
#   make test   ruff, the layer contracts (import-linter), mypy and pytest
# Both install from the lock (requirements-test.txt: every package pinned with its
# hashes); `make lock` refreshes it from pyproject.toml's ranges, `make offline` writes
# the bundle for an exam machine with no network.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DEMO_DIR ?= demo-workspace
UV_VERSION := 0.13.8

.PHONY: demo test lint typecheck pytest system-deps bench lock offline offline-check clean

$(STAMP): requirements-test.txt pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --require-hashes --only-binary=:all: -r requirements-test.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	@touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

demo: system-deps $(STAMP)
	$(VENV)/bin/exam-center demo --dir $(DEMO_DIR)
	@if [ -t 0 ] && [ -t 1 ] && [ -z "$$CI" ]; then $(VENV)/bin/exam-center --workspace $(DEMO_DIR) tui; fi

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy seating scans grading exam_center

pytest: system-deps $(STAMP)
	$(PY) -m pytest -n 2

test: lint typecheck pytest

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

lock: $(STAMP)
	$(PY) -m pip install -q uv==$(UV_VERSION)
	UV=$(VENV)/bin/uv bash scripts/lock.sh

offline: system-deps $(STAMP)
	PY=$(PY) bash scripts/build-offline.sh

offline-check: system-deps $(STAMP)
	PY=$(PY) bash scripts/check-offline.sh

clean:
	rm -rf $(VENV) $(DEMO_DIR) build dist .pytest_cache .mypy_cache .ruff_cache
