"""The ladder that moves by itself (升级督办): the escalation rules (workflow/ladder_rules.py,
data/escalation_rules.csv) applied to the documents issued and the open cases on a day, by the
command `python -m etl escalate` that cron runs (workflow/escalate_cli.py).

- A `no_reply` rule finds the cases of a document of its kind that were not answered once the
  rule's N working days after the issue have passed (the N-th included; a Friday 2025-01-24
  提醒函 with 5 days: 26 and 27 January, 5, 6 and 7 February, so the rule acts from Saturday
  2025-02-08, a working day) and the document's own deadline, or the extension granted, too.
  A case with a request for more time not yet decided waits for the decision.
- A `not_signed` rule finds the documents of its kind not signed for once N working days passed.
- An `overdue` rule finds the open cases N working days or more past their deadline
  (metrics/escalations.open_cases, at the day or 数据截至, whichever is earlier).

A case still open (by the ledger) is escalated unless a proposal on it waits for a decision (the
next run looks again), or its trail already holds the step the rule leads to or a stronger one (a later document of the app, or the ledger's 督办记录): no 提醒函
after a 督办函. What a rule finds in a county becomes one escalation (at most MAX_CASES cases
each): a proposal that a leader or supervisor confirms or dismisses on 督办 (workflow/ladder_desk.py),
or, for a rule in `auto` mode, a document issued at once through workflow.desk with the system
as its actor (numbered and audited as any). A rule acts once on a source — a document's case,
or a case — whatever the number of runs (the unique key of `wf_escalation_sources`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from metrics import case_trail
from metrics.deadlines import add_workdays
from metrics.escalations import REFERRALS, open_cases
from metrics.filters import Filter, Scope
from security.roles import SYSTEM
from security.store import now
from vocab.ladder import AUTO, ISSUED, NOT_SIGNED, OVERDUE, PROPOSED, SYSTEM_NAME
from vocab.workflow import DEFAULT_WORKDAYS, DEMANDS, KINDS, MAX_CASES
from workflow import desk, register
from workflow.ladder_rules import LadderRule, read_rules
from workflow.schema import escalation_sources, escalations

# How strong a step of a case's trail is, to tell whether a rule would step back: the documents'
# kinds in their order, the ledger's 约谈 with the 约谈通知, and what lies beyond the letters.
STRENGTH = {
    **{kind: n for n, kind in enumerate(KINDS)},
    "约谈": KINDS.index("约谈通知"),
    **{action: len(KINDS) for action in ("通报", "问责", *REFERRALS)},
}


@dataclass(frozen=True)
class Escalation:
    """An escalation the rules made: its cases, what it leads to, and where it stands."""

    id: int
    rule_id: str
    leads_to: str
    mode: str
    county: str
    made_on: dt.date
    reason: str
    state: str
    cases: tuple[str, ...]
    document_id: int | None = None
    doc_no: str | None = None
    decided_by: str | None = None
    note: str = ""

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "rule": self.rule_id,
            "leads_to": self.leads_to,
            "mode": self.mode,
            "county": self.county,
            "made_on": self.made_on.isoformat(),
            "cases": list(self.cases),
            "reason": self.reason,
            "state": self.state,
            "doc_no": self.doc_no,
            "note": self.note,
        }


@dataclass
class Outcome:
    """What one run proposed and what it issued (by itself)."""

    proposed: list[Escalation] = field(default_factory=list)
    issued: list[Escalation] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"proposed": [e.as_json() for e in self.proposed], "issued": [e.as_json() for e in self.issued]}


@dataclass(frozen=True)
class Hit:
    """A source a rule found: (its key, the case, the county, what set it off)."""

    source: str
    case_id: str
    county: str
    why: str


def run(store, wh, today: dt.date, rules: tuple[LadderRule, ...] | None = None, folder=None) -> Outcome:
    """Apply every rule for `today`: record what is new, issue what an `auto` rule issues."""
    rules = read_rules() if rules is None else rules
    docs = register.documents(store)
    at_day = Filter(end=today)
    stock = open_cases(wh, at_day, Scope(None, personal_data=False), limit=None)
    open_ids = set(stock["case_id"])
    outcome = Outcome()
    for rule in rules:
        waiting = _waiting(store)  # a case with a proposal not yet decided waits for that decision
        hits = _overdue(rule, stock) if rule.trigger == OVERDUE else _documents(rule, docs, wh, today)
        hits = [h for h in hits if h.case_id in open_ids and h.case_id not in waiting]
        hits = _not_stepping_back(wh, rule, hits, docs)
        for esc in _record(store, rule, hits, today):
            if rule.mode == AUTO:
                esc = _issue_auto(store, wh, esc, today, folder)
            (outcome.issued if esc.state == ISSUED else outcome.proposed).append(esc)
    return outcome


# ---------------------------------------------------------------- what each trigger finds


def _documents(rule: LadderRule, docs: list[register.Document], wh, today: dt.date) -> list[Hit]:
    hits = []
    for doc in docs:
        if doc.kind != rule.after_kind:
            continue
        window = add_workdays(wh, doc.issued_on, rule.working_days)
        if rule.trigger == NOT_SIGNED:
            if doc.signed is None and today > window:
                why = f"{doc.doc_no}（{doc.issued_on} 发出）{rule.working_days} 个工作日未签收"
                hits += [Hit(f"doc{doc.id}:{c.case_id}", c.case_id, doc.county, why) for c in doc.cases]
            continue
        for item in doc.cases:  # NO_REPLY: the document's deadline (or the extension granted) passed too
            if not item.replied and item.asked is None and today > max(window, item.deadline):
                why = f"{doc.doc_no}（{doc.issued_on} 发出）{rule.working_days} 个工作日未回复"
                hits.append(Hit(f"doc{doc.id}:{item.case_id}", item.case_id, doc.county, why))
    return hits


def _overdue(rule: LadderRule, stock) -> list[Hit]:
    late = stock[stock["overdue"] & (stock["workdays_overdue"] >= rule.working_days)]
    return [
        Hit(
            f"case:{r.case_id}",
            r.case_id,
            str(r.county)[:6],
            f"以下问题线索超过整改时限 {rule.working_days} 个工作日以上仍未办结",
        )
        for r in late.itertuples()
    ]


def _not_stepping_back(wh, rule: LadderRule, hits: list[Hit], docs: list[register.Document]) -> list[Hit]:
    """The hits whose case's trail holds nothing as strong as the step the rule leads to (for a
    document's rule: after that document), the app's documents and the ledger's 督办记录 alike."""
    target = STRENGTH[rule.leads_to]
    ledger = case_trail.escalation_actions(wh, sorted({h.case_id for h in hits}))
    out = []
    for h in hits:
        after = int(h.source[3:].split(":")[0]) if h.source.startswith("doc") else 0
        app = [STRENGTH[d.kind] for d in docs if d.id > after and d.case(h.case_id) is not None]
        # a document's own rule: the ledger's steps before the document do not count against it
        theirs = [] if after else [STRENGTH.get(a, -1) for a in ledger.get(h.case_id, ())]
        if max(app + theirs, default=-1) < target:
            out.append(h)
    return out


