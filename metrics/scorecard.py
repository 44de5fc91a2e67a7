"""The county scorecard: one row per reporting unit, each KPI's value, light and a rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics import kpis, targets
from metrics.cuts import Cuts
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from metrics.regions import region_names

SCORECARD_KPIS = [
    "rectification_rate",
    "complaint_close_rate",
    "overdue_cases",
    "refund_amount",
    "arrears_outstanding",
    "arrears_recovery_rate",
    "fund_usage_rate",
    "service_coverage",
    "committee_coverage",
    "hotline_response_rate",  # the 12345 hotline scores the counties on its 三率
    "hotline_resolution_rate",
    "hotline_satisfaction_rate",
]
RANK_BY = ("rectification_rate", "complaint_close_rate")  # rank: rectification rate, then complaint close rate


def county_scorecard(wh: Warehouse, f: Filter, scope: Scope, frames: dict | None = None) -> pd.DataFrame:
    """Units of the filtered region with KPI values, `<kpi>__light` traffic lights and `rank`
    (1 = best rectification rate; ties broken by the complaint close rate)."""
    table = kpis.scorecard(wh, SCORECARD_KPIS, f, scope, frames)
    names = region_names(wh)
    table.insert(1, "unit_name", [names.get(u, u) for u in table["unit"]])
    rows = targets.current()[0]  # each unit's lights by the thresholds in force for it at the period's end
    for key in SCORECARD_KPIS:
        kpi = kpis.BY_KEY[key]
        table[key + "__light"] = [
            kpis.light(kpi, v, rows.bounds(key, u, f.end)) for u, v in zip(table["unit"], table[key], strict=True)
        ]
    return _ranked(table)


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """The table with `rank` (1 = best rectification rate; ties broken by the complaint close
    rate; a unit with no rectification figure unranked), ranked units first."""
    ranked = table[table[RANK_BY[0]].notna()]  # a unit with no rectification figure is not ranked
    order = ranked.sort_values(
        list(RANK_BY), ascending=[not kpis.BY_KEY[k].higher_is_better for k in RANK_BY], na_position="last"
    ).index
    table["rank"] = pd.array([pd.NA] * len(table), dtype="Int64")
    table.loc[order, "rank"] = range(1, len(order) + 1)
    table["_unranked"] = table["rank"].isna()
    out = table.sort_values(["_unranked", "rank", "unit"]).drop(columns="_unranked").reset_index(drop=True)
    out["rank"] = pd.Series([None if pd.isna(r) else int(r) for r in out["rank"]], dtype=object)  # JSON-safe
    return out


def ranks(wh: Warehouse, f: Filter, scope: Scope) -> dict[str, int]:
    """{unit: rank} as county_scorecard ranks the units of the view, from the two KPIs the rank
    reads only (metrics/warnings.py compares them month on month)."""
    table = _ranked(kpis.scorecard(wh, list(RANK_BY), f, scope))
    return {u: int(r) for u, r in zip(table["unit"], table["rank"], strict=True) if r is not None}


def map_values(table: pd.DataFrame, key: str, level: str) -> dict[str, float | None]:
    """A KPI per map shape: per county (a township-level unit counts in its county) or,
    on the province map, per city; rates recomputed from the summed numerator and denominator."""
    return shape_values(table, [key], level)[key]


def shape_values(table: pd.DataFrame, keys: list[str], level: str) -> dict[str, dict[str, float | None]]:
    """`map_values` of several KPIs at once ({key: {shape: value}}): the units summed per shape once."""
    width = 6 if level == "county" else 4
    frame = table[table["unit"].str.fullmatch(r"\d{6}|\d{9}")]
    shapes = frame["unit"].str[:width].str.ljust(6, "0")
    sums = frame[[c for key in keys for c in (key + "__num", key + "__den")]].groupby(shapes).sum(min_count=1)

    def known(x) -> bool:
        return x is not None and x == x  # NaN: no unit of the shape has a row for this KPI

    found = {}
    for key in keys:
        # the columns read as floats, as a row of the two would be (and without a Series per row)
        nums, dens = sums[key + "__num"].astype(float), sums[key + "__den"].astype(float)
        if kpis.BY_KEY[key].denominator is None:  # no rows behind a shape: None (无数据), never NaN or 0
            found[key] = {code: float(num) if known(num) else None for code, num in nums.items()}
        else:
            found[key] = {
                code: (num / den if known(den) and den else None)
                for code, num, den in zip(sums.index, nums, dens, strict=True)
            }
    return found


def own_county(scope: Scope) -> str | None:
    """The county a viewer's scope is limited to (a county officer), else None."""
    regions = scope.regions or ()
    return regions[0] if len(regions) == 1 and len(regions[0]) == 6 and not regions[0].endswith("00") else None


