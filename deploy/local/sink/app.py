"""The sink's HTTP face: `POST /sms` (an SMS provider's API), `POST /webhooks/{team}` (a team's
webhook), `GET /api/messages` (what arrived, as JSON) and `GET /` (the same, as a page)."""

import html
import json
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from deploy.local.sink.inbox import Arrival, Inbox

KEPT_HEADERS = ("idempotency-key", "c360-notification-id", "c360-signature", "authorization")


def create_app(journal: Path | None = None) -> FastAPI:
    app = FastAPI(title="c360 notification sink (local only)")
    inbox = Inbox(journal)

    async def take(kind: str, request: Request) -> dict[str, object]:
        raw = await request.body()
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        headers = {h: request.headers[h] for h in KEPT_HEADERS if h in request.headers}
        if "authorization" in headers:
            headers["authorization"] = "(present)"
        key = headers.get("idempotency-key") or headers.get("c360-notification-id")
        new = inbox.receive(kind, request.url.path, key, body, headers)
        return {"accepted": True, "duplicate": not new}

    @app.post("/sms")
    async def sms(request: Request) -> dict[str, object]:
        return await take("sms", request)

    @app.post("/webhooks/{team}")
    async def webhook(team: str, request: Request) -> dict[str, object]:
        return await take("webhook", request)

    @app.get("/api/messages")
    async def messages(
        kind: Annotated[str | None, Query(pattern="^(sms|webhook)$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> dict[str, object]:
        found = inbox.newest_first(kind, limit)
        return {"total": len(found), "messages": [a.model_dump(mode="json") for a in found]}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return render(inbox.newest_first())

    return app


def render(arrivals: list[Arrival]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(a.received_at.isoformat(timespec='seconds'))}</td>"
        f"<td>{html.escape(a.kind)}</td><td>{html.escape(a.path)}</td>"
        f"<td><pre>{html.escape(json.dumps(a.body, ensure_ascii=False, indent=1))}</pre></td></tr>"
        for a in arrivals
    )
    empty = "" if arrivals else "<p>Nothing has arrived yet.</p>"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='refresh' content='5'><title>c360 notification sink</title>"
        "<style>body{font-family:sans-serif;margin:1rem}td,th{border-bottom:1px solid #ccc;"
        "padding:.3rem;vertical-align:top;text-align:start}pre{margin:0;white-space:pre-wrap}"
        "</style></head><body><h1>SMS and team webhooks that arrived</h1>"
        "<p>Local stand-in for the SMS provider and the teams' webhooks (refreshes every 5 s; "
        "JSON at <a href='/api/messages'>/api/messages</a>).</p>"
        f"{empty}<table><tr><th>received</th><th>kind</th><th>path</th><th>body</th></tr>{rows}"
        "</table></body></html>"
    )
