"""The analytics service layer driven through its batch handler and population jobs, with
fakes of its ports: histories, RFM recompute, CLV fit, publishing only what changed."""

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from aiokafka.structs import ConsumerRecord

from services.analytics.adapters.publisher import scored_event
from services.analytics.domain.model import NotEnoughData
from services.analytics.service_layer.analysis import Analysis
from services.analytics.service_layer.ports import SegmentNotReady, UnknownSegment
from services.analytics.service_layer.projector import HistoryProjector
from services.analytics.service_layer.scoring import Scorer, ScoringSettings
from shared.events import EventType, encode_event, parse_event
from shared.events.envelope import Envelope
from shared.events.interactions import PurchaseMade
from shared.events.samples import SAMPLE_DATA
from tests import cdnow
from tests.unit.analytics.fakes import (
    NOW,
    FakeHistoryStore,
    FakeModelStore,
    FakePublisher,
    FakeScoreStore,
    FakeSegments,
    FixedClock,
)

PREFIX = "t1."


class Service:
    def __init__(self) -> None:
        self.histories = FakeHistoryStore()
        self.scores = FakeScoreStore()
        self.models = FakeModelStore()
        self.publisher = FakePublisher()
        self.scorer = Scorer(
            self.histories,
            self.scores,
            self.models,
            self.publisher,
            FixedClock(NOW),
            ScoringSettings("USD"),
        )
        self.projector = HistoryProjector(self.histories, self.scorer, PREFIX, concurrency=4)
        self.segments = FakeSegments()
        self.analysis = Analysis(
            self.histories, self.scores, self.models, self.scorer, self.segments
        )
        self.offsets: dict[str, int] = {}

    def record(self, topic: str, event: Envelope) -> "ConsumerRecord[bytes, bytes]":
        offset = self.offsets[topic] = self.offsets.get(topic, -1) + 1
        value = encode_event(event)
        key = (event.subject or "").encode()
        return ConsumerRecord(
            f"{PREFIX}{topic}", 0, offset, 0, 0, key, value, None, len(key), len(value), ()
        )

    async def feed(self, topic: str, events: Sequence[Envelope]) -> None:
        await self.projector.handle([self.record(topic, e) for e in events])


def purchase(customer: str, line: int, day: date, cents: int) -> PurchaseMade:
    return PurchaseMade(
        id=f"cdnow-{line}",
        source="adapters/cdnow-replay",
        type=EventType.PURCHASE,
        time=f"{day.isoformat()}T12:00:00+00:00",
        subject=f"c_{customer}",
        data={
            "customer": {"customer_id": f"c_{customer}"},
            "order_id": f"o-{line}",
            "amount_minor": cents,
            "currency": "USD",
        },
    )


def contact_event(event_type: EventType, subject: str, data: dict[str, Any]) -> Envelope:
    return parse_event(
        {
            "id": f"{event_type}-{subject}",
            "source": "services/contacts",
            "type": event_type,
            "time": "1998-06-01T00:00:00+00:00",
            "subject": subject,
            "data": data,
        }
    )


SAMPLE = [p for p in cdnow.purchases() if int(p.customer) <= 400]  # a quick slice of CDNOW
CUSTOMERS = len({p.customer for p in SAMPLE})


@pytest.fixture
async def cdnow_service() -> Service:
    service = Service()
    events = [purchase(p.customer, p.line, p.day, p.amount_minor) for p in SAMPLE]
    for start in range(0, len(events), 500):
        await service.feed("c360.interactions", events[start : start + 500])
    return service


async def test_histories_fold_without_scores_until_boundaries_or_a_model_exist(
    cdnow_service: Service,
) -> None:
    assert len(cdnow_service.histories.docs) == CUSTOMERS
    assert cdnow_service.publisher.sent == []  # nothing to say yet: no event


async def test_rfm_recompute_scores_everyone_once_and_a_second_recompute_publishes_nothing(
    cdnow_service: Service,
) -> None:
    overview = await cdnow_service.analysis.recompute_rfm()
    assert overview.published == CUSTOMERS
    assert sum(overview.cell_sizes.values()) == CUSTOMERS
    assert overview.boundaries is not None
    assert overview.boundaries.population == CUSTOMERS
    again = await cdnow_service.analysis.recompute_rfm()
    assert again.published == 0
    assert len(cdnow_service.publisher.sent) == CUSTOMERS


