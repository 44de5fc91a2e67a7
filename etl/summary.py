"""Recognise a workbook's summary sheet: a 汇总 sheet of subtotals beside the per-county sheets.

Its rows are totals of the other sheets' rows, so loading it would count every amount
twice. It is recognised by what it holds, not by its name alone:

- its amount totals equal the sum of the other sheets' of the same dataset (counts
  alone are not enough: small whole numbers agree by chance, so a sheet whose rows carry
  their own ids needs an amount to agree), or
- its rows are per-county sums of the other sheets' rows;
- or its name says so (汇总, 合计, 总表, 统计, 累计) and either its totals agree or its rows
  carry no per-row ids (小区编号, 统一社会信用代码 …).

A sheet named like a summary whose content does not agree is loaded, with a warning. A
workbook with one sheet per county and no summary loads every sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from etl.headers import HeaderMatch
from etl.normalize import AMOUNT_UNITS, UNIT_SUFFIX, fold, is_blank, total_label
from etl.read import Cell, Sheet
from etl.regions import RegionIndex
from vocab.schema import AMOUNT, ID, INT, REGION, USCC

SUMMARY_NAME = re.compile(r"汇总|合计|总表|统计|累计")
_CELL_UNIT = re.compile(UNIT_SUFFIX + "$")


@dataclass
class _Figures:
    name: str
    totals: dict[str, Decimal]  # numeric column -> its sum over the data rows (amounts in yuan)
    slack: dict[str, Decimal]  # numeric column -> how far its total may be off by rounding
    rows: list[tuple[str | None, dict[str, Decimal], dict[str, Decimal]]]  # county, figures, slack
    keyed: bool  # some data row carries a per-row id
    has_county: bool


def _number(text: Cell, multiplier: int) -> tuple[Decimal, Decimal] | None:
    """(value, half of its last written digit), both scaled: `12.35` 万元 is 123,500 ± 50 yuan.
    A summary in 万元 over rows in 元 is rounded, and still a summary."""
    if is_blank(text):
        return None
    s = re.sub(r"[,\s]", "", fold(text))
    unit = _CELL_UNIT.search(s)
    if unit:
        multiplier, s = AMOUNT_UNITS.get(unit.group(1), 1), s[: unit.start()]
    try:
        value = Decimal(s.rstrip("户人个家"))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    exponent = value.as_tuple().exponent
    return value * multiplier, Decimal(5).scaleb(min(int(exponent), 0) - 1) * multiplier


def _is_total(cells: list[Cell]) -> bool:
    return any(total_label(c) for c in cells)


def _figures(sheet: Sheet, match: HeaderMatch, regions: RegionIndex) -> _Figures:
    ds = match.dataset
    numeric = {m.name: m for m in match.columns.values() if ds.column(m.name).kind in (AMOUNT, INT) and not m.choices}
    county = next((m.index for m in match.columns.values() if ds.column(m.name).kind == REGION), None)
    keys = [match.columns[k].index for k in ds.key if k in match.columns and ds.column(k).kind in (ID, USCC)]
    key_columns_exist = any(ds.column(k).kind in (ID, USCC) for k in ds.key)
    totals = {name: Decimal(0) for name in numeric}
    slack = {name: Decimal(0) for name in numeric}
    rows: list[tuple[str | None, dict[str, Decimal], dict[str, Decimal]]] = []
    keyed = not key_columns_exist  # a dataset without id keys: its rows count as keyed
    raw_counties: list[str] = []
    # an amount merged down several rows counts once, as the pipeline loads it
    repeated = {
        (row, column)
        for column, first, last in sheet.merged_down(match.header_index)
        for row in range(first + 1, last + 1)
    }
    for row, cells in sheet.rows(match.header_index):
        if not any(c is not None for c in cells) or _is_total(cells):
            continue
        keyed |= any(not is_blank(cells[i]) for i in keys if i < len(cells))
        values, errors = {}, {}
        for name, mapped in numeric.items():
            if (row, mapped.index) in repeated:
                continue
            found = _number(cells[mapped.index] if mapped.index < len(cells) else None, mapped.multiplier)
            if found is not None:
                values[name], errors[name] = found
                totals[name] += found[0]
                slack[name] += found[1]
        if values:
            place = cells[county] if county is not None and county < len(cells) else None
            place = None if is_blank(place) else "".join(fold(place).split())
            rows.append((place, values, errors))
            if place:
                raw_counties.append(place)
    resolved = regions.resolve_many(sorted(set(raw_counties))) if raw_counties else {}
    rows = [((resolved.get(p, (None,))[0] or p) if p else None, v, e) for p, v, e in rows]
    return _Figures(sheet.name or "", totals, slack, rows, keyed, county is not None)


def summary_sheets(items: list[tuple[Sheet, HeaderMatch]], regions: RegionIndex) -> tuple[dict[int, str], list[str]]:
    """Which of a workbook's matched sheets are summaries of the others.

    Returns ({index in items: the report's line saying why it is skipped}, warnings for
    sheets named like a summary but loaded as data)."""
    skipped: dict[int, str] = {}
    warnings: list[str] = []
    groups: dict[str, list[int]] = {}
    for n, (_, match) in enumerate(items):
        groups.setdefault(match.dataset.name, []).append(n)
    for indexes in groups.values():
        if len(indexes) < 2:
            continue
        figures = {n: _figures(items[n][0], items[n][1], regions) for n in indexes}
        # The largest first: a summary found is no longer one of the sheets the others may sum.
        for n in sorted(indexes, key=lambda n: -sum(abs(v) for v in figures[n].totals.values())):
            others = [figures[o] for o in indexes if o != n and o not in skipped]
            why = _why_summary(figures[n], others, items[n][1])
            if why:
                skipped[n] = f"工作表“{figures[n].name}”{why}，未读取"
        for n in indexes:
            if n not in skipped and SUMMARY_NAME.search(figures[n].name):
                warnings.append(
                    f"工作表“{figures[n].name}”的名称像汇总表，但其数字不是其他工作表的合计，"
                    "且各行有编号，已作为明细读取"
                )
    return skipped, warnings


def _why_summary(sheet: _Figures, others: list[_Figures], match: HeaderMatch) -> str | None:
    ds = match.dataset
    rest = [o for o in others if o.totals != sheet.totals]  # a copy of this sheet is not what it sums
    common = [c for c in sheet.totals if rest and all(c in o.totals for o in rest)]
    nonzero = [c for c in common if sheet.totals[c] != 0]
    totals_equal = bool(nonzero) and all(
        abs(sheet.totals[c] - sum(o.totals[c] for o in rest)) <= sheet.slack[c] for c in common
    )
    by_amount = any(ds.column(c).kind == AMOUNT for c in nonzero)
    names = "".join(f"“{o.name}”" for o in rest)
    if totals_equal and (by_amount or not sheet.keyed):
        c = next((c for c in nonzero if ds.column(c).kind == AMOUNT), nonzero[0])
        label, whole = match.columns[c].label, sum(o.totals[c] for o in rest)
        figure = (lambda v: f"{v:,.2f} 元") if ds.column(c).kind == AMOUNT else (lambda v: f"{v:,}")
        if sheet.totals[c] == whole:
            return f"是其他工作表的汇总（{label}合计 {figure(whole)}，等于{names}之和）"
        return (
            f"是其他工作表的汇总（{label}合计 {figure(sheet.totals[c])}，{names}之和 {figure(whole)}，"
            "只差四舍五入的尾数）"
        )
    if _rows_are_county_sums(sheet, rest, common):
        return f"各行是{names}按县区的合计，是汇总表"
    named = SUMMARY_NAME.search(sheet.name)
    if named and totals_equal:
        return f"是其他工作表的汇总（名称含“{named.group(0)}”，合计等于{names}之和）"
    if named and not sheet.keyed:
        ids = (
            "、".join(match.columns[k].label for k in ds.key if k in match.columns and ds.column(k).kind in (ID, USCC))
            or "编号"
        )
        return f"是汇总表（名称含“{named.group(0)}”，各行没有{ids}）"
    return None


def _rows_are_county_sums(sheet: _Figures, rest: list[_Figures], common: list[str]) -> bool:
    if not (sheet.has_county and sheet.rows and common and all(o.has_county for o in rest)):
        return False
    if len(sheet.rows) >= sum(len(o.rows) for o in rest):
        return False
    sums: dict[str, dict[str, Decimal]] = {}
    counts: dict[str, int] = {}
    for other in rest:
        for place, values, _ in other.rows:
            if place:
                into = sums.setdefault(place, {})
                counts[place] = counts.get(place, 0) + 1
                for c in common:
                    into[c] = into.get(c, Decimal(0)) + values.get(c, Decimal(0))
    for place, values, errors in sheet.rows:
        if place not in sums or not any(values.get(c) for c in common):
            return False
        if any(abs(values.get(c, Decimal(0)) - sums[place][c]) > errors.get(c, Decimal(0)) for c in common):
            return False
    # A county's one row equal to one row elsewhere proves nothing: some row must sum several.
    return any(counts[place] > 1 for place, _, _ in sheet.rows)
