# Quick start: `make demo` and `make test`. Both create .venv when it is missing and install everything.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.tfscout-installed
DEMO_OUT ?= out/demo
# Test workers (pytest-xdist): one per core; a test file's tests stay on one worker (its module fixtures once).
JOBS   ?= auto

.PHONY: setup demo test test-fast lint bench accuracy devcorpus samples clean

setup: $(STAMP)
	@bash tools/ensure-system-deps.sh

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,dev]'
	@touch $(STAMP)

demo: setup
	@bash tools/demo.sh $(PY) $(DEMO_OUT)

test: setup
	$(PY) -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadfile --durations=15 tests

test-fast: setup
	$(PY) -m pytest -q -p no:cacheprovider -n $(JOBS) --dist loadfile -m "not slow" tests

lint: setup
	$(VENV)/bin/ruff check tfscout tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

accuracy: setup
	$(PY) bench/accuracy.py
	$(PY) bench/accuracy_precheck.py
	$(PY) bench/accuracy_convert.py
	$(PY) bench/accuracy_safety.py

devcorpus: setup
	$(PY) -m bench.devcorpus.build
	$(PY) -m bench.devcorpus.score --write-docs

bench: setup
	$(PY) bench/run_all.py

samples: setup
	$(PY) -m tfscout.samples.build_samples

clean:
	rm -rf out .pytest_cache build *.egg-info
