"""Small fakes of the segment ports: a fixed catalog, a published-events list, a membership set."""

from collections.abc import Sequence

from services.projections.domain.segments import Catalog
from services.projections.domain.state import CustomerState
from shared.events.segments import SegmentEvent


class FixedCatalog:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def current(self) -> Catalog:
        return self.catalog


class PublishedEvents:
    def __init__(self) -> None:
        self.events: list[SegmentEvent] = []

    async def publish(self, events: Sequence[SegmentEvent]) -> None:
        self.events += events


class MembershipSet:
    def __init__(self) -> None:
        self.members: set[tuple[str, str]] = set()

    async def record(self, customer_id: str, entered: Sequence[str], exited: Sequence[str]) -> None:
        self.members |= {(s, customer_id) for s in entered}
        self.members -= {(s, customer_id) for s in exited}


class StateDict:
    def __init__(self) -> None:
        self.states: dict[str, CustomerState] = {}

    async def load_state(self, customer_id: str, head: bool = True) -> CustomerState | None:
        return self.states.get(customer_id)
