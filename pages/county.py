"""县区概况 /county: one county against its city — every KPI of the catalogue with its rank and
the city's median and quartiles, the main KPIs month by month beside the city's median, its
communities with the most overdue and open cases, its companies to watch, its open cases
(each opening its trail) and its projects in arrears.

The county is the region filter's (a township-level unit: its county), so the filter bar
moves the profile; a county officer's region is always his own county, and another county's
profile answers with the app's 'no permission' page. With a city or no region selected the
page lists the counties to choose from. URL parameters besides the shared filter: `developer`
or `project` (the arrears list shows that developer's projects, or that project: the search
opens them so). Definitions live in metrics/county_profile.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from components import profile, query
from components.charts import empty_figure, lines
from components.i18n import label
from components.loading import lazy_section, loading
from components.panel import Panels, Sheet
from components.theme import GRAPH_CONFIG
from metrics import county_profile as cp
from metrics.db import WarehouseMissing
from metrics.regions import region_names, region_options
from metrics.scorecard import city_of
from pages._county_rows import FORMATS, TABLES, CountyView, county_name, header_lines, standing_place, text_rows
from pages._profile import county_href, list_table, refusal, register_lists
from pages._view import FIGURE, JOBS, TEXT, missing_warehouse, scope, warehouse
from vocab.kpis import BY_KEY

dash.register_page(__name__, path="/county", name="县区概况", order=5, label_key="county_profile")

panels = Panels(__name__, "county", jobs=JOBS)
LISTS = ("communities", "companies", "open", "arrears")
LISTS_SEEN = "county-lists-seen"


# ---------------------------------------------------------------- layout


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    view = CountyView.of(params)
    lang = view.lang
    try:
        status = cp.access(warehouse(), view.county, scope()) if view.county else None
    except WarehouseMissing:  # no warehouse yet: the panels say so
        status = cp.OK if view.county else None
    if status is None:
        return html.Div([dcc.Store(id="county-query", data=params), _chooser(view)], id="county-page")
    if status != cp.OK:
        return refusal(status, view.county, lang)
    try:
        city = region_names(warehouse()).get(city_of(view.county), "")
    except WarehouseMissing:
        city = ""
    links = [(k, _elsewhere(view, p)) for k, p in LINKED_PAGES]
    card = lambda name, title: panels.card(name, title, lang, tabs=False, class_name="h-100")  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="county-query", data=params),
            profile.title(
                label("profile_county_title", lang).format(name=county_name(view)), lang, "county-title", links, city
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        panels.header("profile_standing", "standing", lang),
                        loading(html.Div(id="county-standing"), "table"),
                        html.P(label("profile_standing_note", lang), className="text-muted small mb-0"),
                    ]
                ),
                className="mb-3",
            ),
            panels.card(
                "trend",
                "profile_trend",
                lang,
                dbc.Row(
                    [
                        dbc.Col(dcc.Graph(id=f"county-trend-{k}", config=GRAPH_CONFIG), md=6, xl=4, className="mb-2")
                        for k in cp.TREND_KPIS
                    ],
                    className="g-2",
                ),
                class_name="mb-3",
            ),
            # the lists, below the trends: drawn when they come near the screen
            lazy_section(
                [
                    dbc.Row(
                        [
                            dbc.Col(card("communities", "profile_worst_communities"), lg=6),
                            dbc.Col(card("companies", "profile_worst_companies"), lg=6),
                        ],
                        className="g-3 mb-3",
                    ),
                    html.Div(card("open", "profile_open_cases"), className="mb-3"),
                    html.Div(
                        [
                            _arrears_filter(view),
                            card("arrears", "profile_arrears"),
                        ],
                        className="mb-4",
                    ),
                ],
                LISTS_SEEN,
            ),
        ],
        id="county-page",
    )


LINKED_PAGES = (
    ("profile_rect_link", "/rectification"),
    ("profile_esc_link", "/escalations"),
    ("profile_funds_link", "/funds"),
)


def _elsewhere(view: CountyView, path: str) -> str:
    """Another page with the shared filter (its region: the county)."""
    return path + query.build({**{k: v for k, v in view.params.items() if k in query.SHARED}, "region": view.county})


def _chooser(view: CountyView) -> html.Div:
    """The counties in the viewer's scope (of the selected city, if one is), as links."""
    lang = view.lang
    try:
        options = region_options(warehouse(), scope())
    except WarehouseMissing:
        options = []
    city = (view.f.region or "")[:4] if view.f.region and view.f.region.endswith("00") else ""
    counties = [o for o in options if o["level"] == "county" and o["code"].startswith(city) and cp.is_county(o["code"])]
    names = {o["code"]: o["name"] for o in options}
    groups: dict[str, list] = {}
    for o in counties:
        groups.setdefault(o["parent"], []).append(o)
    return html.Div(
        [
            html.H4(label("county_profile", lang), className="section-title"),
            html.P(label("profile_choose_county", lang), className="text-muted"),
            *[
                html.Div(
                    [
                        html.Span(names.get(parent, parent), className="fw-semibold me-2"),
                        *[
                            dcc.Link(
                                o["name"], href=county_href(o["code"], view.params), className="me-3 d-inline-block"
                            )
                            for o in group
                        ],
                    ],
                    className="mb-2",
                )
                for parent, group in groups.items()
            ],
        ],
        id="county-chooser",
        className="py-2",
    )


