"""`GET /asyncapi.json`: the Kafka side of the contract (topics, events, headers), served by the
adapters' door next to its OpenAPI document."""

from typing import Any

from fastapi import APIRouter

from shared.asyncapi import build

router = APIRouter(tags=["contract"])


@router.get("/asyncapi.json", summary="The AsyncAPI 3.0 document of c360's topics")
async def asyncapi() -> dict[str, Any]:
    return build()
