"""评价 /ratings: star ratings of service projects, credit grades of companies and how they move,
companies graded D or exited, how communities are managed (coverage, 无物业 over time, owners'
committees), and the register of property companies with the vetted list (物业超市).

Every chart has the table of the rows behind it, exportable to Excel; a click on a county's bar
filters to that county.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import query
from components.cards import kpi_card
from components.i18n import label, lang_of
from components.loading import loading
from components.panel import Panels, Sheet
from components.theme import GRAPH_CONFIG
from metrics import kpis, published, targets
from pages import _ratings_content as content
from pages._ratings_party import party_section
from pages._ratings_rows import TABLES, _clean, _header_lines, _table_frame
from pages._view import JOBS, TEXT, View, figure, missing_warehouse, scope, warehouse

dash.register_page(__name__, path="/ratings", name="评价", order=30, label_key="ratings")

CARD_KPIS = ["service_coverage", "committee_coverage", "star_high_share", "credit_a_share"]
CLICKABLE = [
    "ratings-stars-county",
    "ratings-management-county",
    "ratings-committee-county",
    "ratings-companies-county",
]

EMPTY = figure(220)  # a chart's place with no warehouse
panels = Panels(__name__, "ratings", jobs=JOBS)


# ---------------------------------------------------------------- layout


def _graph(graph_id: str, md: int = 6) -> dbc.Col:
    return dbc.Col(loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG), "chart"), md=md, className="mb-2")


def _table(key: str, lang: str) -> html.Div:
    return panels.table_block(key, lang)


def _stats(stats_id: str):
    return loading(dbc.Row(id=stats_id, className="g-2 mb-2"), "cards")


def _hint(lang: str) -> html.Div:
    return html.Div(label("ratings_click_hint", lang), className="text-muted small mb-1")


def layout(**params) -> html.Div:
    lang = lang_of(params.get("lang"))
    title = lambda key: html.H4(label(key, lang), className="section-title")  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="ratings-query", data={k: v for k, v in params.items() if isinstance(v, str)}),
            title("kpis"),
            loading(dbc.Row(id="ratings-cards", className="g-2 mb-3"), "cards"),
            # star ratings of service projects
            title("ratings_stars"),
            _stats("ratings-stars-stats"),
            _hint(lang),
            dbc.Row([_graph("ratings-stars-county", 7), _graph("ratings-stars-year", 5)]),
            _table("stars", lang),
            # credit ratings of companies
            title("ratings_credit"),
            _stats("ratings-credit-stats"),
            dbc.Row([_graph("ratings-credit-year"), _graph("ratings-credit-moves")]),
            dbc.Row([dbc.Col(_table("credit", lang), lg=7), dbc.Col(_table("moves", lang), lg=5)]),
            html.H5([label("ratings_flagged", lang), html.Span(id="ratings-flagged-count")], className="mt-2"),
            html.Div(label("ratings_flagged_note", lang), className="text-muted small"),
            _table("flagged", lang),
            # communities: management type, coverage, owners' committees
            title("ratings_communities"),
            _stats("ratings-communities-stats"),
            dbc.Row([_graph("ratings-management", 5), dbc.Col(_table("management", lang), md=7)]),
            _hint(lang),
            dbc.Row([_graph("ratings-management-county"), _graph("ratings-committee-county")]),
            _table("counties", lang),
            # 无物业 and committees over time
            title("ratings_trend"),
            _stats("ratings-trend-stats"),
            dbc.Row([_graph("ratings-no-service"), _graph("ratings-committee-trend")]),
            _table("trend", lang),
            # 党建引领: red committees, party members, party organisations in companies (pages/_ratings_party.py)
            party_section(lang),
            # the register of companies
            title("ratings_companies"),
            _stats("ratings-companies-stats"),
            _hint(lang),
            dbc.Row([_graph("ratings-companies-county"), dbc.Col(_table("companies", lang), md=6)]),
        ],
        id="ratings-page",
    )


# ---------------------------------------------------------------- callbacks


@callback(Output("ratings-cards", "children"), Input("ratings-query", "data"))
@missing_warehouse(TEXT)
def ratings_cards(params):
    """The headline KPIs of the page, from the catalogue (metrics/kpis.py)."""
    view = View.of(params)
    values = kpis.compute(warehouse(), CARD_KPIS, view.f, scope())
    notes = published.notes(values, view.f, scope())
    bounds = targets.in_force(view.f)
    return [
        dbc.Col(
            kpi_card(values[k], view.lang, card_id=f"ratings-kpi-{k}", published=notes.get(k), bounds=bounds.get(k)),
            xs=6,
            xl=3,
        )
        for k in CARD_KPIS
    ]


@callback(
    Output("ratings-stars-stats", "children"),
    Output("ratings-stars-county", "figure"),
    Output("ratings-stars-year", "figure"),
    Output("ratings-stars-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse(TEXT, EMPTY, EMPTY, None)
def ratings_stars(params):
    """Star levels of service projects per county (latest rating year of the period) and per year."""
    return content.stars_section(params)


@callback(
    Output("ratings-credit-stats", "children"),
    Output("ratings-credit-year", "figure"),
    Output("ratings-credit-moves", "figure"),
    Output("ratings-credit-table", "children"),
    Output("ratings-moves-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse(TEXT, EMPTY, EMPTY, None, None)
def ratings_credit(params):
    """Credit grades by year and their movement from the year before."""
    return content.credit_section(params)


@callback(
    Output("ratings-flagged-count", "children"),
    Output("ratings-flagged-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse("", TEXT)
def ratings_flagged(params):
    """Companies graded D in the period, or cleared out or deregistered in it: the list."""
    return content.flagged_section(params)


@callback(
    Output("ratings-communities-stats", "children"),
    Output("ratings-management", "figure"),
    Output("ratings-management-table", "children"),
    Output("ratings-counties-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse(TEXT, EMPTY, None, None)
def ratings_communities(params):
    """Communities at the period's end by management type and owners' organisation: figures and shares."""
    return content.communities_section(params)


@callback(
    Output("ratings-management-county", "figure"),
    Output("ratings-committee-county", "figure"),
    Input("ratings-query", "data"),
)
@missing_warehouse(EMPTY, EMPTY)
def ratings_communities_by_county(params):
    """Per county: communities by management type, and by owners' organisation (the counties table's rows)."""
    return content.communities_by_county_section(params)


@callback(
    Output("ratings-trend-stats", "children"),
    Output("ratings-no-service", "figure"),
    Output("ratings-committee-trend", "figure"),
    Output("ratings-trend-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse(TEXT, EMPTY, EMPTY, None)
def ratings_trend(params):
    """Communities without property service, and with an owners' committee, month by month."""
    return content.trend_section(params)


