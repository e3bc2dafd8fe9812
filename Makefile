# c360 — one command each. `make help` lists them.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
STACK := deploy/local/stack.sh
PYTEST_ARGS ?=

.PHONY: help setup up down status test test-unit lint format bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install uv (if missing) and the locked Python dependencies
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --quiet "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet

up: setup ## start Kafka, the Mongo-protocol store and every c360 service
	@$(STACK) up

down: ## stop everything `make up` started
	@$(STACK) down

status: ## health of the infrastructure and the services
	@$(STACK) status

test: setup ## run every test against the real broker and store (starts them if needed)
	@$(STACK) up
	@$(UV) run pytest $(PYTEST_ARGS)

test-unit: setup ## only the tests that need no services
	@$(UV) run pytest tests/unit $(PYTEST_ARGS)

lint: setup ## ruff (lint + format check) and mypy
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy

format: setup ## apply ruff's fixes and formatting
	@$(UV) run ruff check --fix .
	@$(UV) run ruff format .

bench: setup ## benchmarks: ratios against raw limits measured in the same run, percentiles
	@$(STACK) up
	@$(UV) run python -m tests.bench $(BENCH)
