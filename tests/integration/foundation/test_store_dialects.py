"""The store adapter's work-arounds keep one contract on MongoDB and FerretDB v1; here against
the real FerretDB."""

import asyncio
from datetime import UTC, datetime

import pytest
from bson import ObjectId
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import OperationFailure

from shared.concurrency import within
from shared.mongo import (
    SMALLEST_BULK,
    Document,
    delete_by_ids,
    insert_new,
    is_busy_writer,
    read_by_ids,
    replace_guarded_many,
    replace_many,
    scan,
)

pytestmark = pytest.mark.integration


async def ferretdb_v1(client: AsyncMongoClient[Document]) -> bool:
    """FerretDB answers `buildInfo` like MongoDB 7 and adds its own `ferretdbVersion`."""
    info = await client.admin.command("buildInfo")
    return str(info.get("ferretdbVersion", "")).lstrip("v").startswith("1.")


async def test_a_scan_reads_every_document_once_while_the_caller_writes(
    db: AsyncDatabase[Document],
) -> None:
    entries = db["scanned"]
    await entries.insert_many([{"_id": f"k{n:03}", "n": n, "big": "x" * 100} for n in range(120)])
    seen: list[str] = []
    async for doc in scan(entries, {"big": 0}, chunk=50):
        assert "big" not in doc
        seen.append(doc["_id"])
        # a back-fill writes as it scans: a collection created meanwhile, and the scanned one
        await db["written"].insert_one({"of": doc["_id"]})
        await entries.update_one({"_id": doc["_id"]}, {"$set": {"seen": True}})
    assert sorted(seen) == [f"k{n:03}" for n in range(120)]
    assert await db["written"].count_documents({}) == 120


async def test_read_by_ids_answers_each_present_id_once(db: AsyncDatabase[Document]) -> None:
    entries = db["entries"]
    await entries.insert_many([{"_id": f"k{n}", "n": n} for n in range(2_500)])
    await entries.insert_one({"_id": 7, "n": "an int"})
    found = await read_by_ids(entries, ["k3", "k29", "nobody", "k3", "k0", 7])
    assert found == {
        "k3": {"_id": "k3", "n": 3},
        "k29": {"_id": "k29", "n": 29},
        "k0": {"_id": "k0", "n": 0},
        7: {"_id": 7, "n": "an int"},
    }
    assert await read_by_ids(entries, []) == {}
    # more ids than one `$in` carries, and a projection
    every = await read_by_ids(entries, [f"k{n}" for n in range(2_600)], {"n": 0})
    assert len(every) == 2_500
    assert every["k2499"] == {"_id": "k2499"}


async def test_guarded_writes_in_bulk_write_only_documents_still_at_their_version(
    db: AsyncDatabase[Document],
) -> None:
    states = db["guarded"]
    await states.insert_many([{"_id": f"s{n}", "version": 1, "v": "old"} for n in range(6)])
    await states.update_one({"_id": "s2"}, {"$set": {"version": 2, "v": "moved on"}})
    docs = [{"_id": f"s{n}", "version": 2, "v": "new"} for n in range(4)]
    docs += [{"_id": "fresh", "version": 1, "v": "new"}, {"_id": "s5", "version": 1, "v": "new"}]
    expected = [1, 1, 1, 1, 0, 0]  # s2 moved on; s5 was meant to be absent

    unwritten = await replace_guarded_many(states, docs, expected)

    stored = {d["_id"]: d["v"] async for d in states.find({})}
    assert stored == {
        "s0": "new",
        "s1": "new",
        "s2": "moved on",
        "s3": "new",
        "s4": "old",
        "s5": "old",
        "fresh": "new",
    }
    # the bulk matched 3 of 4, and does not say which missed: all four are in doubt
    assert unwritten == {"s0": 1, "s1": 1, "s2": 1, "s3": 1, "s5": 0}
    again = [{"_id": "s0", "version": 3, "v": "newer"}, {"_id": "s1", "version": 3, "v": "newer"}]
    assert await replace_guarded_many(states, again, [2, 2]) == {}
    assert await states.find_one({"_id": "s1"}) == {"_id": "s1", "version": 3, "v": "newer"}
    with pytest.raises(ValueError, match="expected_version"):
        await replace_guarded_many(states, [{"_id": "s0", "version": 5}], [1])


