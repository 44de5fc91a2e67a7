"""整改进度 /rectification: received, rectified and closed cases by group, over time, by county,
by status, source, category and level; how long open cases have been open (working days);
a drill-down from county to community to case list.

URL parameters besides the shared filter: `group` (sweep, leads or complaints: the charts,
the ageing and the case list show that group only), `unit` (a reporting unit's code: the
drill-down shows its communities) and `community` (a community ID, or `-` for cases naming
none: the drill-down lists its cases). A link therefore reproduces a drill-down.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.cards import published_note
from components.charts import GRAPH_CONFIG, bars, donut, dots, empty_figure, lines
from components.i18n import fmt_count, fmt_date, fmt_rate, has_label, label, lang_of
from components.tables import export_controls, grid, grid_locale, to_excel
from metrics import cases, kpis, published
from metrics.access import current_scope, warehouse
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from metrics.regions import region_names

dash.register_page(__name__, path="/rectification", name="整改进度", order=10, label_key="rectification")

PATH = "/rectification"
GROUP_COUNTS = [f"{k}_{g}" for g in cases.GROUPS for k in ("received", "rectified", "rate")]
UNIT_COLUMNS = ["unit_name", *GROUP_COUNTS, "open_cases", "overdue_cases"]
COMMUNITY_COLUMNS = ["community_name", "street", *GROUP_COUNTS, "open_cases", "overdue_cases"]
CASE_COLUMNS = [
    "case_id",
    "received_on",
    "source",
    "category",
    "status_at_end",
    "closed_on",
    "deadline",
    "workdays",
    "rect_overdue",
    "level",
    "street",
    "description",
]  # never reporter_phone: a leadership page
COUNTY_COLUMNS = [
    "unit_name",
    "received_main",
    "rectified_main",
    "rectification_rate",
    "received_complaints",
    "rectified_complaints",
    "complaint_close_rate",
]
SUMMARY_COLUMNS = ["case_group", "received", "rectified", "rect_rate"]
CUMULATIVE_COLUMNS = ["rect_day", "received", "rectified", "cumulative_received", "cumulative_rectified"]
BREAKDOWN_COLUMNS = ["rect_dimension", "rect_value", "received", "rectified", "rect_rate"]
AGEING_COLUMNS = ["rect_age_bucket", "open_cases", "rect_within_deadline", "overdue_cases", "rect_no_deadline"]
FORMATS = {
    c: "rate" for c in ("rect_rate", "rectification_rate", "complaint_close_rate", *[f"rate_{g}" for g in cases.GROUPS])
}
FORMATS.update(
    {
        c: "count"
        for c in (
            "received",
            "rectified",
            "cumulative_received",
            "cumulative_rectified",
            "open_cases",
            "overdue_cases",
            "rect_within_deadline",
            "rect_no_deadline",
            "workdays",
            "received_main",
            "rectified_main",
            *[f"{k}_{g}" for g in cases.GROUPS for k in ("received", "rectified")],
        )
    }
)
GROUP_KPI = {"sweep": "rectification_rate", "leads": "rectification_rate", "complaints": "complaint_close_rate"}
DIMENSION_TITLES = {
    "status": "rect_by_status",
    "source": "rect_by_source",
    "category": "rect_by_category",
    "level": "rect_by_level",
}


class View(NamedTuple):
    """What the URL asks of this page (a NamedTuple: Dash imports pages outside sys.modules,
    where a dataclass cannot resolve its annotations)."""

    params: dict
    lang: str
    f: Filter
    group: str | None
    unit: str | None
    community: str | None

    @classmethod
    def of(cls, params: dict | None) -> View:
        params = params or {}
        f = Filter.from_query(params.get("region"), params.get("from"), params.get("to"))
        group = params.get("group") if params.get("group") in cases.GROUPS else None
        unit = str(params.get("unit") or "")
        unit = unit if unit.isdigit() and len(unit) in (6, 9) and cases.unit_in_region(unit, f) else None
        community = str(params.get("community") or "")[:64] or None
        return cls(params, lang_of(params.get("lang")), f, group, unit, community if unit else None)

    def href(self, **changes) -> str:
        return PATH + query.build({**self.params, **changes})


# ---------------------------------------------------------------- layout


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    view = View.of(params)
    lang = view.lang
    groups = [{"label": label("group_all", lang), "value": "all"}] + [
        {"label": label(g, lang), "value": g} for g in cases.GROUPS
    ]
    return html.Div(
        [
            dcc.Store(id="rectification-query", data=params),
            html.Div(
                [
                    html.H4(label("rect_summary", lang), className="section-title me-auto"),
                    html.Span(label("case_group", lang), className="small text-muted me-2"),
                    dbc.RadioItems(
                        id="rectification-group",
                        options=groups,
                        value=view.group or "all",
                        className="btn-group me-3",
                        inputClassName="btn-check",
                        labelClassName="btn btn-sm btn-outline-primary",
                        labelCheckedClassName="active",
                    ),
                    export_controls("rectification-summary", lang),
                ],
                className="d-flex align-items-center flex-wrap",
            ),
            dcc.Loading(dbc.Row(id="rectification-cards", className="g-2 mb-3"), type="dot"),
            dbc.Row(
                [
                    dbc.Col(
                        _panel(
                            "cumulative",
                            "rect_cumulative",
                            lang,
                            dcc.Graph(id="rectification-cumulative", config=GRAPH_CONFIG),
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        _panel(
                            "ageing", "rect_ageing", lang, dcc.Graph(id="rectification-ageing", config=GRAPH_CONFIG)
                        ),
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _panel(
                            "county",
                            "rect_county_rates",
                            lang,
                            dcc.Graph(id="rectification-county", config=GRAPH_CONFIG),
                        ),
                        lg=5,
                    ),
                    dbc.Col(
                        _panel(
                            "breakdowns",
                            "rect_breakdowns",
                            lang,
                            dbc.Row(
                                [
                                    dbc.Col(
                                        dcc.Graph(id=f"rectification-{d}", config=GRAPH_CONFIG), md=6, className="mb-2"
                                    )
                                    for d in cases.DIMENSIONS
                                ],
                                className="g-2",
                            ),
                        ),
                        lg=7,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(
                            [
                                html.H4(label("rect_drilldown", lang), className="section-title me-auto"),
                                export_controls("rectification-drill", lang),
                            ],
                            className="d-flex align-items-center",
                        ),
                        html.Div(id="rectification-crumbs", className="mb-2"),
                        dcc.Loading(html.Div(id="rectification-drill"), type="dot"),
                    ]
                ),
                className="mb-4",
            ),
        ],
        id="rectification-page",
    )


def _panel(name: str, title: str, lang: str, chart) -> dbc.Card:
    """A chart with the rows behind it in a second tab, and their export."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H4(label(title, lang), className="section-title me-auto"),
                        export_controls(f"rectification-{name}", lang),
                    ],
                    className="d-flex align-items-center",
                ),
                dbc.Tabs(
                    [
                        dbc.Tab(
                            dcc.Loading(chart, type="dot"),
                            label=label("tab_chart", lang),
                            tab_id=f"rectification-{name}-chart-tab",
                        ),
                        dbc.Tab(
                            dcc.Loading(html.Div(id=f"rectification-{name}-table", className="pt-2"), type="dot"),
                            label=label("tab_table", lang),
                            tab_id=f"rectification-{name}-table-tab",
                        ),
                    ],
                    id=f"rectification-{name}-tabs",
                    active_tab=f"rectification-{name}-chart-tab",
                ),
            ]
        ),
        className="h-100",
    )


