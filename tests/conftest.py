"""Shared fixtures: a fresh warehouse per test, ledgers written the way clerks write them,
and read-only queries against the real DuckDB file.

A clerk's ledger has a title row (`晋中市物业服务问题整改台账`), a `填报单位：… 填报日期：…`
line, the header, the rows, and often a `合计` row and a `注：` note below; in Excel
the title is merged across the table and a two-row header merges its group cells.
`Clerk` writes exactly that, as CSV (GB18030, UTF-8 or UTF-8 with BOM, CRLF, padded
with empty cells as Excel exports it) or as XLSX through openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from etl.pipeline import LoadResult, load_files

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_REGIONS = ROOT / "data" / "regions.csv"

TITLE = "晋中市物业服务问题整改台账"
FILLED_BY = ("填报单位：晋中市住房和城乡建设局物业科", "填报日期：2024年12月30日")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser and server files first: they are the suite's long ones, so that under
    `scripts/test.sh` (pytest-xdist, whole files per worker, in this order) the many short files
    fill the workers' ends instead of one long file running alone at the end. Before them the long
    files that need no demo warehouse (OWN_DEMO): while the first worker builds the run's demo
    (`demo_warehouse`, 15-20 s), the next one runs them instead of waiting for it. Stable otherwise."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.replace("\\", "/").split("::")[0]
        return 0 if path in OWN_DEMO else 1 if "/ui/" in path else 2

    items.sort(key=rank)


# long files that start their own app and demo and read nothing of the run's demo warehouse
OWN_DEMO = ("tests/test_app_start.py",)


@pytest.fixture(scope="session", autouse=True)
def regions_csv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The region table the tests resolve against: the shipped one."""
    assert SHIPPED_REGIONS.exists()
    yield SHIPPED_REGIONS


# ---------------------------------------------------------------- ledgers


