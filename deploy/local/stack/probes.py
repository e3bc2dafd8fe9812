"""Readiness probes: each server is asked through its own client library, not merely its port."""

import asyncio
import socket
import subprocess
from pathlib import Path

import httpx
from aiokafka.errors import KafkaError
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from shared.concurrency import within
from shared.kafka import make_admin
from shared.settings import Settings

from .settings import HOST

PROBE_TIMEOUT_S = 3.0


def port_open(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1.0):
            return True
    except OSError:
        return False


def kafka(port: int, principal: Settings | None = None) -> bool:
    """The broker answers a metadata request and lists itself (asked as `principal` where it
    requires SASL)."""

    async def describe() -> bool:
        settings = principal or Settings(kafka_bootstrap=f"{HOST}:{port}", kafka_username=None)
        admin = make_admin(settings, request_timeout_ms=int(PROBE_TIMEOUT_S * 1000))
        try:
            await admin.start()
            cluster = await admin.describe_cluster()
            return bool(cluster.get("brokers"))
        finally:
            await admin.close()

    if not port_open(port):
        return False
    try:
        return asyncio.run(within(describe(), PROBE_TIMEOUT_S * 2))
    except (KafkaError, OSError, TimeoutError):
        return False


def mongo(port: int) -> bool:
    """The server answers ping, and listDatabases proves its backend answers too."""
    if not port_open(port):
        return False
    timeout_ms = int(PROBE_TIMEOUT_S * 1000)
    client: MongoClient[dict[str, object]] = MongoClient(
        f"mongodb://{HOST}:{port}/",
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
    )
    try:
        client.admin.command("ping")
        client.list_database_names()
        return True
    except PyMongoError:
        return False
    finally:
        client.close()


def postgres(pg_bin: Path, port: int) -> bool:
    ready = subprocess.run(
        [str(pg_bin / "pg_isready"), "-q", "-h", HOST, "-p", str(port), "-d", "postgres"],
        check=False,
        timeout=PROBE_TIMEOUT_S * 2,
    )
    return ready.returncode == 0


def http_ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=PROBE_TIMEOUT_S).status_code == 200
    except httpx.HTTPError:
        return False
