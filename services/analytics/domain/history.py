"""A customer's purchase history, folded from the log: what the RFM and CLV models need.

The fold is pure and exactly-once: `positions` keeps, per topic and partition, the last offset
folded in, so a redelivered record changes nothing; orders are keyed by `order_id`, so an order
sent twice under two event ids counts once. A purchase's day is its date in the event's own
time zone (the customer's day). Merges are kept as a list of absorbed customer ids on the
survivor (see `combined`), so each history keeps one writer: its own partition's owner.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from shared.events import Event
from shared.events.contacts import ContactErased, ContactMerged, ContactUnmerged
from shared.events.interactions import PurchaseMade, RefundIssued


@dataclass(frozen=True)
class Order:
    day: date
    currency: str
    amount_minor: int


@dataclass(frozen=True)
class Refund:
    order_id: str
    currency: str
    amount_minor: int


@dataclass(frozen=True)
class PurchaseHistory:
    customer_id: str
    version: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    refunds: dict[str, Refund] = field(default_factory=dict)
    first_purchase_at: datetime | None = None
    acquisition_source: str | None = None
    acquisition_channel: str | None = None
    absorbed: frozenset[str] = frozenset()
    erased: bool = False

    def applied(self, topic: str, partition: int) -> int:
        return self.positions.get(f"{topic}:{partition}", -1)

    def purchase_days(self, currency: str) -> dict[date, int]:
        """Day -> net amount in minor units, refunds taken off their order. An order counts as a
        purchase unless it was refunded in full (a zero-amount order still counts: CDNOW has
        them), so a day is a purchase day while any of its orders stands."""
        refunded: dict[str, int] = defaultdict(int)
        for refund in self.refunds.values():
            refunded[refund.order_id] += refund.amount_minor
        days: dict[date, int] = {}
        for order_id, order in self.orders.items():
            if order.currency != currency:
                continue
            net = order.amount_minor - refunded.get(order_id, 0)
            if net > 0 or order.amount_minor == 0:
                days[order.day] = days.get(order.day, 0) + net
        return dict(sorted(days.items()))

    def currencies(self) -> set[str]:
        return {order.currency for order in self.orders.values()}


def apply(
    history: PurchaseHistory, topic: str, partition: int, offset: int, event: Event
) -> PurchaseHistory:
    """Fold one record; a record at or below the stored position is already in."""
    if offset <= history.applied(topic, partition):
        return history
    folded = _apply_event(history, event)
    return replace(folded, positions={**history.positions, f"{topic}:{partition}": offset})


def _apply_event(history: PurchaseHistory, event: Event) -> PurchaseHistory:
    if isinstance(event, ContactErased):
        return PurchaseHistory(history.customer_id, history.version, erased=True)
    if history.erased:
        return history  # an erased customer never gains a history again, even on replay
    if isinstance(event, PurchaseMade):
        return _purchase(history, event)
    if isinstance(event, RefundIssued):
        data = event.data
        key = data.refund_id or event.idempotency_key  # two adapters may share an event id
        refund = Refund(data.order_id, data.currency, data.amount_minor)
        return replace(history, refunds={**history.refunds, key: refund})
    if isinstance(event, ContactMerged) and event.data.survivor_id == history.customer_id:
        return replace(history, absorbed=history.absorbed | {event.data.merged_id})
    if isinstance(event, ContactUnmerged) and event.data.survivor_id == history.customer_id:
        return replace(history, absorbed=history.absorbed - {event.data.merged_id})
    return history


def _purchase(history: PurchaseHistory, event: PurchaseMade) -> PurchaseHistory:
    data = event.data
    order = Order(event.time.date(), data.currency, data.amount_minor)
    changed = replace(history, orders={**history.orders, data.order_id: order})
    if history.first_purchase_at is None or event.time < history.first_purchase_at:
        changed = replace(
            changed,
            first_purchase_at=event.time,
            acquisition_source=event.source,
            acquisition_channel=data.store,
        )
    return changed


def combined(survivor: PurchaseHistory, absorbed: list[PurchaseHistory]) -> PurchaseHistory:
    """The survivor's history with the orders and refunds of the customers merged into it."""
    orders = dict(survivor.orders)
    refunds = dict(survivor.refunds)
    first = survivor
    for other in absorbed:
        if other.erased:
            continue
        orders.update(other.orders)
        refunds.update(other.refunds)
        if other.first_purchase_at and (
            first.first_purchase_at is None or other.first_purchase_at < first.first_purchase_at
        ):
            first = other
    return replace(
        survivor,
        orders=orders,
        refunds=refunds,
        first_purchase_at=first.first_purchase_at,
        acquisition_source=first.acquisition_source,
        acquisition_channel=first.acquisition_channel,
    )


def resolve_merges(histories: dict[str, PurchaseHistory]) -> dict[str, PurchaseHistory]:
    """The population as customers see it: absorbed histories folded into their survivors and
    left out on their own; erased customers left out."""
    absorbed_ids = {cid for h in histories.values() if not h.erased for cid in h.absorbed}
    return {
        cid: combined(h, [histories[a] for a in h.absorbed if a in histories])
        for cid, h in histories.items()
        if cid not in absorbed_ids and not h.erased
    }
