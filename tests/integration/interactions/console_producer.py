"""Kafka's own console producer (from the broker's jars): a client c360 did not write."""

import asyncio

from tests.infra import REPO, STACK

PRODUCER = "org.apache.kafka.tools.ConsoleProducer"


async def console_produce(bootstrap: str, topic: str, lines: list[str], *, headers: bool) -> None:
    """Send one record per line. With `headers`, a line is `k=v;k=v<TAB>key<TAB>value`."""
    args = [*STACK, "kafka-tool", PRODUCER, "--bootstrap-server", bootstrap, "--topic", topic]
    args += ["--producer-property", "acks=all"]
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
