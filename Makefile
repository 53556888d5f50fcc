.PHONY: run run-scaled test lint messages compile-messages

PYTHON ?= .venv/bin/python
PYBABEL = $(PYTHON) -m babel.messages.frontend
LOCALES = app/i18n/locales

# Installs everything and runs the app with demo data on SQLite.
run:
	bash scripts/run.sh

# The scaled-out mode: PostgreSQL and Redis, two app processes behind nginx (see README, Operations).
run-scaled:
	bash scripts/run-scaled.sh

# Installs what the tests need and runs every test, the browser tests included.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .

# Re-extracts the message keys the code uses into messages.pot, brings the Italian and English catalogs
# in line with it (new keys arrive empty: the tests fail until both have a text) and compiles them.
messages:
	$(PYBABEL) --quiet extract -F babel.cfg -o $(LOCALES)/messages.pot --sort-output --add-location=file \
		--project=customer-registry --version=0.1.0 .
	$(PYBABEL) --quiet update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages --ignore-obsolete \
		--no-fuzzy-matching --ignore-pot-creation-date
	$(MAKE) compile-messages

# The .mo files the app reads; not kept in git, so a clone compiles them (scripts/setup.sh does).
compile-messages:
	$(PYBABEL) --quiet compile -d $(LOCALES) -D messages
