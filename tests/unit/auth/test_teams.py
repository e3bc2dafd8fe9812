"""Teams come from the provider's `teams` claim; they decide whose audit a supervisor reads."""

import json

from services.projections.domain.audit import audit_teams
from shared.auth.roles import Principal, Role
from tests.infra import REPO

REALM = REPO / "deploy/local/keycloak/c360-realm.json"


def principal(*roles: Role, teams: frozenset[str] = frozenset()) -> Principal:
    return Principal(subject="s", name="n", roles=frozenset(roles), teams=teams)


def test_teams_are_group_names_whether_the_claim_sends_names_or_paths() -> None:
    claims = {"sub": "s", "roles": ["supervisor"], "teams": ["/support", "sales", "", 7]}
    assert Principal.from_claims(claims).teams == {"support", "sales"}
    assert Principal.from_claims({"sub": "s", "teams": "support"}).teams == frozenset()


def test_privacy_officers_and_admins_read_the_whole_audit() -> None:
    for role in (Role.PRIVACY_OFFICER, Role.ADMIN):
        assert audit_teams(principal(role, teams=frozenset({"support"}))) is None
    both = principal(Role.SUPERVISOR, Role.PRIVACY_OFFICER, teams=frozenset({"support"}))
    assert audit_teams(both) is None


def test_a_supervisor_reads_the_audit_of_their_own_teams() -> None:
    lead = principal(Role.SUPERVISOR, teams=frozenset({"support", "sales"}))
    assert audit_teams(lead) == frozenset({"support", "sales"})
    assert audit_teams(principal(Role.SUPERVISOR)) == frozenset()


def test_the_local_realm_puts_the_demo_agent_and_supervisor_in_a_team_claim() -> None:
    realm = json.loads(REALM.read_text())
    teams = {u["username"]: u.get("groups", []) for u in realm["users"]}
    assert teams["agent"] == teams["supervisor"] == ["/support"]
    assert {g["name"] for g in realm["groups"]} >= {"support"}
    for client in realm["clients"]:
        if client["clientId"] in ("c360-console", "c360-cli"):
            [mapper] = [
                m
                for m in client["protocolMappers"]
                if m["protocolMapper"] == "oidc-group-membership-mapper"
            ]
            assert mapper["config"]["claim.name"] == "teams"
            assert mapper["config"]["access.token.claim"] == "true"