def _arrears_filter(view: CountyView):
    """Which developer or project the arrears list shows, with a link back to all of them."""
    name = view.developer or view.project
    if not name:
        return None
    return html.Div(
        [
            html.Span(label("profile_filtered", view.lang).format(name=name), className="me-2"),
            dcc.Link(label("profile_show_all", view.lang), href=view.href(developer=None, project=None)),
        ],
        className="alert alert-secondary py-1 px-2 mb-2 small",
        id="county-arrears-filter",
    )


# ---------------------------------------------------------------- callbacks


@missing_warehouse(TEXT)
def county_standing(params):
    """Every KPI of the catalogue: the county's value, rank, the city's median and quartiles."""
    view = CountyView.of(params)
    return profile.standing_table(standing_place(view), view.lang, "county-standing-table")


def _trend_figure(frame, key: str, lang: str):
    """One KPI month by month: the county and the city's median county (dashed)."""
    kpi = BY_KEY[key]
    title = label(key, lang) + ("（万元）" if kpi.kind == "amount" and lang == "zh" else "")
    if frame.empty or frame["county_value"].isna().all():
        return empty_figure(label("no_data", lang), 240)
    shown = frame.assign(month=[f"{m:%Y-%m}" for m in frame["month"]])
    if kpi.kind == "amount":  # 万元 for a Chinese reader, as the cards
        scale = 1e4 if lang == "zh" else 1e6
        shown = shown.assign(county_value=shown["county_value"] / scale, city_median=shown["city_median"] / scale)
    fmt = ".0%" if kpi.kind == "rate" else ",.0f" if kpi.kind == "count" else ",.1f"
    return lines(
        shown,
        "month",
        ["county_value", "city_median"],
        lang,
        title,
        fmt,
        height=240,
        mode="lines+markers",
        dashed=["city_median"],
        layout={
            "legend": {"orientation": "h", "x": 1, "xanchor": "right", "yref": "paper", "y": 1.02, "yanchor": "bottom"},
            "margin": {"t": 56, "b": 40, "l": 48, "r": 12},
            # 2025-01 …, as written (a date axis would read Jan 2025)
            "xaxis": {"type": "category", "tickangle": -45},
        },
    )


@missing_warehouse(*[FIGURE] * len(cp.TREND_KPIS), TEXT)
def county_trend(params):
    """The main KPIs over the last twelve months, each month a period of its own."""
    view = CountyView.of(params)
    rows = TABLES["trend"](view)
    figures = [_trend_figure(rows.frame[rows.frame["kpi"] == k], k, view.lang) for k in cp.TREND_KPIS]
    shown = text_rows(rows.frame, ["county_value", "city_median"], view.lang)
    shown["month"] = [f"{m:%Y-%m}" for m in shown["month"]]
    return (*figures, list_table("county-trend-grid", shown, rows.columns, view.lang, {}))


panels.callback("county_standing", Output("county-standing", "children"), Input(panels.store, "data"))(county_standing)
panels.callback(
    "county_trend",
    *[Output(f"county-trend-{k}", "figure") for k in cp.TREND_KPIS],
    Output("county-trend-table", "children"),
    Input(panels.store, "data"),
)(county_trend)


def _list_table(view: CountyView, name: str):
    """The county's list `name` (pages/_county_rows.py)."""
    rows = TABLES[name](view)
    return list_table(f"county-{name}-grid", rows.frame, rows.columns, view.lang, FORMATS, rows.total)


register_lists(panels, CountyView, LISTS, _list_table, seen=LISTS_SEEN)


# ---------------------------------------------------------------- exports (file county-<name>.xlsx)


def _sheet(name: str):
    def sheet(params) -> Sheet:
        view = CountyView.of(params)
        rows = TABLES[name](view)
        title = label(rows.title, view.lang)
        return Sheet(rows.frame, rows.columns, view.lang, title, header_lines(view), FORMATS)

    return sheet


for _name in ("standing", "trend", *LISTS):
    panels.export(_name, _sheet(_name))
