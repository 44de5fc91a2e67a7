"""整改进度 /rectification: received, rectified and closed cases by group, over time, by county,
by status, source, category and level; how long open cases have been open (working days);
a drill-down from county to community to case list.

URL parameters besides the shared filter: `group` (sweep, leads or complaints: the charts,
the ageing and the case list show that group only), `unit` (a reporting unit's code: the
drill-down shows its communities) and `community` (a community ID, or `-` for cases naming
none: the drill-down lists its cases). A link therefore reproduces a drill-down.
"""

from __future__ import annotations

from dataclasses import replace

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.i18n import label
from components.loading import loading
from components.panel import Panels, Sheet, Size, Table, grid_of, table
from components.theme import GRAPH_CONFIG
from metrics import cases
from pages._profile import community_href
from pages._rectification_figures import (
    CASE_WIDTHS,
    _ageing_figure,
    _breakdown_figure,
    _county_figure,
    _cumulative_figure,
    _group_card,
    _grouped_columns,
)
from pages._rectification_hotline import hotline_section
from pages._rectification_rows import (
    COUNTY_COLUMNS,
    FORMATS,
    TABLES,
    UNIT_COLUMNS,
    Rows,
    _ageing_rows,
    _breakdown_rows,
    _community_name,
    _cumulative_rows,
    _drill_rows,
    _header_lines,
    _unit_name,
)
from pages._rectification_rows import RectificationView as View
from pages._view import FIGURE, JOBS, TEXT, figure, message, missing_warehouse, scope, warehouse

dash.register_page(__name__, path="/rectification", name="整改进度", order=10, label_key="rectification")
__all__ = ["COUNTY_COLUMNS", "UNIT_COLUMNS", "_group_card"]  # read by tests/test_reconcile.py, tests/test_published.py

# a case's id links to its trail (督办)
TABLE = Table(formats=FORMATS, options={"suppressColumnVirtualisation": True}, links={"case_id": "case_href"})
panels = Panels(__name__, "rectification", jobs=JOBS)


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
                    panels.export_controls("summary", lang),
                ],
                className="d-flex align-items-center flex-wrap",
            ),
            loading(dbc.Row(id="rectification-cards", className="g-2 mb-3"), "cards"),
            dbc.Row(
                [
                    dbc.Col(
                        panels.card("cumulative", "rect_cumulative", lang),
                        lg=7,
                    ),
                    dbc.Col(
                        panels.card("ageing", "rect_ageing", lang),
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        panels.card("county", "rect_county_rates", lang),
                        lg=5,
                    ),
                    dbc.Col(
                        panels.card(
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
                        panels.header("rect_drilldown", "drill", lang),
                        html.Div(id="rectification-crumbs", className="mb-2"),
                        loading(html.Div(id="rectification-drill"), "table"),
                    ]
                ),
                className="mb-4",
            ),
            hotline_section(lang),  # 12345 三率 and return visits (pages/_rectification_hotline.py)
        ],
        id="rectification-page",
    )


def _message(key: str, lang: str) -> html.P:
    return message(key, lang)


def _grid(grid_id: str, rows: Rows, lang: str, max_height: int = 460, header: int = 110, key: str | None = None):
    """A table of rows, its first column (the row's name) kept in view; every column rendered,
    so that a wide table reads (and tests) the same at any width."""
    how = replace(TABLE, pin_first={"pinned": "left", "minWidth": 110})
    return table(grid_id, rows.frame, rows.columns, lang, how, Size(header, 0, max_height), total=rows.total, key=key)


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("rectification-cards", "children"),
    Output("rectification-county", "figure"),
    Input("rectification-query", "data"),
)
@missing_warehouse(TEXT, FIGURE)
def rectification_summary(params):
    """The group cards and the county rates, from one facts query."""
    view = View.of(params)
    units = cases.unit_table(warehouse(), view.f, scope())
    cards = [dbc.Col(_group_card(view, row), md=4) for row in cases.group_summary(units).itertuples(index=False)]
    return cards, _county_figure(units, view.lang)


@callback(Output("rectification-cumulative", "figure"), Input("rectification-query", "data"))
@missing_warehouse(FIGURE)
def rectification_cumulative(params):
    view = View.of(params)
    return _cumulative_figure(_cumulative_rows(view).frame, view.lang)


@callback(Output("rectification-ageing", "figure"), Input("rectification-query", "data"))
@missing_warehouse(FIGURE)
def rectification_ageing(params):
    view = View.of(params)
    return _ageing_figure(_ageing_rows(view), view.lang)


def _breakdown(dim: str):
    @missing_warehouse(figure(280))
    def draw(params):
        view = View.of(params)
        return _breakdown_figure(_breakdown_rows(view, (dim,)), dim, view.lang)

    return draw


for _dim in cases.DIMENSIONS:
    panels.callback(
        f"rectification_breakdown_{_dim}",
        Output(f"rectification-{_dim}", "figure"),
        Input("rectification-query", "data"),
    )(_breakdown(_dim))


def _table(name: str):
    """A chart's rows, drawn when its table tab opens (not before: most viewers look at the chart)."""

    @missing_warehouse(TEXT)
    def rows_table(params):
        view = View.of(params)
        return _grid(f"rectification-{name}-grid", TABLES[name](view), view.lang)

    return rows_table


for _name in ("cumulative", "ageing", "county", "breakdowns"):
    panels.table_on_open(_name, _table(_name))


@callback(
    Output("rectification-crumbs", "children"),
    Output("rectification-drill", "children"),
    Input("rectification-query", "data"),
)
@missing_warehouse(None, TEXT)
def rectification_drill(params):
    """County → community → case list, as the URL's `unit` and `community` say."""
    view = View.of(params)
    lang = view.lang
    rows = _drill_rows(view)
    unit_name = _unit_name(view.unit)
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
        if view.community != cases.NO_COMMUNITY:  # the community's profile (register entry, stars, usages)
            crumbs.append(
                dcc.Link(
                    label("community_profile", lang) + " ›",
                    href=community_href(view.community, view.params),
                    id="rectification-community-profile",
                    className="ms-2 small",
                )
            )
    cases_level = rows.title == "rect_cases"
    crumbs.append(
        html.Span(
            label("rect_cases_note" if cases_level else "rect_drill_hint", lang), className="small text-muted ms-3"
        )
    )
    shown = _grid("rectification-drill-grid", rows, lang, 700, 110 if cases_level else 160, key="drill_key")
    grid_ = grid_of(shown)  # over ROW_CAP rows (a county's cases without a community): beside its note
    if grid_ is None:
        return crumbs, shown
    if cases_level:
        for d in grid_.columnDefs:
            d.update(CASE_WIDTHS.get(d["field"], {}))
        return crumbs, shown
    grid_.rowStyle = {"cursor": "pointer"}
    grid_.columnDefs = _grouped_columns(grid_.columnDefs, lang)
    for d in grid_.columnDefs:
        if d.get("field") == rows.columns[0]:
            d.update(pinned="left", width=170, minWidth=140)
    return crumbs, shown


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


# ---------------------------------------------------------------- exports (file rectification-<name>.xlsx)


def _sheet(name: str):
    def sheet(params) -> Sheet:
        view = View.of(params)
        rows = TABLES[name](view)
        frame = pd.concat([rows.frame, pd.DataFrame([rows.total])], ignore_index=True) if rows.total else rows.frame
        title = label(rows.title, view.lang)
        lines = _header_lines(view, rows.notes)
        return Sheet(frame, rows.export_columns or rows.columns, view.lang, title, lines, FORMATS)

    return sheet


for _name in TABLES:
    panels.export(_name, _sheet(_name))
