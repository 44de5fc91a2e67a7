"""Staging a sheet: `_staged`, one row per raw row with every column normalised and its problem.

Values that need Python (dates, regions, credit codes, choices) are normalised once per
*distinct* value and joined back (`_mapping_table`); the rest in SQL (`_sql_value`,
`_choice_sql`). Names and constants are quoted by etl/sql.py (`ident`, `literal`).
"""

from __future__ import annotations

import datetime as dt

from etl import normalize as nz
from etl.headers import HeaderMatch, MappedColumn
from etl.read import Sheet
from etl.regions import RegionIndex
from etl.sql import ident, insert_columns, literal, literals
from vocab.schema import (
    AMOUNT,
    BOOL,
    DATE,
    DEADLINE,
    DECIMAL,
    ENUM,
    ID,
    INT,
    NOTE,
    PHONE,
    RATE,
    REGION,
    STARS,
    TEXT,
    USCC,
    YEAR,
    Column,
    Dataset,
)

FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
BLANKS_RE = r"-|--|—|——|/|\\|NULL|null|None|nan|NaN|无数据"  # placeholders a clerk writes for "nothing"


# Kinds whose distinct values are normalised in Python.
PY_KINDS = {
    DATE: nz.parse_date,
    DEADLINE: nz.parse_deadline,
    USCC: nz.parse_uscc,
    BOOL: nz.parse_bool,
    STARS: nz.parse_stars,
    YEAR: nz.parse_year,
}


def _folded(col: str, breaks: bool = True) -> str:
    """SQL: a raw cell, full-width folded and trimmed, with placeholders (`-`, `/`) as NULL.

    translate() and the regexes are slow, so they run only where they can matter:
    folding on cells with a non-ASCII character, the placeholder test on short cells."""
    wide = f"strlen({col}) <> length({col}) AND regexp_matches({col}, '[\uff01-\uff5e\u3000]')"
    # a line break or tab inside a cell (Alt+Enter in Excel, a copy from a web page) is no part of
    # an id, a name or a figure; contains() is cheap, the regex runs on the few cells that need it
    lines = (
        (
            f"CASE WHEN contains({col}, chr(10)) OR contains({col}, chr(13)) OR contains({col}, chr(9)) "
            f"THEN regexp_replace({col}, '[\\t\\r\\n]+', '', 'g') ELSE {col} END"
        )
        if breaks
        else col
    )
    t = f"trim(CASE WHEN {wide} THEN translate({lines}, {literal(FULL)}, {literal(HALF)}) ELSE {lines} END)"
    return f"CASE WHEN length({t}) <= 3 AND regexp_full_match({t}, {literal(BLANKS_RE)}) THEN NULL ELSE nullif({t}, '') END"


