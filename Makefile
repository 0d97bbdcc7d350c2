# Quick start: `make demo` and `make test`. Both create .venv with only python3.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SHARED_DATA := $(abspath ../shared/data)
# Use the local mirror of the public data when it is beside the repo; otherwise
# hinterland downloads (hash-checked) into its cache.
ifneq ($(wildcard $(SHARED_DATA)/SHA256SUMS),)
export HINTERLAND_DATA_DIR ?= $(SHARED_DATA)
endif

.PHONY: demo test lint bench clean fuzz

$(BIN)/hinterland: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/hinterland $@

demo: $(BIN)/hinterland
	$(BIN)/hinterland demo

test: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.dev
	$(BIN)/pip install -q -e '.[dev,bench]'
	$(BIN)/python benchmarks/within.py

# Mutation testing of the verifiers, checkers and operating rules (not part of `make
# test`: CPU-heavy). One module at a time, under nice; writes mutation.csv.
.PHONY: mutation
mutation: $(VENV)/.dev
	$(BIN)/pip install -q -e '.[dev,mutation]'
	$(BIN)/python tools/mutation.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

# Longer fuzzing run (tests/fuzz): FUZZ_EXAMPLES cases per property, fresh random cases.
FUZZ_EXAMPLES ?= 200
fuzz: $(VENV)/.dev
	HINTERLAND_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) HINTERLAND_FUZZ_SEED=1 \
	  $(BIN)/pytest -q -p no:cacheprovider tests/fuzz --hypothesis-seed=$(or $(FUZZ_SEED),1) \
	  --hypothesis-show-statistics
