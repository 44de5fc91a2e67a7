"""Files that arrive as bytes (the admin's upload page, pages/upload.py): checked, written to a
private temporary folder under a clean name, loaded with `load_files`, then removed.

What is checked here, before the ETL reads anything: the contract's file types only
(`.csv`, `.xlsx`, `.xls`), a size limit per file and per upload. Everything else (empty,
corrupt, password-protected files, XLSX that inflate past etl.read's limits, rows that
break the contract) is the ETL's own refusal, with its own message.

The name a browser sends is never used as a path: only its last component survives,
stripped of control characters and of anything a file system gives meaning to.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import settings
from etl.normalize import strip_controls
from etl.pipeline import FileReport, LoadResult, load_files
from etl.warehouse import WarehouseBusy

ACCEPTED = (".csv", ".xlsx", ".xls")  # the data contract's formats (shared/design/data-contract.md)
MB = 1024 * 1024
# Flask refuses requests over MAX_REQUEST_BYTES (64 MB by default), and a browser sends an
# upload base64-encoded (4/3 of the bytes) inside JSON: keep an upload well under that.
MAX_FILE_BYTES = int(settings.get("UPLOAD_MAX_FILE_MB") * MB)  # read at import
MAX_TOTAL_BYTES = int(settings.get("UPLOAD_MAX_TOTAL_MB") * MB)
MAX_NAME = 120
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')


@dataclass
class Incoming:
    """One file as the browser sent it: its name (as given) and its bytes; `data` None when
    the browser held it back (over a limit) or it could not be decoded, with the size the
    browser measured."""

    name: str
    data: bytes | None
    claimed_size: int = 0

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else self.claimed_size


def clean_name(name: str) -> str:
    """The last component of a client's file name, safe to create in a folder of ours:
    `../../etc/passwd` → `passwd`, `C:\\台账\\三月.csv` → `三月.csv`, no control or
    bidirectional-override characters (`台账\u202excod.exe` is not shown as `台账exe.docx`),
    no leading dots, at most 120 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = strip_controls(_UNSAFE.sub("_", name))  # then right-to-left overrides, zero-width, C1 controls …
    name = name.strip().lstrip(".").strip()
    if len(name) > MAX_NAME:
        stem, suffix = os.path.splitext(name)
        name = stem[: MAX_NAME - len(suffix)] + suffix
    return name or "未命名"


def refusal(name: str, size: int, total: int) -> str | None:
    """Why a file is refused before reading (type, size), in Chinese; None when it may be read."""
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED:
        shown = f"“{suffix}”" if suffix else "（无扩展名）"
        return f"不支持的文件类型{shown}，只接受 {'、'.join(ACCEPTED)} 文件，未加载"
    if size > MAX_FILE_BYTES:
        return f"文件大小 {size / MB:.1f} MB，超过单个文件上限 {MAX_FILE_BYTES / MB:.0f} MB，未加载。请拆分后上传"
    if total > MAX_TOTAL_BYTES:
        return f"本次上传合计 {total / MB:.1f} MB，超过每次上传上限 {MAX_TOTAL_BYTES / MB:.0f} MB，未加载。请分批上传"
    return None


BUSY = "另一批台账正在载入（其他管理员的上传或命令行 scripts/etl load），本次上传未加载，请等它完成后重新上传"


def load_uploaded(
    files: Sequence[Incoming],
    warehouse: Path | str,
    dataset: str | None,
    user: str,
    progress: Callable | None = None,
    on_publish: Callable[[], None] | None = None,
) -> LoadResult:
    """Check the files, write those that pass into a private temporary folder (mode 0700; one
    sub-folder per file, so two files of the same name stay apart), load them in one run with
    `load_files(..., user=user)`, and remove the folder. A file refused here gets a report of
    its own (refused, with the reason) in the upload's order, and nothing of it is loaded.
    When the whole upload is over the limit, every file is refused. While another load holds
    the warehouse's lock, the upload does not wait: every file is refused with `BUSY`."""
    total = sum(f.size for f in files)
    over = total > MAX_TOTAL_BYTES
    checked: list[tuple[str, str | None]] = []
    for f in files:
        name = clean_name(f.name)
        why = refusal(name, f.size, total if over else 0)
        if why is None and f.data is None:
            why = "未收到文件内容（上传不完整），未加载。请重新上传"
        checked.append((name, why))
    reports: list[list[FileReport] | None] = []
    folder = Path(tempfile.mkdtemp(prefix="upload-"))  # 0700, in the system's temporary directory
    try:
        paths: list[Path] = []
        for n, (f, (name, why)) in enumerate(zip(files, checked, strict=False)):
            if why:
                reports.append([FileReport(name, refused=True, message=why)])
                continue
            path = folder / str(n) / name
            path.parent.mkdir(mode=0o700)
            path.write_bytes(f.data)
            paths.append(path)
            reports.append(None)
        run = None
        try:
            if paths:
                run = load_files(paths, warehouse, dataset, user, progress, wait=False, on_publish=on_publish)
            loaded = run.files if run else []
        except WarehouseBusy:
            loaded = [FileReport(name, refused=True, message=BUSY) for name, why in checked if why is None]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Put the ETL's reports (one or more per file: a workbook has sheets) back in upload order.
    by_file: dict[str, list[FileReport]] = {}
    for report in loaded:
        by_file.setdefault(report.file, []).append(report)
    out: list[FileReport] = []
    for (name, _), mine in zip(checked, reports, strict=False):
        if mine is not None:
            out.extend(mine)
        else:
            out.extend(by_file.pop(name, []))
    for rest in by_file.values():  # (two files of one name: their reports follow in load order)
        out.extend(rest)
    return LoadResult(out, Path(warehouse), run.run_id if run else None)
