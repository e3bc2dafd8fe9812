"""Apache Kafka (KRaft, one node as broker and controller) from the Maven Central jars."""

import base64
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from . import kafka_sasl, provisioning
from .component import Component, Launch, Prerequisite, Provision
from .console import fail, say
from .layout import Layout
from .settings import HERE, HOST

POM = HERE / "kafka" / "pom.xml"
LOG4J = HERE / "kafka" / "log4j2.properties"
BROKER_JVM = ["-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35"]
BROKER_JVM += ["-XX:+ExplicitGCInvokesConcurrent", "-XX:+ExitOnOutOfMemoryError"]


def version() -> str:
    found = re.search(r"<kafka.version>(.*)</kafka.version>", POM.read_text())
    return found.group(1) if found else "unknown"


def home(layout: Layout) -> Path:
    return layout.cache / f"kafka-{version()}"


def java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    return f"{java_home}/bin/java" if java_home else shutil.which("java") or "java"


def jvm(layout: Layout, heap: str) -> list[str]:
    libs = home(layout) / "libs"
    logging = f"-Dlog4j2.configurationFile={LOG4J}"
    return [java(), *heap.split(), "-Djava.awt.headless=true", logging, "-cp", f"{libs}/*"]


def tool(layout: Layout, *args: str) -> list[str]:
    """The command line of a Kafka tool (a main class) from the cached jars."""
    return [*jvm(layout, "-Xmx512m"), "-Dc360.kafka.log.level=WARN", *args]


def provision(layout: Layout) -> Provision:
    marker = home(layout) / ".provisioned"

    def done() -> bool:
        return marker.exists() and marker.read_text().strip() == provisioning.content_hash(POM)

    def run() -> None:
        say(f"kafka {version()}: resolving jars from Maven Central...")
        provisioning.maven_runtime_classpath(layout.cache, POM, home(layout) / "libs")
        marker.write_text(provisioning.content_hash(POM))

    return Provision(f"kafka {version()} jars in {home(layout)}", done, run)


def server_properties(data: Path, port: int, controller_port: int, sasl: bool) -> str:
    return f"""# Written by deploy/local/stack on every start; change deploy/local/stack/kafka.py.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@{HOST}:{controller_port}
controller.listener.names=CONTROLLER
{kafka_sasl.listener_properties(port, controller_port, sasl)}log.dirs={data}/data
num.partitions=12
auto.create.topics.enable=false
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
"""


def cluster_id() -> str:
    # Kafka's Uuid text form; like Kafka's own generator, never a leading "-" (read as an option).
    text = "-"
    while text.startswith("-"):
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
    return text


def component(layout: Layout) -> Component:
    settings = layout.settings
    port = settings.kafka_port
    data = layout.data_dir("kafka", port)
    properties = data / "server.properties"
    log = layout.log_file("kafka", port)
    sasl = settings.kafka_sasl

    def before_start() -> None:
        if sasl:
            kafka_sasl.set_aside_unsecured(data)
        (data / "data").mkdir(parents=True, exist_ok=True)
        properties.write_text(server_properties(data, port, settings.kafka_controller_port, sasl))
        if (data / "data" / "meta.properties").exists():
            return
        id_file = data / "cluster-id"
        if not id_file.exists():
            id_file.write_text(cluster_id())
        say(f"kafka: formatting storage in {data}/data (cluster id {id_file.read_text()})")
        command = tool(layout, "kafka.tools.StorageTool", "format", "--ignore-formatted")
        command += ["-t", id_file.read_text(), "-c", str(properties)]
        command += kafka_sasl.format_arguments() if sasl else []
        with log.open("ab") as out:
            if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT).returncode:
                fail(f"kafka storage format failed (log {log})")
        if sasl:
            (data / kafka_sasl.MARKER).write_text(kafka_sasl.MECHANISM)

    def outdated() -> str | None:
        started_with_sasl = properties.exists() and "SASL_PLAINTEXT" in properties.read_text()
        if started_with_sasl == sasl:
            return None
        return (
            f"C360_KAFKA_SASL={str(sasl).lower()}, started without it"
            if sasl
            else ("C360_KAFKA_SASL=false, started with SASL")
        )

    def launch() -> Launch:
        return Launch(
            [*jvm(layout, settings.kafka_heap), *BROKER_JVM, "kafka.Kafka", str(properties)]
        )

    return Component(
        name="kafka",
        port=port,
        port_setting="C360_KAFKA_PORT",
        group="infra",
        launch=launch,
        probe=lambda: kafka_sasl.answers(port, sasl),
        data_dir=data,
        log_file=log,
        marker=str(properties),
        prerequisites=(
            Prerequisite(lambda: shutil.which(java()) is not None, "openjdk-17-jre-headless"),
            Prerequisite(lambda: shutil.which("mvn") is not None, "maven", to_provision=True),
        ),
        provision=provision(layout),
        before_start=before_start,
        after_start=(lambda: kafka_sasl.grant_table(port)) if sasl else None,
        outdated=outdated,
        compose_service="kafka",
    )
