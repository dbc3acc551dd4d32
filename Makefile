# make demo: set-up + the seed's three scenarios, diagnosed.  make test: set-up + the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench bench-quick clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first, pinned: an unpinned torch would pull a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[all,dev]"
	touch $(STAMP)

demo: setup
	$(BIN)/nndoctor demo --json demo-report/diagnoses.json --html demo-report

test: setup
	$(BIN)/python -m pytest -q tests

# The clinic (docs/benchmark.md). The peers install into the venv with torch pinned by
# constraints.txt; without them (offline) the clinic runs and says they did not run.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[bench]" \
		|| echo "clinic: the peers (torchtest2, torch-audit) could not be installed; running without them"
	touch $(BENCH_STAMP)

bench: setup $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.clinic

bench-quick: setup $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.clinic --quick

clean:
	rm -rf $(VENV) demo-report
