# netgain developer entry points. `make demo` and `make test` work from a clean clone: they create
# .venv themselves with a Python >= 3.12.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit venv bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(scripts/find-python.sh) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[dev,bench]'
	@# An editable install compiles nothing: precompile so start-up reads bytecode even where
	@# PYTHONDONTWRITEBYTECODE is set (stale files are ignored by Python, never used).
	@$(PY) -m compileall -q src >/dev/null
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	@scripts/demo.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# worksteal: each worker starts on a contiguous half of the tests (module-level fixtures are
# built once) and an idle worker takes tests from the busy one, so both cores work to the end.
unit: $(STAMP)
	@scripts/ensure-postgres.sh
	@scripts/ensure-chromium.sh
	$(PY) -m pytest -q -n 2 --dist worksteal

test: lint typecheck unit

bench: $(STAMP)
	$(PY) benchmarks/ingest.py

clean:
	rm -rf $(VENV) .netgain .mypy_cache .pytest_cache .ruff_cache
