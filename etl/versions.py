"""Versions: which warehouse rows a file replaces (`_old`), which old row each new row is the
new version of (`_pairs`), and what the new version changed (`replacements`, the report)."""

from __future__ import annotations

import datetime as dt

from etl.headers import HeaderMatch
from etl.results import FileReport
from etl.sql import ident, literal
from vocab.schema import (
    AMOUNT,
    DECIMAL,
    INT,
    RATE,
    REGION,
    STARS,
    Column,
    Dataset,
)


def _old_version(con, ds: Dataset) -> int:
    """_old: the warehouse rows this file replaces (with their rowid as _rid); returns how many."""
    table = ident(ds.name)
    if ds.ledger:
        owner, day = map(ident, ds.ledger)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _scope AS SELECT {owner} AS owner,
            date_trunc('month', min({day}))::DATE AS first_day,
            (date_trunc('month', max({day})) + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS last_day
            FROM _good GROUP BY {owner}"""
        )
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _old AS SELECT t.rowid AS _rid, t.* FROM {table} t
            JOIN _scope s ON t.{owner} = s.owner AND t.{day} BETWEEN s.first_day AND s.last_day"""
        )
    else:
        on = " AND ".join(f"t.{ident(k)} IS NOT DISTINCT FROM g.{ident(k)}" for k in ds.key)
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _old AS SELECT t.rowid AS _rid, t.* FROM {table} t
            WHERE EXISTS (SELECT 1 FROM _good g WHERE {on})"""
        )
    return con.execute("SELECT count(*) FROM _old").fetchone()[0]


FIGURES = (AMOUNT, INT, DECIMAL, RATE, STARS)


def _pair_versions(con, ds: Dataset) -> None:
    """_pairs (_rid, _row): which old row each new row is the new version of.

    By key; for a ledger with no id, in three passes over what is still unpaired: rows
    equal in every column, then rows equal but for their figures (an amount corrected), then
    rows at the same position of the sheet (a date corrected)."""
    if not ds.ledger:
        on = " AND ".join(f"o.{ident(k)} IS NOT DISTINCT FROM n.{ident(k)}" for k in ds.key)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _pairs AS SELECT o._rid, n._row FROM _old o JOIN _good n ON {on}")
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _pairs (_rid BIGINT, _row INTEGER)")
    every = [c.name for c in ds.columns]
    passes = (every, [c.name for c in ds.columns if c.kind not in FIGURES], None)
    for columns in passes:
        if columns is None:
            on, _order_o, _order_n, part_o, part_n = "o._source_row = n._row", "", "", "", ""
        else:
            cols = ", ".join(ident(c) for c in columns)
            on = " AND ".join(f"o.{ident(c)} IS NOT DISTINCT FROM n.{ident(c)}" for c in columns) + " AND o._k = n._k"
            part_o = f", row_number() OVER (PARTITION BY {cols} ORDER BY _source_row) AS _k"
            part_n = f", row_number() OVER (PARTITION BY {cols} ORDER BY _row) AS _k"
        con.execute(
            f"""INSERT INTO _pairs SELECT o._rid, n._row
            FROM (SELECT *{part_o} FROM _old WHERE _rid NOT IN (SELECT _rid FROM _pairs)) o
            JOIN (SELECT *{part_n} FROM _good WHERE _row NOT IN (SELECT _row FROM _pairs)) n ON {on}"""
        )


CHANGES_SHOWN = 10


def _report_version(con, ds: Dataset, match: HeaderMatch, load_id: int, now, report: FileReport) -> None:
    """Record the replaced rows in `replacements` and say in the report what this version changed:
    `本文件替换 2024-05-06 载入的版本（退费台账.xlsx）：修改 1 行，新增 0 行，删除 0 行`."""
    cols = [c.name for c in ds.columns]
    same = " AND ".join(f"o.{ident(c)} IS NOT DISTINCT FROM n.{ident(c)}" for c in cols)
    key_text = " || ', ' || ".join(f"{literal(k)} || '=' || coalesce(o.{ident(k)}::VARCHAR, '')" for k in ds.key)
    old_json = "to_json(json_object(" + ", ".join(f"{literal(c)}, o.{ident(c)}" for c in cols) + "))::VARCHAR"
    con.execute(
        f"""INSERT INTO replacements (load_id, dataset, "key", old_load_id, old_source_row, new_source_row,
        replaced_at, change, old_values)
        SELECT $load_id, $dataset, {key_text}, o._load_id, o._source_row, n._row, $now,
               CASE WHEN n._row IS NULL THEN '删除' WHEN {same} THEN '未变' ELSE '修改' END, {old_json}
        FROM _old o LEFT JOIN _pairs p ON p._rid = o._rid LEFT JOIN _good n ON n._row = p._row""",
        {"load_id": load_id, "dataset": ds.name, "now": now},
    )
    counts = dict(
        con.execute("SELECT change, count(*) FROM replacements WHERE load_id = ? GROUP BY change", [load_id]).fetchall()
    )
    changed, deleted, unchanged = counts.get("修改", 0), counts.get("删除", 0), counts.get("未变", 0)
    added = con.execute("SELECT count(*) FROM _good WHERE _row NOT IN (SELECT _row FROM _pairs)").fetchone()[0]
    report.rows_replaced = changed + deleted + unchanged
    earlier = con.execute(
        """SELECT o._load_id, l.file, l.loaded_at, count(*) FROM _old o LEFT JOIN loads l ON l.load_id = o._load_id
        GROUP BY ALL ORDER BY l.loaded_at, o._load_id"""
    ).fetchall()
    _, file, loaded_at, _ = earlier[0]
    when = f"{loaded_at:%Y-%m-%d}" if loaded_at else "此前"
    what = f"{when} 载入的“{file}”" + (f"等 {len(earlier)} 次载入" if len(earlier) > 1 else "")
    kept = 0
    if not ds.ledger:  # keyed rows the file does not mention stay as they are
        kept = con.execute(
            f"""SELECT count(*) FROM {ident(ds.name)} WHERE _load_id IN (SELECT unnest($loads::INTEGER[]))
            AND rowid NOT IN (SELECT _rid FROM _old)""",
            {"loads": [e[0] for e in earlier]},
        ).fetchone()[0]
    verb = "更新了" if kept else "替换"
    noun = "的记录" if kept else "的版本"
    line = f"本文件{verb} {what}{noun}：修改 {changed} 行，新增 {added} 行，删除 {deleted} 行"
    if unchanged:
        line += f"，未变 {unchanged} 行"
    if kept:
        line += f"；该版本另有 {kept} 行不在本文件中，仍保留"
    report.version = line
    report.changes = _changed_cells(con, ds, match, CHANGES_SHOWN)
    if changed > CHANGES_SHOWN:
        report.changes.append(f"…另有 {changed - CHANGES_SHOWN} 行有修改，全部见 replacements 表")


def _changed_cells(con, ds: Dataset, match: HeaderMatch, limit: int) -> list[str]:
    """`第 5 行 清退金额：12,000.00 → 1,200.00；…`, for the first changed rows."""
    cols = [c.name for c in ds.columns]
    pick = ", ".join(f"o.{ident(c)}, n.{ident(c)}" for c in cols)
    rows = con.execute(
        f"""SELECT n._row, {pick} FROM _pairs p JOIN _old o ON o._rid = p._rid JOIN _good n ON n._row = p._row
        WHERE NOT ({" AND ".join(f"o.{ident(c)} IS NOT DISTINCT FROM n.{ident(c)}" for c in cols)})
        ORDER BY n._row LIMIT {limit}"""
    ).fetchall()
    names = dict(con.execute("SELECT code, name FROM regions").fetchall()) if rows else {}
    out = []
    for row in rows:
        cells = []
        for i, c in enumerate(ds.columns):
            old, new = row[1 + 2 * i], row[2 + 2 * i]
            if old != new:
                label = match.columns[c.name].header if c.name in match.columns else c.label
                cells.append(f"{label}：{_shown(c, old, names)} → {_shown(c, new, names)}")
        out.append(f"第 {row[0]} 行 " + "；".join(cells))
    return out


def _shown(col: Column, value, region_names: dict) -> str:
    if value is None:
        return "（空）"
    if col.kind == AMOUNT:
        return f"{value:,.2f}"
    if col.kind == REGION:
        return region_names.get(value, value)
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)