# ---------------------------------------------------------------- frames (shared by screen and export)


class Rows(NamedTuple):
    """The rows behind a chart, as a table shows them and an export writes them."""

    frame: pd.DataFrame
    columns: list[str]
    title: str  # a label key
    total: dict | None = None
    notes: tuple[str, ...] = ()  # more header lines for the export
    at: dt.date | None = None  # the stock date, for stock figures
    export_columns: list[str] | None = None  # when the export says more than the screen


def _names(dimension: str, values: pd.Series, lang: str) -> pd.Series:
    """Enumerated values (状态, 来源, 类别, 层级) in the reader's language; unknown values as written."""
    names = {
        v: label(f"{dimension}.{v}", lang) if has_label(f"{dimension}.{v}") else v for v in values.dropna().unique()
    }
    return values.map(names)


def _case_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A case list for the screen and the export: names for codes, dates as text, 是/否."""
    out = frame.copy()
    for col in ("source", "category", "level"):
        out[col] = _names(col, out[col], lang)
    out["status_at_end"] = _names("status", out["status_at_end"], lang)
    out["community_name"] = out["community_name"].fillna(label("unmatched", lang))
    for col in ("received_on", "deadline", "closed_on"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    out["rect_overdue"] = out["overdue"].map({True: label("rect_yes", lang), False: label("rect_no", lang)})
    return out.astype(object).where(out.notna(), None)


def _summary_rows(view: View) -> Rows:
    frame = cases.group_summary(cases.unit_table(warehouse(), view.f, current_scope()))
    frame = frame.rename(columns={"rate": "rect_rate"})
    frame["case_group"] = [label(g, view.lang) for g in frame["case_group"]]
    return Rows(frame, SUMMARY_COLUMNS, "rect_summary")


def _county_rows(view: View) -> Rows:
    units = cases.unit_table(warehouse(), view.f, current_scope())
    return Rows(units, COUNTY_COLUMNS, "rect_county_rates", _total(units, "unit_name", view.lang))


def _cumulative_rows(view: View) -> Rows:
    frame = cases.cumulative(warehouse(), view.f, current_scope(), view.group).rename(columns={"day": "rect_day"})
    return Rows(frame, CUMULATIVE_COLUMNS, "rect_cumulative")


def _breakdown_rows(view: View, dimensions: tuple[str, ...] = cases.DIMENSIONS) -> Rows:
    frame = cases.breakdowns(warehouse(), view.f, current_scope(), view.group, dimensions)
    frame["rect_value"] = frame["value"]
    for dim in dimensions:
        rows = frame["dimension"] == dim
        frame.loc[rows, "rect_value"] = _names(dim, frame.loc[rows, "value"], view.lang)
    frame["rect_dimension"] = frame["dimension"].map({d: label(t, view.lang) for d, t in DIMENSION_TITLES.items()})
    return Rows(frame.rename(columns={"rate": "rect_rate"}), BREAKDOWN_COLUMNS, "rect_breakdowns")


def _bucket_names(frame: pd.DataFrame, lang: str) -> list[str]:
    names = []
    for b in frame["bucket"]:
        if b < 0:
            names.append(label("rect_age_unknown", lang))
            continue
        lo, hi = cases.AGE_BUCKETS[b]
        names.append(f"≤{hi}" if lo == 0 else f"{lo}–{hi}" if hi is not None else f"≥{lo}")
    return names


def _ageing_rows(view: View) -> Rows:
    frame, at = cases.ageing(warehouse(), view.f, current_scope(), view.group)
    frame["rect_age_bucket"] = _bucket_names(frame, view.lang)
    frame = frame.rename(columns={"within_deadline": "rect_within_deadline", "no_deadline": "rect_no_deadline"})
    total = {**{c: int(frame[c].sum()) for c in AGEING_COLUMNS[1:]}, "rect_age_bucket": label("rect_total", view.lang)}
    return Rows(frame, AGEING_COLUMNS, "rect_ageing", total, (f"{label('data_as_of', view.lang)}：{fmt_date(at)}",), at)


def _drill_rows(view: View) -> Rows:
    """The drill-down level the URL asks for (rows carry `drill_key`: what a click opens)."""
    wh, scope, lang = warehouse(), current_scope(), view.lang
    if view.unit and view.community:
        frame = _case_rows(cases.case_list(wh, view.f, scope, view.unit, view.community, view.group), lang)
        frame["drill_key"] = "case:" + frame["case_id"].astype(str)
        return Rows(frame, CASE_COLUMNS, "rect_cases", None, _drill_notes(view))
    if view.unit:
        frame = cases.community_table(wh, view.f, scope, view.unit)
        # a community the warehouse does not know: 未匹配, with the ID the ledger wrote
        unmatched = label("unmatched", lang)
        frame["community_name"] = frame["community_name"].fillna(
            _with_id(unmatched, frame["community_id"].fillna("—"), lang)
        )
        frame["drill_key"] = "community:" + frame["key"]
        return Rows(
            frame,
            COMMUNITY_COLUMNS,
            "community_name",
            _total(frame, "community_name", lang),
            _drill_notes(view),
            export_columns=["community_name", "community_id", *COMMUNITY_COLUMNS[1:]],
        )
    frame = cases.unit_table(wh, view.f, scope)
    frame["drill_key"] = "unit:" + frame["unit"]
    return Rows(frame, UNIT_COLUMNS, "rect_drilldown", _total(frame, "unit_name", lang))


def _drill_notes(view: View) -> tuple[str, ...]:
    notes = [f"{label('unit_name', view.lang)}：{_unit_name(view.unit)}"]
    if view.community:
        notes.append(f"{label('community_id', view.lang)}：{view.community}")
    return tuple(notes)


def _unit_name(unit: str | None) -> str:
    return region_names(warehouse()).get(unit, unit) if unit else ""


def _total(frame: pd.DataFrame, name_column: str, lang: str) -> dict | None:
    return {**cases.totals(frame), name_column: label("rect_total", lang)} if len(frame) else None


def _header_lines(view: View, notes: tuple[str, ...] = ()) -> list[str]:
    lang = view.lang
    region = _unit_name(view.f.region) if view.f.region else label("all_regions", lang)
    return [
        f"{label('region', lang)}：{region}",
        f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
        f"{label('case_group', lang)}：{label(view.group or 'group_all', lang)}",
        *notes,
    ]


TABLES = {
    "summary": _summary_rows,
    "county": _county_rows,
    "cumulative": _cumulative_rows,
    "breakdowns": _breakdown_rows,
    "ageing": _ageing_rows,
    "drill": _drill_rows,
}


# ---------------------------------------------------------------- components from frames


def _message(key: str, lang: str) -> html.P:
    return html.P(label(key, lang), className="text-muted")


def _grid(grid_id: str, rows: Rows, lang: str, max_height: int = 460, header: int = 110):
    frame, columns = rows.frame, rows.columns
    if frame.empty:
        return _message("no_data", lang)
    height = min(header + 42 * (len(frame) + bool(rows.total)), max_height)
    g = grid(grid_id, frame, columns, lang, formats=FORMATS, height=height)
    g.rowData = frame[columns].astype(object).where(frame[columns].notna(), None).to_dict("records")
    g.columnDefs[0].update(pinned="left", minWidth=110, tooltipField=columns[0])  # the row's name stays in view
    # every column rendered, so that a wide table reads (and tests) the same at any width
    g.dashGridOptions = {
        **g.dashGridOptions,
        "suppressColumnVirtualisation": True,
        "localeText": grid_locale(lang),
        **({"pinnedBottomRowData": [rows.total]} if rows.total else {}),
    }
    return g


def _group_card(view: View, row) -> html.Div:
    lang, name = view.lang, row.case_group
    kpi = kpis.BY_KEY[GROUP_KPI[name]]
    selected = " border border-2 border-primary" if view.group == name else ""
    body = [
        html.Div(label("rate_" + name, lang), className="kpi-title"),
        html.Div(fmt_rate(row.rate), className="kpi-value"),
        html.Div(
            f"{label('received_' + name, lang)} {fmt_count(row.received)} / "
            f"{label('rectified_' + name, lang)} {fmt_count(row.rectified)}",
            className="kpi-parts",
        ),
    ]
    # a report's figure for this group and view that the rows do not reproduce
    note = published.disagreement("rate_" + name, view.f, current_scope(), row.rate, row.rectified, row.received)
    if note is not None:
        body.append(published_note(note, lang))
    return html.Div(
        dbc.Card(dbc.CardBody(body), className=f"kpi-card kpi-{kpis.light(kpi, row.rate)}{selected}"),
        id=f"rectification-card-{name}",
        className="h-100",
    )


def _county_figure(units: pd.DataFrame, lang: str):
    shown = units.dropna(subset=list(cases.COUNTY_RATES), how="all")
    if shown.empty:
        return empty_figure(label("no_data", lang))
    shown = shown.sort_values(list(cases.COUNTY_RATES), na_position="first")
    low = min(shown[list(cases.COUNTY_RATES)].min(skipna=True).min(), 1.0)
    start = max(0.0, int((low - 0.01) * 50) / 50)  # a step of 2 percentage points below the lowest rate
    fig = dots(
        shown,
        "unit_name",
        list(cases.COUNTY_RATES),
        lang,
        customdata="unit",
        xformat=".2%",
        x_range=[start, 1.004],
        height=140 + 30 * len(shown),
    )
    fig.update_layout(margin={"t": 10})
    return fig


def _breakdown_figure(rows: Rows, dim: str, lang: str):
    part = rows.frame
    title = label(DIMENSION_TITLES[dim], lang)
    if part.empty:
        return empty_figure(label("no_data", lang), 280)
    if dim == "status":
        fig = donut(part["rect_value"].tolist(), part["received"].tolist(), title, height=280)
        fig.data[0].update(textinfo="percent", textposition="inside")
        fig.update_layout(
            showlegend=True,
            legend={"orientation": "v", "x": 1.0, "y": 0.5},
            uniformtext={"minsize": 10, "mode": "hide"},
            margin={"l": 10, "r": 10, "t": 40, "b": 10},
        )
        return fig
    horizontal = dim in ("category", "source")
    part = part.iloc[::-1] if horizontal else part
    fig = bars(
        part,
        "rect_value",
        ["received", "rectified"],
        lang,
        title=title,
        height=280,
        orientation="h" if horizontal else "v",
    )
    # one layout update: each plotly update call costs milliseconds
    fig.update_layout(
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        legend={"y": -0.22},
        xaxis={"automargin": True},
        yaxis={"automargin": True},
    )
    return fig


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("rectification-cards", "children"),
    Output("rectification-county", "figure"),
    Input("rectification-query", "data"),
)
def rectification_summary(params):
    """The group cards and the county rates, from one facts query."""
    view = View.of(params)
    try:
        units = cases.unit_table(warehouse(), view.f, current_scope())
    except WarehouseMissing:
        return _message("no_warehouse", view.lang), empty_figure(label("no_warehouse", view.lang))
    cards = [dbc.Col(_group_card(view, row), md=4) for row in cases.group_summary(units).itertuples(index=False)]
    return cards, _county_figure(units, view.lang)


@callback(Output("rectification-cumulative", "figure"), Input("rectification-query", "data"))
def rectification_cumulative(params):
    view = View.of(params)
    lang = view.lang
    try:
        frame = _cumulative_rows(view).frame
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang))
    if frame.empty:
        return empty_figure(label("no_data", lang))
    fig = lines(
        frame,
        "rect_day",
        ["cumulative_received", "cumulative_rectified"],
        lang,
        yformat=",",
        mode="lines+markers" if len(frame) <= 40 else "lines",
        height=380,
    )
    monthly = len(frame) > 1 and (frame["rect_day"].iloc[1] - frame["rect_day"].iloc[0]).days > 7
    fig.update_layout(
        xaxis={"tickformat": "%Y-%m" if monthly else "%m-%d", "hoverformat": "%Y-%m-%d"},
        margin={"t": 20},
        hovermode="x unified",
    )
    return fig


def _register_breakdown(dim: str) -> None:
    @callback(Output(f"rectification-{dim}", "figure"), Input("rectification-query", "data"))
    def breakdown(params):
        view = View.of(params)
        try:
            rows = _breakdown_rows(view, (dim,))
        except WarehouseMissing:
            return empty_figure(label("no_warehouse", view.lang), 280)
        return _breakdown_figure(rows, dim, view.lang)

    breakdown.__name__ = f"rectification_breakdown_{dim}"


for _dim in cases.DIMENSIONS:
    _register_breakdown(_dim)


@callback(Output("rectification-ageing", "figure"), Input("rectification-query", "data"))
def rectification_ageing(params):
    view = View.of(params)
    lang = view.lang
    try:
        rows = _ageing_rows(view)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang))
    frame, total = rows.frame, rows.total
    if not total["open_cases"]:
        return empty_figure(label("no_data", lang))
    title = (
        f"{fmt_date(rows.at)} · {label('open_cases', lang)} {fmt_count(total['open_cases'])} · "
        f"{label('overdue_cases', lang)} {fmt_count(total['overdue_cases'])}"
    )
    frame = frame.rename(columns={"overdue_cases": "rect_past_deadline"})
    fig = bars(
        frame,
        "rect_age_bucket",
        ["rect_within_deadline", "rect_past_deadline"],
        lang,
        title=title,
        barmode="stack",
        height=380,
    )
    fig.data[1].marker.color = "#c23b3b"
    fig.update_layout(
        xaxis={"title": {"text": label("rect_age", lang)}, "type": "category"},
        yaxis={"title": {"text": label("open_cases", lang)}},
    )
    return fig


def _register_table(name: str) -> None:
    """A chart's rows, drawn when its table tab opens (not before: most viewers look at the chart)."""

    @callback(
        Output(f"rectification-{name}-table", "children"),
        Input(f"rectification-{name}-tabs", "active_tab"),
        State("rectification-query", "data"),
        prevent_initial_call=True,
    )
    def table(tab, params):
        if tab != f"rectification-{name}-table-tab":
            return no_update
        view = View.of(params)
        try:
            return _grid(f"rectification-{name}-grid", TABLES[name](view), view.lang)
        except WarehouseMissing:
            return _message("no_warehouse", view.lang)

    table.__name__ = f"rectification_table_{name}"


