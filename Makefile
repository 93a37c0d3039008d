# Leadline — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: run test lint bench setup clean demo

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## make run: set everything up on the embedded SQLite store and serve on 127.0.0.1:8000
run: $(STAMP)
	$(BIN)/leadline db upgrade
	$(BIN)/leadline demo
	$(BIN)/leadline serve

## make test: set up and run the whole suite (PostgreSQL too when LEADLINE_TEST_POSTGRES_URL is set)
test: $(STAMP)
	@# Plain load distribution: schemathesis gives each API operation the same test id,
	@# which a grouping scheduler would collapse into one.
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
