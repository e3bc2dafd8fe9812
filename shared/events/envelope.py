"""The CloudEvents 1.0 envelope (structured JSON mode) shared by every c360 event."""

import re
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.events.text import BoundedTime, SafeText
from shared.events.types import EventType

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
CLOUDEVENTS_BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
SCHEMA_PREFIX = "urn:c360:schema:"
_EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
MAX_EXTENSION_CHARS = 1_000


def schema_uri(event_type: EventType, version: int) -> str:
    """`dataschema` value: names the payload schema and its version."""
    return f"{SCHEMA_PREFIX}{event_type.value}:v{version}"


def schema_version(dataschema: str | None) -> int:
    """Version encoded in a `dataschema`; an event without one was written against v1."""
    if not dataschema or not dataschema.startswith(SCHEMA_PREFIX):
        return 1
    _, _, suffix = dataschema.rpartition(":v")
    return int(suffix) if suffix.isdigit() else 1


def idempotency_key(source: str, event_id: str) -> str:
    """What identifies an event: CloudEvents makes `source` + `id` unique, so two producers may
    use the same `id`. A JSON pair, so no `source` and `id` can run into each other."""
    return orjson.dumps([source, event_id]).decode()


def _check_extension_name(name: str) -> None:
    if not _EXTENSION_NAME.match(name):
        raise ValueError(
            f"unknown attribute {name!r}: CloudEvents extension names are 1-20 "
            "lower-case letters or digits"
        )


# Extensions are stored and shown as they are: short single-line strings only.
ExtensionValue = Annotated[SafeText, StringConstraints(max_length=MAX_EXTENSION_CHARS, strict=True)]


class Payload(BaseModel):
    """Base of every `data` model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Envelope(BaseModel):
    """CloudEvents attributes. Subclasses pin `type` and `data` and may raise `schema_version`."""

    model_config = ConfigDict(frozen=True, extra="allow")
    schema_version: ClassVar[int] = 1
    __pydantic_extra__: dict[str, ExtensionValue] = Field(init=False)

    specversion: Literal["1.0"] = "1.0"
    id: SafeText = Field(min_length=1, max_length=200)
    source: SafeText = Field(min_length=1, max_length=500)
    type: EventType
    time: BoundedTime
    subject: SafeText | None = Field(default=None, max_length=200)
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: SafeText | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _check_extensions_and_schema(self) -> "Envelope":
        for name in self.model_extra or {}:
            _check_extension_name(name)
        if self.dataschema is None:
            object.__setattr__(self, "dataschema", schema_uri(self.type, self.schema_version))
        return self

    @property
    def idempotency_key(self) -> str:
        """`source` + `id`: the same pair is the same event (a retry), whatever else differs."""
        return idempotency_key(self.source, self.id)

    @property
    def happened_at(self) -> datetime:
        return self.time

    def to_json_dict(self) -> dict[str, Any]:
        """The structured-mode JSON object, with `None` attributes left out."""
        return self.model_dump(mode="json", exclude_none=True)
