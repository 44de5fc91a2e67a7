"""The documents' files: written once, never changed, outside the web root — in DOCUMENTS_DIR,
by default `documents/` beside the access store (the warehouse's folder) — each file readable
by the server's user only (0600, its folder 0700), named by its year, number and content hash,
and read back only when its SHA-256 still matches the one the register holds."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import settings
from workflow.letters import LetterError


def documents_dir(warehouse: Path | str | None = None) -> Path:
    """DOCUMENTS_DIR, else `documents/` beside the access store's file (beside the warehouse)."""
    named = settings.get("DOCUMENTS_DIR")
    if named:
        return Path(named)
    from security.store import store_path

    return store_path(warehouse).parent / "documents"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_once(folder: Path, name: str, data: bytes) -> str:
    """Write `data` as `folder/name`, which must not exist yet (0600, synced); its SHA-256."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for part in (folder, path.parent):
        os.chmod(part, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    return sha256(data)


def read_checked(folder: Path, name: str, expected: str) -> bytes:
    """The file's bytes, if it is there and its SHA-256 is the one registered; else LetterError."""
    path = folder / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LetterError(f"文书文件 {name} 不在文书目录 {folder} 中，请联系管理员") from None
    if sha256(data) != expected:
        raise LetterError(f"文书文件 {name} 与登记的校验值（SHA-256）不符，可能已被改动，不予提供，请联系管理员")
    return data


def remove_quietly(folder: Path, names: list[str]) -> None:
    """Remove files written for an issue that did not commit (they were never registered)."""
    for name in names:
        try:
            (folder / name).unlink()
        except FileNotFoundError:
            pass
