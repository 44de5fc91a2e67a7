"""What the wall display (大屏, pages/screen.py) shows beyond the KPI catalogue: rankings
of reporting units and the ticker of the latest rectified cases and fund recoveries.

Nothing here returns personal data, whatever the scope says: the ticker's queries name a
case by its id, community, county, category and date, a recovery by its project, county,
date, amount and channel — never a reporter's phone, a case description (free text that
may name people) or a person's name.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql
from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import Filter, Scope, period_sql, region_sql, where
from metrics.regions import region_names

TICKER_LIMIT = 12

# The columns the ticker may carry, and only these (tests/test_screen_metrics.py checks it).
RECTIFIED_COLUMNS = ("case_id", "closed_on", "county", "county_name", "community_name", "category", "source")
RECOVERY_COLUMNS = ("project_id", "recovered_on", "county", "county_name", "project", "amount", "channel")


def latest_rectified(wh: Warehouse, f: Filter, scope: Scope, limit: int = TICKER_LIMIT) -> pd.DataFrame:
    """The cases most recently rectified or closed (整改/办结) in the period, latest first:
    case id, date closed, county, community, category and source. Read from `mart_case_spans`,
    whose `done_until` is the closing day of a rectified case (metrics.facts.rectified_sql) and
    which is ordered by it; the community names are joined on the few rows listed."""
    cond = where(region_sql("c.county", f, scope), period_sql("c.done_until", f))
    sql = f"""
        WITH top AS (SELECT c.case_id, c.done_until AS closed_on, c.county, c.community_id, c.category, c.source
                     FROM mart_case_spans c
                     WHERE c.done_until < DATE '9999-12-31' AND {cond}
                     ORDER BY c.done_until DESC, c.case_id DESC LIMIT $limit)
        SELECT t.case_id, t.closed_on, t.county, coalesce(g.name, t.county) AS county_name,
               m.name AS community_name, t.category, t.source
        FROM top t
        LEFT JOIN (SELECT community_id, name FROM communities WHERE community_id IN (SELECT community_id FROM top)) m
             ON m.community_id = t.community_id
        LEFT JOIN regions g ON g.code = t.county
        ORDER BY t.closed_on DESC, t.case_id DESC"""
    return wh.frame(Sql.of(sql, cond, limit=int(limit)))


def latest_recoveries(wh: Warehouse, f: Filter, scope: Scope, limit: int = TICKER_LIMIT) -> pd.DataFrame:
    """The maintenance-fund arrears most recently recovered (追缴到账) in the period, latest
    first: project, county, date, amount (yuan) and channel."""
    cond = where(region_sql("a.county", f, scope), period_sql("r.recovered_on", f))
    sql = f"""
        SELECT r.project_id, r.recovered_on, a.county, coalesce(g.name, a.county) AS county_name,
               a.project, r.amount::DOUBLE AS amount, r.channel
        FROM fund_recoveries r
        JOIN fund_arrears a ON a.project_id = r.project_id
        LEFT JOIN regions g ON g.code = a.county
        WHERE {cond}
        ORDER BY r.recovered_on DESC, r.amount DESC, r.project_id
        LIMIT $limit"""
    return wh.frame(Sql.of(sql, cond, limit=int(limit)))


def ranking(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Reporting units of a scorecard table (kpis.scorecard with a `unit_name` column) ordered by
    one KPI, best first by the KPI's direction (the highest rate; the least arrears outstanding
    or overdue cases), units without a value left out: columns rank, unit, unit_name, value."""
    frame = table[table["unit"].str.fullmatch(r"\d{6}|\d{9}")]
    frame = frame[frame[key].notna()]
    frame = frame.sort_values([key, "unit"], ascending=[not kpis.BY_KEY[key].higher_is_better, True])
    out = pd.DataFrame({"unit": frame["unit"], "unit_name": frame["unit_name"], "value": frame[key].astype(float)})
    out.insert(0, "rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def without_data(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """The reporting units of a scorecard table with no value of a KPI (无数据: no rows behind
    it), by code: columns unit, unit_name. The wall lists them after its ranking, unranked."""
    frame = table[table["unit"].str.fullmatch(r"\d{6}|\d{9}")]
    frame = frame[frame[key].isna()].sort_values("unit")
    return frame[["unit", "unit_name"]].reset_index(drop=True)


def unit_table(wh: Warehouse, keys: list[str], f: Filter, scope: Scope, frames: dict | None = None) -> pd.DataFrame:
    """kpis.scorecard for the given KPIs with each unit's name (`unit_name`)."""
    table = kpis.scorecard(wh, keys, f, scope, frames)
    names = region_names(wh)
    table.insert(1, "unit_name", [names.get(u, u) for u in table["unit"]])
    return table
