"""The local stack's own settings: the `C360_*` environment variables that place and size it."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO = Path(__file__).resolve().parents[3]
HERE = REPO / "deploy" / "local"
HOST = "127.0.0.1"


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="C360_", extra="ignore")

    cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "c360")
    state_dir: Path = REPO / ".c360"
    start_timeout: float = 180.0
    stop_timeout: float = 30.0
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_heap: str = "-Xms256m -Xmx1g"
    # SASL/SCRAM-SHA-256 with one principal per service and ACLs (shared/kafka_access.py);
    # false: the PLAINTEXT broker of earlier versions, open to anyone on this machine.
    kafka_sasl: bool = True
    mongo_port: int = 27017
    store_handler: str = Field(default="postgresql", pattern="^(postgresql|sqlite)$")
    ferretdb_log_level: str = "warn"
    pg_port: int = 5433
    pg_os_user: str = "c360pg"
    pg_bin: Path | None = None
    keycloak_port: int = 8080
    keycloak_heap: str = "-Xms64m -Xmx512m"
    # Keycloak 26 needs Java 21+, newer than the JDK Kafka runs on here.
    keycloak_java_home: Path = Path("/usr/lib/jvm/temurin-25-jdk-amd64")
    mailpit_port: int = 8025
    mailpit_smtp_port: int = 1025
    sink_port: int = 8026
    # Projection workers `make up` runs (one consumer group; the second on the worker port + 1, and
    # so on). On a 2-core machine two finish a history import sooner than one: one folds while
    # the other waits for the store.
    projectors: int = Field(default=2, ge=1, le=12)

    def absolute(self) -> "StackSettings":
        """Relative directories are taken from the current directory, once."""
        return self.model_copy(
            update={"cache_dir": self.cache_dir.absolute(), "state_dir": self.state_dir.absolute()}
        )
