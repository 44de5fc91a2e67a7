"""The KPI catalogue: every headline figure defined once, from the facts in metrics/facts.py.

A KPI is a numerator (and, for a rate, a denominator) over additive per-unit facts, so
the same definition gives a region's card, each county's scorecard cell and the rows
of an export. The catalogue is also the documentation: `python -m metrics` prints it.

Direction: every KPI says whether higher is better (`higher_is_better`); ranks, traffic lights,
sort orders and the wall's medals follow it. The choices that are not obvious: refunds (amount,
households) are what the campaign returned to owners — more is better; arrears listed and
outstanding and overdue cases are debts and backlogs — less is better; arrears recovered, the
usage rate and every coverage or share are outcomes — more is better.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from metrics import facts
from metrics.db import Warehouse
from metrics.filters import Filter, Scope

FactsFn = Callable[[Warehouse, Filter, Scope], pd.DataFrame]


@dataclass(frozen=True)
class Kpi:
    key: str
    zh: str
    en: str
    kind: str  # "rate" (num/den), "count" or "amount" (yuan)
    facts: FactsFn
    numerator: str
    denominator: str | None = None
    higher_is_better: bool = True
    green: float | None = None  # traffic light: at least this is green (at most, if lower is better)
    amber: float | None = None
    definition: str = ""
    parts: str = "count"  # how numerator and denominator read: "count" or "amount"


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "rectification_rate",
        "问题整改率",
        "Rectification rate",
        "rate",
        facts.case_facts,
        "rectified_main",
        "received_main",
        green=0.95,
        amber=0.85,
        definition="排查问题与线索中，期内受理且在期末前已整改或办结的比例。",
    ),
    Kpi(
        "complaint_close_rate",
        "投诉办结率",
        "Complaint close rate",
        "rate",
        facts.case_facts,
        "rectified_complaints",
        "received_complaints",
        green=0.95,
        amber=0.85,
        definition="期内受理的投诉举报中，在期末前已办结的比例。",
    ),
    Kpi(
        "overdue_cases",
        "超期未办结",
        "Overdue open cases",
        "count",
        facts.case_facts,
        "overdue_cases",
        higher_is_better=False,
        green=0,
        amber=10,
        definition="截至期末仍未整改、且已过整改时限的问题数；越少越好。",
    ),
    Kpi(
        "refund_amount",
        "违规收费清退金额",
        "Illegal fees refunded",
        "amount",
        facts.refund_facts,
        "refund_amount",
        definition="期内清退的违规收费金额（元）；退还业主越多越好。",
    ),
    Kpi(
        "refund_households",
        "清退涉及户数",
        "Households refunded",
        "count",
        facts.refund_facts,
        "refund_households",
        definition="期内违规收费清退涉及的户数；越多越好。",
    ),
    Kpi(
        "arrears_listed",
        "维修资金欠缴建账",
        "Fund arrears listed",
        "amount",
        facts.arrears_facts,
        "arrears_listed",
        higher_is_better=False,
        definition="截至期末已建账的开发企业欠缴维修资金（元）；欠缴越少越好。",
    ),
    Kpi(
        "arrears_recovered",
        "期内追缴到账",
        "Arrears recovered",
        "amount",
        facts.arrears_facts,
        "arrears_recovered",
        definition="期内追缴到账的欠缴维修资金（元）。",
    ),
    Kpi(
        "arrears_outstanding",
        "尚未追缴",
        "Arrears outstanding",
        "amount",
        facts.arrears_facts,
        "arrears_outstanding",
        higher_is_better=False,
        definition="截至期末，各项目已建账欠缴额减去其累计追缴到账额（多缴的项目计 0）之和（元）；越少越好。",
    ),
    Kpi(
        "arrears_recovery_rate",
        "欠缴追缴率",
        "Arrears recovery rate",
        "rate",
        facts.arrears_facts,
        "arrears_recovered_to_date",
        "arrears_listed",
        green=0.5,
        amber=0.2,
        definition="截至期末累计追缴到账额占已建账欠缴额的比例。",
        parts="amount",
    ),
    Kpi(
        "fund_usage_rate",
        "维修资金使用率",
        "Fund usage rate",
        "rate",
        facts.ledger_facts,
        "fund_used",
        "fund_collected",
        definition="期内各年度维修资金使用额占归集额的比例。",
        parts="amount",
    ),
    Kpi(
        "service_coverage",
        "物业服务覆盖率",
        "Property service coverage",
        "rate",
        facts.community_facts,
        "with_service",
        "communities",
        green=1.0,
        amber=0.9,
        definition="截至期末有物业服务（非“无物业”）的小区占全部小区的比例。",
    ),
    Kpi(
        "committee_coverage",
        "业委会（物管会）组建率",
        "Owners' committee coverage",
        "rate",
        facts.community_facts,
        "with_committee",
        "communities",
        green=0.8,
        amber=0.5,
        definition="截至期末已组建业委会或物管会的小区占全部小区的比例。",
    ),
    Kpi(
        "star_high_share",
        "四星及以上项目占比",
        "Share of 4–5 star projects",
        "rate",
        facts.rating_facts,
        "star_high",
        "star_rated",
        green=0.3,
        amber=0.1,
        definition="期内最近一个评价年度，四星及以上服务项目占参评项目的比例。",
    ),
    Kpi(
        "credit_a_share",
        "A 级企业占比",
        "Share of A-grade companies",
        "rate",
        facts.credit_facts,
        "credit_a",
        "credit_rated",
        green=0.2,
        amber=0.1,
        definition="期内最近一个评价年度，信用等级为 A 的企业占参评企业的比例。",
    ),
)

BY_KEY = {k.key: k for k in CATALOGUE}


@dataclass(frozen=True)
class KpiValue:
    kpi: Kpi
    value: float | None
    numerator: float
    denominator: float | None
    previous: float | None = None  # the value in the previous period, when there is one

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


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


def light(kpi: Kpi, value: float | None) -> str:
    """Traffic light of a value: green, amber, red, or none when the KPI has no thresholds."""
    if value is None or value != value or kpi.green is None or kpi.amber is None:  # None or NaN: no value
        return "none"
    if kpi.higher_is_better:
        return "green" if value >= kpi.green - 1e-12 else "amber" if value >= kpi.amber else "red"
    return "green" if value <= kpi.green else "amber" if value <= kpi.amber else "red"


def compute(
    wh: Warehouse,
    keys: list[str],
    f: Filter,
    scope: Scope,
    with_previous: bool = True,
    current: dict[FactsFn, pd.DataFrame] | None = None,
) -> dict[str, KpiValue]:
    """The values of several KPIs for a filter, each facts query run once, with the previous
    period's values — where the ledger covers the whole previous period (`facts.covered_since`);
    elsewhere no change is given rather than a change against a period without data.
    `current` reuses facts already read for the same filter (see `facts_for`)."""
    kpis = [BY_KEY[k] for k in keys]
    current = current if current is not None else _facts(wh, kpis, f, scope)
    prev_filter = f.previous() if with_previous else None
    # compare only where the ledger covers the whole previous period
    comparable = [k for k in kpis if prev_filter and _covers(wh, k.facts, prev_filter)]
    previous = _facts(wh, comparable, prev_filter, scope) if comparable else {}
    out = {}
    for kpi in kpis:
        value, num, den = value_of(kpi, current[kpi.facts])
        before = value_of(kpi, previous[kpi.facts])[0] if kpi.facts in previous else None
        out[kpi.key] = KpiValue(kpi, value, num, den, before)
    return out


def scorecard(
    wh: Warehouse, keys: list[str], f: Filter, scope: Scope, frames: dict[FactsFn, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """One row per reporting unit with each KPI's value (and numerator/denominator columns),
    by `value_of`'s arithmetic. A unit with no rows for a KPI has no value (NaN in all three
    columns: shown 无数据, unranked, without a light), never a 0; the counties of the region (of
    each city that holds data, for the whole province) that sent nothing at all are listed too,
    each with no value, so that a county missing from the ledgers is seen, not hidden."""
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
    return 0.0 if value is None or value != value else float(value)


def _covers(wh: Warehouse, facts_fn: FactsFn, f: Filter) -> bool:
    since = facts.covered_since(wh, facts_fn)
    return since is None or (f.start is not None and f.start >= since)


def _per_unit(frame: pd.DataFrame) -> dict[str, dict]:
    """A facts frame as {unit: row} (the facts queries give one row per unit; summed if not)."""
    if not frame["unit"].is_unique:
        frame = frame.groupby("unit", as_index=False).sum(numeric_only=True)
    return {row["unit"]: row for row in frame.to_dict("records")}


def facts_for(wh: Warehouse, keys: list[str], f: Filter, scope: Scope) -> dict[FactsFn, pd.DataFrame]:
    """The facts the given KPIs need, each read once, to share between cards and a scorecard."""
    return _facts(wh, [BY_KEY[k] for k in keys], f, scope)


def _facts(wh: Warehouse, kpis: list[Kpi], f: Filter, scope: Scope) -> dict[FactsFn, pd.DataFrame]:
    needed = list(dict.fromkeys(k.facts for k in kpis))
    return {fn: fn(wh, f, scope) for fn in needed}
