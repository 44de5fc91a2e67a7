"""A facts query at several period ends in one scan: a card's sparkline asks for each KPI from
the period's start to each of the last twelve months' ends, and twelve queries over the same rows
(one per month) cost twelve scans.

The ends (`Cuts.ends`) are consecutive months' last days, the last one possibly earlier in its
month (数据截至, or the period's end). A row's date is turned into the
index of the first end it counts at (`Cuts.first`: `date <= end`; `strict`: `date < end`), so
that a condition like "received by the end and not closed by it" becomes "from index a until
index b", and a count at every end is a running sum of +n at a and -n at b (`running`).

With `monthly` cuts (`Cuts.each_month`: a county's trend) each end is a period of its own, its
month: a flow counts at its own end only (`Cuts.flow`), a stock as before. Versions that answer
them are marked `by_month`; the others are asked once per month.

A facts function stays the definition of its figures, one statement per period; its version by
end (`case_facts_by_cut`, …; `kpis.to_date` uses it where there is one) answers the same at many
ends, and tests/test_facts_by_cut.py holds the two equal at every end of several views, against
plain statements too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.sql import Sql
from metrics.db import Warehouse
from metrics.filters import Filter, month_of, months_before


@dataclass(frozen=True)
class Cuts:
    """The period's start (None: since the beginning) and its ends, ascending. `monthly`: each end
    is the end of a period of its own, its month (from the month's first day to the end: a
    county's trend month by month), instead of the period from the start to the end."""

    start: dt.date | None
    ends: tuple[dt.date, ...]
    monthly: bool = False

    @classmethod
    def months(cls, f: Filter, end: dt.date, months: int) -> Cuts:
        """The last `months` month ends up to `end` (the last one `end` itself) that are not before
        the period's start."""
        ends = []
        for i in range(months - 1, -1, -1):
            _, last = month_of(months_before(end.replace(day=1), i))
            if f.start is None or last >= f.start:
                ends.append(min(last, end))
        return cls(f.start, tuple(ends))

    @classmethod
    def each_month(cls, months: list[Filter]) -> Cuts:
        """Consecutive calendar months, each a period of its own (the last one possibly cut before
        its month's end); their region is not kept."""
        ends = tuple(m.end for m in months)
        whole = all(m.start == m.end.replace(day=1) for m in months) and all(month_of(e)[1] == e for e in ends[:-1])
        if not whole or any(
            months_before(b.replace(day=1), 1) != a.replace(day=1) for a, b in zip(ends[:-1], ends[1:], strict=True)
        ):
            raise ValueError(f"not consecutive months from their first days: {months}")
        return cls(months[0].start, ends, monthly=True)

    def filters(self, region: str | None) -> list[Filter]:
        """The period at each end, as a Filter (what each end's figures mean)."""
        if self.monthly:
            return [Filter(region, end.replace(day=1), end) for end in self.ends]
        return [Filter(region, self.start, end) for end in self.ends]

    def flow(self, at: str) -> tuple[str, str | None]:
        """`running`'s (from, until) of a flow that happens at end index `at` (a SQL expression):
        counted at every end from it on, or with `monthly` at that end's month alone."""
        return (at, f"({at}) + 1") if self.monthly else (at, None)

    @property
    def n(self) -> int:
        return len(self.ends)

    def params(self, sql: str) -> dict:
        """The values `first`, `since` and `running` use in a statement's text: the first end's
        month, the last end, how many, and the period's start where `since` asked for it (DuckDB
        refuses a value the text does not name)."""
        start = {"cut_start": self.start} if "$cut_start" in sql else {}
        return {"cut_m0": self.ends[0].replace(day=1), "cut_last": self.ends[-1], "cut_n": self.n, **start}

    def since(self, date: str) -> str:
        """SQL: a date (a SQL expression) lies in the period from its start on (any date, when it
        has none; never a NULL one)."""
        return f"{date} >= $cut_start" if self.start else f"{date} IS NOT NULL"

    def first(self, date: str, strict: bool = False) -> str:
        """SQL: the index of the first end a date (a SQL expression) counts at — the first end on
        or after it (`date <= end`), or with `strict` the first end after it (`date < end`); `n`
        when there is none; NULL for a NULL date. Ends before the last are their month's last
        day, so a date's month tells its end."""
        beyond = f"{date} >= $cut_last" if strict else f"{date} > $cut_last"
        on_end = f" + ({date} = last_day({date}))::INTEGER" if strict else ""
        return f"""(CASE WHEN {date} IS NULL THEN NULL WHEN {date} < $cut_m0 THEN 0
            WHEN {beyond} THEN $cut_n ELSE datediff('month', $cut_m0, {date}){on_end} END)"""

    def first_until(self, date: str, cap: str, strict: bool = False) -> str:
        """As `first`, against ends capped at `cap` (a SQL expression): `date <= least(end, cap)`
        (`<` with strict). A stock taken at 数据截至 when the end is later (`facts.as_of`)."""
        within = f"{date} < {cap}" if strict else f"{date} <= {cap}"
        return f"(CASE WHEN {within} THEN {self.first(date, strict)} WHEN {date} IS NULL THEN NULL ELSE $cut_n END)"


def by_month(fn):
    """Marks a version by end that also answers `monthly` cuts (each end its own month): the
    others are asked once per month (`kpis`); tests/test_facts_by_cut.py holds both equal."""
    fn.by_month = True
    return fn


def by_years(fn):
    """Marks a facts function whose figures depend on the period's years only (a year's fund ledger,
    the ratings of the latest year it touches): `kpis.to_date` asks it once for all the ends in the
    same years (tests/test_facts_by_cut.py holds the mark to what the function does)."""
    fn.by_years = True
    return fn


def running(wh: Warehouse, cuts: Cuts, source: Sql, counts: dict[str, tuple]) -> pd.DataFrame:
    """Counts at every end in one scan. `source`: a SELECT of rows with `unit`, a weight `n` and
    the columns the expressions read. `counts`: {column: (from, until[, weight])}, SQL expressions
    of a row's end indexes: the row counts its weight (`n` unless given) in the column at the ends
    from `from` (NULL: never) until before `until` (None or NULL: to the last). [cut (its index),
    unit, columns…]: every unit of the source at every end, 0 where nothing counts."""
    columns = list(counts)
    specs = list(counts.values())
    # the rows grouped first by their end indexes (a dozen values each): the events are then
    # read from a few thousand groups instead of every row once per column and sign
    spans = ", ".join(f"{spec[0]} AS f{i}, {spec[1] or 'NULL'} AS u{i}" for i, spec in enumerate(specs))
    keys = ", ".join(f"f{i}, u{i}" for i in range(len(specs)))
    weights = ", ".join(f"sum({spec[2] if len(spec) > 2 else 'n'}) AS w{i}" for i, spec in enumerate(specs))
    events = " UNION ALL ".join(
        f"SELECT unit, {i} AS col, f{i} AS k, w{i} AS d FROM e WHERE f{i} < least(coalesce(u{i}, $cut_n), $cut_n) "
        f"UNION ALL SELECT unit, {i}, u{i}, -w{i} FROM e WHERE f{i} < u{i} AND u{i} < $cut_n"
        for i in range(len(columns))
    )
    sql = f"""WITH e AS MATERIALIZED (
            SELECT unit, {keys}, {weights} FROM (SELECT *, {spans} FROM ({source}) s0) s GROUP BY ALL)
        SELECT unit, col, k, sum(d)::DOUBLE AS d FROM ({events}) ev GROUP BY ALL
        UNION ALL SELECT DISTINCT unit, -1, 0, 0 FROM e"""
    deltas = wh.frame(Sql.of(sql, source, **cuts.params(sql)))
    units = sorted(deltas["unit"].dropna().unique())
    moved = deltas[deltas["col"] >= 0]
    # every end's count: the deltas placed at (end, unit, column), summed over the ends so far
    counts = np.zeros((cuts.n, len(units), len(columns)))
    at = (moved["k"].to_numpy(dtype=int), pd.Index(units).get_indexer(moved["unit"]), moved["col"].to_numpy(dtype=int))
    np.add.at(counts, at, moved["d"].to_numpy(dtype=float))
    counts = counts.cumsum(axis=0).reshape(cuts.n * len(units), len(columns))
    frame = pd.DataFrame(counts, columns=columns)
    frame.insert(0, "unit", np.tile(np.array(units, dtype=object), cuts.n))
    frame.insert(0, "cut", np.repeat(np.arange(cuts.n), len(units)))
    return frame
