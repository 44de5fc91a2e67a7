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
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import duckdb

from etl import normalize as nz
from etl.headers import HeaderMatch, HeaderNotFound, MappedColumn, detect_header
from etl.read import FileRefused, Sheet, open_file
from etl.rejects import checks_dir, header_map_json, split_fixed
from etl.regions import Region, RegionIndex
from etl.schema import (
    AMOUNT, BOOL, DATASETS, DATE, DEADLINE, DECIMAL, ENUM, ID, INT, NOTE, PHONE, RATE, REGION, STARS, TEXT, USCC,
    YEAR, Column, Dataset,
)
from etl.warehouse import DEFAULT_WAREHOUSE, pause_point, publishing

REJECTS_IN_REPORT = 20
FULL = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
HALF = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
BLANKS_RE = r"-|--|—|——|/|\\|NULL|null|None|nan|NaN|无数据"  # placeholders a clerk writes for "nothing"
NOTE_PREFIX = "^(注|说明|备注|填表|填报|审核|制表|负责人|联系人|数据来源|单位负责人)"
TOTAL_WORDS = "^(合计|总计|小计|累计|总 *计|合 *计)"

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
    column: Optional[str]
    reason: str


@dataclass
class FileReport:
    file: str
    dataset: Optional[str] = None
    sheet: Optional[str] = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_replaced: int = 0
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    refused: bool = False
    skipped: bool = False  # same content as an earlier load: nothing done
    message: str = ""
    rejects: list[Reject] = field(default_factory=list)
    load_id: Optional[int] = None

    def as_json(self) -> dict:
        out = asdict(self)
        out["rejects"] = [asdict(r) for r in self.rejects[:REJECTS_IN_REPORT]]
        return out


@dataclass
class LoadResult:
    files: list[FileReport]
    warehouse: Path
    run_id: Optional[int] = None  # loads.run_id of this run's loads; None when nothing was loaded

    @property
    def ok(self) -> bool:
        return not any(f.refused for f in self.files)


Progress = Callable[[str], None]


def load_files(
    paths: Iterable[Path | str],
    warehouse: Path | str = DEFAULT_WAREHOUSE,
    dataset: Optional[str] = None,
    user: Optional[str] = None,
    progress: Optional[Callable[[Path], Progress]] = None,
    checks: Optional[Path] = None,
) -> LoadResult:
    """Load files into the warehouse and publish it once; one report per file (and sheet).

    >>> result = load_files(["cases.csv"], "data/warehouse.duckdb")
    >>> [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files]

    A rejects file sent back fixed (etl/rejects.py) is loaded part by part, one per dataset.
    `checks`: where kept checks are (default: beside `warehouse`), for a masked phone of a
    fixed rejects file to be restored from.
    """
    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    user = user or os.environ.get("ETL_USER") or _whoami()
    warehouse = Path(warehouse)
    reports: list[FileReport] = []
    with publishing(warehouse) as pub, tempfile.TemporaryDirectory(dir=warehouse.resolve().parent) as work:
        con = pub.con
        assert con is not None
        con.execute("SET preserve_insertion_order = true")
        regions = RegionIndex(_regions(con))
        # One timestamp and one run id for the whole run, taken under the lock: `scripts/etl
        # rejects --run N` lists a run by its id (a run by its latest loaded_at merged two runs
        # and named a check's rejects by an older load's).
        run_at = dt.datetime.now()
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM loads").fetchone()[0]
        for n, path in enumerate(map(Path, paths)):
            step = progress(path) if progress else (lambda _stage: None)
            file_reports = _load_path(con, path, dataset, user, regions, Path(work), f"{n}", step, run_at,
                                      checks or checks_dir(warehouse))
            loaded = [r.load_id for r in file_reports if r.load_id is not None]
            if loaded:
                con.execute(f"UPDATE loads SET run_id = ? WHERE load_id IN ({', '.join('?' for _ in loaded)})",
                            [run_id, *loaded])
            pub.changed |= bool(loaded)
            reports.extend(file_reports)
    return LoadResult(reports, warehouse, run_id if any(r.load_id is not None for r in reports) else None)


