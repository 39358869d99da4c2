# The two commands of the README: `make run` and `make test`. Both set up first.
SHELL := /bin/bash
LISTS ?= ../shared/data/lists
export EMBARGO_DB ?= $(CURDIR)/data/embargo.db

.PHONY: setup run test test-slow lint

setup:
	./scripts/setup.sh

run: setup
	.venv/bin/embargo ingest $(LISTS) || true
	.venv/bin/embargo lists
	.venv/bin/embargo entity us_ofac_sdn:16649
	.venv/bin/embargo screen "Dmitri Rogosin"
	.venv/bin/embargo screen "Рогозин Дмитрий Олегович" --type person --birth-date 1963-12-21
	@echo "serving the API and the web page: http://127.0.0.1:8000/ui (API docs: /docs); Ctrl-C stops"
	.venv/bin/embargo serve --host 127.0.0.1 --port 8000

lint: setup
	.venv/bin/ruff check embargo tests bench
	.venv/bin/ruff format --check embargo tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports  # the layers (pyproject's [tool.importlinter], docs/ARCHITECTURE.md)

# The fault, soak and Spark suites (marked slow / spark) run apart; .ci/run runs both targets.
test: setup lint
	.venv/bin/pytest -n 2 -q -m "not slow and not spark" --durations=15

test-slow: setup
	.venv/bin/pytest -n 2 -q -m "slow or spark"
