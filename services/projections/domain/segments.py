"""Segments: named rules over the 360 view, and which customers they hold. Pure: no I/O.

A segment's rule is parsed once and compiled (`shared.conditions`); a `Catalog` holds every live
segment compiled, so evaluating a view is one call per segment. Membership is kept in the
customer's own state (`CustomerState.segments`), and `assess` compares it with the rules' verdict
on the new view: what it returns is the new membership and the entered/exited changes.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from shared.conditions import Check, Condition, compile_condition, dump_condition

SEGMENT_ID = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Segment(BaseModel):
    """A segment as stored: its rule in the condition language."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=SEGMENT_ID)
    name: str = Field(min_length=1, max_length=200)
    rule: Condition
    created_at: datetime
    deleted: bool = False

    @property
    def rule_hash(self) -> str:
        """Names this version of the rule (back-fill event ids depend on it)."""
        canonical = orjson.dumps(dump_condition(self.rule), option=orjson.OPT_SORT_KEYS)
        return hashlib.sha256(canonical).hexdigest()[:16]


@dataclass(frozen=True)
class Compiled:
    id: str
    name: str
    check: Check


@dataclass(frozen=True)
class Catalog:
    """The live segments, compiled, and the ids of deleted ones (dropped from memberships)."""

    live: tuple[Compiled, ...] = ()
    deleted: frozenset[str] = frozenset()

    @classmethod
    def of(cls, segments: Iterable[Segment]) -> "Catalog":
        chosen = sorted(segments, key=lambda s: s.id)
        return cls(
            live=tuple(
                Compiled(s.id, s.name, compile_condition(s.rule)) for s in chosen if not s.deleted
            ),
            deleted=frozenset(s.id for s in chosen if s.deleted),
        )

    @property
    def names(self) -> dict[str, str]:
        return {s.id: s.name for s in self.live}


@dataclass(frozen=True)
class Change:
    segment_id: str
    segment_name: str
    entered: bool


@dataclass(frozen=True)
class Assessment:
    segments: tuple[str, ...]
    changes: list[Change] = field(default_factory=list)


def matching(catalog: Catalog, document: Mapping[str, Any]) -> set[str]:
    """The ids of the live segments whose rule holds for `document`."""
    return {s.id for s in catalog.live if s.check(document)}


def assess(catalog: Catalog, current: Iterable[str], document: Mapping[str, Any]) -> Assessment:
    """The membership after a view change. Segments the catalog does not know (yet) keep their
    membership: a worker whose catalog is a moment old must not undo a newer segment's back-fill."""
    held = set(current)
    now = matching(catalog, document)
    known = {s.id for s in catalog.live}
    kept = {s for s in held if s not in known and s not in catalog.deleted}
    changes = [
        Change(s.id, s.name, entered=s.id in now)
        for s in catalog.live
        if (s.id in now) != (s.id in held)
    ]
    return Assessment(tuple(sorted(now | kept)), changes)
