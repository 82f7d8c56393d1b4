# Two commands do the whole set-up on a fresh machine with Python and pip:
#   make demo   a whole synthetic exam, end to end (then the TUI, in a terminal)
#   make test   ruff, mypy and pytest
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
DEMO_DIR ?= demo-workspace

.PHONY: demo test lint typecheck pytest system-deps bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

demo: system-deps $(STAMP)
	$(VENV)/bin/exam-center demo --dir $(DEMO_DIR)
	@if [ -t 0 ] && [ -t 1 ] && [ -z "$$CI" ]; then $(VENV)/bin/exam-center --workspace $(DEMO_DIR) tui; fi

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy seating scans grading exam_center

pytest: system-deps $(STAMP)
	$(PY) -m pytest -n 2

test: lint typecheck pytest

bench: $(STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
