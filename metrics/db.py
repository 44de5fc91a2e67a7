"""Read access to the published warehouse for the dashboard.

The ETL publishes a new warehouse by renaming a finished copy onto the served file
(etl/warehouse.py), so every publish is a new file: a *version*, (inode, mtime).

- One reader per warehouse path in the process (`Warehouse(path)` objects are handles on
  it). It keeps each version it has open as a `Snapshot`: a DuckDB instance of its own, the
  file attached read-only to an in-memory database. Not `duckdb.connect(path)`: DuckDB
  caches instances by path and, while any connection to the old file is open, hands the
  old (deleted) database back to whoever connects to that path again (duckdb#15912) — a
  second reader on the same path then freezes every reader on the version it opened.
- A snapshot is pinned while it is read. When the file changes, the next read opens the
  new version; the old one is closed once nothing pins it any more.
- `one_version()` (a `ReadScope`): every read inside reads the version its first read
  found, from the first query to the last, however many publishes happen meanwhile. The
  web server enters one around every request (metrics/serving.py); memo values of a
  version (`Warehouse.memo`) live on its snapshot, so they are keyed by version by
  construction and die with it.

Each query gets a cursor of its own (a connection is not safe to share between threads),
taken from the snapshot's pool of idle cursors.
"""

from __future__ import annotations

import contextvars
import itertools
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

import settings
from etl.sql import Sql
from etl.warehouse import DEFAULT_WAREHOUSE, contract_missing, version
from metrics.answers import Answers, frame_bytes, frozen

MEMORY_LIMIT = settings.get("DUCKDB_MEMORY_LIMIT")  # per instance; several workers share the machine
CATALOG = "published"  # the attached file's name inside a snapshot's instance
_serial = itertools.count(1)


class WarehouseMissing(Exception):
    """No warehouse has been published at the path yet."""


class WarehouseOutdated(WarehouseMissing):
    """The published file was written by an older version of the contract: a statement needs a
    table or column it lacks (`missing`) until the file is published again (`python -m etl
    upgrade`, or the next load). The panels that need them say so; the others are drawn."""

    def __init__(self, missing: list[str]):
        super().__init__("missing: " + ", ".join(missing))
        self.missing = missing


def _statement(sql: str | Sql, params: Any) -> tuple[str, Any]:
    """The text and the arguments of a statement: an `Sql` carries its own values (a dict of
    named parameters); plain text comes with a dict, or a list of positional ones."""
    if isinstance(sql, Sql):
        if params:
            raise TypeError("an Sql statement carries its own parameters")
        return sql.text, dict(sql.params)
    return sql, params if isinstance(params, dict) else list(params)


class Snapshot:
    """One published version of the file, open read-only (an instance of its own)."""

    def __init__(self, reader: _Reader, path: Path, file_version: tuple[int, int]):
        self.reader, self.path, self.version = reader, path, file_version
        # Spills go to a folder of this instance's own under the system's temporary folder (an
        # in-memory database would spill to `.tmp` in the working directory).
        spill = Path(tempfile.gettempdir()) / f"wygk-read-{os.getpid()}-{next(_serial)}"
        self.instance = duckdb.connect(":memory:", config={"memory_limit": MEMORY_LIMIT, "temp_directory": str(spill)})
        try:
            self.instance.execute(f"ATTACH ? AS {CATALOG} (READ_ONLY)", [str(path)])  # the path as a parameter
        except Exception:
            self.instance.close()
            raise
        self.pins = 0  # guarded by the reader's lock
        self.retired = False
        self._lock = threading.Lock()
        self._idle: list[duckdb.DuckDBPyConnection] = []
        self._memo: dict[Any, Any] = {}
        self.answers = Answers(settings.get("ANSWER_CACHE_MB") * 1_000_000)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._idle.pop() if self._idle else None
        if cur is None:
            cur = self.instance.cursor()
            cur.execute(f"USE {CATALOG}")  # a cursor starts in the instance's in-memory database
        try:
            yield cur
        except BaseException:
            cur.close()  # in an unknown state: not back into the pool
            raise
        with self._lock:
            self._idle.append(cur)

    @contextmanager
    def outdated_as_such(self) -> Iterator[None]:
        """A statement that names a table or column the file lacks raises WarehouseOutdated when the
        file is older than the contract (and is a bug, raised as it is, when it is not)."""
        try:
            yield
        except (duckdb.CatalogException, duckdb.BinderException):
            missing = self.memo("contract_missing", self._contract_missing)
            if missing:
                raise WarehouseOutdated(missing) from None
            raise

    def _contract_missing(self) -> list[str]:
        with self.cursor() as cur:
            return contract_missing(cur)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = compute()  # outside the lock: it queries; two threads may both compute, one value is kept
        with self._lock:
            return self._memo.setdefault(key, value)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            self._memo.clear()
        for cur in idle:
            cur.close()
        self.instance.close()


