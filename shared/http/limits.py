"""Reject oversized bodies before they are read into memory."""

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.problems import problem_response


class BodyTooLarge(HTTPException):
    """An HTTPException, so FastAPI's body parsing hands it on (anything else becomes a 400)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the body is larger than {max_bytes} bytes")


def _too_large(exc: BaseException) -> bool:
    """Whether `exc` is, or groups, a BodyTooLarge: middleware running the app in a task group
    (Starlette's BaseHTTPMiddleware) hands it on inside an ExceptionGroup."""
    if isinstance(exc, BaseExceptionGroup):
        return any(_too_large(inner) for inner in exc.exceptions)
    return isinstance(exc, BodyTooLarge)


class BodySizeLimit:
    """ASGI middleware: 413 problem+json when a body exceeds `max_bytes` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(scope, receive, send)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise BodyTooLarge(self.max_bytes)
            return message

        try:
            await self.app(scope, counting_receive, send)
        except Exception as exc:
            if not _too_large(exc):
                raise
            await self._reject(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, f"the body is larger than {self.max_bytes} bytes")
        await response(scope, receive, send)
