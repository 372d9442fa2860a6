# The two commands of the README: `make demo` and `make test`. Both set everything up first
# (apt packages, virtualenv, dependencies, the embedded models) and are safe to run again.
VENV ?= .venv
PY := $(VENV)/bin/python
SW := $(VENV)/bin/snarewatch
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: setup demo test test-python test-extension lint bench clean help

help:  ## Show the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup:  ## Install system packages, the virtualenv, dependencies and models (idempotent).
	@bash scripts/setup.sh

demo: setup  ## Run the whole pipeline on the local demo marketplace and print a summary.
	$(SW) demo

test: setup lint test-python test-extension  ## Run every test (unit, integration, browser, slow).

lint:  ## Architecture contracts: the layers (doors > use cases > stages > core), stages apart.
	$(VENV)/bin/lint-imports

# Two test processes, one per core: each keeps one math thread (torch, BLAS), or the two
# processes' thread pools fight over the cores and the slowest tests take several times longer.
test-python:
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(VENV)/bin/pytest -q -n 2 --dist loadfile

test-extension:
	cd extension && node --test test/

bench: setup  ## Run the benchmarks (figures go to stdout and benchmarks/out/).
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:  ## Remove the demo data (not the virtualenv or models).
	rm -rf data
