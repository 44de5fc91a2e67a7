"""The warehouse a process reads, and the scope of the current viewer.

Scope enters here and only here: pages ask `current_scope()` and pass it to every
metric. Until login exists (issue 7) every viewer sees every region, and personal data
stays masked except on pages that are for the people who need it.
"""

from __future__ import annotations

import threading
from typing import Optional

from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Scope

_lock = threading.Lock()
_warehouse: Optional[Warehouse] = None


def warehouse() -> Warehouse:
    """The process's warehouse reader, opened lazily (never at import: workers fork)."""
    global _warehouse
    with _lock:
        if _warehouse is None:
            _warehouse = Warehouse()
        return _warehouse


def current_scope() -> Scope:
    return EVERYTHING
