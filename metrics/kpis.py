"""The KPI catalogue computed: every headline figure from the facts in metrics/facts.py.

The catalogue itself is data, in vocab/kpis.py (`CATALOGUE`, `BY_KEY`, `Kpi`, `KpiValue`,
`light`, re-exported here; its directions explained there). A KPI is a numerator (and, for a
rate, a denominator) over additive per-unit facts, so the same definition gives a region's
card, each county's scorecard cell and the rows of an export. The catalogue is also the
documentation: `python -m metrics` prints it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from etl.values import missing
from metrics import credit, credit_rules, deadlines, facts, hotline, mediation, party, reporting
from metrics.cuts import Cuts
from metrics.db import Warehouse, side_by_side
from metrics.filters import Filter, Scope
from vocab.kpis import BY_KEY as BY_KEY
from vocab.kpis import CATALOGUE as CATALOGUE
from vocab.kpis import Kpi as Kpi
from vocab.kpis import KpiValue as KpiValue
from vocab.kpis import light as light

FactsFn = Callable[[Warehouse, Filter, Scope], pd.DataFrame]


# where the catalogue's facts functions live: metrics/facts.py, and the subjects of their own
FACTS_MODULES = (facts, credit, party, hotline, mediation, reporting)


def facts_fn(name: str) -> FactsFn:
    """The function the catalogue names (`Kpi.facts`), of metrics/facts.py or a subject's module."""
    fn = _find(name)
    if fn is None:
        raise AttributeError(f"no facts function {name}")
    return fn


def _find(name: str) -> Callable | None:
    return next((getattr(m, name) for m in FACTS_MODULES if hasattr(m, name)), None)


def value_of(kpi: Kpi, frame: pd.DataFrame) -> tuple[float | None, float, float | None]:
    """(value, numerator, denominator) of a KPI over the rows of a facts frame; no rows at all is
    no value (None, shown 无数据), never a 0 that would read as a clean record."""
    if not len(frame):
        return None, 0.0, (0.0 if kpi.denominator else None)
    num = float(frame[kpi.numerator].sum())
    den = float(frame[kpi.denominator].sum()) if kpi.denominator else 0.0
    return _value(kpi, num, den)


def _value(kpi: Kpi, num: float, den: float) -> tuple[float | None, float, float | None]:
    """(value, numerator, denominator): a count or amount is its numerator; a rate num / den,
    None when there is nothing to divide by."""
    if kpi.denominator is None:
        return num, num, None
    return (num / den if den else None), num, den


def rate_of(key: str, frame: pd.DataFrame) -> pd.Series:
    """A rate KPI for each row of a frame holding the catalogue's numerator and denominator
    columns (a county table, a total row): the one definition, never a page's own division.
    Nothing to divide by is None (无数据), not 0 and not infinity."""
    kpi = BY_KEY[key]
    den = pd.to_numeric(frame[kpi.denominator], errors="coerce").astype(float)
    num = pd.to_numeric(frame[kpi.numerator], errors="coerce").astype(float)
    return (num / den.where(den != 0)).astype(object).where(den.notna() & (den != 0), None)


def rate_from(key: str, row: dict) -> float | None:
    """The same for one row given as a dict (a table's total row)."""
    kpi = BY_KEY[key]
    return _value(kpi, float(row.get(kpi.numerator) or 0), float(row.get(kpi.denominator) or 0))[0]


def latest_year(years: pd.Series, f: Filter) -> int | None:
    """A rating's "latest year": the latest evaluation year within the filter's years (the
    KPIs star_high_share and credit_a_share count that year alone); None when there is none."""
    first, last = f.years()
    inside = years[(years >= (first or 0)) & (years <= (last or 9999))]
    return int(inside.max()) if len(inside) else None


def compute(
    wh: Warehouse,
    keys: list[str],
    f: Filter,
    scope: Scope,
    with_previous: bool = True,
    current: dict[str, pd.DataFrame] | None = None,
    with_year_ago: bool = False,
) -> dict[str, KpiValue]:
    """The values of several KPIs for a filter, each facts query run once, with the previous
    period's values and (`with_year_ago`) the same period a year earlier's — each where the
    ledger covers the whole of that period (`facts.covered_since`); elsewhere no change is given
    rather than a change against a period without data.
    `current` reuses facts already read for the same filter (see `facts_for`). Kept per published
    version, filter and scope (`Warehouse.kept`): every viewer of the same view after the first
    gets them without arithmetic."""
    if current is None:
        key = ("kpis.compute", tuple(keys), f, scope, with_previous, with_year_ago, rules_key())
        kept = wh.kept(key, lambda: _compute(wh, keys, f, scope, with_previous, None, with_year_ago), _KEPT_SIZE)
        return dict(kept)  # KpiValue is frozen: a copy of the dict is the caller's own
    return _compute(wh, keys, f, scope, with_previous, current, with_year_ago)


