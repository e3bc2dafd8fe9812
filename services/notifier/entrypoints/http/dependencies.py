"""Typed FastAPI dependencies: what the routers need, taken from the wired application."""

from typing import Annotated

from fastapi import Depends, Request

from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.rules import RulesFile
from services.notifier.service_layer.ports import OutcomePublisher
from services.notifier.service_layer.webhook_keys import Keyring


def get_store(request: Request) -> NotifierStore:
    store: NotifierStore = request.app.state.store
    return store


def get_rules(request: Request) -> RulesFile:
    rules: RulesFile = request.app.state.rules
    return rules


def get_keyring(request: Request) -> Keyring:
    keyring: Keyring = request.app.state.keyring
    return keyring


def get_outcomes(request: Request) -> OutcomePublisher:
    """The outcome publisher exists once the app runs (it needs the Kafka producer)."""
    outcomes: OutcomePublisher = request.app.state.outcomes
    return outcomes


StoreDep = Annotated[NotifierStore, Depends(get_store)]
RulesDep = Annotated[RulesFile, Depends(get_rules)]
KeyringDep = Annotated[Keyring, Depends(get_keyring)]
OutcomesDep = Annotated[OutcomePublisher, Depends(get_outcomes)]
