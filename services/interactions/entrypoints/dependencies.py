"""Typed FastAPI dependencies: what a route needs, taken from the running app."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request

from services.interactions.service_layer.ingestion import Ingestion
from shared.events.text import DEFAULT_MAX_FUTURE_SKEW, door_context


async def get_ingestion(request: Request) -> Ingestion:
    ingestion: Ingestion = request.app.state.ingestion
    return ingestion


async def get_door(request: Request) -> Mapping[str, Any]:
    """The validation context of this request: event times up to the allowed skew from now,
    wrap-up codes from the configured list."""
    skew: timedelta = getattr(request.app.state, "max_future_skew", DEFAULT_MAX_FUTURE_SKEW)
    return door_context(skew, wrapup_codes=getattr(request.app.state, "wrapup_codes", None))


IngestionDep = Annotated[Ingestion, Depends(get_ingestion)]
DoorDep = Annotated[Mapping[str, Any], Depends(get_door)]
