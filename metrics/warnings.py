"""Early warnings (预警): what will need an act soon, pushed to whoever acts — the county officer
on 待办, the leader and the supervisor on 督办, the wall's alarm strip and the group robot
(workflow/webhook.py). Four kinds (vocab/ladder.py), each by the definition its detail page uses:

- `due_soon`: open cases whose deadline is at most DUE_WITHIN working days away and not yet
  passed (metrics/escalations.open_cases, the 督办 list's deadlines and the official calendar);
- `second_black`: companies with a second 黑榜 entry within the twelve months to the day
  (metrics/attention.second_black_list: the 督办 watch list's count);
- `stalled`: arrears projects still owing on which no recovery arrived for STALLED_MONTHS months
  (metrics/funds.stalled_arrears, as the overview's 需要关注 with its own number of months);
- `rank_drop`: reporting units that fell RANK_DROP_PLACES places or more in the scorecard's
  ranking among their city's units from one month to the next (metrics/scorecard.county_scorecard
  of each month; the month is the one that ends on the day, else the last whole month before it).

Every list is in the viewer's scope: a county officer sees his county's. A unit's rank is its
place among the units of its city, whoever asks (that is what the scorecard shows the city's
leaders); only the units in the scope are listed. No list carries personal data: no phone, no
complainant, no description (the wall and the robot show them as they are).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from metrics.attention import second_black_list
from metrics.db import Warehouse
from metrics.escalations import open_cases
from metrics.facts import as_of
from metrics.filters import Filter, Scope, month_of
from metrics.funds import stalled_arrears
from metrics.regions import region_names
from metrics.scorecard import county_scorecard
from vocab.ladder import DUE_SOON, DUE_WITHIN, RANK_DROP, RANK_DROP_PLACES, SECOND_BLACK, STALLED, STALLED_MONTHS

DUE_COLUMNS = [
    "case_id",
    "county",
    "unit_name",
    "community_name",
    "company_name",
    "category",
    "level",
    "deadline",
    "workdays_left",
]
BLACK_COLUMNS = ["company_code", "company_name", "county", "unit_name", "black_lists", "black_dates"]
STALLED_COLUMNS = ["project_id", "project", "developer", "unit", "unit_name", "last_recovered_on", "arrears_outstanding"]
DROP_COLUMNS = ["unit", "unit_name", "month", "rank", "previous_rank", "places", "ranked"]


@dataclass(frozen=True)
class Warnings:
    """The warnings of a view at a day (`at`): one frame per kind, the worst first."""

    at: dt.date
    due_soon: pd.DataFrame
    second_black: pd.DataFrame
    stalled: pd.DataFrame
    rank_drop: pd.DataFrame

    def of(self, kind: str) -> pd.DataFrame:
        return {DUE_SOON: self.due_soon, SECOND_BLACK: self.second_black, STALLED: self.stalled, RANK_DROP: self.rank_drop}[
            kind
        ]

    def counts(self) -> dict[str, int]:
        return {k: len(self.of(k)) for k in (DUE_SOON, SECOND_BLACK, STALLED, RANK_DROP)}


def early_warnings(wh: Warehouse, f: Filter, scope: Scope) -> Warnings:
    """The four lists for the filter's region within the scope, at the filter's end (数据截至 when
    it is later or open)."""
    at = as_of(wh, f, scope)
    now = Filter(f.region, None, at)
    return Warnings(at, due_soon(wh, now, scope), _black(wh, now, scope), _stalled(wh, now, scope), rank_drops(wh, now, scope))


def due_soon(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Open cases at most DUE_WITHIN working days from their deadline (0: due that day), the
    nearest first."""
    rows = open_cases(wh, f, scope, limit=None, due_within=DUE_WITHIN)
    return rows.sort_values(["workdays_left", "deadline", "case_id"])[DUE_COLUMNS].reset_index(drop=True)


def _black(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    return second_black_list(wh, f, scope)[BLACK_COLUMNS]


def _stalled(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    rows = stalled_arrears(wh, f, scope, STALLED_MONTHS)
    names = region_names(wh)
    return rows.assign(unit_name=rows["unit"].map(lambda u: names.get(str(u)[:6], u)))[STALLED_COLUMNS]


def ranked_month(at: dt.date) -> tuple[Filter, Filter]:
    """The month the ranking is compared for (the one ending on `at`, else the last whole month
    before it) and the month before it, as periods."""
    first, last = month_of(at)
    if at != last:
        first, last = month_of(first - dt.timedelta(days=1))
    before_first, before_last = month_of(first - dt.timedelta(days=1))
    return Filter(None, first, last), Filter(None, before_first, before_last)


def _ranks(wh: Warehouse, city: str, month: Filter) -> dict[str, int]:
    """{unit: rank} of the scorecard of a city's units for a month (computed once per version)."""

    def compute() -> dict[str, int]:
        table = county_scorecard(wh, Filter(city, month.start, month.end), Scope(None, personal_data=False))
        return {u: int(r) for u, r in zip(table["unit"], table["rank"], strict=True) if r is not None}

    return wh.memo(("warning_ranks", city, month.start, month.end), compute)


def rank_drops(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Units of the view (in the scope) that fell RANK_DROP_PLACES places or more among their city's
    units from the month before to the month: unit, unit_name, month (its first day), rank,
    previous_rank, places, ranked (units ranked that month); the largest fall first."""
    month, before = ranked_month(as_of(wh, f, scope))
    mine = county_scorecard(wh, Filter(f.region, month.start, month.end), scope)
    units = [u for u in mine["unit"] if len(str(u)) in (6, 9)]
    names = region_names(wh)
    found = []
    for city in sorted({u[:4] + "00" for u in units}):
        now, then = _ranks(wh, city, month), _ranks(wh, city, before)
        for unit in units:
            if unit.startswith(city[:4]) and unit in now and unit in then and now[unit] - then[unit] >= RANK_DROP_PLACES:
                found.append(
                    (unit, names.get(unit, unit), month.start, now[unit], then[unit], now[unit] - then[unit], len(now))
                )
    frame = pd.DataFrame(found, columns=DROP_COLUMNS)
    return frame.sort_values(["places", "unit"], ascending=[False, True]).reset_index(drop=True)
