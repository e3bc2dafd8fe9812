"""A view as the API answers it, serialized once: the near cache keeps it next to the view, so
a hit costs no validation and no serialization, only until the view ages (`next_change`)."""

from dataclasses import dataclass
from datetime import datetime

from services.projections.adapters.views import Resolved
from shared.auth.prepared import PreparedJson


@dataclass(frozen=True)
class RenderedView:
    prepared: PreparedJson
    fresh_until: datetime | None  # None: the same answer until a new event arrives

    def fresh_at(self, now: datetime) -> bool:
        return self.fresh_until is None or now <= self.fresh_until


def render(resolved: Resolved, now: datetime) -> RenderedView:
    view, ages = resolved.aged_view(now)
    return RenderedView(PreparedJson.of(view.model_dump(mode="json", by_alias=True)), ages)
