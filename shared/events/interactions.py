"""Payloads and events of touchpoints: `c360.interaction.*`."""

from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from shared.events.cases import (
    ComplaintAssigned,
    ComplaintCommented,
    ComplaintStatusChanged,
)
from shared.events.envelope import Envelope, Payload
from shared.events.money import AmountMinor, CurrencyCode
from shared.events.text import FreeText, SafeText, WholeNumber, WindowTime
from shared.events.touchpoint import InteractionData, Text, WrapUpCode
from shared.events.types import EventType
from shared.events.upcasting import RawData, upcaster


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_CUSTOMER = "waiting_customer"
    ESCALATED = "escalated"


class CallData(InteractionData):
    direction: Direction
    duration_seconds: WholeNumber = Field(ge=0, le=86_400)
    outcome: SafeText | None = Field(default=None, max_length=64, examples=["resolved", "callback"])
    line: SafeText | None = Field(default=None, max_length=64)
    notes: FreeText | None = Text
    wrapup_code: WrapUpCode | None = Field(
        default=None,
        description="the agent's wrap-up code, from the configured list (C360_WRAPUP_CODES)",
        examples=["billing_question"],
    )


class EmailData(InteractionData):
    direction: Direction
    subject: SafeText | None = Field(default=None, max_length=500)
    body_preview: FreeText | None = Text
    message_id: SafeText | None = Field(default=None, max_length=500)


class ChatData(InteractionData):
    direction: Direction = Direction.INBOUND
    platform: SafeText | None = Field(default=None, max_length=32, examples=["web", "whatsapp"])
    duration_seconds: WholeNumber | None = Field(default=None, ge=0, le=86_400)
    transcript_preview: FreeText | None = Text


class SmsData(InteractionData):
    direction: Direction
    text: FreeText = Field(min_length=1, max_length=2_000)


class LineItem(Payload):
    sku: SafeText = Field(min_length=1, max_length=64)
    name: SafeText | None = Field(default=None, max_length=200)
    quantity: WholeNumber = Field(gt=0, le=1_000_000)
    unit_price_minor: AmountMinor


class PurchaseData(InteractionData):
    order_id: SafeText = Field(min_length=1, max_length=64)
    amount_minor: AmountMinor
    currency: CurrencyCode
    items: tuple[LineItem, ...] = ()
    store: SafeText | None = Field(default=None, max_length=64, examples=["web", "tehran-01"])


class RefundData(InteractionData):
    order_id: SafeText = Field(min_length=1, max_length=64)
    refund_id: SafeText | None = Field(default=None, max_length=64)
    amount_minor: AmountMinor
    currency: CurrencyCode
    reason: SafeText | None = Field(default=None, max_length=500)


class ComplaintOpenedData(InteractionData):
    complaint_id: SafeText = Field(min_length=1, max_length=64)
    severity: Severity
    subject: SafeText = Field(min_length=1, max_length=500)
    description: FreeText | None = Text
    sla_due_at: WindowTime | None = None


class ComplaintUpdatedData(InteractionData):
    complaint_id: SafeText = Field(min_length=1, max_length=64)
    status: ComplaintStatus
    severity: Severity | None = None
    comment: FreeText | None = Text


class ComplaintResolvedData(InteractionData):
    complaint_id: SafeText = Field(min_length=1, max_length=64)
    resolution: FreeText = Field(min_length=1, max_length=2_000)
    comment: FreeText | None = Text


class SurveyResponseData(InteractionData):
    survey_id: SafeText | None = Field(default=None, max_length=64)
    csat: WholeNumber | None = Field(
        default=None, ge=1, le=5, description="customer satisfaction 1-5"
    )
    nps: WholeNumber | None = Field(
        default=None, ge=0, le=10, description="net promoter score 0-10"
    )
    comment: FreeText | None = Text

    @model_validator(mode="after")
    def _has_a_score(self) -> "SurveyResponseData":
        if self.csat is None and self.nps is None:
            raise ValueError("a survey response needs csat (1-5) or nps (0-10)")
        return self


class VisitData(InteractionData):
    location: SafeText = Field(min_length=1, max_length=200)
    purpose: SafeText | None = Field(default=None, max_length=200)
    duration_seconds: WholeNumber | None = Field(default=None, ge=0, le=86_400)


class NoteData(InteractionData):
    text: FreeText = Field(min_length=1, max_length=10_000)


class CallLogged(Envelope):
    """v2 adds the optional `wrapup_code`."""

    schema_version = 2
    type: Literal[EventType.CALL]
    data: CallData


@upcaster(EventType.CALL, 1)
def _call_v1_to_v2(data: RawData) -> RawData:
    return data  # v1 had no wrap-up code; v2 reads it as absent


class EmailLogged(Envelope):
    type: Literal[EventType.EMAIL]
    data: EmailData


class ChatLogged(Envelope):
    type: Literal[EventType.CHAT]
    data: ChatData


class SmsLogged(Envelope):
    type: Literal[EventType.SMS]
    data: SmsData


class PurchaseMade(Envelope):
    type: Literal[EventType.PURCHASE]
    data: PurchaseData


class RefundIssued(Envelope):
    type: Literal[EventType.REFUND]
    data: RefundData


class ComplaintOpened(Envelope):
    type: Literal[EventType.COMPLAINT_OPENED]
    data: ComplaintOpenedData


class ComplaintUpdated(Envelope):
    type: Literal[EventType.COMPLAINT_UPDATED]
    data: ComplaintUpdatedData


class ComplaintResolved(Envelope):
    type: Literal[EventType.COMPLAINT_RESOLVED]
    data: ComplaintResolvedData


class SurveyAnswered(Envelope):
    type: Literal[EventType.SURVEY_RESPONSE]
    data: SurveyResponseData


class VisitLogged(Envelope):
    type: Literal[EventType.VISIT]
    data: VisitData


class NoteAdded(Envelope):
    type: Literal[EventType.NOTE]
    data: NoteData


InteractionEvent = (
    CallLogged
    | EmailLogged
    | ChatLogged
    | SmsLogged
    | PurchaseMade
    | RefundIssued
    | ComplaintOpened
    | ComplaintUpdated
    | ComplaintResolved
    | ComplaintAssigned
    | ComplaintCommented
    | ComplaintStatusChanged
    | SurveyAnswered
    | VisitLogged
    | NoteAdded
)
