"""The one gate in front of every route: bearer token -> principal -> the policy's verdict."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBearer,
    OAuth2AuthorizationCodeBearer,
)

from shared.auth.audit import AuditTrail
from shared.auth.keys import KeysUnavailable
from shared.auth.masking import Exposure, exposure_for
from shared.auth.policy import Rule, rule_for
from shared.auth.roles import ANONYMOUS_ADMIN, Principal, Role
from shared.auth.tokens import InvalidToken, TokenValidator
from shared.http.problems import Problem

Gate = Callable[..., Awaitable[None]]


@dataclass
class Access:
    """Everything one service needs to authenticate, authorise, mask and audit."""

    service: str
    enabled: bool
    validator: TokenValidator
    audit: AuditTrail
    pseudonym_key: bytes
    adapter_sources: dict[str, list[str]]
    authorization_url: str
    token_url: str
    console_client_id: str

    def gate(self) -> Gate:
        """The route dependency; its two security schemes make `/docs` offer to authorize."""
        oauth = OAuth2AuthorizationCodeBearer(
            authorizationUrl=self.authorization_url,
            tokenUrl=self.token_url,
            scheme_name="oidc",
            description="Sign in with the identity provider (authorization code + PKCE)",
            auto_error=False,
        )
        bearer = HTTPBearer(
            scheme_name="bearer",
            bearerFormat="JWT",
            description="An access token, e.g. `uv run c360 token agent`",
            auto_error=False,
        )

        async def authorize(
            request: Request,
            _signed_in: Annotated[str | None, Depends(oauth)],
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
        ) -> None:
            rule = self._rule(request)
            if rule.public:
                return
            principal = await self.authenticate(credentials)
            if not principal.roles & rule.roles:
                raise Problem(403, f"roles {_names(principal.roles)} may not {_route(request)}")
            request.state.principal = principal
            request.state.rule = rule

        return authorize

    def _rule(self, request: Request) -> Rule:
        path = getattr(request.scope.get("route"), "path", request.url.path)
        rule = rule_for(self.service, request.method, path)
        if rule is None:
            raise Problem(403, f"{_route(request)} has no access policy, so nobody may call it")
        return rule

    async def authenticate(self, credentials: HTTPAuthorizationCredentials | None) -> Principal:
        if not self.enabled:
            return ANONYMOUS_ADMIN
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise _unauthorized("a bearer token is required", error=None)
        try:
            return await self.validator.validate(credentials.credentials)
        except InvalidToken as exc:
            raise _unauthorized(f"the bearer token is not valid: {exc}") from exc
        except KeysUnavailable as exc:
            raise Problem(503, str(exc), headers={"Retry-After": "5"}) from exc

    def exposure(self, principal: Principal) -> Exposure:
        return exposure_for(principal.roles)

    def may_publish(self, principal: Principal, source: str) -> bool:
        """Adapters publish only for their own `source`; people publish what they log."""
        if principal.roles - {Role.ADAPTER}:
            return True
        prefixes = self.adapter_sources.get(principal.client_id or "", [])
        return any(source.startswith(prefix) for prefix in prefixes)


def _unauthorized(detail: str, error: str | None = "invalid_token") -> Problem:
    challenge = 'Bearer realm="c360"'
    if error is not None:
        reason = detail.replace('"', "'")
        challenge += f', error="{error}", error_description="{reason}"'
    return Problem(401, detail, headers={"WWW-Authenticate": challenge})


def _names(roles: frozenset[Role]) -> str:
    return ", ".join(sorted(roles)) or "(none)"


def _route(request: Request) -> str:
    return f"{request.method} {request.url.path}"


def require_own_source(request: Request, sources: list[str]) -> None:
    """403 unless the caller may publish events with every one of these `source`s."""
    access: Access = request.app.state.access
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return
    foreign = sorted({s for s in sources if not access.may_publish(principal, s)})
    if foreign:
        reason = f"{principal.client_id or principal.name} may not publish for this source"
        raise Problem(
            403,
            f"events for another adapter's source: {', '.join(foreign)}",
            errors=[{"field": "source", "reason": reason}],
        )
