"""The warehouse a process reads, and the scope of the current viewer.

Scope enters here and only here: pages ask `current_scope()` and pass it to every
metric. In a web request it is the logged-in user's (security/roles.py: a county
officer's own county; personal data for the supervisor role only), or the screen
token's (every region, never personal data); a request with neither sees nothing.
Outside a request (the command line, benchmarks) it is every region, personal data masked.
"""

from __future__ import annotations

import threading

from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Scope

_lock = threading.Lock()
_warehouse: Warehouse | None = None

NOTHING = Scope((), personal_data=False)


def warehouse() -> Warehouse:
    """The process's warehouse reader, opened lazily (never at import: workers fork)."""
    global _warehouse
    with _lock:
        if _warehouse is None:
            _warehouse = Warehouse()
        return _warehouse


def current_scope() -> Scope:
    from flask import has_request_context

    if not has_request_context():
        return EVERYTHING
    from security.web import current_viewer

    viewer = current_viewer()
    return viewer.scope if viewer is not None else NOTHING
