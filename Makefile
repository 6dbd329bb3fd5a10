# The two commands a new machine needs: `make run` and `make test`.
# Everything else here is what those two are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
UV := $(BIN)/uv

.PHONY: install run test lint format typecheck pytest lock schema clean bench

# The virtualenv is rebuilt whenever the lock or the project metadata changes.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements-dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# GraphiQL's scripts (served by the portal itself in development) and the reference
# JavaScript clients the tests drive, from the committed package-lock.json.
WEB_INSTALLED := web/node_modules/.installed
$(WEB_INSTALLED): web/package.json web/package-lock.json
	cd web && npm ci --silent
	touch $@

install: $(VENV)/.installed $(WEB_INSTALLED)

run: $(VENV)/.installed $(WEB_INSTALLED)
	$(BIN)/portal serve

test: $(VENV)/.installed $(WEB_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

pytest: $(VENV)/.installed $(WEB_INSTALLED)
	$(BIN)/pytest

# Re-resolve the pinned dependencies (needs the network); commit both files.
lock: $(VENV)/.installed
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-header -o requirements.lock
	$(UV) pip compile pyproject.toml --python-version 3.11 --extra dev --extra embedded \
		--generate-hashes -c requirements.lock --no-header -o requirements-dev.lock

# The committed SDL that front-end teams generate clients from.
schema: $(VENV)/.installed
	$(BIN)/portal schema > schema.graphql

# The benchmark suite (bench/README.md) on its own database: BENCH_SCALE=0.1 for a quick run,
# BENCH_ARGS for more (e.g. "--compiled-reads 1 --only Q1,Q2"). wrk drives the HTTP load when
# it can be installed; otherwise a Python load generator does, and the results say which.
BENCH_SCALE ?= 1.0
BENCH_ARGS ?=
bench: $(VENV)/.installed
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null 2>&1 \
		|| echo "wrk could not be installed: using the Python load generator"
	$(BIN)/python -m bench.run_all --scale $(BENCH_SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) web/node_modules .mypy_cache .ruff_cache .pytest_cache
