"""Identity and access: bearer tokens from an OpenID Connect issuer, one policy table, masking
by role and an audit of every access to a person's data."""

from shared.auth.audit import AuditTrail, KafkaAuditTrail
from shared.auth.guard import Access
from shared.auth.keys import HttpJwksSource, KeyCache
from shared.auth.policy import POLICY, Rule, rule_for
from shared.auth.roles import Principal, Role
from shared.auth.tokens import InvalidToken, TokenValidator
from shared.kafka import make_producer
from shared.settings import Settings
from shared.topics import Topics

__all__ = [
    "POLICY",
    "Access",
    "AuditTrail",
    "InvalidToken",
    "Principal",
    "Role",
    "Rule",
    "TokenValidator",
    "access_from_settings",
    "rule_for",
]


def access_from_settings(
    service: str, settings: Settings, audit: AuditTrail | None = None
) -> Access:
    """The real wiring: the issuer's JWKS over HTTP and audit events to Kafka."""
    keys = KeyCache(HttpJwksSource(settings.jwks_url), settings.auth_jwks_min_refresh_seconds)
    return Access(
        service=service,
        enabled=settings.auth_enabled,
        validator=TokenValidator(keys, settings.auth_issuer, settings.auth_audience),
        audit=audit
        or KafkaAuditTrail(
            lambda: make_producer(settings),
            Topics.from_settings(settings).audit,
            source=f"services/{service}",
            batch_size=settings.audit_batch_size,
        ),
        pseudonym_key=settings.pseudonym_key.get_secret_value().encode(),
        adapter_sources=settings.auth_adapter_sources,
        authorization_url=settings.authorization_url,
        token_url=settings.token_url,
        console_client_id=settings.auth_console_client_id,
    )
