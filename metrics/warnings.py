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
  ranking among their city's units from one month to the next (metrics/scorecard.ranks, the
  rank of the scorecard, of each month; the month is the one that ends on the day, else the last whole month before it).

Every list is in the viewer's scope: a county officer sees his county's. A unit's rank is its
place among the units of its city, whoever asks (that is what the scorecard shows the city's
leaders); only the units in the scope are listed. No list carries personal data: no phone, no
complainant, no description (the wall and the robot show them as they are).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from etl.values import missing
from metrics import kpis
from metrics.attention import second_black_list
from metrics.db import Warehouse, side_by_side
from metrics.escalations import open_cases
from metrics.facts import as_of
from metrics.filters import Filter, Scope, month_of
from metrics.funds import stalled_arrears
from metrics.regions import region_names
from metrics.scorecard import RANK_BY, ranks
from vocab.labels import label
from vocab.ladder import (
    DUE_SOON,
    DUE_WITHIN,
    RANK_DROP,
    RANK_DROP_PLACES,
    SECOND_BLACK,
    STALLED,
    STALLED_MONTHS,
    WARNING_KINDS,
)

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
STALLED_COLUMNS = [
    "project_id",
    "project",
    "developer",
    "unit",
    "unit_name",
    "last_recovered_on",
    "arrears_outstanding",
]
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
        return {
            DUE_SOON: self.due_soon,
            SECOND_BLACK: self.second_black,
            STALLED: self.stalled,
            RANK_DROP: self.rank_drop,
        }[kind]

    def counts(self) -> dict[str, int]:
        return {k: len(self.of(k)) for k in (DUE_SOON, SECOND_BLACK, STALLED, RANK_DROP)}


def early_warnings(wh: Warehouse, f: Filter, scope: Scope) -> Warnings:
    """The four lists for the filter's region within the scope, at the filter's end (数据截至 when
    it is later or open)."""
    at = as_of(wh, f, scope)
    now = Filter(f.region, None, at)
    lists = [due_soon, _black, _stalled, rank_drops]  # independent reads, side by side
    return Warnings(at, *side_by_side([lambda fn=fn: fn(wh, now, scope) for fn in lists]))


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

    return wh.memo(
        ("warning_ranks", city, month.start, month.end),
        lambda: ranks(wh, Filter(city, month.start, month.end), Scope(None, personal_data=False)),
    )


def rank_drops(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Units of the view (in the scope) that fell RANK_DROP_PLACES places or more among their city's
    units from the month before to the month: unit, unit_name, month (its first day), rank,
    previous_rank, places, ranked (units ranked that month); the largest fall first."""
    month, before = ranked_month(as_of(wh, f, scope))
    mine = kpis.scorecard(wh, list(RANK_BY), Filter(f.region, month.start, month.end), scope)
    units = [u for u in mine["unit"] if len(str(u)) in (6, 9)]
    names = region_names(wh)
    found = []
    for city in sorted({u[:4] + "00" for u in units}):
        now, then = _ranks(wh, city, month), _ranks(wh, city, before)
        for unit in units:
            if (
                unit.startswith(city[:4])
                and unit in now
                and unit in then
                and now[unit] - then[unit] >= RANK_DROP_PLACES
            ):
                found.append(
                    (unit, names.get(unit, unit), month.start, now[unit], then[unit], now[unit] - then[unit], len(now))
                )
    frame = pd.DataFrame(found, columns=DROP_COLUMNS)
    return frame.sort_values(["places", "unit"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------- an item in words, and its key


def describe(kind: str, row: dict, lang: str = "zh") -> str:
    """One warning in a sentence (the lists, the wall, the robot): names, dates and figures only."""

    def text(key: str) -> str:
        value = row.get(key)
        return "—" if missing(value) else str(value)  # NaN: not filled

    words = label(f"warning_line.{kind}", lang)
    if kind == DUE_SOON:
        return words.format(
            case_id=text("case_id"),
            unit_name=text("unit_name"),
            community_name=text("community_name"),
            category=text("category"),
            deadline=_day(row.get("deadline")),
            left=int(row["workdays_left"]),
        )
    if kind == SECOND_BLACK:
        return words.format(
            company_name=text("company_name"),
            unit_name=text("unit_name"),
            n=int(row["black_lists"]),
            dates=text("black_dates"),
        )
    if kind == STALLED:
        amount = float(row["arrears_outstanding"]) / 10_000
        return words.format(
            project=text("project"),
            unit_name=text("unit_name"),
            developer=text("developer"),
            amount=f"{amount:,.2f} 万元" if lang == "zh" else f"{amount:,.2f} × 10k yuan",
            months=STALLED_MONTHS,
        )
    month = row["month"]
    return words.format(
        unit_name=text("unit_name"),
        month=f"{month.year}年{month.month}月" if lang == "zh" else f"{month:%Y-%m}",
        rank=row["rank"],
        previous=row["previous_rank"],
        ranked=row["ranked"],
        places=row["places"],
    )


def key_of(kind: str, row: dict) -> str:
    """What makes a warning the same warning from one day to the next (the robot posts it once):
    a case and its deadline, a company and its 黑榜 dates, a project and its last recovery, a
    unit and its month."""
    if kind == DUE_SOON:
        return f"{kind}:{row['case_id']}:{_day(row.get('deadline'))}"
    if kind == SECOND_BLACK:
        return f"{kind}:{row['company_code']}:{row['black_dates']}"
    if kind == STALLED:
        return f"{kind}:{row['project_id']}:{_day(row.get('last_recovered_on'))}"
    return f"{kind}:{row['unit']}:{_day(row.get('month'))}"


def items(w: Warnings) -> list[tuple[str, dict]]:
    """Every warning as (kind, row), kind by kind, the worst first."""
    return [(kind, row) for kind in WARNING_KINDS for row in w.of(kind).to_dict("records")]


def _day(value) -> str:
    if missing(value):
        return "—"
    return pd.Timestamp(value).date().isoformat()
