"""大屏 /screen: the command centre's wall display — full screen, dark, 16:9, no controls.

`/screen?region=140700&rotate=15&refresh=60` (`region` a city or county code; none, as on every
page, means the whole province — the shell's filter bar drops `region=140000` from the URL;
`rotate` seconds between panels; `refresh` seconds between data pulls; `from`/`to` as on every
page, default the whole campaign; `lang=en`). The wall opens it as `/screen?token=…`: the login
layer (security/web.py) turns the token into a screen session; this page does not read it.

What runs where (assets/screen.js holds the browser side):
- the clock, the rotation of the map, rankings and side panels, the count-up of the headline
  figures and the offline mark run in the browser (clientside callbacks), so nothing goes to
  the server once a second, and all of it keeps going while the server is away;
- every `health` seconds (the refresh, at most 15) the browser fetches a health route (the login
  layer's public /healthz, else this page's /screen/health: a few bytes) with a timeout and
  keeps {ok, since} in a store; every `refresh` seconds, only while the server answers, it
  asks for data (`screen-pull`), and once more as soon as the server is back;
- the server answers a pull with everything the screen shows, or, when the published
  warehouse has not changed since the screen's last pull, with nothing but the time.

The screen never shows personal data, whatever the viewer's scope: see `screen_scope`.
"""

from __future__ import annotations

import hashlib
import time

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components.cards import published_texts
from components.charts import GRAPH_CONFIG
from components.i18n import fmt_count, fmt_date, fmt_value, label, lang_of
from components.maps import load_geojson, map_region
from components.screen import count_spec, dark_donut, dark_map, map_unit, ranking_rows, ticker_items
from metrics import kpis, published
from metrics.access import current_scope, warehouse
from metrics.db import WarehouseMissing
from metrics.escalations import escalation_counts
from metrics.facts import data_as_of
from metrics.filters import PROVINCE, Filter, Scope
from metrics.ratings import credit_distribution, star_distribution
from metrics.regions import region_names
from metrics.scorecard import map_values
from metrics.screen import latest_recoveries, latest_rectified, ranking, unit_table, without_data

dash.register_page(__name__, path="/screen", name="大屏", order=100, label_key="screen", title="物业监管大屏")

HEADLINE = [
    "rectification_rate",
    "complaint_close_rate",
    "overdue_cases",
    "arrears_recovery_rate",
    "arrears_outstanding",
    "refund_amount",
]
# The map and the ranking beside it rotate through these (those with no value in the region are skipped).
MAP_KPIS = ["rectification_rate", "overdue_cases", "arrears_outstanding", "star_high_share", "credit_a_share"]
SIDE = ("credit", "stars", "escalations")
ESCALATION_KEYS = ("interview", "reminder", "supervision", "accountability", "referral")
HEALTH_PATH = "/screen/health"


def screen_scope() -> Scope:
    """The viewer's regions, and never personal data: the wall is seen by anyone in the room."""
    return Scope(regions=current_scope().regions, personal_data=False)


def screen_filter(params: dict) -> Filter:
    return Filter.from_query(params.get("region"), params.get("from"), params.get("to"))


def _seconds(value: object, default: int, low: int, high: int) -> int:
    if isinstance(value, list):
        value = value[-1] if value else None
    try:
        return min(max(int(str(value)), low), high)
    except (TypeError, ValueError):
        return default


