"""Keys marked once for a whole run, across its pytest processes.

A probe that samples an operation (the single-violation probe, the tenant read, the auth probe)
is meant to run once per run. With several processes, an in-process set lets each process run
it again, and each repeat costs its round trips. The marks are empty files in a directory the
run clears at its start; creating one with O_EXCL is atomic, so exactly one process claims a key.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


class RunMarks:
    """Marks shared by the run's processes; with no directory, by this process only."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._local: set[str] = set()
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path | None:
        if self.directory is None:
            return None
        return self.directory / hashlib.sha256(name.encode()).hexdigest()[:32]

    def claim(self, *key: str) -> bool:
        """True for the first caller of the run to claim `key`, False for every later one."""
        name = "\0".join(key)
        path = self._path(name)
        if path is None:
            if name in self._local:
                return False
            self._local.add(name)
            return True
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def mark(self, *key: str) -> None:
        """Record `key` (again is fine)."""
        name = "\0".join(key)
        path = self._path(name)
        if path is None:
            self._local.add(name)
        else:
            path.touch()

    def marked(self, *key: str) -> bool:
        name = "\0".join(key)
        path = self._path(name)
        return name in self._local if path is None else path.exists()
