# Everything creates the virtual environment in .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: gate test test-all lint bench reductions clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## gate: verify every spec in specs/ against its expected verdict (the main job)
gate: $(STAMP)
	$(BIN)/mmnotif-check gate specs/ --jobs 2 --junit build/gate-junit.xml --sarif build/gate.sarif --markdown build/gate-summary.md

## test: the test suite (every spec runs once in CI, in the gate: the slow test that runs
## them all again is left to `make test-all`)
test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

test-all: $(STAMP)
	$(BIN)/python -m pytest

## lint: ruff and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check mmnotif_check tests
	$(BIN)/mypy

## bench: the benchmarks of docs/performance.md (a quarter of an hour)
bench: $(STAMP)
	$(BIN)/python bench/bench.py --markdown build/bench.md

## reductions: every spec under every reduction, the same verdicts (an hour or more)
reductions: $(STAMP)
	$(BIN)/python bench/reductions.py --markdown build/reductions.md

clean:
	rm -rf $(VENV) build .mmnotif-cache .pytest_cache .mypy_cache .ruff_cache
