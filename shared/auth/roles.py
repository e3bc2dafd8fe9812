"""Who is asking: the roles of the realm and the principal a valid token names."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ANALYST = "analyst"
    PRIVACY_OFFICER = "privacy-officer"
    OPS = "ops"
    ADAPTER = "adapter"
    SERVICE = "service"  # another c360 service calling on its own behalf
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """The caller, from validated token claims."""

    subject: str
    name: str
    roles: frozenset[Role]
    client_id: str | None = None
    teams: frozenset[str] = frozenset()  # the groups the provider puts in the `teams` claim

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> "Principal":
        client_id = claims.get("azp") or claims.get("client_id")
        name = claims.get("preferred_username") or client_id or claims.get("sub") or "unknown"
        return cls(
            subject=str(claims.get("sub") or name),
            name=str(name),
            roles=known_roles(_role_claim(claims)),
            client_id=str(client_id) if client_id else None,
            teams=_teams(claims.get("teams")),
        )

    @property
    def primary_role(self) -> str:
        """One role to name in the audit: the most privileged the caller holds."""
        for role in reversed(list(Role)):
            if role in self.roles:
                return str(role.value)
        return "none"


def known_roles(names: Iterable[object]) -> frozenset[Role]:
    values = {r.value for r in Role}
    return frozenset(Role(n) for n in names if isinstance(n, str) and n in values)


def _role_claim(claims: Mapping[str, Any]) -> list[object]:
    # The realm maps roles into a flat `roles` claim; Keycloak's own `realm_access.roles` is the
    # fallback so a realm without the mapper still works.
    roles = claims.get("roles")
    if isinstance(roles, list):
        return roles
    realm_access = claims.get("realm_access")
    if isinstance(realm_access, Mapping) and isinstance(realm_access.get("roles"), list):
        return list(realm_access["roles"])
    return []


def _teams(claim: object) -> frozenset[str]:
    # Keycloak's group mapper may send full paths (`/support`); a team is the group's name.
    if not isinstance(claim, list):
        return frozenset()
    return frozenset(t.rsplit("/", 1)[-1] for t in claim if isinstance(t, str) and t.strip("/"))


# A principal used when authentication is turned off (tests of unrelated parts, local tinkering).
ANONYMOUS_ADMIN = Principal(subject="anonymous", name="anonymous", roles=frozenset({Role.ADMIN}))
