"""The broker's access table: each principal holds only what its service needs."""

from shared.kafka_access import ADAPTER, ADMIN, grants, principals
from shared.kafka_acls import PREFIXED, table_bindings
from shared.topics import Topics


def topics_of(principal: str, operation: str, prefix: str = "") -> set[str]:
    return {
        g.name
        for g in grants(Topics(prefix))[principal]
        if g.resource == "topic" and operation in g.operations
    }


def test_an_adapter_may_only_write_the_ingress() -> None:
    assert topics_of(ADAPTER, "Write") == {"c360.ingress"}
    assert topics_of(ADAPTER, "Read") == set()
    assert all(g.resource == "topic" for g in grants(Topics())[ADAPTER])


def test_only_the_interactions_service_and_ops_read_the_ingress() -> None:
    readers = {p for p in grants(Topics()) if "c360.ingress" in topics_of(p, "Read")}
    assert readers == {"c360-interactions"}  # ops reads every topic by prefix instead


def test_only_the_interactions_service_writes_the_interactions_topic() -> None:
    writers = {p for p in grants(Topics()) if "c360.interactions" in topics_of(p, "Write")}
    assert writers == {"c360-interactions"}


def test_the_audit_is_read_by_its_projection_only() -> None:
    readers = {p for p in grants(Topics()) if "c360.audit" in topics_of(p, "Read")}
    assert readers == {"c360-projections"}


def test_every_service_and_the_ops_cli_has_a_principal_and_admin_is_the_super_user() -> None:
    services = ["contacts", "interactions", "projections", "notifier", "analytics", "kpis", "ops"]
    assert set(principals()) == {ADMIN, ADAPTER, *(f"c360-{s}" for s in services)}
    assert principals()[0] == ADMIN
    assert ADMIN not in grants(Topics())  # a super user: no ACL needed


def test_names_follow_the_deployments_topic_prefix() -> None:
    assert topics_of(ADAPTER, "Write", prefix="t1.") == {"t1.c360.ingress"}
    groups = [g for g in grants(Topics("t1."))["c360-notifier"] if g.resource == "group"]
    assert [g.name for g in groups] == ["t1.c360-notifier"]


def test_generation_groups_are_granted_by_prefix() -> None:
    bindings = table_bindings(Topics(), only="c360-projections")
    prefixed = {name for _, name, pattern, *_ in bindings if pattern == PREFIXED}
    assert prefixed == {"c360-projections-"}