def _load_path(con, path, dataset, user, regions, work, tag, step, run_at, checks) -> list[FileReport]:
    """A ledger file, or a rejects file sent back fixed (etl/rejects.py): that one is loaded
    part by part, one part per dataset, each as a file of that dataset."""
    split = split_fixed(con, path, dataset, work / f"fixed-{tag}", checks)
    if split is None:
        return _load_file(con, path, dataset, user, regions, work, tag, step, run_at)
    if split.refusal:
        return [FileReport(nz.strip_controls(path.name), refused=True, message=split.refusal)]
    reports = []
    for k, part in enumerate(split.parts):
        for report in _load_file(con, part.path, part.dataset, user, regions, work, f"{tag}_{k}", step, run_at):
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
    rows = con.execute("SELECT code, name, short_name, level, coalesce(parent_code, ''), coalesce(aliases, '') "
                       "FROM regions").fetchall()
    return [Region(c, n, s, lv, p, tuple(a for a in al.split("|") if a)) for c, n, s, lv, p, al in rows]


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _load_file(con, path, dataset, user, regions, work, tag, step, run_at) -> list[FileReport]:
    name = nz.strip_controls(path.name)  # as reported and recorded: no right-to-left override or control characters
    try:
        step("校验")
        sha = file_sha256(path) if path.exists() else ""
        earlier = con.execute("SELECT min(load_id), min(loaded_at) FROM loads WHERE sha256 = ?", [sha]).fetchone()
        if sha and earlier[0] is not None:
            return [FileReport(name, skipped=True, message=(
                f"文件内容与第 {earlier[0]} 次加载（{earlier[1]:%Y-%m-%d %H:%M}）完全相同，未做任何更改"))]
        step("读取")
        sheets = open_file(path, con, work, tag)
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
            _load_sheet(con, path, sha, sheet, match, report, regions, user, len(sheets) > 1, step, run_at)
            reports.append(report)
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        return [FileReport(name, refused=True, message=f"加载失败，仓库未做任何更改：{type(exc).__name__}: {exc}")]
    notes = [note for _, m, notes in matches if m is None for note in notes]
    if reports and notes:
        reports[0].warnings.extend(notes)
    return reports


def _match_sheets(sheets: list[Sheet], dataset: Optional[str], regions: RegionIndex):
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


