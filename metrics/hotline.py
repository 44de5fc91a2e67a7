"""12345 三率: how the hotline's 工单 were answered — response (响应率), resolution (解决率) and
satisfaction (满意率) — and the results of the return visits (回访), per county, as the hotline
scores the counties on them.

Definitions (the KPIs `hotline_response_rate`, `hotline_resolution_rate`, `hotline_satisfaction_rate`):

- The hotline's 工单 are the cases whose source is 12345 or 投诉举报 (`vocab.datasets_cases.HOTLINE_SOURCES`:
  the platform's export, ledger 08, is the 投诉举报 it dispatched), received in the period.
- Responded in time (按时响应): the 响应日期 lies within RESPONSE_WORKDAYS working days after the
  受理日期 (China's official calendar, the warehouse's `calendar`), and by the period's end. A 工单
  with no 响应日期 has not been answered; a county none of whose 工单 carries one has not reported
  the platform's columns at all (a ledger without them): its response rate is 无数据, not 0.
- A return visit reached the caller (回访成功) when it took place by the period's end and its result
  is 满意, 基本满意 or 不满意; 联系不上 is a visit that failed and counts in neither rate.
- Resolution rate: visits that reached the caller whose 解决情况 is 已解决, over those visits.
- Satisfaction rate: visits with 满意 or 基本满意, over those visits.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql, literals
from metrics.db import Warehouse
from metrics.filters import Filter, Scope, period_sql, region_sql
from metrics.regions import named_by_unit
from vocab.datasets_cases import SATISFACTION

RESPONSE_WORKDAYS = 1  # 按时响应: within one working day of receipt
REACHED = SATISFACTION[:3]  # 满意, 基本满意, 不满意: the visit reached the caller
SATISFIED = SATISFACTION[:2]

COUNTS = (
    "hotline_received",
    "hotline_responded",
    "hotline_responded_in_time",
    "hotline_visited",
    "hotline_resolved",
    "hotline_satisfied",
    "hotline_unsatisfied",
    "hotline_unreachable",
)


def _units_sql(f: Filter, scope: Scope) -> Sql:
    """SELECT … per unit (`county AS unit`) of the counts in COUNTS, from `mart_hotline` (the 工单
    counted per unit and dates, with their working days to the response; etl/marts.py)."""
    region = region_sql("c.county", f, scope)
    period = period_sql("c.received_on", f)
    by_end = "<= $end" if f.end else "IS NOT NULL"
    visited = f"c.visited_on {by_end} AND c.satisfaction IN {literals(REACHED)}"

    def count(condition: str) -> str:
        return f"coalesce(sum(c.n) FILTER (WHERE {condition}), 0)::DOUBLE"

    sql = f"""
        SELECT c.county AS unit,
          CASE WHEN {count("c.responded_on IS NOT NULL")} > 0 THEN sum(c.n) END::DOUBLE AS hotline_received,
          {count(f"c.responded_on {by_end}")} AS hotline_responded,
          {count(f"c.responded_on {by_end} AND c.response_workdays <= {RESPONSE_WORKDAYS}")} AS hotline_responded_in_time,
          {count(visited)} AS hotline_visited,
          {count(f"{visited} AND c.resolved = '已解决'")} AS hotline_resolved,
          {count(f"{visited} AND c.satisfaction IN {literals(SATISFIED)}")} AS hotline_satisfied,
          {count(f"{visited} AND c.satisfaction = '不满意'")} AS hotline_unsatisfied,
          {count(f"c.visited_on {by_end} AND c.satisfaction = '联系不上'")} AS hotline_unreachable
        FROM mart_hotline c
        WHERE {region} AND {period}
        GROUP BY c.county"""
    return Sql.of(sql, region, period, **({"end": f.end} if f.end else {}))


def hotline_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: the hotline's 工单 received in the period, answered in time, visits that reached the
    caller, resolved and satisfied among them, visits that failed."""
    return wh.frame(_units_sql(f, scope))


def hotline_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The facts per unit with its name (the page's table and its export)."""
    return named_by_unit(wh, hotline_facts(wh, f, scope))
