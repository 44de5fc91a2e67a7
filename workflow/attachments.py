"""The files a county's reply comes with (photos of the work done, a scanned report): JPEG, PNG
or PDF only, told by their content (a renamed program is refused whatever its name says; an
image must also open as one), at most MAX_ATTACHMENTS of MAX_ATTACHMENT_MB each, written once
beside the documents (0600, outside the web root) with their SHA-256, and handed out only to
those who may read the document."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select

from vocab.workflow import MAX_ATTACHMENT_MB, MAX_ATTACHMENTS
from workflow import files
from workflow.drafts import WorkflowError
from workflow.schema import attachments


@dataclass(frozen=True)
class Attachment:
    id: int
    step_id: int
    name: str
    kind: str
    size: int
    sha256: str
    file: str


def kind_of(data: bytes) -> str | None:
    """jpg, png or pdf by the file's own bytes (and, for an image, by opening it); else None."""
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return "pdf"
    kind = "jpg" if data.startswith(b"\xff\xd8\xff") else "png" if data.startswith(b"\x89PNG\r\n\x1a\n") else None
    if kind is None:
        return None
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:
        return None
    return kind


def checked(sent: list[tuple[str, bytes]]) -> list[tuple[str, str, bytes]]:
    """(clean name, kind, bytes) of each file sent, or WorkflowError saying which file is refused and why."""
    if len(sent) > MAX_ATTACHMENTS:
        raise WorkflowError(f"附件最多 {MAX_ATTACHMENTS} 个，已选 {len(sent)} 个")
    out = []
    for name, data in sent:
        name = os.path.basename(str(name or "").replace("\\", "/")).strip()[:120] or "附件"
        if len(data) > MAX_ATTACHMENT_MB * 1024 * 1024:
            raise WorkflowError(f"附件“{name}”超过 {MAX_ATTACHMENT_MB} MB")
        kind = kind_of(data)
        if kind is None:
            raise WorkflowError(f"附件“{name}”不是 JPG、PNG 图片或 PDF 文件（按文件内容判断），未提交")
        out.append((name, kind, data))
    return out


def store_files(con, folder: Path, step_id: int, files_: list[tuple[str, str, bytes]], written: list[str]) -> None:
    """Write the files and register them with the reply `step_id`, in the caller's transaction."""
    for name, kind, data in files_:
        digest = files.sha256(data)
        stored = f"attachments/{digest[:2]}/{step_id:07d}-{digest[:16]}.{kind}"
        written.append(stored)
        files.write_once(folder, stored, data)
        con.execute(
            insert(attachments).values(
                step_id=step_id, name=name, kind=kind, size=len(data), sha256=digest, file=stored
            )
        )


def of_steps(con, step_ids: list[int]) -> dict[int, list[Attachment]]:
    """The attachments of these steps, by step."""
    out: dict[int, list[Attachment]] = {}
    if not step_ids:
        return out
    for r in con.execute(select(attachments).where(attachments.c.step_id.in_(step_ids)).order_by(attachments.c.id)):
        out.setdefault(r.step_id, []).append(Attachment(r.id, r.step_id, r.name, r.kind, r.size, r.sha256, r.file))
    return out
