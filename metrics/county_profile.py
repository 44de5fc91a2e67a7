"""A county's profile (县区档案): every KPI of the catalogue against the city's median and
quartiles, monthly trends of the main KPIs, its worst communities and companies, its open cases
and its arrears projects.

Nothing is defined here: the KPIs are the catalogue's (metrics/kpis.py) as `scorecard.standing`
places one county among its city's counties; the lists are those of the rectification page
(`cases.community_table`), the 督办 page (`escalations.open_cases`, `watch.company_watch`) and
the funds page (`funds.arrears_projects`), cut to one county. Every function takes the viewer's
scope and gives nothing for a county outside it (`access` says which).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics import cases, funds, scorecard
from metrics import escalations as esc
from metrics.db import Warehouse
from metrics.facts import as_of
from metrics.filters import Filter, Scope
from metrics.regions import region_names
from metrics.watch import company_watch
from vocab.kpis import CATALOGUE

COUNTY_KPIS = [k.key for k in CATALOGUE]  # every KPI, in the catalogue's order
TREND_KPIS = ("rectification_rate", "complaint_close_rate", "overdue_cases", "arrears_recovered", "refund_amount")
TREND_MONTHS = 12
LIST_ROWS = 20  # rows of each list on the profile (the pages behind the links have them all)

OK, FORBIDDEN, MISSING = "ok", "forbidden", "missing"


def is_county(code: str | None) -> bool:
    """A county-level code (`140702`), not a province or city (`…00`) nor a township (9 digits)."""
    return bool(code) and len(code) == 6 and code.isdigit() and not code.endswith("00")


def access(wh: Warehouse, county: str | None, scope: Scope) -> str:
    """OK when the county exists and the viewer may see it; FORBIDDEN outside his scope; MISSING
    for a code that is no county of the warehouse's regions."""
    if not is_county(county) or county not in region_names(wh):
        return MISSING
    return OK if scope.allows(county) else FORBIDDEN


def _period(county: str, f: Filter) -> Filter:
    """The county's region with the viewer's period."""
    return Filter(region=county, start=f.start, end=f.end)


def standing(wh: Warehouse, f: Filter, county: str, scope: Scope) -> pd.DataFrame:
    """Every KPI of the catalogue: the county's value, its rank among the city's counties with a
    value, the city's median and quartiles (`scorecard.standing`: no other county's name or
    value leaves it). Empty outside the scope."""
    if access(wh, county, scope) != OK:
        return pd.DataFrame(columns=["kpi", "value", "rank", "ranked", "q1", "median", "q3"])
    return scorecard.standing(wh, f, county, COUNTY_KPIS)


def trend_months(wh: Warehouse, f: Filter, county: str, scope: Scope, months: int = TREND_MONTHS) -> list[Filter]:
    """The calendar months of the trend: the `months` months ending with the month of the
    period's end (or the data's latest date), the last one cut at that date."""
    end = as_of(wh, _period(county, f), scope)
    out = []
    for back in range(months - 1, -1, -1):
        index = end.year * 12 + end.month - 1 - back
        first = dt.date(index // 12, index % 12 + 1, 1)
        following = dt.date((index + 1) // 12, (index + 1) % 12 + 1, 1)
        out.append(Filter(region=county, start=first, end=min(following - dt.timedelta(days=1), end)))
    return out


def trend(wh: Warehouse, f: Filter, county: str, scope: Scope, keys=TREND_KPIS) -> pd.DataFrame:
    """The main KPIs month by month: each month is a period of its own (the catalogue's
    definitions: a rate of the cases received in the month, a stock at its end, a flow in it),
    the county's value beside the city's median of the counties. Columns: month (first day),
    kpi, value, median. Empty outside the scope."""
    rows = []
    if access(wh, county, scope) == OK:
        months = trend_months(wh, f, county, scope)
        places = scorecard.standing_by_month(wh, months, county, list(keys))
        for month, place in zip(months, places, strict=True):
            for r in place.itertuples(index=False):
                rows.append({"month": month.start, "kpi": r.kpi, "value": r.value, "median": r.median})
    return pd.DataFrame(rows, columns=["month", "kpi", "value", "median"])


def worst_communities(wh: Warehouse, f: Filter, county: str, scope: Scope, limit: int = LIST_ROWS) -> pd.DataFrame:
    """The county's communities with the most overdue, then open cases at the period's end, then
    the lowest rectification rate (the counts of the rectification page's drill-down, over the
    county and its township-level units); at most `limit`, `total` the count of communities
    with cases."""
    if access(wh, county, scope) != OK:
        return pd.DataFrame()
    frame = cases.community_table(wh, _period(county, f), scope, None)
    frame = frame[frame["community_id"].notna()]
    frame = frame.sort_values(
        ["overdue_cases", "open_cases", "rate_sweep", "community_id"],
        ascending=[False, False, True, True],
        na_position="last",
    )
    return frame.head(limit).assign(total=len(frame)).reset_index(drop=True)


def worst_companies(wh: Warehouse, f: Filter, county: str, scope: Scope, limit: int = LIST_ROWS) -> pd.DataFrame:
    """The county's 重点关注企业 (the 督办 watch list over the twelve months to the as-of date)."""
    if access(wh, county, scope) != OK:
        return pd.DataFrame()
    return company_watch(wh, _period(county, f), scope, limit)


def open_cases(wh: Warehouse, f: Filter, county: str, scope: Scope, limit: int = LIST_ROWS) -> pd.DataFrame:
    """The county's open cases at the as-of date, overdue and longest-stuck first (督办's list)."""
    if access(wh, county, scope) != OK:
        return pd.DataFrame()
    return esc.open_cases(wh, _period(county, f), scope, limit=limit)


def arrears_projects(
    wh: Warehouse,
    f: Filter,
    county: str,
    scope: Scope,
    developer: str | None = None,
    project: str | None = None,
    limit: int = LIST_ROWS,
) -> tuple[pd.DataFrame, int]:
    """The county's projects in arrears at the period's end, largest outstanding first (the funds
    page's list), of one developer or one project when asked; and how many there are."""
    if access(wh, county, scope) != OK:
        return pd.DataFrame(), 0
    frame, total = funds.arrears_projects(wh, _period(county, f), scope, None if developer or project else limit)
    if developer:
        frame = frame[frame["developer"] == developer]
    if project:
        frame = frame[frame["project_id"] == project]
    if developer or project:
        total = len(frame)
    return frame.head(limit).reset_index(drop=True), total
