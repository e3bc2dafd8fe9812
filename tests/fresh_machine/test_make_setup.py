"""A newcomer's machine: no uv anywhere on the PATH and an empty HOME. `make setup` must install uv
and the locked dependencies on the first run (it once called a uv binary that pip had not put
where the Makefile looked, exit 127, and only the second run worked).

Python comes from a throwaway venv (it has pip, as a fresh Debian with python3-venv does); the
package cache of uv is shared with this machine's so the run downloads uv itself but not every
wheel again: what is proven is the bootstrap of uv, not the network."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NEEDED = ("Makefile", "pyproject.toml", "uv.lock", "README.md", "shared", "services")
TIMEOUT_S = 900


def checkout(target: Path) -> None:
    target.mkdir()
    for name in NEEDED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)


def uv_cache() -> str:
    found = shutil.which("uv")
    if found is None:
        return ""
    return subprocess.run([found, "cache", "dir"], capture_output=True, text=True).stdout.strip()


def test_make_setup_installs_uv_and_the_dependencies_on_the_first_run(tmp_path: Path) -> None:
    venv, home, repo = tmp_path / "python", tmp_path / "home", tmp_path / "c360"
    base_python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    home.mkdir()
    checkout(repo)
    # The machine's settings (certificates, proxies) stay; uv's own and the PATH do not.
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    env = {
        **kept,
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "UV_CACHE_DIR": uv_cache() or str(home / ".cache" / "uv"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    probe = subprocess.run(["sh", "-c", "command -v uv"], env=env, capture_output=True, text=True)
    assert probe.returncode != 0, f"uv is already on the PATH: {probe.stdout}"

    first = subprocess.run(
        ["make", "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert first.returncode == 0, f"first make setup failed:\n{first.stdout}\n{first.stderr}"
    imported = subprocess.run(
        [str(repo / ".venv" / "bin" / "python"), "-c", "import shared.settings, fastapi, aiokafka"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert imported.returncode == 0, imported.stderr
    again = subprocess.run(
        ["make", "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT_S
    )
    assert again.returncode == 0, again.stderr