for _name in ("cumulative", "ageing", "county", "breakdowns"):
    _register_table(_name)


@callback(
    Output("rectification-crumbs", "children"),
    Output("rectification-drill", "children"),
    Input("rectification-query", "data"),
)
def rectification_drill(params):
    """County → community → case list, as the URL's `unit` and `community` say."""
    view = View.of(params)
    lang = view.lang
    try:
        rows = _drill_rows(view)
        unit_name = _unit_name(view.unit)
    except WarehouseMissing:
        return None, _message("no_warehouse", lang)
    crumbs = [
        dcc.Link(label("all_units", lang), href=view.href(unit=None, community=None), id="rectification-crumb-all")
    ]
    if view.unit:
        crumbs += [" › ", dcc.Link(unit_name, href=view.href(community=None), id="rectification-crumb-unit")]
    if view.community:
        crumbs += [
            " › ",
            html.Span(
                _community_name(view, rows.frame, lang), id="rectification-crumb-community", className="fw-semibold"
            ),
        ]
    cases_level = rows.title == "rect_cases"
    crumbs.append(
        html.Span(
            label("rect_cases_note" if cases_level else "rect_drill_hint", lang), className="small text-muted ms-3"
        )
    )
    table = _grid("rectification-drill-grid", rows, lang, max_height=700, header=110 if cases_level else 160)
    if isinstance(table, html.P):
        return crumbs, table
    table.rowData = [{**r, "drill_key": k} for r, k in zip(table.rowData, rows.frame["drill_key"], strict=False)]
    table.getRowId = "params.data.drill_key"
    if cases_level:
        for d in table.columnDefs:
            d.update(CASE_WIDTHS.get(d["field"], {}))
        return crumbs, table
    table.rowStyle = {"cursor": "pointer"}
    table.columnDefs = _grouped_columns(table.columnDefs, lang)
    for d in table.columnDefs:
        if d.get("field") == rows.columns[0]:
            d.update(pinned="left", width=170, minWidth=140)
    return crumbs, table