def _stage(
    con,
    ds: Dataset,
    match: HeaderMatch,
    regions: RegionIndex,
    continued: dict[int, list[tuple[int, int]]] | None = None,
    breaks: bool = True,
) -> None:
    """_staged: one row per raw row with every column normalised and its problem, if any.

    `continued`: sheet column -> merged ranges (first, last row) of an additive column;
    the rows after the first get no figure of their own (0 where the column is required)."""
    joins, values = [], []
    for col in ds.columns:
        mapped = match.columns.get(col.name)
        if mapped is None:
            values.append(f"NULL::{col.sql_type} AS {ident(col.name)}, NULL::VARCHAR AS {ident(col.name + '__e')}")
            if col.kind == DEADLINE:
                values.append("NULL::INTEGER AS _deadline_days, NULL::INTEGER AS _deadline_cdays")
            continue
        if mapped.choices:
            value, problem = _choice_sql(col, mapped)
            values.append(f"{value} AS {ident(col.name)}, {problem} AS {ident(col.name + '__e')}")
            continue
        raw = f"r.c{mapped.index}"
        if col.kind in PY_KINDS or col.kind in (REGION, ENUM):
            alias = f"m{mapped.index}"
            _mapping_table(con, col, mapped, alias, regions)
            joins.append(f"LEFT JOIN {alias} ON {raw} = {alias}.raw")
            value = f"{alias}.value" if col.kind != DEADLINE else f"{alias}.value_date"
            values.append(f"{value} AS {ident(col.name)}, {alias}.problem AS {ident(col.name + '__e')}")
            if col.kind == DEADLINE:
                values.append(f"{alias}.days AS _deadline_days, {alias}.cdays AS _deadline_cdays")
        else:
            value, problem = _sql_value(col, mapped, raw, f"r.v{mapped.index}")
            spans = (continued or {}).get(mapped.index)
            if spans:
                alias = f"k{mapped.index}"
                con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} (_row INTEGER)")
                insert_columns(con, alias, [[r for first, last in spans for r in range(first + 1, last + 1)]])
                joins.append(f"LEFT JOIN {alias} ON {alias}._row = r._row")
                value = f"CASE WHEN {alias}._row IS NULL THEN {value} ELSE {'0' if col.required else 'NULL'} END"
                problem = f"CASE WHEN {alias}._row IS NULL THEN {problem} END"
            values.append(f"{value} AS {ident(col.name)}, {problem} AS {ident(col.name + '__e')}")
    cells = [f"r.c{i}" for i in range(match.width)]
    # Cheap tests first: a CASE condition's AND evaluates its right side only on the rows its
    # left side keeps, and list_distinct over every cell of every row cost ~0.9 s a million rows.
    skip = f"CASE WHEN coalesce({', '.join(cells)}) IS NULL THEN 'blank' END AS _skip"
    sql_cols = sorted(
        {
            m.index
            for m in match.columns.values()
            if ds.column(m.name).kind not in PY_KINDS and ds.column(m.name).kind not in (REGION, ENUM)
        }
    )
    folded = "".join(f", {_folded(f'c{i}', breaks)} AS v{i}" for i in sql_cols)
    # an amount's text without thousands separators, and its number, computed once per cell
    amounts = sorted({m.index for m in match.columns.values() if ds.column(m.name).kind == AMOUNT and not m.choices})
    bare = "".join(f", replace(replace(v{i}, ',', ''), ' ', '') AS a{i}" for i in amounts)
    number = "".join(f", TRY_CAST(ltrim(rtrim(a{i}, '万亿元'), '¥￥') AS DECIMAL(38,10)) AS n{i}" for i in amounts)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _staged AS SELECT r._row, {skip}, {', '.join(values)} "
        f"FROM (SELECT *{number} FROM (SELECT *{bare} FROM (SELECT *{folded} FROM _raw))) r {' '.join(joins)}"
    )
    for name in (f"{p}{m.index}" for m in match.columns.values() for p in "mk"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _sql_value(col: Column, mapped: MappedColumn, raw: str, v: str) -> tuple[str, str]:
    """SQL expressions (value, problem) for kinds normalised in SQL; `v` is the folded cell."""
    if col.kind == NOTE:
        return f"nullif(trim({raw}), '')", "NULL"
    if col.kind == ID:  # `JZ 001` is JZ001: an id has no spaces
        value = f"CASE WHEN contains({v}, ' ') THEN replace({v}, ' ', '') ELSE {v} END"
        return value, _mangled_id(value)
    if col.kind in (TEXT, PHONE):
        return v, "NULL"
    if col.kind == AMOUNT:  # `a{i}`, `n{i}`: the cell without separators, its number (see _stage)
        s = f"r.a{mapped.index}"
        # A cell that writes its own unit keeps it: `12,345.60元` under a 万元 header is yuan.
        mult = (
            f"CASE WHEN {s} LIKE '%亿' OR {s} LIKE '%亿元' THEN 100000000 "
            f"WHEN {s} LIKE '%万' OR {s} LIKE '%万元' THEN 10000 WHEN {s} LIKE '%元' THEN 1 "
            f"ELSE {mapped.multiplier} END"
        )
        # Scale 10, not 6: `0.12345678` 亿元 is 12,345,678 yuan, and six places rounded it to
        # 12,345,700. Values past 1e18 are out of range before multiplying: the product of a
        # 30-digit cell and 亿 overflowed DECIMAL(38) and aborted the whole file.
        num = f"r.n{mapped.index}"
        value = f"TRY_CAST(round(CASE WHEN abs({num}) < 1e18 THEN {num} END * {mult}, 2) AS DECIMAL(18,2))"
        problem = (
            f"CASE WHEN {v} IS NULL THEN NULL WHEN {num} IS NULL THEN '无法识别为金额（可写作 1234.50、1,234.50 或 1.2万）' "
            f"WHEN {value} IS NULL THEN '金额超出范围' WHEN {num} < 0 THEN '金额不能为负数' END"
        )
        return value, problem
    if col.kind == INT:
        num = f"TRY_CAST(rtrim(replace({v}, ',', ''), '户人个家') AS DECIMAL(38,6))"
        value = f"CASE WHEN {num} = trunc({num}) AND {num} BETWEEN 0 AND 2000000000 THEN {num}::INTEGER END"
        problem = f"CASE WHEN {v} IS NOT NULL AND ({value}) IS NULL THEN '应为不小于 0 的整数' END"
        return value, problem
    if col.kind == DECIMAL:
        value = f"TRY_CAST(rtrim({v}, '分') AS DOUBLE)"
        return value, f"CASE WHEN {v} IS NOT NULL AND {value} IS NULL THEN '应为数字' END"
    if col.kind == RATE:
        num = f"TRY_CAST(rtrim({v}, '%') AS DOUBLE)"
        value = f"CASE WHEN {v} LIKE '%\\%%' ESCAPE '\\' OR {num} > 1 THEN {num} / 100 ELSE {num} END"
        problem = (
            f"CASE WHEN {v} IS NOT NULL AND ({num} IS NULL OR ({value}) NOT BETWEEN 0 AND 1) "
            f"THEN '应为 0 到 100% 之间的比例（可写作 85% 或 0.85）' END"
        )
        return value, problem
    raise AssertionError(col.kind)


REEXPORT = "请将该列设为文本后重新导出"


def _mangled_id(v: str) -> str:
    """SQL: the problem of an id Excel has rewritten: `2.02403E+13` (a long number shown in
    scientific notation: the digits are gone). A lost leading zero is found across the column
    (`_lost_zeros`)."""
    return (
        f"CASE WHEN (contains({v}, 'E') OR contains({v}, 'e')) AND regexp_full_match({v}, "
        f"'[0-9](\\.[0-9]+)?[eE][+]?[0-9]+') THEN {literal('是被 Excel 改写成科学计数法的数字，原编号已无法还原：' + REEXPORT)} END"
    )


def _choice_sql(col: Column, mapped: MappedColumn) -> tuple[str, str]:
    """SQL (value, problem) of a choice column read from tick marks: `整改情况` over
    `已整改 / 未整改`, a √ under the one that holds. One tick gives its choice; two, or a
    mark that is neither a tick nor a cross, reject the row; none leaves it empty (a
    required column rejects the row)."""
    ticks, crosses = ", ".join(map(literal, nz.TICKS)), ", ".join(map(literal, nz.CROSSES))
    marks = []
    for index, choice, sub in mapped.choices:
        t = f"upper({_folded(f'r.c{index}')})"
        # a tick, or the choice written out again under its own heading (已整改 under 已整改)
        marks.append(
            (
                f"(CASE WHEN {t} IS NULL OR {t} IN ({crosses}) THEN 0 WHEN {t} IN ({ticks}, "
                f"{literal(nz.fold(sub).upper())}) THEN 1 END)",
                choice,
                sub,
                index,
            )
        )
    count = " + ".join(m for m, *_ in marks)
    constant = (lambda c: "true" if c else "false") if col.kind == BOOL else literal
    pick = " ".join(f"WHEN {m} = 1 THEN {constant(c)}" for m, c, _, _ in marks)
    value = f"CAST(CASE WHEN {count} = 1 THEN CASE {pick} END END AS {col.sql_type})"
    subs = "“" + "”“".join(sub for _, _, sub, _ in marks) + "”"
    problems = [
        f"WHEN {m} IS NULL THEN {literal(f'下“{sub}”一栏的“')} || trim(r.c{index}) || "
        f"{literal('”不是勾选符号（勾选请填 √，未选留空或填 ×）')}"
        for m, _, sub, index in marks
    ]
    problems.append(f"WHEN {count} > 1 THEN {literal(f'同时勾选了{subs}，只能勾选一项')}")
    if col.required:
        problems.append(f"WHEN {count} = 0 THEN {literal(f'的{subs}都没有勾选，请勾选其中一项')}")
    return value, f"CASE {' '.join(problems)} END"


ADDITIVE = (AMOUNT, INT)  # kinds a merged cell must not repeat: amounts and counts are summed


def _merged_figures(sheet: Sheet, ds: Dataset, match: HeaderMatch) -> dict[int, list[tuple[int, int]]]:
    """Sheet column -> (first, last row) of each range merged down an amount or count column."""
    additive = {m.index for m in match.columns.values() if ds.column(m.name).kind in ADDITIVE and not m.choices}
    out: dict[int, list[tuple[int, int]]] = {}
    for column, first, last in sheet.merged_down(match.header_index):
        if column in additive:
            out.setdefault(column, []).append((first, last))
    return out


def _merged_notes(continued: dict[int, list[tuple[int, int]]], ds: Dataset, match: HeaderMatch) -> list[str]:
    notes = []
    for mapped in match.columns.values():
        spans = sorted(continued.get(mapped.index, []))
        if len(spans) == 1:
            ((first, last),) = spans
            notes.append(f"第 {first}–{last} 行的“{mapped.label}”是合并单元格，只计入第 {first} 行一次")
        elif spans:
            shown = "、".join(f"第 {a}–{b} 行" for a, b in spans[:3]) + ("等" if len(spans) > 3 else "")
            notes.append(f"“{mapped.label}”有 {len(spans)} 处合并单元格跨多行（{shown}），每处只计入首行一次")
    return notes


def _own_unit_notes(con, ds: Dataset, match: HeaderMatch) -> list[str]:
    """A line per amount column in 万元 or 亿元 whose cells write another unit (`12,345.60元`)."""
    notes = []
    for mapped in match.columns.values():
        if ds.column(mapped.name).kind != AMOUNT or mapped.choices or mapped.multiplier == 1:
            continue
        own = literals(u for u, m in nz.AMOUNT_UNITS.items() if m == mapped.multiplier)
        c = f"regexp_replace(c{mapped.index}, '\\s', '', 'g')"
        amount_with_unit = literal(r"^[¥￥]?[0-9][0-9,]*(\.[0-9]+)?" + nz.UNIT_SUFFIX + "$")
        n, example = con.execute(
            f"""SELECT count(*), min(c) FROM (SELECT {c} AS c FROM _raw
            WHERE c{mapped.index} LIKE '%元%' OR c{mapped.index} LIKE '%万%' OR c{mapped.index} LIKE '%亿%')
            WHERE regexp_matches(c, {amount_with_unit})
            AND regexp_extract(c, {literal(nz.UNIT_SUFFIX + "$")}) NOT IN {own}"""
        ).fetchone()
        if n:
            notes.append(
                f"{mapped.label}有 {n} 个单元格自带单位（如“{example}”），按单元格所写的单位计，未按{mapped.unit}换算"
            )
    return notes


def _mapping_table(con, col: Column, mapped: MappedColumn, alias: str, regions: RegionIndex) -> None:
    """A table (raw, value, problem) for the distinct values of one column, normalised in Python."""
    distinct = [r[0] for r in con.execute(f"SELECT DISTINCT c{mapped.index} FROM _raw").fetchall()]
    rows: list[tuple] = []
    if col.kind == REGION:
        known = [v for v in distinct if not nz.is_blank(v)]
        resolved = regions.resolve_many(known)
        for raw in known:
            code, problem = resolved[raw]
            if code and regions.by_code[code].level not in ("county", "township"):
                code, problem = None, f"是{_level_name(regions.by_code[code].level)}，请填写具体县（市、区）"
            rows.append((raw, code, problem))
    else:
        parse = PY_KINDS.get(col.kind) or (lambda raw: nz.parse_choice(col, raw))
        for raw in distinct:
            if nz.is_blank(raw):
                continue
            value, problem = parse(raw)
            rows.append((raw, value, problem))
    sql_type = col.sql_type if col.kind != DEADLINE else "VARCHAR"
    if col.kind == DEADLINE:  # a date, working days, or calendar days (nz.CalendarDays)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {alias} "
            "(raw VARCHAR, value_date DATE, days INTEGER, cdays INTEGER, problem VARCHAR)"
        )
        rows = [
            (
                r,
                v if isinstance(v, dt.date) else None,
                int(v) if isinstance(v, int) and not isinstance(v, nz.CalendarDays) else None,
                int(v) if isinstance(v, nz.CalendarDays) else None,
                p,
            )
            for r, v, p in rows
        ]
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} (raw VARCHAR, value {sql_type}, problem VARCHAR)")
    insert_columns(con, alias, [list(c) for c in zip(*rows, strict=False)] if rows else [])


def _level_name(level: str) -> str:
    return {"province": "省级单位", "city": "地级市"}.get(level, level)
