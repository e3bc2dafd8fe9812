"""What arrived at the sink, kept in order and in a JSON Lines file so a restart keeps it.

A real SMS provider deduplicates on the `Idempotency-Key`, so the sink does too: a redelivered
notification is listed once, as the customer or team would have seen it once."""

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict


class Arrival(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str  # "sms" or "webhook"
    path: str
    key: str  # the notification id the sender gave, else a sequence number
    received_at: datetime
    body: Any
    headers: dict[str, str]


class Inbox:
    def __init__(self, journal: Path | None) -> None:
        self.journal = journal
        self.arrivals: list[Arrival] = []
        self.keys: set[tuple[str, str]] = set()
        self.lock = threading.Lock()
        if journal is not None and journal.exists():
            for line in journal.read_bytes().splitlines():
                self._keep(Arrival.model_validate_json(line))

    def receive(
        self, kind: str, path: str, key: str | None, body: Any, headers: dict[str, str]
    ) -> bool:
        """Keep an arrival; False when the same key already arrived on this kind of channel."""
        with self.lock:
            arrival = Arrival(
                kind=kind,
                path=path,
                key=key or f"seq-{len(self.arrivals) + 1}",
                received_at=datetime.now(UTC),
                body=body,
                headers=headers,
            )
            if (kind, arrival.key) in self.keys:
                return False
            self._keep(arrival)
            if self.journal is not None:
                self.journal.parent.mkdir(parents=True, exist_ok=True)
                with self.journal.open("ab") as out:
                    out.write(orjson.dumps(arrival.model_dump(mode="json")) + b"\n")
            return True

    def _keep(self, arrival: Arrival) -> None:
        self.arrivals.append(arrival)
        self.keys.add((arrival.kind, arrival.key))

    def newest_first(self, kind: str | None = None, limit: int = 200) -> list[Arrival]:
        chosen = [a for a in reversed(self.arrivals) if kind is None or a.kind == kind]
        return chosen[:limit]
