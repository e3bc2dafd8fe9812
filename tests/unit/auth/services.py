"""Every c360 HTTP app, found by convention: each `services/<name>/bootstrap.py` `build_*`."""

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

from fastapi import FastAPI

from shared.settings import Settings

SERVICES = Path(__file__).resolve().parents[3] / "services"


def every_app(settings: Settings) -> Iterator[tuple[str, FastAPI]]:
    """(name, app) for every app a bootstrap builds; nothing connects until a request."""
    for bootstrap in sorted(SERVICES.glob("*/bootstrap.py")):
        module = importlib.import_module(f"services.{bootstrap.parent.name}.bootstrap")
        for name, build in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("build_") and build.__module__ == module.__name__:
                app = build(settings)
                if isinstance(app, FastAPI):
                    yield f"{bootstrap.parent.name}.{name}", app
