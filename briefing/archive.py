"""The briefings' register and files: each briefing written once — its .docx and PDF in the
documents' write-once store (workflow/files.py, under `briefings/`), its row in the access
store's `br_briefings` with both SHA-256 — and handed back only to its recipient, only while
its files still match. A briefing is keyed by what it is (`run_key`: recipient, region, period
and what asked for it — a schedule's frequency, or `on_demand` and the day), so asking twice
(two `due` runs, a double click) writes it once. Every generation, download and refusal is
audited through the store's chain, as the loop of 交办 and 督办 audits its acts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.exc import IntegrityError

from briefing import charts, content, render
from briefing.model import Briefing, BriefingError
from briefing.period import Period, parse
from security.roles import Viewer, may_act, scope_text
from security.store import now
from workflow import files
from workflow.schema import writing

metadata = MetaData()
briefings = Table(
    "br_briefings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_key", String(160), nullable=False, unique=True),
    Column("recipient", String(64), nullable=False, index=True),
    Column("region", String(9), nullable=False),  # "" for every region of the recipient's scope
    Column("period", String(16), nullable=False),  # 2025-05, 2025-W19
    Column("origin", String(16), nullable=False),  # monthly, weekly, on_demand
    Column("title", Text, nullable=False),
    Column("issued_on", Date, nullable=False),
    Column("data_as_of", Date),
    Column("generated_at", DateTime, nullable=False),  # UTC
    Column("generated_by", String(64), nullable=False),
    Column("docx_file", String(255), nullable=False),
    Column("docx_sha256", String(64), nullable=False),
    Column("pdf_file", String(255), nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    sqlite_autoincrement=True,
)
ORIGINS = ("monthly", "weekly", "on_demand")
_ready: set[int] = set()


def ensure(engine) -> None:
    if id(engine) not in _ready:
        metadata.create_all(engine)
        _ready.add(id(engine))


@dataclass(frozen=True)
class Archived:
    id: int
    recipient: str
    region: str
    period: str
    origin: str
    title: str
    issued_on: dt.date
    generated_at: dt.datetime
    docx_sha256: str
    pdf_sha256: str
    created: bool = False  # written by this call (else it was there already)


def run_key(recipient: str, region: str | None, period: Period, origin: str, issued_on: dt.date) -> str:
    tail = f":{issued_on.isoformat()}" if origin == "on_demand" else ""
    return f"{origin}:{recipient}:{region or ''}:{period.key}{tail}"


def folder_of(store) -> Path:
    return files.documents_dir(getattr(store, "path", None))


def viewer_named(store, name: str) -> Viewer:
    """The recipient, a user of the app (a disabled or unknown one gets nothing)."""
    user = store.user(name)
    if user is None or user.disabled:
        raise BriefingError(f"收件人“{name}”不是看板的有效用户（不存在或已停用）")
    return Viewer(user.name, user.role, user.county)


def make(wh, viewer: Viewer, period: Period, region: str | None, issued_on: dt.date) -> tuple[Briefing, bytes, bytes]:
    """The briefing with its charts drawn, and its .docx and PDF."""
    b = content.build(wh, viewer, period, region, issued_on)
    for section in b.sections:
        section.charts = charts.draw(section.charts)
    return b, render.to_docx(b), render.to_pdf(b)


def generate(
    store,
    wh,
    viewer: Viewer,
    period: Period | str,
    region: str | None = None,
    *,
    origin: str = "on_demand",
    issued_on: dt.date,
    by: str | None = None,
    folder: Path | None = None,
) -> Archived:
    """Write and register the briefing of `period` for `viewer` once: when its key is registered
    already, that one is returned (`created` False) and nothing is written."""
    period = parse(period) if isinstance(period, str) else period
    if origin not in ORIGINS:
        raise BriefingError(f"简报来源应为 {'、'.join(ORIGINS)} 之一")
    region = content.region_of(viewer, region)
    key = run_key(viewer.name, region, period, origin, issued_on)
    found = _by_key(store, key)
    if found is not None:
        return found
    b, docx, pdf = make(wh, viewer, period, region, issued_on)
    folder = folder or folder_of(store)
    written: list[str] = []
    try:
        with writing(store, ensure) as con:
            if con.execute(select(briefings.c.id).where(briefings.c.run_key == key)).first():
                raise IntegrityError("", {}, Exception("registered meanwhile"))
            shas, names = {}, {}
            for ext, data in (("docx", docx), ("pdf", pdf)):
                sha = files.sha256(data)
                names[ext] = f"briefings/{period.key}/{viewer.name}-{origin}-{sha[:16]}.{ext}"
                written.append(names[ext])
                shas[ext] = files.write_once(folder, names[ext], data)
            con.execute(
                insert(briefings).values(
                    run_key=key,
                    recipient=viewer.name,
                    region=region or "",
                    period=period.key,
                    origin=origin,
                    title=f"{b.title}（{b.period.title}）",
                    issued_on=issued_on,
                    data_as_of=b.data_as_of,
                    generated_at=now(),
                    generated_by=by or viewer.name,
                    docx_file=names["docx"],
                    docx_sha256=shas["docx"],
                    pdf_file=names["pdf"],
                    pdf_sha256=shas["pdf"],
                )
            )
    except IntegrityError:  # another run registered it first: theirs stands
        files.remove_quietly(folder, written)
        return _by_key(store, key)
    except BaseException:
        files.remove_quietly(folder, written)
        raise
    archived = _by_key(store, key)
    audit(
        store,
        by or viewer.name,
        viewer,
        "briefing_generate",
        f"{archived.title} → {viewer.name}（{origin}，{period.key}，{region or '全部'}）；"
        f"docx sha256 {archived.docx_sha256}；pdf sha256 {archived.pdf_sha256}",
    )
    return Archived(**{**archived.__dict__, "created": True})


def _rows(store, *conditions) -> list[Archived]:
    ensure(store.engine)
    c = briefings.c
    query = (
        select(
            c.id,
            c.recipient,
            c.region,
            c.period,
            c.origin,
            c.title,
            c.issued_on,
            c.generated_at,
            c.docx_sha256,
            c.pdf_sha256,
        )
        .where(*conditions)
        .order_by(c.issued_on.desc(), c.id.desc())
    )
    with store.engine.connect() as con:
        return [Archived(*row) for row in con.execute(query)]


def _by_key(store, key: str) -> Archived | None:
    found = _rows(store, briefings.c.run_key == key)
    return found[0] if found else None


def for_recipient(store, viewer: Viewer) -> list[Archived]:
    """The viewer's own briefings, newest first."""
    return _rows(store, briefings.c.recipient == viewer.name)