async def test_guarded_bulks_side_by_side_leave_in_doubt_only_the_bulk_that_missed(
    db: AsyncDatabase[Document],
) -> None:
    states = db["guarded_in_parts"]
    count = 3 * SMALLEST_BULK  # three bulks of SMALLEST_BULK
    await states.insert_many([{"_id": f"s{n:03}", "version": 1} for n in range(count)])
    moved_on = f"s{SMALLEST_BULK:03}"  # the first of the second bulk
    await states.update_one({"_id": moved_on}, {"$set": {"version": 7}})

    docs = [{"_id": f"s{n:03}", "version": 2} for n in range(count)]
    unwritten = await replace_guarded_many(states, docs, [1] * count)

    assert unwritten == {f"s{n:03}": 1 for n in range(SMALLEST_BULK, 2 * SMALLEST_BULK)}
    assert await states.count_documents({"version": 2}) == count - 1
    assert (await states.find_one({"_id": moved_on}) or {})["version"] == 7


async def test_overwrites_and_deletions_in_bulk(db: AsyncDatabase[Document]) -> None:
    docs = db["bulk"]
    await docs.insert_many([{"_id": f"d{n}", "v": 0} for n in range(5)])
    await replace_many(docs, [{"_id": "d1", "v": 1}, {"_id": "new", "v": 1}])
    await delete_by_ids(docs, ["d3", "d4", "never there"])
    await replace_many(docs, [])
    await delete_by_ids(docs, [])
    assert {d["_id"]: d["v"] async for d in docs.find({})} == {"d0": 0, "d1": 1, "d2": 0, "new": 1}


async def test_insert_new_tells_which_ids_existed_under_concurrent_inserts(
    db: AsyncDatabase[Document],
) -> None:
    claims = db["claims"]
    docs = [{"_id": f"id{n}", "by": "first"} for n in range(20)]
    first, second = await asyncio.gather(
        insert_new(claims, docs), insert_new(claims, [{**d, "by": "second"} for d in docs])
    )
    assert [a != b for a, b in zip(first, second, strict=True)] == [True] * 20  # one winner each
    assert await claims.count_documents({}) == 20
    assert await insert_new(claims, [{"_id": "id0"}, {"_id": "new"}]) == [True, False]
    assert await insert_new(claims, []) == []


def test_only_a_busy_sqlite_writer_counts_as_busy() -> None:
    assert is_busy_writer(OperationFailure("SQLITE_BUSY: database is locked (5)"))
    assert is_busy_writer(OperationFailure("database is locked"))
    assert not is_busy_writer(OperationFailure("E11000 duplicate key error", code=11000))
    assert not is_busy_writer(ValueError("SQLITE_BUSY"))  # only the store's own refusal


async def test_reads_and_updates_by_id_find_the_right_document_for_every_id_type(
    db: AsyncDatabase[Document],
) -> None:
    entries = db["typed_ids"]
    oid, when = ObjectId(), datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    await entries.insert_many([{"_id": f"k{n}", "n": n} for n in range(200)])
    await entries.insert_many([{"_id": oid, "n": "oid"}, {"_id": when, "n": "when"}])
    await entries.insert_many([{"_id": 7, "n": "int"}, {"_id": "7", "n": "string 7"}])
    assert (await entries.find_one({"_id": "k123"}) or {})["n"] == 123
    assert (await entries.find_one({"_id": {"$eq": "k5"}}) or {})["n"] == 5
    assert (await entries.find_one({"_id": oid}) or {})["n"] == "oid"
    assert (await entries.find_one({"_id": when}) or {})["n"] == "when"
    assert (await entries.find_one({"_id": "7"}) or {})["n"] == "string 7"
    assert (await entries.find_one({"_id": 7}) or {})["n"] == "int"
    assert await entries.find_one({"_id": str(oid)}) is None
    updated = await entries.update_one({"_id": "k42", "n": 42}, {"$set": {"seen": True}})
    assert updated.modified_count == 1
    missed = await entries.update_one({"_id": "k43", "n": 0}, {"$set": {"seen": True}})
    assert missed.matched_count == 0
    assert await entries.count_documents({"seen": True}) == 1


