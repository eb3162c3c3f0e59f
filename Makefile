# Brobyg: `make run` starts the app with demo data; `make test` runs the whole suite.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install browser lint translations bench bench-load

run: install  ## Start Brobyg on SQLite with the demo data at http://127.0.0.1:5000
	$(BIN)/brobyg db upgrade
	$(BIN)/brobyg demo
	$(BIN)/brobyg serve --host 127.0.0.1 --port 5000

test: install browser  ## Run every test (also on PostgreSQL when BROBYG_TEST_DATABASE_URL is set)
	$(BIN)/pytest -n 4 --dist worksteal

install: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

browser:  ## Debian's chromium for the end-to-end and accessibility tests
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: install
	$(BIN)/ruff check app harvest network tests
	$(BIN)/mypy

translations: install  ## Extract strings, update the catalogs, compile them
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o app/translations/messages.pot --no-location --sort-output -w 100 .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching -w 100
	$(BIN)/pybabel compile -d app/translations -f

bench: install  ## Server time of the busiest pages at N=500 and 5000 (SQLite; see bench/README.md)
	$(BIN)/python bench/bench_pages.py

bench-load: install  ## Load test: 50 users for 2 minutes against the real server (bench/README.md)
	$(BIN)/python bench/run_load.py $(BENCH_LOAD_ARGS)
