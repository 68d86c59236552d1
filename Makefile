# The two set-up commands are `make demo` and `make test`; both install what they need first.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTHON ?= python3

# What ruff reads: the sources, the tests, and the benchmarks once they exist.
LINTED := src tests $(wildcard bench) $(wildcard scripts)

.PHONY: install demo test test-fast check format chromium node-deps bench bench-large clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make demo: migrate, seed, start the emulator, the web app and an in-process worker.
demo: install
	$(BIN)/mailtrixy demo

## make test: every test, browser tests included (Debian's Chromium is installed when missing).
test: install chromium node-deps
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not e2e"

check: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

chromium:
	@scripts/ensure-chromium

node-deps:
	@scripts/ensure-node-deps

bench: install
	$(BIN)/python -m bench.run --sizes 10000,100000

bench-large: install
	$(BIN)/python -m bench.run --sizes 1000000

clean:
	rm -rf $(VENV) .var
