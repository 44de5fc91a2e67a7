"""The warehouse a process reads, opened once per process.

The viewer's scope is not worked out here: the web layer works it out once per request
(`security.web.current_scope`) and pages hand it to every metric as a `Scope`; metrics never
import the web layer (pyproject.toml's import contracts).

A process forked from one that reads (a background job started by a server worker,
security/jobs.py) never reads through its parent's DuckDB instance: after the fork the next
`warehouse()` opens a reader of its own, and `own_reader()` closes it when the job is done.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from metrics.db import Warehouse

_lock = threading.Lock()
_warehouse: Warehouse | None = None
_forked = False  # this process was forked from one that may have read


def warehouse() -> Warehouse:
    """The process's warehouse reader, opened lazily (never at import: workers fork)."""
    global _warehouse
    with _lock:
        if _warehouse is None:
            _warehouse = Warehouse()
        return _warehouse


@contextmanager
def own_reader() -> Iterator[None]:
    """A block of work in a forked process (a background job): its reads go through a reader
    of this process's own, closed at the end. In a process that was not forked since it
    started serving (a test calling a job's function), the process's reader is used and left open."""
    global _warehouse
    try:
        yield
    finally:
        if _forked:
            with _lock:
                done, _warehouse = _warehouse, None
            if done is not None:
                done.close()


def _after_fork() -> None:
    global _lock, _warehouse, _forked
    _lock = threading.Lock()
    _warehouse = None  # its reader is the parent's (metrics.db keeps it, unused)
    _forked = True


os.register_at_fork(after_in_child=_after_fork)
