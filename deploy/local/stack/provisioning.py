"""Fetching and building components into the cache from package registries (Maven, Go proxy).

Every step writes into a `.partial` path and renames it when complete, so an interrupted run
leaves nothing that looks finished."""

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

from .console import fail, say


def content_hash(*files: Path) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def run_logged(
    command: list[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        done = subprocess.run(
            command,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode != 0:
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:])
        fail(f"{' '.join(command[:3])}... failed (log {log}):\n{tail}")


def maven(cache: Path, *goals: str, pom: Path | None = None) -> list[str]:
    command = ["mvn", "-B", "-q", "--no-transfer-progress", "-Dstyle.color=never"]
    if pom is not None:
        command += ["-f", str(pom)]
    return [*command, f"-Dmaven.repo.local={cache / 'maven-repo'}", *goals]


def maven_runtime_classpath(cache: Path, pom: Path, libs: Path) -> None:
    """Every runtime jar `pom` depends on, copied into `libs`."""
    partial = libs.with_name(libs.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    goals = [
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={partial}",
    ]
    run_logged(maven(cache, *goals, pom=pom), libs.parent / "provision.log")
    shutil.rmtree(libs, ignore_errors=True)
    partial.rename(libs)


def maven_unpacked(cache: Path, artifact: str, home: Path) -> None:
    """A zip distribution from Maven Central (`group:artifact:version:zip`), unpacked as `home`."""
    downloads = cache / "downloads"
    goals = ["dependency:copy", f"-Dartifact={artifact}", f"-DoutputDirectory={downloads}"]
    run_logged(maven(cache, *goals), home.with_name(home.name + ".provision.log"))
    _, name, version, kind = artifact.split(":")
    archive = downloads / f"{name}-{version}.{kind}"
    partial = home.with_name(home.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    with zipfile.ZipFile(archive) as unpacking:
        unpacking.extractall(partial)
        modes = {info.filename: info.external_attr >> 16 for info in unpacking.infolist()}
    # zipfile drops the executable bits the archive records.
    for member, mode in modes.items():
        if mode & 0o111:
            (partial / member).chmod(mode & 0o7777)
    (only,) = list(partial.iterdir())
    shutil.rmtree(home, ignore_errors=True)
    only.rename(home)
    partial.rmdir()
    archive.unlink()


def go_env(cache: Path) -> dict[str, str]:
    return {
        "GOMODCACHE": str(cache / "go-mod"),
        "GOCACHE": str(cache / "go-build"),
        "GOFLAGS": f"{os.environ.get('GOFLAGS', '')} -modcacherw".strip(),
        "CGO_ENABLED": "0",
    }


def go_build(cache: Path, source: Path, binary: Path) -> None:
    """The Go main in `source`, built against the modules its go.sum pins."""
    partial = binary.with_name(binary.name + ".partial")
    binary.parent.mkdir(parents=True, exist_ok=True)
    command = ["go", "build", "-mod=readonly", "-trimpath", "-buildvcs=false"]
    command += ["-ldflags=-s -w", "-o", str(partial), "."]
    run_logged(command, binary.with_name("build.log"), cwd=source, env=go_env(cache))
    partial.rename(binary)


def go_install(cache: Path, module: str, binary: Path) -> None:
    """`go install module@version` into the directory of `binary`."""
    partial = binary.parent.with_name(binary.parent.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    command = ["go", "install", "-trimpath", "-ldflags=-s -w", module]
    log = binary.parent.with_name(binary.parent.name + ".build.log")
    run_logged(command, log, env={**go_env(cache), "GOBIN": str(partial)})
    shutil.rmtree(binary.parent, ignore_errors=True)
    partial.rename(binary.parent)
    say(f"built {binary}")
