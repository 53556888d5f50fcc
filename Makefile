.PHONY: run test lint

# Installs everything and runs the app with demo data on SQLite.
run:
	bash scripts/run.sh

# Installs what the tests need and runs every test, the browser tests included.
test:
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .
