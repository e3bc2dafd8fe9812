"""Wiring of the local key vault: KEKs from settings, wrapped data keys in the store."""

from pymongo.asynchronous.database import AsyncDatabase

from shared.mongo import Document
from shared.privacy.keyring import Keyring
from shared.privacy.vault import COLLECTION, LocalKek, MongoKeyVault, kek_material
from shared.settings import Settings


def local_kek(settings: Settings) -> LocalKek:
    keks = {k: kek_material(v.get_secret_value()) for k, v in settings.data_kek_retired.items()}
    keks[settings.data_kek_id] = kek_material(settings.data_kek.get_secret_value())
    return LocalKek(settings.data_kek_id, keks)


def key_vault(settings: Settings, db: AsyncDatabase[Document]) -> MongoKeyVault:
    return MongoKeyVault(db[COLLECTION], local_kek(settings))


def keyring(settings: Settings, db: AsyncDatabase[Document]) -> Keyring:
    return Keyring(key_vault(settings, db), settings.data_key_cache_seconds)
