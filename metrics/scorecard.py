"""The county scorecard: one row per reporting unit, each KPI's value, light and a rank."""

from __future__ import annotations

import pandas as pd

from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from metrics.regions import region_names

SCORECARD_KPIS = [
    "rectification_rate", "complaint_close_rate", "overdue_cases", "refund_amount", "arrears_outstanding",
    "arrears_recovery_rate", "fund_usage_rate", "service_coverage", "committee_coverage",
]
RANK_BY = ("rectification_rate", "complaint_close_rate")  # rank: rectification rate, then complaint close rate


def county_scorecard(wh: Warehouse, f: Filter, scope: Scope, frames: dict | None = None) -> pd.DataFrame:
    """Units of the filtered region with KPI values, `<kpi>__light` traffic lights and `rank`
    (1 = best rectification rate; ties broken by the complaint close rate)."""
    table = kpis.scorecard(wh, SCORECARD_KPIS, f, scope, frames)
    names = region_names(wh)
    table.insert(1, "unit_name", [names.get(u, u) for u in table["unit"]])
    for key in SCORECARD_KPIS:
        table[key + "__light"] = [kpis.light(kpis.BY_KEY[key], v) for v in table[key]]
    ranked = table[table[RANK_BY[0]].notna()]  # a unit with no rectification figure is not ranked
    order = ranked.sort_values(list(RANK_BY), ascending=[not kpis.BY_KEY[k].higher_is_better for k in RANK_BY],
                               na_position="last").index
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[order, "rank"] = range(1, len(order) + 1)
    table["_unranked"] = table["rank"].isna()
    out = table.sort_values(["_unranked", "rank", "unit"]).drop(columns="_unranked").reset_index(drop=True)
    out["rank"] = pd.Series([None if pd.isna(r) else int(r) for r in out["rank"]], dtype=object)  # JSON-safe
    return out


def map_values(table: pd.DataFrame, key: str, level: str) -> dict[str, float | None]:
    """A KPI per map shape: per county (a township-level unit counts in its county) or,
    on the province map, per city; rates recomputed from the summed numerator and denominator."""
    width = 6 if level == "county" else 4
    frame = table[table["unit"].str.fullmatch(r"\d{6}|\d{9}")].copy()
    frame["shape"] = frame["unit"].str[:width].str.ljust(6, "0")
    sums = frame.groupby("shape")[[key + "__num", key + "__den"]].sum(min_count=1)
    kpi = kpis.BY_KEY[key]
    if kpi.denominator is None:
        return {code: float(row[key + "__num"]) for code, row in sums.iterrows()}
    return {code: (row[key + "__num"] / row[key + "__den"] if row[key + "__den"] else None)
            for code, row in sums.iterrows()}
