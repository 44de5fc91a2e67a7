"""Files holding personal data or password hashes — the warehouse (complainants' phones) and
its copies, the access store (password hashes, sessions, the audit log) with its `-wal`/`-shm`,
the session key, the kept checks (rejected rows as the clerk wrote them) — are readable by their
owner only: 0600 files, 0700 folders.

Two measures, so that no such file is readable by others even for a moment:

- `restrict_umask()`: the process's umask takes away every permission of group and others, so
  that files created by libraries we do not control (DuckDB's `.wal`, SQLite's journal) are
  private from their first byte. Called by the entry points (the command line, the app) and
  before each store or warehouse is written. It only ever restricts, so it is safe to call from
  any thread at any time.
- `private_file()` / `private_dir()`: the mode set explicitly on what we create, which also
  repairs files written by an older version under a looser umask.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def restrict_umask() -> None:
    """Make the process's umask take away group and other permissions (keeping what it took)."""
    old = os.umask(0o077)
    os.umask(old | 0o077)


def private_file(path: Path | str) -> None:
    """chmod 0600 when the file exists (and is ours)."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        os.chmod(path, FILE_MODE)


def private_dir(path: Path | str) -> Path:
    """Create the folder (0700) if needed, and make it 0700."""
    path = Path(path)
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):
        os.chmod(path, DIR_MODE)
    return path


def create_private(path: Path | str) -> int:
    """Open a new file for writing, created 0600 (fails if it exists): a file descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return fd