@callback(
    Output("ratings-companies-stats", "children"),
    Output("ratings-companies-county", "figure"),
    Output("ratings-companies-table", "children"),
    Input("ratings-query", "data"),
)
@missing_warehouse(TEXT, EMPTY, None)
def ratings_companies(params):
    """Registered property companies per county, those exited, and those in the vetted list (物业超市)."""
    return content.companies_section(params)


@callback(
    Output("url", "search", allow_duplicate=True),
    *[Input(graph_id, "clickData") for graph_id in CLICKABLE],
    State("url", "search"),
    prevent_initial_call=True,
)
def ratings_county_click(*args):
    """Clicking a county's bar filters the page (and the shared filter) to that county."""
    search = args[-1]
    click = ctx.triggered[0]["value"] if ctx.triggered else None
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0].get("customdata")
    if isinstance(code, list):
        code = code[0] if code else None
    return query.with_params(search, region=code) if code else no_update


# ---------------------------------------------------------------- exports (file ratings-<key>.xlsx)


def _sheet(key: str):
    def sheet(params) -> Sheet:
        """The rows behind a chart as .xlsx, with the filters in the header lines."""
        view = View.of(params)
        wh = warehouse()
        title_key, columns, formats = TABLES[key]
        frame = _clean(_table_frame(key, wh, view.f, view.lang))
        return Sheet(frame, columns, view.lang, label(title_key, view.lang), _header_lines(view, wh), formats)

    return sheet


EXPORTS = {key: panels.export(key, _sheet(key)) for key in TABLES}