CASE_WIDTHS = {
    "case_id": {"minWidth": 160},
    "received_on": {"minWidth": 115},
    "category": {"minWidth": 110},
    "closed_on": {"minWidth": 115},
    "deadline": {"minWidth": 115},
    "street": {"minWidth": 110},
    "level": {"minWidth": 110},
    "description": {"minWidth": 360, "flex": 3, "tooltipField": "description"},
}


def _grouped_columns(defs: list[dict], lang: str) -> list[dict]:
    """Per-group count columns under one header per case group (排查问题: 受理, 已整改/办结, 整改（办结）率 …)."""
    out, parents = [], {}
    child_names = {"received": "received", "rectified": "rect_resolved", "rate": "rect_rate_short"}
    for d in defs:
        kind, _, group = d["field"].partition("_")
        if group in cases.GROUPS and kind in child_names:
            if group not in parents:
                parents[group] = {"headerName": label(group, lang), "children": [], "marryChildren": True}
                out.append(parents[group])
            parents[group]["children"].append({**d, "headerName": label(child_names[kind], lang)})
        else:
            out.append(d)
    return out


def _community_name(view: View, frame: pd.DataFrame, lang: str) -> str:
    if view.community == cases.NO_COMMUNITY:
        return label("unmatched", lang)
    if frame.empty:
        return view.community
    name = frame["community_name"].iloc[0]
    return _with_id(name, view.community, lang) if name == label("unmatched", lang) else name


