"""Row rules beyond one cell: ids a clerk's tools have broken, dates that have not happened,
cross-column order, a key twice in one file (`_bad`: every problem of every data row), and
references to master data and closed cases without a date (warnings)."""

from __future__ import annotations

import datetime as dt

from etl.headers import HeaderMatch
from etl.sql import ident, literal
from etl.staging import REEXPORT
from vocab.schema import (
    DATE,
    ID,
    YEAR,
    Dataset,
)

# Columns that reference master data: (dataset, column) -> (master table, master column, label).
REFERENCES = {
    ("communities", "company_code"): ("companies", "company_code", "物业企业"),
    ("company_lists", "company_code"): ("companies", "company_code", "物业企业"),
    ("cases", "community_id"): ("communities", "community_id", "小区"),
    ("cases", "company_code"): ("companies", "company_code", "物业企业"),
    ("case_events", "case_id"): ("cases", "case_id", "问题线索"),
    ("fund_recoveries", "project_id"): ("fund_arrears", "project_id", "欠缴项目"),
    ("fund_usages", "community_id"): ("communities", "community_id", "小区"),
    ("refunds", "company_code"): ("companies", "company_code", "物业企业"),
    ("star_ratings", "community_id"): ("communities", "community_id", "小区"),
    ("star_ratings", "company_code"): ("companies", "company_code", "物业企业"),
    ("credit_ratings", "company_code"): ("companies", "company_code", "物业企业"),
    ("credit_actions", "company_code"): ("companies", "company_code", "物业企业"),
    ("committee_party", "community_id"): ("communities", "community_id", "小区"),
    ("company_party", "company_code"): ("companies", "company_code", "物业企业"),
}


# Cross-column rules: (dataset, later column, earlier column, problem).
ORDER_RULES = (
    ("cases", "closed_on", "received_on", "早于受理日期"),
    ("fund_usages", "approved_on", "applied_on", "早于申请日期"),
    ("cases", "responded_on", "received_on", "早于受理日期"),
    ("cases", "visited_on", "received_on", "早于受理日期"),
)


def _check_future(con, ds: Dataset, match: HeaderMatch, today: dt.date) -> None:
    """A date after the load date (a year after its year) has not happened yet: the row is
    rejected, so that one mistyped year cannot move 数据截至 for everyone. A deadline may lie
    ahead and is exempt."""
    for mapped in match.columns.values():
        col = ds.column(mapped.name)
        if col.kind not in (DATE, YEAR) or mapped.choices:
            continue
        c, e = ident(col.name), ident(col.name + "__e")
        limit = f"DATE {literal(today.isoformat())}" if col.kind == DATE else str(today.year)
        said = f"{today:%Y-%m-%d}" if col.kind == DATE else f"{today.year} 年"
        con.execute(
            f"UPDATE _staged SET {e} = {literal(f'晚于载入日期 {said}，尚未发生：请核对年份')} "
            f"WHERE _skip IS NULL AND {e} IS NULL AND {c} > {limit}"
        )


class SheetRefused(Exception):
    """A sheet that cannot be loaded as a whole; the file is refused with this message."""


def _check_ids(con, ds: Dataset, match: HeaderMatch) -> None:
    """Ids a clerk's tools have broken, across the column: leading zeros Excel dropped (`123`
    among `00123`, `00456`) reject their rows; a key column holding nothing but 1, 2, 3 … is a
    row number, not an id, and refuses the sheet: every county's file numbers from 1, and each
    would overwrite the last."""
    for mapped in match.columns.values():
        col = ds.column(mapped.name)
        if col.kind != ID or mapped.choices:
            continue
        c, e = ident(col.name), ident(col.name + "__e")
        # one cheap pass: the longest id with a leading 0, and the column's length range (a row
        # number 1 … n has at most 7 digits; longer ids need no number test)
        zeros, longest, shortest = con.execute(
            f"SELECT max(length({c})) FILTER (WHERE starts_with({c}, '0')), max(length({c})), min(length({c})) "
            f"FROM _staged WHERE _skip IS NULL"
        ).fetchone()
        width = (
            zeros
            and con.execute(
                f"SELECT max(length({c})) FROM _staged WHERE _skip IS NULL AND starts_with({c}, '0') "
                f"AND regexp_full_match({c}, '[0-9]+')"
            ).fetchone()[0]
        )
        if width and shortest < width:
            con.execute(
                f"""UPDATE _staged SET {e} = '比同列其他编号短，开头的 0 可能已被 Excel 去掉（同列有“' ||
                (SELECT min({c}) FROM _staged WHERE starts_with({c}, '0') AND length({c}) = {width}) ||
                {literal("”这样的编号）：" + REEXPORT)} WHERE _skip IS NULL AND {e} IS NULL
                AND regexp_full_match({c}, '[1-9][0-9]*') AND length({c}) < {width}"""
            )
        if col.name not in ds.key or longest is None or longest > 7:
            continue
        n, distinct, numbers, low, high = con.execute(
            f"""SELECT count({c}), count(DISTINCT {c}), count(TRY_CAST({c} AS BIGINT)),
            min(TRY_CAST({c} AS BIGINT)), max(TRY_CAST({c} AS BIGINT)) FROM _staged WHERE _skip IS NULL"""
        ).fetchone()
        if n >= 2 and n == distinct == numbers and low in (0, 1) and high - low + 1 == n:
            raise SheetRefused(
                f"“{mapped.header}”一列是 {low}、{low + 1}、{low + 2 if n > 2 else ''}… 这样的序号，不是{col.label}："
                f"各县的文件都从 {low} 开始编号，载入后会互相覆盖。请在该列填写真实的{col.label}"
                f"（如工单号、线索编号），或增加一列{col.label}后重新导出".replace("、…", "…")
            )


