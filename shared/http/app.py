"""One way to build a c360 HTTP service: problems, limits, metrics, health."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI

from shared.http.limits import BodySizeLimit
from shared.http.observability import ReadinessCheck, RequestMetrics, health_router
from shared.http.problems import install_problem_handlers

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(
    *,
    service: str,
    title: str,
    description: str,
    version: str,
    lifespan: Lifespan,
    routers: list[APIRouter],
    checks: dict[str, ReadinessCheck],
    max_body_bytes: int,
) -> FastAPI:
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    install_problem_handlers(app)
    # Innermost, so the size error reaches the route's body parsing as itself: through
    # RequestMetrics (a task group) it would arrive inside an ExceptionGroup and become a 400.
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(RequestMetrics, service=service)
    app.include_router(health_router(checks, service))
    for router in routers:
        app.include_router(router)
    return app
