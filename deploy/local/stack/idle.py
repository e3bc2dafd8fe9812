"""What each component costs while nobody uses it: CPU seconds per minute and resident memory,
read from /proc for the process that listens on its port and that process's children."""

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
LISTEN = "0A"


@dataclass(frozen=True)
class Usage:
    cpu_s: float
    rss_bytes: int


def _stat_fields(pid: int) -> list[str]:
    # The command name may hold spaces; the fields after its closing parenthesis do not.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def listener(port: int) -> int | None:
    """The pid of the process listening on TCP `port` (IPv4 or IPv6), if this user can see it."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and _holds_any(proc, inodes):
            return int(proc.name)
    return None


def _holds_any(proc: Path, inodes: set[str]) -> bool:
    try:
        return any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir())
    except OSError:
        return False


def tree(root: int) -> set[int]:
    """`root` and its descendants (a launcher script and the JVM it runs count as one)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parents[int(proc.name)] = int(_stat_fields(int(proc.name))[1])
            except (OSError, IndexError):
                continue
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in found]
        found.update(children)
        frontier += children
    return found


def usage(pids: Iterable[int]) -> Usage:
    cpu_ticks, rss_pages = 0, 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
            rss_pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError):
            continue
        cpu_ticks += int(fields[11]) + int(fields[12])  # utime + stime
    return Usage(cpu_ticks / TICKS_PER_S, rss_pages * PAGE_BYTES)


def measure(roots: dict[str, int], seconds: float) -> dict[str, tuple[float, int]]:
    """name -> (CPU seconds per minute over the window, resident bytes at its end)."""
    trees = {name: tree(pid) for name, pid in roots.items()}
    before = {name: usage(pids) for name, pids in trees.items()}
    time.sleep(seconds)
    after = {name: usage(pids) for name, pids in trees.items()}
    per_minute = 60.0 / seconds
    return {
        name: ((after[name].cpu_s - before[name].cpu_s) * per_minute, after[name].rss_bytes)
        for name in trees
    }
