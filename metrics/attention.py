"""需要关注: what a leader should look at first on the overview, each list from rows, each by the
definition the detail page uses, so that the page a link opens shows the same thing:

- counties slipping (`slipping`): a county whose KPI is worse than in the previous period
  by more than the KPI's `slip` (data/kpi_targets.csv) — the catalogue's values of the two
  periods (kpis.scorecard), only where the ledger covers the whole previous period;
- cases overdue at county level and above (`overdue_high`): the open cases past their deadline
  at the period's end that sit at 县级 or 市级 (metrics/escalations.overdue_by_county, on the stock
  of the 督办 page's ladder and open-case list);
- arrears that stopped moving (`stalled`): projects still owing with no recovery for N months
  (metrics/funds.stalled_arrears; N is `arrears_stalled_months` of data/attention_rules.csv);
- companies on a second 黑榜 (`second_black_list`): two or more 黑榜 entries in the twelve
  months to the period's end (metrics/watch.company_watch, the 督办 page's watch list).

A county's figures are its region's (its township-level units that report on their own, such as
晋中开发区 under 榆次区, included): what the page filtered to the county shows. Every list takes
the viewer's scope, so a county officer sees his county's.
"""

from __future__ import annotations

import pandas as pd

from metrics import kpis, targets
from metrics.db import Warehouse
from metrics.escalations import REPEATED, overdue_by_county
from metrics.facts import as_of
from metrics.filters import Filter, Scope
from metrics.funds import stalled_arrears
from metrics.regions import region_names
from metrics.scorecard import SCORECARD_KPIS, shape_values
from metrics.watch import company_watch

HIGH_LEVELS = ("市级", "县级")  # county level and above, the higher first
SLIP_COLUMNS = ["unit", "unit_name", "kpi", "value", "previous", "change", "slip"]


def slipping(wh: Warehouse, f: Filter, scope: Scope, rows: targets.Targets) -> pd.DataFrame:
    """Counties whose KPI got worse than in the previous period by more than its slip threshold
    (the threshold in force for the county at the period's end): unit, unit_name, kpi, value,
    previous, change (now − before), slip; the worst (change over threshold) first. A county's
    figure is its region's — its township-level units that report on their own included, as a
    page filtered to the county shows it (scorecard.shape_values over the catalogue's columns)."""
    before = f.previous()
    keys = [k for k in SCORECARD_KPIS if before and kpis.comparable(wh, k, before)]
    if not keys:
        return pd.DataFrame(columns=SLIP_COLUMNS)
    now, then = (shape_values(kpis.scorecard(wh, keys, p, scope), keys, "county") for p in (f, before))
    names = region_names(wh)
    found = []
    for key in keys:
        kpi = kpis.BY_KEY[key]
        earlier = then[key]
        for county, value in now[key].items():
            previous = earlier.get(county)
            bounds = rows.bounds(key, county, f.end)
            if value is None or previous is None or bounds is None or bounds.slip is None:
                continue
            worse = (previous - value) if kpi.higher_is_better else (value - previous)
            if worse > bounds.slip + 1e-12:
                found.append((county, names.get(county, county), key, value, previous, value - previous, bounds.slip))
    frame = pd.DataFrame(found, columns=SLIP_COLUMNS)
    severity = frame["change"].abs() / frame["slip"].where(frame["slip"] > 0, 1e-9)
    return frame.assign(_s=severity).sort_values(["_s", "unit"], ascending=[False, True]).drop(columns="_s")


def overdue_high(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per level of HIGH_LEVELS and county (its township-level units included): the open cases
    past their deadline at the period's end that sit at that level: level, unit, unit_name,
    cases; the higher level first, then the most cases."""
    names = region_names(wh)
    frame = overdue_by_county(wh, f, scope, HIGH_LEVELS)  # counted in SQL: no list of the cases
    if frame.empty:
        return pd.DataFrame(columns=["level", "unit", "unit_name", "cases"])
    frame = frame.assign(unit_name=frame["unit"].map(names))[["level", "unit", "unit_name", "cases"]]
    frame["_l"] = frame["level"].map(HIGH_LEVELS.index)
    return frame.sort_values(["_l", "cases", "unit"], ascending=[True, False, True]).drop(columns="_l")


def stalled(wh: Warehouse, f: Filter, scope: Scope, months: int) -> pd.DataFrame:
    """Per county (its township-level units included), the projects still owing on which no
    recovery arrived for `months` months to the period's end (数据截至 for an open period): unit,
    unit_name, projects, arrears_outstanding, the largest such project (`project`,
    `project_outstanding`); most owed first."""
    at = as_of(wh, f, scope)
    rows = stalled_arrears(wh, Filter(f.region, f.start, at), scope, months)
    columns = ["unit", "unit_name", "projects", "arrears_outstanding", "project", "project_outstanding"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    names = region_names(wh)
    out = []
    for unit, group in rows.groupby(rows["unit"].str[:6]):
        top = group.iloc[0]  # the rows come largest first
        out.append(
            (
                unit,
                names.get(unit, unit),
                len(group),
                group["arrears_outstanding"].sum(),
                top["project"],
                top["arrears_outstanding"],
            )
        )
    return pd.DataFrame(out, columns=columns).sort_values(["arrears_outstanding", "unit"], ascending=[False, True])


def second_black_list(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The companies with at least two 黑榜 entries in the twelve months to the period's end,
    as the 督办 page's watch list counts them: company_code, company_name, county, unit_name,
    black_lists, black_dates, exit_review; the most entries first."""
    watch = company_watch(wh, f, scope, listed_with=f"black_lists >= {REPEATED}")
    columns = ["company_code", "company_name", "county", "unit_name", "black_lists", "black_dates", "exit_review"]
    return watch[columns].sort_values(["black_lists", "company_code"], ascending=[False, True]).reset_index(drop=True)