def _waiting(store) -> set[str]:
    """The cases of the proposals not yet confirmed or dismissed."""
    q = (
        select(escalation_sources.c.case_id)
        .join(escalations, escalations.c.id == escalation_sources.c.escalation_id)
        .where(escalations.c.state == PROPOSED)
    )
    with store.engine.connect() as con:
        return set(con.execute(q).scalars())


# ---------------------------------------------------------------- recording and issuing


def _record(store, rule: LadderRule, hits: list[Hit], today: dt.date) -> list[Escalation]:
    """The new hits (a source the rule never acted on) as escalations, one per county and at most
    MAX_CASES cases each, recorded in one transaction and audited with the system as actor."""
    made = []
    with desk._writing(store) as con:
        done = set(
            con.execute(select(escalation_sources.c.source).where(escalation_sources.c.rule_id == rule.rule_id))
            .scalars()
            .all()
        )
        by_county: dict[str, list[Hit]] = {}
        for h in hits:
            if h.source not in done:
                done.add(h.source)
                by_county.setdefault(h.county, []).append(h)
        for county, found in sorted(by_county.items()):
            for start in range(0, len(found), MAX_CASES):
                part = found[start : start + MAX_CASES]
                reason = rule.describe() + "。" + "；".join(dict.fromkeys(h.why for h in part))
                esc_id = con.execute(
                    insert(escalations).values(
                        rule_id=rule.rule_id,
                        leads_to=rule.leads_to,
                        mode=rule.mode,
                        county=county,
                        made_on=today,
                        reason=reason,
                        state=PROPOSED,
                        note="",
                    )
                ).inserted_primary_key[0]
                for h in part:
                    con.execute(
                        insert(escalation_sources).values(
                            escalation_id=esc_id, rule_id=rule.rule_id, source=h.source, case_id=h.case_id
                        )
                    )
                cases = tuple(dict.fromkeys(h.case_id for h in part))
                made.append(
                    Escalation(esc_id, rule.rule_id, rule.leads_to, rule.mode, county, today, reason, PROPOSED, cases)
                )
    for esc in made:
        desk._audit(
            SYSTEM,
            "escalation_propose",
            f"升级督办 #{esc.id} {esc.leads_to} → {esc.county}：{len(esc.cases)} 件 {'、'.join(esc.cases)}；{esc.reason}",
            store,
        )
    return made


def demand_of(esc: Escalation) -> str:
    """The demand of the document an escalation issues: what set it off (the earlier documents
    by their numbers), then the kind's own demand."""
    grounds = esc.reason.split("。", 1)[-1][:600]
    return f"{grounds}。{DEMANDS[esc.leads_to]}"


def _issue_auto(store, wh, esc: Escalation, today: dt.date, folder) -> Escalation:
    """Issue what an `auto` rule found, as the system; when it cannot be issued (a case closed in
    between, no font), the escalation stays a proposal with the reason, for a person to decide."""
    try:
        (doc, *more) = desk.issue(
            store,
            wh,
            SYSTEM,
            esc.leads_to,
            list(esc.cases),
            DEFAULT_WORKDAYS[esc.leads_to],
            demand_of(esc),
            today=today,
            folder=folder,
            token=f"ladder:{esc.id}",
        )
    except desk.WorkflowError as exc:
        note = f"自动下发未成功：{exc}"
        _set(store, esc.id, note=note)
        return Escalation(**{**esc.__dict__, "note": note})
    _set(
        store,
        esc.id,
        state=ISSUED,
        document_id=doc.id,
        decided_by=SYSTEM_NAME,
        decided_role=SYSTEM.role,
        decided_at=now(),
    )
    return Escalation(
        **{**esc.__dict__, "state": ISSUED, "document_id": doc.id, "doc_no": doc.doc_no, "decided_by": SYSTEM_NAME}
    )


def _set(store, esc_id: int, **values) -> int:
    """Update an escalation still proposed (rows changed: 0 when someone decided first)."""
    with store.engine.begin() as con:
        return con.execute(
            update(escalations).where(escalations.c.id == esc_id, escalations.c.state == PROPOSED).values(**values)
        ).rowcount
