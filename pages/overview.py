"""总览 /: exceptions first. The period (by default 1 January to 数据截至) and what it is compared
with; the headline cards with their targets, changes and sparklines (pages/_overview_headline.py);
需要关注 (pages/_overview_attention.py); the 督办 counts; the county scorecard with its
thresholds legend, and the map; star and credit distributions."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.charts import donut, empty_figure
from components.i18n import fmt_value, label, lang_of
from components.legend import thresholds_legend
from components.loading import graph_not_drawn, lazy, lazy_section, loading, not_drawn, unless_seen
from components.maps import county_figure, load_geojson, map_region, region_geo
from components.panel import AUTO, Panels, Sheet, Table, grid_of, link_column, table
from components.theme import GRADE_COLORS, NO_DATA_COLOR, STAR_COLORS
from etl.values import missing
from metrics import kpis, targets
from metrics.county_profile import is_county
from metrics.escalations import escalation_counts
from metrics.facts import data_as_of
from metrics.filters import Filter
from metrics.ratings import credit_distribution, star_distribution
from metrics.scorecard import SCORECARD_KPIS, county_scorecard, map_values, standing, standing_county
from pages._campaign_panel import campaign_panel
from pages._overview_attention import attention_panel
from pages._overview_headline import CARD_KPIS, DEFAULT_PERIOD, headline_rows, period_line, with_default_period
from pages._profile import county_href
from pages._view import FIGURE, JOBS, View, missing_warehouse, scope, warehouse, why

# with no date in the URL the page opens on 本年 (pages/_overview_headline.py with_default_period;
# the filter bar shows the same preset: app.py sync_filter)
dash.register_page(__name__, path="/", name="总览", order=0, label_key="overview", default_period=DEFAULT_PERIOD)

__all__ = ["CARD_KPIS"]  # read by tests
FORMATS = {k: kpis.BY_KEY[k].kind for k in SCORECARD_KPIS}
panels = Panels(__name__, "overview", jobs=JOBS)


def layout(**params) -> html.Div:
    lang = lang_of(params.get("lang"))
    # the page's query: the URL's, with the default period when it names no date
    asked = with_default_period({k: v for k, v in params.items() if isinstance(v, str)})
    return html.Div(
        [
            dcc.Store(id="overview-query", data=asked),
            period_line(asked, View.of(asked).f, lang),
            html.Div(id="overview-campaign"),
            html.H4(label("kpis", lang), className="section-title"),
            loading(html.Div(id="overview-cards"), "cards"),
            # on a wide screen 需要关注 sits beside the amounts and counts, above the fold; else under them
            dbc.Row(
                [
                    dbc.Col(
                        loading(html.Div(id="overview-cards-more"), "cards"),
                        xs=12,
                        className="overview-more-col",
                    ),
                    dbc.Col(
                        [
                            html.H4(label("attention", lang), className="section-title mt-0"),
                            loading(html.Div(id="overview-attention"), "block"),
                        ],
                        xs=12,
                        className="overview-attention-col",
                    ),
                ],
                className="g-2 mb-3",
            ),
            loading(dbc.Row(id="overview-escalations", className="g-2 mb-3"), "cards"),
            # the scorecard and the map, screens below the cards: drawn when scrolled near (the grid of
            # every county and the map are most of a first load's drawing work)
            lazy_section(
                dbc.Row(
                    [
                        dbc.Col(
                            [
                                html.H4(label("scorecard", lang), className="section-title"),
                                panels.export_controls("scorecard", lang),
                                loading(html.Div(not_drawn(lang), id="overview-scorecard"), "table"),
                            ],
                            lg=7,
                        ),
                        dbc.Col(
                            [
                                html.H4(label("map", lang), className="section-title"),
                                loading(graph_not_drawn("overview-map", lang), "chart"),
                                html.Div(id="overview-thresholds-box"),
                            ],
                            lg=5,
                        ),
                    ],
                    className="mb-3",
                ),
                "overview-scorecard-seen",
            ),
            # the distributions, at the foot of the page: drawn when scrolled near (components/loading.lazy)
            dbc.Row(
                [
                    dbc.Col(lazy(graph_not_drawn("overview-stars", lang), "overview-stars-seen"), md=6),
                    dbc.Col(lazy(graph_not_drawn("overview-credit", lang), "overview-credit-seen"), md=6),
                ]
            ),
        ],
        id="overview-page",
    )


@callback(Output("overview-campaign", "children"), Input("overview-query", "data"))
@missing_warehouse(None)
def overview_campaign(params):
    """专项行动进展: the view's running campaigns with their countdown, targets, tasks and next
    milestone (pages/_campaign_panel.py), counted to 数据截至."""
    lang, f = _view(params)
    wh, viewer = warehouse(), scope()
    return campaign_panel(wh, f, viewer, data_as_of(wh, Filter(f.region), viewer), lang)


def _view(params) -> tuple[str, Filter]:
    view = View.of(params)
    return view.lang, view.f


# Callbacks side by side: cards, 需要关注, scorecard and distributions are computed in parallel
# and each appears as soon as it is ready.
@callback(
    Output("overview-cards", "children"), Output("overview-cards-more", "children"), Input("overview-query", "data")
)
@missing_warehouse(lambda lang: html.P(why(lang)), None)
def overview_cards(params):
    """The headline cards: value, target, change against the previous period and a year earlier,
    sparkline; the rates' row, then the amounts' and the counts'."""
    lang, f = _view(params)
    rates, *more = headline_rows(f, lang)
    return [rates], more


