# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Both rest on `make install`; all three are idempotent.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint typecheck imports unit bench bench-queries bench-executors bench-assets bench-concurrency clean

install: $(STAMP)
	@$(BIN)/python -m compileall -q src

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dagwright needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Runs the spec's first op-based job (`do_stuff`) and prints its result.
run: install
	$(BIN)/python examples/spec_first_job.py

# The whole suite: lint, format, types, layer contracts, tests.
test: install lint typecheck imports unit

lint:
	$(BIN)/ruff check src tests bench docs examples
	$(BIN)/ruff format --check src tests bench docs examples

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports --no-cache

unit:
	$(BIN)/python -m pytest -q

# Side-by-side benchmarks against Dagster (installs Dagster into its own venv).
bench: install
	$(BIN)/python bench/run.py

# Storage queries on 100,000 runs / 1,000,000 events, SQLite and PostgreSQL (127.0.0.1:5432),
# Dagster's SQLite instance beside them. Populated SQLite stores are cached in bench/.cache.
bench-queries: install
	$(BIN)/python bench/queries.py

# Multiprocess and Dask executors: 20 steps sleeping 0.5 s on 2 workers, per-step overhead of
# a 202-step fan; Dagster's executors beside them (adds dagster-dask to its venv; ~9 min).
bench-executors: install
	$(BIN)/python bench/executors.py

# Assets: define and resolve 1,000- and 10,000-asset graphs, materialize 1,000 chained assets
# with the filesystem IO manager; Dagster's figures beside them (~7 min).
bench-assets: install
	$(BIN)/python bench/assets.py

# Concurrency inside a run: 20 and 200 async ops, 20 IO-bound sync ops (async and thread pool
# executors), dynamic fan-outs of 200 to 20,000 mapped steps; Dagster beside them (~3 min).
bench-concurrency: install
	$(BIN)/python bench/concurrency.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache bench/.dagster-venv bench/.cache
	find . -name __pycache__ -prune -exec rm -rf {} +
