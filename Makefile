# Two commands on a fresh machine: `make run` (the app on the demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Where `make run` listens: this machine only, unless the ADDRESS setting (PPD_ADDRESS) says otherwise.
ADDRESS ?= $(or $(PPD_ADDRESS),127.0.0.1)

.PHONY: run test lint bench demo template test-tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime  ## install and serve the app on the bundled demo data at http://localhost:8501
	@$(BIN)/python -m indicators setup-link --url http://localhost:$(PORT)  # only while no account exists
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test-tools:  ## Debian's chromium and LibreOffice Calc for the tests (never a downloaded browser)
	@./scripts/ensure-test-tools

LINTED := indicators ui pages tests dashboard.py data benchmarks

test: $(VENV)/.dev test-tools  ## install and run the whole test suite, browser tests included
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python -m pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

bench: $(VENV)/.dev test-tools  ## ingest, compute, store and report-pack benchmarks: print tables, write benchmarks/*results.md (folder store against PostgreSQL)
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/compute_bench.py
	$(BIN)/python benchmarks/store_bench.py
	$(BIN)/python benchmarks/report_bench.py

demo: $(VENV)/.runtime  ## regenerate the illustrative demo workbook from its fixed seed
	$(BIN)/python data/generate_demo.py

template: $(VENV)/.runtime
	$(BIN)/python -m indicators template data/monitoring_template.xlsx

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
