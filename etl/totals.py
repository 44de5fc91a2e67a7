"""Rows that are not data: total and subtotal rows (合计, 太谷区小计) and notes below the
table; and the ledger's own 合计 row checked against the rows loaded."""

from __future__ import annotations

from etl import normalize as nz
from etl.headers import HeaderMatch
from etl.sql import ident, insert_columns, literal
from etl.staging import ADDITIVE
from vocab.schema import (
    AMOUNT,
    NOTE,
    Dataset,
)

NOTE_PREFIX = "^(注|说明|备注|填表|填报|审核|制表|负责人|联系人|数据来源|单位负责人)"
WHITESPACE_SQL = "[\\s\\x{3000}\\x{a0}\\x{200b}\\x{feff}]"  # RE2: all whitespace, full-width and zero-width


def _mark_totals(con, ds: Dataset, match: HeaderMatch) -> None:
    """Mark total and subtotal rows (`_skip = 'total'`) and notes below the table (`'note'`).
    Only a row that fails some check can be one (a 合计 row or a note has no valid id, county or
    date in every required column), so the text tests run on those few rows, not on every cell
    of every row."""
    failing = [f"{ident(c.name + '__e')} IS NOT NULL" for c in ds.columns if c.name in match.columns]
    failing += [f"{ident(c)} IS NULL" for c in ds.required]
    rows = [
        r
        for (r,) in con.execute(
            f"SELECT _row FROM _staged WHERE _skip IS NULL AND ({' OR '.join(failing) or 'FALSE'})"
        ).fetchall()
    ]
    if not rows:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _failing (_row INTEGER)")
    insert_columns(con, "_failing", [rows])
    cells = ", ".join(f"r.c{i}" for i in range(match.width))
    # a note merged across the table fills every cell with the same text: one distinct value
    note = f"regexp_matches(coalesce({cells}), {literal(NOTE_PREFIX)}) AND len(list_distinct([{cells}])) = 1"
    con.execute(
        f"""UPDATE _staged SET _skip = k.kind FROM (
            SELECT r._row, CASE WHEN {_total_sql(ds, match)} THEN 'total' WHEN {note} THEN 'note' END AS kind
            FROM (SELECT * FROM _raw WHERE _row IN (SELECT _row FROM _failing)) r) k
            WHERE _staged._row = k._row AND k.kind IS NOT NULL"""
    )
    con.execute("DROP TABLE _failing")


def _total_sql(ds: Dataset, match: HeaderMatch) -> str:
    """SQL: the row is a total or subtotal row: one of its cells (free-text columns aside),
    whitespace removed, reads `合计`, `合　　计`, `太谷区小计`, `平遥县 汇总` (nz.TOTAL_RE), or
    its first three cells together do (`合` and `计` written in two cells)."""
    notes = {m.index for m in match.columns.values() if ds.column(m.name).kind == NOTE}
    tests = []
    for i in [i for i in range(match.width) if i not in notes]:
        c, bare = f"r.c{i}", f"regexp_replace(r.c{i}, {literal(WHITESPACE_SQL)}, '', 'g')"
        tests.append(
            f"((contains({c}, '计') OR contains({c}, '汇总')) AND length({c}) <= {4 * nz.TOTAL_MAX_CHARS} "
            f"AND length({bare}) <= {nz.TOTAL_MAX_CHARS} AND regexp_matches({bare}, {literal(nz.TOTAL_RE)}))"
        )
    first3 = " || ".join(f"coalesce(r.c{i}, '')" for i in range(min(3, match.width)))
    split = f"regexp_replace({first3}, {literal(WHITESPACE_SQL)}, '', 'g')"
    tests.append(f"(contains({first3}, '计') AND regexp_matches({split}, '^(合计|总计|小计)$'))")
    return "(" + " OR ".join(tests) + ")"


def _total_rows(con, match: HeaderMatch) -> dict[int, str]:
    """Each total row of the sheet and its label (`合计`, `太谷区小计`)."""
    cells = ", ".join(f"c{i}" for i in range(match.width))
    rows = con.execute(
        f"SELECT _row, [{cells}] FROM _raw WHERE _row IN (SELECT _row FROM _staged WHERE _skip = 'total') ORDER BY _row"
    ).fetchall()
    out = {}
    for row, values in rows:
        labels = [label for label in map(nz.total_label, values) if label]
        out[row] = labels[0] if labels else "".join(nz.fold(v) for v in values[:3] if v)
    return out


def _checksum(con, ds: Dataset, match: HeaderMatch, totals: dict[int, str]) -> list[str]:
    """The ledger's own 合计 row against the sum of the rows loaded from the sheet, per figure
    column: `清退金额：表内合计 164,800 元；入库合计 164,800 元，一致`, or where they differ, by how
    much and whether the rejected rows account for it.

    The grand total is the row labelled `合计`/`总计` (the last such row), or the only total row
    of the sheet; a sheet with several county subtotals and no grand total is not checked."""
    grand = [row for row, text in totals.items() if nz.GRAND_TOTAL.match(text)]
    row = grand[-1] if grand else (next(iter(totals)) if len(totals) == 1 else None)
    if row is None:
        return []
    figures = [m for m in match.columns.values() if ds.column(m.name).kind in ADDITIVE and not m.choices]
    out = []
    for mapped in sorted(figures, key=lambda m: m.index):
        c = ident(mapped.name)
        table, loaded, rejected, n_rejected = con.execute(
            f"""SELECT (SELECT {c} FROM _staged WHERE _row = ?),
            (SELECT coalesce(sum({c}), 0) FROM _staged WHERE _skip IS NULL AND _row NOT IN (SELECT _row FROM _bad)),
            (SELECT coalesce(sum({c}), 0) FROM _staged WHERE _skip IS NULL AND _row IN (SELECT _row FROM _bad)),
            (SELECT count(*) FROM _staged WHERE _skip IS NULL AND _row IN (SELECT _row FROM _bad))""",
            [row],
        ).fetchone()
        if table is None:
            continue
        kind = ds.column(mapped.name).kind
        show = (lambda v: _amount_text(v) + " 元") if kind == AMOUNT else (lambda v: f"{v:,}")
        line = f"{mapped.header}：表内合计 {show(table)}；入库合计 {show(loaded)}"
        if table == loaded:
            out.append(line + "，一致")
            continue
        line = f"⚠ {line}，相差 {show(abs(table - loaded))}（第 {row} 行{totals[row]}）"
        if n_rejected and table == loaded + rejected:
            line += f"：差额是拒收的 {n_rejected} 行（{show(rejected)}），修正后重新载入即一致"
        else:
            line += "：与明细不符，请核对合计行和各行数据"
        out.append(line)
    return out


def _amount_text(value) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
