"""One way to build a c360 HTTP service: access control, problems, limits, metrics, health."""

import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.routing import APIRoute

from shared.auth import Access, access_from_settings
from shared.auth.outbound import AccessOutbound
from shared.http.limits import BodySizeLimit
from shared.http.observability import ReadinessCheck, RequestMetrics, health_router
from shared.http.problems import install_problem_handlers
from shared.settings import get_settings

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
    access: Access | None = None,
) -> FastAPI:
    """Every router goes behind the access gate (`shared/auth/policy.py`); health stays open."""
    access = access or access_from_settings(service, get_settings())
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=_with_audit(lifespan, access),
        swagger_ui_init_oauth={
            "clientId": access.console_client_id,
            "usePkceWithAuthorizationCodeGrant": True,
            "scopes": "openid",
        },
    )
    install_problem_handlers(app)
    # Innermost, so the size error reaches the route's body parsing as itself: through a
    # middleware running the app in a task group it would arrive inside an ExceptionGroup.
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(AccessOutbound, access=access)  # masks personal fields by role
    app.add_middleware(RequestMetrics, service=service)
    app.include_router(health_router(checks, service))
    gate = Depends(access.gate())
    for router in routers:
        app.include_router(router, dependencies=[gate])
    app.state.access = access
    app.state.gated_routes = gated_routes(routers)
    return app


def gated_routes(routers: list[APIRouter]) -> list[tuple[str, str]]:
    """(method, path) of every route behind the gate, for the policy tests to walk."""
    found: list[tuple[str, str]] = []
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute):
                raise TypeError(f"{route!r}: only plain routes can be checked against the policy")
            found.extend((method, route.path) for method in sorted(route.methods or ()))
    return found


def _with_audit(lifespan: Lifespan, access: Access) -> Lifespan:
    @contextlib.asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        await access.audit.start()
        try:
            async with lifespan(app):
                yield
        finally:
            await access.audit.stop()

    return running
