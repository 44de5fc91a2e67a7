"""One case's trail (督办轨迹) on 督办: the case as it stands, and every step of its trail, the
ledger's 督办记录 and the app's own steps (metrics/app_trail.py) in one story, each step marked
by its origin (台账 / 系统). Definitions as in metrics/escalations.py."""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql, literal, literals
from metrics.app_trail import app_rows_sql, steps, trail_sql
from metrics.db import Warehouse
from metrics.deadlines import deadlines
from metrics.escalations import ESCALATIONS, MOVES, phone_sql
from metrics.facts import as_of, rectified_by
from metrics.filters import Filter, Scope, region_sql
from vocab.schema import CASE_ACTIONS
from vocab.workflow import APP, LEDGER


def case_header(wh: Warehouse, case_id: str, scope: Scope) -> pd.DataFrame:
    """One case as it stands at the data's latest date (one row; none when outside the scope):
    names, deadline (row or rule), level, status, whether it ran past its deadline (closed after
    it, or still open after it) and the reporter's phone (masked unless the scope allows it)."""
    d = deadlines(wh)
    region = region_sql("c.county", Filter(), scope)
    done = rectified_by("$at", "c")
    due = d.due("c")
    sql = f"""WITH {d.ctes}
        one AS (SELECT * FROM mart_case_spans c WHERE c.case_id = $case_id AND {region})
        SELECT c.case_id, c.source, c.category, c.county, g.name AS unit_name, c.street, c.community_id,
               m.name AS community_name, c.company_code, co.name AS company_name, c.received_on,
               {due} AS deadline, {d.basis("c")} AS deadline_basis, c.level, c.status,
               c.closed_on, coalesce({done}, false) AS done,
               coalesce(CASE WHEN {done} THEN c.closed_on > {due} ELSE $at > {due} END, false) AS overdue,
               {phone_sql("c.reporter_phone", scope)} AS reporter_phone, c.description
        FROM one c {d.join("c")}
        LEFT JOIN regions g ON g.code = c.county LEFT JOIN communities m ON m.community_id = c.community_id
        LEFT JOIN companies co ON co.company_code = c.company_code"""
    return wh.frame(Sql.of(sql, d.ctes, region, at=as_of(wh, Filter()), case_id=case_id))


def case_timeline(wh: Warehouse, case_id: str, scope: Scope) -> pd.DataFrame:
    """Every event of a case's trail in order, the ledger's and the app's (`origin` 台账 / 系统; on
    one day the ledger's first): when, what, the level it moved to (`to_level`), who acted
    (`organ`), the note, the level the case sits at after it, and the working and calendar days
    since the previous step (the first step: since the case was received)."""
    region = region_sql("c.county", Filter(), scope)
    order = "list_position([" + ", ".join(literal(a) for a in CASE_ACTIONS) + "], l.action)"
    app = steps([case_id])
    app_sql = app_rows_sql(app) if app else Sql("")
    union = (
        f"""UNION ALL SELECT a.happened_on, a.action, NULL, a.organ, a.note, {literal(APP)}, 1, 0, a.seq
                   FROM ({app_sql}) a WHERE a.case_id = $case_id"""
        if app
        else ""
    )
    sql = f"""
        WITH e AS (SELECT l.happened_on, l.action, l.to_level, l.organ, l.note, {literal(LEDGER)} AS origin,
                          0 AS src, {order} AS o, l._source_row::BIGINT AS seq
                   FROM case_events l WHERE l.case_id = $case_id {union})
        SELECT e.happened_on, e.action, e.to_level, e.organ, e.note, e.origin,
               coalesce(last_value(CASE WHEN e.action IN {literals(MOVES)} THEN e.to_level END IGNORE NULLS) OVER w,
                        c.level) AS level_after,
               k.workday_index - coalesce(lag(k.workday_index) OVER w, r.workday_index) AS workdays_since_previous,
               datediff('day', coalesce(lag(e.happened_on) OVER w, c.received_on), e.happened_on)
                   AS days_since_previous
        FROM e JOIN cases c ON c.case_id = $case_id
        LEFT JOIN calendar k ON k.day = e.happened_on LEFT JOIN calendar r ON r.day = c.received_on
        WHERE {region}
        WINDOW w AS (ORDER BY e.happened_on, e.src, e.o, e.seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ORDER BY e.happened_on, e.src, e.o, e.seq"""
    return wh.frame(Sql.of(sql, region, app_sql, case_id=case_id))


def escalation_actions(wh: Warehouse, case_ids: list[str]) -> dict[str, set[str]]:
    """The escalation actions (metrics/escalations.ESCALATIONS) each case's trail holds so far, the
    ledger's and the app's: what the escalation rules ask before proposing a step a case had."""
    if not case_ids:
        return {}
    trail = trail_sql()
    sql = f"""SELECT case_id, list(DISTINCT action) AS actions FROM {trail} t
              WHERE case_id IN (SELECT unnest($ids::VARCHAR[])) AND action IN {literals(ESCALATIONS)} GROUP BY 1"""
    return {r[0]: set(r[1]) for r in wh.rows(Sql.of(sql, trail, ids=list(case_ids)))}
