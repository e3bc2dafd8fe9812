"""What every touchpoint's `data` carries, shared by the interaction and case payloads."""

from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo

from shared.events.customer import CustomerRef
from shared.events.envelope import Payload
from shared.events.text import SafeText

Text = Field(default=None, max_length=10_000)


def _a_configured_code(value: str, info: ValidationInfo) -> str:
    """At the door (see `shared.events.text.door_context`) a wrap-up code must be one of the
    configured list; consumers re-reading the log accept any code, as the list may change."""
    context = info.context if isinstance(info.context, Mapping) else {}
    codes = context.get("wrapup_codes")
    if codes is not None and value not in codes:
        raise ValueError(f"unknown wrap-up code; use one of: {', '.join(codes)}")
    return value


WrapUpCode = Annotated[
    SafeText, StringConstraints(min_length=1, max_length=64), AfterValidator(_a_configured_code)
]
AgentId = Annotated[SafeText, StringConstraints(min_length=1, max_length=64)]


class InteractionData(Payload):
    """Fields every touchpoint carries."""

    customer: CustomerRef
    agent_id: SafeText | None = Field(default=None, max_length=64)
