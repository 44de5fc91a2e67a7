"""A panel: a chart, the rows behind it in a table tab, and their export to Excel, as one
component — its layout and its callbacks — and the one grid factory every page's tables use.

A page declares its panels on a `Panels` of its own and hands them the functions that fetch
its data (which call metrics with the viewer's scope); this module lays out and wires, and
never queries. The ids are the page's: for a panel `name` of page `p`,

    p-name            the chart (dcc.Graph)         p-name-tabs   the tabs (chart, table)
    p-name-table      the table tab's content       p-name-grid   its grid
    p-name-export     the export button             p-name-download   its dcc.Download
    p-name-job        a large export's job (a store) p-name-progress  the bar while it runs

and every callback reads the page's filter from the store `p-query`. The callbacks are
registered as the page module's own (`__module__`), because the access guard
(security/web.py) lets a viewer call a callback only when the viewer may open the page
whose module defines it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, dcc, html, no_update

from components import exports
from components.exports import Background, Sheet
from components.i18n import fmt_count, label
from components.loading import loading
from components.tables import export_controls, grid
from components.theme import GRAPH_CONFIG


@dataclass(frozen=True)
class Size:
    """A grid's height from its rows: `base` + `per_row` a row, within [low, high] pixels."""

    base: int = 130
    low: int = 0
    high: int = 460
    per_row: int = 42
    auto: bool = False  # as tall as its rows, however many

    def of(self, rows: int) -> int | None:
        return None if self.auto else max(min(self.base + self.per_row * rows, self.high), self.low)


AUTO = Size(auto=True)


@dataclass
class Table:
    """How a page shows a table of rows (see `table`)."""

    formats: dict[str, str] = field(default_factory=dict)
    widths: dict[str, int] = field(default_factory=dict)  # minWidth by column
    default_width: int | None = None  # minWidth of the columns not in `widths`
    pin_first: dict | None = None  # the first column's settings (pinned="left", …), kept in view
    column_defs: dict[str, dict] = field(default_factory=dict)  # more settings of named columns
    options: dict = field(default_factory=dict)  # more dashGridOptions
    links: dict[str, str] = field(default_factory=dict)  # column -> the column holding its link (assets/links.js)


# The most rows a table sends to the browser: a longer list is cut at its first rows (in the
# order the page sorted them: the most urgent first) with a note; the export has them all.
ROW_CAP = 1000


def table(
    grid_id: str,
    frame: pd.DataFrame,
    columns: list[str],
    lang: str,
    how: Table,
    size: Size = Size(),
    *,
    key: str | None = None,
    total: dict | None = None,
    shown_of: int | None = None,
    note_key: str = "funds_top_note",
    note_below: bool = False,
    clickable: bool = False,
    kpis: Iterable[str] = (),
):
    """The grid of a page's rows, or a grey 无数据 sentence when there are none.

    `key`: the column a click reads (sent as the row's id, kept in the rows, not shown);
    `total`: a pinned 合计 row; `shown_of`: the rows before a display limit (a note says the
    export has them all); `clickable`: a pointer over the rows. At most ROW_CAP rows are sent."""
    if frame.empty:
        return html.P(label("no_data", lang), className="text-muted")
    if len(frame) > ROW_CAP:
        shown_of = max(shown_of or 0, len(frame))
        frame = frame.head(ROW_CAP)
    sent = [*columns, *([key] if key and key not in columns else [])]
    sent += [h for c, h in how.links.items() if c in columns and h in frame.columns and h not in sent]
    g = grid(
        grid_id,
        frame,
        columns,
        lang,
        formats=how.formats,
        height=size.of(len(frame) + bool(total)),
        row_data=records(frame, sent),
        kpis=kpis,
    )
    for i, d in enumerate(g.columnDefs):
        whole = d.get("minWidth", 0)  # what its dates and codes need to show whole (tables.whole_width)
        width = how.widths.get(d["field"], how.default_width)
        if width is not None:
            d["minWidth"] = width
        d.update(how.column_defs.get(d["field"], {}))
        if i == 0 and how.pin_first is not None:
            d.update(how.pin_first)
        if whole:  # no width a page sets makes a column of dates or codes narrower than that
            d["minWidth"] = max(d.get("minWidth", 0), whole)
        if d["field"] in how.links:  # a page of the app: opened in place, the view's filter kept
            d.update(link_column(how.links[d["field"]]))
    g.dashGridOptions = {
        **g.dashGridOptions,
        **how.options,
        **({"pinnedBottomRowData": [total]} if total else {}),
    }
    if key:
        g.getRowId = f"params.data['{key}']"
    if clickable:
        g.rowStyle = {"cursor": "pointer"}
    if shown_of and shown_of > len(frame):
        note = label(note_key, lang).format(shown=fmt_count(len(frame)), total=fmt_count(shown_of))
        if note_below:
            return html.Div([g, html.P(note, className="text-muted small mt-1")])
        return html.Div([html.Div(note, className="small text-muted mb-1"), g])
    return g


