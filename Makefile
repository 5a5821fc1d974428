# Two commands do everything on a fresh machine: `make demo` and `make test`.
# Installs come from the lock files (exact versions and hashes, PyPI only); see README
# "Dependencies" for `make lock` (after editing pyproject.toml) and `make upgrade`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pip-compile sees PyPI only (no machine-local wheel folders or constraints) so the locks
# work on any machine.
PIP_COMPILE := env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links

.PHONY: install demo test lint typecheck pytest run bench clean lock upgrade

$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/jemput demo

run: $(STAMP)
	$(BIN)/jemput run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

# After adding or changing a dependency in pyproject.toml: resolve it, keep every other pin.
lock: $(STAMP)
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o requirements-dev.lock pyproject.toml requirements-dev.in

# Move every pin to its newest release (then `make test`, and commit both lock files).
upgrade: $(STAMP)
	$(PIP_COMPILE) --upgrade -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --upgrade --extra dev -o requirements-dev.lock pyproject.toml requirements-dev.in

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
