"""RFC 9457 problem details: every error answer is `application/problem+json` with a reason."""

from typing import Any

from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pymongo.errors import ConnectionFailure, ExecutionTimeout, PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    503: "Service unavailable",
}


class Problem(Exception):
    """Raise from a route to answer with problem details."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    status: int, detail: str, errors: list[dict[str, Any]] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://c360.dev/problems/{status}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Pydantic errors as `{field, reason}`, the field as a dotted path without the `body.` root."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:] if len(loc) > 1 else loc
        out.append({"field": ".".join(loc) or "(body)", "reason": err.get("msg", "invalid")})
    return out


RETRY_AFTER_S = 5
# Infrastructure that did not answer (not bad input, not a bug): 503 with Retry-After.
OUTAGES: tuple[type[Exception], ...] = (
    ConnectionFailure,
    ExecutionTimeout,
    KafkaConnectionError,
    KafkaTimeoutError,
)


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        answer = problem_response(exc.status, exc.detail, exc.errors, **exc.extra)
        answer.headers.update(exc.headers)
        return answer

    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = validation_errors(exc)
        if any(e["reason"].startswith("JSON decode error") for e in errors):
            return problem_response(400, "the body is not valid JSON", errors)
        return problem_response(422, "the request has invalid fields", errors)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(exc.status_code, str(exc.detail))

    async def on_outage(_: Request, exc: Exception) -> JSONResponse:
        # The broker or the store did not answer: the request may succeed later, so say so
        # instead of answering a bare 500.
        which = "the store" if isinstance(exc, PyMongoError) else "the broker"
        answer = problem_response(
            503, f"{which} is unavailable; retry later", reason=str(exc)[:300]
        )
        answer.headers["Retry-After"] = str(RETRY_AFTER_S)
        return answer

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    for outage in OUTAGES:
        app.add_exception_handler(outage, on_outage)
