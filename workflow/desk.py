"""What a supervisor, a leader and a county officer do in the loop, each act checked, written in
one transaction of the access store and audited (the chained audit, security/audit.py):

- `issue`: a leader or supervisor issues one kind of document for open cases — one document per
  county the cases belong to — with a deadline in working days of the official calendar. Each
  document's number (文号) is taken from its body's counter for the year inside the transaction
  that renders and registers it: a number exists exactly when its document does, and is never
  given twice (the counter only grows; the register's number is unique).
- `sign`, `reply`, `ask_extension`: a county officer, on his own county's documents only.
- `decide`: a leader or supervisor grants or refuses a pending request for more time.

A refusal (another county's item, a role without the right) raises `Refused` and is audited as
`forbidden`; what cannot be done as asked raises `WorkflowError`; both say why in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from etl.clock import beijing_now
from metrics.deadlines import add_workdays
from security.roles import Viewer, may_act, scope_text
from security.store import now
from vocab.workflow import (
    DOC_NO,
    KINDS,
    MAX_CASES,
    MAX_EXTENSION_DAYS,
    MAX_REASON,
    MAX_TEXT,
    MAX_WORKDAYS,
)
from workflow import attachments, files, register
from workflow.drafts import Addressee, WorkflowError, addressee_of, draft_cases
from workflow.letters import Letter, to_docx
from workflow.letters_pdf import letter_font, to_pdf
from workflow.schema import ASK, GRANT, ISSUE, REFUSE, REPLY, SIGN, counters, document_cases, documents, steps
from workflow.schema import writing as _writing


class Refused(WorkflowError):
    """The viewer has no right to this act (audited as `forbidden`)."""


def _today(today: dt.date | None) -> dt.date:
    return today or beijing_now().date()


def allocate(con, body_code: str, year: int) -> int:
    """The next number of `body_code` in `year`, inside the caller's transaction: the counter
    row is created if missing, then incremented under its row lock (SQLite: the database's)."""
    make = pg_insert if con.dialect.name == "postgresql" else sqlite_insert
    con.execute(make(counters).values(body_code=body_code, year=year, last_seq=0).on_conflict_do_nothing())
    return con.execute(
        update(counters)
        .where(counters.c.body_code == body_code, counters.c.year == year)
        .values(last_seq=counters.c.last_seq + 1)
        .returning(counters.c.last_seq)
    ).scalar_one()


# ---------------------------------------------------------------- issue


def _checked_issue(store, viewer: Viewer, kind: str, case_ids, workdays, demand: str) -> tuple[list[str], int, str]:
    if not may_act(viewer, "issue"):
        _refuse(store, viewer, "issue", f"{kind} for {len(case_ids or [])} case(s)")
    if kind not in KINDS:
        raise WorkflowError(f"文书种类应为 {'、'.join(KINDS)} 之一")
    ids = list(dict.fromkeys(str(c).strip() for c in case_ids or [] if str(c).strip()))
    if not ids:
        raise WorkflowError("请先在列表中勾选要下发的问题线索")
    if len(ids) > MAX_CASES:
        raise WorkflowError(f"一次最多下发 {MAX_CASES} 件线索，已选 {len(ids)} 件")
    try:
        days = int(workdays)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_WORKDAYS or str(workdays).strip() not in (str(days), f"{days}.0"):
        raise WorkflowError(f"办理时限应为 1 到 {MAX_WORKDAYS} 个工作日的整数")
    demand = (demand or "").strip()
    if not demand or len(demand) > MAX_TEXT:
        raise WorkflowError(f"要求不能为空，最多 {MAX_TEXT} 字")
    return ids, days, demand


def issue(
    store,
    wh,
    viewer: Viewer,
    kind: str,
    case_ids,
    workdays,
    demand: str,
    *,
    today: dt.date | None = None,
    folder: Path | None = None,
    token: str | None = None,
) -> list[register.Document]:
    """Issue `kind` for the cases: one document per county, each numbered, rendered (.docx and
    PDF from one Letter), stored and registered in one transaction, and audited. `token`: the
    issue form's, once (a form sent twice issues nothing the second time)."""
    ids, days, demand = _checked_issue(store, viewer, kind, case_ids, workdays, demand)
    letter_font()  # no font, no letter: say so before a number is taken
    day = _today(today)
    by_county = draft_cases(wh, viewer, ids)
    addressees = {county: addressee_of(county) for county in by_county}
    deadline = add_workdays(wh, day, days)
    folder = folder or files.documents_dir(getattr(store, "path", None))
    issued = []
    for county, cases in by_county.items():
        to = addressees[county]
        letter = Letter(
            "", kind, to.body, to.addressee, to.county_name, demand, days, deadline, day, viewer.name, tuple(cases)
        )
        doc_id, letter, shas = _register(store, folder, to, letter, viewer, f"{token}:{county}" if token else None)
        cases_text = "、".join(c.case_id for c in cases)
        _audit(
            viewer,
            "doc_issue",
            f"{letter.doc_no} {kind} → {to.addressee}（{county}）：{len(cases)} 件 {cases_text}；"
            f"办理时限 {deadline}（{days} 个工作日）；docx sha256 {shas[0]}；pdf sha256 {shas[1]}",
            store,
        )
        issued.append(doc_id)
    return register.documents(store, ids=issued)


def _register(
    store, folder: Path, to: Addressee, draft: Letter, viewer: Viewer, token: str | None
) -> tuple[int, Letter, tuple[str, str]]:
    """Number the letter, render it twice, write its files and register it with its cases, all
    in one transaction: (its id, the numbered letter, the files' SHA-256). Files written for a
    transaction that does not commit are removed (the number was never taken)."""
    day = draft.issued_on
    written: list[str] = []
    try:
        with _writing(store) as con:
            if token:
                sent = con.execute(select(documents.c.doc_no).where(documents.c.token == token)).scalar()
                if sent:
                    raise WorkflowError(f"本次下发已生成 {sent}，请勿重复提交")
            seq = allocate(con, to.body_code, day.year)
            letter = replace(draft, doc_no=DOC_NO.format(code=to.body_code, year=day.year, seq=seq))
            shas, names = [], {}
            for ext, data in (("docx", to_docx(letter)), ("pdf", to_pdf(letter))):
                names[ext] = f"{day.year}/{seq:05d}-{files.sha256(data)[:16]}.{ext}"
                written.append(names[ext])
                shas.append(files.write_once(folder, names[ext], data))
            at = now()
            doc_id = con.execute(
                insert(documents).values(
                    doc_no=letter.doc_no,
                    body_code=to.body_code,
                    year=day.year,
                    seq=seq,
                    body=to.body,
                    kind=letter.kind,
                    county=to.county,
                    addressee=to.addressee,
                    title=letter.title,
                    demand=letter.demand,
                    workdays=letter.workdays,
                    issued_on=day,
                    deadline=letter.deadline,
                    issued_by=viewer.name,
                    issued_role=viewer.role,
                    issued_at=at,
                    docx_file=names["docx"],
                    docx_sha256=shas[0],
                    pdf_file=names["pdf"],
                    pdf_sha256=shas[1],
                    token=token,
                )
            ).inserted_primary_key[0]
            for position, case in enumerate(letter.cases, start=1):
                con.execute(insert(document_cases).values(document_id=doc_id, case_id=case.case_id, position=position))
                _append(con, doc_id, case.case_id, ISSUE, viewer, day)
    except IntegrityError:  # the same form sent at the same moment on another server (the token is unique)
        files.remove_quietly(folder, written)
        raise WorkflowError("本次下发已提交，请勿重复提交") from None
    except BaseException:
        files.remove_quietly(folder, written)
        raise
    return doc_id, letter, (shas[0], shas[1])


# ---------------------------------------------------------------- the county's answers, the issuer's decision


def document_for(store, viewer: Viewer, document_id, right: str, what: str) -> register.Document:
    try:
        found = register.documents(store, ids=[int(document_id)])
    except (TypeError, ValueError):
        found = []
    if not found:
        raise WorkflowError(f"没有编号为 {document_id} 的文书")
    doc = found[0]
    if not may_act(viewer, right, doc.county):
        _refuse(store, viewer, right, f"{what} {doc.doc_no} (county {doc.county})")
    return doc


def _case(doc: register.Document, case_id) -> register.CaseItem:
    item = doc.case(str(case_id or ""))
    if item is None:
        raise WorkflowError(f"文书 {doc.doc_no} 不含线索 {case_id}")
    return item


def sign(store, viewer: Viewer, document_id, *, today: dt.date | None = None) -> register.Document:
    """签收: the county officer acknowledges the document (once)."""
    doc = document_for(store, viewer, document_id, "answer", "sign")
    with _writing(store) as con:
        done = con.execute(
            select(steps.c.happened_on, steps.c.who).where(steps.c.document_id == doc.id, steps.c.step == SIGN)
        ).first()
        if done:
            raise WorkflowError(f"{doc.doc_no} 已于 {done.happened_on} 由 {done.who} 签收")
        _append(con, doc.id, None, SIGN, viewer, today)
    _audit(viewer, "doc_sign", f"{doc.doc_no}（{doc.county}）签收", store)
    return register.documents(store, ids=[doc.id])[0]


def reply(store, viewer: Viewer, document_id, case_id, text: str, files_=(), *, today=None, folder=None):
    """整改回复: what the county did about one case of the document (after signing for it), with
    the files it sends as evidence (`files_`: (name, bytes); workflow/attachments.py)."""
    doc = document_for(store, viewer, document_id, "answer", "reply to")
    _case(doc, case_id)
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise WorkflowError(f"整改情况不能为空，最多 {MAX_TEXT} 字")
    sent = attachments.checked(list(files_))
    folder = folder or files.documents_dir(getattr(store, "path", None))
    written: list[str] = []
    try:
        with _writing(store) as con:
            _signed(con, doc)
            step_id = _append(con, doc.id, case_id, REPLY, viewer, today, text=text)
            attachments.store_files(con, folder, step_id, sent, written)
    except BaseException:
        files.remove_quietly(folder, written)
        raise
    names = "、".join(f"{n}（{k}，{len(d)} 字节）" for n, k, d in sent)
    detail = f"{doc.doc_no} 线索 {case_id} 整改回复（{len(text)} 字）" + (f"，附件 {names}" if sent else "")
    _audit(viewer, "doc_reply", detail, store)
    return register.documents(store, ids=[doc.id])[0]


def ask_extension(store, viewer: Viewer, document_id, case_id, reason: str, until, *, today: dt.date | None = None):
    """延期申请: more time for one case, with the reason and the date asked for."""
    doc = document_for(store, viewer, document_id, "answer", "ask more time on")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise WorkflowError(f"请说明延期理由（最多 {MAX_REASON} 字）")
    try:
        day = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until or "")[:10])
    except ValueError:
        raise WorkflowError("请选择拟完成日期") from None
    _case(doc, case_id)
    with _writing(store) as con:
        _signed(con, doc)
        current = _fresh_case(con, doc, case_id)
        if current.replied:
            raise WorkflowError(f"线索 {case_id} 已回复整改情况，无需延期")
        if current.asked is not None:
            raise WorkflowError(f"线索 {case_id} 已有待审批的延期申请（至 {current.asked.until}）")
        if not current.deadline < day <= current.deadline + dt.timedelta(days=MAX_EXTENSION_DAYS):
            raise WorkflowError(f"拟完成日期应晚于现办理时限 {current.deadline}，且不超过其后 {MAX_EXTENSION_DAYS} 天")
        _append(con, doc.id, case_id, ASK, viewer, today, text=reason, until=day)
    _audit(viewer, "doc_extension_ask", f"{doc.doc_no} 线索 {case_id} 申请延期至 {day}：{reason}", store)
    return register.documents(store, ids=[doc.id])[0]


