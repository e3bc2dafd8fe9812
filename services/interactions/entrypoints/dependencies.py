"""Typed FastAPI dependencies: what a route needs, taken from the running app."""

from typing import Annotated

from fastapi import Depends, Request

from services.interactions.service_layer.ingestion import Ingestion


async def get_ingestion(request: Request) -> Ingestion:
    ingestion: Ingestion = request.app.state.ingestion
    return ingestion


IngestionDep = Annotated[Ingestion, Depends(get_ingestion)]
