# Two commands matter: `make run` and `make test`. Every step installs only what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
FLASK := $(BIN)/flask --app wsgi
# Debian packages: CJK font and HarfBuzz subsetting for PDFs, poppler for PDF checks, chromium for browser tests.
RUN_DEB := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_DEB := $(RUN_DEB) poppler-utils chromium
PG_DEB := postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-pg deps catalogues translations system-deps-run system-deps-test system-deps-pg assets migrate bench drill security-scan clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.requirements.stamp: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

deps: $(VENV)/.requirements.stamp assets catalogues

# The 繁體中文 and English interface (issue 17): .po files are the source, .mo files are built.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard portal/translations/*/LC_MESSAGES/messages.po))
portal/translations/%/LC_MESSAGES/messages.mo: portal/translations/%/LC_MESSAGES/messages.po | $(VENV)/.requirements.stamp
	$(BIN)/pybabel -q compile -i $< -o $@ -l $*

catalogues: $(CATALOGUES)

# New or changed UI strings into both catalogues (繁體 drafted by OpenCC s2twp, flagged fuzzy until read).
translations: $(VENV)/.requirements.stamp
	$(BIN)/python scripts/translations.py update

# htmx comes from the npm registry, pinned in package.json/package-lock.json; served by the app.
static/vendor/htmx.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

assets: static/vendor/htmx.min.js

define apt_install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
endef

system-deps-run:
	$(call apt_install_missing,$(RUN_DEB))

system-deps-test:
	$(call apt_install_missing,$(TEST_DEB))

system-deps-pg:
	$(call apt_install_missing,$(PG_DEB))

migrate: deps
	$(FLASK) db upgrade

run: system-deps-run deps migrate
	$(FLASK) demo seed --if-empty
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: system-deps-test deps
	$(BIN)/bandit -q -r portal -ll
	$(BIN)/pytest -q -n 2 --dist loadgroup

# The same suite on a throwaway PostgreSQL 15 cluster started on 127.0.0.1 (see scripts/with-postgres).
test-pg: system-deps-test system-deps-pg deps
	scripts/with-postgres $(BIN)/pytest -q -n 2 --dist loadgroup

clean:
	rm -rf $(VENV) node_modules static/vendor .stamp-*

# --- Proof at scale (issue 6): bench, drills, attack tools -------------------------------------------
# make bench [BENCH_ARGS=--quick]: large data set (cached in bench/cache/), table + bench/results/latest.json.
# DATABASE_URL=postgresql://... make bench runs it on PostgreSQL.
bench: deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The drills at full size: 16 clients × 500 requests, 200 kill -9 iterations (make test runs them small).
drill: deps
	DRILL_SCALE=large $(BIN)/pytest -q -s -p no:randomly tests/drills

# bandit, sqlmap, wapiti and axe-core against a scratch instance on 127.0.0.1 (installs what it needs).
security-scan: system-deps-test deps
	$(call apt_install_missing,sqlmap wapiti)
	cd bench && npm ci --no-audit --no-fund --silent
	$(BIN)/python scripts/security_scan.py $(SCAN_ARGS)