def decide(store, viewer: Viewer, document_id, case_id, grant: bool, note: str = "", *, today=None):
    """同意 / 不同意延期: the issuer's answer to the pending request of one case."""
    doc = document_for(store, viewer, document_id, "decide", "decide on")
    _case(doc, case_id)
    note = (note or "").strip()[:MAX_REASON]
    with _writing(store) as con:
        asked = _fresh_case(con, doc, case_id).asked
        if asked is None:
            raise WorkflowError(f"线索 {case_id} 没有待审批的延期申请")
        _append(
            con,
            doc.id,
            case_id,
            GRANT if grant else REFUSE,
            viewer,
            today,
            text=note,
            until=asked.until if grant else None,
            answers=asked.id,
        )
    verdict = f"同意延期至 {asked.until}" if grant else "不同意延期" + (f"：{note}" if note else "")
    _audit(
        viewer,
        "doc_extension_grant" if grant else "doc_extension_refuse",
        f"{doc.doc_no} 线索 {case_id} {verdict}",
        store,
    )
    return register.documents(store, ids=[doc.id])[0]


# ---------------------------------------------------------------- helpers


def _signed(con, doc: register.Document) -> None:
    if not con.execute(select(steps.c.id).where(steps.c.document_id == doc.id, steps.c.step == SIGN)).first():
        raise WorkflowError(f"请先签收 {doc.doc_no}")


