"""The documents a partition's customers share (timers, birthday filings) on the real store:
customers are processed concurrently, and a guarded write is not atomic on FerretDB v1, so
without one writer at a time a timer or a filing written at the same moment as another is lost."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.notifier.adapters.store import NotifierStore
from services.notifier.domain.schedule import Timer, TimerPurpose
from shared.mongo import Document

pytestmark = pytest.mark.integration
CUSTOMERS = 24


def sla_timer(n: int) -> Timer:
    return Timer(
        id=f"sla:escalate:c{n}:K-{n}",
        purpose=TimerPurpose.SLA,
        customer_id=f"c{n}",
        due_at=datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
        rule_id="escalate",
        complaint_id=f"K-{n}",
    )


async def test_timers_added_at_once_to_one_partition_are_all_kept(
    db: AsyncDatabase[Document],
) -> None:
    store = NotifierStore(db)
    await asyncio.gather(*(store.timers.add(2, [sla_timer(n)]) for n in range(CUSTOMERS)))

    assert {t.id for t in await store.timers.pending()} == {
        sla_timer(n).id for n in range(CUSTOMERS)
    }
    due = await store.timers.due(2, datetime(2030, 1, 1, 0, 5, tzinfo=UTC))
    assert [t.customer_id for t in due] == [f"c{n}" for n in range(6)]

    await asyncio.gather(*(store.timers.remove(2, {sla_timer(n).id}) for n in range(0, 24, 2)))
    assert {t.id for t in await store.timers.pending()} == {
        sla_timer(n).id for n in range(1, CUSTOMERS, 2)
    }


async def test_birthdays_filed_at_once_on_one_day_are_all_kept(
    db: AsyncDatabase[Document],
) -> None:
    store = NotifierStore(db)
    customers = [f"c{n}" for n in range(CUSTOMERS)]
    await asyncio.gather(*(store.file_birthday(1, c, "03-21") for c in customers))
    assert sorted(await store.born_on(1, "03-21")) == sorted(customers)

    await asyncio.gather(*(store.unfile_birthday(1, c, "03-21") for c in customers[:10]))
    assert sorted(await store.born_on(1, "03-21")) == sorted(customers[10:])