_KEPT_SIZE = 2048  # bytes a view's KPI values or months take, about (a dozen frozen values)


def rules_key() -> tuple:
    """The rules the catalogue's facts read from data files at query time, besides the published
    file: the deadline rules (overdue cases), the credit rules (actions due) and the reporting
    calendar (reports due). A value kept for a
    view holds for the rules it was computed with; an edited file is read afresh (each module
    re-reads its file when it changes), and so are the values."""
    return (deadlines.deadline_rules(), credit_rules.current()[0], reporting.current()[0])


def _compute(
    wh: Warehouse,
    keys: list[str],
    f: Filter,
    scope: Scope,
    with_previous: bool,
    current: dict[str, pd.DataFrame] | None,
    with_year_ago: bool,
) -> dict[str, KpiValue]:
    kpis = [BY_KEY[k] for k in keys]
    current = current if current is not None else _facts(wh, kpis, f, scope)
    before = {
        "previous": _comparable_facts(wh, kpis, f.previous() if with_previous else None, scope),
        "year_ago": _comparable_facts(wh, kpis, f.year_ago() if with_year_ago else None, scope),
    }
    return _values(kpis, current, before)


def _values(
    kpis: list[Kpi], current: dict[str, pd.DataFrame], before: dict[str, dict[str, pd.DataFrame]]
) -> dict[str, KpiValue]:
    """Each KPI's value from its facts, with those of the periods compared where there are some."""
    out = {}
    for kpi in kpis:
        value, num, den = value_of(kpi, current[kpi.facts])
        then = {k: value_of(kpi, frames[kpi.facts])[0] if kpi.facts in frames else None for k, frames in before.items()}
        out[kpi.key] = KpiValue(kpi, value, num, den, **then)
    return out


def _comparable_facts(wh: Warehouse, kpis: list[Kpi], other: Filter | None, scope: Scope) -> dict[str, pd.DataFrame]:
    """The facts of another period for the KPIs whose ledger covers the whole of it."""
    comparable = _comparable(wh, kpis, other)
    return _facts(wh, comparable, other, scope) if comparable else {}


def _comparable(wh: Warehouse, kpis: list[Kpi], other: Filter | None) -> list[Kpi]:
    """The KPIs whose ledger covers the whole of another period (none without one)."""
    return [k for k in kpis if other and _covers(wh, k.facts, other)]


def to_date(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, months: int = 12
) -> dict[str, list[tuple[dt.date, float | None]]]:
    """Each KPI as it stood at each month's end of the period (a card's sparkline): the catalogue's
    value (`compute`) over the period's start to that month's end, for the last `months` months of
    the period, the last one cut at the period's end (数据截至 for an open period). The last point
    is the card's own figure; a rate is not that of the month alone (a month's rectification rate
    counts only the cases received in it, which reads far below the period's). A point whose
    period the ledger does not wholly cover, or with no rows, is None (a gap, never 0).
    {key: [(the month's first day, value)]}. Kept per version, filter and scope, as `compute`."""
    key = ("kpis.to_date", tuple(keys), f, scope, months, rules_key())
    kept = wh.kept(key, lambda: _to_date(wh, keys, f, scope, months), _KEPT_SIZE * months)
    return {k: list(points) for k, points in kept.items()}  # the points are tuples: the lists are the caller's


def _to_date(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, months: int
) -> dict[str, list[tuple[dt.date, float | None]]]:
    cuts = _cuts(wh, f, scope, months)
    if cuts is None:
        return {k: [] for k in keys}
    kpis = [BY_KEY[k] for k in keys]
    return _points(wh, kpis, cuts, f.region, facts_by_cut(wh, keys, cuts, f.region, scope))


def _cuts(wh: Warehouse, f: Filter, scope: Scope, months: int) -> Cuts | None:
    """The month ends of a view's sparklines; None when there is no month of it to show (no dated
    row, or the period starts after the data's last date)."""
    end = f.end or facts.data_as_of(wh, f, scope)
    cuts = Cuts.months(f, end, months) if end else None
    return cuts if cuts and cuts.n else None


