"""`/v1/notifications`: what the notifier decided and delivered, per customer or by id."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, Field

from services.notifier.domain.notification import Notification, Status
from services.notifier.entrypoints.http.dependencies import OutcomesDep, StoreDep
from services.notifier.service_layer.receipts import NotSent, Receipt, take_receipt
from shared.events.text import SafeText
from shared.http.problems import Problem

router = APIRouter(prefix="/v1/notifications", tags=["notifications"])


class NotificationPublic(BaseModel):
    id: str
    customer_id: str
    rule: str
    status: Status
    trigger: str
    trigger_key: str
    triggered_at: datetime
    target: str
    channel: str | None
    recipient: str | None
    subject: str
    body: str
    attempts: int
    deliver_after: datetime | None
    reason: str | None
    error: str | None
    finished_at: datetime | None

    @classmethod
    def of(cls, n: Notification) -> "NotificationPublic":
        return cls(
            id=n.id,
            customer_id=n.customer_id,
            rule=n.rule_id,
            status=n.status,
            trigger=n.occurrence_name,
            trigger_key=n.occurrence_key,
            triggered_at=n.triggered_at,
            target=n.target,
            channel=n.channel,
            recipient=n.masked_target,
            subject=n.subject,
            body=n.body,
            attempts=n.attempts,
            deliver_after=n.deliver_after,
            reason=n.reason,
            error=n.error,
            finished_at=n.finished_at,
        )


class NotificationList(BaseModel):
    customer_id: str
    items: list[NotificationPublic]


@router.get("")
async def list_for_customer(
    store: StoreDep,
    customer_id: Annotated[
        SafeText, Query(min_length=1, max_length=64, description="the c360 customer id")
    ],
    complete: Annotated[
        bool, Query(description="every notification, not the newest 200 (a scan: subject access)")
    ] = False,
) -> NotificationList:
    """The customer's most recent notifications (up to 200), newest first."""
    if complete:
        ids = await store.ids_of_customer(customer_id)
    else:
        ids = list((await store.load_state(customer_id)).notification_ids)
    found = await store.get_many(list(reversed(ids)))
    return NotificationList(
        customer_id=customer_id, items=[NotificationPublic.of(n) for n in found]
    )


@router.get("/{notification_id}")
async def get_one(
    notification_id: Annotated[SafeText, Path(max_length=200)], store: StoreDep
) -> NotificationPublic:
    notification = await store.get(notification_id)
    if notification is None:
        raise Problem(
            404,
            f"no notification {notification_id!r}",
            errors=[{"field": "notification_id", "reason": "not found"}],
        )
    return NotificationPublic.of(notification)


class ReceiptIn(BaseModel):
    """A provider's delivery report for one notification (its `reference`/idempotency key)."""

    status: Literal["delivered", "undelivered"]
    at: AwareDatetime | None = Field(default=None, description="when; default: on arrival")
    error: SafeText | None = Field(default=None, max_length=500, examples=["handset off"])


class ReceiptTaken(BaseModel):
    notification_id: str
    status: Literal["delivered", "undelivered"]


@router.post("/{notification_id}/receipts", status_code=202)
async def receipt(
    notification_id: Annotated[SafeText, Path(max_length=200)],
    body: ReceiptIn,
    store: StoreDep,
    outcomes: OutcomesDep,
) -> ReceiptTaken:
    """Delivered: the customer's timeline shows it after "sent". Undelivered: goes to ops."""
    taken = Receipt(body.status == "delivered", body.at or datetime.now(UTC), body.error)
    try:
        found = await take_receipt(store, outcomes, notification_id, taken)
    except NotSent as exc:
        raise Problem(
            409, "no receipt for a notification that was not sent",
            errors=[{"field": "notification_id", "reason": str(exc)}],
        ) from exc  # fmt: skip
    if found is None:
        raise Problem(
            404,
            f"no notification {notification_id!r}",
            errors=[{"field": "notification_id", "reason": "not found"}],
        )
    return ReceiptTaken(notification_id=notification_id, status=body.status)
