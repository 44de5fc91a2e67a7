"""The county scorecard: one row per reporting unit, each KPI's value, light and a rank;
and, for a viewer who sees one county, where it stands among its city's counties."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd

from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter, Scope
from metrics.regions import region_names

SCORECARD_KPIS = [
    "rectification_rate", "complaint_close_rate", "overdue_cases", "refund_amount", "arrears_outstanding",
    "arrears_recovery_rate", "fund_usage_rate", "service_coverage", "committee_coverage",
]
RANK_BY = ("rectification_rate", "complaint_close_rate")  # rank: rectification rate, then complaint close rate
# The fewest counties with a value of a KPI for the city's median and quartiles to be shown
# to a county officer: with fewer, a quartile is near enough one county's own value.
MIN_PEERS = 5


def county_scorecard(wh: Warehouse, f: Filter, scope: Scope, frames: dict | None = None) -> pd.DataFrame:
    """Units of the filtered region with KPI values, `<kpi>__has` (rows or 无数据),
    `<kpi>__light` traffic lights and `rank` (1 = best rectification rate; ties broken by
    the complaint close rate; <NA> for a unit without a rectification rate: unranked, last)."""
    table = kpis.scorecard(wh, SCORECARD_KPIS, f, scope, frames)
    names = region_names(wh)
    table.insert(1, "unit_name", [names.get(u, u) for u in table["unit"]])
    for key in SCORECARD_KPIS:
        table[key + "__light"] = [kpis.light(kpis.BY_KEY[key], v) for v in table[key]]
    table["rank"] = kpis.rank(table, RANK_BY)
    return table.loc[kpis.order(table, RANK_BY)].reset_index(drop=True)


def map_values(table: pd.DataFrame, key: str, level: str) -> dict[str, float | None]:
    """A KPI per map shape: per county (a township-level unit counts in its county) or,
    on the province map, per city; rates recomputed from the summed numerator and denominator.
    A shape none of whose units has rows for the KPI has no value (None: 无数据, grey)."""
    width = 6 if level == "county" else 4
    frame = table[table["unit"].str.fullmatch(r"\d{6}|\d{9}")].copy()
    frame["shape"] = frame["unit"].str[:width].str.ljust(6, "0")
    sums = frame.groupby("shape")[[key + "__num", key + "__den"]].sum(min_count=1)
    kpi = kpis.BY_KEY[key]
    out: dict[str, float | None] = {}
    for code, row in sums.iterrows():
        num, den = row[key + "__num"], row[key + "__den"]
        if pd.isna(num):
            out[code] = None
        elif kpi.denominator is None:
            out[code] = float(num)
        else:
            out[code] = float(num / den) if pd.notna(den) and den else None
    return out


def standing_county(f: Filter, scope: Scope) -> Optional[str]:
    """The county whose standing a view shows, else None: the viewer's own county when he sees
    exactly one (a county officer), else the county the filter selects (a leader looking at one
    county: a rank among that county's own units, "排名 1", would say nothing)."""
    regions = scope.regions
    if regions is not None:
        counties = {r[:6] for r in regions}
        # exactly one whole county (a township-level scope may not see its county's figures)
        if len(counties) != 1 or any(len(r) != 6 or r.endswith("00") for r in regions):
            return None
        return counties.pop()
    region = f.region
    if region and not region.endswith("00"):
        return region[:6]
    return None


def standing_city(scope: Scope) -> Optional[str]:
    """The city a viewer limited to one county compares with (its code), else None."""
    county = standing_county(Filter(), scope) if scope.regions is not None else None
    return county[:4] + "00" if county else None


def county_standing(wh: Warehouse, f: Filter, scope: Scope, keys: Optional[list[str]] = None) -> pd.DataFrame:
    """Where the viewer's county stands among the counties of its city, KPI by KPI: its value
    (`value`, NaN with `has` False when it has no rows), its rank (1 = best in the KPI's
    direction; <NA> when it has no value), the number of counties ranked (`of`), and the city's
    `median`, `q1` and `q3` (the lower and upper quartile of the county values, in the KPI's
    units; NaN when fewer than MIN_PEERS counties have a value). Nothing else: no other
    county's name or value leaves this function. The county is the viewer's own when he sees
    exactly one, or the one a leader's filter selects (`standing_county`); else the frame is
    empty. Units are rolled up to counties (a township-level unit such as 晋中开发区 counts in
    its county), as on the map."""
    keys = keys or SCORECARD_KPIS
    county = standing_county(f, scope)
    columns = ["key", "value", "has", "rank", "of", "median", "q1", "q3"]
    if county is None:
        return pd.DataFrame(columns=columns)
    city, own = county[:4] + "00", [county]
    # the whole city, read for its statistics only
    table = kpis.scorecard(wh, keys, Filter(city, f.start, f.end), EVERYTHING)
    rows = []
    for key in keys:
        values = pd.Series(map_values(table, key, "county"), dtype="float64")
        mine = values.reindex(own).dropna()
        value = float(mine.iloc[0]) if len(mine) else float("nan")
        ranked = values.dropna()
        rank = pd.NA
        if value == value:
            better = ranked > value if kpis.BY_KEY[key].higher_is_better else ranked < value
            rank = int(better.sum()) + 1  # ties share the better rank
        enough = len(ranked) >= MIN_PEERS
        rows.append({"key": key, "value": value, "has": value == value, "rank": rank, "of": len(ranked),
                     "median": float(ranked.median()) if enough else float("nan"),
                     "q1": float(ranked.quantile(0.25)) if enough else float("nan"),
                     "q3": float(ranked.quantile(0.75)) if enough else float("nan")})
    frame = pd.DataFrame(rows, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")
    return frame