def layout(region=None, rotate=None, refresh=None, lang=None, **params) -> html.Div:
    lang = lang_of(lang)
    query = {
        k: v
        for k, v in {"region": region, "from": params.get("from"), "to": params.get("to"), "lang": lang}.items()
        if isinstance(v, str)
    }
    f = screen_filter(query)
    rotate_s, refresh_s = _seconds(rotate, 15, 1, 3600), _seconds(refresh, 60, 2, 86400)
    health_s = min(refresh_s, 15)
    words = {
        "lang": lang,
        "offline": label("screen_offline_since", lang),
        "updated": label("screen_updated", lang),
        "weekdays": label("screen_weekdays", lang).split(","),
        "health": dash.get_relative_path(_health_path()),
        "timeout": min(health_s, 5) * 1000,
    }
    return html.Div(
        [
            dcc.Store(id="screen-query", data=query),
            dcc.Store(id="screen-words", data=words),
            dcc.Store(id="screen-net", data={"ok": True, "since": None, "recovered": False}),
            dcc.Store(id="screen-pull"),
            dcc.Store(id="screen-data"),
            dcc.Store(id="screen-version"),
            dcc.Store(id="screen-pulled"),
            dcc.Store(id="screen-anim"),
            dcc.Interval(id="screen-clock-tick", interval=1000),
            dcc.Interval(id="screen-rotate-tick", interval=rotate_s * 1000),
            dcc.Interval(id="screen-refresh-tick", interval=refresh_s * 1000),
            dcc.Interval(id="screen-health-tick", interval=health_s * 1000),
            html.Header(
                [
                    html.Div(
                        [
                            html.H1(
                                label("screen_title", lang).format(region=_region_name(f.region)),
                                id="screen-title",
                                className="screen-title",
                            ),
                            html.Div(
                                [html.Span(_period_text(f, lang), id="screen-period"), html.Span(id="screen-as-of")],
                                className="screen-subtitle",
                            ),
                        ],
                        className="screen-heading",
                    ),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Span(id="screen-offline", className="screen-offline"),
                                    html.Span(id="screen-updated", className="screen-updated"),
                                ],
                                className="screen-status",
                            ),
                            html.Div(id="screen-clock", className="screen-clock"),
                        ],
                        className="screen-clockbox",
                    ),
                ],
                className="screen-header",
            ),
            html.Section([_kpi_tile(k, lang) for k in HEADLINE], className="screen-kpis", id="screen-kpis"),
            html.Main(
                [
                    html.Section(
                        [
                            html.Div(id="screen-rank-title", className="screen-panel-title"),
                            html.Div(
                                [
                                    html.Div(id=f"screen-rank-slide-{i}", className="screen-slide")
                                    for i in range(len(MAP_KPIS))
                                ],
                                className="screen-panel-body",
                            ),
                        ],
                        className="screen-panel screen-rank",
                        id="screen-rank",
                    ),
                    html.Section(
                        [
                            html.Div(id="screen-map-title", className="screen-panel-title"),
                            html.Div(
                                dcc.Graph(
                                    id="screen-map",
                                    config={**GRAPH_CONFIG, "displayModeBar": False},
                                    responsive=True,
                                    className="screen-graph",
                                ),
                                className="screen-panel-body",
                            ),
                        ],
                        className="screen-panel screen-map",
                        id="screen-map-panel",
                    ),
                    html.Section(
                        html.Div(
                            [_side_slide(i, name, lang) for i, name in enumerate(SIDE)], className="screen-panel-body"
                        ),
                        className="screen-panel screen-side",
                        id="screen-side",
                    ),
                ],
                className="screen-main",
            ),
            html.Footer(
                [
                    html.Div(label("screen_ticker", lang), className="screen-ticker-label"),
                    html.Div(
                        html.Div(
                            label("screen_loading", lang), id="screen-ticker-track", className="screen-ticker-track"
                        ),
                        className="screen-ticker-window",
                    ),
                ],
                className="screen-ticker",
            ),
        ],
        id="screen-root",
        className="screen-root",
        lang="en" if lang == "en" else "zh-CN",
        **{"data-rotate": str(rotate_s), "data-refresh": str(refresh_s)},
    )


def _kpi_tile(key: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(label(key, lang), className="screen-kpi-label"),
            html.Div(
                [html.Span(className="screen-kpi-num"), html.Span(className="screen-kpi-unit")],
                id=f"screen-kpi-{key}-value",
                className="screen-kpi-value",
            ),
            html.Div(id=f"screen-kpi-{key}-parts", className="screen-kpi-parts"),
            html.Div(id=f"screen-kpi-{key}-note", className="screen-kpi-note"),
        ],
        id=f"screen-kpi-{key}",
        className="screen-kpi",
    )


def _side_slide(i: int, name: str, lang: str) -> html.Div:
    if name == "escalations":
        body = html.Div(id="screen-esc", className="screen-esc")
        title = label("screen_escalations", lang)
    else:
        body = dcc.Graph(
            id=f"screen-{name}-graph",
            config={**GRAPH_CONFIG, "displayModeBar": False},
            responsive=True,
            className="screen-graph",
        )
        title = ""
    return html.Div(
        [
            html.Div(title, id=f"screen-side-title-{i}", className="screen-panel-title"),
            html.Div(body, className="screen-side-body"),
        ],
        id=f"screen-side-slide-{i}",
        className="screen-slide",
    )


def _region_name(code: str | None) -> str:
    code = code or PROVINCE
    try:
        return region_names(warehouse()).get(code, code)
    except WarehouseMissing:
        return code


def _period_text(f: Filter, lang: str) -> str:
    if not (f.start or f.end):
        return label("screen_period_all", lang)
    return label("screen_period", lang).format(
        start=fmt_date(f.start) if f.start else "…", end=fmt_date(f.end) if f.end else "…"
    )


# ---------------------------------------------------------------- data, on each pull

