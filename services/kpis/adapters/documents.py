"""Customer facts as store documents and back. Times are kept as ISO strings: exact to the
microsecond (a store date keeps milliseconds), so a fold resumed from the store gives the same
facts as the fold that wrote them."""

from datetime import datetime
from typing import Any

from services.kpis.domain.facts import (
    Acquisition,
    Complaint,
    CustomerFacts,
    FirstTouch,
    Purchase,
    Score,
    Survey,
)
from services.kpis.service_layer.ports import StoredFacts
from shared.mongo import Document


def _t(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _d(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def to_document(stored: StoredFacts) -> Document:
    f = stored.facts
    return {
        "_id": f.customer_id,
        "positions": dict(stored.positions),
        "created_at": _t(f.created_at),
        "acquisition": None if f.acquisition is None else vars(f.acquisition).copy(),
        "first_touch": None
        if f.first_touch is None
        else {
            "at": _t(f.first_touch.at),
            "event_id": f.first_touch.event_id,
            "source": f.first_touch.source,
        },
        "purchases": [{**vars(p), "at": _t(p.at)} for p in f.purchases],
        "surveys": [{**vars(s), "at": _t(s.at)} for s in f.surveys],
        "complaints": [
            {
                **vars(c),
                **{k: _t(getattr(c, k)) for k in ("opened_at", "sla_due_at", "resolved_at")},
            }
            for c in f.complaints
        ],
        "score": None if f.score is None else {**vars(f.score), "scored_at": _t(f.score.scored_at)},
        "churned_at": [_t(t) for t in f.churned_at],
    }


def from_document(doc: Document) -> StoredFacts:
    touch, score, acquisition = doc.get("first_touch"), doc.get("score"), doc.get("acquisition")
    facts = CustomerFacts(
        customer_id=doc["_id"],
        created_at=_d(doc.get("created_at")),
        acquisition=None if acquisition is None else Acquisition(**acquisition),
        first_touch=None
        if touch is None
        else FirstTouch(_at(touch["at"]), touch["event_id"], touch["source"]),
        purchases=tuple(Purchase(**{**p, "at": _at(p["at"])}) for p in doc.get("purchases", [])),
        surveys=tuple(Survey(**{**s, "at": _at(s["at"])}) for s in doc.get("surveys", [])),
        complaints=tuple(_complaint(c) for c in doc.get("complaints", [])),
        score=None if score is None else Score(**{**score, "scored_at": _at(score["scored_at"])}),
        churned_at=tuple(_at(t) for t in doc.get("churned_at", [])),
    )
    return StoredFacts(facts, dict(doc.get("positions", {})))


def _complaint(doc: dict[str, Any]) -> Complaint:
    times = {k: _d(doc.get(k)) for k in ("opened_at", "sla_due_at", "resolved_at")}
    return Complaint(complaint_id=doc["complaint_id"], severity=doc.get("severity"), **times)


def purchases_of(doc: Document) -> tuple[Purchase, ...]:
    return tuple(Purchase(**{**p, "at": _at(p["at"])}) for p in doc.get("purchases", []))
