"""A case ended by its status counts as resolved for the complaints-within-SLA KPI, at the
earliest time it ended, whatever order the status changes arrive in."""

import itertools

from services.kpis.domain.facts import CustomerFacts
from services.kpis.domain.fold import apply
from shared.events import EventType
from shared.events.interactions import InteractionEvent
from tests.unit.projections.events import T0, at, interaction

CID = "c_kpi_case"


def status(minutes: float, value: str) -> InteractionEvent:
    return interaction(  # type: ignore[return-value]
        EventType.COMPLAINT_STATUS_CHANGED, CID, minutes, complaint_id="K1", status=value
    )


def test_the_earliest_resolution_counts_in_any_order() -> None:
    opened = interaction(
        EventType.COMPLAINT_OPENED, CID, 0, complaint_id="K1", severity="low", subject="late"
    )
    changes = [status(10, "in_progress"), status(20, "resolved"), status(30, "closed")]
    for order in itertools.permutations(changes):
        facts = CustomerFacts(customer_id=CID)
        for event in (opened, *order):
            facts = apply(facts, event, churn_below=0.3)  # type: ignore[arg-type]
        [complaint] = facts.complaints
        assert complaint.opened_at == T0
        assert complaint.resolved_at is not None
        assert complaint.resolved_at.isoformat() == at(20)
