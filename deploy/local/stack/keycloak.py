"""Keycloak, the local OpenID Connect provider, from its Maven Central distribution.

Dev mode on an H2 file in the state directory, so a restart skips schema creation and import
(minutes on a busy machine). `deploy/local/keycloak/c360-realm.json` is imported into a fresh
database whenever the file changes, so the realm is always exactly what the file says. Its demo
passwords are hashed with few iterations: they are public, and only slow the import."""

import shutil
from pathlib import Path

from . import probes, provisioning
from .component import Component, Launch, Prerequisite, Provision
from .layout import Layout
from .settings import HERE, HOST

VERSION = "26.5.6"
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:zip"
REALM = HERE / "keycloak" / "c360-realm.json"
REALM_NAME = "c360"


def home(layout: Layout) -> Path:
    return layout.cache / f"keycloak-{VERSION}"


def issuer(port: int) -> str:
    return f"http://{HOST}:{port}/realms/{REALM_NAME}"


def component(layout: Layout) -> Component:
    settings = layout.settings
    port = settings.keycloak_port
    kc_home = home(layout)
    data = layout.data_dir("keycloak", port)

    imported = data / "imported-realm"

    def realm_changed() -> str | None:
        fresh = imported.exists() and imported.read_text() == provisioning.content_hash(REALM)
        return None if fresh else f"{REALM.name} changed since it was imported"

    def before_start() -> None:
        if realm_changed():
            shutil.rmtree(data / "h2", ignore_errors=True)
        data.mkdir(parents=True, exist_ok=True)
        imported.write_text(provisioning.content_hash(REALM))
        # Keycloak imports only from its own data/import folder.
        imports = kc_home / "data" / "import"
        imports.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REALM, imports / REALM.name)

    def launch() -> Launch:
        database = f"--db-url=jdbc:h2:file:{data}/h2/keycloakdb;NON_KEYWORDS=VALUE"
        command = [str(kc_home / "bin" / "kc.sh"), "start-dev", "--import-realm", "--db=dev-file"]
        command += [database]
        command += [f"--http-host={HOST}", f"--http-port={port}", "--log-console-color=false"]
        env = {
            "JAVA_HOME": str(settings.keycloak_java_home),
            "JAVA_OPTS_KC_HEAP": settings.keycloak_heap,
            # jboss-threads reaches into java.lang, which Java 25 keeps closed unless opened.
            "JAVA_OPTS_APPEND": "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
            "KC_BOOTSTRAP_ADMIN_PASSWORD": "admin",
        }
        return Launch(command, env=env, cwd=kc_home)

    provision = Provision(
        f"keycloak {VERSION} unpacked in {kc_home}",
        (kc_home / "bin" / "kc.sh").exists,
        lambda: provisioning.maven_unpacked(layout.cache, ARTIFACT, kc_home),
    )
    java = settings.keycloak_java_home / "bin" / "java"
    return Component(
        name="keycloak",
        port=port,
        port_setting="C360_KEYCLOAK_PORT",
        group="infra",
        launch=launch,
        probe=lambda: probes.http_ok(f"{issuer(port)}/.well-known/openid-configuration"),
        data_dir=data,
        log_file=layout.log_file("keycloak", port),
        marker=f"--http-port={port}",
        prerequisites=(
            Prerequisite(
                java.exists, "a JDK 21+ at C360_KEYCLOAK_JAVA_HOME (openjdk-21-jre-headless)"
            ),
            Prerequisite(lambda: shutil.which("mvn") is not None, "maven", to_provision=True),
        ),
        provision=provision,
        before_start=before_start,
        compose_service="keycloak",
        # The first start rebuilds Keycloak for its options (minutes on a busy 2-core machine).
        start_timeout=900.0,
        describe=lambda: f"issuer={issuer(port)}",
        outdated=realm_changed,
    )
