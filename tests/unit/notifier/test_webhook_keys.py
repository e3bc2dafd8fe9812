"""Team webhook keys: one signs, both sign during a rotation, only the new one after it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.notifier.domain.signature import sign, verify
from services.notifier.domain.webhook_keys import INITIAL_KEY_ID, TeamKeys
from services.notifier.service_layer.webhook_keys import Keyring
from shared.mongo import VersionConflict

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BODY = b'{"notification_id": "n1"}'


class FakeTeamKeys:
    """The store port: documents by team, with the same version guard as the real one."""

    def __init__(self) -> None:
        self.saved: dict[str, TeamKeys] = {}

    async def load(self, team: str) -> TeamKeys | None:
        return self.saved.get(team)

    async def save(self, keys: TeamKeys) -> TeamKeys:
        stored = self.saved.get(keys.team)
        if (stored.version if stored else 0) != keys.version:
            raise VersionConflict(keys.team, keys.version)
        self.saved[keys.team] = replace(keys, version=keys.version + 1)
        return self.saved[keys.team]


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def keyring(clock: Clock) -> Keyring:
    return Keyring(FakeTeamKeys(), "deployment-secret", clock)


async def test_a_team_never_rotated_is_signed_with_the_deployment_secret(keyring: Keyring) -> None:
    keys = await keyring.keys("support")
    assert keys.current.id == INITIAL_KEY_ID
    assert await keyring.signing_secrets("support") == ["deployment-secret"]


async def test_after_a_rotation_both_keys_sign_until_the_overlap_ends(
    keyring: Keyring, clock: Clock
) -> None:
    rotated = await keyring.rotate("support", timedelta(hours=24))
    assert rotated.previous is not None
    assert rotated.previous.secret == "deployment-secret"
    secrets = await keyring.signing_secrets("support")
    assert secrets == [rotated.current.secret, "deployment-secret"]  # the new key first

    clock.now = NOW + timedelta(hours=24)
    assert await keyring.signing_secrets("support") == [rotated.current.secret]


async def test_each_team_rotates_on_its_own(keyring: Keyring) -> None:
    support = await keyring.rotate("support", timedelta(hours=1))
    managers = await keyring.rotate("account-managers", timedelta(hours=1))
    assert support.current.secret != managers.current.secret
    assert support.current.secret not in await keyring.signing_secrets("account-managers")


async def test_finishing_a_rotation_leaves_only_the_new_key(keyring: Keyring) -> None:
    rotated = await keyring.rotate("support", timedelta(hours=24))
    await keyring.finish_rotation("support")
    assert await keyring.signing_secrets("support") == [rotated.current.secret]


async def test_a_second_rotation_retires_the_oldest_key(keyring: Keyring) -> None:
    first = await keyring.rotate("support", timedelta(hours=24))
    second = await keyring.rotate("support", timedelta(hours=24))
    assert await keyring.signing_secrets("support") == [
        second.current.secret,
        first.current.secret,
    ]


async def test_a_rotation_racing_another_is_refused_not_lost(keyring: Keyring) -> None:
    store = keyring.store
    assert isinstance(store, FakeTeamKeys)
    await keyring.rotate("support", timedelta(hours=1))
    stale = await keyring.keys("support")
    await keyring.rotate("support", timedelta(hours=1))
    with pytest.raises(VersionConflict):
        await store.save(stale.rotation_finished())


def test_a_header_signed_with_two_keys_verifies_with_either_and_nothing_else() -> None:
    header = sign(["new-key", "old-key"], BODY, 1_700_000_000)
    assert header.count("v1=") == 2
    for secret in ("new-key", "old-key"):
        assert verify(secret, BODY, header, now=1_700_000_010)
    assert not verify("third-key", BODY, header, now=1_700_000_010)
    assert not verify("old-key", BODY + b"x", header, now=1_700_000_010)


def test_a_header_with_two_timestamps_is_refused() -> None:
    header = sign(["k"], BODY, 1_700_000_000) + ",t=1700000001"
    assert not verify("k", BODY, header, now=1_700_000_000)


def test_signing_needs_a_key() -> None:
    with pytest.raises(ValueError):
        sign([], BODY, 1_700_000_000)
