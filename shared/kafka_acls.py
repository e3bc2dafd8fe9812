"""Puts the access table (shared/kafka_access.py) into a broker: one CreateAcls request with every
grant, sent as a super user. Creating an ACL the broker already has changes nothing, so this runs
on every start of the local broker. aiokafka's admin client has no ACL call; the request is
Kafka's own CreateAcls v1 from aiokafka's protocol module."""

from typing import Any

from aiokafka.protocol.admin import CreateAclsRequest_v1, DeleteAclsRequest_v1
from aiokafka.protocol.api import Request

from shared.kafka import make_admin
from shared.kafka_access import Grant, grants
from shared.settings import Settings
from shared.topics import Topics

# Kafka's wire codes (org.apache.kafka.common.acl / resource).
RESOURCE_TYPE = {"topic": 2, "group": 3}
OPERATION = {"Read": 3, "Write": 4, "Create": 5, "Describe": 8, "DescribeConfigs": 10}
LITERAL, PREFIXED, ALLOW, ANY_HOST = 3, 4, 3, "*"
# resource type, name, pattern type, principal, host, operation, permission
Binding = tuple[int, str, int, str, str, int, int]


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, creations: list[Binding]) -> None:
        self._creations = creations

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(self._creations)


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 31

    def __init__(self, filters: list[Binding]) -> None:
        self._filters = filters

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class(self._filters)


def bindings(principal: str, grant: Grant) -> list[Binding]:
    pattern = PREFIXED if grant.prefixed else LITERAL
    return [
        (
            RESOURCE_TYPE[grant.resource],
            grant.name,
            pattern,
            f"User:{principal}",
            ANY_HOST,
            op,
            ALLOW,
        )
        for op in (OPERATION[name] for name in grant.operations)
    ]


def table_bindings(topics: Topics, only: str | None = None) -> list[Binding]:
    """Every ACL of the table for `topics`, or of one principal."""
    return [
        binding
        for principal, granted in grants(topics).items()
        if only is None or principal == only
        for grant in granted
        for binding in bindings(principal, grant)
    ]


async def apply_grants(admin_settings: Settings, topics: Topics, only: str | None = None) -> int:
    """Create every ACL of the table for `topics` (or of one principal); returns how many."""
    creations = table_bindings(topics, only)
    response = await _send(admin_settings, _CreateAcls(creations))
    errors = [message or str(code) for code, message in response.creation_responses if code]
    if errors:
        raise RuntimeError(f"the broker refused ACLs: {'; '.join(sorted(set(errors)))}")
    return len(creations)


async def revoke_grants(admin_settings: Settings, topics: Topics, only: str | None = None) -> None:
    """Delete what `apply_grants` created (a test granting on its own topic prefix cleans up)."""
    await _send(admin_settings, _DeleteAcls(table_bindings(topics, only)))


async def _send(admin_settings: Settings, request: Request[Any]) -> Any:
    admin = make_admin(admin_settings)
    await admin.start()
    try:
        return await admin._send_request(request)
    finally:
        await admin.close()
