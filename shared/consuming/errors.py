"""What a failure means: an outage to wait out, or a record that cannot be applied."""

import asyncio

from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
)
from pymongo.errors import AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError

# What a store or broker says when it does not answer (AutoReconnect covers ConnectionFailure's
# network flavours; a plain OperationFailure is an answer, and so may be poison).
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    AutoReconnect,
    ServerSelectionTimeoutError,
    NetworkTimeout,
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
    ConnectionError,
    asyncio.TimeoutError,
)


class DependencyDown(Exception):
    """A store or broker does not answer. Not poison: the runner pauses and retries the batch,
    dead-letters nothing, and reports not ready until it answers again."""


class PoisonRecord(Exception):
    """A handler may raise this for one record it knows cannot be applied; `kind` becomes the
    dead letter's reason (other exceptions are dead-lettered as `handler_error`)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def is_dependency_down(exc: BaseException) -> bool:
    """True for an outage, looking through `raise ... from` chains and exception groups."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (DependencyDown, *OUTAGE_ERRORS)):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        if current.__cause__ is not None:
            pending.append(current.__cause__)
    return False


def error_text(exc: BaseException, limit: int = 2000) -> str:
    """One stack-free line a dead letter can carry: the exception's type and message."""
    text = f"{type(exc).__name__}: {exc}".replace("\x00", "\\x00")
    return text if len(text) <= limit else text[: limit - 1] + "…"
