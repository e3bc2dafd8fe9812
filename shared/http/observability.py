"""Health, readiness and Prometheus metrics, the same on every c360 HTTP service."""

import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.concurrency import within

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


class RequestMetrics:
    """Latency and count per route. Plain ASGI (not `BaseHTTPMiddleware`), so a request pays
    for no task group and no body stream of its own: the query API's hot path is a few ms."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app starts an answer

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            HTTP_LATENCY.labels(self.service, method, route).observe(time.perf_counter() - started)
            HTTP_REQUESTS.labels(self.service, method, route, str(status)).inc()


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
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


def exposition() -> bytes:
    """This process's metrics, or every worker's when a server runs several processes (they
    then write their values to files in `PROMETHEUS_MULTIPROC_DIR`)."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return generate_latest()
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _record(service: str, report: dict[str, str]) -> None:
    for dependency, result in report.items():
        DEPENDENCY_UP.labels(service, dependency).set(1 if result == "ok" else 0)
        if result != "ok":
            DEPENDENCY_ERRORS.labels(service, dependency).inc()


async def _run(check: ReadinessCheck) -> str:
    try:
        await within(check(), CHECK_TIMEOUT_S)
    except Exception as exc:  # a readiness probe reports every failure rather than raising
        return f"error: {type(exc).__name__}: {exc}"[:300]
    return "ok"
