"""Tests read the log as a consumer does: sealed personal fields opened with the vault's keys."""

from typing import Any

from shared.mongo import make_client
from shared.privacy.local import keyring
from shared.privacy.sealing import open_sealed, sealed_by
from shared.settings import Settings


async def open_documents(
    settings: Settings, documents: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each CloudEvent with its sealed fields back (anonymous where the key is gone)."""
    client = make_client(settings)
    keys = keyring(settings, client[settings.database])
    try:
        for document in documents:
            kid = sealed_by(document)
            if kid is not None:
                await keys.key(kid)
        return [open_sealed(d, keys.cached) for d in documents]
    finally:
        await client.close()
