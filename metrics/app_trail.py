"""The trail the app writes itself — documents issued from 督办 (交办, 催办, 提醒函, 督办函,
约谈通知), and the counties' 签收, 整改回复, 延期申请 and the decisions on them — joined to the
ledger's 督办记录 (`mart_case_trail`) as one trail, each step marked by its origin (台账 / 系统).

These steps live in the access store (workflow/), never in the published warehouse, and metrics
never import it: the app installs a *source* (`install`, app.py), a function returning the
steps as `AppStep` rows, and the metrics that count or list a trail ask it here (`steps`).
Without a source (the command line, a benchmark, a test of the ledger alone) the trail is the
ledger's. The steps travel into SQL as parameter lists (`trail_sql`), never as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import NamedTuple

from etl.sql import Sql, literal
from vocab.workflow import APP, LEDGER


class AppStep(NamedTuple):
    """One step of a case's trail written by the app."""

    case_id: str
    happened_on: dt.date
    action: str  # a document's kind (督办函 …) or a step of vocab.workflow.STEPS
    organ: str  # who acted: the issuing body, or the county's authority
    note: str  # the document's number and what was said
    seq: int = 0  # the order of steps on one day


Source = Callable[[Sequence[str] | None], Sequence[AppStep]]
_source: Source | None = None


def install(source: Source | None) -> None:
    """The app's steps come from `source(case_ids)` (None: every case's) from now on; None: none."""
    global _source
    _source = source


def current() -> Source | None:
    """The source installed (None: the ledger's trail alone)."""
    return _source


def steps(case_ids: Sequence[str] | None = None) -> list[AppStep]:
    """The app's steps of these cases (None: of every case), or none without a source."""
    source = _source
    return list(source(case_ids)) if source is not None else []


# The columns of mart_case_trail, in its order (etl/marts.py), then the origin.
TRAIL_COLUMNS = (
    "case_no",
    "case_id",
    "happened_on",
    "action",
    "to_level",
    "organ",
    "note",
    "county",
    "company_code",
    "community_id",
    "category",
    "done_until",
)


def app_rows_sql(rows: Sequence[AppStep]) -> Sql:
    """SELECT case_id, happened_on, action, organ, note, seq: the app's steps, from parameter lists."""
    return Sql.of(
        """SELECT unnest($app_case_id::VARCHAR[]) AS case_id, unnest($app_on::DATE[]) AS happened_on,
                  unnest($app_action::VARCHAR[]) AS action, unnest($app_organ::VARCHAR[]) AS organ,
                  unnest($app_note::VARCHAR[]) AS note, unnest($app_seq::BIGINT[]) AS seq""",
        app_case_id=[r.case_id for r in rows],
        app_on=[r.happened_on for r in rows],
        app_action=[r.action for r in rows],
        app_organ=[r.organ for r in rows],
        app_note=[r.note for r in rows],
        app_seq=[int(r.seq) for r in rows],
    )


def trail_sql(rows: Sequence[AppStep] | None = None) -> Sql:
    """The table expression to read in place of `mart_case_trail`: its rows with `origin` 台账,
    and the app's steps (`rows`; by default all of them, from the source) with `origin` 系统 and
    their case's unit, company and numbers. Without app steps, the mart alone (its order and
    statistics serve the query as before)."""
    rows = steps() if rows is None else rows
    ledger = f"SELECT {', '.join(TRAIL_COLUMNS)}, {literal(LEDGER)} AS origin FROM mart_case_trail"
    if not rows:
        return Sql(f"({ledger})")
    app = app_trail_sql(rows)
    return Sql.of(f"({ledger} UNION ALL {app.text})", app)


def app_trail_sql(rows: Sequence[AppStep]) -> Sql:
    """The app's steps (`rows`, at least one) as rows of the trail (`trail_sql`, origin 系统)."""
    app = app_rows_sql(rows)
    sql = f"""SELECT c.case_no, a.case_id, a.happened_on, a.action, NULL AS to_level, a.organ, a.note, c.county,
               c.company_code, c.community_id, c.category, c.done_until, {literal(APP)} AS origin
        FROM ({app}) a JOIN mart_case_spans c USING (case_id)"""
    return Sql.of(sql, app)