async def test_a_read_by_id_is_served_by_the_id_index(
    mongo_client: AsyncMongoClient[Document], db: AsyncDatabase[Document]
) -> None:
    """On FerretDB v1 this holds only for the local stack's patched build (deploy/local/stack/
    ferretdb_patch.py): upstream scans the whole collection for every `_id` filter."""
    await db["indexed"].insert_many([{"_id": f"k{n:05}"} for n in range(2_000)])
    plan = await db.command("explain", {"find": "indexed", "filter": {"_id": "k01234"}})
    if await ferretdb_v1(mongo_client):
        assert plan["queryPlanner"]["Plan"]["Node Type"] == "Index Scan", plan
    else:
        assert "COLLSCAN" not in str(plan["queryPlanner"]["winningPlan"]), plan


async def test_a_read_of_many_ids_is_served_by_the_id_index(
    mongo_client: AsyncMongoClient[Document], db: AsyncDatabase[Document]
) -> None:
    """`read_by_ids` is one `$in`; upstream FerretDB v1 pushes no `$in` down and scans the whole
    collection for it. An `$in` the patch does not cover (a number among the ids) still answers
    right, from a scan."""
    await db["indexed"].insert_many([{"_id": f"k{n:05}"} for n in range(2_000)] + [{"_id": 3}])
    wanted = ["k00007", "k01234", "k01999", "absent"]
    query = {"find": "indexed", "filter": {"_id": {"$in": wanted}}}
    plan = await db.command("explain", query)
    if await ferretdb_v1(mongo_client):
        assert "Seq Scan" not in str(plan["queryPlanner"]["Plan"]), plan
        assert "Index" in str(plan["queryPlanner"]["Plan"]), plan
    else:
        assert "COLLSCAN" not in str(plan["queryPlanner"]["winningPlan"]), plan
    found = [d["_id"] async for d in db["indexed"].find({"_id": {"$in": wanted}})]
    assert sorted(found) == ["k00007", "k01234", "k01999"]
    mixed = [d["_id"] async for d in db["indexed"].find({"_id": {"$in": [3, "k00042"]}})]
    assert sorted(mixed, key=str) == [3, "k00042"]


async def test_more_concurrent_updates_than_the_store_has_connections_all_complete(
    db: AsyncDatabase[Document],
) -> None:
    """Upstream FerretDB v1 holds a pooled connection for an update's read while it waits for a
    second one to write: 50 at once (its pool) stop the store for good. The local build reads
    first (deploy/local/stack/ferretdb_patch.py); MongoDB never had the problem."""
    entries = db["contended"]
    await entries.insert_many([{"_id": f"k{n}", "n": 0} for n in range(120)])
    writes = [entries.replace_one({"_id": f"u{n}"}, {"n": 5}, upsert=True) for n in range(150)]
    increments = [
        entries.find_one_and_update({"_id": f"k{n}"}, {"$inc": {"n": 1}}) for n in range(120)
    ]
    # a stalled store would hang the test until its timeout; this turns that into a failure
    await within(asyncio.gather(*writes, *increments), 120)
    assert await entries.count_documents({"n": 1}) == 120
    assert await entries.count_documents({"n": 5}) == 150
