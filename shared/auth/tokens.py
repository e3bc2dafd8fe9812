"""Bearer token validation: signature by the issuer's keys, issuer, audience, expiry."""

import time
from collections import OrderedDict
from collections.abc import Callable

from joserfc import jws, jwt
from joserfc.errors import JoseError

from shared.auth.keys import KeyCache
from shared.auth.roles import Principal

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
# An RSA signature check costs about a millisecond on a busy machine, and an agent's console
# sends the same token with every call until it expires: remember what was verified.
VERIFIED_CAPACITY = 10_000


class InvalidToken(Exception):
    """The token is missing, malformed, forged, expired or meant for someone else."""


class TokenValidator:
    def __init__(
        self,
        keys: KeyCache,
        issuer: str,
        audience: str,
        leeway_s: int = 30,
        now: Callable[[], int] = lambda: int(time.time()),
    ) -> None:
        self.keys = keys
        self.now = now
        self.leeway_s = leeway_s
        self._verified: OrderedDict[str, tuple[Principal, int]] = OrderedDict()
        self.claims = jwt.JWTClaimsRegistry(
            now=now,
            leeway=leeway_s,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
        )

    async def validate(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, expires = remembered
            if self.now() < expires + self.leeway_s:
                return principal
            del self._verified[token]
        principal, expires = await self._verify(token)
        self._verified[token] = (principal, expires)
        if len(self._verified) > VERIFIED_CAPACITY:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, int]:
        kid = _kid(token)
        key_set = await self.keys.key_set_with(kid)
        if kid is not None and not any(key.kid == kid for key in key_set.keys):
            raise InvalidToken(f"unknown signing key {kid!r}")
        try:
            decoded = jwt.decode(token, key_set, algorithms=list(ALGORITHMS))
            self.claims.validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise InvalidToken(_reason(exc)) from exc
        return Principal.from_claims(decoded.claims), int(decoded.claims["exp"])


def _kid(token: str) -> str | None:
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError) as exc:
        raise InvalidToken("not a signed JWT") from exc
    kid = header.get("kid")
    return str(kid) if kid is not None else None


def _reason(exc: Exception) -> str:
    description = getattr(exc, "description", None) or str(exc) or type(exc).__name__
    return str(description)[:200]
