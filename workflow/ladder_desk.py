"""What a person does with what the escalation rules found (workflow/ladder.py): the list of
escalations, and for a leader or supervisor — the roles that may issue — confirming a proposal
(it issues the document through workflow.desk like an issue from the page: numbered, rendered,
audited as `doc_issue`, then `escalation_confirm`) or dismissing it (`escalation_dismiss`, with
the reason). Each act is checked on the server (security.roles.may_act) and audited; a proposal
decided once cannot be decided again, and a confirmation sent twice issues once (the issue's
one-time token is the escalation's)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from metrics import case_trail
from metrics.filters import Scope
from security.roles import Viewer, may_act
from security.store import now
from vocab.ladder import DISMISSED, ISSUED, PROPOSED
from vocab.workflow import DEFAULT_WORKDAYS, MAX_REASON
from workflow import desk
from workflow.drafts import WorkflowError
from workflow.ladder import Escalation, _set, demand_of
from workflow.schema import documents, ensure, escalation_sources, escalations


def listed(
    store, *, state: str | None = PROPOSED, county: str | None = None, ids=None, limit: int = 200
) -> list[Escalation]:
    """The escalations (newest first): in a state (None: any), of a county, or by id."""
    ensure(store.engine)
    q = (
        select(escalations, documents.c.doc_no)
        .outerjoin(documents, documents.c.id == escalations.c.document_id)
        .order_by(escalations.c.id.desc())
        .limit(limit)
    )
    if state:
        q = q.where(escalations.c.state == state)
    if county:
        q = q.where(escalations.c.county == county)
    if ids is not None:
        q = q.where(escalations.c.id.in_(list(ids)))
    with store.engine.connect() as con:
        rows = con.execute(q).all()
        sources = con.execute(
            select(escalation_sources.c.escalation_id, escalation_sources.c.case_id)
            .where(escalation_sources.c.escalation_id.in_([r.id for r in rows]))
            .order_by(escalation_sources.c.id)
        ).all()
    cases: dict[int, list[str]] = {}
    for s in sources:
        cases.setdefault(s.escalation_id, []).append(s.case_id)
    return [
        Escalation(
            r.id,
            r.rule_id,
            r.leads_to,
            r.mode,
            r.county,
            r.made_on,
            r.reason,
            r.state,
            tuple(dict.fromkeys(cases.get(r.id, []))),
            r.document_id,
            r.doc_no,
            r.decided_by,
            r.note or "",
        )
        for r in rows
    ]


def _proposal(store, viewer: Viewer, escalation_id, what: str) -> Escalation:
    if not may_act(viewer, "issue"):
        desk._refuse(store, viewer, "issue", f"{what} escalation {escalation_id}")
    try:
        found = listed(store, state=None, ids=[int(escalation_id)])
    except (TypeError, ValueError):
        found = []
    if not found:
        raise WorkflowError(f"没有编号为 {escalation_id} 的升级督办建议")
    esc = found[0]
    if esc.state != PROPOSED:
        done = f"已下发 {esc.doc_no}" if esc.state == ISSUED else "已不予下发"
        raise WorkflowError(f"升级督办建议 #{esc.id} {done}（{esc.decided_by}），无需再处理")
    return esc


def confirm(store, wh, viewer: Viewer, escalation_id, *, today: dt.date | None = None, folder=None) -> Escalation:
    """确认下发: issue the proposal's document for its cases still open, as the viewer."""
    esc = _proposal(store, viewer, escalation_id, "confirm")
    still_open = [c for c in esc.cases if _open(wh, c)]
    if not still_open:
        raise WorkflowError(f"升级督办建议 #{esc.id} 的线索均已办结，无需下发，可点“不予下发”")
    docs = desk.issue(
        store,
        wh,
        viewer,
        esc.leads_to,
        still_open,
        DEFAULT_WORKDAYS[esc.leads_to],
        demand_of(esc),
        today=today,
        folder=folder,
        token=f"ladder:{esc.id}",
    )
    doc = docs[0]
    _set(
        store,
        esc.id,
        state=ISSUED,
        document_id=doc.id,
        decided_by=viewer.name,
        decided_role=viewer.role,
        decided_at=now(),
    )
    desk._audit(viewer, "escalation_confirm", f"升级督办 #{esc.id}（{esc.rule_id}）确认下发 {doc.doc_no}", store)
    return listed(store, state=None, ids=[esc.id])[0]


def dismiss(store, viewer: Viewer, escalation_id, note: str = "") -> Escalation:
    """不予下发: the proposal is closed without a document (the rule will not raise it again)."""
    esc = _proposal(store, viewer, escalation_id, "dismiss")
    note = (note or "").strip()[:MAX_REASON]
    changed = _set(
        store, esc.id, state=DISMISSED, decided_by=viewer.name, decided_role=viewer.role, decided_at=now(), note=note
    )
    if not changed:
        raise WorkflowError(f"升级督办建议 #{esc.id} 已由他人处理")
    desk._audit(
        viewer,
        "escalation_dismiss",
        f"升级督办 #{esc.id}（{esc.rule_id}）不予下发" + (f"：{note}" if note else ""),
        store,
    )
    return listed(store, state=None, ids=[esc.id])[0]


def _open(wh, case_id: str) -> bool:
    head = case_trail.case_header(wh, case_id, Scope(None, personal_data=False))
    return not head.empty and not bool(head.iloc[0]["done"])