def _points(
    wh: Warehouse, kpis: list[Kpi], cuts: Cuts, region: str | None, frames: dict[str, list[pd.DataFrame]]
) -> dict[str, list[tuple[dt.date, float | None]]]:
    return {
        kpi.key: [
            (
                so_far.end.replace(day=1),
                value_of(kpi, frames[kpi.facts][i])[0] if _covers(wh, kpi.facts, so_far) else None,
            )
            for i, so_far in enumerate(cuts.filters(region))
        ]
        for kpi in kpis
    }


def headline(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, months: int = 12
) -> tuple[dict[str, KpiValue], dict[str, list[tuple[dt.date, float | None]]]]:
    """A view's cards: `compute` with the previous period and the year before, and `to_date`'s
    sparklines, the same values as those two give. A period with an end is the last of its
    sparkline's ends, so its figures are read from the same scan as the months' (one statement
    per facts function fewer); an open one (to 数据截至) is asked apart. The reads are independent
    and run side by side (`metrics.db.side_by_side`). Kept per version, filter and scope, as `compute`."""
    key = ("kpis.headline", tuple(keys), f, scope, months, rules_key())
    values, points = wh.kept(key, lambda: _headline(wh, keys, f, scope, months), _KEPT_SIZE * (months + 1))
    return dict(values), {k: list(p) for k, p in points.items()}


def _headline(wh: Warehouse, keys: list[str], f: Filter, scope: Scope, months: int):
    kpis = [BY_KEY[k] for k in keys]
    cuts = _cuts(wh, f, scope, months)
    if cuts is None:
        return _compute(wh, keys, f, scope, True, None, True), {k: [] for k in keys}
    names = list(dict.fromkeys(k.facts for k in kpis))
    # every read is independent: each facts function at the month ends, for the period (unless it
    # is the last end: a period with an end), for the previous period and for the year before,
    # asked side by side
    tasks = {("ends", n): lambda n=n: _by_cut(wh, n, cuts, f.region, scope) for n in names}
    if f.end is None:  # an open period is not the last end (a row dated after 数据截至 counts in it)
        tasks.update({("now", n): lambda n=n: facts_fn(n)(wh, f, scope) for n in names})
    for side, other in (("previous", f.previous()), ("year_ago", f.year_ago())):
        for n in dict.fromkeys(k.facts for k in _comparable(wh, kpis, other)):
            tasks[(side, n)] = lambda n=n, other=other: facts_fn(n)(wh, other, scope)
    answers = dict(zip(tasks, side_by_side(list(tasks.values())), strict=True))
    frames = {n: answers[("ends", n)] for n in names}
    current = {n: answers[("now", n)] if f.end is None else frames[n][-1] for n in names}
    before = {side: {n: a for (s, n), a in answers.items() if s == side} for side in ("previous", "year_ago")}
    return _values(kpis, current, before), _points(wh, kpis, cuts, f.region, frames)


def facts_by_cut(
    wh: Warehouse, keys: list[str], cuts: Cuts, region: str | None, scope: Scope
) -> dict[str, list[pd.DataFrame]]:
    """The facts the KPIs need at each end of `cuts`, the functions asked side by side: {facts
    name: [frame at each end]}. A facts function with a version by end (`<name>_by_cut`: one scan
    for all the ends; for monthly cuts, one marked `by_month`) is asked once; one of the years only
    (`cuts.by_years`) once per years; the others once per end (the ends share a frame: it is read,
    never changed)."""
    names = list(dict.fromkeys(BY_KEY[k].facts for k in keys))
    return dict(zip(names, side_by_side([lambda n=n: _by_cut(wh, n, cuts, region, scope) for n in names]), strict=True))


def _by_cut(wh: Warehouse, name: str, cuts: Cuts, region: str | None, scope: Scope) -> list[pd.DataFrame]:
    """One facts function's frame at each end of `cuts` (`facts_by_cut`)."""
    by_cut = _find(name + "_by_cut")
    if by_cut is None or (cuts.monthly and not getattr(by_cut, "by_month", False)):
        fn, asked = facts_fn(name), {}
        keyed = (lambda p: p.years()) if getattr(fn, "by_years", False) else (lambda p: p)
        for period in cuts.filters(region):
            if keyed(period) not in asked:
                asked[keyed(period)] = fn(wh, period, scope)
        return [asked[keyed(p)] for p in cuts.filters(region)]
    frame = by_cut(wh, region, cuts, scope)
    rows = frame.groupby("cut").indices  # the rows of each end, found once
    body = frame.drop(columns="cut")
    return [body.take(rows.get(i, np.empty(0, dtype=int))) for i in range(cuts.n)]


