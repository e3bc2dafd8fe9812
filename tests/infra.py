"""Where the tests find the real broker and store.

Backends (C360_TEST_BACKEND):
- `native` (default): the local stack (`python -m deploy.local.stack`), started if it is not up;
- `external`: whatever C360_KAFKA_BOOTSTRAP and C360_MONGODB_URI point at;
- `docker`: throwaway containers of the official images, through testcontainers.
With CI=true a missing service fails the run; elsewhere it skips with the reason.
"""

import asyncio
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from aiokafka.errors import KafkaError

from deploy.local.stack import kafka_sasl
from shared.kafka import make_admin
from shared.kafka_access import ADMIN, local_password
from shared.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# Tests run as `environment=test`, where the development placeholders are refused.
TEST_SECRETS: dict[str, Any] = {
    "webhook_secret": "test-webhook-key",
    "pseudonym_key": "test-pseudonym-key",
    "service_client_secret": "test-service-secret",
    "data_kek": "test-data-kek",
    "identity_index_key": "test-identity-index-key",
}
# The local stack's command line, run by the same Python as the tests (it has the probes' clients).
STACK = (sys.executable, "-m", "deploy.local.stack")


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongodb_uri: str
    # Who the tests are to the broker (nobody on a PLAINTEXT broker, else its super user), as
    # C360_* variables for the tests' settings and every process they start.
    kafka_env: dict[str, str] = field(default_factory=dict)


def local_kafka_env(bootstrap: str) -> dict[str, str]:
    """The local stack's super user where the broker requires SASL; none on a broker started
    without it (an earlier install still running, or C360_KAFKA_SASL=false)."""
    port = int(bootstrap.split(",")[0].rpartition(":")[2])
    # Private brokers the tests start (fault tests) then run the same way as this one.
    if not kafka_sasl.requires_sasl(port):
        # set, and empty: no principal (not the CLI's own)
        return {"C360_KAFKA_USERNAME": "", "C360_KAFKA_SASL": "false"}
    admin = {"C360_KAFKA_USERNAME": ADMIN, "C360_KAFKA_PASSWORD": local_password(ADMIN)}
    return admin | {"C360_KAFKA_SASL": "true"}


class InfraUnavailable(RuntimeError):
    pass


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _kafka_up(bootstrap: str) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    return _reachable(host, int(port))


def _mongo_up(uri: str) -> bool:
    parsed = urlparse(uri)
    return _reachable(parsed.hostname or "127.0.0.1", parsed.port or 27017)


def native_or_external(backend: str) -> Infra:
    infra = Infra(
        os.environ.get("C360_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
        os.environ.get("C360_MONGODB_URI", "mongodb://127.0.0.1:27017/"),
    )
    if _kafka_up(infra.kafka_bootstrap) and _mongo_up(infra.mongodb_uri):
        return _as_admin(infra, backend)
    if backend == "native":
        result = subprocess.run(
            [*STACK, "up"], cwd=REPO, capture_output=True, text=True, check=False
        )
        if (
            result.returncode == 0
            and _kafka_up(infra.kafka_bootstrap)
            and _mongo_up(infra.mongodb_uri)
        ):
            return _as_admin(infra, backend)
        raise InfraUnavailable(
            f"`python -m deploy.local.stack up` failed ({result.returncode}):"
            f"\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    raise InfraUnavailable(
        f"no Kafka at {infra.kafka_bootstrap} or no Mongo-protocol store at {infra.mongodb_uri}"
    )


def _as_admin(infra: Infra, backend: str) -> Infra:
    """External brokers take their principal from C360_KAFKA_USERNAME/_PASSWORD as they are."""
    if backend != "native":
        return infra
    return replace(infra, kafka_env=local_kafka_env(infra.kafka_bootstrap))


def docker(stack: ExitStack) -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
    mongo = stack.enter_context(MongoDbContainer("mongo:7"))
    return Infra(kafka.get_bootstrap_server(), mongo.get_connection_url())


def delete_topics(settings: Settings, prefix: str) -> None:
    """Delete every topic whose name starts with `prefix` (housekeeping after a test).

    A broker that keeps thousands of dead test partitions takes minutes to start after an
    unclean stop, so each test removes what it created."""

    async def delete() -> None:
        admin = make_admin(settings, request_timeout_ms=10_000)
        await admin.start()
        try:
            doomed = [name for name in await admin.list_topics() if name.startswith(prefix)]
            if doomed:
                await admin.delete_topics(doomed)
        finally:
            await admin.close()

    # A thread of its own: the tests' event loop belongs to pytest-asyncio and is left untouched.
    with ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(asyncio.run, delete())
    # Housekeeping only: a test that left the broker down has already reported it.
    with suppress(KafkaError, OSError):
        outcome.result()
