"""The key vault on the real store, by the batch: one read for many customers, new keys in one
unordered insert, concurrent creators agreeing on one key, erased customers staying keyless."""

import asyncio

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.privacy.local import key_vault
from shared.settings import Settings

pytestmark = pytest.mark.integration


async def test_many_keys_are_read_and_created_at_once_and_creators_racing_agree(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    vault = key_vault(settings, db)
    before = await vault.data_key("c_before", create=True)
    customers = ["c_before", *(f"c_{n}" for n in range(30))]
    racing = await asyncio.gather(
        *(key_vault(settings, db).data_keys(customers, create=True) for _ in range(4)),
        *(key_vault(settings, db).new_data_keys(customers[1:]) for _ in range(4)),
    )
    first = racing[0]
    assert first["c_before"] == before
    assert all(len(key or b"") == 32 for key in first.values())
    for answer in racing[1:]:  # every creator ends with the key that was stored first
        assert all(answer[c] == first[c] for c in answer)
    assert await db["data_keys"].count_documents({}) == len(customers)
    assert await vault.data_keys(["c_0", "c_unknown"], create=False) == {
        "c_0": first["c_0"],
        "c_unknown": None,
    }


async def test_an_erased_customer_gets_no_key_again(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    vault = key_vault(settings, db)
    await vault.data_key("c_erased", create=True)
    await vault.destroy("c_erased")
    assert await vault.data_keys(["c_erased"], create=True) == {"c_erased": None}
    assert await vault.new_data_keys(["c_erased"]) == {"c_erased": None}
    stored = await db["data_keys"].find_one({"_id": "c_erased"})
    assert stored is not None
    assert "wrapped" not in stored
