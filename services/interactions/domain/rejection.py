"""Why an event was not accepted, in one vocabulary for HTTP answers and dead-letter headers."""

from dataclasses import dataclass, field

from shared.events import FieldError, InvalidEvent

# kind -> HTTP status. The kinds are stable: adapters and dead-letter tooling match on them.
STATUS_OF_KIND = {
    "malformed_json": 400,
    "not_an_object": 400,
    "too_large": 413,
    "unknown_type": 422,
    "unsupported_version": 422,
    "schema_violation": 422,
    "not_an_interaction": 422,
    "no_usable_identifier": 422,
    "id_reused": 409,
    "unreadable": 400,
    "not_an_array": 400,
    "empty_batch": 422,
}


@dataclass(frozen=True)
class Rejection:
    """An event refused for good: retrying the same bytes can never succeed."""

    kind: str
    message: str
    errors: tuple[FieldError, ...] = field(default=())
    event_id: str | None = None

    @property
    def status(self) -> int:
        return STATUS_OF_KIND.get(self.kind, 422)

    def for_event(self, event_id: str | None) -> "Rejection":
        return Rejection(self.kind, self.message, self.errors, event_id)

    def problem_errors(self) -> list[dict[str, str]]:
        """`[{field, reason}]`, the shape of problem+json `errors`."""
        return [{"field": e.field, "reason": e.reason} for e in self.errors]

    def summary(self) -> str:
        """One line with every field reason, for the dead-letter message header."""
        details = "; ".join(f"{e.field}: {e.reason}" for e in self.errors)
        return f"{self.message} ({details})" if details else self.message

    @classmethod
    def of(cls, invalid: InvalidEvent, event_id: str | None = None) -> "Rejection":
        return cls(invalid.kind, invalid.message, tuple(invalid.errors), event_id)


class Rejected(Exception):
    """Raised by the pure readers; carries the rejection."""

    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.summary())
        self.rejection = rejection


def id_reused(event_id: str) -> Rejection:
    """The same event id sent again with different content."""
    return Rejection(
        "id_reused",
        f"event id {event_id!r} was already used for an event with different content",
        event_id=event_id,
    )
