# The two commands a newcomer needs are `make demo` and `make test`.
# Each target installs what it needs; run them on a fresh clone.

PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8000
SCALE   ?= 1
SEED    ?= 2019
VENDOR  := src/masip/static/vendor

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test bench lint install assets system-deps reset-demo clean help

help:
	@echo "make demo   - install, load synthetic demo data, serve on http://127.0.0.1:$(PORT)"
	@echo "make test   - install (including Debian's chromium) and run the whole suite"
	@echo "make bench  - run the scale and speed benchmarks in benchmarks/"
	@echo "make lint   - ruff, import-linter (the floors in docs/architecture.md) and mypy"

install: $(BIN)/.installed

$(BIN)/.installed: requirements.lock.txt pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock.txt
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

assets: $(VENDOR)/.installed

# GOV.UK Frontend is copied from npm into the app's static files, so nothing is
# fetched at run time. The GDS Transport typeface is licensed for GOV.UK
# services only, so the stylesheet is rewritten to use Arial (docs/decisions/0002).
$(VENDOR)/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/govuk
	sed -e 's/GDS Transport,arial,sans-serif/arial,sans-serif/g' -e 's/@font-face{[^}]*}//g' \
	    node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(VENDOR)/govuk/govuk-frontend.min.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(VENDOR)/govuk/
	cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.ico $(VENDOR)/govuk/
	touch $@

system-deps:
	@scripts/system-deps.sh

demo: install assets
	$(BIN)/masip migrate --no-input -v0
	MASIP_DEMO=1 $(BIN)/masip seed_demo --scale $(SCALE) --seed $(SEED) --if-empty
	@MASIP_DEMO=1 $(BIN)/masip demo_banner --port $(PORT)
	MASIP_DEMO=1 $(BIN)/masip runserver 127.0.0.1:$(PORT) --noreload

reset-demo: install assets
	rm -f data/masip.sqlite3
	$(MAKE) demo

test: install assets system-deps
	$(BIN)/pytest -q $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks

# PYTHONPATH=src so import-linter and mypy read this checkout's code (.importlinter holds the
# contracts; [tool.mypy] in pyproject.toml the type-checking settings).
lint: install
	$(BIN)/ruff check src benchmarks tests conftest.py
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	PYTHONPATH=src $(BIN)/mypy src/masip

clean:
	rm -rf $(VENV) node_modules $(VENDOR) data/*.sqlite3*
