"""Kafka's own console producer (from the broker's jars): a client c360 did not write."""

import asyncio

from shared.settings import Settings
from tests.infra import REPO, STACK

PRODUCER = "org.apache.kafka.tools.ConsoleProducer"
SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required"


def java_client_properties(settings: Settings) -> dict[str, str]:
    """Who a Java client is to the broker: the principal of `settings`, if any."""
    if not settings.kafka_username:
        return {}
    password = settings.kafka_password.get_secret_value()
    return {
        "security.protocol": settings.kafka_security_protocol,
        "sasl.mechanism": settings.kafka_sasl_mechanism,
        "sasl.jaas.config": (
            f'{SCRAM_LOGIN} username="{settings.kafka_username}" password="{password}";'
        ),
    }


async def console_produce(
    settings: Settings, topic: str, lines: list[str], *, headers: bool
) -> None:
    """Send one record per line. With `headers`, a line is `k=v;k=v<TAB>key<TAB>value`."""
    bootstrap = settings.kafka_bootstrap
    args = [*STACK, "kafka-tool", PRODUCER, "--bootstrap-server", bootstrap, "--topic", topic]
    args += ["--producer-property", "acks=all"]
    for name, value in java_client_properties(settings).items():
        args += ["--producer-property", f"{name}={value}"]
    if headers:
        for setting in ("parse.headers=true", "parse.key=true", "headers.separator=;"):
            args += ["--reader-property", setting]
        args += ["--reader-property", "headers.key.separator=="]
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=REPO,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate("".join(f"{line}\n" for line in lines).encode())
    assert process.returncode == 0, output.decode(errors="replace")[-3000:]
    assert b"Exception" not in output, output.decode(errors="replace")[-3000:]
