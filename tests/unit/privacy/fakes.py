"""A data-key vault in memory: the `DataKeys` port without a store."""

from shared.privacy.sealing import new_data_key


class FakeVault:
    def __init__(self) -> None:
        self.keys: dict[str, bytes | None] = {}
        self.lookups = 0

    async def data_key(self, customer_id: str, create: bool) -> bytes | None:
        self.lookups += 1
        if customer_id not in self.keys and create:
            self.keys[customer_id] = new_data_key()
        return self.keys.get(customer_id)

    async def destroy(self, customer_id: str) -> None:
        self.keys[customer_id] = None
