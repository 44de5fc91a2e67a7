"""What a viewer asks for (Filter) and what a viewer may see (Scope), as SQL fragments
(etl.sql.Sql) with named parameters: `$region`, `$scope_0` …, `$start`, `$end`, `$first_year`,
`$last_year` — the same names in every statement, bound to the filter's values.

Every metric takes both. A region filter or scope is a region code of any level:
province `140000`, city `140700`, county `140702`, township `140702401`; a row
belongs to it when its region code starts with the code's significant digits.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace

from etl.sql import FALSE, TRUE, Sql

PROVINCE = "140000"

NO_END = dt.date(9999, 12, 31)  # an open period's end, where a stock is taken at an end: every date


def region_prefix(code: str) -> str:
    """`140000` -> `14`, `140700` -> `1407`, `140702` -> `140702`, `140702401` unchanged."""
    if len(code) == 9:
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _parse_date(value: object) -> dt.date | None:
    if value in (None, "", []):
        return None
    if isinstance(value, list):  # a repeated query parameter: the last one wins
        value = value[-1]
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _parse_region(value: object) -> str | None:
    if isinstance(value, list):
        value = value[-1] if value else None
    text = str(value or "").strip()
    return text if text.isdigit() and len(text) in (6, 9) else None


def months_before(d: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (or later, for a negative number); the
    month's last day when it is shorter (2024-02-29 less 12 months is 2023-02-28)."""
    index = d.year * 12 + d.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_of(d: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month of a date."""
    return d.replace(day=1), d.replace(day=calendar.monthrange(d.year, d.month)[1])


@dataclass(frozen=True)
class Filter:
    """The viewer's question: which region, which period (inclusive dates)."""

    region: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_query(cls, region: object = None, start: object = None, end: object = None) -> Filter:
        """From URL query strings; anything unparseable is ignored rather than failing."""
        s, e = _parse_date(start), _parse_date(end)
        if s and e and s > e:
            s, e = e, s
        return cls(_parse_region(region), s, e)

    def previous(self) -> Filter | None:
        """The period just before this one (None for an open period): as many whole months when
        the period is whole months (2024-07-01…2024-12-31 → 2024-01-01…2024-06-30), else as many days."""
        if not (self.start and self.end):
            return None
        end = self.start - dt.timedelta(days=1)
        if self.start.day == 1 and (self.end + dt.timedelta(days=1)).day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
            first = self.start.year * 12 + self.start.month - 1 - months
            return replace(self, start=dt.date(first // 12, first % 12 + 1, 1), end=end)
        return replace(self, start=end - (self.end - self.start), end=end)

    def year_ago(self) -> Filter | None:
        """The same period a year earlier (同期; None for an open period): 2025-01-01…2025-05-31 →
        2024-01-01…2024-05-31; 29 February becomes the 28th."""
        if not (self.start and self.end):
            return None
        return replace(self, start=months_before(self.start, 12), end=months_before(self.end, 12))

    def years(self) -> tuple[int | None, int | None]:
        return (self.start.year if self.start else None, self.end.year if self.end else None)


@dataclass(frozen=True)
class Scope:
    """What the viewer may see: the regions (None = all) and whether personal data shows."""

    regions: tuple[str, ...] | None = None
    personal_data: bool = False

    def allows(self, code: str) -> bool:
        return self.regions is None or any(code.startswith(region_prefix(r)) for r in self.regions)


# Until login exists every viewer sees every region; personal data stays masked except
# where a page is for the people who need it (the escalation page) and passes its own scope.
EVERYTHING = Scope(None, personal_data=False)


def region_sql(column: str, f: Filter, scope: Scope) -> Sql:
    """`column` (a region code) lies in the filter's region (`$region`) and the scope (`$scope_0` …)."""
    parts, params = [], {}
    if f.region:
        parts.append(f"starts_with({column}, $region)")
        params["region"] = region_prefix(f.region)
    if scope.regions is not None:
        if not scope.regions:
            return FALSE
        names = [f"scope_{i}" for i in range(len(scope.regions))]
        parts.append("(" + " OR ".join(f"starts_with({column}, ${n})" for n in names) + ")")
        params.update(zip(names, (region_prefix(r) for r in scope.regions), strict=True))
    return Sql(" AND ".join(parts) or "TRUE", params)


def period_sql(column: str, f: Filter) -> Sql:
    """`column` (a date) lies in the filter's period (`$start`, `$end`)."""
    parts, params = [], {}
    if f.start:
        parts.append(f"{column} >= $start")
        params["start"] = f.start
    if f.end:
        parts.append(f"{column} <= $end")
        params["end"] = f.end
    return Sql(" AND ".join(parts) or "TRUE", params)


def until_sql(column: str, f: Filter) -> Sql:
    """`column` is on or before the end of the period (`$end`; stock figures)."""
    return Sql.of(f"{column} <= $end", end=f.end) if f.end else TRUE


def year_sql(column: str, f: Filter) -> Sql:
    """The integer year `column` lies in the years the period touches (`$first_year`, `$last_year`)."""
    first, last = f.years()
    parts, params = [], {}
    if first:
        parts.append(f"{column} >= $first_year")
        params["first_year"] = first
    if last:
        parts.append(f"{column} <= $last_year")
        params["last_year"] = last
    return Sql(" AND ".join(parts) or "TRUE", params)


def limit_sql(limit: int | None) -> Sql:
    """`LIMIT $limit`, or nothing when `limit` is None."""
    return Sql.of("LIMIT $limit", limit=limit) if limit is not None else Sql("")


def where(*conditions: Sql) -> Sql:
    """The conditions ANDed together (TRUE when none)."""
    return Sql.join(" AND ", (Sql(f"({c})", c.params) for c in conditions), empty="TRUE")