async def test_a_fit_publishes_clv_with_ids_that_a_refit_reproduces(cdnow_service: Service) -> None:
    model = await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week")
    assert cdnow_service.publisher.sent == []  # the fit itself publishes nothing
    assert await cdnow_service.analysis.rescore_all() == CUSTOMERS
    assert model.customers == CUSTOMERS
    assert 0 < model.repeat_customers < CUSTOMERS
    first = {s.customer_id: scored_event(s).id for s in cdnow_service.publisher.sent}
    assert len(first) == CUSTOMERS
    assert all(
        s.clv is not None and s.model_id == model.model_id for s in cdnow_service.publisher.sent
    )
    cdnow_service.scores.docs.clear()  # as if the scores had never been recorded: a replay
    cdnow_service.publisher.sent.clear()
    refit = await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week")
    await cdnow_service.analysis.rescore_all()
    assert refit.model_id == model.model_id
    assert {s.customer_id: scored_event(s).id for s in cdnow_service.publisher.sent} == first


async def test_a_segment_fit_uses_only_its_members_and_leaves_the_scoring_model_alone(
    cdnow_service: Service,
) -> None:
    population = await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week")
    big_spenders = frozenset(
        f"c_{customer}"
        for customer, days in cdnow.purchase_days().items()
        if int(customer) <= 400 and sum(days.values()) >= 5_000
    )
    cdnow_service.segments.by_id["big-spenders"] = big_spenders
    fitted = await cdnow_service.analysis.fit_clv(
        cdnow.CALIBRATION_END, "USD", "week", segment="big-spenders"
    )
    assert fitted.segment == "big-spenders"
    assert fitted.customers == len(big_spenders) < population.customers
    assert fitted.bgnbd != population.bgnbd
    assert fitted.model_id != population.model_id
    assert await cdnow_service.models.latest_fit("USD", "big-spenders") == fitted
    assert await cdnow_service.models.current_model("USD") == population  # still scores


async def test_a_segment_fit_refuses_unknown_unready_and_too_small_segments(
    cdnow_service: Service,
) -> None:
    with pytest.raises(UnknownSegment):
        await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week", "nobody")
    cdnow_service.segments.by_id["filling"] = frozenset({"c_0001"})
    cdnow_service.segments.not_ready.add("filling")
    with pytest.raises(SegmentNotReady):
        await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week", "filling")
    cdnow_service.segments.by_id["two"] = frozenset({"c_0001", "c_0002"})
    with pytest.raises(NotEnoughData, match="at least"):
        await cdnow_service.analysis.fit_clv(cdnow.CALIBRATION_END, "USD", "week", "two")


async def test_a_new_purchase_rescores_only_that_customer(cdnow_service: Service) -> None:
    await cdnow_service.analysis.recompute_rfm()
    cdnow_service.publisher.sent.clear()
    await cdnow_service.feed(
        "c360.interactions", [purchase("0001", 90_001, date(1998, 6, 29), 90_000)]
    )
    assert [s.customer_id for s in cdnow_service.publisher.sent] == ["c_0001"]
    scores = cdnow_service.publisher.sent[0]
    assert scores.rfm is not None
    assert scores.rfm.recency == 5
    assert scores.rfm.monetary == 5


async def test_erasure_publishes_empty_scores_and_a_merge_moves_the_history(
    cdnow_service: Service,
) -> None:
    await cdnow_service.analysis.recompute_rfm()
    cdnow_service.publisher.sent.clear()
    merge = {"survivor_id": "c_0002", "merged_id": "c_0003", "reason": "same person"}
    erase = {"customer_id": "c_0004", "reason": "asked"}
    await cdnow_service.feed(
        "c360.contacts",
        [
            contact_event(EventType.CONTACT_MERGED, "c_0002", merge),
            contact_event(EventType.CONTACT_ERASED, "c_0004", erase),
        ],
    )
    sent = {s.customer_id: s for s in cdnow_service.publisher.sent}
    assert sent["c_0004"].rfm is None
    assert sent["c_0004"].clv is None
    assert sent["c_0003"].rfm is None  # absorbed: its purchases now count for the survivor
    survivor = (await cdnow_service.histories.all())["c_0002"]
    assert survivor.absorbed == frozenset({"c_0003"})
    pareto = await cdnow_service.analysis.pareto()
    assert pareto.customers == CUSTOMERS - 2


async def test_records_of_other_types_are_passed_over_without_a_write() -> None:
    service = Service()
    call = contact_event(EventType.CALL, "c_9", SAMPLE_DATA[EventType.CALL])
    await service.feed("c360.interactions", [call])
    assert service.histories.docs == {}
