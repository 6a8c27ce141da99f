# Two entry points: `make run` (the main job) and `make test` (the whole suite).
# Each creates the virtual environment .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-variants bench lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,mkl]"
	$(BIN)/python -m pip install --quiet "torch==2.13.0" || echo "PyTorch 2.13.0 unavailable: parity tests will skip"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/graphgrad train

# Two test processes on two cores: one BLAS/Numba thread each, or their threads fight for cores.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
test: $(STAMP)
	$(TEST_ENV) NUMBA_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 -q

# The suite again under each non-default kernel setting of the README (~11 min on 2 cores).
test-variants: $(STAMP)
	GRAPHGRAD_KERNELS=numpy $(TEST_ENV) NUMBA_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 -q
	GRAPHGRAD_AOT=0 $(TEST_ENV) NUMBA_NUM_THREADS=1 $(BIN)/python -m pytest -n 2 -q
	GRAPHGRAD_PARALLEL_MIN=2000 $(TEST_ENV) NUMBA_NUM_THREADS=2 $(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check autograd nn optim tests bench

clean:
	rm -rf $(VENV) build *.egg-info
