"""The purchase-history fold: exactly once, merges and erasure respected."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.analytics.domain.history import PurchaseHistory, apply, resolve_merges
from shared.events import Event, parse_event

TOPIC = "c360.interactions"


def purchase(event_id: str, order_id: str, day: int, amount: int, currency: str = "USD") -> Event:
    return parse_event(
        {
            "id": event_id,
            "source": "adapters/shop",
            "type": "c360.interaction.purchase",
            "time": f"2026-03-{day:02d}T10:00:00+00:00",
            "subject": "c_1",
            "data": {
                "customer": {"customer_id": "c_1"},
                "order_id": order_id,
                "amount_minor": amount,
                "currency": currency,
                "store": "web",
            },
        }
    )


def contact(event_type: str, data: dict[str, str]) -> Event:
    return parse_event(
        {
            "id": f"{event_type}-{sorted(data.items())}",
            "source": "services/contacts",
            "type": event_type,
            "time": "2026-03-20T10:00:00+00:00",
            "data": data,
        }
    )


def fold(history: PurchaseHistory, events: list[Event], topic: str = TOPIC) -> PurchaseHistory:
    for offset, event in enumerate(events):
        history = apply(history, topic, 0, offset, event)
    return history


def test_same_day_purchases_add_up_and_the_first_purchase_names_the_acquisition() -> None:
    events = [
        purchase("e1", "o1", 1, 1000),
        purchase("e2", "o2", 1, 500),
        purchase("e3", "o3", 4, 7),
    ]
    history = fold(PurchaseHistory("c_1"), events)
    assert history.purchase_days("USD") == {date(2026, 3, 1): 1500, date(2026, 3, 4): 7}
    assert history.acquisition_source == "adapters/shop"
    assert history.acquisition_channel == "web"
    assert history.first_purchase_at is not None
    assert history.first_purchase_at.day == 1
    assert history.purchase_days("EUR") == {}


def test_a_redelivered_record_or_a_resent_order_counts_once() -> None:
    first = fold(PurchaseHistory("c_1"), [purchase("e1", "o1", 1, 1000)])
    again = apply(first, TOPIC, 0, 0, purchase("e1", "o1", 1, 1000))
    assert again == first
    resent = apply(first, TOPIC, 0, 1, purchase("e9", "o1", 1, 1000))
    assert resent.purchase_days("USD") == {date(2026, 3, 1): 1000}


def refund(amount: int, source: str = "adapters/shop", event_id: str = "r1") -> Event:
    return parse_event(
        {
            "id": event_id,
            "source": source,
            "type": "c360.interaction.refund",
            "time": "2026-03-09T10:00:00+00:00",
            "data": {
                "customer": {"customer_id": "c_1"},
                "order_id": "o1",
                "amount_minor": amount,
                "currency": "USD",
            },
        }
    )


def test_a_full_refund_removes_the_purchase_day() -> None:
    history = fold(PurchaseHistory("c_1"), [purchase("e1", "o1", 1, 1000), refund(1000)])
    assert history.purchase_days("USD") == {}


def test_refunds_from_two_sources_under_one_event_id_both_count() -> None:
    two = [refund(400, "adapters/shop"), refund(600, "adapters/pos"), refund(600, "adapters/pos")]
    history = fold(PurchaseHistory("c_1"), [purchase("e1", "o1", 1, 1000), *two])
    assert len(history.refunds) == 2
    assert history.purchase_days("USD") == {}


def test_erasure_empties_the_history_and_a_replay_cannot_bring_it_back() -> None:
    erased = fold(
        PurchaseHistory("c_1"),
        [
            purchase("e1", "o1", 1, 1000),
            contact("c360.contact.erased", {"customer_id": "c_1", "reason": "asked"}),
        ],
    )
    assert erased.erased
    assert erased.orders == {}
    replayed = apply(erased, TOPIC, 1, 0, purchase("e1", "o1", 1, 1000))
    assert replayed.orders == {}


def test_a_merge_folds_the_absorbed_history_into_the_survivor_and_an_unmerge_undoes_it() -> None:
    survivor = fold(PurchaseHistory("c_1"), [purchase("e1", "o1", 1, 1000)])
    other = fold(PurchaseHistory("c_2"), [purchase("e2", "o2", 5, 300)])
    merge = {"survivor_id": "c_1", "merged_id": "c_2", "reason": "same person"}
    merged = apply(survivor, "c360.contacts", 0, 0, contact("c360.contact.merged", merge))
    population = resolve_merges({"c_1": merged, "c_2": other})
    assert set(population) == {"c_1"}
    assert population["c_1"].purchase_days("USD") == {date(2026, 3, 1): 1000, date(2026, 3, 5): 300}
    unmerged = apply(merged, "c360.contacts", 0, 1, contact("c360.contact.unmerged", merge))
    assert set(resolve_merges({"c_1": unmerged, "c_2": other})) == {"c_1", "c_2"}


orders = st.lists(
    st.tuples(
        st.sampled_from(["o1", "o2", "o3", "o4"]), st.integers(1, 28), st.integers(0, 10_000)
    ),
    max_size=20,
)


@given(orders, st.integers(0, 20))
def test_replaying_any_prefix_again_gives_the_same_history(
    rows: list[tuple[str, int, int]], cut: int
) -> None:
    events = [purchase(f"e{i}", o, d, a) for i, (o, d, a) in enumerate(rows)]
    once = fold(PurchaseHistory("c_1"), events)
    prefix_twice = fold(fold(PurchaseHistory("c_1"), events[:cut]), events)
    assert prefix_twice == once


def test_a_zero_amount_order_is_still_a_purchase_day() -> None:
    history = fold(PurchaseHistory("c_1"), [purchase("e1", "o1", 1, 0), purchase("e2", "o2", 3, 5)])
    assert history.purchase_days("USD") == {date(2026, 3, 1): 0, date(2026, 3, 3): 5}