@dataclass
class Table:
    """One ledger table as a clerk lays it out."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    title: str | None = TITLE
    filled_by: tuple[str, str] | None = FILLED_BY
    group: tuple[str, int, int] | None = None  # XLSX: a group cell over header columns first..last (0-based)
    total: Sequence[object] | None = None  # a 合计 row under the data
    note: str | None = None  # a 注： line under the table
    # A second header row written as is under `header` (nothing merged): `header` holds the
    # single-level columns and the group cells, `sub_header` the sub-columns, the rest empty.
    sub_header: Sequence[str | None] | None = None
    merges: Sequence[str] = ()  # XLSX: more merged ranges, e.g. "D5:D7" (a cell merged down rows 5-7)

    @property
    def width(self) -> int:
        return len(self.header)

    def padded(self, cells: Sequence[object]) -> list[object]:
        return list(cells) + [None] * (self.width - len(cells))

    def filled_by_row(self) -> list[object]:
        """`填报单位：…` in the first cell, `填报日期：…` towards the right, as on the printed form."""
        unit, date = self.filled_by or ("", "")
        cells: list[object] = [None] * self.width
        cells[0], cells[max(self.width - 2, 1)] = unit, date
        return cells


class Clerk:
    """Writes ledger files into a folder the way clerks write them."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def csv(
        self,
        name: str,
        header: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        encoding: str = "utf-8",
        delimiter: str = ",",
        **layout,
    ) -> Path:
        """A CSV as Excel exports it: title rows padded with empty cells, CRLF line ends.

        `encoding="utf-16", delimiter="\\t"` is Excel's "Unicode 文本" (.txt): UTF-16LE with
        the BOM FF FE, tab-separated."""
        table = Table(header, rows, **layout)
        lines: list[list[object]] = []
        if table.title:
            lines.append(table.padded([table.title]))
        if table.filled_by:
            lines.append(table.filled_by_row())
        lines.append(list(table.header))
        if table.sub_header:
            lines.append(table.padded(table.sub_header))
        lines += [table.padded(r) for r in table.rows]
        if table.total:
            lines.append(table.padded(table.total))
        if table.note:
            lines.append(table.padded([table.note]))
        path = self.folder / name
        with open(path, "w", encoding=encoding, newline="") as f:
            csv.writer(f, lineterminator="\r\n", delimiter=delimiter).writerows(
                [["" if c is None else c for c in line] for line in lines]
            )
        return path

    def xlsx_bomb(self, name: str, header: Sequence[str], row: Sequence[object], compresslevel: int = 1) -> Path:
        """A real workbook whose sheet XML inflates just past etl.read's limit (a zip bomb, ~1000:1)."""
        import zipfile

        import etl.read

        plain = self.xlsx("plain-" + name, header, [row])
        path = self.folder / name
        line = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        chunk = line * ((1 << 20) // len(line))
        with (
            zipfile.ZipFile(plain) as src,
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as dst,
        ):
            for info in src.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    dst.writestr(info, src.read(info))
            with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
                written = 0
                while written <= etl.read.MAX_XLSX_UNPACKED_BYTES:
                    sheet.write(chunk)
                    written += len(chunk)
                sheet.write(b"</sheetData></worksheet>")
        plain.unlink()
        return path

    def xlsx(
        self,
        name: str,
        header: Sequence[str] | None = None,
        rows: Sequence[Sequence[object]] = (),
        *,
        sheets: dict[str, dict] | None = None,
        **layout,
    ) -> Path:
        """A workbook: one table, or `sheets={name: dict(header=…, rows=…, …)}`; dict(text=…) is a prose sheet,
        `state="hidden"` (or "veryHidden") in a sheet's dict hides it."""
        from openpyxl import Workbook

        if sheets is None:
            sheets = {"Sheet1": dict(header=header, rows=rows, **layout)}
        book = Workbook()
        book.remove(book.active)
        for sheet_name, spec in sheets.items():
            ws = book.create_sheet(sheet_name)
            spec = dict(spec)
            ws.sheet_state = spec.pop("state", "visible")
            if "text" in spec:
                for line in spec["text"].splitlines():
                    ws.append([line])
            else:
                _write_sheet(ws, Table(**spec))
        path = self.folder / name
        book.save(path)
        return path


def _write_sheet(ws, table: Table) -> None:
    last = table.width
    if table.title:
        ws.append([table.title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=last)
    if table.filled_by:
        ws.append(table.filled_by_row())
    if table.group:
        label, first, end = table.group
        top = [h if not first <= i <= end else (label if i == first else None) for i, h in enumerate(table.header)]
        ws.append(top)
        ws.append([h if first <= i <= end else None for i, h in enumerate(table.header)])
        row = ws.max_row
        ws.merge_cells(start_row=row - 1, start_column=first + 1, end_row=row - 1, end_column=end + 1)
        for i in range(table.width):  # the other header cells span both rows
            if not first <= i <= end:
                ws.merge_cells(start_row=row - 1, start_column=i + 1, end_row=row, end_column=i + 1)
    else:
        ws.append(list(table.header))
        if table.sub_header:
            ws.append(table.padded(table.sub_header))
    for r in table.rows:
        ws.append(list(r))
    if table.total:
        ws.append(table.padded(table.total))
    if table.note:
        ws.append([table.note])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=last)
    for cells in table.merges:
        ws.merge_cells(cells)


@pytest.fixture
def clerk(tmp_path: Path) -> Clerk:
    return Clerk(tmp_path / "ledgers")


# ---------------------------------------------------------------- warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Where a fresh warehouse for this test lives (created by the first load)."""
    return tmp_path / "warehouse.duckdb"


DEADLINE_RULES = """source,category,working_days,note
*,*,15,默认
投诉举报,*,10,投诉举报
*,安全防范,5,安全防范
12345,安全防范,3,热线安全隐患
"""


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Deadline rules of this test's own (DEADLINE_RULES; 投诉举报: 10 working days), a file it may edit."""
    path = tmp_path / "deadline_rules.csv"
    path.write_text(DEADLINE_RULES, encoding="utf-8")
    monkeypatch.setenv("DEADLINE_RULES", str(path))
    return path


def assert_rows_accounted(reports: Sequence[object]) -> None:
    """Every row read ends in exactly one place: rows_read == rows_loaded + rows_rejected."""
    for r in reports:
        get = r.get if isinstance(r, dict) else lambda k, r=r: getattr(r, k)
        if get("refused") or get("skipped"):
            assert get("rows_loaded") == get("rows_rejected") == 0, r
            continue
        assert get("rows_read") == get("rows_loaded") + get("rows_rejected"), r


@pytest.fixture
def accounted() -> Callable[[Sequence[object]], None]:
    return assert_rows_accounted


@pytest.fixture
def load(warehouse: Path) -> Callable[..., LoadResult]:
    """Load files into the test's warehouse through the real pipeline; checks the row accounting."""

    def _load(*paths: Path, dataset: str | None = None) -> LoadResult:
        result = load_files(list(paths), warehouse, dataset=dataset, user="test")
        assert_rows_accounted(result.files)
        return result

    return _load


@pytest.fixture
def query(warehouse: Path) -> Callable[..., list[tuple]]:
    """Run SQL against the test's warehouse, read-only, with `?` parameters."""

    def _query(sql: str, params: Sequence[object] = ()) -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()

    return _query


def fingerprint(path: Path) -> tuple[str, int]:
    """(sha256 of the file, number of loads) — what must not change when nothing is published."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with duckdb.connect(str(path), read_only=True) as con:
        loads = con.execute("SELECT count(*) FROM loads").fetchone()[0]
    return digest, loads


@pytest.fixture
def fingerprint_of() -> Callable[[Path], tuple[str, int]]:
    return fingerprint


@pytest.fixture
def etl_env() -> dict[str, str]:
    """The environment of a `python -m etl` subprocess (inherits REGIONS_CSV when it is set)."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


@pytest.fixture
def cli(
    warehouse: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str]]:
    """Run `etl.cli.main([command, "--warehouse", <test warehouse>, *args])` in this process, as
    `python -m etl` (no wrapper): returns (exit code, what it printed on stdout)."""
    from etl.cli import main

    monkeypatch.delenv("ETL_PROG", raising=False)
    monkeypatch.delenv("WAREHOUSE", raising=False)
    monkeypatch.setenv("ETL_USER", "clerk")

    def run(command: str, *args: object) -> tuple[int, str]:
        capsys.readouterr()
        code = main([command, "--warehouse", str(warehouse), *map(str, args)])
        return code, capsys.readouterr().out

    return run


