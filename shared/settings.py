"""All configuration, from `C360_*` environment variables (or a `.env` file)."""

from functools import lru_cache
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "change-me"
# Secrets that may keep the placeholder only in `development` (a local stack).
PLACEHOLDER_GUARDED = (
    "webhook_secret",
    "pseudonym_key",
    "service_client_secret",
    "data_kek",
    "identity_index_key",
)
# What an agent may say a call came to; a call center sets its own (C360_WRAPUP_CODES).
WRAPUP_CODES = (
    "question_answered",
    "billing_question",
    "order_status",
    "complaint_logged",
    "sale",
    "callback_promised",
    "transferred",
    "no_answer",
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_username: str | None = Field(
        default=None, description="this service's Kafka principal (SASL/SCRAM); unset: no SASL"
    )
    kafka_password: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="its SCRAM password (set outside development)"
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"] = "SCRAM-SHA-256"
    kafka_security_protocol: Literal["SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="SASL_PLAINTEXT", description="with a username; SASL_SSL where the broker has TLS"
    )
    mongodb_uri: str = "mongodb://127.0.0.1:27017/"
    database: str = "c360"
    topic_prefix: str = Field(default="", description="isolates topics, e.g. per test run")
    topic_partitions: int = Field(default=12, ge=1)
    topic_replication: int = Field(default=1, ge=1)
    default_region: str = Field(default="IR", description="region for phones without +country")
    contacts_host: str = "127.0.0.1"
    contacts_port: int = 8001
    outbox_lease_seconds: float = Field(
        default=60.0, gt=0, description="a dead process's pending contact events wait this long"
    )
    identity_cache_ttl_seconds: float = Field(
        default=5.0, ge=0, description="how long a resolved identifier is trusted in memory"
    )

    contacts_url: str = "http://127.0.0.1:8001"
    interactions_url: str = "http://127.0.0.1:8002"
    projections_url: str = "http://127.0.0.1:8003"
    notifier_url: str = "http://127.0.0.1:8004"
    kpis_url: str = "http://127.0.0.1:8006"

    log_level: str = "INFO"
    log_format: Literal["json", "console"] = "json"
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    webhook_secret: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="signs team webhooks until a team key is rotated (set outside development)",
    )
    webhook_key_overlap_hours: float = Field(
        default=24.0,
        gt=0,
        description="after a rotation, the previous team key stays valid this long",
    )
    notifier_host: str = "127.0.0.1"
    notifier_port: int = 8004
    projections_host: str = "127.0.0.1"
    projections_port: int = 8003
    projections_worker_port: int = Field(
        default=8013, description="health and metrics of the projection worker"
    )
    projections_write_concurrency: int = Field(
        default=16,
        ge=1,
        le=256,
        description=(
            "customers whose segments the projection worker settles at once"
            " (4 suits FerretDB on SQLite)"
        ),
    )
    projections_owned_states: int = Field(
        default=20_000,
        ge=0,
        description="folded states the projection worker keeps in memory for the customers of "
        "its partitions (least recently used dropped first); 0 reads every state from the store",
    )
    projections_cache_size: int = Field(
        default=100_000,
        ge=0,
        description="views the query API keeps in memory, evicted by the log; 0 turns it off",
    )
    query_workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="processes of the projections query API on its one port (about one per core)",
    )
    interactions_host: str = "127.0.0.1"
    interactions_port: int = 8002
    interactions_receipt_days: float = Field(
        default=7.0, gt=0, description="how long an ingested event id is remembered for retries"
    )
    event_max_future_skew_seconds: float = Field(
        default=900.0,
        ge=0,
        description="how far in the future an event's time may lie at the door (adapter clocks)",
    )
    wrapup_codes: list[str] = Field(
        default_factory=lambda: list(WRAPUP_CODES),
        min_length=1,
        description="wrap-up codes an agent may give a call (JSON list); the door refuses others",
    )
    interactions_claim_takeover_seconds: float = Field(
        default=35.0, gt=0, description="an unfinished ingestion claim is taken over after this"
    )
    analytics_host: str = "127.0.0.1"
    analytics_port: int = 8005
    analytics_url: str = "http://127.0.0.1:8005"
    analytics_currency: str = Field(
        default="USD", description="currency of RFM monetary scores and of the scored CLV model"
    )
    analytics_rfm_every_seconds: float = Field(
        default=3600.0, ge=0, description="RFM boundaries recomputed this often; 0 = on demand"
    )
    analytics_clv_fit_every_seconds: float = Field(
        default=86_400.0, ge=0, description="CLV models refitted this often; 0 = on demand"
    )
    analytics_annual_discount_rate: float = Field(default=0.10, ge=0, le=1)
    analytics_margin: float = Field(
        default=1.0, gt=0, le=1, description="gross margin applied to predicted CLV (1 = revenue)"
    )
    stall_after_s: float = Field(
        default=60.0,
        gt=0,
        description="a consumer with lag that commits nothing for this long is not ready",
    )
    kpis_host: str = "127.0.0.1"
    kpis_port: int = 8006
    kpis_churn_below: float = Field(
        default=0.3, gt=0, lt=1, description="a customer whose p_alive falls below this churned"
    )
    notifier_rules_path: str | None = Field(
        default=None, description="notifier rules file; default: services/notifier/rules.yaml"
    )

    auth_enabled: bool = Field(
        default=True, description="off only for local tinkering and tests not about access"
    )
    auth_issuer: str = Field(
        default="http://127.0.0.1:8080/realms/c360", description="the OpenID Connect issuer"
    )
    auth_audience: str = Field(default="c360", description="the `aud` every token must carry")
    auth_jwks_url: str | None = Field(
        default=None,
        description="default: the issuer's Keycloak path .../protocol/openid-connect/certs",
    )
    auth_authorization_url: str | None = Field(
        default=None, description="for /docs and the console; default: the issuer's Keycloak path"
    )
    auth_token_url: str | None = Field(default=None, description="default: the issuer's")
    auth_jwks_min_refresh_seconds: float = Field(
        default=30.0, ge=0, description="an unknown `kid` refetches the keys at most this often"
    )
    auth_console_client_id: str = "c360-console"
    auth_dashboard_client_id: str = Field(
        default="c360-dashboard", description="the KPI dashboard's public client (code + PKCE)"
    )
    auth_cli_client_id: str = "c360-cli"
    service_client_id: str = Field(
        default="c360-interactions",
        description="this service's own client at the issuer, for calls to other services",
    )
    service_client_secret: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="its secret (required in production)"
    )
    ops_client_id: str = Field(default="c360-ops", description="the ops CLI's service account")
    ops_client_secret: SecretStr | None = Field(
        default=None, description="its secret; unset on a local stack (demo users instead)"
    )
    auth_adapter_sources: dict[str, list[str]] = Field(
        default={
            "adapter-pbx": ["adapters/pbx"],
            "adapter-shop": ["adapters/shop"],
            "adapter-mail": ["adapters/mail"],
            "adapter-survey": ["adapters/survey"],
        },
        description="adapter client id -> the `source` prefixes it may publish",
    )
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET), description="keys the pseudonyms analysts see"
    )
    audit_batch_size: int = Field(default=500, ge=1, description="audit events sent at once")
    data_kek: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="the key-encryption key wrapping every customer's data key (base64, 32 bytes)",
    )
    data_kek_id: str = Field(default="local-1", min_length=1, description="names data_kek")
    data_kek_retired: dict[str, SecretStr] = Field(
        default_factory=dict, description="older KEKs by id, to unwrap until `keys rotate-kek`"
    )
    data_key_cache_seconds: float = Field(
        default=300.0, ge=0, description="how long a process trusts a data key it has read"
    )
    identity_index_key: SecretStr = Field(
        default=SecretStr(DEV_SECRET),
        description="keys the blind index of identifiers (base64, 32 bytes; changing it needs"
        " `make reindex` and `make rebuild`)",
    )

    @property
    def jwks_url(self) -> str:
        return self.auth_jwks_url or f"{self.auth_issuer}/protocol/openid-connect/certs"

    @property
    def authorization_url(self) -> str:
        return self.auth_authorization_url or f"{self.auth_issuer}/protocol/openid-connect/auth"

    @property
    def token_url(self) -> str:
        return self.auth_token_url or f"{self.auth_issuer}/protocol/openid-connect/token"

    @model_validator(mode="after")
    def _no_placeholder_secrets_outside_development(self) -> "Settings":
        if self.environment == "development":
            return self
        placeholders = [
            f"C360_{name.upper()}"
            for name in PLACEHOLDER_GUARDED
            if getattr(self, name).get_secret_value() == DEV_SECRET
        ]
        if self.kafka_username and self._kafka_password_is_a_placeholder():
            placeholders.append("C360_KAFKA_PASSWORD")
        if placeholders:
            raise ValueError(
                f"the development placeholder is still set in {', '.join(placeholders)}; "
                f"set real secrets (C360_ENVIRONMENT={self.environment} is not development)"
            )
        return self

    def _kafka_password_is_a_placeholder(self) -> bool:
        password = self.kafka_password.get_secret_value()
        # The local stack's passwords (`<principal>-local`) serve tests too, never production.
        local = self.environment == "production" and password == f"{self.kafka_username}-local"
        return password == DEV_SECRET or local


@lru_cache
def get_settings() -> Settings:
    """The process's settings; invalid ones stop it with one readable line per problem."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(_readable(error) for error in exc.errors())
        raise SystemExit(f"c360: refusing to start: {problems}") from None


def _readable(error: Any) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()))
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"C360_{where.upper()}: {message}" if where else message
