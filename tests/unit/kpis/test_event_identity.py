"""The KPI fold identifies an event by `source` + `id`: two adapters may use the same id."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.kpis.domain.facts import UNKNOWN_SOURCE, CustomerFacts
from services.kpis.domain.fold import apply
from shared.events import EventType
from shared.events.interactions import InteractionEvent
from tests.factories import make_event

T0 = datetime(2026, 3, 1, tzinfo=UTC)
CID = "c_kpi_identity"
SOURCES = ("adapters/pbx", "adapters/shop")


def event(n: int, source: str, survey: bool) -> InteractionEvent:
    who = {"customer": {"customer_id": CID}}
    attrs = {"id": f"e{n}", "source": source, "subject": CID, "time": T0 + timedelta(hours=n)}
    if survey:
        return make_event(EventType.SURVEY_RESPONSE, {**who, "csat": n % 5 + 1}, **attrs)  # type: ignore[return-value]
    data = {**who, "order_id": f"{source}-{n}", "amount_minor": 100 + n, "currency": "USD"}
    return make_event(EventType.PURCHASE, data, **attrs)  # type: ignore[return-value]


def fold(events: list[InteractionEvent], facts: CustomerFacts | None = None) -> CustomerFacts:
    facts = facts or CustomerFacts(CID)
    for e in events:
        facts = apply(facts, e, churn_below=0.3)
    return facts


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.booleans()), min_size=1, max_size=15, unique=True),
    st.data(),
)
def test_each_source_counts_once_however_often_it_is_sent(
    sent: list[tuple[int, bool]], data: st.DataObject
) -> None:
    events = [event(n, source, survey) for n, survey in sent for source in SOURCES]
    copies = data.draw(st.lists(st.sampled_from(events), max_size=10))
    facts = fold(events + copies)
    purchases = sum(not survey for _, survey in sent)
    assert len(facts.purchases) == 2 * purchases
    assert len(facts.surveys) == 2 * (len(sent) - purchases)
    assert {(p.source, p.event_id) for p in facts.purchases} == {
        (s, f"e{n}") for n, survey in sent if not survey for s in SOURCES
    }


def test_a_fact_stored_before_sources_were_kept_still_recognises_its_event() -> None:
    first = event(1, SOURCES[0], survey=False)
    stored = fold([first])
    legacy = replace(
        stored, purchases=tuple(replace(p, source=UNKNOWN_SOURCE) for p in stored.purchases)
    )
    assert fold([first], legacy).purchases == legacy.purchases
