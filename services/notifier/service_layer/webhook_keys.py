"""Team webhook keys: what signs a delivery now, and rotating them (an ops or admin action)."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from services.notifier.domain.webhook_keys import SigningKey, TeamKeys, initial_keys

KEY_BYTES = 32


class TeamKeyStore(Protocol):
    async def load(self, team: str) -> TeamKeys | None: ...

    async def save(self, keys: TeamKeys) -> TeamKeys:
        """Write over the version it was loaded at; raises VersionConflict otherwise."""
        ...


def new_key(now: datetime) -> SigningKey:
    key_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    return SigningKey(key_id, secrets.token_urlsafe(KEY_BYTES), now)


class Keyring:
    """Every team's keys, read from the store on each use so that every notifier replica signs
    with a rotated key as soon as the rotation is saved."""

    def __init__(
        self, store: TeamKeyStore, initial_secret: str, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.initial_secret = initial_secret
        self.clock = clock

    async def keys(self, team: str) -> TeamKeys:
        return await self.store.load(team) or initial_keys(team, self.initial_secret)

    async def signing_secrets(self, team: str) -> list[str]:
        return [key.secret for key in (await self.keys(team)).valid(self.clock())]

    async def rotate(self, team: str, overlap: timedelta) -> TeamKeys:
        """A new key signs from now on; the one it replaces stays valid for `overlap`."""
        keys = await self.keys(team)
        return await self.store.save(keys.rotated(new_key(self.clock()), overlap))

    async def finish_rotation(self, team: str) -> TeamKeys:
        keys = await self.keys(team)
        if keys.previous is None:
            return keys
        return await self.store.save(keys.rotation_finished())
