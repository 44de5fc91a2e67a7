"""A case's state on its trail (督办轨迹): the level its latest 转办/上交 moved it to and when, and the
escalations (督办措施) it has had, the latest of them and when.

One definition, `state_sql`: a publish counts it once per case over the ledger's trail as it stands
(`mart_case_state`, etl/marts.py), and the 督办 page counts the same up to an earlier as-of date,
with the app's own steps (metrics/escalations.py), for the cases whose trail goes on after it.

And a settled case's stays at each level (三级调处, metrics/mediation.py), `stays_sql`: published once
per case (`mart_case_stays`), since they depend on the case alone, never on the view.
"""

from __future__ import annotations

from etl.sql import literals
from vocab.datasets_cases import LEVELS

MOVES = ("转办", "上交")  # actions that move a case to `to_level`
REFERRALS = ("移送城管", "移送纪检", "移送公安")
ESCALATIONS = ("上交", "催办", "提醒函", "督办函", "约谈通知", "约谈", "通报", "问责", *REFERRALS)
ACTIONS = tuple(dict.fromkeys(MOVES + ESCALATIONS))  # the actions a case's state reads


def moved_sql(e: str) -> str:
    """The trail row `e` moves its case to a level (`to_level`)."""
    return f"{e}.action IN {literals(MOVES)} AND {e}.to_level IS NOT NULL"


def state_sql(e: str, until: str | None = None) -> str:
    """Aggregates over one case's trail rows `e` (happened_on, action, to_level), those on or before
    `until` (a SQL date; None: all): `moved_on` and `level_moved`, the day and level of the latest
    move; `escalations`, how many; `last_escalation` and `last_escalation_on`, the latest."""
    upto = f" AND {e}.happened_on <= {until}" if until else ""
    moved = f"{moved_sql(e)}{upto}"
    escalated = f"{e}.action IN {literals(ESCALATIONS)}{upto}"
    return f"""max({e}.happened_on) FILTER (WHERE {moved}) AS moved_on,
        arg_max({e}.to_level, {e}.happened_on) FILTER (WHERE {moved}) AS level_moved,
        count(*) FILTER (WHERE {escalated}) AS escalations,
        arg_max({e}.action, {e}.happened_on) FILTER (WHERE {escalated}) AS last_escalation,
        max({e}.happened_on) FILTER (WHERE {escalated}) AS last_escalation_on"""


def stays_sql(settled: str) -> str:
    """The stays at each level of the settled cases `settled` (a relation of mart_case_spans' rows)
    over their trail in mart_case_trail: [case_no, level, workdays]. A stay runs from the day the
    case came to the level (its 转办/上交 there, not before its receipt) to the day it left (the next
    move) or was settled (`done_until`); moves after the settlement are not read, and moves on the
    same day are taken from the lower level up. A case with no move stays at its own level from
    receipt to settlement. Working days by China's official calendar (`calendar.workday_index`).
    The trail is read for those cases only (a semi-join on their numbers): a publish computes the
    stays of the cases it touched, not of every settled case."""
    moves = f"m.action IN {literals(MOVES)} AND m.to_level IN {literals(LEVELS)}"
    rank = "CASE m.level " + " ".join(f"WHEN '{lv}' THEN {i}" for i, lv in enumerate(LEVELS)) + " END"
    return f"""WITH m AS (SELECT m.case_no, m.happened_on, m.to_level AS level FROM mart_case_trail m
                       WHERE {moves} AND m.case_no IN (SELECT case_no FROM {settled}))
        SELECT s.case_no, s.level, b.workday_index - a.workday_index AS workdays FROM (
            SELECT c.case_no, m.level, greatest(m.happened_on, c.received_on) AS since,
                   least(coalesce(lead(m.happened_on) OVER (PARTITION BY c.case_no ORDER BY m.happened_on, {rank}),
                                  c.done_until), c.done_until) AS until
            FROM {settled} c JOIN m USING (case_no) WHERE m.happened_on <= c.done_until
            UNION ALL
            SELECT c.case_no, c.level, c.received_on, c.done_until FROM {settled} c
            WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.case_no = c.case_no)
        ) s JOIN calendar a ON a.day = s.since JOIN calendar b ON b.day = s.until"""
