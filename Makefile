# Two commands on a fresh machine: `make run` (the app on the demo data) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Where `make run` listens: this machine only, unless the ADDRESS setting (PPD_ADDRESS) says otherwise.
ADDRESS ?= $(or $(PPD_ADDRESS),127.0.0.1)

.PHONY: run test lint bench demo template test-tools clean i18n-extract i18n-update i18n-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

# The server reads X-Forwarded-For and X-Forwarded-Proto only from the proxies named in TRUSTED_PROXIES (uvicorn's
# FORWARDED_ALLOW_IPS, set from it unless given): none by default.
run: $(VENV)/.runtime  ## install and serve the app on the bundled demo data at http://localhost:8501
	@$(BIN)/python -m indicators setup-link --url http://localhost:$(PORT)  # only while no account exists
	FORWARDED_ALLOW_IPS="$${FORWARDED_ALLOW_IPS-$${PPD_TRUSTED_PROXIES:-none}}" \
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

test-tools:  ## Debian's chromium and LibreOffice Calc for the tests (never a downloaded browser)
	@./scripts/ensure-test-tools

LINTED := indicators ui pages tests dashboard.py data benchmarks

test: $(VENV)/.dev test-tools  ## install and run the whole test suite, browser tests included
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python -m pytest -q -n auto

LOCALE := indicators/locale
# The catalogues and the code each translates (indicators/domain/i18n.py DOMAINS).
I18N_DOMAINS := interface figures workbooks reports
I18N_interface := dashboard.py pages ui indicators/present/views
I18N_figures := indicators/compute indicators/domain indicators/present/charts.py indicators/present/export.py
I18N_workbooks := indicators/read indicators/present/template.py indicators/access indicators/storage \
	indicators/ingest.py indicators/store.py indicators/saved_mappings.py indicators/demo.py indicators/__main__.py \
	indicators/public_reports.py
I18N_reports := indicators/present/reports

i18n-extract: $(VENV)/.dev  ## collect every text to translate into indicators/locale/<domain>.pot
	$(foreach d,$(I18N_DOMAINS),$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k ngettext:1,2 --no-location \
		--sort-output --no-wrap --omit-header -o $(LOCALE)/$(d).pot $(I18N_$(d)) &&) true

i18n-update: i18n-extract  ## bring the French catalogues (<domain>.po) up to the extracted texts
	$(foreach d,$(I18N_DOMAINS),$(BIN)/pybabel -q $(if $(wildcard $(LOCALE)/fr/LC_MESSAGES/$(d).po),update,init -l fr) \
		-i $(LOCALE)/$(d).pot -d $(LOCALE) -D $(d) --no-wrap $(if $(wildcard $(LOCALE)/fr/LC_MESSAGES/$(d).po),--no-fuzzy-matching --ignore-obsolete) &&) true

i18n-compile: $(VENV)/.dev  ## compile the catalogues the app reads (<domain>.mo)
	$(foreach d,$(I18N_DOMAINS),$(BIN)/pybabel compile -d $(LOCALE) -D $(d) --statistics &&) true

lint: $(VENV)/.dev
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

bench: $(VENV)/.dev test-tools  ## ingest, compute, store, report-pack and new-session benchmarks: print tables, write benchmarks/*results.md
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/compute_bench.py
	$(BIN)/python benchmarks/store_bench.py
	$(BIN)/python benchmarks/report_bench.py
	$(BIN)/python benchmarks/session_bench.py

demo: $(VENV)/.runtime  ## regenerate the illustrative demo workbook from its fixed seed
	$(BIN)/python data/generate_demo.py

template: $(VENV)/.runtime
	$(BIN)/python -m indicators template data/monitoring_template.xlsx

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
