"""Three-level handling of disputes (三级调处, 孝义's 物业港): where disputes are settled — at the
community (社区一级), the street or township (乡镇(街道)二级) or the county's centre (县级, 孝义市物业管理
服务中心三级) — how many working days they spend at each level, and 矛盾不上交 (settled below the county).

Definitions (the KPI `settled_below_county_rate`):

- A case is settled (调处办结) in the period when it was rectified or closed in it (`done_until`, as on
  the 督办 page's 逐级调处), at the level the ledger gives for it (当前层级 at closing), as
  metrics/escalations.py `level_flow` counts `resolved_here`.
- 矛盾不上交率: the cases settled at 社区 or 乡镇(街道) over those settled at any level.
- Working days at a level: from the day a case came to the level (its 转办/上交 there, or its receipt)
  to the day it left (the next move) or was settled, by China's official calendar; averaged per level
  over the stays of the cases settled in the period.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql, literals
from metrics.cuts import Cuts, running
from metrics.db import Warehouse
from metrics.escalations import _level_order
from metrics.filters import Filter, Scope, period_sql, region_sql
from metrics.regions import named_by_unit
from vocab.datasets_cases import LEVELS

BELOW_COUNTY = LEVELS[:2]  # 社区, 乡镇(街道): 矛盾不上交
LEVEL_COLUMNS = dict(
    zip(LEVELS, ("settled_community", "settled_street", "settled_county", "settled_city"), strict=True)
)


def _settled_counts_sql(f: Filter, scope: Scope) -> Sql:
    """`settled`: the cases settled in the period at a known level, counted per unit, level and day
    (`n`; mart_settled, by the same definition)."""
    region = region_sql("c.county", f, scope)
    closed = period_sql("c.done_until", f)
    sql = f"settled AS (SELECT c.county, c.level, c.done_until, c.n FROM mart_settled c WHERE {closed} AND {region})"
    return Sql.of(sql, region, closed)


def _per_level() -> str:
    """The settled cases (`n` of `settled`) at each level, as columns."""
    return ", ".join(
        f"coalesce(sum(n) FILTER (WHERE level = '{lv}'), 0)::DOUBLE AS {col}" for lv, col in LEVEL_COLUMNS.items()
    )


def mediation_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: the cases settled in the period, at each level, and below the county."""
    settled = _settled_counts_sql(f, scope)
    per_level = _per_level()
    sql = f"""WITH {settled}
        SELECT county AS unit, sum(n)::DOUBLE AS settled, {per_level},
               coalesce(sum(n) FILTER (WHERE level IN {literals(BELOW_COUNTY)}), 0)::DOUBLE AS settled_below_county
        FROM settled GROUP BY county"""
    return wh.frame(Sql.of(sql, settled))


def mediation_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`mediation_facts` at each end of `cuts`, in one scan of `mart_settled`: [cut, unit, …], equal
    to `mediation_facts` of each end's period (tests/test_facts_by_cut.py). A unit is listed at an
    end when a case of it was settled from the start to that end."""
    where_ = region_sql("county", Filter(region), scope)
    at = f"CASE WHEN {cuts.since('done_until')} THEN {cuts.first('done_until')} END"
    counts = {"settled": (at, None)}
    for lv, col in LEVEL_COLUMNS.items():
        counts[col] = (f"CASE WHEN level = '{lv}' THEN {at} END", None)
    counts["settled_below_county"] = (f"CASE WHEN level IN {literals(BELOW_COUNTY)} THEN {at} END", None)
    source = f"SELECT county AS unit, n, level, done_until FROM mart_settled WHERE {where_}"
    frame = running(wh, cuts, Sql.of(source, where_), counts)
    return frame[frame["settled"] > 0].reset_index(drop=True)


def by_level(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per level: the cases settled there in the period, their share, and the stays at the level of the
    cases settled in the period (how many, their average working days; a case's stays are published
    with it: etl/case_state.py `stays_sql`, `mart_case_stays`): [level, settled, share, stays, avg_workdays]."""
    settled = _settled_counts_sql(f, scope)
    region = region_sql("s.county", f, scope)
    closed = period_sql("s.done_until", f)
    sql = f"""WITH {settled},
        ends AS (SELECT level, sum(n) AS settled FROM settled GROUP BY level),
        stays AS (SELECT s.level, count(*) AS stays, avg(s.workdays) AS avg_workdays
                  FROM mart_case_stays s WHERE {closed} AND {region} GROUP BY s.level)
        SELECT coalesce(e.level, s.level) AS level, coalesce(e.settled, 0)::DOUBLE AS settled,
               coalesce(s.stays, 0)::BIGINT AS stays, s.avg_workdays
        FROM ends e FULL JOIN stays s ON s.level = e.level"""
    frame = wh.frame(Sql.of(sql, settled, region, closed))
    total = frame["settled"].sum()
    frame.insert(2, "share", frame["settled"] / total if total else None)
    return _level_order(frame)


def by_month(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per month of settlement in the period: the cases settled, those below the county, and per level:
    [month, settled, settled_below_county, settled_community … settled_city]."""
    settled = _settled_counts_sql(f, scope)
    per_level = _per_level()
    sql = f"""WITH {settled}
        SELECT date_trunc('month', done_until)::DATE AS month, sum(n)::DOUBLE AS settled,
               coalesce(sum(n) FILTER (WHERE level IN {literals(BELOW_COUNTY)}), 0)::DOUBLE AS settled_below_county,
               {per_level}
        FROM settled GROUP BY 1 ORDER BY 1"""
    return wh.frame(Sql.of(sql, settled))


def by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The facts per unit with its name (the page's table and its export)."""
    return named_by_unit(wh, mediation_facts(wh, f, scope))
