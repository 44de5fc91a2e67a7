"""The DuckDB warehouse file: its tables, and how a load is published.

DuckDB lets one process write a file, or many processes read it, never both. The
dashboard keeps serving the published file read-only while a load runs, so a load
never writes the served file in place:

1. take an exclusive lock on `<warehouse>.lock` (one loader at a time);
2. copy the served file to `<dir>/.<name>.tmp-<pid>` and open the copy;
3. load into the copy, one transaction per file, then CHECKPOINT and close;
4. fsync the copy, give the served file a second name `<dir>/.<name>.old-<pid>`, and
   `os.replace` the copy onto the served name (atomic on POSIX), fsync the directory;
5. drop the old version's second name on a thread (freeing a 1 GB file's blocks takes
   0.3 s: off the publish's path; a name left by a killed load goes with the next load).

A reader sees the old file or the new one, never a mix; a process killed at any
step leaves the served file as it was (a stale copy is removed by the next load).
Readers notice a publish by the file's inode and mtime (`version()`) and reopen.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

import settings
from etl import marts
from etl.regions import REGION_COLUMNS, read_regions
from etl.sql import ident, insert_columns
from vocab.schema import DATASETS, LINEAGE

DEFAULT_WAREHOUSE = Path(__file__).resolve().parent.parent / "data" / "warehouse.duckdb"

META_DDL = (
    """CREATE TABLE IF NOT EXISTS loads (
        load_id INTEGER PRIMARY KEY, file VARCHAR, path VARCHAR, sha256 VARCHAR, dataset VARCHAR,
        sheet VARCHAR, rows_read INTEGER, rows_loaded INTEGER, rows_rejected INTEGER,
        rows_replaced INTEGER, warnings INTEGER, ignored_columns VARCHAR, loaded_at TIMESTAMP,
        loaded_by VARCHAR, run_id INTEGER, header_map VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS rejects (
        load_id INTEGER, file VARCHAR, sheet VARCHAR, "row" INTEGER, "column" VARCHAR,
        reason VARCHAR, raw VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS replacements (
        load_id INTEGER, dataset VARCHAR, "key" VARCHAR, old_load_id INTEGER,
        old_source_row INTEGER, new_source_row INTEGER, replaced_at TIMESTAMP, change VARCHAR,
        old_values VARCHAR)""",
    # how many rows of a table were last written in order (etl.marts.keep_cases_in_order)
    """CREATE TABLE IF NOT EXISTS layout (
        table_name VARCHAR PRIMARY KEY, sorted_rows BIGINT, total_rows BIGINT)""",
    """CREATE TABLE IF NOT EXISTS calendar (
        day DATE PRIMARY KEY, is_workday BOOLEAN, workday_index INTEGER)""",
    # REGION_COLUMNS, in order (_refresh_regions inserts them so)
    f"CREATE TABLE IF NOT EXISTS regions ({REGION_COLUMNS[0]} VARCHAR PRIMARY KEY, "
    + ", ".join(f"{c} VARCHAR" for c in REGION_COLUMNS[1:])
    + ")",
)


# Columns added to a meta table after warehouses were first written: ensure_schema adds them
# to an older warehouse. run_id: the load run (one `scripts/etl load`, one upload) a load
# belongs to; header_map: what each header of the loaded sheet meant (etl/rejects.py).
# replacements.change: 未变 / 修改 / 删除; old_values: the replaced row as JSON (nothing is lost).
META_COLUMNS = {
    "loads": (("run_id", "INTEGER"), ("header_map", "VARCHAR")),
    "replacements": (("change", "VARCHAR"), ("old_values", "VARCHAR")),
}


def dataset_ddl(name: str) -> str:
    ds = DATASETS[name]
    derived = marts.CASES_DERIVED if name == "cases" else ()
    cols = [f"{ident(c.name)} {c.sql_type}" for c in ds.columns] + [f"{ident(n)} {t}" for n, t in (*LINEAGE, *derived)]
    return f"CREATE TABLE IF NOT EXISTS {ident(name)} ({', '.join(cols)})"


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing; add columns a newer contract has (never drops one)."""
    for ddl in META_DDL:
        con.execute(ddl)
    for table, columns in META_COLUMNS.items():
        if "run_id" in _add_missing_columns(con, table, columns):
            # loads written before runs had ids: a run shared one loaded_at
            con.execute("""UPDATE loads SET run_id = r.n FROM (SELECT load_id,
                           dense_rank() OVER (ORDER BY loaded_at) AS n FROM loads) r
                           WHERE loads.load_id = r.load_id""")
    for name, ds in DATASETS.items():
        con.execute(dataset_ddl(name))
        _add_missing_columns(con, name, [(col.name, col.sql_type) for col in ds.columns])
    if _add_missing_columns(con, "cases", marts.CASES_DERIVED):
        marts.fill_cases_derived(con)
        con.execute("DROP TABLE IF EXISTS mart_cases")  # every case renumbered: the marts are rebuilt in full
    _refresh_regions(con)
    if not con.execute("SELECT count(*) FROM calendar").fetchone()[0]:
        _fill_calendar(con)


def contract_missing(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables and columns of the current contract (every dataset, the marts) a published file
    lacks, as `table` or `table.column`; empty when it is up to date."""
    have: dict[str, set[str]] = {}
    for table, column in cur.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database()"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    missing = []
    for name, ds in DATASETS.items():
        if name not in have:
            missing.append(name)
            continue
        missing += [f"{name}.{c.name}" for c in ds.columns if c.name not in have[name]]
    return missing + [name for name in (*marts.VIEWS, *marts.MARTS) if name not in have]


def upgrade(warehouse: Path) -> list[str]:
    """Publish the warehouse again under the current contract: the tables and columns a newer
    contract has are added (empty until a ledger fills them; nothing is dropped) and every mart
    is rebuilt from all rows. Returns what the file lacked (nothing: nothing published)."""
    with connect_read_only(warehouse) as con:
        missing = contract_missing(con)
    if not missing:
        return []
    with publishing(warehouse) as pub:
        marts.build(pub.con)
        pub.changed = True
    return missing


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: str, columns) -> list[str]:
    """ALTER TABLE ADD the (name, SQL type) columns `table` lacks; returns the names added."""
    have = {r[0] for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()}
    added = [name for name, _ in columns if name not in have]
    for name, sql_type in columns:
        if name in added:
            con.execute(f"ALTER TABLE {ident(table)} ADD COLUMN {ident(name)} {sql_type}")
    return added


def _refresh_regions(con: duckdb.DuckDBPyConnection) -> None:
    regions = read_regions()
    columns = [
        [r.code for r in regions],
        [r.name for r in regions],
        [r.short_name for r in regions],
        [r.level for r in regions],
        [r.parent_code or None for r in regions],
        [("|".join(r.aliases) or None) for r in regions],
    ]
    if con.execute("SELECT * FROM regions").fetchall() == list(zip(*columns, strict=True)):
        return  # as shipped already: not rewritten on every load
    con.execute("DELETE FROM regions")
    insert_columns(con, "regions", columns)


CALENDAR_YEARS = (2000, 2035)


def _fill_calendar(con: duckdb.DuckDBPyConnection) -> None:
    """China's working-day calendar (official holidays and adjusted working weekends, from
    chinese_calendar; Monday to Friday for years it does not cover) so that SQL can count
    working days: workday_index(b) - workday_index(a) working days lie in (a, b]."""
    import chinese_calendar

    first, last = CALENDAR_YEARS
    con.execute(
        f"""INSERT INTO calendar
        WITH days AS (SELECT d::DATE AS d FROM range(DATE '{first}-01-01', DATE '{last}-12-31' + 1, INTERVAL 1 DAY) t(d)),
        flagged AS (SELECT d, CASE WHEN list_contains($holidays::DATE[], d) THEN false
                                   WHEN list_contains($workdays::DATE[], d) THEN true
                                   ELSE isodow(d) <= 5 END AS w FROM days)
        SELECT d, w, sum(w::INTEGER) OVER (ORDER BY d) FROM flagged""",
        {"holidays": list(chinese_calendar.holidays), "workdays": list(chinese_calendar.workdays)},
    )


def version(path: Path) -> tuple[int, int] | None:
    """What changes when a load is published: (inode, mtime in ns); None if absent."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns


def connect_read_only(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def tmp_dir(warehouse: Path) -> Path:
    return Path(warehouse).resolve().parent


class WarehouseBusy(Exception):
    """Another load holds the warehouse's lock (`lock(..., wait=False)`)."""


@contextlib.contextmanager
def lock(warehouse: Path, wait: bool = True) -> Iterator[None]:
    """One loader at a time. `wait=False`: raise WarehouseBusy at once when another holds it
    (the upload page says so instead of queueing a second upload behind the first)."""
    warehouse = Path(warehouse).resolve()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(warehouse.with_name(warehouse.name + ".lock"), "a+") as handle:
        try:  # released by the kernel if this process dies
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(str(warehouse)) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Publication:
    """A copy of the warehouse being loaded; `publish()` makes it the served file."""

    def __init__(self, warehouse: Path):
        self.warehouse = Path(warehouse).resolve()
        self.tmp = self.warehouse.with_name(f".{self.warehouse.name}.tmp-{os.getpid()}")
        self.old = self.warehouse.with_name(f".{self.warehouse.name}.old-{os.getpid()}")
        self.con: duckdb.DuckDBPyConnection | None = None
        self.changed = False
        self.reaper: threading.Thread | None = None

    def open(self) -> duckdb.DuckDBPyConnection:
        _remove_stale_copies(self.warehouse)
        if self.warehouse.exists():
            shutil.copyfile(self.warehouse, self.tmp)
        self.con = duckdb.connect(str(self.tmp))
        ensure_schema(self.con)
        return self.con

    def publish(self) -> None:
        assert self.con is not None
        marts.refresh(self.con)  # the marts' rows this publication's loads touched
        self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        os.chmod(self.tmp, 0o600)  # citizens' phone numbers: readable by the owner only
        _fsync(self.tmp)
        pause_point("publish")
        # The replaced file's blocks are freed when its last name goes (0.3 s for 1 GB on ext4):
        # keep a second name for it so that the rename is cheap, and drop that name on a thread
        # after the publish (a killed process's leftover is removed by the next load).
        if self.warehouse.exists():
            with contextlib.suppress(FileNotFoundError):
                self.old.unlink()
            os.link(self.warehouse, self.old)
        os.replace(self.tmp, self.warehouse)
        _fsync(self.warehouse.parent)
        if self.old.exists():
            self.reaper = threading.Thread(target=_unlink, args=(self.old,), name="unlink-old-warehouse")
            self.reaper.start()

    def discard(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        for path in (self.tmp, self.tmp.with_name(self.tmp.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def put_in_place(built: Path, warehouse: Path) -> None:
    """Serve the warehouse file `built` (on the same file system) as `warehouse`: one rename under
    the loads' lock, so a reader sees the old file or the new one (etl.demo.rebuild)."""
    with lock(warehouse):
        _fsync(built)
        os.replace(built, warehouse)
        _fsync(Path(warehouse).parent)


def pause_point(stage: str) -> None:
    """Where the crash tests kill a load: with ETL_PAUSE_AT=<stage> the process announces
    the stage on stderr and waits there (600 s), so a test can SIGKILL it at a known point.
    With ETL_PAUSE_AT=<stage>:<file> it goes on as soon as that file exists (a test watching
    a load in progress, the upload page's progress bar)."""
    wanted, _, resume = (settings.get("ETL_PAUSE_AT") or "").partition(":")
    if wanted == stage:
        import sys
        import time

        print(f"ETL paused at {stage}", file=sys.stderr, flush=True)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not (resume and Path(resume).exists()):
            time.sleep(0.05)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _remove_stale_copies(warehouse: Path) -> None:
    """Copies left by a killed load, and replaced versions not yet unlinked (we hold the lock,
    so no live load owns them)."""
    for pattern in (f".{warehouse.name}.tmp-*", f".{warehouse.name}.old-*"):
        for path in warehouse.parent.glob(pattern):
            _unlink(path)


@contextlib.contextmanager
def publishing(warehouse: Path, wait: bool = True) -> Iterator[Publication]:
    """Lock, copy, yield the copy; publish it if `changed` was set, else discard it."""
    with lock(warehouse, wait):
        pub = Publication(warehouse)
        try:
            pub.open()
            yield pub
            if pub.changed or not pub.warehouse.exists():
                pub.publish()
        finally:
            pub.discard()
