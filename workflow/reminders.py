"""催报: a reminder to a county that ledgers the reporting calendar asks for have not arrived by
their due day (metrics/reporting.py's board, on the 数据状态 page). Issued like 交办 and 督办
(workflow/desk.py): by a leader or a supervisor, for a county in his scope, numbered from the
task force's counter in the transaction that renders and registers it, audited, and shown in the
county officer's 待办, where he signs for it; the reports it names are answered by loading them
(the board then says 逾期报送 with the day they came).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from metrics import reporting
from metrics.deadlines import add_workdays
from metrics.facts import data_as_of
from metrics.filters import Filter
from security.roles import Viewer, may_act
from vocab.schema import DATASETS
from vocab.workflow import DEFAULT_WORKDAYS, DEMANDS, REMINDER
from workflow import files, register
from workflow.desk import _audit, _refuse, _register, _today
from workflow.drafts import WorkflowError, addressee_of
from workflow.letters import Letter, chinese_date
from workflow.letters_pdf import letter_font


@dataclass(frozen=True)
class ReportItem:
    """A report owed: the ledger, its period, its due day and what the board says of it."""

    ledger: str
    period: str
    due: dt.date
    state: str  # 未报送


@dataclass(frozen=True)
class ReminderLetter(Letter):
    """A 催报通知: the reports owed in place of cases."""

    reports: tuple[ReportItem, ...] = ()

    @property
    def title(self) -> str:
        return f"关于{self.county_name}未按时报送{len(self.reports)}期台账的催报通知"

    def paragraphs(self) -> list[str]:
        return [
            f"按照报送日历，你单位以下{len(self.reports)}期台账截至{chinese_date(self.issued_on)}未按时报送（清单见附件）。"
            f"{self.demand}",
            f"请于{chinese_date(self.deadline)}前（{self.workdays}个工作日内，按国家法定节假日安排计算）报送，"
            "并在物业监管看板“待办”中签收本通知。",
        ]

    def attachment_title(self) -> str:
        return f"附件：未按时报送台账清单（{len(self.reports)}期，截至{chinese_date(self.issued_on)}）"

    COLUMNS = ("序号", "台账", "期间", "截止日", "状态")
    WIDTHS = (12, 52, 40, 30, 26)

    def rows(self) -> list[tuple[str, ...]]:
        return [(str(n), r.ledger, r.period, r.due.isoformat(), r.state) for n, r in enumerate(self.reports, start=1)]


STATE_WORDS = {"missing": "未报送"}  # a late report has come: only a missing one is chased


def owed(wh, viewer: Viewer, county: str) -> list[ReportItem]:
    """The reports of a county the board says are missing (due and not arrived) as of 数据截至."""
    scope = viewer.scope
    board = reporting.board(wh, Filter(county), scope, data_as_of(wh, Filter(county), scope))
    rows = board[(board["county"] == county) & board["state"].isin(list(STATE_WORDS))]
    return [
        ReportItem(
            DATASETS[r.dataset].label + (f"（{r.source}）" if r.source else ""),
            f"{r.period_start:%Y-%m-%d} 至 {r.period_end:%Y-%m-%d}",
            r.due,
            STATE_WORDS[r.state],
        )
        for r in rows.itertuples()
    ]


def remind(
    store,
    wh,
    viewer: Viewer,
    county: str,
    *,
    workdays: int | None = None,
    demand: str | None = None,
    today: dt.date | None = None,
    folder: Path | None = None,
    token: str | None = None,
) -> register.Document:
    """Issue a 催报通知 to `county` for the reports it has not sent though due; WorkflowError when
    it owes none, Refused (audited) for a viewer who may not issue or a county outside his scope."""
    if not may_act(viewer, "issue") or not viewer.scope.allows(county or ""):
        _refuse(store, viewer, "issue", f"{REMINDER} to {county}")
    items = sorted(owed(wh, viewer, county), key=lambda r: r.due)
    if not items:
        raise WorkflowError(f"{county} 没有到期未报送的台账，无需催报")
    letter_font()
    listed = "；".join(f"{r.ledger} {r.period} {r.state}" for r in items)
    day = _today(today)
    days = workdays or DEFAULT_WORKDAYS[REMINDER]
    to = addressee_of(county)
    letter = ReminderLetter(
        "",
        REMINDER,
        to.body,
        to.addressee,
        to.county_name,
        f"{listed}。{demand or DEMANDS[REMINDER]}",  # the inbox shows the demand: the reports named in it
        days,
        add_workdays(wh, day, days),
        day,
        viewer.name,
        (),
        tuple(items),
    )
    folder = folder or files.documents_dir(getattr(store, "path", None))
    doc_id, letter, shas = _register(store, folder, to, letter, viewer, f"{token}:{county}" if token else None)
    _audit(
        viewer,
        "doc_issue",
        f"{letter.doc_no} {REMINDER} → {to.addressee}（{county}）：{len(items)} 期 {listed}；"
        f"报送时限 {letter.deadline}（{days} 个工作日）；docx sha256 {shas[0]}；pdf sha256 {shas[1]}",
        store,
    )
    return register.documents(store, ids=[doc_id])[0]
