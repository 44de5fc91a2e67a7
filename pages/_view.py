"""What every page reads from its URL (`View`), whose data it may show (`scope`), and what it
shows when there is no warehouse yet (`missing_warehouse`).

A module of pages/ whose name starts with `_` is not a page: Dash's page registry passes it
over, and the pages import it.
"""

from __future__ import annotations

import contextvars
import functools
from dataclasses import dataclass

from dash import html

from components import query
from components.charts import empty_figure
from components.i18n import label, lang_of
from metrics import access
from metrics.db import Warehouse, WarehouseMissing, WarehouseOutdated
from metrics.filters import Filter, Scope
from security import jobs, web

# What a page hands its panels (components.panel.Panels(..., jobs=JOBS)): their exports run as
# background jobs, as the viewer who asked, with a reader of their own (security/jobs.py).
JOBS = jobs.BACKGROUND


def scope() -> Scope:
    """The viewer's scope (regions, personal data), worked out once per request: every page
    asks here, and hands it to metrics."""
    return web.current_scope()


def warehouse() -> Warehouse:
    """The published warehouse the pages read (a test replaces `metrics.access.warehouse`)."""
    return access.warehouse()


@dataclass(frozen=True)
class View:
    """What the URL asks of a page: its text parameters, the reader's language, the shared
    filter. A page with parameters of its own subclasses it and reads them in `read`."""

    params: dict
    lang: str
    f: Filter

    path = "/"  # the page's path, for links that change a parameter (`href`)

    @classmethod
    def of(cls, params: dict | None):
        params = {k: v for k, v in (params or {}).items() if isinstance(v, str)}
        f = Filter.from_query(params.get("region"), params.get("from"), params.get("to"))
        return cls(params, lang_of(params.get("lang")), f, **cls.read(params, f))

    @classmethod
    def read(cls, params: dict, f: Filter) -> dict:
        """The page's own URL parameters, checked (none here)."""
        return {}

    def href(self, path: str | None = None, **changes) -> str:
        """A link to this view with some parameters changed (None drops one)."""
        return (path or self.path) + query.build({**self.params, **changes})


# ---------------------------------------------------------------- no warehouse yet


# Why a panel has nothing to draw: no warehouse yet, or one published by an older version of the
# contract that lacks what the panel needs (WarehouseOutdated) — set by `missing_warehouse` while
# it makes the outputs, read by `why`.
_REASON: contextvars.ContextVar[str] = contextvars.ContextVar("no_warehouse_reason", default="no_warehouse")


def why(lang: str) -> str:
    """The sentence a panel shows in place of its content when the warehouse cannot give it."""
    return label(_REASON.get(), lang)


def reason_of(missing: WarehouseMissing) -> str:
    """The label saying why: no warehouse yet, or one older than the contract."""
    return "warehouse_outdated" if isinstance(missing, WarehouseOutdated) else "no_warehouse"


# An output's 'no warehouse' form, made in the reader's language when it is needed.
TEXT = lambda lang: message(_REASON.get(), lang)  # noqa: E731  the grey sentence in a table's place
WORDS = lambda lang: why(lang)  # noqa: E731  the bare words, in a title's place


def figure(height: int = 360):
    """An empty chart saying 'no warehouse'."""
    return lambda lang: empty_figure(why(lang), height)


FIGURE = figure()


def message(key: str, lang: str) -> html.P:
    """A grey sentence in a table's place (no data, no warehouse)."""
    return html.P(label(key, lang), className="text-muted")


def _lang(args) -> str:
    for arg in args:
        if isinstance(arg, View):
            return arg.lang
        if isinstance(arg, dict):
            return lang_of(arg.get("lang"))
    return lang_of(None)


def missing_warehouse(*outputs):
    """A callback that answers `outputs` when no warehouse is published yet (WarehouseMissing).
    An output that is a function (TEXT, WORDS, FIGURE, figure(height), or the page's own) is
    called with the reader's language (from the View or the `*-query` data among the
    arguments, or a layout's URL parameters); any other value is returned as it is."""

    def decorate(fn):
        @functools.wraps(fn)
        def guarded(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except WarehouseMissing as missing:
                lang = _lang([*args, kwargs])
                reason = _REASON.set(reason_of(missing))
                try:
                    out = tuple(o(lang) if callable(o) else o for o in outputs)
                finally:
                    _REASON.reset(reason)
                return out[0] if len(out) == 1 else out

        return guarded

    return decorate