class _Reader:
    """The process's reader of one warehouse path: the current snapshot and the retired
    ones still pinned."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._open: set[Snapshot] = set()  # the current one and retired ones still pinned
        self.opened = 0  # snapshots opened so far

    def acquire(self) -> Snapshot:
        """Pin the snapshot of the file as it is now (opening it if the file changed)."""
        with self._lock:
            for _ in range(20):
                seen = version(self.path)
                if seen is None:
                    raise WarehouseMissing(str(self.path))
                if self._current is not None and self._current.version == seen:
                    break
                snap = Snapshot(self, self.path, seen)
                if version(self.path) != seen:  # replaced while we attached: which file we hold is unknown
                    snap.close()
                    continue
                self.opened += 1
                self._open.add(snap)
                self._retire(self._current)
                self._current = snap
                break
            else:
                raise RuntimeError(f"{self.path} keeps changing; cannot open a stable version")
            self._current.pins += 1
            return self._current

    def release(self, snap: Snapshot) -> None:
        with self._lock:
            snap.pins -= 1
            if snap.retired and snap.pins == 0:
                self._close(snap)

    def close(self) -> None:
        """Close the current snapshot once nothing reads it (the next read opens the file again)."""
        with self._lock:
            self._retire(self._current)
            self._current = None

    def _retire(self, snap: Snapshot | None) -> None:
        if snap is not None:
            snap.retired = True
            if snap.pins == 0:
                self._close(snap)

    def _close(self, snap: Snapshot) -> None:
        self._open.discard(snap)
        snap.close()

    def open_versions(self) -> list[tuple[int, int]]:
        """The versions open now: the current one and retired ones still pinned."""
        with self._lock:
            return sorted(s.version for s in self._open)


_readers: dict[Path, _Reader] = {}
_readers_lock = threading.Lock()


def _reader(path: Path) -> _Reader:
    with _readers_lock:
        if path not in _readers:
            _readers[path] = _Reader(path)
        return _readers[path]


_inherited: list[_Reader] = []


def _forget_readers_after_fork() -> None:
    # A DuckDB instance is not fork-safe: a forked process (a gunicorn worker, a background
    # job) opens its own. The parent's readers are kept, never used and never closed: closing
    # an instance joins its threads, which did not come along into the child.
    global _readers_lock
    _inherited.extend(_readers.values())
    _readers.clear()
    _readers_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_readers_after_fork)


class ReadScope:
    """The versions a block of work reads: for each warehouse, the snapshot its first read
    pinned. `release()` unpins them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._pinned: dict[_Reader, Snapshot] = {}

    def snapshot(self, reader: _Reader) -> Snapshot:
        with self._lock:
            if reader not in self._pinned:
                self._pinned[reader] = reader.acquire()
            return self._pinned[reader]

    def release(self) -> None:
        with self._lock:
            pinned, self._pinned = self._pinned, {}
        for reader, snap in pinned.items():
            reader.release(snap)


_scope: contextvars.ContextVar[ReadScope | None] = contextvars.ContextVar("warehouse_read_scope", default=None)


@contextmanager
def one_version(scope: ReadScope | None = None) -> Iterator[ReadScope]:
    """Every read of a warehouse inside the block reads one version: the one its first read
    found. Inside another such block, the outer one's versions hold (unless `scope` is given).
    A scope passed in is not released here: its owner does that."""
    outer = _scope.get()
    if scope is None and outer is not None:
        yield outer
        return
    own = scope is None
    scope = scope or ReadScope()
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)
        if own:
            scope.release()


SIDE_BY_SIDE = 2  # threads one answer's independent statements take (`side_by_side`): the cores here
_beside: contextvars.ContextVar[bool] = contextvars.ContextVar("side_by_side", default=False)


