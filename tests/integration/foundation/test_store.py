"""The real Mongo-protocol store: CRUD, version-guarded writes, unique-index violations."""

import asyncio

import pytest
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from shared.mongo import Document, VersionConflict, replace_guarded

pytestmark = pytest.mark.integration


async def test_crud_by_id(db: AsyncDatabase[Document]) -> None:
    views = db["views"]
    await views.insert_one({"_id": "c_1", "name": "سارا", "kpis": {"spent": 2933}})
    assert await views.find_one({"_id": "c_1"}) == {
        "_id": "c_1",
        "name": "سارا",
        "kpis": {"spent": 2933},
    }
    await views.update_one({"_id": "c_1"}, {"$inc": {"kpis.spent": 100}})
    assert (await views.find_one({"_id": "c_1"}))["kpis"]["spent"] == 3033  # type: ignore[index]
    assert (await views.delete_one({"_id": "c_1"})).deleted_count == 1
    assert await views.find_one({"_id": "c_1"}) is None


async def test_guarded_write_applies_once_and_rejects_stale_writers(
    db: AsyncDatabase[Document],
) -> None:
    views = db["views"]
    await replace_guarded(views, {"_id": "c_2", "version": 1, "n": 1}, expected_version=0)
    with pytest.raises(VersionConflict):
        await replace_guarded(views, {"_id": "c_2", "version": 1, "n": 99}, expected_version=0)
    await replace_guarded(views, {"_id": "c_2", "version": 2, "n": 2}, expected_version=1)
    with pytest.raises(VersionConflict):  # a writer that read version 1 is now stale
        await replace_guarded(views, {"_id": "c_2", "version": 2, "n": 99}, expected_version=1)
    assert await views.find_one({"_id": "c_2"}) == {"_id": "c_2", "version": 2, "n": 2}


async def test_a_guard_of_another_name_is_checked_in_the_filter(
    db: AsyncDatabase[Document],
) -> None:
    """The projection guards its states by `revision` (its `version` counts events)."""
    views = db["views"]
    first = {"_id": "c_3", "version": 7, "revision": 1}
    await replace_guarded(views, first, expected_version=0, guard="revision")
    await replace_guarded(views, {**first, "revision": 2}, expected_version=1, guard="revision")
    with pytest.raises(VersionConflict):  # the version happens to match; the revision does not
        await replace_guarded(views, {**first, "revision": 2}, expected_version=1, guard="revision")
    with pytest.raises(ValueError, match="revision"):
        await replace_guarded(views, first, expected_version=2, guard="revision")
    assert await views.find_one({"_id": "c_3"}) == {"_id": "c_3", "version": 7, "revision": 2}


async def test_concurrent_first_inserts_have_one_winner(db: AsyncDatabase[Document]) -> None:
    index = db["identity_index"]

    async def claim(customer: str) -> str:
        try:
            await index.insert_one({"_id": "phone:+989121234567", "customer_id": customer})
        except DuplicateKeyError:
            return "lost"
        return "won"

    outcomes = await asyncio.gather(*(claim(f"c_{i}") for i in range(20)))
    assert outcomes.count("won") == 1
    stored = await index.find_one({"_id": "phone:+989121234567"})
    assert stored is not None
    assert f"c_{outcomes.index('won')}" == stored["customer_id"]


async def test_unique_index_violation_is_a_typed_error(db: AsyncDatabase[Document]) -> None:
    contacts = db["contacts"]
    await contacts.create_index("external_ref", unique=True)
    await contacts.insert_one({"_id": "c_1", "external_ref": "crm:1"})
    with pytest.raises(DuplicateKeyError) as caught:
        await contacts.insert_one({"_id": "c_2", "external_ref": "crm:1"})
    assert caught.value.code == 11000
