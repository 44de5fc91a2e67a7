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
from metrics.cuts import Cuts, running
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


def hotline_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`hotline_facts` at each end of `cuts`, in one scan of `mart_hotline`: [cut, unit, …], equal to
    `hotline_facts` of each end's period (tests/test_facts_by_cut.py). At an end, a 工单 counts
    when received from the start to the end, its response and visit when they took place by the
    end. A unit with no 工单 in the period is not listed at that end; one none of whose 工单
    carries a 响应日期 has no `hotline_received` (it did not report the platform's columns: 无数据,
    not 0)."""
    where_ = region_sql("c.county", Filter(region), scope)
    since = cuts.since("received_on")
    received = cuts.first("received_on")

    def by(date: str, condition: str = "TRUE") -> tuple[str, None]:
        """Counted from the later of its receipt and `date` (a column of the 工单), when `condition`."""
        return f"CASE WHEN {since} AND {condition} THEN greatest({received}, {cuts.first(date)}) END", None

    reached = f"satisfaction IN {literals(REACHED)}"
    counts = {
        "rows": (f"CASE WHEN {since} THEN {received} END", None),
        "with_response": (f"CASE WHEN {since} AND responded_on IS NOT NULL THEN {received} END", None),
        "hotline_responded": by("responded_on", "responded_on IS NOT NULL"),
        "hotline_responded_in_time": by(
            "responded_on", f"responded_on IS NOT NULL AND response_workdays <= {RESPONSE_WORKDAYS}"
        ),
        "hotline_visited": by("visited_on", f"visited_on IS NOT NULL AND {reached}"),
        "hotline_resolved": by("visited_on", f"visited_on IS NOT NULL AND {reached} AND resolved = '已解决'"),
        "hotline_satisfied": by("visited_on", f"visited_on IS NOT NULL AND satisfaction IN {literals(SATISFIED)}"),
        "hotline_unsatisfied": by("visited_on", "visited_on IS NOT NULL AND satisfaction = '不满意'"),
        "hotline_unreachable": by("visited_on", "visited_on IS NOT NULL AND satisfaction = '联系不上'"),
    }
    source = Sql.of(
        f"SELECT c.county AS unit, c.* EXCLUDE (county) FROM mart_hotline c WHERE {where_}",
        where_,
    )
    frame = running(wh, cuts, source, counts)
    frame = frame[frame["rows"] > 0]  # no 工单 in the period: not a unit of that end
    received_n = frame["rows"].where(frame["with_response"] > 0)  # no 响应日期 at all: 无数据
    frame = frame.assign(hotline_received=received_n)[["cut", "unit", *COUNTS]]
    return frame.astype({c: "float64" for c in COUNTS}).reset_index(drop=True)


def hotline_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The facts per unit with its name (the page's table and its export)."""
    return named_by_unit(wh, hotline_facts(wh, f, scope))
