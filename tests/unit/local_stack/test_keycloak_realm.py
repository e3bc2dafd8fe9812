"""The local realm file holds what the README promises: roles, demo users, clients, claims."""

import json
from typing import Any

from deploy.local.stack.keycloak import REALM

ROLES = {"agent", "supervisor", "analyst", "privacy-officer", "ops", "adapter", "admin"}
SERVICE_ROLE = "service"  # held only by c360's own services' client accounts, no demo user
ADAPTERS = {"adapter-pbx", "adapter-shop", "adapter-mail", "adapter-survey"}
REALM_DOC: dict[str, Any] = json.loads(REALM.read_text())
CLIENTS = {client["clientId"]: client for client in REALM_DOC["clients"]}


def test_realm_c360_has_the_seven_roles_and_the_services_one() -> None:
    assert REALM_DOC["realm"] == "c360"
    assert {role["name"] for role in REALM_DOC["roles"]["realm"]} == ROLES | {SERVICE_ROLE}


def test_one_demo_user_per_role_with_the_role_as_password() -> None:
    people = {u["username"]: u for u in REALM_DOC["users"] if "serviceAccountClientId" not in u}
    # plus `manager`, a supervisor: the KPI dashboard's demo user
    assert set(people) == ROLES | {"manager"}
    assert people["manager"]["realmRoles"] == ["supervisor"]
    for name, user in people.items():
        assert user["realmRoles"] == [name if name in ROLES else "supervisor"]
        assert [c["value"] for c in user["credentials"]] == [name]


def test_the_console_is_a_public_pkce_client_on_the_projections_port() -> None:
    console = CLIENTS["c360-console"]
    assert console["publicClient"]
    assert console["standardFlowEnabled"]
    assert console["attributes"]["pkce.code.challenge.method"] == "S256"
    assert set(console["redirectUris"]) == {"http://127.0.0.1:8003/*", "http://localhost:8003/*"}


def test_the_cli_may_trade_a_password_for_a_token() -> None:
    assert CLIENTS["c360-cli"]["directAccessGrantsEnabled"]


def test_each_example_adapter_is_a_client_credentials_client_with_role_adapter() -> None:
    accounts = {u.get("serviceAccountClientId"): u for u in REALM_DOC["users"]}
    for name in ADAPTERS:
        assert CLIENTS[name]["serviceAccountsEnabled"]
        assert CLIENTS[name]["secret"] == name
        assert accounts[name]["realmRoles"] == ["adapter"]


def test_every_token_carries_audience_c360_and_the_realm_roles_as_roles() -> None:
    for client in CLIENTS.values():
        mappers = {m["protocolMapper"]: m["config"] for m in client["protocolMappers"]}
        assert mappers["oidc-audience-mapper"]["included.custom.audience"] == "c360"
        assert mappers["oidc-usermodel-realm-role-mapper"]["claim.name"] == "roles"
