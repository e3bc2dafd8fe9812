"""Detached processes tracked by pid files: start in a session of their own, find, signal, reap."""

import contextlib
import datetime
import os
import pwd
import signal
import subprocess
import time
from pathlib import Path

from .component import Launch

POLL_S = 0.1


def running(pid: int) -> bool:
    """Alive and not a zombie (an exited server nobody reaped stays one, maybe forever)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def live_pid(pid_file: Path, marker: str) -> int | None:
    """The pid in `pid_file` if that process is alive and its command line holds `marker`."""
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (OSError, ValueError):
        return None
    return pid if running(pid) and marker in cmdline else None


def spawn(launch: Launch, pid_file: Path, log_file: Path) -> subprocess.Popen[bytes]:
    """Start detached: own session (stop signals the whole group), no inherited descriptors,
    so no caller's pipe or lock stays held by a long-running server."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as log:
        stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        log.write(f"=== {stamp} started by deploy/local/stack ===\n".encode())
        log.flush()
        user = pwd.getpwnam(launch.user) if launch.user else None
        process = subprocess.Popen(
            list(launch.command),
            cwd=launch.cwd,
            env={**os.environ, **launch.env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            close_fds=True,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
        )
    pid_file.write_text(f"{process.pid}\n")
    return process


def wait_exit(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True


def signal_group(pid: int, sig: signal.Signals) -> None:
    """The process's group when it leads one (everything spawn started), else the process."""
    with contextlib.suppress(ProcessLookupError):
        if os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)


def stop(pid: int, sig: signal.Signals, timeout: float) -> bool:
    """`sig`, then SIGKILL after `timeout`; False if SIGKILL was needed."""
    signal_group(pid, sig)
    if wait_exit(pid, timeout):
        return True
    signal_group(pid, signal.SIGKILL)
    wait_exit(pid, timeout)
    return False
