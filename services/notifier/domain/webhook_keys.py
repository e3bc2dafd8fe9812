"""A team's webhook signing keys. The current key signs; after a rotation the previous key stays
valid (deliveries carry both signatures) until the overlap ends or the rotation is finished, so
receivers can switch to the new key at their own pace within that window."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

# Until its first rotation a team is signed with the deployment's C360_WEBHOOK_SECRET.
INITIAL_KEY_ID = "initial"


@dataclass(frozen=True)
class SigningKey:
    id: str
    secret: str
    created_at: datetime


@dataclass(frozen=True)
class TeamKeys:
    team: str
    current: SigningKey
    previous: SigningKey | None = None
    previous_until: datetime | None = None
    version: int = 0  # of the stored document; 0 = never stored

    def valid(self, now: datetime) -> list[SigningKey]:
        """The keys a delivery is signed with now, the current one first."""
        if self.previous is None or self.previous_until is None or now >= self.previous_until:
            return [self.current]
        return [self.current, self.previous]

    def rotating(self, now: datetime) -> bool:
        return len(self.valid(now)) == 2

    def rotated(self, new: SigningKey, overlap: timedelta) -> "TeamKeys":
        """`new` signs from now on; the current key stays valid for `overlap`."""
        if overlap <= timedelta(0):
            raise ValueError("the overlap must be positive")
        return replace(
            self, current=new, previous=self.current, previous_until=new.created_at + overlap
        )

    def rotation_finished(self) -> "TeamKeys":
        """Only the current key is valid from now on."""
        return replace(self, previous=None, previous_until=None)


def initial_keys(team: str, secret: str) -> TeamKeys:
    return TeamKeys(team, SigningKey(INITIAL_KEY_ID, secret, datetime.min.replace(tzinfo=UTC)))
