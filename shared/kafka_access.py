"""Who may do what on the broker: one Kafka principal per service, each with only its topics and
consumer groups; adapters may only produce to the ingress; `admin` (the stack, tests, operators'
tools) is a super user. The broker denies everything not granted here (the local stack runs KRaft's
StandardAuthorizer with `allow.everyone.if.no.acl.found=false`)."""

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from shared.settings import Settings
from shared.topics import Topics

Operation = Literal["Read", "Write", "Create", "Describe", "DescribeConfigs"]
ADMIN = "admin"
ADAPTER = "adapter"
OPS = "c360-ops"


@dataclass(frozen=True)
class Grant:
    """Operations allowed on a topic or a consumer group, by exact name or by name prefix."""

    resource: Literal["topic", "group"]
    name: str
    operations: tuple[Operation, ...]
    prefixed: bool = False


def _reads(*names: str) -> list[Grant]:
    # Create lets a service make a missing topic at start (the local stack); Describe is metadata.
    return [Grant("topic", name, ("Read", "Describe", "Create")) for name in names]


def _writes(*names: str) -> list[Grant]:
    return [Grant("topic", name, ("Write", "Describe", "Create")) for name in names]


def _group(topics: Topics, name: str, prefixed: bool = False) -> Grant:
    return Grant("group", f"{topics.prefix}{name}", ("Read", "Describe"), prefixed)


def grants(topics: Topics) -> dict[str, list[Grant]]:
    """Principal -> what it may do, for the deployment's topic names. Every HTTP service writes
    access audits; every consumer writes what it cannot apply to the dead letter."""
    t = topics
    return {
        # an erasure withholds the person's dead letters: it reads them all
        "c360-contacts": [*_reads(t.contacts, t.deadletter), *_writes(t.contacts, t.audit)],
        "c360-interactions": [
            *_reads(t.ingress, t.interactions),
            *_writes(t.interactions, t.deadletter, t.marketing, t.calls, t.audit),
            _group(t, "c360-interactions"),
        ],
        "c360-projections": [
            *_reads(t.interactions, t.contacts, t.notifications, t.analytics, t.audit, t.calls),
            *_writes(t.segments, t.deadletter, t.audit),
            _group(t, "c360-projections-", prefixed=True),
            _group(t, "c360-audit-projection"),
        ],
        "c360-notifier": [
            *_reads(t.interactions, t.contacts, t.segments),
            *_writes(t.notifications, t.notifications_failed, t.deadletter, t.audit),
            _group(t, "c360-notifier"),
        ],
        "c360-analytics": [
            *_reads(t.interactions, t.contacts),
            *_writes(t.analytics, t.deadletter, t.audit),
            _group(t, "c360-analytics-", prefixed=True),
        ],
        "c360-kpis": [
            *_reads(t.interactions, t.contacts, t.analytics, t.marketing),
            *_writes(t.deadletter, t.audit),
            _group(t, "c360-kpis"),
        ],
        # status, lag, tail and dead-letter replay (back through the ingress), topic creation,
        # and rebuilds, which fold from offset 0 in a group of their own.
        OPS: [
            Grant(
                "topic",
                f"{t.prefix}c360.",
                ("Read", "Describe", "Create", "DescribeConfigs"),  # retention, for erase --verify
                prefixed=True,
            ),
            *_writes(t.ingress),
            Grant("group", f"{t.prefix}c360-", ("Read", "Describe"), prefixed=True),
        ],
        ADAPTER: [Grant("topic", t.ingress, ("Write", "Describe"))],
    }


def principals() -> list[str]:
    """Every principal the broker knows, the super user first."""
    return [ADMIN, *grants(Topics())]


def local_password(principal: str) -> str:
    """The local stack's development password of a principal (its name with `-local`, as the
    local identity provider's demo users have theirs); a production Settings refuses it."""
    return f"{principal}-local"


def as_local_principal(settings: Settings, principal: str) -> Settings:
    """The principal a process connects as: C360_KAFKA_USERNAME when set (set empty: none, for a
    PLAINTEXT broker); on a development machine otherwise, its own principal of the local stack."""
    if "kafka_username" in settings.model_fields_set or settings.environment != "development":
        return settings
    password = SecretStr(local_password(principal))
    return settings.model_copy(update={"kafka_username": principal, "kafka_password": password})