def _fresh_case(con, doc: register.Document, case_id) -> register.CaseItem:
    """The case as it stands now, read inside the writer's transaction."""
    rows = con.execute(select(steps).where(steps.c.document_id == doc.id).order_by(steps.c.id)).all()
    done = [register.Step.of(s) for s in rows]
    return register.fold_case(str(case_id), doc.deadline, done)


def _append(con, document_id, case_id, step, viewer: Viewer, today, *, text="", until=None, answers=None) -> int:
    """Append a step (its id)."""
    return con.execute(
        insert(steps).values(
            document_id=document_id,
            case_id=case_id,
            step=step,
            happened_on=_today(today),
            at=now(),
            who=viewer.name,
            role=viewer.role,
            text=text,
            until=until,
            answers=answers,
        )
    ).inserted_primary_key[0]


def _audit(viewer: Viewer, event: str, detail: str, store) -> None:
    """One record of the chained audit log (security/audit_chain.py), written after the act's
    transaction committed: who, role, scope and, inside a request, the address."""
    from flask import has_request_context, request

    remote = (request.remote_addr or "") if has_request_context() else ""
    store.record(viewer.name, viewer.role, event, detail, scope_text(viewer.scope), remote)


def _refuse(store, viewer: Viewer | None, right: str, what: str):
    if viewer is None:  # no one signed in (the web layer refuses such a request before it comes here)
        raise Refused("无权办理：请先登录")
    _audit(viewer, "forbidden", f"workflow {right}: {what}", store)
    if viewer.role == "county" and right in ("answer", "read"):
        raise Refused("无权办理：只能查看和办理本县（市、区）收到的文书")
    raise Refused("无权办理：下发文书、审批延期仅限领导和纪检监督角色，签收和回复仅限收文县区")
