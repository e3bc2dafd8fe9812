"""The KPI service's collections, read and written by `_id` only (MongoDB and FerretDB alike):
`kpi_facts` (one document per customer) and `kpi_aggregates` (one per partition number)."""

import asyncio
from collections.abc import Awaitable, Sequence
from typing import TypeVar

from pymongo.asynchronous.database import AsyncDatabase

from services.kpis.adapters.documents import from_document, purchases_of, to_document
from services.kpis.domain.facts import Purchase
from services.kpis.service_layer.ports import Aggregate, StoredFacts
from shared.concurrency import together
from shared.mongo import Document, read_by_ids, replace_guarded

CONCURRENCY = 16
T = TypeVar("T")


class MongoKpiStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.facts = db["kpi_facts"]
        self.aggregates = db["kpi_aggregates"]
        self._limit = asyncio.Semaphore(CONCURRENCY)

    async def _bounded(self, work: Awaitable[T]) -> T:
        async with self._limit:
            return await work

    async def load_facts(self, customer_ids: Sequence[str]) -> dict[str, StoredFacts]:
        docs = await read_by_ids(self.facts, list(customer_ids))
        return {customer: from_document(doc) for customer, doc in docs.items()}

    async def save_facts(self, stored: Sequence[StoredFacts]) -> None:
        await together(
            self._bounded(
                self.facts.replace_one({"_id": s.facts.customer_id}, to_document(s), upsert=True)
            )
            for s in stored
        )

    async def load_aggregate(self, aggregate_id: str) -> Aggregate:
        doc = await self.aggregates.find_one({"_id": aggregate_id})
        return Aggregate(aggregate_id) if doc is None else _aggregate(doc)

    async def save_aggregate(self, aggregate: Aggregate) -> None:
        doc = {
            "_id": aggregate.id,
            "cells": dict(aggregate.cells),
            "positions": dict(aggregate.positions),
            "version": aggregate.version,
        }
        await replace_guarded(self.aggregates, doc, aggregate.version - 1)

    async def all_aggregates(self) -> list[Aggregate]:
        return [_aggregate(d) async for d in self.aggregates.find({})]

    async def all_purchases(self) -> list[tuple[Purchase, ...]]:
        return [purchases_of(d) async for d in self.facts.find({}, {"purchases": 1})]


def _aggregate(doc: Document) -> Aggregate:
    return Aggregate(doc["_id"], doc.get("cells", {}), doc.get("positions", {}), doc["version"])
