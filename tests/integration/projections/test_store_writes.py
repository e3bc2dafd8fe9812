"""The projection store's cheaper first writes on the real store: a timeline part or identity
entry found absent is inserted, and one that exists after all (a retried fold, a concurrent
claim from another partition) is still decided and written exactly as an overwrite would be."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.projections.adapters.store import ProjectionStore
from services.projections.domain.effects import IdentityClaimed, Stamp
from services.projections.domain.timeline import Entry, bucket_id
from services.projections.service_layer.ports import PartWrites
from shared.mongo import Document
from shared.privacy.blind import blind_index
from shared.settings import Settings
from tests.unit.projections import events as ev

pytestmark = pytest.mark.integration
AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def entries(*event_ids: str) -> list[Entry]:
    return [
        Entry(
            key=f"{AT.isoformat()}|{e}",
            id=e,
            type="c360.interaction.call",
            time=AT,
            source="test",
            pos=f"interactions:0:{n}",
            summary="call",
        )
        for n, e in enumerate(event_ids)
    ]


async def test_a_fresh_part_is_inserted_and_one_found_existing_is_overwritten(
    db: AsyncDatabase[Document],
) -> None:
    store = ProjectionStore(db, "gtest")
    customer = ev.new_customer_id()
    left_by_a_crash = bucket_id(customer, "2026-03-01", 0)
    await store.timeline.insert_one({"_id": left_by_a_crash, "entries": [], "stale": True})
    parts = {("2026-03-01", 0): entries("a", "b"), ("2026-03-02", 0): entries("c")}
    await store.save_parts({customer: PartWrites(parts, frozenset(parts))})
    loaded = await store.load_parts(customer, list(parts))
    assert [e.id for e in loaded[("2026-03-01", 0)]] == ["a", "b"]
    assert [e.id for e in loaded[("2026-03-02", 0)]] == ["c"]
    overwritten = await store.timeline.find_one({"_id": left_by_a_crash})
    assert overwritten is not None
    assert "stale" not in overwritten


async def test_two_first_claims_racing_to_insert_end_with_the_newer_stamp(
    db: AsyncDatabase[Document], settings: Settings
) -> None:
    # Both find the entry absent and insert; the loser reads the winner and decides again.
    store = ProjectionStore(db, "gtest", blind_index(settings))
    for n in range(10):
        key = f"phone:+98912555{n:04d}"
        older = IdentityClaimed(key, "c_older", Stamp(AT, "e1"))
        newer = IdentityClaimed(key, "c_newer", Stamp(AT + timedelta(seconds=1), "e2"))
        pair = [older, newer] if n % 2 else [newer, older]
        await asyncio.gather(*(store.apply_effects([claim]) for claim in pair))
        entry = await store.identities.find_one({"_id": store.identity_id(key)})
        assert entry is not None
        assert entry["customer_id"] == "c_newer"
