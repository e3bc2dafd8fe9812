"""On the way out of every service: mask personal fields by role and record the access.

One ASGI middleware, so no handler masks or audits by itself. A body is held back and rewritten
only when it must be: for a caller who may not see everything, or to learn whose data an answer
held when the path does not say (a lookup, a search). Anything else streams through untouched.
A route that answers a `PreparedJson` (in `request.state.prepared`) is neither parsed nor
re-serialized: it says whose data it holds and keeps its masked variants.
"""

from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth.guard import Access
from shared.auth.masking import Exposure, mask
from shared.auth.policy import Rule
from shared.auth.prepared import PreparedJson, customer_ids_in
from shared.auth.roles import Principal
from shared.events.audit import AccessData

MAX_AUDITED_IDS = 1_000


class AccessOutbound:
    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        held: list[Message] = []
        body = bytearray()

        async def outgoing(message: Message) -> None:
            principal: Principal | None = state.get("principal")
            rule: Rule | None = state.get("rule")
            if principal is None or rule is None:
                await send(message)
                return
            prepared: PreparedJson | None = state.get("prepared")
            if message["type"] == "http.response.start":
                if self._must_hold(scope, message, principal, rule, prepared):
                    held.append(message)
                    return
                named: Iterable[str] = prepared.customer_ids if prepared is not None else ()
                self._audit(scope, principal, rule, message["status"], named)
                await send(message)
                return
            if not held:
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            start = held[0]
            named, out = self._rewritten(bytes(body), self.access.exposure(principal), prepared)
            self._audit(scope, principal, rule, start["status"], named)
            await send(_with_length(start, len(out)))
            await send({"type": "http.response.body", "body": out, "more_body": False})

        await self.app(scope, receive, outgoing)

    @property
    def _key(self) -> bytes:
        return self.access.pseudonym_key

    def _must_hold(
        self,
        scope: Scope,
        start: Message,
        principal: Principal,
        rule: Rule,
        prepared: PreparedJson | None,
    ) -> bool:
        if not _is_json(start):
            return False
        if self.access.exposure(principal) is not Exposure.FULL:
            return True
        if prepared is not None:  # it says whose data it holds
            return False
        return rule.audit is not None and "customer_id" not in scope.get("path_params", {})

    def _rewritten(
        self, body: bytes, exposure: Exposure, prepared: PreparedJson | None
    ) -> tuple[Iterable[str], bytes]:
        """Whose data the answer holds, and the body the caller may see."""
        if prepared is not None:
            return prepared.customer_ids, prepared.body_for(exposure, self._key)
        document = orjson.loads(body) if body else None
        return customer_ids_in(document), orjson.dumps(mask(document, exposure, self._key))

    def _audit(
        self, scope: Scope, principal: Principal, rule: Rule, status: int, named: Iterable[str]
    ) -> None:
        # With authentication off nobody is known, so there is no one to audit.
        if rule.audit is None or not self.access.enabled or not 200 <= status < 300:
            return
        customer_ids = sorted(set(_customer_ids(scope, named)))[:MAX_AUDITED_IDS]
        query = scope.get("query_string", b"").decode("latin-1")
        client = scope.get("client")
        self.access.audit.record(
            AccessData(
                actor=principal.name,
                actor_subject=principal.subject,
                role=principal.primary_role,
                actor_teams=sorted(principal.teams),
                action=rule.audit,
                customer_ids=customer_ids,
                service=self.access.service,
                method=scope["method"],
                path=(scope["path"] + (f"?{query}" if query else ""))[:2_000],
                status=status,
                client=client[0] if client else None,
            )
        )


def _customer_ids(scope: Scope, named: Iterable[str]) -> Iterator[str]:
    from_path = scope.get("path_params", {}).get("customer_id")
    if from_path:
        yield str(from_path)
    yield from named


def _is_json(start: Message) -> bool:
    for name, value in start.get("headers", []):
        if name.lower() == b"content-type":
            return b"json" in value.lower()
    return False


def _with_length(start: Message, length: int) -> Message:
    headers = [(n, v) for n, v in start.get("headers", []) if n.lower() != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    return {**start, "headers": headers}