def _load_sheet(con, path, sha, sheet, match: HeaderMatch, report: FileReport, regions, user, many, step, now):
    ds = match.dataset
    step("整理")
    sheet.load(con, "_raw", match.header_index, match.width)
    continued = _merged_figures(sheet, ds, match)
    _stage(con, ds, match, regions, continued)
    report.warnings.extend(_merged_notes(continued, ds, match))
    report.warnings.extend(_own_unit_notes(con, ds, match))
    step("校验")
    skipped = con.execute("SELECT _row, _skip FROM _staged WHERE _skip <> 'blank' ORDER BY _row").fetchall()
    for row, kind in skipped:
        what = "合计行" if kind == "total" else "说明文字"
        report.warnings.append(f"第 {row} 行是{what}，不是数据，未读取")
    _collect_rejects(con, ds, match)
    report.rows_read, report.rows_rejected = con.execute(
        "SELECT (SELECT count(*) FROM _staged WHERE _skip IS NULL), (SELECT count(DISTINCT _row) FROM _bad)"
    ).fetchone()
    report.ignored_columns = list(dict.fromkeys(match.ignored))
    if report.ignored_columns:
        report.warnings.append(f"以下列不在数据规范中，未入库：{'、'.join(report.ignored_columns)}")
    step("写入")
    load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM loads").fetchone()[0]
    report.load_id = load_id
    report.rows_replaced = _write(con, ds, match, load_id, report.file, sheet.name, now)
    pause_point("write")
    report.rows_loaded = report.rows_read - report.rows_rejected
    if report.rows_replaced:
        report.warnings.append(f"{report.rows_replaced} 行替换了仓库中编号相同的旧记录（已记入替换记录）")
    report.warnings.extend(_reference_warnings(con, ds, match, load_id))
    report.warnings.extend(_closed_without_date(con, ds, load_id))
    prefix = f"工作表“{sheet.name}”" if many and sheet.name else ""
    con.execute(
        """INSERT INTO rejects SELECT ?, ?, ?, b._row, b.col, ? || '第 ' || b._row || ' 行：' || b.reason,
           b.raw FROM _bad b ORDER BY b._row, b.col""",
        [load_id, report.file, sheet.name, prefix],
    )
    report.rejects = [Reject(r, c, reason) for r, c, reason in con.execute(
        f'SELECT "row", "column", reason FROM rejects WHERE load_id = ? ORDER BY "row" LIMIT {REJECTS_IN_REPORT}',
        [load_id]).fetchall()]
    con.execute(
        """INSERT INTO loads (load_id, file, path, sha256, dataset, sheet, rows_read, rows_loaded, rows_rejected,
        rows_replaced, warnings, ignored_columns, loaded_at, loaded_by, header_map)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [load_id, report.file, str(path.resolve()), sha, ds.name, sheet.name, report.rows_read, report.rows_loaded,
         report.rows_rejected, report.rows_replaced, len(report.warnings), "、".join(report.ignored_columns) or None,
         now, user, header_map_json(match)],
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


def _folded(col: str) -> str:
    """SQL: a raw cell, full-width folded and trimmed, with placeholders (`-`, `/`) as NULL.

    translate() and the regexes are slow, so they run only where they can matter:
    folding on cells with a non-ASCII character, the placeholder test on short cells."""
    wide = f"strlen({col}) <> length({col}) AND regexp_matches({col}, '[\uFF01-\uFF5E\u3000]')"
    t = f"trim(CASE WHEN {wide} THEN translate({col}, {_lit(FULL)}, {_lit(HALF)}) ELSE {col} END)"
    return f"CASE WHEN length({t}) <= 3 AND regexp_full_match({t}, {_lit(BLANKS_RE)}) THEN NULL ELSE nullif({t}, '') END"


def _stage(con, ds: Dataset, match: HeaderMatch, regions: RegionIndex,
           continued: Optional[dict[int, list[tuple[int, int]]]] = None) -> None:
    """_staged: one row per raw row with every column normalised and its problem, if any.

    `continued`: sheet column -> merged ranges (first, last row) of an additive column;
    the rows after the first get no figure of their own (0 where the column is required)."""
    joins, values = [], []
    for col in ds.columns:
        mapped = match.columns.get(col.name)
        if mapped is None:
            values.append(f"NULL::{col.sql_type} AS {_q(col.name)}, NULL::VARCHAR AS {_q(col.name + '__e')}")
            if col.kind == DEADLINE:
                values.append("NULL::INTEGER AS _deadline_days")
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
                values.append(f"{alias}.days AS _deadline_days")
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
    first3 = " || ".join(f"coalesce(trim(r.c{i}), '')" for i in range(min(3, match.width)))
    # Cheap tests first: a CASE condition's AND evaluates its right side only on the rows its
    # left side keeps, and list_distinct over every cell of every row cost ~0.9 s a million rows.
    skip = (f"CASE WHEN coalesce({', '.join(cells)}) IS NULL THEN 'blank' "
            f"WHEN regexp_matches({first3}, {_lit(TOTAL_WORDS)}) THEN 'total' "
            # a note merged across the table fills every cell with the same text: one distinct value
            f"WHEN regexp_matches(coalesce({', '.join(cells)}), {_lit(NOTE_PREFIX)}) "
            f"AND len(list_distinct([{', '.join(cells)}])) = 1 THEN 'note' "
            f"END AS _skip")
    sql_cols = sorted({m.index for m in match.columns.values()
                       if ds.column(m.name).kind not in PY_KINDS and ds.column(m.name).kind not in (REGION, ENUM)})
    folded = "".join(f", {_folded(f'c{i}')} AS v{i}" for i in sql_cols)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _staged AS SELECT r._row, {skip}, {', '.join(values)} "
        f"FROM (SELECT *{folded} FROM _raw) r {' '.join(joins)}"
    )
    for name in (f"{p}{m.index}" for m in match.columns.values() for p in "mk"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _sql_value(col: Column, mapped: MappedColumn, raw: str, v: str) -> tuple[str, str]:
    """SQL expressions (value, problem) for kinds normalised in SQL; `v` is the folded cell."""
    if col.kind == NOTE:
        return f"nullif(trim({raw}), '')", "NULL"
    if col.kind in (TEXT, ID, PHONE):
        return v, "NULL"
    if col.kind == AMOUNT:
        s = f"regexp_replace({v}, '[,\\s]', '', 'g')"
        # A cell that writes its own unit keeps it: `12,345.60元` under a 万元 header is yuan.
        mult = (f"CASE WHEN {s} LIKE '%亿' OR {s} LIKE '%亿元' THEN 100000000 "
                f"WHEN {s} LIKE '%万' OR {s} LIKE '%万元' THEN 10000 WHEN {s} LIKE '%元' THEN 1 "
                f"ELSE {mapped.multiplier} END")
        # Scale 10, not 6: `0.12345678` 亿元 is 12,345,678 yuan, and six places rounded it to
        # 12,345,700. Values past 1e18 are out of range before multiplying: the product of a
        # 30-digit cell and 亿 overflowed DECIMAL(38) and aborted the whole file.
        num = f"TRY_CAST(ltrim(rtrim({s}, '万亿元'), '¥￥') AS DECIMAL(38,10))"
        value = f"TRY_CAST(round(CASE WHEN abs({num}) < 1e18 THEN {num} END * {mult}, 2) AS DECIMAL(18,2))"
        problem = (f"CASE WHEN {v} IS NULL THEN NULL WHEN {num} IS NULL THEN '无法识别为金额（可写作 1234.50、1,234.50 或 1.2万）' "
                   f"WHEN {value} IS NULL THEN '金额超出范围' WHEN {num} < 0 THEN '金额不能为负数' END")
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
        problem = (f"CASE WHEN {v} IS NOT NULL AND ({num} IS NULL OR ({value}) NOT BETWEEN 0 AND 1) "
                   f"THEN '应为 0 到 100% 之间的比例（可写作 85% 或 0.85）' END")
        return value, problem
    raise AssertionError(col.kind)


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
        marks.append((f"(CASE WHEN {t} IS NULL OR {t} IN ({crosses}) THEN 0 WHEN {t} IN ({ticks}, "
                       f"{_lit(nz.fold(sub).upper())}) THEN 1 END)", choice, sub, index))
    count = " + ".join(m for m, *_ in marks)
    literal = (lambda c: "true" if c else "false") if col.kind == BOOL else _lit
    pick = " ".join(f"WHEN {m} = 1 THEN {literal(c)}" for m, c, _, _ in marks)
    value = f"CAST(CASE WHEN {count} = 1 THEN CASE {pick} END END AS {col.sql_type})"
    subs = "“" + "”“".join(sub for _, _, sub, _ in marks) + "”"
    problems = [f"WHEN {m} IS NULL THEN {_lit(f'下“{sub}”一栏的“')} || trim(r.c{index}) || "
                f"{_lit('”不是勾选符号（勾选请填 √，未选留空或填 ×）')}" for m, _, sub, index in marks]
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
            (first, last), = spans
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
            notes.append(f"{mapped.label}有 {n} 个单元格自带单位（如“{example}”），按单元格所写的单位计，未按{mapped.unit}换算")
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
    if col.kind == DEADLINE:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} (raw VARCHAR, value_date DATE, days INTEGER, problem VARCHAR)")
        rows = [(r, v if isinstance(v, dt.date) else None, v if isinstance(v, int) else None, p) for r, v, p in rows]
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {alias} (raw VARCHAR, value {sql_type}, problem VARCHAR)")
    _insert_columns(con, alias, [list(c) for c in zip(*rows)] if rows else [])


def _insert_columns(con, table: str, columns: list[list]) -> None:
    """Insert rows given column-wise, in one statement (each list is one parameter)."""
    if not columns or not columns[0]:
        return
    types = [r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    unnest = ", ".join(f"unnest(?::{t}[])" for t in types)
    con.execute(f"INSERT INTO {table} SELECT {unnest}", columns)


def _level_name(level: str) -> str:
    return {"province": "省级单位", "city": "地级市"}.get(level, level)


def _collect_rejects(con, ds: Dataset, match: HeaderMatch) -> None:
    """_bad: (row, column, reason, raw JSON) for every problem of every data row."""
    parts = []
    for col in ds.columns:
        mapped = match.columns.get(col.name)
        if mapped is None:
            continue
        e, h = _q(col.name + "__e"), _lit(mapped.header)
        quoted = "false" if mapped.choices else "true"  # a choice column's problem names its cells
        parts.append(f"SELECT _row, {_lit(col.name)} AS col, {h} AS header, {e} AS problem, {quoted} AS quoted "
                     f"FROM _staged WHERE _skip IS NULL AND {e} IS NOT NULL")
        if col.required:
            parts.append(f"SELECT _row, {_lit(col.name)}, {h}, '为空（必填）', false FROM _staged "
                         f"WHERE _skip IS NULL AND {_q(col.name)} IS NULL AND {e} IS NULL")
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


def _write(con, ds: Dataset, match: HeaderMatch, load_id: int, file: str, sheet: Optional[str], now) -> int:
    """Insert the good rows; rows with a known key replace the old ones. Returns how many were replaced."""
    table = _q(ds.name)
    cols = [c.name for c in ds.columns]
    select = []
    wd_join = ""
    for c in ds.columns:
        if c.kind == DEADLINE and c.name in match.columns:
            _working_day_table(con)
            wd_join = "LEFT JOIN _wd ON s.received_on = _wd.received_on AND s._deadline_days = _wd.days"
            select.append(f"coalesce(s.{_q(c.name)}, _wd.due) AS {_q(c.name)}")
        else:
            select.append(f"s.{_q(c.name)}")
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW _good AS SELECT {', '.join(select)}, s._row
        FROM _staged s {wd_join} WHERE s._skip IS NULL AND s._row NOT IN (SELECT _row FROM _bad)"""
    )
    on = " AND ".join(f"t.{_q(k)} IS NOT DISTINCT FROM g.{_q(k)}" for k in ds.key)
    replaced = 0
    if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
        key_text = " || ', ' || ".join(f"{_lit(k)} || '=' || coalesce(g.{_q(k)}::VARCHAR, '')" for k in ds.key)
        con.execute(
            f"""INSERT INTO replacements SELECT ?, ?, {key_text}, t._load_id, t._source_row, g._row, ?
            FROM {table} t JOIN _good g ON {on}""",
            [load_id, ds.name, now],
        )
        replaced = con.execute("SELECT count(*) FROM replacements WHERE load_id = ?", [load_id]).fetchone()[0]
        if replaced:
            con.execute(f"DELETE FROM {table} t USING _good g WHERE {on}")
    col_list = ", ".join(_q(c) for c in cols)
    con.execute(
        f"""INSERT INTO {table} ({col_list}, _load_id, _source_file, _sheet, _source_row, _loaded_at)
        SELECT {col_list}, ?, ?, ?, _row, ? FROM _good""",
        [load_id, file, sheet, now],
    )
    con.execute("DROP VIEW _good")
    return replaced


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


def last_rejects(warehouse: Path | str = DEFAULT_WAREHOUSE, run_id: Optional[int] = None) -> tuple[list[dict], list[dict]]:
    """The loads of one `etl load` run (the latest when `run_id` is None) and their rejects
    (etl.rejects.FIELDS dicts)."""
    from etl.rejects import read_run

    _, loads, rejects = read_run(warehouse, run_id)
    return loads, rejects