# ---------------------------------------------------------------- the demo, built once


def _build_demo(root: Path) -> Path:
    """The demo built through the real ETL into `root` (checked: nothing rejected)."""
    from etl import demo

    root.mkdir(parents=True, exist_ok=True)
    result = demo.build(root / "warehouse.duckdb", root / "ledgers")
    assert result.ok
    rejected = [(f.file, f.rejects[:3]) for f in result.files if f.rows_rejected]
    assert not rejected, f"the ETL rejected demo rows: {rejected}"
    return root / "warehouse.duckdb"


def _copy_warehouse(source: Path, folder: Path) -> Path:
    """A copy of a warehouse and its access store in `folder` (created); returns the copy's path."""
    import shutil
    import sqlite3

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / "warehouse.duckdb")
    with (
        sqlite3.connect(source.parent / "access.sqlite") as src,
        sqlite3.connect(folder / "access.sqlite") as dst,
    ):
        src.backup(dst)  # the store is in WAL mode: copy it through SQLite, not as a file
    return folder / "warehouse.duckdb"


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Path]:
    """The demo warehouse (with its ledgers and access store beside it) built through the real
    ETL once per run: under pytest-xdist the first worker builds it beside the workers' folders,
    under a lock, and each worker takes a copy of its own (its server writes sessions into the
    access store). Shared by the worker's tests: a test that writes copies it (copy_demo)."""
    import fcntl

    from etl import demo

    root = tmp_path_factory.mktemp("demo-wh")
    if worker_id == "master":
        path = _build_demo(root)
    else:
        run_dir = tmp_path_factory.getbasetemp().parent  # shared by the run's workers
        with open(run_dir / "demo.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            built = run_dir / "demo-built" / "warehouse.duckdb"
            if not built.exists():
                _build_demo(built.parent)
        path = _copy_warehouse(built, root)
        (root / "ledgers").symlink_to(built.parent / "ledgers", target_is_directory=True)
    yield path
    # shared by every test of the worker: a test that added a user or a load here changed what the
    # tests after it saw (a rebuild test found a user of the throttling test's in it)
    why = demo.refusal(path)
    assert why is None, f"a test wrote into the shared demo instead of a copy (copy_demo): {why}"


@pytest.fixture(scope="session")
def copy_demo(demo_warehouse: Path) -> Callable[[Path], Path]:
    """`copy_demo(folder)`: a copy of the demo warehouse and its access store in `folder` (created),
    for a test that republishes it or serves it alone; returns the copy's warehouse path."""
    return lambda folder: _copy_warehouse(demo_warehouse, folder)


@pytest.fixture(scope="session")
def demo_wh(demo_warehouse: Path):
    """The demo warehouse opened as the dashboard reads it (metrics.db.Warehouse), and
    installed as the process's warehouse for page functions."""
    from metrics import access
    from metrics.db import Warehouse

    wh = Warehouse(demo_warehouse)
    before = access._warehouse
    access._warehouse = wh
    yield wh
    access._warehouse = before


@pytest.fixture
def leader_pages(demo_wh, monkeypatch):
    """The Dash app's pages registered, reading the demo warehouse as a leader (every region):
    a test calls a page's callbacks directly (`pages.funds.funds_cards(params)`), as the browser's
    request would, and reads what they return (tests/dash_tree.py)."""
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from metrics import access
    from metrics.filters import EVERYTHING
    from security import web

    monkeypatch.setattr(access, "warehouse", lambda: demo_wh)
    monkeypatch.setattr(web, "current_scope", lambda: EVERYTHING)
    import pages

    return pages


AS_VIEWER_TODAY = dt.date(2025, 1, 24)  # Friday before the 2025 Spring Festival


@pytest.fixture
def as_viewer(leader_pages, demo_wh, tmp_path, monkeypatch):
    """become(viewer): the requests are that viewer's (the supervisor's until then) from then on;
    the access store is the test's, and the acts are dated AS_VIEWER_TODAY."""
    from metrics import app_trail
    from pages import _loop
    from security import web
    from security.roles import Viewer
    from security.store import Store
    from workflow import register

    store = Store(tmp_path / "access.sqlite")
    who = {"viewer": Viewer("supervisor", "supervisor")}
    monkeypatch.setattr(web, "current_viewer", lambda: who["viewer"])
    monkeypatch.setattr(web, "current_scope", lambda: who["viewer"].scope)
    monkeypatch.setattr(web, "store", lambda: store)
    monkeypatch.setattr(_loop, "today", lambda: AS_VIEWER_TODAY)
    monkeypatch.setattr(app_trail, "_source", lambda ids: register.trail_steps(store, ids))

    def become(viewer: Viewer) -> None:
        who["viewer"] = viewer

    return become