def _collect_rejects(con, ds: Dataset, match: HeaderMatch) -> None:
    """_bad: (row, column, reason, raw JSON) for every problem of every data row."""
    parts = []
    for col in ds.columns:
        mapped = match.columns.get(col.name)
        if mapped is None:
            continue
        e, h = ident(col.name + "__e"), literal(mapped.header)
        quoted = "false" if mapped.choices else "true"  # a choice column's problem names its cells
        parts.append(
            f"SELECT _row, {literal(col.name)} AS col, {h} AS header, {e} AS problem, {quoted} AS quoted "
            f"FROM _staged WHERE _skip IS NULL AND {e} IS NOT NULL"
        )
        if col.required:
            parts.append(
                f"SELECT _row, {literal(col.name)}, {h}, '为空（必填）', false FROM _staged "
                f"WHERE _skip IS NULL AND {ident(col.name)} IS NULL AND {e} IS NULL"
            )
    for dataset, later, earlier, problem in ORDER_RULES:
        if dataset == ds.name and later in match.columns and earlier in match.columns:
            parts.append(
                f"SELECT _row, {literal(later)}, {literal(match.columns[later].header)}, {literal(problem)} || '（' || "
                f"{literal(match.columns[earlier].header)} || ' ' || strftime({ident(earlier)}, '%Y-%m-%d') || '）', true "
                f"FROM _staged WHERE _skip IS NULL AND {ident(later)} < {ident(earlier)}"
            )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _problems AS {' UNION ALL '.join(parts)}")
    # Within one file a key may appear once: later rows with the same key are rejected.
    key = ", ".join(ident(k) for k in ds.key)
    labels = "、".join(match.columns[k].header if k in match.columns else ds.column(k).label for k in ds.key)
    on = " AND ".join(f"s.{ident(k)} IS NOT DISTINCT FROM k.{ident(k)}" for k in ds.key)
    con.execute(
        f"""INSERT INTO _problems
        WITH k AS (
            SELECT {key}, min(_row) AS first_row FROM _staged
            WHERE _skip IS NULL AND _row NOT IN (SELECT _row FROM _problems) GROUP BY {key} HAVING count(*) > 1)
        SELECT s._row, {literal(ds.key[0])}, {literal(labels)}, '与第 ' || k.first_row ||
               ' 行相同，同一文件中重复，只保留第 ' || k.first_row || ' 行', false
        FROM _staged s JOIN k ON {on}
        WHERE s._skip IS NULL AND s._row > k.first_row AND s._row NOT IN (SELECT _row FROM _problems)"""
    )
    by_col = " ".join(f"WHEN {literal(m.name)} THEN r.c{m.index}" for m in match.columns.values())
    cells = sorted((i, label) for m in match.columns.values() for label, i in m.cells())
    raw_cols = ", ".join(f"{literal(label)}, r.c{i}" for i, label in cells)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _bad AS
        SELECT p._row, p.col,
               CASE WHEN p.quoted THEN p.header || '“' || coalesce(CASE p.col {by_col} END, '') || '”' || p.problem
                    ELSE p.header || p.problem END AS reason,
               to_json(json_object({raw_cols}))::VARCHAR AS raw
        FROM _problems p JOIN _raw r ON r._row = p._row"""
    )
    con.execute("DROP TABLE _problems")


def _reference_warnings(con, ds: Dataset, match: HeaderMatch, load_id: int) -> list[str]:
    out = []
    for (dataset, column), (master, master_col, label) in REFERENCES.items():
        if dataset != ds.name or column not in match.columns:
            continue
        missing = con.execute(
            f"""SELECT count(*), list(DISTINCT f.{ident(column)} ORDER BY f.{ident(column)})[1:3]
            FROM {ident(dataset)} f WHERE f._load_id = ? AND f.{ident(column)} IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {ident(master)} m WHERE m.{ident(master_col)} = f.{ident(column)})""",
            [load_id],
        ).fetchone()
        if missing[0]:
            header = match.columns[column].header
            out.append(
                f"{missing[0]} 行的{header}在{label}台账中不存在（如 {'、'.join(missing[1])}），已入库，"
                f"看板中显示为“未匹配”"
            )
    return out


def _closed_without_date(con, ds: Dataset, load_id: int) -> list[str]:
    if ds.name != "cases":
        return []
    n = con.execute(
        "SELECT count(*) FROM cases WHERE _load_id = ? AND status IN ('已整改', '已办结') AND closed_on IS NULL",
        [load_id],
    ).fetchone()[0]
    return [f"{n} 行状态为已整改/已办结但没有办结日期，统计整改率时按未整改计"] if n else []
