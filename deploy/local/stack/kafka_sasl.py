"""The local broker's access control: SASL/SCRAM-SHA-256 on the client listener, KRaft's
StandardAuthorizer denying whatever shared/kafka_access.py does not grant, the principals created
with the cluster, and the upgrade of a data directory formatted before any of this."""

import asyncio
import time
from pathlib import Path

from pydantic import SecretStr

from shared.kafka_access import ADMIN, local_password, principals
from shared.kafka_acls import apply_grants
from shared.settings import Settings
from shared.topics import Topics

from . import probes
from .console import say
from .settings import HOST

MECHANISM = "SCRAM-SHA-256"
# Written next to the log directory once the principals exist in its metadata.
MARKER = "scram-users"


def listener_properties(port: int, controller_port: int, sasl: bool) -> str:
    if not sasl:
        return f"""listeners=PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}
advertised.listeners=PLAINTEXT://{HOST}:{port}
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
"""
    login = "org.apache.kafka.common.security.scram.ScramLoginModule required"
    jaas = f'{login} username="{ADMIN}" password="{local_password(ADMIN)}";'
    plain = "org.apache.kafka.common.security.plain.PlainLoginModule required"
    plain_users = " ".join(f'user_{name}="{local_password(name)}"' for name in principals())
    plain_jaas = f'{plain} username="{ADMIN}" password="{local_password(ADMIN)}" {plain_users};'
    # PLAIN too, with the same principals and passwords, for clients on librdkafka before 2.6.1
    # (Debian's kcat): their SCRAM proof is refused by Kafka 4 (librdkafka issue 4895).
    # The controller listener stays PLAINTEXT (KRaft controllers cannot check SCRAM, whose users
    # live in the metadata they serve); it listens on loopback only and its ANONYMOUS principal
    # is the broker itself registering, hence a super user.
    return f"""listeners=SASL_PLAINTEXT://{HOST}:{port},CONTROLLER://{HOST}:{controller_port}
advertised.listeners=SASL_PLAINTEXT://{HOST}:{port}
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms={MECHANISM},PLAIN
sasl.mechanism.inter.broker.protocol={MECHANISM}
listener.name.sasl_plaintext.{MECHANISM.lower()}.sasl.jaas.config={jaas}
listener.name.sasl_plaintext.plain.sasl.jaas.config={plain_jaas}
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:{ADMIN};User:ANONYMOUS
allow.everyone.if.no.acl.found=false
"""


def format_arguments() -> list[str]:
    """StorageTool's `--add-scram` for every principal: the users exist from the first start."""
    users = [f"{MECHANISM}=[name={name},password={local_password(name)}]" for name in principals()]
    return [argument for user in users for argument in ("--add-scram", user)]


def set_aside_unsecured(data: Path) -> None:
    """A log directory formatted without the principals (before SASL, or on a machine that kept
    an earlier install) is moved aside, so that the broker is formatted anew with them: SCRAM
    users cannot be added afterwards through the controller, and the client listener now
    requires them. The old directory is kept, named for the moment, and the move is said."""
    logs = data / "data"
    if (data / MARKER).exists() or not (logs / "meta.properties").exists():
        return
    aside = data / f"data-before-sasl-{time.strftime('%Y%m%dT%H%M%S')}"
    logs.rename(aside)
    say(f"kafka: {logs} had no SCRAM users; kept it as {aside} and formatting anew")


def admin_settings(port: int) -> Settings:
    return Settings(
        kafka_bootstrap=f"{HOST}:{port}",
        kafka_username=ADMIN,
        kafka_password=SecretStr(local_password(ADMIN)),
        kafka_sasl_mechanism=MECHANISM,
    )


def requires_sasl(port: int) -> bool:
    """Whether the broker on `port` answers its super user over SASL (else: PLAINTEXT, an
    earlier install or one started elsewhere, whose clients connect without a principal)."""
    return probes.kafka(port, admin_settings(port))


def answers(port: int, sasl: bool) -> bool:
    """Ready: the broker answers, asked the way it was started (SASL first when it should be);
    one already running without SASL is still used, as any component found on its port is."""
    return (sasl and requires_sasl(port)) or probes.kafka(port)


def grant_table(port: int) -> None:
    created = asyncio.run(apply_grants(admin_settings(port), Topics()))
    say(f"kafka: {len(principals())} principals, {created} ACLs from shared/kafka_access.py")