def grid_of(node):
    """The grid in what `table` returned (the grid itself, or the grid beside its "first rows"
    note), for a page that sets more on it; None for the 无数据 sentence."""
    if isinstance(node, html.Div):
        return next((c for c in node.children if hasattr(c, "columnDefs")), None)
    return node if hasattr(node, "columnDefs") else None


def link_column(href_field: str) -> dict:
    """A grid column whose cells link to the page in the row's `href_field` (the cell renderer
    `PageLink` of assets/links.js: opened as a dcc.Link opens it, keeping the view's region,
    period and language where the link names none)."""
    return {"cellRenderer": "PageLink", "cellRendererParams": {"hrefField": href_field}}


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows a grid and a JSON response can carry: dates as ISO text, missing values as None,
    numbers as Python's. Built column by column in plain Python: pandas' copy, `where` and
    `to_dict` cost milliseconds on the few rows most panels send."""
    values = [_json_values(frame[col]) for col in columns]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]  # no columns: no rows


def _json_values(column: pd.Series) -> list:
    if pd.api.types.is_datetime64_any_dtype(column):
        column = column.dt.strftime("%Y-%m-%d")
    gone = column.isna().to_numpy().tolist()  # None, NaN, NA, NaT: one pass in pandas
    values = column.tolist()  # numpy scalars as Python's
    if column.dtype == object:  # dates as the clerk's ISO text (NaT is a date too, and missing)
        pairs = zip(values, gone, strict=True)
        return [None if g else v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else v for v, g in pairs]
    return [None if g else v for v, g in zip(values, gone, strict=True)]


def header(
    title,
    export_id: str | None,
    lang: str,
    *extra,
    tag=html.H4,
    title_class: str = "section-title me-auto",
    wrap_export: bool = False,
) -> html.Div:
    """A title (a label key, or components), anything `extra` beside it, and the export button
    `<export_id>-export` with its download at the right."""
    head = [tag(label(title, lang) if isinstance(title, str) else title, className=title_class), *extra]
    if export_id is not None:
        controls = export_controls(export_id, lang)
        head.append(html.Div(controls, className="flex-shrink-0 ms-2") if wrap_export else controls)
    return html.Div(head, className="d-flex align-items-center")


class Panels:
    """A page's panels: their layout, and their callbacks registered as the page's own.

    `module` is the page module's `__name__`; `page` the prefix of its ids (its `page-query`
    store holds the URL's parameters); `store`, another store the panels read their query from
    (a panel of the page drawn apart from it, e.g. 督办's trail: the page's query and a case)."""

    def __init__(
        self,
        module: str,
        page: str,
        tab_labels: tuple[str, str] = ("tab_chart", "tab_table"),
        jobs: Background | None = None,
        store: str | None = None,
    ):
        self.module, self.page, self.tab_labels, self.jobs = module, page, tab_labels, jobs
        self.store = store or f"{page}-query"

    def id(self, name: str) -> str:
        return f"{self.page}-{name}"

    # ------------------------------------------------------------ layout

    def export_controls(self, name: str, lang: str) -> html.Div:
        return export_controls(self.id(name), lang)

    def header(self, title, name: str | None, lang: str, *extra, wrap_export: bool = False) -> html.Div:
        """A panel's title, anything `extra` beside it, and its export button at the right."""
        return header(title, self.id(name) if name is not None else None, lang, *extra, wrap_export=wrap_export)

    def card(
        self,
        name: str,
        title: str,
        lang: str,
        chart=None,
        *,
        tabs: bool = True,
        class_name: str = "h-100",
        wrap_export: bool = False,
    ) -> dbc.Card:
        """A card: the title and the export; the chart (default: a graph `<page>-<name>`) with
        the rows behind it in a second tab, or (`tabs=False`) the table alone."""
        table_div = html.Div(id=f"{self.id(name)}-table", **({"className": "pt-2"} if tabs else {}))
        if not tabs:
            body = loading(table_div, "table")
        else:
            chart = chart if chart is not None else dcc.Graph(id=self.id(name), config=GRAPH_CONFIG)
            body = dbc.Tabs(
                [
                    dbc.Tab(
                        loading(chart, "chart"),
                        label=label(self.tab_labels[0], lang),
                        tab_id=f"{self.id(name)}-chart-tab",
                    ),
                    dbc.Tab(
                        loading(table_div, "table"),
                        label=label(self.tab_labels[1], lang),
                        tab_id=f"{self.id(name)}-table-tab",
                    ),
                ],
                id=f"{self.id(name)}-tabs",
                active_tab=f"{self.id(name)}-chart-tab",
            )
        header = self.header(title, name, lang, wrap_export=wrap_export)
        return dbc.Card(dbc.CardBody([header, body]), className=class_name)

    def table_block(self, name: str, lang: str) -> html.Div:
        """A table with its export button above it, no card."""
        return html.Div(
            [self.export_controls(name, lang), loading(html.Div(id=f"{self.id(name)}-table"), "table")],
            className="mb-3",
        )

    # ------------------------------------------------------------ callbacks

    def callback(self, name: str, *dependencies, **options):
        """`dash.callback`, registering the function as the page module's own, named `name`."""

        def register(fn):
            fn.__module__ = self.module
            fn.__name__ = fn.__qualname__ = name
            return dash.callback(*dependencies, **options)(fn)

        return register

    def draw(self, name: str, fn: Callable, *, table: bool = True, extra: Iterable = (), seen: str | None = None):
        """Draw the panel on every change of the page's filter: `fn(params)` returns the
        figure, and (`table`) the table tab's content, and then the `extra` outputs. `seen`: the
        store of the lazy section the panel sits in (components/loading.py lazy_section), then
        `fn(params, seen)`, which draws nothing until the section has come near the screen."""
        outputs = [Output(self.id(name), "figure")]
        if table:
            outputs.append(Output(f"{self.id(name)}-table", "children"))
        outputs += [Output(*o) for o in extra]
        inputs = [Input(self.store, "data"), *([Input(seen, "data")] if seen else [])]
        # a lazy panel asks nothing of the server before it is seen
        options = {"prevent_initial_call": True} if seen else {}
        return self.callback(f"{self.page}_{name}".replace("-", "_"), *outputs, *inputs, **options)(fn)

    def table_on_open(self, name: str, fn: Callable):
        """Draw the table tab's content when the tab opens (not before: most viewers read the
        chart): `fn(params)` returns it."""
        tab = f"{self.id(name)}-table-tab"

        def on_open(active_tab, params):
            return fn(params) if active_tab == tab else no_update

        return self._on_action(
            f"table_{name}", (f"{self.id(name)}-table", "children"), (f"{self.id(name)}-tabs", "active_tab"), on_open
        )

    def export(self, name: str, sheet: Callable[[dict], Sheet], filename: str | None = None):
        """On a click of `<page>-<name>-export`: `sheet(params)` as `<filename>` (default
        `<page>-<name>.xlsx`) into `<page>-<name>-download`; with the page's `jobs`, a large
        one as a background job with a progress bar (components/exports.py). Returns
        `export(n_clicks, params, progress=None)`, the function that makes the file."""
        return exports.register(self, name, sheet, filename)

    def _on_action(self, name: str, output: tuple[str, str], trigger: tuple[str, str], fn: Callable):
        """`fn(value, params)` when the viewer acts on `trigger` (never at load), with the page's filter."""
        return self.callback(
            f"{self.page}_{name}".replace("-", "_"),
            Output(*output),
            Input(*trigger),
            State(self.store, "data"),
            prevent_initial_call=True,
        )(fn)
