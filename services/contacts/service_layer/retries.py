"""Retrying a read-decide-commit cycle that lost a race to another writer."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from services.contacts.service_layer.ports import Conflict

T = TypeVar("T")
MAX_ATTEMPTS = 10


async def retry_on_conflict(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt` again (it re-reads the state) until it commits without a conflict."""
    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return await attempt()
        except Conflict:
            continue
    return await attempt()
