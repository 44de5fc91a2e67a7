"""One published version per answer, and per view, for the web server.

`install(server)` (app.py) enters a `metrics.db.ReadScope` around every request: a callback
reads the version its first query found until its last query, whatever is published
meanwhile, and the version stays open until the callback is done.

A page draws one view with several callbacks answered side by side (the overview's cards,
scorecard and map, distributions; the shell's 数据截至) and by callbacks that follow from
those answers. `assets/view.js` sends the same `X-Dash-View` id with every callback request
of such a burst — the requests sent while another one is in flight or has just been
answered — and the server gives requests with one id one scope: the version its first read
found. A view's scope is dropped `VIEW_IDLE` seconds after its last request ended, and a
view older than `VIEW_MAX_AGE` starts afresh (its next request reads the newest version);
so a version superseded by a publish stays open only as long as views still read it.

Several worker processes (gunicorn) each hold their own versions: sibling callbacks that
land on different workers around a publish can still read different versions.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from metrics import db

VIEW_HEADER = "X-Dash-View"
VIEW_ID = re.compile(r"[0-9a-f]{16,64}")
VIEW_IDLE = 10.0  # seconds after a view's last request ended
VIEW_MAX_AGE = 120.0  # seconds after its first request
MAX_VIEWS = 4096


@dataclass(eq=False)
class _View:
    started: float
    scope: db.ReadScope = field(default_factory=db.ReadScope)
    active: int = 0
    last: float = 0.0


class Views:
    """The scopes of the views being drawn, by id."""

    def __init__(self, idle: float = VIEW_IDLE, max_age: float = VIEW_MAX_AGE, limit: int = MAX_VIEWS):
        self.idle, self.max_age, self.limit = idle, max_age, limit
        self._lock = threading.Lock()
        self._views: dict[str, _View] = {}

    def enter(self, view_id: str) -> _View:
        now = time.monotonic()
        with self._lock:
            dropped = self._sweep(now)
            view = self._views.get(view_id)
            if view is None or now - view.started > self.max_age:
                # A new view, or one kept too long: the requests still running in the old one
                # keep its scope (released when the last of them ends).
                view = self._views[view_id] = _View(started=now)
                if len(self._views) > self.limit:
                    dropped += self._evict()
            view.active += 1
        for old in dropped:
            old.scope.release()
        return view

    def leave(self, view_id: str, view: _View) -> None:
        now = time.monotonic()
        with self._lock:
            view.active -= 1
            view.last = now
            orphan = view.active == 0 and self._views.get(view_id) is not view
            dropped = self._sweep(now)
        if orphan:
            view.scope.release()
        for old in dropped:
            old.scope.release()

    def __len__(self) -> int:
        with self._lock:
            return len(self._views)

    def _sweep(self, now: float) -> list[_View]:
        gone = [
            k
            for k, v in self._views.items()
            if v.active == 0 and (now - v.last > self.idle or now - v.started > self.max_age)
        ]
        return [self._views.pop(k) for k in gone]

    def _evict(self) -> list[_View]:
        idle = sorted((v.last, k) for k, v in self._views.items() if v.active == 0)
        return [self._views.pop(k) for _, k in idle[: len(self._views) - self.limit]]


views = Views()


def install(server) -> None:
    """Around every request of this Flask server: one read scope (the view's, for a
    callback that names one)."""
    from flask import g, request

    @server.before_request
    def _enter_read_scope() -> None:
        view_id = request.headers.get(VIEW_HEADER, "")
        view: _View | None = None
        if request.path.endswith("/_dash-update-component") and VIEW_ID.fullmatch(view_id):
            view = views.enter(view_id)
            scope = view.scope
        else:
            scope = db.ReadScope()
        g.read_scope = (scope, view_id, view, db.enter(scope))

    @server.teardown_request
    def _leave_read_scope(_exc: BaseException | None) -> None:
        entered = g.pop("read_scope", None)
        if entered is None:  # an earlier before-request function answered (the guard)
            return
        scope, view_id, view, token = entered
        db.leave(token)
        if view is not None:
            views.leave(view_id, view)
        else:
            scope.release()
