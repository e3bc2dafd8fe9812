"""Schema evolution: raise an old event's `data` to the current version before validation.

A published schema is never edited. A change adds `schema_version = N + 1` on the event class and
registers an upcaster from N to N + 1 here; old records in the log stay readable forever.
"""

from collections.abc import Callable
from typing import Any

from shared.events.types import EventType

RawData = dict[str, Any]
Upcaster = Callable[[RawData], RawData]

_UPCASTERS: dict[tuple[EventType, int], Upcaster] = {}


def upcaster(event_type: EventType, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register `fn` to turn `event_type` data of `from_version` into `from_version + 1`."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


def upcast_data(event_type: EventType, data: RawData, version: int, target: int) -> RawData:
    """Apply registered upcasters from `version` up to `target`."""
    while version < target:
        step = _UPCASTERS.get((event_type, version))
        if step is None:
            raise LookupError(f"no upcaster for {event_type.value} v{version} -> v{version + 1}")
        data = step(data)
        version += 1
    return data