def standing_county(f: Filter, scope: Scope) -> str | None:
    """The county whose standing a view shows: a county officer's own (`own_county`), or, for a
    viewer who sees every region, the county the filter selects — a leader looking at one county
    would otherwise read "排名 1" of that county's own units. None otherwise."""
    own = own_county(scope)
    if own or scope.regions is not None:
        return own
    region = f.region
    return region[:6] if region and not region.endswith("00") else None


def city_of(county: str) -> str:
    """The city of a county-level code (140702 → 140700)."""
    return county[:4] + "00"


def standing(
    wh: Warehouse, f: Filter, county: str, keys: list[str] | None = None, frames: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Where one county stands among the counties of its city, per KPI: its value, its rank by
    the KPI's direction among the counties with a value (`rank` of `ranked`), and the city's
    median and quartiles of the county values — never another county's name or value, so it
    may be shown to the county's own officer. A KPI the county has no value for is unranked.

    Columns: kpi, value, rank, ranked, q1, median, q3 (rates 0–1, amounts in yuan). `frames`: the
    city's facts for the period, already read (`standing_by_month`)."""
    keys = keys or SCORECARD_KPIS
    city = city_of(county)
    period = Filter(region=city, start=f.start, end=f.end)
    # the city's counties, read with the city's scope: only aggregates leave this function. A
    # county's figure is its region's, its township-level units that report on their own included
    # (`map_values`), as the overview filtered to the county shows it: one figure per county
    table = kpis.scorecard(wh, keys, period, Scope((city,)), frames)
    by_county = shape_values(table, keys, "county")  # every KPI's units summed per county at once
    rows = []
    for key in keys:
        kpi = kpis.BY_KEY[key]
        per_county = by_county[key]
        values = {c: float(v) for c, v in per_county.items() if not c.endswith("00") and v is not None}
        own, spread = values.get(county), np.array(list(values.values()), dtype=float)
        better = ((spread > own) if kpi.higher_is_better else (spread < own)) if own is not None else spread[:0]
        # linear between the closest ranks, empty values left out (as pandas' quantile)
        q1, median, q3 = [float(q) for q in np.nanquantile(spread, [0.25, 0.5, 0.75])] if len(spread) else [None] * 3
        rows.append(
            {
                "kpi": key,
                "value": own,
                "rank": int(better.sum()) + 1 if own is not None else None,
                "ranked": len(values),
                "q1": q1,
                "median": median,
                "q3": q3,
            }
        )
    return pd.DataFrame(rows)


def standing_by_month(wh: Warehouse, months: list[Filter], county: str, keys: list[str]) -> list[pd.DataFrame]:
    """`standing` in each of consecutive calendar months (a county's trend): the city's facts of
    every month read at once, each facts function in one scan where it has a version by month
    (`metrics.cuts.Cuts.each_month`), instead of twelve times over."""
    city = city_of(county)
    cuts = Cuts.each_month(months)
    frames = kpis.facts_by_cut(wh, keys, cuts, city, Scope((city,)))
    return [
        standing(wh, month, county, keys, {name: at[i] for name, at in frames.items()})
        for i, month in enumerate(months)
    ]
