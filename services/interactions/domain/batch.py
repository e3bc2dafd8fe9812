"""A batch: up to 1,000 CloudEvents in one JSON array, answered per event, in order."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.interactions.domain.rejection import Rejected, Rejection

MAX_BATCH_EVENTS = 1_000


def batch_items(obj: Any) -> list[Any]:
    """The events of a batch body; raises Rejected when the body is not a usable batch."""
    if not isinstance(obj, list):
        raise Rejected(
            Rejection("not_an_array", "a batch is a JSON array of CloudEvents (structured mode)")
        )
    if not obj:
        raise Rejected(Rejection("empty_batch", "a batch needs at least one event"))
    if len(obj) > MAX_BATCH_EVENTS:
        raise Rejected(
            Rejection(
                "too_large", f"a batch holds at most {MAX_BATCH_EVENTS} events, not {len(obj)}"
            )
        )
    return obj


@dataclass(frozen=True)
class Copies:
    """Positions of a batch grouped by event (`source` + `id`): `first` is accepted, `same`
    repeat its answer, `different` reuse the id with other content and are refused."""

    first: int
    same: tuple[int, ...] = ()
    different: tuple[int, ...] = ()


def group_copies(ids_and_prints: Sequence[tuple[str, str]]) -> list[Copies]:
    """Group `(event key, fingerprint)` pairs by key, in order of first appearance."""
    firsts: dict[str, int] = {}
    same: dict[str, list[int]] = {}
    different: dict[str, list[int]] = {}
    for index, (event_id, print_) in enumerate(ids_and_prints):
        first = firsts.setdefault(event_id, index)
        if first == index:
            continue
        bucket = same if ids_and_prints[first][1] == print_ else different
        bucket.setdefault(event_id, []).append(index)
    return [
        Copies(first, tuple(same.get(event_id, ())), tuple(different.get(event_id, ())))
        for event_id, first in firsts.items()
    ]