def _with_id(name, community_id, lang: str):
    """未匹配（XQ…） / Unmatched (XQ…): a name with the ID the ledger wrote."""
    return name + "（" + community_id + "）" if lang == "zh" else name + " (" + community_id + ")"


# ---------------------------------------------------------------- callbacks: navigation


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("rectification-group", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def rectification_group(value, search):
    new = query.with_params(search, group=None if value == "all" else value)
    return new if new != (search or "") else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("rectification-county", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def rectification_county_click(click, search):
    """Clicking a county's dot opens its communities in the drill-down."""
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0].get("customdata")
    code = code[0] if isinstance(code, list) and code else code
    return query.with_params(search, unit=code, community=None) if isinstance(code, str) and code else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("rectification-drill-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def rectification_drill_click(cell, search):
    """A county row opens its communities; a community row its cases."""
    key = str((cell or {}).get("rowId") or "")
    kind, _, value = key.partition(":")
    if kind == "unit" and value:
        return query.with_params(search, unit=value, community=None)
    if kind == "community" and value:
        return query.with_params(search, community=value)
    return no_update


# ---------------------------------------------------------------- callbacks: exports


def _register_export(name: str) -> None:
    @callback(
        Output(f"rectification-{name}-download", "data"),
        Input(f"rectification-{name}-export", "n_clicks"),
        State("rectification-query", "data"),
        prevent_initial_call=True,
    )
    def export(_n, params):
        view = View.of(params)
        rows = TABLES[name](view)
        frame = pd.concat([rows.frame, pd.DataFrame([rows.total])], ignore_index=True) if rows.total else rows.frame
        data = to_excel(
            frame,
            rows.export_columns or rows.columns,
            view.lang,
            label(rows.title, view.lang),
            _header_lines(view, rows.notes),
            FORMATS,
        )
        return dcc.send_bytes(data, f"rectification-{name}.xlsx")

    export.__name__ = f"rectification_export_{name}"


for _name in TABLES:
    _register_export(_name)
