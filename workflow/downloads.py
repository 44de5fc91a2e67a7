"""What the loop hands out: a document's .docx or PDF, a reply's attachment — each to a viewer who
may read its document (security/roles.py `may_act(…, "read", county)`: a county officer only his
county's; a refusal audited as `forbidden`), and only while its SHA-256 is the one registered."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from security.roles import Viewer
from workflow import files
from workflow.desk import WorkflowError, document_for
from workflow.schema import attachments as table
from workflow.schema import ensure, steps


def document_file(store, viewer: Viewer, document_id, fmt: str, folder: Path | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a document's .docx or PDF, for a viewer who may read it."""
    doc = document_for(store, viewer, document_id, "read", "download")
    if fmt not in ("docx", "pdf"):
        raise WorkflowError("文件格式应为 docx 或 pdf")
    folder = folder or files.documents_dir(getattr(store, "path", None))
    name, sha = (doc.docx_file, doc.docx_sha256) if fmt == "docx" else (doc.pdf_file, doc.pdf_sha256)
    return f"{doc.doc_no}.{fmt}", files.read_checked(folder, name, sha)


def attachment_file(store, viewer: Viewer, attachment_id, folder: Path | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of a reply's attachment, for a viewer who may read its document."""
    ensure(store.engine)
    try:
        with store.engine.connect() as con:
            row = con.execute(
                select(table.c.name, table.c.file, table.c.sha256, steps.c.document_id)
                .join(steps, steps.c.id == table.c.step_id)
                .where(table.c.id == int(attachment_id))
            ).first()
    except (TypeError, ValueError):
        row = None
    if row is None:
        raise WorkflowError(f"没有编号为 {attachment_id} 的附件")
    document_for(store, viewer, row.document_id, "read", f"attachment {attachment_id} of")
    folder = folder or files.documents_dir(getattr(store, "path", None))
    return row.name, files.read_checked(folder, row.file, row.sha256)