def scorecard(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, frames: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """One row per reporting unit with each KPI's value (and numerator/denominator columns),
    by `value_of`'s arithmetic. A unit with no rows for a KPI has no value (NaN in all three
    columns: shown 无数据, unranked, without a light), never a 0; the counties of the region (of
    each city that holds data, for the whole province) that sent nothing at all are listed too,
    each with no value, so that a county missing from the ledgers is seen, not hidden."""
    if frames is None:  # kept per version, filter and scope, as `compute`; each caller gets a copy
        key = ("kpis.scorecard", tuple(keys), f, scope, rules_key())
        table = wh.kept(key, lambda: _scorecard(wh, keys, f, scope, None))
        return table.copy()
    return _scorecard(wh, keys, f, scope, frames)


def _scorecard(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, frames: dict[str, pd.DataFrame] | None
) -> pd.DataFrame:
    kpis = [BY_KEY[k] for k in keys]
    frames = frames if frames is not None else _facts(wh, kpis, f, scope)
    per_unit = {fn: _per_unit(frame) for fn, frame in frames.items()}
    units = {u for rows in per_unit.values() for u in rows}
    units = sorted(units | _silent_counties(wh, f, scope, units))
    rows = []
    for unit in units:
        row: dict = {"unit": unit}
        for kpi in kpis:
            facts_row = per_unit[kpi.facts].get(unit)
            if facts_row is None:
                row[kpi.key] = row[kpi.key + "__num"] = row[kpi.key + "__den"] = NAN
                continue
            den = _number(facts_row, kpi.denominator) if kpi.denominator else 0.0
            value, num, den_ = _value(kpi, _number(facts_row, kpi.numerator), den)
            # a rate with nothing to divide by is NaN in the table, as pandas would hold it
            row[kpi.key] = NAN if value is None else value
            row[kpi.key + "__num"], row[kpi.key + "__den"] = num, den_
        rows.append(row)
    columns = ["unit"] + [k.key + suffix for k in kpis for suffix in ("", "__num", "__den")]
    return pd.DataFrame(rows, columns=columns)


NAN = float("nan")


def _silent_counties(wh: Warehouse, f: Filter, scope: Scope, units: set[str]) -> set[str]:
    """County-level units of the filtered region (or of the cities the data touches) within the
    scope that are not among `units`."""
    if f.region and len(f.region) > 6:
        return set()
    prefixes = {f.region[:4] if f.region.endswith("00") else f.region} if f.region else {u[:4] for u in units}
    prefixes = {p for p in prefixes if not p.endswith("00")}  # not the whole province
    if not prefixes:
        return set()
    counties = wh.memo(
        "county_codes", lambda: [c for (c,) in wh.rows("SELECT code FROM regions WHERE level = 'county'")]
    )
    cities = {p for p in prefixes if len(p) == 4}  # a set lookup per county: the table has thousands
    found = {c for c in counties if c[:4] in cities or c in prefixes}
    return {c for c in found - units if scope.allows(c)}


def _number(row: dict | None, column: str) -> float:
    value = row.get(column) if row else None
    return 0.0 if missing(value) else float(value)


def comparable(wh: Warehouse, key: str, f: Filter) -> bool:
    """Whether the ledger behind a KPI covers the whole of a period (a change against it means something)."""
    return _covers(wh, BY_KEY[key].facts, f)


def _covers(wh: Warehouse, facts_name: str, f: Filter) -> bool:
    since = facts.covered_since(wh, facts_fn(facts_name))
    return since is None or (f.start is not None and f.start >= since)


def _per_unit(frame: pd.DataFrame) -> dict[str, dict]:
    """A facts frame as {unit: row} (the facts queries give one row per unit; summed if not)."""
    if not frame["unit"].is_unique:
        frame = frame.groupby("unit", as_index=False).sum(numeric_only=True)
    return {row["unit"]: row for row in frame.to_dict("records")}


def facts_for(wh: Warehouse, keys: list[str], f: Filter, scope: Scope) -> dict[str, pd.DataFrame]:
    """The facts the given KPIs need, each read once, to share between cards and a scorecard."""
    return _facts(wh, [BY_KEY[k] for k in keys], f, scope)


def _facts(wh: Warehouse, kpis: list[Kpi], f: Filter, scope: Scope) -> dict[str, pd.DataFrame]:
    """Each facts function the KPIs need, asked once, side by side."""
    needed = list(dict.fromkeys(k.facts for k in kpis))
    tasks = [lambda name=name: facts_fn(name)(wh, f, scope) for name in needed]
    return dict(zip(needed, side_by_side(tasks), strict=True))
