"""The local key vault on the real store: keys wrapped at rest, destroyed for good on erasure,
re-wrapped by a KEK rotation."""

import base64
import os

from pydantic import SecretStr
from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.privacy.local import key_vault
from shared.privacy.vault import COLLECTION
from shared.settings import Settings


def kek() -> str:
    return base64.b64encode(os.urandom(32)).decode()


async def test_a_key_is_stored_wrapped_and_read_back(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    vault = key_vault(settings, db)
    key = await vault.data_key("c_1", create=True)
    assert key is not None
    assert len(key) == 32
    assert await vault.data_key("c_1", create=True) == key
    stored = await db[COLLECTION].find_one({"_id": "c_1"})
    assert stored is not None
    assert key not in bytes(stored["wrapped"])
    assert await vault.data_key("c_unknown", create=False) is None


async def test_a_destroyed_key_is_never_created_again(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    vault = key_vault(settings, db)
    await vault.data_key("c_2", create=True)
    await vault.destroy("c_2")
    assert await vault.data_key("c_2", create=True) is None
    stored = await db[COLLECTION].find_one({"_id": "c_2"})
    assert stored is not None
    assert set(stored) == {"_id", "destroyed_at"}


async def test_rotating_the_kek_rewraps_every_live_key(
    settings: Settings, db: AsyncDatabase[Document]
) -> None:
    old = settings.model_copy(update={"data_kek": SecretStr(kek()), "data_kek_id": "k1"})
    old_vault = key_vault(old, db)
    keys = {c: await old_vault.data_key(c, create=True) for c in ("a", "b", "c")}
    await old_vault.destroy("c")
    new = settings.model_copy(
        update={
            "data_kek": SecretStr(kek()),
            "data_kek_id": "k2",
            "data_kek_retired": {"k1": old.data_kek},
        }
    )
    assert await key_vault(new, db).rotate() == (2, 0)
    without_old = new.model_copy(update={"data_kek_retired": {}})
    vault = key_vault(without_old, db)
    assert {c: await vault.data_key(c, create=False) for c in ("a", "b")} == {
        "a": keys["a"],
        "b": keys["b"],
    }
    assert await vault.data_key("c", create=False) is None
    assert await vault.rotate() == (0, 2)
