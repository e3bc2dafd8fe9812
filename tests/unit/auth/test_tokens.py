"""Bearer token validation with keys of our own: what must pass and what must be refused."""

import time
from typing import Any

import pytest

from shared.auth.keys import KeyCache
from shared.auth.roles import Role
from shared.auth.tokens import InvalidToken, TokenValidator
from tests.unit.auth.issuer import AUDIENCE, ISSUER, FakeJwksSource, LocalIssuer, new_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> LocalIssuer:
    return LocalIssuer()


@pytest.fixture
def source(issuer: LocalIssuer) -> FakeJwksSource:
    return FakeJwksSource(issuer)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def validator(source: FakeJwksSource, clock: Clock) -> TokenValidator:
    return TokenValidator(KeyCache(source, min_refresh_s=30, clock=clock), ISSUER, AUDIENCE)


async def test_a_valid_token_names_the_principal_and_its_roles(
    issuer: LocalIssuer, validator: TokenValidator
) -> None:
    principal = await validator.validate(issuer.token("agent", "analyst", username="agent"))
    assert principal.name == "agent"
    assert principal.roles == {Role.AGENT, Role.ANALYST}
    assert principal.client_id == "c360-cli"


async def test_keycloak_realm_access_roles_are_understood(
    issuer: LocalIssuer, validator: TokenValidator
) -> None:
    token = issuer.token(roles=None, realm_access={"roles": ["supervisor", "offline_access"]})
    principal = await validator.validate(token)
    assert principal.roles == {Role.SUPERVISOR}


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iss": "https://elsewhere.test/realms/c360"}, "iss"),
        ({"aud": "someone-else"}, "aud"),
    ],
    ids=["expired", "wrong-issuer", "wrong-audience"],
)
async def test_a_token_with_bad_claims_is_refused(
    issuer: LocalIssuer, validator: TokenValidator, claims: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidToken, match=reason):
        await validator.validate(issuer.token("agent", **claims))


async def test_a_forged_signature_is_refused(
    issuer: LocalIssuer, validator: TokenValidator
) -> None:
    impostor = new_key(kid=issuer.key.kid)  # same kid, different key
    with pytest.raises(InvalidToken):
        await validator.validate(issuer.token("admin", key=impostor))


async def test_an_unknown_kid_is_refused(issuer: LocalIssuer, validator: TokenValidator) -> None:
    with pytest.raises(InvalidToken, match="unknown signing key"):
        await validator.validate(issuer.token("admin", key=new_key()))


async def test_garbage_is_refused(validator: TokenValidator) -> None:
    with pytest.raises(InvalidToken):
        await validator.validate("nonsense")


async def test_keys_are_fetched_once_and_refetched_when_the_issuer_rotates(
    issuer: LocalIssuer, validator: TokenValidator, source: FakeJwksSource, clock: Clock
) -> None:
    await validator.validate(issuer.token("agent"))
    await validator.validate(issuer.token("agent"))
    assert source.fetches == 1
    issuer.rotate()
    clock.now += 31
    principal = await validator.validate(issuer.token("agent"))
    assert principal.roles == {Role.AGENT}
    assert source.fetches == 2


async def test_unknown_kids_refetch_at_most_once_per_interval(
    issuer: LocalIssuer, validator: TokenValidator, source: FakeJwksSource, clock: Clock
) -> None:
    await validator.validate(issuer.token("agent"))
    stranger = new_key()
    for _ in range(20):
        with pytest.raises(InvalidToken):
            await validator.validate(issuer.token("agent", key=stranger))
    assert source.fetches == 1  # within the interval no unknown kid reaches the issuer
    clock.now += 31
    for _ in range(20):
        with pytest.raises(InvalidToken):
            await validator.validate(issuer.token("agent", key=stranger))
    assert source.fetches == 2  # one refresh for twenty tries


async def test_a_remembered_token_still_expires() -> None:
    issuer = LocalIssuer()
    now = [int(time.time())]
    validator = TokenValidator(
        KeyCache(FakeJwksSource(issuer)), ISSUER, AUDIENCE, leeway_s=0, now=lambda: now[0]
    )
    token = issuer.token("agent", exp=now[0] + 60)
    assert (await validator.validate(token)).roles == {Role.AGENT}
    assert (await validator.validate(token)).roles == {Role.AGENT}
    now[0] += 61
    with pytest.raises(InvalidToken, match="expired"):
        await validator.validate(token)