@callback(Output("overview-attention", "children"), Input("overview-query", "data"))
@missing_warehouse(lambda lang: html.P(why(lang)))
def overview_attention(params):
    """需要关注: counties slipping, overdue cases at county level and above, arrears not moving,
    companies on a second 黑榜 — each item a link to the page that shows it."""
    params = params or {}
    lang, f = _view(params)
    return attention_panel(params, f, lang)


@callback(
    Output("overview-scorecard", "children"),
    Output("overview-map", "figure"),
    Input("overview-query", "data"),
    Input("overview-scorecard-seen", "data"),
    prevent_initial_call=True,  # nothing asked before the row is seen
)
@missing_warehouse(lambda lang: html.P(why(lang)), FIGURE)
def overview_scorecard(params, seen=True):
    """The county scorecard and the county map of the rectification rate, once the row is scrolled near."""
    unless_seen(seen)
    lang, f = _view(params)
    wh, viewer = warehouse(), scope()
    table = county_scorecard(wh, f, viewer)
    county = standing_county(f, viewer)  # his own, or the one a leader selected
    place = standing(wh, f, county) if county else None
    # a county officer's scorecard lists his own units: their rank among themselves is not his place
    grid_ = _scorecard_grid(table, lang, ranked=county is None)
    return ([_standing(place, lang), grid_] if place is not None else grid_), _map(table, f, lang)


@callback(Output("overview-thresholds-box", "children"), Input("overview-query", "data"))
def overview_thresholds(params):
    """The legend of the scorecard's lights: each KPI's thresholds and target in force for the
    view's region at the period's end (data/kpi_targets.csv), and the file's problems if any."""
    lang, f = _view(params)
    rows, error = targets.current()
    bounds = rows.for_view(f)
    return thresholds_legend(
        [(kpis.BY_KEY[k], bounds.get(k)) for k in SCORECARD_KPIS], lang, targets.targets_path().name, error
    )


def _standing(place, lang):
    """A county officer's own place among the city's counties (metrics.scorecard.standing)."""

    def shown(key, value):
        return label("no_value", lang) if missing(value) else fmt_value(kpis.BY_KEY[key].kind, value, lang)

    head = html.Tr(
        [
            html.Th(label(k, lang))
            for k in ("standing_kpi", "standing_value", "standing_rank", "standing_median", "standing_quartiles")
        ]
    )
    rows = [
        html.Tr(
            [
                html.Td(label(r.kpi, lang)),
                html.Td(shown(r.kpi, r.value)),
                html.Td(
                    f"{int(r.rank)} / {int(r.ranked)}"
                    if r.rank is not None and r.rank == r.rank
                    else label("no_value", lang)
                ),
                html.Td(shown(r.kpi, r.median)),
                html.Td(f"{shown(r.kpi, r.q1)} — {shown(r.kpi, r.q3)}"),
            ]
        )
        for r in place.itertuples()
    ]
    return html.Div(
        [
            html.H6(label("standing_title", lang)),
            html.Table([html.Thead(head), html.Tbody(rows)], className="table table-sm standing"),
            html.P(label("standing_note", lang), className="text-muted small"),
        ],
        id="overview-standing",
    )


@callback(
    Output("overview-stars", "figure"),
    Output("overview-credit", "figure"),
    Input("overview-query", "data"),
    Input("overview-stars-seen", "data"),
    Input("overview-credit-seen", "data"),
    prevent_initial_call=True,  # nothing asked before the row is seen
)
@missing_warehouse(FIGURE, FIGURE)
def overview_mix(params, stars_seen=True, credit_seen=True):
    """The star distribution of service projects and the credit grades of companies, once the
    row is scrolled near (both charts sit side by side: either seen draws both)."""
    unless_seen(stars_seen, credit_seen)
    lang, f = _view(params)
    wh, viewer = warehouse(), scope()
    stars, credit = star_distribution(wh, f, viewer), credit_distribution(wh, f, viewer)
    return _stars(stars, lang), _credit(credit, lang)


