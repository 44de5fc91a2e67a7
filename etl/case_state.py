"""A case's state on its trail (督办轨迹): the level its latest 转办/上交 moved it to and when, and the
escalations (督办措施) it has had, the latest of them and when.

One definition, `state_sql`: a publish counts it once per case over the ledger's trail as it stands
(`mart_case_state`, etl/marts.py), and the 督办 page counts the same up to an earlier as-of date,
with the app's own steps (metrics/escalations.py), for the cases whose trail goes on after it.
"""

from __future__ import annotations

from etl.sql import literals

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
