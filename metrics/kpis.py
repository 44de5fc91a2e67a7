"""The KPI catalogue: every headline figure defined once, from the facts in metrics/facts.py.

A KPI is a numerator (and, for a rate, a denominator) over additive per-unit facts, so
the same definition gives a region's card, each county's scorecard cell and the rows
of an export. The catalogue is also the documentation: `python -m metrics` prints it.

No data is not zero: a unit (or a region) with no rows for a KPI's facts has no value
(None on a card, NaN in a scorecard with `<kpi>__has` False) — it is shown as 无数据, gets no
traffic light and no rank. A unit with rows whose count is 0 has the value 0.

Direction: every KPI says whether higher is better (`higher_is_better`), and ranks, lights,
sort orders and medals follow it (`order`, `rank`). The choices that are not obvious:
refunds (amount, households) are what the campaign returned to owners — more is better;
arrears listed, outstanding and overdue cases are debts and backlogs — less is better;
arrears recovered, the usage rate and every coverage/share are outcomes — more is better.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

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
    denominator: Optional[str] = None
    higher_is_better: bool = True
    green: Optional[float] = None  # traffic light: at least this is green (at most, if lower is better)
    amber: Optional[float] = None
    definition: str = ""
    parts: str = "count"  # how numerator and denominator read: "count" or "amount"


CATALOGUE: tuple[Kpi, ...] = (
    Kpi("rectification_rate", "问题整改率", "Rectification rate", "rate", facts.case_facts,
        "rectified_main", "received_main", green=0.95, amber=0.85,
        definition="排查问题与线索中，期内受理且在期末前已整改或办结的比例。"),
    Kpi("complaint_close_rate", "投诉办结率", "Complaint close rate", "rate", facts.case_facts,
        "rectified_complaints", "received_complaints", green=0.95, amber=0.85,
        definition="期内受理的投诉举报中，在期末前已办结的比例。"),
    Kpi("overdue_cases", "超期未办结", "Overdue open cases", "count", facts.case_facts,
        "overdue_cases", higher_is_better=False, green=0, amber=10,
        definition="截至期末仍未整改、且已过整改时限的问题数；越少越好。"),
    Kpi("refund_amount", "违规收费清退金额", "Illegal fees refunded", "amount", facts.refund_facts,
        "refund_amount", definition="期内清退的违规收费金额（元）；退还业主越多越好。"),
    Kpi("refund_households", "清退涉及户数", "Households refunded", "count", facts.refund_facts,
        "refund_households", definition="期内违规收费清退涉及的户数；越多越好。"),
    Kpi("arrears_listed", "维修资金欠缴建账", "Fund arrears listed", "amount", facts.arrears_facts,
        "arrears_listed", higher_is_better=False,
        definition="截至期末已建账的开发企业欠缴维修资金（元）；欠缴越少越好。"),
    Kpi("arrears_recovered", "期内追缴到账", "Arrears recovered", "amount", facts.arrears_facts,
        "arrears_recovered", definition="期内追缴到账的欠缴维修资金（元）。"),
    Kpi("arrears_outstanding", "尚未追缴", "Arrears outstanding", "amount", facts.arrears_facts,
        "arrears_outstanding", higher_is_better=False,
        definition="截至期末，各项目已建账欠缴额减去其累计追缴到账额（多缴的项目计 0）之和（元）；越少越好。"),
    Kpi("arrears_recovery_rate", "欠缴追缴率", "Arrears recovery rate", "rate", facts.arrears_facts,
        "arrears_recovered_to_date", "arrears_listed", green=0.5, amber=0.2,
        definition="截至期末累计追缴到账额占已建账欠缴额的比例（多缴的项目按到账额计）。", parts="amount"),
    Kpi("fund_usage_rate", "维修资金使用率", "Fund usage rate", "rate", facts.ledger_facts,
        "fund_used", "fund_collected", definition="期内各年度维修资金使用额占归集额的比例。", parts="amount"),
    Kpi("service_coverage", "物业服务覆盖率", "Property service coverage", "rate", facts.community_facts,
        "with_service", "communities", green=1.0, amber=0.9,
        definition="截至期末有物业服务（非“无物业”）的小区占全部小区的比例。"),
    Kpi("committee_coverage", "业委会（物管会）组建率", "Owners' committee coverage", "rate", facts.community_facts,
        "with_committee", "communities", green=0.8, amber=0.5,
        definition="截至期末已组建业委会或物管会的小区占全部小区的比例。"),
    Kpi("star_high_share", "四星及以上项目占比", "Share of 4–5 star projects", "rate", facts.rating_facts,
        "star_high", "star_rated", green=0.3, amber=0.1,
        definition="期内最近一个评价年度，四星及以上服务项目占参评项目的比例。"),
    Kpi("credit_a_share", "A 级企业占比", "Share of A-grade companies", "rate", facts.credit_facts,
        "credit_a", "credit_rated", green=0.2, amber=0.1,
        definition="期内最近一个评价年度，信用等级为 A 的企业占参评企业的比例。"),
)

BY_KEY = {k.key: k for k in CATALOGUE}


@dataclass(frozen=True)
class KpiValue:
    kpi: Kpi
    value: Optional[float]
    numerator: float
    denominator: Optional[float]
    previous: Optional[float] = None  # the value in the previous period, when there is one
    has_data: bool = True  # False: no rows for the KPI's facts in the view (无数据, not 0)

    @property
    def change(self) -> Optional[float]:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def value_of(kpi: Kpi, frame: pd.DataFrame) -> tuple[Optional[float], float, Optional[float]]:
    """(value, numerator, denominator) of a KPI over the rows of a facts frame; no rows: no
    value (None), not 0 — see `has_rows`."""
    if not has_rows(frame):
        return None, 0.0, (0.0 if kpi.denominator else None)
    num = float(frame[kpi.numerator].sum())
    den = float(frame[kpi.denominator].sum()) if kpi.denominator else 0.0
    return _value(kpi, num, den)


def has_rows(frame: Optional[pd.DataFrame]) -> bool:
    """Whether a facts frame has any row: without one a KPI has no data (无数据), not 0."""
    return frame is not None and len(frame) > 0


def _value(kpi: Kpi, num: float, den: float) -> tuple[Optional[float], float, Optional[float]]:
    """(value, numerator, denominator): a count or amount is its numerator; a rate num / den,
    None when there is nothing to divide by."""
    if kpi.denominator is None:
        return num, num, None
    return (num / den if den else None), num, den


def light(kpi: Kpi, value: Optional[float]) -> str:
    """Traffic light of a value: green, amber, red, or none when the KPI has no thresholds."""
    if value is None or value != value or kpi.green is None or kpi.amber is None:  # None or NaN: no value
        return "none"
    if kpi.higher_is_better:
        return "green" if value >= kpi.green - 1e-12 else "amber" if value >= kpi.amber else "red"
    return "green" if value <= kpi.green else "amber" if value <= kpi.amber else "red"


def compute(wh: Warehouse, keys: list[str], f: Filter, scope: Scope, with_previous: bool = True,
            current: Optional[dict[FactsFn, pd.DataFrame]] = None) -> dict[str, KpiValue]:
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
        out[kpi.key] = KpiValue(kpi, value, num, den, before, has_data=has_rows(current[kpi.facts]))
    return out


def scorecard(wh: Warehouse, keys: list[str], f: Filter, scope: Scope,
              frames: Optional[dict[FactsFn, pd.DataFrame]] = None) -> pd.DataFrame:
    """One row per reporting unit with each KPI's value, its numerator and denominator
    (`<kpi>__num`, `<kpi>__den`) and whether the unit has rows for it (`<kpi>__has`), by
    `value_of`'s arithmetic. A unit the KPI's facts do not know has no value: NaN everywhere
    and `__has` False (无数据), never a 0 that would rank and light as one."""
    kpis = [BY_KEY[k] for k in keys]
    frames = frames if frames is not None else _facts(wh, kpis, f, scope)
    per_unit = {fn: _per_unit(frame) for fn, frame in frames.items()}
    units = sorted({u for rows in per_unit.values() for u in rows})
    rows = []
    for unit in units:
        row: dict = {"unit": unit}
        for kpi in kpis:
            facts_row = per_unit[kpi.facts].get(unit)
            if facts_row is None:  # no rows: no data, not 0
                row[kpi.key] = row[kpi.key + "__num"] = row[kpi.key + "__den"] = NAN
                row[kpi.key + "__has"] = False
                continue
            den = _number(facts_row, kpi.denominator) if kpi.denominator else 0.0
            value, num, den_ = _value(kpi, _number(facts_row, kpi.numerator), den)
            # a rate with nothing to divide by is NaN in the table, as pandas would hold it
            row[kpi.key] = NAN if value is None else value
            row[kpi.key + "__num"], row[kpi.key + "__den"] = num, (NAN if den_ is None else den_)
            row[kpi.key + "__has"] = True
        rows.append(row)
    columns = ["unit"] + [k.key + suffix for k in kpis for suffix in ("", "__num", "__den", "__has")]
    return pd.DataFrame(rows, columns=columns)


NAN = float("nan")


def order(table: pd.DataFrame, keys: list[str] | tuple[str, ...], tie: str = "unit") -> pd.Index:
    """The rows of a table (one column per KPI key) best first by `keys` in turn, each in its
    KPI's direction; rows without a value of the first key last; then by `tie`."""
    frame = table.copy()
    cols, ascending = [], []
    for key in keys:
        kpi = BY_KEY[key]
        frame["__" + key] = frame[key].astype("float64")
        cols.append("__" + key)
        ascending.append(not kpi.higher_is_better)
    frame["__missing"] = frame[keys[0]].isna()
    by = ["__missing", *cols] + ([tie] if tie in frame.columns else [])
    return frame.sort_values(by, ascending=[True, *ascending] + ([True] if tie in frame.columns else []),
                             na_position="last", kind="mergesort").index


def rank(table: pd.DataFrame, keys: list[str] | tuple[str, ...], tie: str = "unit") -> pd.Series:
    """1 = best by `keys` (each in its KPI's direction; see `order`); rows without a value of
    the first key are unranked (<NA>)."""
    ranks = pd.Series(pd.NA, index=table.index, dtype="Int64")
    ranked = [i for i in order(table, keys, tie) if pd.notna(table.at[i, keys[0]])]
    ranks.loc[ranked] = range(1, len(ranked) + 1)
    return ranks


def _number(row: Optional[dict], column: str) -> float:
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
