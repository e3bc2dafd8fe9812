"""The topic catalog: every topic c360 uses, with its partitioning and retention."""

from dataclasses import dataclass, field

from shared.settings import Settings

INFINITE = "-1"
WEEK_MS = str(7 * 24 * 3600 * 1000)
HOUR_MS = str(3600 * 1000)
DAY_MS = str(24 * 3600 * 1000)
MONTH_MS = str(30 * 24 * 3600 * 1000)
# Adapters' bytes in clear (ingress, and ingress records that were refused) are kept for a bounded
# time; a segment rolls daily, so a record is gone within retention + a day (docs/operations.md).
BOUNDED_PLAINTEXT = {"segment.ms": DAY_MS}


@dataclass(frozen=True)
class TopicSpec:
    base_name: str
    key: str
    config: dict[str, str] = field(default_factory=dict)


INGRESS = TopicSpec(
    "c360.ingress", "any (adapter's choice)", {"retention.ms": WEEK_MS, **BOUNDED_PLAINTEXT}
)
INTERACTIONS = TopicSpec("c360.interactions", "customer id", {"retention.ms": INFINITE})
CONTACTS = TopicSpec("c360.contacts", "customer id", {"retention.ms": INFINITE})
NOTIFICATIONS = TopicSpec("c360.notifications", "customer id", {"retention.ms": INFINITE})
ANALYTICS = TopicSpec("c360.analytics", "customer id", {"retention.ms": INFINITE})
SEGMENTS = TopicSpec("c360.segments", "customer id", {"retention.ms": INFINITE})
DEADLETTER = TopicSpec(
    "c360.deadletter", "original key", {"retention.ms": MONTH_MS, **BOUNDED_PLAINTEXT}
)
# who read or did what to whose data (key = actor); kept as long as the log itself
AUDIT = TopicSpec("c360.audit", "actor", {"retention.ms": INFINITE})
MARKETING = TopicSpec("c360.marketing", "channel", {"retention.ms": INFINITE})
# Notifications whose delivery failed for good: not records any consumer refused, so kept apart
# from `c360.deadletter`, whose records `c360 dlq replay` sends back through the ingress.
NOTIFICATIONS_FAILED = TopicSpec(
    "c360.notifications.failed", "customer id", {"retention.ms": INFINITE}
)
# A call ringing for an agent (key = agent id): useful for seconds, so kept for an hour only.
CALLS = TopicSpec("c360.calls", "agent id", {"retention.ms": HOUR_MS})
CATALOG = (
    INGRESS,
    INTERACTIONS,
    CONTACTS,
    NOTIFICATIONS,
    ANALYTICS,
    SEGMENTS,
    DEADLETTER,
    NOTIFICATIONS_FAILED,
    MARKETING,
    AUDIT,
    CALLS,
)
COMMON_CONFIG = {"cleanup.policy": "delete", "min.insync.replicas": "1"}


@dataclass(frozen=True)
class Topics:
    """Concrete topic names for one deployment (the prefix isolates tests and environments)."""

    prefix: str = ""

    def name(self, spec: TopicSpec) -> str:
        return f"{self.prefix}{spec.base_name}"

    @property
    def ingress(self) -> str:
        return self.name(INGRESS)

    @property
    def interactions(self) -> str:
        return self.name(INTERACTIONS)

    @property
    def contacts(self) -> str:
        return self.name(CONTACTS)

    @property
    def notifications(self) -> str:
        return self.name(NOTIFICATIONS)

    @property
    def analytics(self) -> str:
        return self.name(ANALYTICS)

    @property
    def segments(self) -> str:
        return self.name(SEGMENTS)

    @property
    def deadletter(self) -> str:
        return self.name(DEADLETTER)

    @property
    def audit(self) -> str:
        return self.name(AUDIT)

    @property
    def notifications_failed(self) -> str:
        return self.name(NOTIFICATIONS_FAILED)

    @property
    def marketing(self) -> str:
        return self.name(MARKETING)

    @property
    def calls(self) -> str:
        return self.name(CALLS)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Topics":
        return cls(settings.topic_prefix)


def topic_config(spec: TopicSpec) -> dict[str, str]:
    return {**COMMON_CONFIG, **spec.config}
