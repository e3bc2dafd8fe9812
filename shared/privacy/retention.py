"""When a record in a topic of bounded retention is gone at the latest, and so when adapters'
plaintext copies (the ingress topic and its dead letters, which c360 cannot encrypt) of an erased
person expire. An erasure answers it; a verify scan dates each copy it finds with it."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.settings import Settings
from shared.topics import DEADLETTER, INGRESS, Topics, topic_config

# Kafka deletes a segment once its newest record is older than retention.ms; the active segment
# rolls after segment.ms, and the broker looks every log.retention.check.interval.ms (5 min).
RETENTION_CHECK = timedelta(minutes=5)


@dataclass(frozen=True)
class Retention:
    retention_ms: int  # -1: for ever
    segment_ms: int

    def expiry(self, timestamp_ms: int) -> datetime | None:
        if self.retention_ms < 0:
            return None
        after = timedelta(milliseconds=self.retention_ms + self.segment_ms) + RETENTION_CHECK
        return datetime.fromtimestamp(timestamp_ms / 1000, UTC) + after


@dataclass(frozen=True)
class PlaintextExpiry:
    topics: list[str]  # the topics holding adapters' bytes in clear
    expires_at: datetime | None  # anything written to them until now is gone by then


def plaintext_expiry(settings: Settings) -> PlaintextExpiry:
    """The topics that hold adapters' bytes in clear, and when anything written to them until
    now is gone at the latest (their configured retention)."""
    now_ms = int(datetime.now(UTC).timestamp() * 1000)
    topics = Topics.from_settings(settings)
    bounds = [
        Retention(int(c["retention.ms"]), int(c["segment.ms"])).expiry(now_ms)
        for c in (topic_config(INGRESS), topic_config(DEADLETTER))
    ]
    unbounded = any(b is None for b in bounds)
    latest = None if unbounded else max(b for b in bounds if b is not None)
    return PlaintextExpiry([topics.ingress, topics.deadletter], latest)
