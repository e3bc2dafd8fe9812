"""Opaque read-your-writes tokens: where in the log an accepted event was written."""

import base64
import binascii
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Position:
    topic: str
    partition: int
    offset: int

    def encode(self) -> str:
        raw = f"{self.topic}|{self.partition}|{self.offset}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Position":
        """Raises ValueError with a reason on a token that c360 did not issue."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            topic, partition, offset = raw.split("|")
            return cls(topic, int(partition), int(offset))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValueError(f"{token!r} is not a position token issued by c360") from None