PULL_OUTPUTS = (
    [
        Output("screen-data", "data"),
        Output("screen-version", "data"),
        Output("screen-as-of", "children"),
        Output("screen-esc", "children"),
        Output("screen-ticker-track", "children"),
        Output("screen-ticker-track", "style"),
    ]
    + [Output(f"screen-rank-slide-{i}", "children") for i in range(len(MAP_KPIS))]
    + [Output(f"screen-side-title-{i}", "children") for i in range(len(SIDE))]
    + [Output("screen-pulled", "data")]
)


@callback(
    *PULL_OUTPUTS,
    Input("screen-pull", "data"),
    State("screen-query", "data"),
    State("screen-version", "data"),
    prevent_initial_call=True,
)
def screen_pull(_pull, params, seen):
    """Everything the screen shows, when the published warehouse changed since the last pull;
    otherwise only the time of the pull (the screen keeps what it has)."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    n_rest = len(PULL_OUTPUTS) - 1
    wh = warehouse()
    stamp = hashlib.sha1(f"{wh.version}|{sorted(params.items())}".encode()).hexdigest()[:16]
    if stamp == seen:
        return (*([no_update] * n_rest), time.time())
    try:
        content = screen_content(screen_filter(params), lang)
    except WarehouseMissing:
        return (None, None, label("no_warehouse", lang), *([no_update] * (n_rest - 3)), time.time())
    data, _, *rest = content
    return (data, stamp, *rest, time.time())


def screen_content(f: Filter, lang: str) -> tuple:
    """The screen's data for a filter, in the order of PULL_OUTPUTS (without the pull time)."""
    wh, scope = warehouse(), screen_scope()
    frames = kpis.facts_for(wh, HEADLINE + MAP_KPIS, f, scope)
    values = kpis.compute(wh, HEADLINE, f, scope, with_previous=False, current=frames)
    table = unit_table(wh, MAP_KPIS, f, scope, frames)
    as_of = data_as_of(wh, f, scope)

    notes = published.notes(values, f, scope)
    tiles = []
    for key in HEADLINE:
        v = values[key]
        parts = ""
        if v.kpi.denominator is not None:
            parts = f"{fmt_value(v.kpi.parts, v.numerator, lang)} / {fmt_value(v.kpi.parts, v.denominator, lang)}"
        # a report's figure for this view that the rows do not reproduce: said on the tile
        note, source = published_texts(notes[key], lang) if key in notes else ("", "")
        tiles.append(
            {
                "key": key,
                "light": kpis.light(v.kpi, v.value),
                "parts": parts,
                "note": note,
                "source": source,
                **count_spec(v.kpi.kind, v.value, lang),
            }
        )

    maps, rank_slides = [], []
    region, level = map_region(f.region)
    geo = _map_geo(load_geojson(region), f.region, level)
    for i, key in enumerate(MAP_KPIS):
        kpi = kpis.BY_KEY[key]
        ranked = ranking(table, key)
        rank_slides.append(
            ranking_rows(ranked.to_dict("records"), kpi.kind, lang, missing=without_data(table, key).to_dict("records"))
        )
        values_by_shape = map_values(table, key, level)
        if all(v is None for v in values_by_shape.values()) or ranked.empty:
            continue
        divisor, fmt, unit = map_unit(kpi.kind, lang)
        shown = {c: (v / divisor if v is not None else None) for c, v in values_by_shape.items()}
        name = label(key, lang) + (f"（{unit}）" if unit and lang == "zh" else f" ({unit})" if unit else "")
        fig = dark_map(geo, shown, name, fmt, lang, higher_is_better=kpi.higher_is_better)
        maps.append(
            {
                "key": key,
                "slot": i,
                "map_title": label("screen_map", lang).format(kpi=name),
                "rank_title": label("screen_ranking", lang).format(kpi=label(key, lang)),
                "values": shown,
                "figure": fig,
            }
        )

    credit, stars = credit_distribution(wh, f, scope), star_distribution(wh, f, scope)
    side, side_titles, figures = [], [], {}
    if not credit.empty:
        side.append(0)
        year, total = int(credit["year"].iloc[0]), int(credit["companies"].sum())
        figures["credit"] = dark_donut(
            credit["grade"].tolist(),
            credit["companies"].tolist(),
            label("screen_total_companies", lang).format(n=fmt_count(total)),
        )
        side_titles.append(label("screen_credit", lang).format(year=year))
    else:
        side_titles.append("")
    if not stars.empty:
        side.append(1)
        year, total = int(stars["year"].iloc[0]), int(stars["projects"].sum())
        names = [label(f"stars_{int(s)}", lang) for s in stars["stars"]]
        figures["stars"] = dark_donut(
            names, stars["projects"].tolist(), label("screen_total_projects", lang).format(n=fmt_count(total))
        )
        side_titles.append(label("screen_stars", lang).format(year=year))
    else:
        side_titles.append("")
    side.append(2)
    side_titles.append(label("screen_escalations", lang))
    counts = escalation_counts(wh, f, scope, with_cases=False)
    esc = [
        html.Div(
            [
                html.Div(f"{counts[k]:,}", className="screen-esc-value", id=f"screen-esc-{k}"),
                html.Div(label(f"escalation_{k}", lang), className="screen-esc-label"),
            ],
            className="screen-esc-item",
        )
        for k in ESCALATION_KEYS
    ]

    rectified = latest_rectified(wh, f, scope)
    recoveries = latest_recoveries(wh, f, scope)
    items = ticker_items(rectified.to_dict("records"), recoveries.to_dict("records"), lang)
    track = items + ticker_items(rectified.to_dict("records"), recoveries.to_dict("records"), lang)
    ticker_style = {"animationDuration": f"{max(len(items), 1) * 7}s"}

    data = {
        "kpis": tiles,
        "maps": maps,
        "side": side,
        "figures": figures,
        "n_rank": len(MAP_KPIS),
        "rectified": rectified["case_id"].tolist(),
        "recoveries": recoveries["project_id"].tolist(),
    }
    as_of_text = f"{label('data_as_of', lang)}{'：' if lang == 'zh' else ': '}{fmt_date(as_of)}"
    return (data, "", as_of_text, esc, track or label("no_data", lang), ticker_style, *rank_slides, *side_titles)


