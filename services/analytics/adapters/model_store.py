"""Scores, RFM boundaries and fitted CLV models in MongoDB (all read and written by `_id`)."""

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import date

from pymongo import ReplaceOne
from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.domain.bgnbd import BgNbd
from services.analytics.domain.gamma_gamma import GammaGamma
from services.analytics.domain.model import ClvModel
from services.analytics.domain.rfm import Boundaries
from shared.events.analytics import ScoredData
from shared.mongo import Document

WRITE_CHUNK = 1000


class MongoScoreStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.collection = db["analytics_scores"]

    async def published(self, customer_ids: Collection[str] | None) -> dict[str, ScoredData]:
        if customer_ids is None:
            docs = [doc async for doc in self.collection.find({})]
        else:
            found = await asyncio.gather(
                *(self.collection.find_one({"_id": c}) for c in customer_ids)
            )
            docs = [d for d in found if d is not None]
        return {doc["_id"]: _scores(doc) for doc in docs}

    async def get(self, customer_id: str) -> ScoredData | None:
        doc = await self.collection.find_one({"_id": customer_id})
        return _scores(doc) if doc else None

    async def record(self, scores: Sequence[ScoredData]) -> None:
        writes = [
            ReplaceOne(
                {"_id": s.customer_id},
                {"_id": s.customer_id, **s.model_dump(mode="json")},
                upsert=True,
            )
            for s in scores
        ]
        for start in range(0, len(writes), WRITE_CHUNK):
            await self.collection.bulk_write(writes[start : start + WRITE_CHUNK], ordered=False)


def _scores(doc: Document) -> ScoredData:
    return ScoredData.model_validate({k: v for k, v in doc.items() if k != "_id"})


class MongoModelStore:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self.boundaries_collection = db["rfm_boundaries"]
        self.models = db["clv_models"]

    async def boundaries(self, currency: str) -> Boundaries | None:
        doc = await self.boundaries_collection.find_one({"_id": currency})
        if doc is None:
            return None
        return Boundaries(
            tuple(doc["recency"]),
            tuple(doc["frequency"]),
            tuple(doc["monetary"]),
            int(doc["population"]),
        )

    async def save_boundaries(self, currency: str, boundaries: Boundaries) -> None:
        doc = {"_id": currency, **asdict(boundaries)}
        await self.boundaries_collection.replace_one({"_id": currency}, doc, upsert=True)

    async def current_model(self, currency: str) -> ClvModel | None:
        return await self.latest_fit(currency, None)

    async def latest_fit(self, currency: str, segment: str | None) -> ClvModel | None:
        pointer = await self.models.find_one({"_id": _pointer_id(currency, segment)})
        if pointer is None:
            return None
        doc = await self.models.find_one({"_id": pointer["model_id"]})
        return _model(doc) if doc else None

    async def save_model(self, model: ClvModel) -> None:
        doc = {
            "_id": model.model_id,
            "currency": model.currency,
            "time_unit": model.time_unit,
            "calibration_end": model.calibration_end.isoformat(),
            "bgnbd": asdict(model.bgnbd),
            "gamma_gamma": asdict(model.gamma_gamma),
            "customers": model.customers,
            "repeat_customers": model.repeat_customers,
            "segment": model.segment,
        }
        await self.models.replace_one({"_id": model.model_id}, doc, upsert=True)
        pointer = {"_id": _pointer_id(model.currency, model.segment), "model_id": model.model_id}
        await self.models.replace_one({"_id": pointer["_id"]}, pointer, upsert=True)


def _pointer_id(currency: str, segment: str | None) -> str:
    """The population's model is `current-USD` (the one customers are scored with); a segment's
    latest fit is `segment-<id>-USD`."""
    return f"current-{currency}" if segment is None else f"segment-{segment}-{currency}"


def _model(doc: Document) -> ClvModel:
    return ClvModel(
        currency=doc["currency"],
        time_unit=doc["time_unit"],
        calibration_end=date.fromisoformat(doc["calibration_end"]),
        bgnbd=BgNbd(**doc["bgnbd"]),
        gamma_gamma=GammaGamma(**doc["gamma_gamma"]),
        customers=int(doc["customers"]),
        repeat_customers=int(doc["repeat_customers"]),
        segment=doc.get("segment"),
    )
