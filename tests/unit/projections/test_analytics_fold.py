"""`c360.analytics.scored` folds into the view as `analytics`; the newest scores win."""

from datetime import UTC, datetime, timedelta
from typing import Any

from services.projections.domain.fold import apply_event
from services.projections.domain.state import CustomerState
from services.projections.domain.view import present, segment_document
from shared.events import Event, EventType
from tests.factories import make_event

CID = "c_scored"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def scored(cell: str, p_alive: float, hours: int) -> Event:
    data: dict[str, Any] = {
        "customer_id": CID,
        "rfm": {"recency": 2, "frequency": 4, "monetary": 5, "cell": cell},
        "clv": {
            "p_alive": p_alive,
            "expected_purchases_90d": 0.4,
            "clv_12m_minor": 64_000,
            "currency": "USD",
        },
        "model_id": "bgnbd-2026-03",
        "scored_at": (T0 + timedelta(hours=hours)).isoformat(),
    }
    when = (T0 + timedelta(hours=hours)).isoformat()
    return make_event(EventType.ANALYTICS_SCORED, data, subject=CID, time=when)


def fold(events: list[Event]) -> CustomerState:
    state = CustomerState(customer_id=CID)
    for event in events:
        state, _ = apply_event(state, event)
    return state


def test_the_view_shows_the_newest_scores_whatever_the_order() -> None:
    older, newer = scored("champions", 0.95, 1), scored("at_risk", 0.41, 2)
    for order in ([older, newer], [newer, older], [newer, older, newer]):
        view = present(fold(order), CID, [CID], T0 + timedelta(days=1))
        assert view.analytics is not None
        assert view.analytics.rfm is not None
        assert view.analytics.rfm.cell == "at_risk"
        assert view.analytics.clv is not None
        assert view.analytics.clv.p_alive == 0.41
        assert view.analytics.model_id == "bgnbd-2026-03"


def test_segment_rules_read_the_scores_by_their_dotted_names() -> None:
    document = segment_document(fold([scored("at_risk", 0.41, 1)]), [CID])
    assert document["analytics"]["rfm"]["cell"] == "at_risk"
    assert document["analytics"]["clv"]["clv_12m_minor"] == 64_000
    assert "event_id" not in document["analytics"]
    assert "segments" not in document
