# Two commands do all the set-up on a fresh machine with python3 and make:
#   make demo   - run siphon against its built-in sandbox and leave a graph to query
#   make test   - lint, type-check and run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help install demo test lint typecheck pytest bench clean

help:
	@echo "make demo   run siphon on the built-in sandbox (installs into $(VENV) first)"
	@echo "make test   ruff + mypy + pytest (installs into $(VENV) first)"
	@echo "make bench  run benchmarks/ and write benchmarks/results/latest.{md,json}"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/siphon demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache
