"""Published figures (data/published_figures.csv) against what the ledgers give.

A report quotes a figure (晋中's 投诉举报 办结率 97.38%); the dashboard computes the same
figure from the rows (9,038 / 9,309 = 97.09%). Where the two differ, or count different
things (6.77 万**人** in the report, 67,700 **户** in the ledger), the figure the dashboard
shows carries a note a leader can read (`通报口径 97.38%，按台账计算 97.09%`) with the
report it comes from. The published figures are data: one row per figure, with the region
and period it describes, the value and unit as the report writes them, and the source.

A published figure describes one view: its region exactly (a city's figure says nothing of
one county), and its period (`period_start` empty: a stock taken at `period_end`, whatever
the start; both empty: the whole ledger). A viewer whose scope does not cover the whole
region sees a part of it, so no comparison is made for him.

Figures are the KPIs of metrics/kpis.py by key, and the rates of the case groups of the
rectification page (`rate_sweep`, `rate_leads`, `rate_complaints`: rectified / received of
metrics/facts.CASE_GROUPS). This module only compares; it never computes a figure itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from metrics import kpis
from metrics.filters import Filter, Scope, region_prefix

PATH = Path(__file__).resolve().parent.parent / "data" / "published_figures.csv"
COLUMNS = ("region", "figure", "period_start", "period_end", "value", "unit", "source", "as_of", "published_on", "seed")

# The case-group rates of the rectification page; `rate_complaints` is the 投诉办结率 KPI.
GROUP_RATES = ("rate_sweep", "rate_leads", "rate_complaints")
ALIASES = {"rate_complaints": "complaint_close_rate"}
# What a count KPI counts (a report may count something else: people, not households).
COUNTED = {"refund_households": "户", "overdue_cases": "件"}
MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


@dataclass(frozen=True)
class Published:
    region: str
    figure: str
    start: dt.date | None
    end: dt.date | None
    value: Decimal  # as the report writes it, in `unit`
    unit: str  # "%", "万元", "亿元", "户", "万人" …
    source: str
    as_of: str  # the date the report's figures stand at, as it gives it (may be a month or a span)
    published_on: dt.date | None
    seed: str  # the report's file in the project's seeds

    @property
    def multiplier(self) -> Decimal:
        return MULTIPLIERS.get(self.unit[:1], Decimal(1)) if len(self.unit) > 1 else Decimal(1)

    @property
    def thing(self) -> str:
        """What the figure counts: % for a rate, 元, 户, 人 …"""
        return self.unit[1:] if self.unit[:1] in MULTIPLIERS and len(self.unit) > 1 else self.unit

    @property
    def places(self) -> int:
        return max(-self.value.as_tuple().exponent, 0)

    @property
    def text(self) -> str:
        """The figure as the report writes it: 97.38%, 1.07亿元, 6.77万人."""
        return f"{self.value}{self.unit}"

    def describes(self, f: Filter, scope: Scope) -> bool:
        """Whether this figure describes the view: same region, same period, and the scope covers the region."""
        if (f.region or "") != self.region:
            return False
        if scope.regions is not None and not any(self.region.startswith(region_prefix(r)) for r in scope.regions):
            return False
        return f.end == self.end and (self.start is None or f.start == self.start)


@dataclass(frozen=True)
class Comparison:
    """A published figure beside the computed one, in the published unit where they count the same thing."""

    published: Published
    computed: float | None  # the dashboard's value: a rate as a fraction, yuan, a count
    computed_thing: str  # what the dashboard's figure counts
    computed_in_unit: Decimal | None  # the computed value in the published unit, rounded as the report rounds

    @property
    def same_thing(self) -> bool:
        return self.computed_thing == self.published.thing

    @property
    def agrees(self) -> bool:
        return self.same_thing and self.computed_in_unit is not None and self.computed_in_unit == self.published.value


def _decimal(x: float) -> Decimal:
    """A number (float, numpy scalar, int) as the decimal its shortest repr says."""
    return Decimal(repr(float(x)))


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


@functools.lru_cache(maxsize=4)
def _load(path: Path, stamp: tuple[int, int]) -> tuple[Published, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path.name} 缺少列：{'、'.join(sorted(missing))}")
        rows = []
        for n, row in enumerate(reader, start=2):
            figure = row["figure"].strip()
            if figure not in kpis.BY_KEY and figure not in GROUP_RATES:
                raise ValueError(f"{path.name} 第 {n} 行：未知指标 {figure!r}")
            rows.append(
                Published(
                    row["region"].strip(),
                    figure,
                    _date(row["period_start"]),
                    _date(row["period_end"]),
                    Decimal(row["value"].strip()),
                    row["unit"].strip(),
                    row["source"].strip(),
                    row["as_of"].strip(),
                    _date(row["published_on"]),
                    row["seed"].strip(),
                )
            )
    return tuple(rows)


def figures(path: Path = PATH) -> tuple[Published, ...]:
    """Every published figure of the shipped table (re-read when the file changes)."""
    stat = path.stat()
    return _load(path, (stat.st_mtime_ns, stat.st_size))


def kind_of(figure: str) -> str:
    key = ALIASES.get(figure, figure)
    return "rate" if figure in GROUP_RATES else kpis.BY_KEY[key].kind


def compare(
    p: Published, value: float | None, numerator: float | None = None, denominator: float | None = None
) -> Comparison:
    """The computed value beside a published one. A rate is recomputed from its numerator and
    denominator in decimal arithmetic when they are given (no float rounding at the edge)."""
    kind = kind_of(p.figure)
    thing = {"rate": "%", "amount": "元"}.get(kind) or COUNTED.get(ALIASES.get(p.figure, p.figure), "")
    in_unit = None
    if value is not None and value == value and thing == p.thing:
        quantum = Decimal(1).scaleb(-p.places)
        if kind == "rate" and numerator is not None and denominator:
            exact = _decimal(numerator) * 100 / _decimal(denominator)
        elif kind == "rate":
            exact = _decimal(value) * 100
        else:
            exact = _decimal(value) / p.multiplier
        in_unit = exact.quantize(quantum, rounding=ROUND_HALF_UP)
    return Comparison(p, value, thing, in_unit)


def for_view(figure: str, f: Filter, scope: Scope, path: Path = PATH) -> list[Published]:
    """The published figures that describe this figure in this view."""
    keys = {figure} | {k for k, v in ALIASES.items() if v == figure} | {ALIASES.get(figure, figure)}
    return [p for p in figures(path) if p.figure in keys and p.describes(f, scope)]


def comparisons(
    figure: str,
    f: Filter,
    scope: Scope,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    path: Path = PATH,
) -> list[Comparison]:
    """Every published figure of this view beside the computed value."""
    return [compare(p, value, numerator, denominator) for p in for_view(figure, f, scope, path)]


def disagreement(
    figure: str,
    f: Filter,
    scope: Scope,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    path: Path = PATH,
) -> Comparison | None:
    """The first published figure of this view that the computed value does not reproduce, if any."""
    return next((c for c in comparisons(figure, f, scope, value, numerator, denominator, path) if not c.agrees), None)


def notes(values: dict[str, kpis.KpiValue], f: Filter, scope: Scope, path: Path = PATH) -> dict[str, Comparison]:
    """For KPI values computed for a view (kpis.compute), the published figures they do not reproduce, by key."""
    out = {}
    for key, v in values.items():
        c = disagreement(key, f, scope, v.value, v.numerator, v.denominator, path)
        if c is not None:
            out[key] = c
    return out
