"""The warehouse a process reads, opened once per process.

The viewer's scope is not worked out here: the web layer works it out once per request
(`security.web.current_scope`) and pages hand it to every metric as a `Scope`; metrics never
import the web layer (pyproject.toml's import contracts).
"""

from __future__ import annotations

import threading

from metrics.db import Warehouse

_lock = threading.Lock()
_warehouse: Warehouse | None = None


def warehouse() -> Warehouse:
    """The process's warehouse reader, opened lazily (never at import: workers fork)."""
    global _warehouse
    with _lock:
        if _warehouse is None:
            _warehouse = Warehouse()
        return _warehouse
