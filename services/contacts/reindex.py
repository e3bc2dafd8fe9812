"""`python -m services.contacts.reindex` (`make reindex`): rebuild the identity index from the
contacts under the current `C360_IDENTITY_INDEX_KEY`.

Run it once when upgrading a store written before the blind index (its entries are plaintext
`kind:value`), and after changing the index key; stop the contacts service first (see
`service_layer/reindex.py`). The projection's identity lookup is rebuilt from the log instead:
`make rebuild`, then drop the old generation.
"""

import asyncio

from rich.console import Console

from services.contacts.adapters.index_rebuild import StoredIndexRebuild
from services.contacts.service_layer.reindex import Reindexed, reindex
from shared.mongo import database, make_client
from shared.privacy.blind import blind_index
from shared.settings import Settings, get_settings


async def reindex_store(settings: Settings) -> Reindexed:
    client = make_client(settings)
    try:
        db = database(client, settings)
        return await reindex(StoredIndexRebuild(db, blind_index(settings)))
    finally:
        await client.close()


def main() -> None:
    done = asyncio.run(reindex_store(get_settings()))
    Console().print(
        f"identity index rebuilt from {done.contacts} contacts: {done.entries} entries"
        f" under the current key, {done.dropped} stale entries dropped"
    )


if __name__ == "__main__":
    main()
