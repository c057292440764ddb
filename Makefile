# Newcomer entry points. Everything lives in .venv; system packages via scripts/system-deps.sh.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= pantau.duckdb

.PHONY: setup run demo test test-fast lint

$(BIN)/pantau: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/pantau

setup: $(BIN)/pantau

## run: load the demo company and open the dashboard (prints the URL and demo logins)
run: setup
	bash scripts/system-deps.sh
	$(BIN)/pantau --db $(STORE) serve --demo

## demo: load the demo company and print the KPI table in the terminal
demo: setup
	$(BIN)/pantau --db $(STORE) demo
	$(BIN)/pantau --db $(STORE) kpi

## test: the whole suite, browser tests included
test: setup
	bash scripts/system-deps.sh
	$(BIN)/pytest

## test-fast: the suite without the browser tests
test-fast: setup
	$(BIN)/pytest -m "not browser"

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
