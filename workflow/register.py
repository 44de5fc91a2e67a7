"""The register of documents issued (发文登记): each document with its cases and where each
stands — signed for, replied to, more time asked, granted or refused — folded from the steps
appended in `wf_steps`; and the same steps as a case's trail (`trail_steps`, the source the app
installs in metrics/app_trail.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from metrics.app_trail import AppStep
from vocab.workflow import EXTENSION_ASKED, EXTENSION_GRANTED, EXTENSION_REFUSED, REPLIED, SIGNED
from workflow.attachments import Attachment, of_steps
from workflow.schema import ASK, GRANT, ISSUE, REFUSE, REPLY, SIGN, document_cases, ensure, steps
from workflow.schema import documents as doc_table


@dataclass(frozen=True)
class Step:
    id: int
    case_id: str | None
    step: str
    happened_on: dt.date
    at: dt.datetime
    who: str
    text: str
    until: dt.date | None
    answers: int | None
    attachments: tuple[Attachment, ...] = ()  # a reply's files

    @classmethod
    def of(cls, row, attached: dict | None = None) -> Step:
        """A row of `wf_steps` (with its attachments, from `attached` by step id)."""
        files = tuple((attached or {}).get(row.id, ()))
        return cls(
            row.id, row.case_id, row.step, row.happened_on, row.at, row.who, row.text, row.until, row.answers, files
        )


@dataclass(frozen=True)
class CaseItem:
    """One case of a document and where it stands."""

    case_id: str
    deadline: dt.date  # the document's, or the last extension granted
    replies: tuple[Step, ...]
    asked: Step | None  # a request for more time not yet decided
    decided: Step | None  # the last decision on a request

    @property
    def replied(self) -> bool:
        return bool(self.replies)


@dataclass(frozen=True)
class Document:
    id: int
    doc_no: str
    kind: str
    county: str
    addressee: str
    body: str
    title: str
    demand: str
    workdays: int
    issued_on: dt.date
    deadline: dt.date
    issued_by: str
    issued_at: dt.datetime
    docx_file: str
    docx_sha256: str
    pdf_file: str
    pdf_sha256: str
    signed: Step | None
    cases: tuple[CaseItem, ...]

    def case(self, case_id: str) -> CaseItem | None:
        return next((c for c in self.cases if c.case_id == case_id), None)

    @property
    def replied(self) -> int:
        return sum(c.replied for c in self.cases)

    @property
    def asked(self) -> int:
        return sum(c.asked is not None for c in self.cases)


def documents(
    store, *, county: str | None = None, ids: Sequence[int] | None = None, case_id: str | None = None
) -> list[Document]:
    """The documents issued, newest first: of a county (its county-level code), by id, or
    covering a case; all without a condition."""
    ensure(store.engine)
    q = select(doc_table).order_by(doc_table.c.id.desc())
    if county:
        q = q.where(doc_table.c.county == county)
    if ids is not None:
        q = q.where(doc_table.c.id.in_(list(ids)))
    if case_id:
        q = q.where(doc_table.c.id.in_(select(document_cases.c.document_id).where(document_cases.c.case_id == case_id)))
    with store.engine.connect() as con:
        rows = con.execute(q).all()
        wanted = [r.id for r in rows]
        cases = con.execute(
            select(document_cases).where(document_cases.c.document_id.in_(wanted)).order_by(document_cases.c.position)
        ).all()
        done = con.execute(select(steps).where(steps.c.document_id.in_(wanted)).order_by(steps.c.id)).all()
        attached = of_steps(con, [s.id for s in done if s.step == REPLY])
    by_doc: dict[int, list] = {i: [] for i in wanted}
    for s in done:
        by_doc[s.document_id].append(Step.of(s, attached))
    case_ids: dict[int, list[str]] = {i: [] for i in wanted}
    for c in cases:
        case_ids[c.document_id].append(c.case_id)
    return [_fold(r, case_ids[r.id], by_doc[r.id]) for r in rows]


def _fold(row, case_ids: list[str], done: list[Step]) -> Document:
    signed = next((s for s in done if s.step == SIGN), None)
    items = tuple(fold_case(case_id, row.deadline, done) for case_id in case_ids)
    fields = {k: getattr(row, k) for k in Document.__dataclass_fields__ if k not in ("signed", "cases")}
    return Document(**fields, signed=signed, cases=items)


def fold_case(case_id: str, deadline: dt.date, done: list[Step]) -> CaseItem:
    """Where one case of a document stands after its steps `done` (in order): its replies, the
    request for more time not yet decided, the last decision, and its deadline (the document's,
    or the date of the last extension granted)."""
    mine = [s for s in done if s.case_id == case_id]
    decisions = [s for s in mine if s.step in (GRANT, REFUSE)]
    answered = {s.answers for s in decisions}
    asked = next((s for s in reversed(mine) if s.step == ASK and s.id not in answered), None)
    granted = [s for s in decisions if s.step == GRANT]
    return CaseItem(
        case_id,
        granted[-1].until if granted else deadline,
        tuple(s for s in mine if s.step == REPLY),
        asked,
        decisions[-1] if decisions else None,
    )


def trail_steps(store, case_ids: Sequence[str] | None = None) -> list[AppStep]:
    """Every step of the register as a step of its cases' trails (a signature: one per case of
    the document), for metrics/app_trail.py: the issue under the document's kind, by the issuing
    body; the county's answers by its authority; each note naming the document's number."""
    ensure(store.engine)
    cases_q = select(document_cases.c.document_id, document_cases.c.case_id)
    if case_ids is not None:
        cases_q = cases_q.where(document_cases.c.case_id.in_(list(case_ids)))
    with store.engine.connect() as con:
        pairs = con.execute(cases_q).all()
        ids = sorted({p.document_id for p in pairs})
        docs = {r.id: r for r in con.execute(select(doc_table).where(doc_table.c.id.in_(ids)))}
        done = con.execute(select(steps).where(steps.c.document_id.in_(ids)).order_by(steps.c.id)).all()
        attached = of_steps(con, [s.id for s in done if s.step == REPLY])
    covered: dict[int, list[str]] = {}
    for p in pairs:
        covered.setdefault(p.document_id, []).append(p.case_id)
    out = []
    for s in done:
        wanted = covered.get(s.document_id, [])
        for case_id in wanted if s.case_id is None else [c for c in wanted if c == s.case_id]:
            action, organ, note = _as_trail(docs[s.document_id], Step.of(s, attached))
            out.append(AppStep(case_id, s.happened_on, action, organ, note, s.id))
    return out


def _as_trail(doc, s) -> tuple[str, str, str]:
    """(action, organ, note) of a step as the case's trail shows it."""
    if s.step == ISSUE:
        return (
            doc.kind,
            doc.body,
            f"{doc.doc_no}；办理时限 {doc.deadline}（{doc.workdays} 个工作日）；经办人 {doc.issued_by}",
        )
    if s.step == SIGN:
        return SIGNED, doc.addressee, f"{doc.doc_no}；签收人 {s.who}"
    if s.step == REPLY:
        files = f"（附件 {len(s.attachments)} 个）" if s.attachments else ""
        return REPLIED, doc.addressee, f"{doc.doc_no}：{s.text}{files}"
    if s.step == ASK:
        return EXTENSION_ASKED, doc.addressee, f"{doc.doc_no}；申请延期至 {s.until}：{s.text}"
    if s.step == GRANT:
        return EXTENSION_GRANTED, doc.body, f"{doc.doc_no}；延期至 {s.until}；审批人 {s.who}"
    return (
        EXTENSION_REFUSED,
        doc.body,
        f"{doc.doc_no}；不同意延期" + (f"：{s.text}" if s.text else "") + f"；审批人 {s.who}",
    )


def trail_source(case_ids: Sequence[str] | None = None) -> list[AppStep]:
    """The steps in the access store of the warehouse this process serves: what app.py installs
    as metrics/app_trail.py's source. None where there is no store yet (nothing was issued; and
    reading must not create one)."""
    from metrics.access import warehouse
    from security.store import Store, store_path, store_url

    path = warehouse().path
    if not store_url() and not store_path(path).exists():
        return []
    return trail_steps(Store.for_warehouse(path), case_ids)
