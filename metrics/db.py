"""Read access to the published warehouse for the dashboard.

The ETL publishes a new warehouse by renaming a finished copy onto the served file
(etl/warehouse.py). The dashboard holds one read-only DuckDB instance per process and
gives each query its own cursor (a connection is not safe to share between threads).
Before a query it compares the file's (inode, mtime) with the instance's; when a new
file was published it waits for the queries on the old instance to finish, closes it,
and opens the new file. All of the old instance must be closed before reconnecting:
DuckDB hands back a cached instance for a path while one is still open (duckdb#15912).
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import duckdb

from etl.warehouse import DEFAULT_WAREHOUSE, version

MEMORY_LIMIT = os.environ.get("DUCKDB_MEMORY_LIMIT", "2GB")  # per process; several workers share the machine


class WarehouseMissing(Exception):
    """No warehouse has been published at the path yet."""


class Warehouse:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or os.environ.get("WAREHOUSE", DEFAULT_WAREHOUSE)).resolve()
        self._lock = threading.Condition()
        self._instance: Optional[duckdb.DuckDBPyConnection] = None
        self._version: Optional[tuple[int, int]] = None
        self._busy = 0  # cursors open on the current instance

    @property
    def version(self) -> Optional[tuple[int, int]]:
        """The version of the published file (changes at every publish)."""
        return version(self.path)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        current = version(self.path)
        if current is None:
            raise WarehouseMissing(str(self.path))
        with self._lock:
            if current != self._version:
                while self._busy:  # let queries on the old file finish first
                    self._lock.wait()
                if self._instance is not None:
                    self._instance.close()
                self._instance = duckdb.connect(str(self.path), read_only=True, config={"memory_limit": MEMORY_LIMIT})
                self._version = current
            self._busy += 1
            cur = self._instance.cursor()
        try:
            yield cur
        finally:
            cur.close()
            with self._lock:
                self._busy -= 1
                self._lock.notify_all()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()):
        with self.cursor() as cur:
            return cur.execute(sql, list(params)).df()

    def close(self) -> None:
        with self._lock:
            while self._busy:
                self._lock.wait()
            if self._instance is not None:
                self._instance.close()
            self._instance, self._version = None, None
