"""Health, readiness and Prometheus metrics, the same on every c360 HTTP service."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

ReadinessCheck = Callable[[], Awaitable[None]]
CHECK_TIMEOUT_S = 3.0

HTTP_REQUESTS = Counter(
    "c360_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "c360_http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Readiness is probed every few seconds by Kubernetes or compose, so these follow the broker and
# the store of every service without a separate poller.
DEPENDENCY_UP = Gauge(
    "c360_dependency_up", "1 if the last readiness check passed", ["service", "dependency"]
)
DEPENDENCY_ERRORS = Counter(
    "c360_dependency_errors_total", "Failed readiness checks", ["service", "dependency"]
)


class RequestMetrics(BaseHTTPMiddleware):
    def __init__(self, app: object, service: str) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.service = service

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        HTTP_LATENCY.labels(self.service, request.method, route).observe(
            time.perf_counter() - started
        )
        HTTP_REQUESTS.labels(self.service, request.method, route, str(response.status_code)).inc()
        return response


def health_router(checks: dict[str, ReadinessCheck], service: str = "") -> APIRouter:
    """`/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics`."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = await asyncio.gather(*(_run(check) for check in checks.values()))
        report = dict(zip(checks, results, strict=True))
        _record(service, report)
        ready = all(r == "ok" for r in report.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": report},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def _record(service: str, report: dict[str, str]) -> None:
    for dependency, result in report.items():
        DEPENDENCY_UP.labels(service, dependency).set(1 if result == "ok" else 0)
        if result != "ok":
            DEPENDENCY_ERRORS.labels(service, dependency).inc()


async def _run(check: ReadinessCheck) -> str:
    try:
        await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
    except Exception as exc:  # a readiness probe reports every failure rather than raising
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"
