"""The value types of the door: what c360 accepts is what every consumer can apply.

One set of annotated types, used by the event contract and by every HTTP schema, so the rules are
written once:

- `SafeText`: a single line — no control characters (C0, DEL, C1), no lone surrogates. PostgreSQL
  (behind FerretDB) refuses a NUL for ever, and a lone surrogate cannot be encoded as UTF-8 by any
  writer; both would be poison to every consumer downstream.
- `FreeText`: like `SafeText` but tab, line feed and carriage return are allowed (notes, comments).
- `BoundedTime`: an aware time within `EARLIEST`..`LATEST`, so a fold can add days or convert to
  UTC without overflowing. At the door (a validation context made by `door_context`) it must also
  lie no more than the configured skew in the future: an event cannot have happened later than now.
- `WholeNumber`: a strict integer (`true`, `"100"` and `1.0` are refused); money is
  `shared.events.money.AmountMinor`, strict as well and bounded to fit a signed 64-bit integer.
"""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Strict, ValidationInfo

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
DEFAULT_MAX_FUTURE_SKEW = timedelta(minutes=15)
# Unicode's control characters (category Cc: C0, DEL, C1) and surrogates (Cs), as one character
# class each, so a value is checked by one regex search in C rather than a Python loop over its
# characters (validation is on the hot path of every event; a unit test compares these classes
# with `unicodedata` over every code point).
_SURROGATES = "\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_SURROGATES}]")
_UNSAFE_BUT_LINE_BREAKS = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_SURROGATES}]")


def _refuse_unsafe(value: str, unsafe: re.Pattern[str]) -> str:
    found = unsafe.search(value)
    if found is None:
        return value
    char, position = found.group(), found.start()
    if "\ud800" <= char <= "\udfff":
        raise ValueError(f"lone surrogate U+{ord(char):04X} at position {position}")
    raise ValueError(f"control character U+{ord(char):04X} at position {position}")


def single_line(value: str) -> str:
    """Refuse control characters and lone surrogates."""
    return _refuse_unsafe(value, _UNSAFE)


def free_text(value: str) -> str:
    """Refuse control characters other than tab and line breaks, and lone surrogates."""
    return _refuse_unsafe(value, _UNSAFE_BUT_LINE_BREAKS)


SafeText = Annotated[str, AfterValidator(single_line)]
FreeText = Annotated[str, AfterValidator(free_text)]


def door_context(
    max_future_skew: timedelta,
    now: datetime | None = None,
    wrapup_codes: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The validation context of the door: times may lie at most `max_future_skew` ahead, and
    a call's wrap-up code must be one of `wrapup_codes` (when given)."""
    context: dict[str, Any] = {"latest_time": (now or datetime.now(UTC)) + max_future_skew}
    if wrapup_codes is not None:
        context["wrapup_codes"] = tuple(wrapup_codes)
    return context


def within_window(value: datetime) -> datetime:
    """Refuse a time outside `EARLIEST`..`LATEST`, the range every fold can compute with."""
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"time must lie between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d} (UTC)")
    return value


def _not_in_the_future(value: datetime, info: ValidationInfo) -> datetime:
    context = info.context
    if context is None:  # not at the door: what the log holds was checked there
        return value
    latest = context.get("latest_time") if isinstance(context, Mapping) else None
    if isinstance(latest, datetime) and value > latest:
        raise ValueError(f"time lies in the future (later than {latest.isoformat()})")
    return value


BoundedTime = Annotated[
    AwareDatetime, AfterValidator(within_window), AfterValidator(_not_in_the_future)
]
# In the window but never compared with now: deadlines and schedules lie in the future.
WindowTime = Annotated[AwareDatetime, AfterValidator(within_window)]
WholeNumber = Annotated[int, Strict()]