def _scorecard_grid(frame, lang, ranked: bool = True):
    columns = ["rank", "unit_name", *SCORECARD_KPIS][0 if ranked else 1 :]
    # every unit in view, however many the region has (autoHeight)
    shown = table("overview-scorecard-grid", frame, columns, lang, Table(formats=FORMATS), AUTO, kpis=SCORECARD_KPIS)
    g = grid_of(shown)
    if g is None:
        return shown
    for d in g.columnDefs:
        if d["field"] in SCORECARD_KPIS:
            d["cellClassRules"] = {
                **d.get("cellClassRules", {}),
                **{f"light-{c}": f"params.data['{d['field']}__light'] == '{c}'" for c in ("green", "amber", "red")},
            }
            d["headerTooltip"] = kpis.BY_KEY[d["field"]].definition
        if d["field"] == "rank":
            d["maxWidth"] = 80
        if d["field"] == "unit_name":
            d["minWidth"] = 120
            d["pinned"] = "left"
            d.update(link_column("county_href"))  # a county's name opens its profile (县区概况)
    sent = frame.head(len(g.rowData))  # the rows the table sent (all of them, unless over ROW_CAP)
    g.rowData = sent.assign(county_href=[county_href(u) if is_county(u) else None for u in sent["unit"]]).to_dict(
        "records"
    )
    return shown


def _map(table, f: Filter, lang):
    region, level = map_region(f.region)
    geo = load_geojson(region)
    if geo is None or table.empty:
        return empty_figure(label("no_data", lang))
    values = map_values(table, "rectification_rate", level)
    geo = region_geo(geo, f.region, level)  # one county: its own outline, not its neighbours as 无数据
    return county_figure(
        geo, values, label("rectification_rate", lang), label("rectification_rate", lang), lang=lang, value_format=".2%"
    )


def _stars(frame, lang):
    if frame.empty:
        return empty_figure(label("no_data", lang), 300)
    names = [f"{int(s)}{'星' if lang == 'zh' else '★'}" for s in frame["stars"]]
    year = int(frame["year"].iloc[0])
    colors = [STAR_COLORS.get(int(s), NO_DATA_COLOR) for s in frame["stars"]]  # 5星 darkest
    return donut(names, frame["projects"].tolist(), f"{label('star_distribution', lang)}（{year}）", colors=colors)


def _credit(frame, lang):
    if frame.empty:
        return empty_figure(label("no_data", lang), 300)
    year = int(frame["year"].iloc[0])
    return donut(
        frame["grade"].tolist(),
        frame["companies"].tolist(),
        f"{label('credit_distribution', lang)}（{year}）",
        colors=[GRADE_COLORS.get(g, NO_DATA_COLOR) for g in frame["grade"]],  # A good to D bad
    )


ESCALATION_KEYS = ("interview", "reminder", "supervision", "accountability", "referral")


@callback(Output("overview-escalations", "children"), Input("overview-query", "data"))
@missing_warehouse([])
def overview_escalations(params):
    """督办 counts for leaders (约谈 n, 提醒函 n, 督办函 n, 问责 n, 移送 n), from the same metric
    the escalation page uses; each links to that page with the same filter."""
    params = params or {}
    lang, f = _view(params)
    counts = escalation_counts(warehouse(), f, scope(), with_cases=False)
    href = "/escalations" + query.build(query.shared(query.build(params)))
    return [
        dbc.Col(
            dcc.Link(
                html.Div(
                    [
                        html.Div(label(f"escalation_{k}", lang), className="kpi-title"),
                        html.Div(f"{counts[k]:,}", className="kpi-value"),
                    ],
                    className="card kpi-card kpi-none card-body",
                ),
                href=href,
                className="text-decoration-none",
                id=f"overview-escalation-{k}",
            ),
            xs=6,
            md=4,
            xl=2,
        )
        for k in ESCALATION_KEYS
    ]


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("overview-map", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def overview_map_click(click, search):
    """Clicking a county (or a city on the province map) filters to it."""
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0].get("location")
    return query.with_params(search, region=code) if code else no_update


def _scorecard_sheet(params) -> Sheet:
    """The scorecard as on screen (a county's own units unranked), the filters in its header."""
    params = params or {}
    lang, f = _view(params)
    viewer = scope()
    frame = county_scorecard(warehouse(), f, viewer)
    if standing_county(f, viewer):  # as on screen: a county's own units are not ranked among themselves
        frame["rank"] = "—"
    lines = [
        f"{label('region', lang)}：{params.get('region') or label('all_regions', lang)}",
        f"{label('from', lang)}：{params.get('from') or '—'}　{label('to', lang)}：{params.get('to') or '—'}",
    ]
    columns = ["rank", "unit_name", *SCORECARD_KPIS]
    return Sheet(frame, columns, lang, label("scorecard", lang), lines, FORMATS, kpis=SCORECARD_KPIS)


overview_export = panels.export("scorecard", _scorecard_sheet, "county-scorecard.xlsx")
