"""Where the tests find the real broker and store.

Backends (C360_TEST_BACKEND):
- `native` (default): the local stack of `deploy/local/stack.sh`, started once if it is not up;
- `external`: whatever C360_KAFKA_BOOTSTRAP and C360_MONGODB_URI point at;
- `docker`: throwaway containers of the official images, through testcontainers.
With CI=true a missing service fails the run; elsewhere it skips with the reason.
"""

import os
import socket
import subprocess
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
STACK = REPO / "deploy" / "local" / "stack.sh"


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    mongodb_uri: str


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
        return infra
    if backend == "native":
        result = subprocess.run([str(STACK), "up"], capture_output=True, text=True, check=False)
        if (
            result.returncode == 0
            and _kafka_up(infra.kafka_bootstrap)
            and _mongo_up(infra.mongodb_uri)
        ):
            return infra
        raise InfraUnavailable(
            f"`deploy/local/stack.sh up` failed ({result.returncode}):\n{result.stdout[-3000:]}"
            f"\n{result.stderr[-3000:]}"
        )
    raise InfraUnavailable(
        f"no Kafka at {infra.kafka_bootstrap} or no Mongo-protocol store at {infra.mongodb_uri}"
    )


def docker(stack: ExitStack) -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    kafka = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
    mongo = stack.enter_context(MongoDbContainer("mongo:7"))
    return Infra(kafka.get_bootstrap_server(), mongo.get_connection_url())
