# c360 — one command each. `make help` lists them.
SHELL := /bin/bash
UV_VERSION := 0.13.8
# Before the first `make setup` there is no uv on the PATH: pip installs it as a module of the same
# Python, so `python3 -m uv` finds it wherever pip put the binary.
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
# The local stack: one table of components (deploy/local/stack/components.py) and one engine.
STACK = $(UV) run --frozen --no-sync python -m deploy.local.stack
PYTEST_ARGS ?=
# Fault and end-to-end tests kill, restart and time out real processes on a shared 2-core
# machine: a failed test gets one more run, and the summary lists every rerun, so flakiness shows.
RERUNS ?= --reruns 1 --reruns-delay 5

.PHONY: help setup infra up down status test test-unit lint format bench docs rebuild rebuild-analytics reindex

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## install uv (if missing) and the locked Python dependencies
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --root-user-action=ignore "uv==$(UV_VERSION)"
	@$(UV) sync --frozen --quiet

infra: setup ## start the infrastructure: Kafka, the Mongo-protocol store, Keycloak, Mailpit, the sink
	@$(STACK) up

up: infra ## start the infrastructure and every c360 service; print the URLs
	@deploy/local/ensure_kcat.sh
	@$(UV) run --frozen c360 topics
	@$(STACK) up services
	@echo
	@echo "c360 is up:"
	@echo "  console            http://127.0.0.1:8003/console"
	@echo "  contacts API       http://127.0.0.1:8001/docs"
	@echo "  interactions API   http://127.0.0.1:8002/docs"
	@echo "  projections API    http://127.0.0.1:8003/docs"
	@echo "  notifier admin     http://127.0.0.1:8004/docs"
	@echo "  KPI dashboard      http://127.0.0.1:8006/dashboard"
	@echo "  Kafka              127.0.0.1:9092   (SASL: adapter / adapter-local, admin / admin-local; README)"
	@echo "  Mongo-protocol     mongodb://127.0.0.1:27017/"
	@echo "  Keycloak (OIDC)    http://127.0.0.1:8080/realms/c360   (admin console: admin / admin)"
	@echo "  Mailpit (mail)     http://127.0.0.1:8025   SMTP 127.0.0.1:1025"
	@echo "  SMS and webhooks   http://127.0.0.1:8026   (the notification sink)"
	@echo "  AsyncAPI (topics)  http://127.0.0.1:8002/asyncapi.json"
	@echo "  stop with: make down    health: make status"

down: setup ## stop everything `make up` started (data is kept)
	@$(STACK) down

status: setup ## health of the infrastructure and the services
	@$(STACK) status

test: setup ## run every test against the real broker and store (starts them if needed)
	@$(STACK) up
	@if [ -x tests/browser/ensure_chromium.sh ]; then tests/browser/ensure_chromium.sh; fi
	@$(UV) run pytest $(RERUNS) $(PYTEST_ARGS)

test-unit: setup ## only the tests that need no services
	@$(UV) run pytest tests/unit $(PYTEST_ARGS)

lint: setup ## ruff (lint + format check) and mypy
	@$(UV) run ruff check .
	@$(UV) run ruff format --check .
	@$(UV) run mypy

rebuild: setup ## fold the log into a new projection generation and switch reads when caught up
	@$(UV) run python -m services.projections.rebuild $(ARGS)

reindex: setup ## rebuild the contacts' identity index under C360_IDENTITY_INDEX_KEY (contacts stopped)
	@$(UV) run python -m services.contacts.reindex

rebuild-analytics: setup ## fold the log into a new generation of analytics purchase histories
	@$(UV) run python -m services.analytics.rebuild $(ARGS)

docs: setup ## regenerate docs/asyncapi.json from the event models
	@$(UV) run python -m shared.asyncapi > docs/asyncapi.json

format: setup ## apply ruff's fixes and formatting
	@$(UV) run ruff check --fix .
	@$(UV) run ruff format .

bench: setup ## benchmarks: ratios against raw limits measured in the same run, percentiles
	@$(STACK) up
	@$(UV) run python -m tests.bench $(BENCH)
