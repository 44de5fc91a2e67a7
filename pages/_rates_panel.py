"""A subject's rates by county as one panel, shared by 党建引领 (评价), 12345 三率 (整改进度) and
三级调处 (督办): bars of the catalogue's rates per county, the rows behind them with a 合计 row in
the table tab, and their export. Every rate is the catalogue's (`kpis.rate_of`, `kpis.rate_from`
for the total): the page divides nothing of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd
from dash import html

from components.charts import bars, empty_figure
from components.i18n import fmt_date, label
from components.loading import graph_not_drawn, lazy_section, loading, unless_seen
from components.panel import Panels, Sheet, Size, Table, header, table
from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from metrics.regions import region_names
from pages._view import FIGURE, TEXT, View, missing_warehouse, scope, warehouse

TABLE = Table(default_width=110, widths={"unit_name": 130}, pin_first={"pinned": "left"})


@dataclass(frozen=True)
class UnitRates:
    """The panel `<page>-<name>`: `rows(wh, f, scope)` gives the per-unit facts with `unit_name`;
    `rates` are catalogue KPIs over them, `counts` the facts shown beside them."""

    name: str
    rows: Callable[[Warehouse, Filter, Scope], pd.DataFrame]
    rates: tuple[str, ...]
    counts: tuple[str, ...]

    @property
    def columns(self) -> list[str]:
        return ["unit_name", *self.counts, *self.rates]

    @property
    def formats(self) -> dict[str, str]:
        return {**{c: "count" for c in self.counts}, **{k: "rate" for k in self.rates}}

    def frame(self, view: View) -> tuple[pd.DataFrame, dict | None]:
        """The rows with each rate, and the 合计 row (None without rows)."""
        frame = self.rows(warehouse(), view.f, scope())
        for key in self.rates:
            frame[key] = kpis.rate_of(key, frame)
        if frame.empty:
            return frame, None
        sums = {c: float(pd.to_numeric(frame[c], errors="coerce").fillna(0).sum()) for c in frame.columns[2:]}
        total = {"unit_name": label("rect_total", view.lang), **{c: sums[c] for c in self.counts}}
        total.update({key: kpis.rate_from(key, sums) for key in self.rates})
        return frame, total

    def figure(self, frame: pd.DataFrame, lang: str):
        if frame.empty:
            return empty_figure(label("no_data", lang), 360)
        return bars(frame, "unit_name", self.rates, lang, yformat=".0%", customdata="unit", height=360)

    def sheet(self, params: dict) -> Sheet:
        view = View.of(params)
        frame, total = self.frame(view)
        if total is not None:
            frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        return Sheet(frame, self.columns, view.lang, label(self.name, view.lang), header_lines(view), self.formats)


def header_lines(view: View) -> list[str]:
    """The filters as an export's header lines."""
    lang, f = view.lang, view.f
    region = region_names(warehouse()).get(f.region, f.region) if f.region else label("all_regions", lang)
    return [
        f"{label('region', lang)}：{region}",
        f"{label('from', lang)}：{fmt_date(f.start)}　{label('to', lang)}：{fmt_date(f.end)}",
    ]


def register(panels: Panels, spec: UnitRates, seen: str | None = None):
    """The panel's callbacks: drawn on every change of the page's filter (in a lazy section, whose
    store is `seen`: once it has come near the screen), exported on a click; returns (draw,
    export) for a test to call."""

    @missing_warehouse(FIGURE, TEXT)
    def draw(params, seen_=True):
        unless_seen(seen_)
        view = View.of(params)
        frame, total = spec.frame(view)
        grid = table(
            f"{panels.id(spec.name)}-grid",
            frame,
            spec.columns,
            view.lang,
            replace(TABLE, formats=spec.formats),
            Size(130, 220, 520),
            key="unit",
            total=total,
            kpis=spec.rates,
        )
        return spec.figure(frame, view.lang), grid

    return panels.draw(spec.name, draw, seen=seen), panels.export(spec.name, spec.sheet)


def chart_card(title: str, chart, lang: str):
    """A card of one chart (no table, no export) with its title."""
    import dash_bootstrap_components as dbc

    return dbc.Card(dbc.CardBody([header(title, None, lang), loading(chart, "chart")]), className="h-100")


def section(
    panels: Panels, spec: UnitRates, title: str, note: str, lang: str, side=None, seen: str | None = None
) -> html.Div:
    """The section: its title and note, the panel (and `side`, another card, beside it); with
    `seen` (the store `register` was given), drawn when it comes near the screen."""
    from dash_bootstrap_components import Col, Row

    chart = graph_not_drawn(panels.id(spec.name), lang) if seen else None
    card = panels.card(spec.name, spec.name, lang, chart, wrap_export=True)
    # each card its own height: the panel's chart is not stretched to the side's (white space under it)
    body = Row([Col(card, lg=7), Col(side, lg=5)], className="g-3 align-items-start") if side is not None else card
    return html.Div(
        [
            html.H4(label(title, lang), className="section-title", id=f"{panels.id(spec.name)}-section"),
            html.Div(label(note, lang), className="small text-muted mb-2"),
            lazy_section(body, seen) if seen else body,
        ],
        className="mb-4",
    )
