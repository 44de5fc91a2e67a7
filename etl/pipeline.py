"""Load ledger files into the warehouse: read, map headers, normalise, validate, write.

Every data row of a file ends in exactly one place: the dataset's table, or `rejects`
with a reason in Chinese naming the row and the column. Normalisation and validation
run set-wise in DuckDB: values that need Python (dates, regions, credit codes,
choices) are normalised once per *distinct* value and joined back.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

import settings
from etl import marts
from etl import normalize as nz
from etl.clock import beijing_now
from etl.headers import HeaderMatch, HeaderNotFound, MappedColumn, detect_header, is_row_number
from etl.read import MAX_FILE_BYTES, FileRefused, Sheet, open_file
from etl.regions import Region, RegionIndex
from etl.rejects import checks_dir, header_map_json, split_fixed
from etl.warehouse import DEFAULT_WAREHOUSE, pause_point, publishing
from vocab.schema import (
    AMOUNT,
    BOOL,
    DATASETS,
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

REJECTS_IN_REPORT = 20
FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
BLANKS_RE = r"-|--|—|——|/|\\|NULL|null|None|nan|NaN|无数据"  # placeholders a clerk writes for "nothing"
NOTE_PREFIX = "^(注|说明|备注|填表|填报|审核|制表|负责人|联系人|数据来源|单位负责人)"
WHITESPACE_SQL = "[\\s\\x{3000}\\x{a0}\\x{200b}\\x{feff}]"  # RE2: all whitespace, full-width and zero-width

# Kinds whose distinct values are normalised in Python.
PY_KINDS = {
    DATE: nz.parse_date,
    DEADLINE: nz.parse_deadline,
    USCC: nz.parse_uscc,
    BOOL: nz.parse_bool,
    STARS: nz.parse_stars,
    YEAR: nz.parse_year,
}

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
}

# Cross-column rules: (dataset, later column, earlier column, problem).
ORDER_RULES = (
    ("cases", "closed_on", "received_on", "早于受理日期"),
    ("fund_usages", "approved_on", "applied_on", "早于申请日期"),
)


@dataclass
class Reject:
    row: int
    column: str | None
    reason: str


@dataclass
class FileReport:
    file: str
    dataset: str | None = None
    sheet: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    checks: list[str] = field(default_factory=list)  # the ledger's own 合计 row against what was loaded
    version: str | None = None  # what this file changed against the earlier version it replaces
    changes: list[str] = field(default_factory=list)  # the changed cells, first rows
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    refused: bool = False
    skipped: bool = False  # same content as an earlier load: nothing done
    message: str = ""
    rejects: list[Reject] = field(default_factory=list)
    load_id: int | None = None

    def as_json(self) -> dict:
        out = asdict(self)
        out["rejects"] = [asdict(r) for r in self.rejects[:REJECTS_IN_REPORT]]
        return out


@dataclass
class LoadResult:
    files: list[FileReport]
    warehouse: Path
    run_id: int | None = None  # loads.run_id of this run's loads; None when nothing was loaded

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)


Progress = Callable[[str], None]


def load_files(
    paths: Iterable[Path | str],
    warehouse: Path | str = DEFAULT_WAREHOUSE,
    dataset: str | None = None,
    user: str | None = None,
    progress: Callable[[Path], Progress] | None = None,
    checks: Path | None = None,
    today: dt.date | None = None,
) -> LoadResult:
    """Load files into the warehouse and publish it once; one report per file (and sheet).

    >>> result = load_files(["cases.csv"], "data/warehouse.duckdb")
    >>> [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files]

    A rejects file sent back fixed (etl/rejects.py) is loaded part by part, one per dataset.
    `checks`: where kept checks are (default: beside `warehouse`), for a masked phone of a
    fixed rejects file to be restored from. `today`: the load date (default: today); a date after
    it is rejected (a case received next year would move the dashboard's 数据截至 for everyone).
    """
    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    user = user or settings.get("ETL_USER") or _whoami()
    warehouse = Path(warehouse)
    reports: list[FileReport] = []
    with publishing(warehouse) as pub, tempfile.TemporaryDirectory(dir=warehouse.resolve().parent) as work:
        con = pub.con
        assert con is not None
        regions = RegionIndex(_regions(con))
        # One timestamp and one run id for the whole run, taken under the lock: `scripts/etl
        # rejects --run N` lists a run by its id (a run by its latest loaded_at merged two runs
        # and named a check's rejects by an older load's).
        run_at = beijing_now()  # Beijing time, as every time the dashboard shows (etl.clock)
        today = today or run_at.date()
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM loads").fetchone()[0]
        for n, path in enumerate(map(Path, paths)):
            step = progress(path) if progress else (lambda _stage: None)
            file_reports = _load_path(
                con,
                path,
                dataset,
                user,
                regions,
                Path(work),
                f"{n}",
                step,
                (run_at, today),
                checks or checks_dir(warehouse),
            )
            loaded = [r.load_id for r in file_reports if r.load_id is not None]
            if loaded:
                con.execute(
                    f"UPDATE loads SET run_id = ? WHERE load_id IN ({', '.join('?' for _ in loaded)})",
                    [run_id, *loaded],
                )
            pub.changed |= bool(loaded)
            reports.extend(file_reports)
    return LoadResult(reports, warehouse, run_id if any(r.load_id is not None for r in reports) else None)


def _load_path(con, path, dataset, user, regions, work, tag, step, run, checks) -> list[FileReport]:
    """A ledger file, or a rejects file sent back fixed (etl/rejects.py): that one is loaded
    part by part, one part per dataset, each as a file of that dataset."""
    split = split_fixed(con, path, dataset, work / f"fixed-{tag}", checks)
    if split is None:
        return _load_file(con, path, dataset, user, regions, work, tag, step, run)
    if split.refusal:
        return [FileReport(nz.strip_controls(path.name), refused=True, message=split.refusal)]
    reports = []
    for k, part in enumerate(split.parts):
        for report in _load_file(con, part.path, part.dataset, user, regions, work, f"{tag}_{k}", step, run):
            if report.load_id is not None:  # the file sent, not the part written from it
                report.warnings[:0] = part.notes
                con.execute("UPDATE loads SET path = ? WHERE load_id = ?", [str(path.resolve()), report.load_id])
            reports.append(report)
    return reports


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _regions(con: duckdb.DuckDBPyConnection) -> list[Region]:
    rows = con.execute(
        "SELECT code, name, short_name, level, coalesce(parent_code, ''), coalesce(aliases, '') FROM regions"
    ).fetchall()
    return [Region(c, n, s, lv, p, tuple(a for a in al.split("|") if a)) for c, n, s, lv, p, al in rows]


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _load_file(con, path, dataset, user, regions, work, tag, step, run) -> list[FileReport]:
    """`run`: (the run's timestamp, the load date)."""
    name = nz.strip_controls(path.name)  # as reported and recorded: no right-to-left override or control characters
    try:
        step("校验")
        # read once: hashed here, scanned by the CSV reader (a workbook is read by calamine)
        content = path.read_bytes() if path.exists() and path.stat().st_size <= MAX_FILE_BYTES else None
        sha = hashlib.sha256(content).hexdigest() if content is not None else file_sha256(path) if path.exists() else ""
        earlier = con.execute("SELECT min(load_id), min(loaded_at) FROM loads WHERE sha256 = ?", [sha]).fetchone()
        if sha and earlier[0] is not None:
            return [
                FileReport(
                    name,
                    skipped=True,
                    message=(f"文件内容与第 {earlier[0]} 次加载（{earlier[1]:%Y-%m-%d %H:%M}）完全相同，未做任何更改"),
                )
            ]
        step("读取")
        sheets = open_file(path, con, work, tag, content)
        content = None
        matches = _match_sheets(sheets, dataset, regions)
    except FileRefused as exc:
        return [FileReport(name, refused=True, message=str(exc))]
    except Exception as exc:  # never crash on a file: refuse it, say what happened
        return [FileReport(name, refused=True, message=f"读取文件时发生错误：{type(exc).__name__}: {exc}")]
    reports: list[FileReport] = []
    con.execute("BEGIN TRANSACTION")
    try:
        for sheet, match, skip_note in matches:
            if match is None:
                continue
            report = FileReport(name, dataset=match.dataset.name, sheet=sheet.name)
            report.warnings.extend(skip_note)
            report.warnings.extend(match.notes)
            _load_sheet(con, path, sha, sheet, match, report, regions, user, len(sheets) > 1, step, *run)
            reports.append(report)
        con.execute("COMMIT")
    except SheetRefused as exc:
        con.execute("ROLLBACK")
        where = f"工作表“{sheet.name}”：" if len(sheets) > 1 and sheet.name else ""
        return [FileReport(name, refused=True, message=f"{where}{exc}，整个文件未载入")]
    except Exception as exc:
        con.execute("ROLLBACK")
        return [FileReport(name, refused=True, message=f"加载失败，仓库未做任何更改：{type(exc).__name__}: {exc}")]
    notes = [note for _, m, notes in matches if m is None for note in notes]
    if reports and notes:
        reports[0].warnings.extend(notes)
    return reports


def _match_sheets(sheets: list[Sheet], dataset: str | None, regions: RegionIndex):
    """(sheet, header match or None, notes) per sheet; refuses the file if no sheet matches.

    Hidden sheets and summary sheets (totals of the others) get no match and a note why."""
    from etl.summary import summary_sheets

    out, first_problem = [], None
    for sheet in sheets:
        if sheet.skipped:
            out.append((sheet, None, [sheet.skipped]))
            continue
        try:
            out.append((sheet, detect_header(sheet.preview, dataset, sheet.tail), []))
        except HeaderNotFound as exc:
            first_problem = first_problem or str(exc)
            label = f"工作表“{sheet.name}”" if sheet.name else "文件"
            out.append((sheet, None, [f"{label}未识别为台账，已跳过：{exc}"]))
    matched = [n for n, (_, m, _) in enumerate(out) if m is not None]
    summaries, named = summary_sheets([(out[n][0], out[n][1]) for n in matched], regions)
    for k, why in summaries.items():
        out[matched[k]] = (out[matched[k]][0], None, [why])
    if named and matched:
        out[matched[0]][2].extend(named)
    if not any(m for _, m, _ in out):
        skipped = "；".join(s.skipped for s in sheets if s.skipped)  # the data may be in a hidden sheet
        raise FileRefused("；".join(filter(None, [first_problem or "未找到可识别的表头", skipped])))
    return out


# ---------------------------------------------------------------- one sheet


def _load_sheet(
    con, path, sha, sheet, match: HeaderMatch, report: FileReport, regions, user, many, step, now, today: dt.date
):
    ds = match.dataset
    step("整理")
    sheet.load(con, "_raw", match.header_index, match.width)
    # Rows carry their file row number (_row); no table below depends on its physical order, and
    # order-preserving inserts were the slowest part of staging and writing.
    con.execute("SET preserve_insertion_order = false")
    continued = _merged_figures(sheet, ds, match)
    _stage(con, ds, match, regions, continued, sheet.breaks)
    _mark_totals(con, ds, match)
    _check_ids(con, ds, match)
    _check_future(con, ds, match, today)
    report.warnings.extend(_merged_notes(continued, ds, match))
    report.warnings.extend(_own_unit_notes(con, ds, match))
    step("校验")
    totals = _total_rows(con, match)
    for row, kind in con.execute("SELECT _row, _skip FROM _staged WHERE _skip <> 'blank' ORDER BY _row").fetchall():
        what = (
            "合计行" + ("" if totals[row].rstrip(":：") == "合计" else f"（{totals[row]}）")
            if kind == "total"
            else "说明文字"
        )
        report.warnings.append(f"第 {row} 行是{what}，不是数据，未读取")
    _collect_rejects(con, ds, match)
    report.checks = _checksum(con, ds, match, totals)
    report.rows_read, report.rows_rejected = con.execute(
        "SELECT (SELECT count(*) FROM _staged WHERE _skip IS NULL), (SELECT count(DISTINCT _row) FROM _bad)"
    ).fetchone()
    report.ignored_columns = list(dict.fromkeys(h for h in match.ignored if not is_row_number(h)))
    if report.ignored_columns:
        report.warnings.append(f"以下列不在数据规范中，未入库：{'、'.join(report.ignored_columns)}")
    step("写入")
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    report.load_id = load_id
    _write(con, ds, match, load_id, report.file, sheet.name, now, report)
    pause_point("write")
    report.rows_loaded = report.rows_read - report.rows_rejected
    report.warnings.extend(_reference_warnings(con, ds, match, load_id))
    report.warnings.extend(_closed_without_date(con, ds, load_id))
    prefix = f"工作表“{sheet.name}”" if many and sheet.name else ""
    con.execute(
        """INSERT INTO rejects SELECT ?, ?, ?, b._row, b.col, ? || '第 ' || b._row || ' 行：' || b.reason,
           b.raw FROM _bad b ORDER BY b._row, b.col""",
        [load_id, report.file, sheet.name, prefix],
    )
    report.rejects = [
        Reject(r, c, reason)
        for r, c, reason in con.execute(
            f'SELECT "row", "column", reason FROM rejects WHERE load_id = ? ORDER BY "row" LIMIT {REJECTS_IN_REPORT}',
            [load_id],
        ).fetchall()
    ]
    con.execute(
        """INSERT INTO loads (load_id, file, path, sha256, dataset, sheet, rows_read, rows_loaded, rows_rejected,
        rows_replaced, warnings, ignored_columns, loaded_at, loaded_by, header_map)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            load_id,
            report.file,
            str(path.resolve()),
            sha,
            ds.name,
            sheet.name,
            report.rows_read,
            report.rows_loaded,
            report.rows_rejected,
            report.rows_replaced,
            len(report.warnings),
            "、".join(report.ignored_columns) or None,
            now,
            user,
            header_map_json(match),
        ],
    )
    message = f"读取 {report.rows_read} 行：入库 {report.rows_loaded} 行，拒收 {report.rows_rejected} 行"
    report.message = message
    for table in ("_staged", "_bad"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # _raw is a VIEW for a CSV and a TABLE for a workbook; DuckDB refuses DROP VIEW on a
    # table (even with IF EXISTS), which failed every workbook load. Drop what it is.
    is_view = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = '_raw'").fetchone()[0]
    con.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS _raw")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    t = f"trim(CASE WHEN {wide} THEN translate({lines}, {_lit(FULL)}, {_lit(HALF)}) ELSE {lines} END)"
    return (
        f"CASE WHEN length({t}) <= 3 AND regexp_full_match({t}, {_lit(BLANKS_RE)}) THEN NULL ELSE nullif({t}, '') END"
    )


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
            values.append(f"NULL::{col.sql_type} AS {_q(col.name)}, NULL::VARCHAR AS {_q(col.name + '__e')}")
            if col.kind == DEADLINE:
                values.append("NULL::INTEGER AS _deadline_days, NULL::INTEGER AS _deadline_cdays")
            continue
        if mapped.choices:
            value, problem = _choice_sql(col, mapped)
            values.append(f"{value} AS {_q(col.name)}, {problem} AS {_q(col.name + '__e')}")
            continue
        raw = f"r.c{mapped.index}"
        if col.kind in PY_KINDS or col.kind in (REGION, ENUM):
            alias = f"m{mapped.index}"
            _mapping_table(con, col, mapped, alias, regions)
            joins.append(f"LEFT JOIN {alias} ON {raw} = {alias}.raw")
            value = f"{alias}.value" if col.kind != DEADLINE else f"{alias}.value_date"
            values.append(f"{value} AS {_q(col.name)}, {alias}.problem AS {_q(col.name + '__e')}")
            if col.kind == DEADLINE:
                values.append(f"{alias}.days AS _deadline_days, {alias}.cdays AS _deadline_cdays")
        else:
            value, problem = _sql_value(col, mapped, raw, f"r.v{mapped.index}")
            spans = (continued or {}).get(mapped.index)
            if spans:
                alias = f"k{mapped.index}"
                con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} (_row INTEGER)")
                _insert_columns(con, alias, [[r for first, last in spans for r in range(first + 1, last + 1)]])
                joins.append(f"LEFT JOIN {alias} ON {alias}._row = r._row")
                value = f"CASE WHEN {alias}._row IS NULL THEN {value} ELSE {'0' if col.required else 'NULL'} END"
                problem = f"CASE WHEN {alias}._row IS NULL THEN {problem} END"
            values.append(f"{value} AS {_q(col.name)}, {problem} AS {_q(col.name + '__e')}")
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


def _mark_totals(con, ds: Dataset, match: HeaderMatch) -> None:
    """Mark total and subtotal rows (`_skip = 'total'`) and notes below the table (`'note'`).
    Only a row that fails some check can be one (a 合计 row or a note has no valid id, county or
    date in every required column), so the text tests run on those few rows, not on every cell
    of every row."""
    failing = [f"{_q(c.name + '__e')} IS NOT NULL" for c in ds.columns if c.name in match.columns]
    failing += [f"{_q(c)} IS NULL" for c in ds.required]
    rows = [
        r
        for (r,) in con.execute(
            f"SELECT _row FROM _staged WHERE _skip IS NULL AND ({' OR '.join(failing) or 'FALSE'})"
        ).fetchall()
    ]
    if not rows:
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _failing (_row INTEGER)")
    _insert_columns(con, "_failing", [rows])
    cells = ", ".join(f"r.c{i}" for i in range(match.width))
    # a note merged across the table fills every cell with the same text: one distinct value
    note = f"regexp_matches(coalesce({cells}), {_lit(NOTE_PREFIX)}) AND len(list_distinct([{cells}])) = 1"
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
        c, bare = f"r.c{i}", f"regexp_replace(r.c{i}, {_lit(WHITESPACE_SQL)}, '', 'g')"
        tests.append(
            f"((contains({c}, '计') OR contains({c}, '汇总')) AND length({c}) <= {4 * nz.TOTAL_MAX_CHARS} "
            f"AND length({bare}) <= {nz.TOTAL_MAX_CHARS} AND regexp_matches({bare}, {_lit(nz.TOTAL_RE)}))"
        )
    first3 = " || ".join(f"coalesce(r.c{i}, '')" for i in range(min(3, match.width)))
    split = f"regexp_replace({first3}, {_lit(WHITESPACE_SQL)}, '', 'g')"
    tests.append(f"(contains({first3}, '计') AND regexp_matches({split}, '^(合计|总计|小计)$'))")
    return "(" + " OR ".join(tests) + ")"


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
        f"'[0-9](\\.[0-9]+)?[eE][+]?[0-9]+') THEN '是被 Excel 改写成科学计数法的数字，原编号已无法还原：{REEXPORT}' END"
    )


def _check_future(con, ds: Dataset, match: HeaderMatch, today: dt.date) -> None:
    """A date after the load date (a year after its year) has not happened yet: the row is
    rejected, so that one mistyped year cannot move 数据截至 for everyone. A deadline may lie
    ahead and is exempt."""
    for mapped in match.columns.values():
        col = ds.column(mapped.name)
        if col.kind not in (DATE, YEAR) or mapped.choices:
            continue
        c, e = _q(col.name), _q(col.name + "__e")
        limit = f"DATE '{today.isoformat()}'" if col.kind == DATE else str(today.year)
        said = f"{today:%Y-%m-%d}" if col.kind == DATE else f"{today.year} 年"
        con.execute(
            f"UPDATE _staged SET {e} = {_lit(f'晚于载入日期 {said}，尚未发生：请核对年份')} "
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
        c, e = _q(col.name), _q(col.name + "__e")
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
                '”这样的编号）：{REEXPORT}' WHERE _skip IS NULL AND {e} IS NULL
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


def _choice_sql(col: Column, mapped: MappedColumn) -> tuple[str, str]:
    """SQL (value, problem) of a choice column read from tick marks: `整改情况` over
    `已整改 / 未整改`, a √ under the one that holds. One tick gives its choice; two, or a
    mark that is neither a tick nor a cross, reject the row; none leaves it empty (a
    required column rejects the row)."""
    ticks, crosses = ", ".join(map(_lit, nz.TICKS)), ", ".join(map(_lit, nz.CROSSES))
    marks = []
    for index, choice, sub in mapped.choices:
        t = f"upper({_folded(f'r.c{index}')})"
        # a tick, or the choice written out again under its own heading (已整改 under 已整改)
        marks.append(
            (
                f"(CASE WHEN {t} IS NULL OR {t} IN ({crosses}) THEN 0 WHEN {t} IN ({ticks}, "
                f"{_lit(nz.fold(sub).upper())}) THEN 1 END)",
                choice,
                sub,
                index,
            )
        )
    count = " + ".join(m for m, *_ in marks)
    literal = (lambda c: "true" if c else "false") if col.kind == BOOL else _lit
    pick = " ".join(f"WHEN {m} = 1 THEN {literal(c)}" for m, c, _, _ in marks)
    value = f"CAST(CASE WHEN {count} = 1 THEN CASE {pick} END END AS {col.sql_type})"
    subs = "“" + "”“".join(sub for _, _, sub, _ in marks) + "”"
    problems = [
        f"WHEN {m} IS NULL THEN {_lit(f'下“{sub}”一栏的“')} || trim(r.c{index}) || "
        f"{_lit('”不是勾选符号（勾选请填 √，未选留空或填 ×）')}"
        for m, _, sub, index in marks
    ]
    problems.append(f"WHEN {count} > 1 THEN {_lit(f'同时勾选了{subs}，只能勾选一项')}")
    if col.required:
        problems.append(f"WHEN {count} = 0 THEN {_lit(f'的{subs}都没有勾选，请勾选其中一项')}")
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
        own = ", ".join(_lit(u) for u, m in nz.AMOUNT_UNITS.items() if m == mapped.multiplier)
        c = f"regexp_replace(c{mapped.index}, '\\s', '', 'g')"
        n, example = con.execute(
            f"""SELECT count(*), min(c) FROM (SELECT {c} AS c FROM _raw
            WHERE c{mapped.index} LIKE '%元%' OR c{mapped.index} LIKE '%万%' OR c{mapped.index} LIKE '%亿%')
            WHERE regexp_matches(c, '^[¥￥]?[0-9][0-9,]*(\\.[0-9]+)?{nz.UNIT_SUFFIX}$')
            AND regexp_extract(c, '{nz.UNIT_SUFFIX}$') NOT IN ({own})"""
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
    _insert_columns(con, alias, [list(c) for c in zip(*rows, strict=False)] if rows else [])


def _insert_columns(con, table: str, columns: list[list]) -> None:
    """Insert rows given column-wise, in one statement (each list is one parameter)."""
    if not columns or not columns[0]:
        return
    types = [r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    unnest = ", ".join(f"unnest(?::{t}[])" for t in types)
    con.execute(f"INSERT INTO {table} SELECT {unnest}", columns)


def _level_name(level: str) -> str:
    return {"province": "省级单位", "city": "地级市"}.get(level, level)


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
        c = _q(mapped.name)
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


def _collect_rejects(con, ds: Dataset, match: HeaderMatch) -> None:
    """_bad: (row, column, reason, raw JSON) for every problem of every data row."""
    parts = []
    for col in ds.columns:
        mapped = match.columns.get(col.name)
        if mapped is None:
            continue
        e, h = _q(col.name + "__e"), _lit(mapped.header)
        quoted = "false" if mapped.choices else "true"  # a choice column's problem names its cells
        parts.append(
            f"SELECT _row, {_lit(col.name)} AS col, {h} AS header, {e} AS problem, {quoted} AS quoted "
            f"FROM _staged WHERE _skip IS NULL AND {e} IS NOT NULL"
        )
        if col.required:
            parts.append(
                f"SELECT _row, {_lit(col.name)}, {h}, '为空（必填）', false FROM _staged "
                f"WHERE _skip IS NULL AND {_q(col.name)} IS NULL AND {e} IS NULL"
            )
    for dataset, later, earlier, problem in ORDER_RULES:
        if dataset == ds.name and later in match.columns and earlier in match.columns:
            parts.append(
                f"SELECT _row, {_lit(later)}, {_lit(match.columns[later].header)}, {_lit(problem)} || '（' || "
                f"{_lit(match.columns[earlier].header)} || ' ' || strftime({_q(earlier)}, '%Y-%m-%d') || '）', true "
                f"FROM _staged WHERE _skip IS NULL AND {_q(later)} < {_q(earlier)}"
            )
    con.execute(f"CREATE OR REPLACE TEMP TABLE _problems AS {' UNION ALL '.join(parts)}")
    # Within one file a key may appear once: later rows with the same key are rejected.
    key = ", ".join(_q(k) for k in ds.key)
    labels = "、".join(match.columns[k].header if k in match.columns else ds.column(k).label for k in ds.key)
    on = " AND ".join(f"s.{_q(k)} IS NOT DISTINCT FROM k.{_q(k)}" for k in ds.key)
    con.execute(
        f"""INSERT INTO _problems
        WITH k AS (
            SELECT {key}, min(_row) AS first_row FROM _staged
            WHERE _skip IS NULL AND _row NOT IN (SELECT _row FROM _problems) GROUP BY {key} HAVING count(*) > 1)
        SELECT s._row, {_lit(ds.key[0])}, {_lit(labels)}, '与第 ' || k.first_row ||
               ' 行相同，同一文件中重复，只保留第 ' || k.first_row || ' 行', false
        FROM _staged s JOIN k ON {on}
        WHERE s._skip IS NULL AND s._row > k.first_row AND s._row NOT IN (SELECT _row FROM _problems)"""
    )
    by_col = " ".join(f"WHEN {_lit(m.name)} THEN r.c{m.index}" for m in match.columns.values())
    cells = sorted((i, label) for m in match.columns.values() for label, i in m.cells())
    raw_cols = ", ".join(f"{_lit(label)}, r.c{i}" for i, label in cells)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _bad AS
        SELECT p._row, p.col,
               CASE WHEN p.quoted THEN p.header || '“' || coalesce(CASE p.col {by_col} END, '') || '”' || p.problem
                    ELSE p.header || p.problem END AS reason,
               to_json(json_object({raw_cols}))::VARCHAR AS raw
        FROM _problems p JOIN _raw r ON r._row = p._row"""
    )
    con.execute("DROP TABLE _problems")


def _write(
    con, ds: Dataset, match: HeaderMatch, load_id: int, file: str, sheet: str | None, now, report: FileReport
) -> None:
    """Insert the good rows. Rows of an earlier version are replaced: by key, or for a ledger
    with no id of its own (`Dataset.ledger`) the rows of the same owners in the months this
    file covers. The report says what changed against the earlier version; every replaced row
    is kept in `replacements` with its old values."""
    table = _q(ds.name)
    cols = [c.name for c in ds.columns]
    select = []
    wd_join = ""
    for c in ds.columns:
        if c.kind == DEADLINE and c.name in match.columns:
            _working_day_table(con)
            wd_join = "LEFT JOIN _wd ON s.received_on = _wd.received_on AND s._deadline_days = _wd.days"
            select.append(f"coalesce(s.{_q(c.name)}, _wd.due, s.received_on + s._deadline_cdays) AS {_q(c.name)}")
        else:
            select.append(f"s.{_q(c.name)}")
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW _good AS SELECT {", ".join(select)}, s._row
        FROM _staged s {wd_join} WHERE s._skip IS NULL AND s._row NOT IN (SELECT _row FROM _bad)"""
    )
    if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] and _old_version(con, ds):
        _pair_versions(con, ds)
        _report_version(con, ds, match, load_id, now, report)
        marts.track(con, ds.name, "rowid IN (SELECT _rid FROM _old)")  # their marts' rows are rebuilt
        con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT _rid FROM _old)")
    col_list = ", ".join(_q(c) for c in cols)
    derived, order = "", ""
    if ds.name == "cases":  # numbered and dated for the marts, written in their order (etl.marts)
        before, base = con.execute("SELECT count(*), coalesce(max(_case_no), 0) FROM cases").fetchone()
        derived = f", {base} + _row AS _case_no, {marts.done_until_sql('_good')} AS _done_until"
        order = f"ORDER BY {marts.CASES_ORDER}"
    con.execute(
        f"""INSERT INTO {table} ({col_list}, _load_id, _source_file, _sheet, _source_row, _loaded_at
        {", " + ", ".join(n for n, _ in marts.CASES_DERIVED) if derived else ""})
        SELECT {col_list}, ?, ?, ?, _row, ?{derived} FROM _good {order}""",
        [load_id, file, sheet, now],
    )
    marts.track(con, ds.name, "_load_id = ?", [load_id])
    if ds.name == "cases":
        marts.keep_cases_in_order(con, before)
    con.execute("DROP VIEW _good")
    for name in ("_old", "_pairs", "_scope"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _old_version(con, ds: Dataset) -> int:
    """_old: the warehouse rows this file replaces (with their rowid as _rid); returns how many."""
    table = _q(ds.name)
    if ds.ledger:
        owner, day = map(_q, ds.ledger)
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
        on = " AND ".join(f"t.{_q(k)} IS NOT DISTINCT FROM g.{_q(k)}" for k in ds.key)
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
        on = " AND ".join(f"o.{_q(k)} IS NOT DISTINCT FROM n.{_q(k)}" for k in ds.key)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _pairs AS SELECT o._rid, n._row FROM _old o JOIN _good n ON {on}")
        return
    con.execute("CREATE OR REPLACE TEMP TABLE _pairs (_rid BIGINT, _row INTEGER)")
    every = [c.name for c in ds.columns]
    passes = (every, [c.name for c in ds.columns if c.kind not in FIGURES], None)
    for columns in passes:
        if columns is None:
            on, _order_o, _order_n, part_o, part_n = "o._source_row = n._row", "", "", "", ""
        else:
            cols = ", ".join(_q(c) for c in columns)
            on = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in columns) + " AND o._k = n._k"
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
    same = " AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols)
    key_text = " || ', ' || ".join(f"{_lit(k)} || '=' || coalesce(o.{_q(k)}::VARCHAR, '')" for k in ds.key)
    old_json = "to_json(json_object(" + ", ".join(f"{_lit(c)}, o.{_q(c)}" for c in cols) + "))::VARCHAR"
    con.execute(
        f"""INSERT INTO replacements (load_id, dataset, "key", old_load_id, old_source_row, new_source_row,
        replaced_at, change, old_values)
        SELECT ?, ?, {key_text}, o._load_id, o._source_row, n._row, ?,
               CASE WHEN n._row IS NULL THEN '删除' WHEN {same} THEN '未变' ELSE '修改' END, {old_json}
        FROM _old o LEFT JOIN _pairs p ON p._rid = o._rid LEFT JOIN _good n ON n._row = p._row""",
        [load_id, ds.name, now],
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
        ids = [e[0] for e in earlier]
        kept = con.execute(
            f"""SELECT count(*) FROM {_q(ds.name)} WHERE _load_id IN ({", ".join("?" for _ in ids)})
            AND rowid NOT IN (SELECT _rid FROM _old)""",
            ids,
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
    pick = ", ".join(f"o.{_q(c)}, n.{_q(c)}" for c in cols)
    rows = con.execute(
        f"""SELECT n._row, {pick} FROM _pairs p JOIN _old o ON o._rid = p._rid JOIN _good n ON n._row = p._row
        WHERE NOT ({" AND ".join(f"o.{_q(c)} IS NOT DISTINCT FROM n.{_q(c)}" for c in cols)})
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


def _working_day_table(con) -> None:
    pairs = con.execute(
        "SELECT DISTINCT received_on, _deadline_days FROM _staged WHERE _deadline_days IS NOT NULL "
        "AND received_on IS NOT NULL"
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE _wd (received_on DATE, days INTEGER, due DATE)")
    due = nz.add_working_days_many(pairs)
    _insert_columns(con, "_wd", [[d for d, _ in pairs], [n for _, n in pairs], [due[p] for p in pairs]])


def _reference_warnings(con, ds: Dataset, match: HeaderMatch, load_id: int) -> list[str]:
    out = []
    for (dataset, column), (master, master_col, label) in REFERENCES.items():
        if dataset != ds.name or column not in match.columns:
            continue
        missing = con.execute(
            f"""SELECT count(*), list(DISTINCT f.{_q(column)} ORDER BY f.{_q(column)})[1:3]
            FROM {_q(dataset)} f WHERE f._load_id = ? AND f.{_q(column)} IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM {_q(master)} m WHERE m.{_q(master_col)} = f.{_q(column)})""",
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


def last_rejects(warehouse: Path | str = DEFAULT_WAREHOUSE, run_id: int | None = None) -> tuple[list[dict], list[dict]]:
    """The loads of one `etl load` run (the latest when `run_id` is None) and their rejects
    (etl.rejects.FIELDS dicts)."""
    from etl.rejects import read_run

    _, loads, rejects = read_run(warehouse, run_id)
    return loads, rejects