def briefing_file(store, viewer: Viewer, briefing_id, fmt: str, folder: Path | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of one of the viewer's briefings, checked against its SHA-256; another
    user's briefing is refused (and the refusal audited)."""
    if fmt not in ("docx", "pdf"):
        raise BriefingError("文件格式应为 docx 或 pdf")
    ensure(store.engine)
    try:
        ident = int(briefing_id)
    except (TypeError, ValueError):
        ident = -1
    with store.engine.connect() as con:
        row = con.execute(select(briefings).where(briefings.c.id == ident)).first()
    if row is None:
        raise BriefingError(f"没有编号为 {briefing_id} 的简报")
    if row.recipient != viewer.name:
        audit(store, viewer.name, viewer, "forbidden", f"briefing {ident} of {row.recipient}")
        raise BriefingError("无权下载：简报只发给其收件人本人")
    name, sha = (row.docx_file, row.docx_sha256) if fmt == "docx" else (row.pdf_file, row.pdf_sha256)
    data = files.read_checked(folder or folder_of(store), name, sha)
    audit(store, viewer.name, viewer, "briefing_download", f"{row.title} {fmt} sha256 {sha}")
    return f"{row.title}.{fmt}", data


def may_generate(viewer: Viewer | None) -> bool:
    return may_act(viewer, "brief")


def audit(store, who: str, viewer: Viewer, event: str, detail: str) -> None:
    from flask import has_request_context, request

    remote = (request.remote_addr or "") if has_request_context() else ""
    store.record(who, viewer.role if who == viewer.name else "cli", event, detail, scope_text(viewer.scope), remote)
