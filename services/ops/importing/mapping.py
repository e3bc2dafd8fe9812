"""How a CSV line becomes a purchase CloudEvent: the column mapping and its options. Pure.

`FIELD=COLUMN` pairs name, for each event field, the column that holds it (a header name, or a
1-based column number for a file without a header). Fields:

- `customer.customer_id`, `customer.email`, `customer.phone`, `customer.external_ids.<system>`:
  at least one, e.g. `customer.external_ids.shop=2`;
- `time` (required): read with `date_format` (ISO 8601 by default) in `timezone` (UTC);
- `amount` (required): `major` units (`29.33` dollars) unless `amount_units` is `minor` (`2933`);
- `currency` (optional column; else the `currency` option), `quantity`, `order_id`, `sku`.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.events.types import EventType

CUSTOMER_FIELD = re.compile(
    r"^customer\.(customer_id|email|phone|external_ids\.[a-z][a-z0-9_-]{0,31})$"
)
PLAIN_FIELDS = frozenset({"time", "amount", "currency", "quantity", "order_id", "sku"})
REQUIRED_FIELDS = ("time", "amount")
ISO_8601 = "iso"
DECIMALS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3}


class MappingError(ValueError):
    """The mapping itself is unusable: nothing can be imported with it."""


class LineError(ValueError):
    """One line cannot become an event; the import goes on and reports it."""


DEFAULT_SOURCE = "c360/import"


@dataclass(frozen=True)
class ColumnMapping:
    columns: Mapping[str, str]  # event field -> column name or 1-based number
    currency: str = "USD"
    date_format: str = ISO_8601
    timezone: str = "UTC"
    amount_units: Literal["major", "minor"] = "major"
    source: str = DEFAULT_SOURCE
    header: bool = True
    delimiter: str = ","

    def __post_init__(self) -> None:
        unknown = [f for f in self.columns if f not in PLAIN_FIELDS and not CUSTOMER_FIELD.match(f)]
        if unknown:
            raise MappingError(f"unknown field(s) {', '.join(unknown)} in the column mapping")
        missing = [f for f in REQUIRED_FIELDS if f not in self.columns]
        if not any(CUSTOMER_FIELD.match(f) for f in self.columns):
            missing.append("customer.<identifier>")
        if missing:
            raise MappingError(f"the column mapping needs {', '.join(missing)}")
        if self.amount_units not in ("major", "minor"):
            raise MappingError("amount_units is `major` (29.33) or `minor` (2933)")
        try:
            ZoneInfo(self.timezone)
        except (ValueError, ZoneInfoNotFoundError):
            raise MappingError(
                f"unknown timezone {self.timezone!r} (e.g. UTC, Asia/Tehran)"
            ) from None
        if not self.header and not all(c.isdigit() for c in self.columns.values()):
            raise MappingError("without a header line, name columns by number (1 is the first)")


def parse_pairs(text: str) -> dict[str, str]:
    """`time=3,amount=5` -> {"time": "3", "amount": "5"}."""
    pairs = [p.strip() for p in text.split(",") if p.strip()]
    if any("=" not in p for p in pairs):
        raise MappingError(f"write the mapping as FIELD=COLUMN pairs separated by commas: {text!r}")
    return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}


def column_index(mapping: ColumnMapping, header: Sequence[str] | None) -> dict[str, int]:
    """Each mapped field's 0-based position in a row."""
    if header is None:
        return {f: int(c) - 1 for f, c in mapping.columns.items()}
    missing = [c for c in mapping.columns.values() if c not in header]
    if missing:
        raise MappingError(f"the header has no column(s) {', '.join(missing)}")
    return {f: list(header).index(c) for f, c in mapping.columns.items()}


def cells(row: Sequence[str], index: Mapping[str, int]) -> dict[str, str]:
    if len(row) <= max(index.values()):
        raise LineError(f"expected at least {max(index.values()) + 1} columns, found {len(row)}")
    return {f: row[i].strip() for f, i in index.items()}


def purchase_event(
    values: Mapping[str, str], mapping: ColumnMapping, event_id: str
) -> dict[str, Any]:
    """The CloudEvent (structured JSON) for one line's mapped values."""
    currency = (values.get("currency") or mapping.currency).upper()
    amount = minor_units(values["amount"], currency, mapping.amount_units)
    quantity = whole_number(values.get("quantity") or "1", "quantity")
    data: dict[str, Any] = {
        "customer": customer_block(values),
        "order_id": values.get("order_id") or event_id,
        "amount_minor": amount,
        "currency": currency,
    }
    if quantity > 0 and amount % quantity == 0:
        sku = values.get("sku") or "item"
        data["items"] = [{"sku": sku, "quantity": quantity, "unit_price_minor": amount // quantity}]
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": mapping.source,
        "type": EventType.PURCHASE.value,
        "time": event_time(values["time"], mapping).isoformat(),
        "data": data,
    }


def customer_block(values: Mapping[str, str]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    for name, value in values.items():
        if not value or not name.startswith("customer."):
            continue
        path = name.removeprefix("customer.")
        if path.startswith("external_ids."):
            block.setdefault("external_ids", {})[path.removeprefix("external_ids.")] = value
        else:
            block[path] = value
    if not block:
        raise LineError("no customer identifier on this line")
    return block


def event_time(text: str, mapping: ColumnMapping) -> datetime:
    try:
        if mapping.date_format == ISO_8601:
            moment = datetime.fromisoformat(text)
        else:
            moment = datetime.strptime(text, mapping.date_format)
    except ValueError:
        wanted = "ISO 8601" if mapping.date_format == ISO_8601 else mapping.date_format
        raise LineError(f"time {text!r} does not match {wanted}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(mapping.timezone))


def minor_units(text: str, currency: str, units: str) -> int:
    """`29.33` USD in major units -> 2933; exact, so a fraction finer than the currency's is an
    error rather than a silent rounding."""
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise LineError(f"amount {text!r} is not a number") from None
    if units == "major":
        amount = amount.scaleb(DECIMALS.get(currency, 2))
    if amount != amount.to_integral_value() or amount < 0:
        raise LineError(
            f"amount {text!r} is not a whole, non-negative number of {currency} minor units"
        )
    return int(amount)


def whole_number(text: str, name: str) -> int:
    if not text.isdigit():
        raise LineError(f"{name} {text!r} is not a whole number")
    return int(text)
