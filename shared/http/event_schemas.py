"""The event models' JSON schemas in a service's OpenAPI document, so a request body can name
them (`#/components/schemas/CallPublished`) instead of saying `object`."""

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from pydantic.json_schema import models_json_schema

from shared.events.envelope import Envelope

REF_TEMPLATE = "#/components/schemas/{model}"


def schema_ref(model: type[Envelope]) -> dict[str, str]:
    return {"$ref": REF_TEMPLATE.format(model=model.__name__)}


def install_event_schemas(app: FastAPI, models: Iterable[type[Envelope]]) -> None:
    """Add the models (and every model they use) to `components.schemas` of `app.openapi()`."""
    chosen = list(models)
    _, defs = models_json_schema([(m, "validation") for m in chosen], ref_template=REF_TEMPLATE)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = generate()
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in defs.get("$defs", {}).items():
                schemas.setdefault(name, schema)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
