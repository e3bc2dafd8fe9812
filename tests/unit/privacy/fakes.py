"""A data-key vault in memory: the `DataKeys` port without a store."""

from collections.abc import Sequence

from shared.privacy.sealing import new_data_key


class FakeVault:
    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}
        self.lookups = 0
        self.batch_lookups = 0

    async def data_key(self, customer_id: str, create: bool) -> bytes | None:
        self.lookups += 1
        if customer_id not in self.keys and create:
            self.keys[customer_id] = new_data_key()
        return self.keys.get(customer_id)

    async def data_keys(self, customer_ids: Sequence[str], create: bool) -> dict[str, bytes | None]:
        self.batch_lookups += 1
        self.lookups -= len(customer_ids)  # counted once, as one batch
        return {c: await self.data_key(c, create) for c in customer_ids}

    async def new_data_keys(self, customer_ids: Sequence[str]) -> dict[str, bytes | None]:
        self.batch_lookups += 1
        for customer_id in customer_ids:
            self.keys.setdefault(customer_id, new_data_key())
        return {c: self.keys[c] for c in customer_ids}

    async def destroy(self, customer_id: str) -> None:
        self.keys[customer_id] = None
