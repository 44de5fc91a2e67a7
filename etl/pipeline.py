"""Load ledger files into the warehouse: read, map headers, normalise, validate, write.

Every data row of a file ends in exactly one place: the dataset's table, or `rejects`
with a reason in Chinese naming the row and the column. Normalisation and validation
run set-wise in DuckDB: values that need Python (dates, regions, credit codes,
choices) are normalised once per *distinct* value and joined back.

This module is the entry (`load_files`) and loads a file sheet by sheet; the steps are in
etl/staging.py (`_staged`), etl/totals.py (total rows, notes, the ledger's own 合计),
etl/rules.py (ids, dates, references, `_bad`), etl/versions.py (what a file replaces) and
etl/results.py (`FileReport`, `LoadResult`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import duckdb

import settings
from etl import marts
from etl import normalize as nz
from etl.clock import beijing_now
from etl.fixed import split_fixed
from etl.headers import HeaderMatch, HeaderNotFound, detect_header, is_row_number
from etl.read import MAX_FILE_BYTES, FileRefused, Sheet, open_file
from etl.regions import Region, RegionIndex
from etl.rejects import checks_dir, header_map_json
from etl.results import REJECTS_IN_REPORT, FileReport, LoadResult, Reject
from etl.rules import (
    SheetRefused,
    _check_future,
    _check_ids,
    _closed_without_date,
    _collect_rejects,
    _reference_warnings,
)
from etl.sql import ident, insert_columns
from etl.staging import _merged_figures, _merged_notes, _own_unit_notes, _stage
from etl.totals import _checksum, _mark_totals, _total_rows
from etl.versions import _old_version, _pair_versions, _report_version
from etl.warehouse import DEFAULT_WAREHOUSE, pause_point, publishing
from vocab.schema import DATASETS, DEADLINE, Dataset

Progress = Callable[[str], None]


def load_files(
    paths: Iterable[Path | str],
    warehouse: Path | str = DEFAULT_WAREHOUSE,
    dataset: str | None = None,
    user: str | None = None,
    progress: Callable[[Path], Progress] | None = None,
    checks: Path | None = None,
    today: dt.date | None = None,
    wait: bool = True,
    on_publish: Callable[[], None] | None = None,
    at: dt.datetime | None = None,
) -> LoadResult:
    """Load files into the warehouse and publish it once; one report per file (and sheet).

    >>> result = load_files(["cases.csv"], "data/warehouse.duckdb")
    >>> [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files]

    A rejects file sent back fixed (etl/rejects.py) is loaded part by part, one per dataset.
    `checks`: where kept checks are (default: beside `warehouse`), for a masked phone of a
    fixed rejects file to be restored from. `today`: the load date (default: today); a date after
    it is rejected (a case received next year would move the dashboard's 数据截至 for everyone).
    `wait=False`: raise etl.warehouse.WarehouseBusy at once when another load holds the lock
    (else wait for it). `on_publish()` is called when the files are loaded and the copy is
    about to be published (the upload page's progress). `at`: the run's time (Beijing, naive;
    default now) — the demo replays the counties' monthly reports at the times they arrived.
    """
    if dataset is not None and dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}; one of {', '.join(DATASETS)}")
    user = user or settings.get("ETL_USER") or _whoami()
    warehouse = Path(warehouse)
    reports: list[FileReport] = []
    with publishing(warehouse, wait) as pub, tempfile.TemporaryDirectory(dir=warehouse.resolve().parent) as work:
        con = pub.con
        assert con is not None
        regions = RegionIndex(_regions(con))
        # One timestamp and one run id for the whole run, taken under the lock: `scripts/etl
        # rejects --run N` lists a run by its id (a run by its latest loaded_at merged two runs
        # and named a check's rejects by an older load's).
        run_at = at or beijing_now()  # Beijing time, as every time the dashboard shows (etl.clock)
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
                    "UPDATE loads SET run_id = $run_id WHERE load_id IN (SELECT unnest($loaded::INTEGER[]))",
                    {"run_id": run_id, "loaded": loaded},
                )
            pub.changed |= bool(loaded)
            reports.extend(file_reports)
        if on_publish is not None and pub.changed:
            on_publish()
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
        """INSERT INTO rejects SELECT $load_id, $file, $sheet, b._row, b.col,
           $prefix || '第 ' || b._row || ' 行：' || b.reason, b.raw FROM _bad b ORDER BY b._row, b.col""",
        {"load_id": load_id, "file": report.file, "sheet": sheet.name, "prefix": prefix},
    )
    report.rejects = [
        Reject(r, c, reason)
        for r, c, reason in con.execute(
            f'SELECT "row", "column", reason FROM rejects WHERE load_id = ? ORDER BY "row" LIMIT {REJECTS_IN_REPORT}',
            [load_id],
        ).fetchall()
    ]
    load = {
        "load_id": load_id,
        "file": report.file,
        "path": str(path.resolve()),
        "sha256": sha,
        "dataset": ds.name,
        "sheet": sheet.name,
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "rows_replaced": report.rows_replaced,
        "warnings": len(report.warnings),
        "ignored_columns": "、".join(report.ignored_columns) or None,
        "loaded_at": now,
        "loaded_by": user,
        "header_map": header_map_json(match),
    }
    con.execute(f"INSERT INTO loads ({', '.join(load)}) VALUES ({', '.join('$' + c for c in load)})", load)
    message = f"读取 {report.rows_read} 行：入库 {report.rows_loaded} 行，拒收 {report.rows_rejected} 行"
    report.message = message
    for table in ("_staged", "_bad"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    # _raw is a VIEW for a CSV and a TABLE for a workbook; DuckDB refuses DROP VIEW on a
    # table (even with IF EXISTS), which failed every workbook load. Drop what it is.
    is_view = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = '_raw'").fetchone()[0]
    con.execute(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS _raw")


def _write(
    con, ds: Dataset, match: HeaderMatch, load_id: int, file: str, sheet: str | None, now, report: FileReport
) -> None:
    """Insert the good rows. Rows of an earlier version are replaced: by key, or for a ledger
    with no id of its own (`Dataset.ledger`) the rows of the same owners in the months this
    file covers. The report says what changed against the earlier version; every replaced row
    is kept in `replacements` with its old values."""
    table = ident(ds.name)
    cols = [c.name for c in ds.columns]
    select = []
    wd_join = ""
    for c in ds.columns:
        if c.kind == DEADLINE and c.name in match.columns:
            _working_day_table(con)
            wd_join = "LEFT JOIN _wd ON s.received_on = _wd.received_on AND s._deadline_days = _wd.days"
            select.append(f"coalesce(s.{ident(c.name)}, _wd.due, s.received_on + s._deadline_cdays) AS {ident(c.name)}")
        else:
            select.append(f"s.{ident(c.name)}")
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW _good AS SELECT {", ".join(select)}, s._row
        FROM _staged s {wd_join} WHERE s._skip IS NULL AND s._row NOT IN (SELECT _row FROM _bad)"""
    )
    if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] and _old_version(con, ds):
        _pair_versions(con, ds)
        _report_version(con, ds, match, load_id, now, report)
        marts.track(con, ds.name, "rowid IN (SELECT _rid FROM _old)")  # their marts' rows are rebuilt
        con.execute(f"DELETE FROM {table} WHERE rowid IN (SELECT _rid FROM _old)")
    col_list = ", ".join(ident(c) for c in cols)
    derived, order = "", ""
    if ds.name == "cases":  # numbered and dated for the marts, written in their order (etl.marts)
        before, base = con.execute("SELECT count(*), coalesce(max(_case_no), 0) FROM cases").fetchone()
        # `_due` is computed by the publish, under the deadline rules it stamps (etl.deadlines.refresh_due)
        derived = f", {base} + _row AS _case_no, {marts.done_until_sql('_good')} AS _done_until, NULL AS _due"
        order = f"ORDER BY {marts.CASES_ORDER}"
    con.execute(
        f"""INSERT INTO {table} ({col_list}, _load_id, _source_file, _sheet, _source_row, _loaded_at
        {", " + ", ".join(n for n, _ in marts.CASES_DERIVED) if derived else ""})
        SELECT {col_list}, $load_id, $file, $sheet, _row, $now{derived} FROM _good {order}""",
        {"load_id": load_id, "file": file, "sheet": sheet, "now": now},
    )
    marts.track(con, ds.name, "_load_id = ?", [load_id])
    if ds.name == "cases":
        marts.keep_cases_in_order(con, before)
    con.execute("DROP VIEW _good")
    for name in ("_old", "_pairs", "_scope"):
        con.execute(f"DROP TABLE IF EXISTS {name}")


def _working_day_table(con) -> None:
    pairs = con.execute(
        "SELECT DISTINCT received_on, _deadline_days FROM _staged WHERE _deadline_days IS NOT NULL "
        "AND received_on IS NOT NULL"
    ).fetchall()
    con.execute("CREATE OR REPLACE TEMP TABLE _wd (received_on DATE, days INTEGER, due DATE)")
    due = nz.add_working_days_many(pairs)
    insert_columns(con, "_wd", [[d for d, _ in pairs], [n for _, n in pairs], [due[p] for p in pairs]])


def last_rejects(warehouse: Path | str = DEFAULT_WAREHOUSE, run_id: int | None = None) -> tuple[list[dict], list[dict]]:
    """The loads of one `etl load` run (the latest when `run_id` is None) and their rejects
    (etl.rejects.FIELDS dicts)."""
    from etl.rejects import read_run

    _, loads, rejects = read_run(warehouse, run_id)
    return loads, rejects
