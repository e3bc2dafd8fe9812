"""Hypothesis strategies read off the event models: every field, with its edges.

The strategies are built from each field's type and constraints (lengths, bounds, enums, nested
payloads), so a field added to the contract is generated without touching this file. What they
produce is not necessarily valid — the door decides; the contract test keeps what it accepts.
"""

import types
from datetime import UTC, date, datetime, timedelta, timezone
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel
from pydantic.functional_validators import AfterValidator

from shared.events.money import ISO_4217
from shared.events.text import EARLIEST, LATEST, free_text

OFFSETS = [timedelta(hours=h) for h in (-14, -12, -3.5, 0, 3.5, 5.75, 14)]
# The window's edges, seen from the extreme offsets, and ordinary times.
EDGE_TIMES = [EARLIEST, EARLIEST + timedelta(hours=14), LATEST - timedelta(microseconds=1)]
LINE = st.characters(blacklist_categories=("Cc", "Cs"))
FREE = st.one_of(LINE, st.sampled_from("\t\n\r"))
SHORT = 24  # most generated text is short; the maximum length is drawn on its own


def times(latest: datetime = LATEST) -> st.SearchStrategy[datetime]:
    """Aware times around and inside the window, in far-apart offsets."""
    naive = st.datetimes(
        min_value=(EARLIEST - timedelta(days=1)).replace(tzinfo=None),
        max_value=min(latest, LATEST).replace(tzinfo=None),
    )
    local = st.builds(
        lambda moment, offset: moment.replace(tzinfo=timezone(offset)),
        naive,
        st.sampled_from(OFFSETS),
    )
    edges = st.sampled_from([t for t in EDGE_TIMES if t <= latest] + [latest])
    return st.one_of(local, edges.map(lambda t: t.astimezone(UTC)))


def _bounds(metadata: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in metadata:
        if isinstance(item, MinLen):
            found["min_len"] = item.min_length
        elif isinstance(item, MaxLen):
            found["max_len"] = item.max_length
        elif isinstance(item, Ge):
            found["lo"] = int(item.ge)  # type: ignore[call-overload]
        elif isinstance(item, Gt):
            found["lo"] = int(item.gt) + 1  # type: ignore[call-overload]
        elif isinstance(item, Le):
            found["hi"] = int(item.le)  # type: ignore[call-overload]
        elif isinstance(item, Lt):
            found["hi"] = int(item.lt) - 1  # type: ignore[call-overload]
        elif getattr(item, "max_length", None) is not None:  # StringConstraints
            found["max_len"] = item.max_length
    return found


def _pattern(metadata: list[Any]) -> str | None:
    return next((p for item in metadata if (p := getattr(item, "pattern", None))), None)


def text(metadata: list[Any]) -> st.SearchStrategy[str]:
    bounds = _bounds(metadata)
    pattern = _pattern(metadata)
    if pattern:
        return st.from_regex(pattern, fullmatch=True)
    is_free = any(isinstance(m, AfterValidator) and m.func is free_text for m in metadata)
    alphabet = FREE if is_free else LINE
    low, high = bounds.get("min_len", 0), bounds.get("max_len", 200)
    return st.one_of(
        st.text(alphabet, min_size=low, max_size=max(low, min(high, SHORT))),
        # the longest allowed, cheaply: a short piece repeated to the maximum length
        st.text(alphabet, min_size=1, max_size=4).map(lambda piece: (piece * high)[:high]),
    )


def integers(metadata: list[Any]) -> st.SearchStrategy[int]:
    bounds = _bounds(metadata)
    low, high = bounds.get("lo", -(2**63)), bounds.get("hi", 2**63 - 1)
    return st.one_of(st.integers(low, high), st.sampled_from([low, high]))


def value_of(annotation: Any, metadata: list[Any], name: str = "") -> st.SearchStrategy[Any]:
    """A JSON-ready value for a field of this type and constraints."""
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return value_of(args[0], [*args[1:], *metadata], name)
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return st.none() | value_of(present[0], metadata, name)
    if origin is tuple or origin is list:
        return st.lists(value_of(args[0], [], name), max_size=3)
    if origin is dict:
        keys = value_of(args[0], [], name).filter(lambda k: k not in ("email", "phone", "customer"))
        return st.dictionaries(keys, value_of(args[1], [], name), max_size=3)
    if name == "currency":
        return st.sampled_from(sorted(ISO_4217))
    return _scalar(annotation, metadata)


def _scalar(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return payload(annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from([member.value for member in annotation])
    if annotation is AwareDatetime or annotation is datetime:
        return times().map(datetime.isoformat)
    if annotation is date:
        return st.dates(date(1900, 1, 1), date.today()).map(date.isoformat)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return integers(metadata)
    if annotation is str:
        return text(metadata)
    raise NotImplementedError(f"no strategy for {annotation!r}: extend tests/unit/contract")


def payload(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """A `data` object: required fields always, optional ones sometimes."""
    fields = {
        name: value_of(info.annotation, list(info.metadata), name)
        for name, info in model.model_fields.items()
    }
    required = {n: s for n, s in fields.items() if model.model_fields[n].is_required()}
    optional = {n: s for n, s in fields.items() if n not in required}
    return st.fixed_dictionaries(required, optional=optional)
