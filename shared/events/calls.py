"""The phone system's live signals: `c360.call.ringing` on `c360.calls` (key = agent id).

A ringing call is not a touchpoint: it may never be answered, and the call itself is logged as
`c360.interaction.call` when it ends. So it never enters `c360.interactions` (no timeline entry,
no KPI, no notifier rule); it exists only to open the caller's card on the agent's console before
they answer, and the topic keeps it for an hour."""

from typing import Literal

from pydantic import Field

from shared.events.envelope import Envelope, Payload
from shared.events.text import SafeText
from shared.events.types import EventType


class RingingData(Payload):
    call_id: SafeText = Field(
        min_length=1, max_length=200, description="the PBX's id of this call", examples=["c-8813"]
    )
    agent_id: SafeText = Field(
        min_length=1,
        max_length=64,
        description="the agent whose phone rings: their sign-in name (the token's "
        "`preferred_username`)",
        examples=["agent"],
    )
    phone: SafeText = Field(
        min_length=1,
        max_length=64,
        description="the caller's number as the PBX has it; normalised like every phone",
        examples=["+989121234567", "0912 123 4567"],
    )
    line: SafeText | None = Field(default=None, max_length=64, examples=["sales"])


class CallRinging(Envelope):
    type: Literal[EventType.CALL_RINGING]
    data: RingingData


CallEvent = CallRinging
