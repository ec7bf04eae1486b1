# The two commands: `make run` and `make test`. Everything else is what they stand on.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
DEV_ENV := DJANGO_DEBUG=true
# Skipping generated files keeps compilemessages away from the virtualenv and node_modules.
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles
# Every branch of every permissions.py is run by a test, or `make test` fails (STYLE rule 3;
# [tool.coverage] in pyproject.toml). Narrowing with PYTEST_ARGS runs fewer tests: pass
# COVERAGE_GATE= with it.
# The unit run is split over this many processes (pytest-xdist), each with its own test database
# and Redis database (REDIS_URL's number plus the worker's index); TEST_WORKERS=0 runs in one.
TEST_WORKERS ?= 2
# The browser tests wait on Chromium more than they compute: two processes, each with its own
# browser, live server and databases, halve their time.
BROWSER_WORKERS ?= 2
COVERAGE_GATE ?= --cov=accounts.permissions --cov=tickets.permissions --cov=chat.permissions --cov=attendance.permissions --cov=reports.permissions --cov=workspace.permissions --cov=api.permissions \
	--cov-branch --cov-fail-under=100


.PHONY: run test bench bench-deps install install-test assets messages check lint lint-templates format system-deps clean

run: install assets messages
	$(DEV_ENV) $(MANAGE) migrate --noinput
	$(DEV_ENV) $(MANAGE) seed_demo
	@echo "Serving http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: install-test assets messages system-deps lint
	$(DEV_ENV) $(MANAGE) check
	$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run
	mkdir -p .reports
	# Browser tests run in their own process: a session-wide browser upsets asyncio tests.
	$(BIN)/pytest -m "not browser" -n $(TEST_WORKERS) $(COVERAGE_GATE) --junitxml=.reports/unit.xml $(PYTEST_ARGS)
	$(BIN)/pytest -m browser -n $(BROWSER_WORKERS) --junitxml=.reports/browser.xml $(PYTEST_ARGS)

# 100,000 tickets, then the main pages timed in-process and over HTTP (.reports/bench-*.md).
# SQLite in bench.sqlite3 unless DATABASE_URL says otherwise.
bench: install-test assets messages bench-deps
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/bench.sqlite3} DJANGO_DEBUG=true $(MANAGE) migrate --noinput -v0
	DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/bench.sqlite3} DJANGO_DEBUG=true $(MANAGE) bench $(BENCH_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Bootstrap, its icons and htmx come from the npm registry; Django serves them from node_modules.
assets: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

messages: install
	@command -v msgfmt >/dev/null || { $(APT_INSTALL) gettext; }
	$(DEV_ENV) $(MANAGE) compilemessages $(I18N_IGNORE) -v0

# Refresh the catalogue after changing user-facing strings, then translate locale/pt_BR.
makemessages: install
	@command -v msgfmt >/dev/null || { $(APT_INSTALL) gettext; }
	$(DEV_ENV) $(MANAGE) makemessages -l pt_BR --no-location --extension html,txt,py $(I18N_IGNORE)

# Another apt-get (an unattended upgrade) holding the package lock is waited for, not failed on.
APT_INSTALL := apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive \
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq

# From Debian: Chromium for Playwright (never `playwright install`), poppler for PDF checks,
# gettext for translations, Dovecot for the IMAP tests.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v dovecot >/dev/null || [ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing"; \
		$(APT_INSTALL) $$missing; \
	fi

# wrk makes the HTTP load of `make bench` (a client in C: one in Python was slower than the
# server it measured).
bench-deps:
	@command -v wrk >/dev/null || { echo "Installing wrk"; $(APT_INSTALL) wrk; }

# ruff; the layers of apps (import-linter); the types of services, selectors and gates (mypy).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEV_ENV) $(BIN)/mypy
	$(BIN)/djlint templates --lint

# djlint's rules and the files excused from some of them: [tool.djlint] in pyproject.toml.
lint-templates: install-test
	$(BIN)/djlint templates --lint

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .reports staticfiles .test-media
