"""督办 (escalations) for discipline-inspection supervisors: the cases that are not moving.

A case's trail is its `case_events` (督办记录) and the steps the app wrote (metrics/app_trail.py).
Definitions used on the 督办 page, the overview's and the wall's counts (`escalation_counts`):

- Escalation actions (督办措施): 上交, 催办, 提醒函, 督办函, 约谈通知, 约谈, 通报, 问责 and the
  referrals 移送城管 / 移送纪检 / 移送公安, from the ledger or issued in the app. 转办 and 交办
  (routine dispatch), 回访 (follow-up), 立案 (a receiving organ's outcome) and the counties'
  签收, 整改回复 and 延期申请 are part of the trail but not escalations.
- The level a case sits at (层级: 社区 → 乡镇(街道) → 县级 → 市级) is the `to_level` of its
  latest 转办/上交 on or before the as-of date; the ledger's 当前层级 when no move came after
  it. It has sat there since that move (or since it was received), counted in working days.
  The move and the escalations so far are a case's state (etl/case_state.py): published per case
  (`mart_case_state`) and read as such when its trail ends by the as-of date, else counted from
  the trail up to that date; the app's own steps are counted at every read.
- Open (未办结) and rectified are those of metrics/facts.py, taken at `facts.as_of`.
- A case's deadline is that of metrics/deadlines.py: the 整改时限 in its row, or else
  received_on plus the working days of the deadline rules. It is past its deadline (超期)
  when open at the as-of date and as-of > deadline.
- Working days count China's official holidays and adjusted working days through the
  warehouse's `calendar` table: the working days in (a, b] are workday_index(b) − workday_index(a).
- Watch lists (重点关注) look at the twelve months that end at the as-of date.

Personal data: `reporter_phone` is masked in SQL (`phone_sql`) unless the scope allows it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl import case_state
from etl.rejects import mask_phone  # noqa: F401  (the mask in Python: one definition, shared with the rejects CSV)
from etl.sql import TRUE, Sql, literal, literals
from metrics.app_trail import app_trail_sql, steps, trail_sql
from metrics.db import Warehouse
from metrics.deadlines import (
    DeadlineRulesError,  # noqa: F401  (raised by the metrics below: part of their interface)
    deadlines,
)
from metrics.facts import as_of
from metrics.filters import Filter, Scope, limit_sql, period_sql, region_sql, where
from vocab.schema import LEVELS
from vocab.workflow import APP, KINDS

# the actions that move a case (MOVES), refer it (REFERRALS) and escalate it (ESCALATIONS): etl/case_state.py
MOVES, REFERRALS, ESCALATIONS = case_state.MOVES, case_state.REFERRALS, case_state.ESCALATIONS
OUTCOMES = ("立案", "问责")  # what a receiving organ reports back
PENDING = "pending"  # a referral with no outcome yet
NOT_FILLED = "not_filled"  # a case with no level
# The leadership counts: key -> the actions it counts.
COUNT_KEYS = {
    "interview": ("约谈",),
    "reminder": ("提醒函",),
    "supervision": ("督办函",),
    "accountability": ("问责",),
    "referral": REFERRALS,
}
# Working days at the current level: (lowest, highest); None = no upper bound.
AGE_BUCKETS = ((0, 5), (6, 10), (11, 20), (21, 60), (61, None))
EXIT_REVIEW_BLACK_LISTS = 3  # 黑榜 entries within twelve months that open the exit procedure (退出机制)
REPEATED = 2  # "repeated": at least this many escalations, overdue cases or 黑榜 entries


# ---------------------------------------------------------------- personal data


def phone_sql(column: str, scope: Scope) -> str:
    """SQL for a phone column as the scope may see it: as stored, or masked (`138****5678`:
    the first three and last four digits) when the scope has no right to personal data.
    Its Python twin is `mask_phone` (etl/rejects.py)."""
    if scope.personal_data:
        return column
    digits = f"regexp_replace({column}, '[^0-9]', '', 'g')"
    return (
        f"CASE WHEN {column} IS NULL THEN NULL WHEN length({digits}) >= 8 "
        f"THEN left({digits}, 3) || '****' || right({digits}, 4) ELSE '****' END"
    )


def _company_sql(company: str | None, c: str = "c") -> Sql:
    return Sql.of(f"{c}.company_code = $company", company=company) if company else TRUE


def _bucket_sql(column: str) -> str:
    parts = [f"WHEN {column} <= {hi} THEN {i}" for i, (_, hi) in enumerate(AGE_BUCKETS) if hi is not None]
    return f"CASE WHEN {column} IS NULL THEN -1 {' '.join(parts)} ELSE {len(AGE_BUCKETS) - 1} END"


# ---------------------------------------------------------------- the ladder of open cases


def _stock_sql(
    wh: Warehouse, f: Filter, scope: Scope, at: dt.date, company: str | None, due_within: int | None = None
) -> Sql:
    """WITH … `staged`: the cases open at `at` (`$at`), each with its level then, since when it sits
    there, its deadline, working days at the level and past the deadline, escalations so far. With
    `due_within`, only the cases whose deadline is from `at` to the last day within that many
    working days of it (`$due_within`: the calendar's index never falls, so none due within is
    left out), read before their level and escalations are counted."""
    d = deadlines(wh)
    region = region_sql("c.county", f, scope)
    comp = _company_sql(company)
    due = TRUE
    if due_within is not None:
        last = "(SELECT max(day) FROM calendar WHERE workday_index <= (SELECT workday_index FROM calendar WHERE day = $at) + $due_within)"
        due = Sql.of(f"{d.due('c')} BETWEEN $at AND {last}", due_within=due_within)
    app_steps = steps()
    app = app_trail_sql(app_steps) if app_steps else None
    app_part = f"UNION ALL BY NAME {_state_at(f'({app.text})', '(SELECT case_no FROM open)')}" if app else ""
    sql = f"""WITH {d.ctes}
        open AS (SELECT c.* FROM mart_case_spans c {d.join("c") if due_within is not None else ""}
                 WHERE {region} AND {comp} AND {due} AND c.received_on <= $at
                 AND c.done_until > $at),
        -- a case's level and escalations at $at (etl/case_state.py): as published for the cases whose
        -- trail ends by $at, counted from the trail up to $at for the others, and the app's own steps
        st AS (SELECT s.* FROM mart_case_state s WHERE s.case_no IN (SELECT case_no FROM open)),
        parts AS (SELECT s.case_no, s.moved_on, s.level_moved, s.escalations, s.last_escalation, s.last_escalation_on,
                         false AS moved_after
                  FROM st s WHERE s.trail_until <= $at
                  UNION ALL BY NAME
                  {_state_at("mart_case_trail", "(SELECT case_no FROM st WHERE trail_until > $at)")}
                  {app_part}),
        ev AS (SELECT case_no, max(moved_on) AS moved_on, arg_max(level_moved, moved_on) AS level_then,
                 bool_or(moved_after) AS moved_after, sum(escalations)::BIGINT AS escalations,
                 arg_max(last_escalation, last_escalation_on) AS last_escalation
               FROM parts GROUP BY case_no),
        stock AS (SELECT o.case_id, o.county, o.street, o.community_id, o.company_code, o.source, o.category,
                    o.status, o.received_on, o.reporter_phone, o.description,
                    coalesce(CASE WHEN ev.moved_after THEN coalesce(ev.level_then, o.level)
                                  ELSE coalesce(o.level, ev.level_then) END, {literal(NOT_FILLED)}) AS level,
                    coalesce(ev.moved_on, o.received_on) AS at_level_since,
                    {d.due("o")} AS deadline, {d.basis("o")} AS deadline_basis,
                    coalesce(ev.escalations, 0) AS escalations, ev.last_escalation
                  FROM open o LEFT JOIN ev USING (case_no) {d.join("o")}),
        staged AS (SELECT s.*, a.wi - sc.workday_index AS days_at_level,
                     coalesce($at > s.deadline, false) AS overdue,
                     CASE WHEN $at > s.deadline THEN a.wi - dc.workday_index END AS workdays_overdue,
                     CASE WHEN $at <= s.deadline THEN dc.workday_index - a.wi END AS workdays_left
                   FROM stock s
                   LEFT JOIN calendar sc ON sc.day = s.at_level_since
                   LEFT JOIN calendar dc ON dc.day = s.deadline
                   LEFT JOIN (SELECT workday_index AS wi FROM calendar WHERE day = $at) a ON TRUE)"""
    return Sql.of(sql, d.ctes, region, comp, due, *([app] if app else []), at=at)


def _state_at(trail: str, cases: str) -> str:
    """The state at `$at` of the `cases` (SQL of their numbers), counted from `trail` (a table expression
    with the trail's columns), with whether a move came after `$at` (`moved_after`)."""
    return f"""SELECT e.case_no, {case_state.state_sql("e", "$at")},
                      coalesce(bool_or({case_state.moved_sql("e")} AND e.happened_on > $at), false) AS moved_after
               FROM {trail} e  -- only the actions read (follow-ups are a third of the trail)
               WHERE e.action IN {literals(case_state.ACTIONS)} AND e.case_no IN {cases}
               GROUP BY e.case_no"""


def ladder(wh: Warehouse, f: Filter, scope: Scope, company: str | None = None) -> pd.DataFrame:
    """The ladder (层级阶梯): open cases at the as-of date per level and per bucket of working
    days at that level (index into AGE_BUCKETS, -1 outside the calendar), and how many are past
    their deadline: [level, bucket, open_cases, overdue_cases]."""
    stock = _stock_sql(wh, f, scope, as_of(wh, f, scope), company)
    sql = f"""{stock} SELECT level, {_bucket_sql("days_at_level")} AS bucket, count(*) AS open_cases,
                    count(*) FILTER (WHERE overdue) AS overdue_cases
            FROM staged GROUP BY ALL ORDER BY level, bucket"""
    return wh.frame(Sql.of(sql, stock))


def overdue_by_county(wh: Warehouse, f: Filter, scope: Scope, levels: tuple[str, ...]) -> pd.DataFrame:
    """The open cases past their deadline at the as-of date at each of `levels`, counted per county
    (its township-level units within it), as `open_cases(level=…, overdue_only=True)` lists them:
    [level, unit, cases]."""
    stock = _stock_sql(wh, f, scope, as_of(wh, f, scope), None)
    sql = f"""{stock} SELECT level, left(county, 6) AS unit, count(*) AS cases
            FROM staged WHERE overdue AND level IN {literals(levels)} GROUP BY ALL"""
    return wh.frame(Sql.of(sql, stock))


def open_cases(
    wh: Warehouse,
    f: Filter,
    scope: Scope,
    level: str | None = None,
    overdue_only: bool = False,
    company: str | None = None,
    limit: int | None = 1000,
    due_within: int | None = None,
) -> pd.DataFrame:
    """The open cases at the as-of date (at most `limit`, the longest-stuck overdue ones first),
    with names, level, working days at it, deadline and whether past it (`workdays_overdue`) or
    how many working days are left (`workdays_left`, 0 on the deadline itself); `total` is the
    count before the limit. `due_within`: only the cases not yet past their deadline with at most
    that many working days left. The reporter's phone is masked unless the scope allows personal data."""
    stock = _stock_sql(wh, f, scope, as_of(wh, f, scope), company, due_within)
    due = Sql.of("s.workdays_left <= $due_within", due_within=due_within) if due_within is not None else TRUE
    cond = where(
        Sql.of("s.level = $level", level=level) if level else TRUE, Sql("s.overdue") if overdue_only else TRUE, due
    )
    cap = limit_sql(limit)
    order = "s.overdue DESC, s.days_at_level DESC NULLS LAST, s.received_on, s.case_id"
    # the (at most `limit`) cases first, then their names: the name joins run on few rows
    sql = f"""{stock},
        listed AS (SELECT s.*, count(*) OVER () AS total FROM staged s WHERE {cond}
                   ORDER BY {order} {cap})
        SELECT s.case_id, s.county, g.name AS unit_name, s.street, s.community_id, m.name AS community_name,
               s.company_code, co.name AS company_name, s.source, s.category, s.status, s.received_on,
               s.level, s.at_level_since, s.days_at_level, s.deadline, s.deadline_basis, s.overdue,
               s.workdays_overdue, s.workdays_left, s.escalations, s.last_escalation,
               {phone_sql("s.reporter_phone", scope)} AS reporter_phone, s.description, s.total
        FROM listed s LEFT JOIN regions g ON g.code = s.county
        LEFT JOIN (SELECT * FROM communities WHERE community_id IN (SELECT community_id FROM listed)) m
             ON m.community_id = s.community_id
        LEFT JOIN (SELECT * FROM companies WHERE company_code IN (SELECT company_code FROM listed)) co
             ON co.company_code = s.company_code
        ORDER BY {order}"""
    return wh.frame(Sql.of(sql, stock, cond, cap))


def level_flow(wh: Warehouse, f: Filter, scope: Scope, company: str | None = None) -> pd.DataFrame:
    """逐级调处: per level, the handovers to it in the period (转办/上交 events), the organs that
    received them (how many, and the one when only one did — e.g. 孝义市物业管理服务中心), and
    the cases rectified (办结) in the period at that level (the ledger's 当前层级 at closing).
    [level, moved_in, organs, organ, resolved_here]."""
    region = region_sql("c.county", f, scope)
    comp = _company_sql(company)
    e_region = region_sql("e.county", f, scope)
    e_comp = _company_sql(company, "e")
    moved = period_sql("e.happened_on", f)
    closed = period_sql("c.done_until", f)
    sql = f"""
        WITH moves AS (
            SELECT e.to_level AS level, count(*) AS moved_in, count(DISTINCT e.organ) AS organs,
                   CASE WHEN count(DISTINCT e.organ) = 1 THEN min(e.organ) END AS organ
            FROM mart_case_trail e
            WHERE e.action IN {literals(MOVES)} AND {moved} AND {e_region} AND {e_comp}
            GROUP BY e.to_level),
        resolved AS (
            SELECT c.level, count(*) AS resolved_here FROM mart_case_spans c
            WHERE c.level IS NOT NULL AND c.done_until < DATE '9999-12-31' AND {closed}
              AND {region} AND {comp}
            GROUP BY c.level)
        SELECT coalesce(m.level, r.level) AS level, coalesce(m.moved_in, 0) AS moved_in, coalesce(m.organs, 0) AS organs,
               m.organ, coalesce(r.resolved_here, 0) AS resolved_here
        FROM moves m FULL JOIN resolved r ON r.level = m.level
        WHERE coalesce(m.level, r.level) IS NOT NULL"""
    frame = wh.frame(Sql.of(sql, moved, e_region, e_comp, closed, region, comp))
    return _level_order(frame)


def _level_order(frame: pd.DataFrame) -> pd.DataFrame:
    order = {lv: i for i, lv in enumerate((*LEVELS, NOT_FILLED))}
    return frame.assign(_o=frame["level"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


# ---------------------------------------------------------------- actions, referrals, accountability


def _events_sql(f: Filter, scope: Scope, company: str | None) -> Sql:
    """The conditions on `mart_case_trail e` (events with their case's unit and company): the
    case in the region and scope (and company), the event in the period."""
    return where(region_sql("e.county", f, scope), _company_sql(company, "e"), period_sql("e.happened_on", f))


def escalation_counts(
    wh: Warehouse, f: Filter, scope: Scope, company: str | None = None, with_cases: bool = True
) -> dict[str, int]:
    """督办 in the period, for leaders: 约谈 (`interview`), 提醒函 (`reminder`), 督办函
    (`supervision`), 问责 (`accountability`), 移送 (`referral`: 城管 + 纪检 + 公安), the cases
    escalated at least once (`escalated_cases`; counted only `with_cases`, else None: it is the
    costly part), each escalation action and outcome by its own name (`提醒函`, `上交`,
    `通报`, `移送纪检`, `立案`, `交办` …), and the cases covered by documents issued in the app
    (`issued_in_app`): the number of events dated in the period, the ledger's and the app's
    (one per case a document covers, as the ledger writes one row per case).

    >>> escalation_counts(wh, Filter.from_query("140700", "2025-01-01", "2025-05-31"), scope)["interview"]
    """
    kinds = tuple(dict.fromkeys((*ESCALATIONS, "立案", *KINDS)))
    cond = _events_sql(f, scope, company)
    trail = trail_sql()
    # two aggregates in one statement: the events per action, and the distinct cases escalated
    cases_sql = (
        f"""
            UNION ALL
            SELECT NULL, 1, NULL, count(DISTINCT e.case_no), NULL FROM {trail} e
            WHERE {cond} AND e.action IN {literals(ESCALATIONS)}"""
        if with_cases
        else ""
    )
    sql = f"""SELECT e.action, 0 AS total, count(*), NULL, count(*) FILTER (WHERE e.origin = {literal(APP)})
            FROM {trail} e WHERE {cond} AND e.action IN {literals(kinds)} GROUP BY e.action {cases_sql}"""
    rows = wh.rows(Sql.of(sql, cond, trail))
    by_action = {a: 0 for a in kinds}
    escalated = 0 if with_cases else None
    issued = 0
    for action, total, n, cases, in_app in rows:
        if total:
            escalated = int(cases)
        else:
            by_action[action] = int(n)
            issued += int(in_app) if action in KINDS else 0
    counts = {key: sum(by_action[a] for a in actions) for key, actions in COUNT_KEYS.items()}
    counts["escalated_cases"] = escalated
    counts["issued_in_app"] = issued
    counts.update(by_action)
    return counts


def actions_by_month(wh: Warehouse, f: Filter, scope: Scope, company: str | None = None) -> pd.DataFrame:
    """Escalation actions per month of the period, by kind (the ledger's and the app's): [month, action, events]."""
    cond = _events_sql(f, scope, company)
    trail = trail_sql()
    sql = f"""SELECT date_trunc('month', e.happened_on)::DATE AS month, e.action, count(*) AS events
        FROM {trail} e
        WHERE {cond} AND e.action IN {literals(ESCALATIONS)} GROUP BY ALL ORDER BY month, e.action"""
    return wh.frame(Sql.of(sql, cond, trail))


def _referrals_sql(wh: Warehouse, f: Filter, scope: Scope, company: str | None) -> Sql:
    cond = _events_sql(f, scope, company)
    sql = f"""
        WITH ref AS (SELECT e.case_no, e.case_id, e.happened_on, e.action, e.organ, e.county, e.company_code,
                            e.category, e.done_until
                     FROM mart_case_trail e
                     WHERE {cond} AND e.action IN {literals(REFERRALS)}),
        outcome AS (SELECT r.case_no, r.happened_on, arg_min(o.action, o.happened_on) AS outcome,
                           min(o.happened_on) AS outcome_on
                    FROM ref r JOIN mart_case_trail o ON o.case_no = r.case_no AND o.happened_on >= r.happened_on
                         AND o.happened_on <= $at AND o.action IN {literals(OUTCOMES)}
                    GROUP BY r.case_no, r.happened_on),
        referral AS (
            SELECT r.happened_on AS referred_on, r.action AS referral, coalesce(r.organ, '') AS organ, r.case_id,
                   r.county, g.name AS unit_name, r.company_code, co.name AS company_name, r.category,
                   coalesce(o.outcome, {literal(PENDING)}) AS outcome, o.outcome_on,
                   ko.workday_index - kr.workday_index AS workdays_to_outcome,
                   r.done_until <= $at AS case_closed
            FROM ref r
            LEFT JOIN outcome o ON o.case_no = r.case_no AND o.happened_on = r.happened_on
            LEFT JOIN regions g ON g.code = r.county
            LEFT JOIN (SELECT * FROM companies WHERE company_code IN (SELECT company_code FROM ref)) co
                 ON co.company_code = r.company_code
            LEFT JOIN calendar kr ON kr.day = r.happened_on LEFT JOIN calendar ko ON ko.day = o.outcome_on)"""
    return Sql.of(sql, cond, at=as_of(wh, f, scope))


def referral_lists(
    wh: Warehouse, f: Filter, scope: Scope, company: str | None = None, limit: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The referrals (`referrals`, at most `limit`) and their count per receiving organ and outcome
    over all of them (`referral_summary`), in one statement: the referrals are read once."""
    cap = limit_sql(limit)
    refs = _referrals_sql(wh, f, scope, company)
    sql = f"""{refs},
        listed AS (SELECT *, count(*) OVER () AS total FROM referral ORDER BY referred_on DESC, case_id {cap})
        SELECT 'row' AS part, * FROM listed
        UNION ALL BY NAME
        SELECT 'summary' AS part, referral, organ, outcome, count(*) AS referrals FROM referral GROUP BY ALL
        ORDER BY part, referred_on DESC, case_id, referral, organ, outcome"""
    frame = wh.frame(Sql.of(sql, refs, cap))
    listed = frame[frame["part"] == "row"].drop(columns=["part", "referrals"]).reset_index(drop=True).infer_objects()
    summary = frame.loc[frame["part"] == "summary", ["referral", "organ", "outcome", "referrals"]]
    return listed.astype({"total": "int64"}), summary.astype({"referrals": "int64"}).reset_index(drop=True)


def referrals(
    wh: Warehouse, f: Filter, scope: Scope, company: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """Referrals (移送城管 / 纪检 / 公安) made in the period, the latest first (at most `limit`), each
    with the receiving organ and its outcome by the as-of date (立案, 问责, or `pending`), working
    days to it, and whether the case is closed; `total` is the count before the limit."""
    return referral_lists(wh, f, scope, company, limit)[0]


def referral_summary(wh: Warehouse, f: Filter, scope: Scope, company: str | None = None) -> pd.DataFrame:
    """Referrals per receiving organ and outcome, of every referral of `referrals`:
    [referral, organ, outcome, referrals]."""
    return referral_lists(wh, f, scope, company, 0)[1]


def accountability(
    wh: Warehouse, f: Filter, scope: Scope, company: str | None = None, limit: int | None = None
) -> pd.DataFrame:
    """问责 in the period, the latest first (at most `limit`; `total`: how many in all): who held whom
    accountable for which case (the note says what was done)."""
    cond = _events_sql(f, scope, company)
    cap = limit_sql(limit)
    # the (at most `limit`) events first, then their names: the name joins run on few rows
    sql = f"""WITH acc AS (SELECT *, count(*) OVER () AS total FROM mart_case_trail e WHERE {cond} AND e.action = '问责'
                           ORDER BY e.happened_on DESC, e.case_id {cap})
        SELECT e.happened_on, e.case_id, e.county, g.name AS unit_name, m.name AS community_name,
               e.company_code, co.name AS company_name, e.category, coalesce(e.organ, '') AS organ,
               coalesce(e.note, '') AS note, e.total
        FROM acc e
        LEFT JOIN regions g ON g.code = e.county
        LEFT JOIN (SELECT * FROM communities WHERE community_id IN (SELECT community_id FROM acc)) m
             ON m.community_id = e.community_id
        LEFT JOIN (SELECT * FROM companies WHERE company_code IN (SELECT company_code FROM acc)) co
             ON co.company_code = e.company_code
        ORDER BY e.happened_on DESC, e.case_id"""
    return wh.frame(Sql.of(sql, cond, cap))


# One case's trail lives in metrics/case_trail.py. The watch lists live in metrics/watch.py; named
# here too, where the 督办 page reads them.
from metrics.watch import company_lists_of, company_watch, county_watch, watch_window  # noqa: E402,F401
