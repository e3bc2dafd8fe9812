"""A history file, line by line, as CloudEvents with deterministic ids. Pure (reads bytes given).

An event without an `id` gets `<source file digest>-<line number>`, one without a `source` the
import's `--source`, and every event carries the `c360import` extension (the file digest): the
same file imported again yields byte-identical events, which the interactions ledger answers with
its first answer, so a rerun is a no-op and an interrupted import is resumed by running it again.
An event is its `source` + `id`, so the same file imported under two sources is two histories.
The notifier reads the extension as "history".
"""

import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from services.ops.importing.mapping import (
    DEFAULT_SOURCE,
    ColumnMapping,
    LineError,
    cells,
    column_index,
    purchase_event,
)
from shared.events.history import IMPORT_MARKER

WHITESPACE = "whitespace"


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, as an editor shows it
    event: dict[str, Any] | None = None
    error: str | None = None


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:16]


def event_id(digest: str, number: int) -> str:
    return f"import-{digest}-{number}"


def json_lines(content: bytes, source: str = DEFAULT_SOURCE) -> Iterator[Line]:
    digest = file_digest(content)
    for number, raw in enumerate(content.splitlines(), start=1):
        if raw.strip():
            yield _json_line(raw, number, digest, source)


def _json_line(raw: bytes, number: int, digest: str, source: str) -> Line:
    try:
        event = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Line(number, error=f"not valid JSON: {exc}")
    if not isinstance(event, dict):
        return Line(number, error="a line holds one CloudEvent, a JSON object")
    event.setdefault("id", event_id(digest, number))
    event.setdefault("source", source)
    event.setdefault(IMPORT_MARKER, digest)
    return Line(number, event)


def csv_lines(content: bytes, mapping: ColumnMapping) -> Iterator[Line]:
    digest = file_digest(content)
    rows = enumerate(_rows(content.decode("utf-8-sig"), mapping.delimiter), start=1)
    header = next((row for _, row in rows), None) if mapping.header else None
    if mapping.header and header is None:
        return  # an empty file
    index = column_index(mapping, header)
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        try:
            event = purchase_event(cells(row, index), mapping, event_id(digest, number))
        except LineError as exc:
            yield Line(number, error=str(exc))
            continue
        yield Line(number, {**event, IMPORT_MARKER: digest})


def _rows(text: str, delimiter: str) -> Iterator[list[str]]:
    if delimiter == WHITESPACE:  # fixed-width exports such as the CDNOW sample
        yield from (line.split() for line in text.splitlines())
    else:
        yield from csv.reader(text.splitlines(), delimiter=delimiter)