def _map_geo(geo: dict, region: str, level: str) -> dict:
    """The boundaries the map draws: a county's own outline when the region is a county (or a
    township-level unit: its county), else the whole city (or, for the province, its cities)."""
    if level != "county" or not region or region.endswith("00"):
        return geo
    county = region[:6]
    features = [ft for ft in geo["features"] if ft["properties"]["code"] == county]
    return {"type": "FeatureCollection", "features": features} if features else geo


# ---------------------------------------------------------------- the browser side (assets/screen.js)

clientside_callback(
    ClientsideFunction("screen", "clock"),
    Output("screen-clock", "children"),
    Input("screen-clock-tick", "n_intervals"),
    State("screen-words", "data"),
)

clientside_callback(
    ClientsideFunction("screen", "health"),
    Output("screen-net", "data"),
    Input("screen-health-tick", "n_intervals"),
    State("screen-net", "data"),
    State("screen-words", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction("screen", "gate"),
    Output("screen-pull", "data"),
    Input("screen-refresh-tick", "n_intervals"),
    State("screen-net", "data"),
)

clientside_callback(
    ClientsideFunction("screen", "recover"),
    Output("screen-pull", "data", allow_duplicate=True),
    Input("screen-net", "data"),
    prevent_initial_call=True,
)

clientside_callback(
    ClientsideFunction("screen", "status"),
    Output("screen-offline", "children"),
    Output("screen-offline", "className"),
    Output("screen-updated", "children"),
    Input("screen-net", "data"),
    Input("screen-pulled", "data"),
    State("screen-words", "data"),
)

clientside_callback(
    ClientsideFunction("screen", "render"),
    Output("screen-credit-graph", "figure"),
    Output("screen-stars-graph", "figure"),
    Output("screen-anim", "data"),
    Input("screen-data", "data"),
)

clientside_callback(
    ClientsideFunction("screen", "rotate"),
    Output("screen-map", "figure"),
    Output("screen-map-title", "children"),
    Output("screen-rank-title", "children"),
    *[Output(f"screen-rank-slide-{i}", "className") for i in range(len(MAP_KPIS))],
    *[Output(f"screen-side-slide-{i}", "className") for i in range(len(SIDE))],
    Input("screen-rotate-tick", "n_intervals"),
    Input("screen-data", "data"),
)


# ---------------------------------------------------------------- /screen/health


def _health_path() -> str:
    """The login layer's session route when it is installed (security/web.py `/session`: 200
    while the screen's session holds, 401 once its token is revoked, and the screen then
    reloads into the login page), else this page's own."""
    try:
        return "/session" if "session_alive" in dash.get_app().server.view_functions else HEALTH_PATH
    except Exception:
        return HEALTH_PATH


def _health():
    """A few bytes that say the server answers; no query, no warehouse."""
    from flask import jsonify

    response = jsonify(ok=True, at=time.time())
    response.headers["Cache-Control"] = "no-store"
    return response


def _register_health_route() -> None:
    try:
        server = dash.get_app().server
    except Exception:  # imported outside the app (e.g. by a test of this module's functions)
        return
    if "screen_health" not in server.view_functions:
        server.add_url_rule(HEALTH_PATH, "screen_health", _health)


_register_health_route()
