"""Where each instance keeps its pid file, log and data: one name per component and port."""

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .settings import StackSettings


@dataclass(frozen=True)
class Layout:
    settings: StackSettings

    @property
    def state(self) -> Path:
        return self.settings.state_dir

    @property
    def cache(self) -> Path:
        return self.settings.cache_dir

    def pid_file(self, name: str, port: int) -> Path:
        return self.state / "pids" / f"{name}-{port}.pid"

    def log_file(self, name: str, port: int) -> Path:
        return self.state / "logs" / f"{name}-{port}.log"

    def data_dir(self, name: str, port: int) -> Path:
        return self.state / f"{name}-{port}"

    def unprivileged_home(self) -> Path:
        """Where a server run as an unprivileged user keeps its files: the state directory when
        every directory above it can be entered by others, otherwise (a clone under /root, say)
        a directory of its own under /var/tmp named after the state directory."""
        if os.geteuid() != 0 or _searchable_above(self.state):
            return self.state
        digest = hashlib.sha1(str(self.state).encode()).hexdigest()[:12]
        return Path("/var/tmp") / f"c360-postgres-{digest}"


def _searchable_above(path: Path) -> bool:
    """Judged on the directories that exist: the missing ones (a fresh state directory nested
    in another) are created by the engine with the usual modes, which others can enter."""
    existing = [parent for parent in path.parents if parent.exists()]
    return all(parent.stat().st_mode & stat.S_IXOTH for parent in existing)