def side_by_side(tasks: Sequence[Callable[[], Any]], threads: int = SIDE_BY_SIDE) -> list[Any]:
    """The tasks' results, computed on `threads` threads at once, all reading the version the
    caller reads: DuckDB runs a statement without the GIL, so independent statements of one
    answer overlap (each task runs in a copy of this context, which holds the version read).
    Called again inside one of those tasks, the tasks run one after another in it: the answer
    already has its threads."""
    if _beside.get():
        return [task() for task in tasks]
    with one_version():
        token = _beside.set(True)
        try:
            contexts = [contextvars.copy_context() for _ in tasks]
        finally:
            _beside.reset(token)
        with ThreadPoolExecutor(min(threads, len(tasks)) or 1) as pool:
            return list(pool.map(lambda c, task: c.run(task), contexts, tasks))


def enter(scope: ReadScope) -> contextvars.Token:
    """`one_version(scope)` for hooks that cannot wrap a block (a request's before/teardown)."""
    return _scope.set(scope)


def leave(token: contextvars.Token) -> None:
    try:
        _scope.reset(token)
    except ValueError:  # a token of another context: nothing of ours is set here
        _scope.set(None)


class Warehouse:
    """A handle on the process's reader of a warehouse file ($WAREHOUSE by default)."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or settings.get("WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()
        self._reader = _reader(self.path)

    @property
    def version(self) -> tuple[int, int] | None:
        """The version read: inside `one_version()` the pinned one (None without a file),
        else the published file's (changes at every publish)."""
        scope = _scope.get()
        if scope is None:
            return version(self.path)
        try:
            return scope.snapshot(self._reader).version
        except WarehouseMissing:
            return None

    @contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        """The snapshot this read uses: the scope's, else one pinned for the block."""
        scope = _scope.get()
        if scope is not None:
            yield scope.snapshot(self._reader)
            return
        snap = self._reader.acquire()
        try:
            yield snap
        finally:
            self._reader.release(snap)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.snapshot() as snap, snap.cursor() as cur:
            yield cur

    def rows(self, sql: str | Sql, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[tuple]:
        """The statement's rows, answered once per version (`Answers`)."""
        text, args = _statement(sql, params)
        with self.snapshot() as snap:
            key = ("rows", text, frozen(args))
            found = snap.answers.get(key)
            if found is None:
                with snap.cursor() as cur, snap.outdated_as_such():
                    found = cur.execute(text, args).fetchall()
                snap.answers.put(key, found, 64 + sum(64 + 16 * len(r) for r in found))
            return list(found)  # tuples are immutable: the caller may change the list only

    def frame(self, sql: str | Sql, params: Sequence[Any] | Mapping[str, Any] = ()):
        """The statement's rows as a DataFrame, answered once per version; every caller gets
        a copy of its own (pages add and rename columns)."""
        text, args = _statement(sql, params)
        with self.snapshot() as snap:
            key = ("frame", text, frozen(args))
            found = snap.answers.get(key)
            if found is None:
                with snap.cursor() as cur, snap.outdated_as_such():
                    found = cur.execute(text, args).df()
                snap.answers.put(key, found, lambda: frame_bytes(found))
            return found.copy()

    def kept(self, key: Any, compute: Callable[[], Any], size: int = 2048) -> Any:
        """A value derived from this version's rows (a view's KPI values, its months), kept with
        the statements' answers: least recently used first out past `ANSWER_CACHE_MB`, nothing kept
        with a budget of 0. Its bytes: a frame's own, else `size` (an estimate). Its callers share
        it: an immutable value, or one each caller copies. Computed in one version, the one it is
        kept for."""
        with one_version(), self.snapshot() as snap:
            found = snap.answers.get(("kept", key))
            if found is None:
                found = compute()
                snap.answers.put(
                    ("kept", key), found, lambda: frame_bytes(found) if hasattr(found, "memory_usage") else size
                )
            return found

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """A value of the version read (computed once per version and process, through this
        handle, in the same version): as-of dates, region names, … Thread-safe."""
        with one_version(), self.snapshot() as snap:
            return snap.memo(key, compute)

    def open_versions(self) -> list[tuple[int, int]]:
        """The versions this process holds open (the current one and retired ones still read)."""
        return self._reader.open_versions()

    def close(self) -> None:
        self._reader.close()
