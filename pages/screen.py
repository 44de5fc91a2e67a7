"""大屏 /screen: the command centre's wall display — full screen, dark, 16:9, no controls.

`/screen?region=140700&rotate=15&refresh=60` (`region` a city or county code; none, as on every
page, means the whole province — the shell's filter bar drops `region=140000` from the URL;
`rotate` seconds between panels; `refresh` seconds between data pulls; `from`/`to` as on every
page, default the whole campaign; `lang=en`). The wall opens it as `/screen?token=…`: the login
layer (security/web.py) turns the token into a screen session; this page does not read it.

What runs where (assets/screen.js holds the browser side):
- the clock, the rotation of the map, rankings and side panels, the change mark of the headline
  figures and the offline mark run in the browser (clientside callbacks), so nothing goes to
  the server once a second, and all of it keeps going while the server is away;
- every `health` seconds (the refresh, at most 15) the browser fetches a health route (the login
  layer's public /healthz, else this page's /screen/health: a few bytes) with a timeout and
  keeps {ok, since} in a store; every `refresh` seconds, only while the server answers, it
  asks for data (`screen-pull`), and once more as soon as the server is back;
- the server answers a pull with everything the screen shows, or, when the published
  warehouse has not changed since the screen's last pull, with nothing but the time.

The alarm strip (预警) under the map: per kind of early warning (metrics/warnings.py) its count and
its worst item, in names, dates and figures only.

The screen never shows personal data, whatever the viewer's scope: see `screen_scope`.
"""

from __future__ import annotations

import hashlib
import time

import dash
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, html, no_update

from components.alarms import alarm_strip
from components.cards import published_texts
from components.i18n import fmt_count, fmt_date, label, lang_of
from components.maps import load_geojson, map_region
from components.screen import (
    NO_DATA,
    dark_donut,
    dark_map,
    figure_text,
    fraction_text,
    map_unit,
    ranking_rows,
    ticker_items,
)
from components.theme import GRADE_COLORS, STAR_COLORS_DARK
from etl.clock import BEIJING
from metrics import kpis, published, targets
from metrics.db import side_by_side
from metrics.escalations import escalation_counts
from metrics.facts import data_as_of
from metrics.filters import Filter, Scope
from metrics.ratings import credit_distribution, star_distribution
from metrics.scorecard import map_values
from metrics.screen import latest_recoveries, latest_rectified, ranking, unit_table, without_data
from metrics.status import last_published
from pages._campaign_panel import wall_campaign
from pages._screen_layout import ESCALATION_KEYS, HEADLINE, HEALTH_PATH, MAP_KPIS, SIDE, layout, screen_filter
from pages._view import missing_warehouse, scope, warehouse, why
from pages._warnings import groups, warnings_of

dash.register_page(__name__, path="/screen", name="大屏", order=100, label_key="screen", title="物业监管大屏")
__all__ = ["HEADLINE", "MAP_KPIS", "layout", "ranking", "screen_content", "screen_filter", "screen_scope", "unit_table"]


def screen_scope() -> Scope:
    """The viewer's regions, and never personal data: the wall is seen by anyone in the room."""
    return Scope(regions=scope().regions, personal_data=False)


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
    + [Output("screen-campaign", "children"), Output("screen-alarms", "children")]
    + [Output("screen-pulled", "data")]
)


@callback(
    *PULL_OUTPUTS,
    Input("screen-pull", "data"),
    State("screen-query", "data"),
    State("screen-version", "data"),
    prevent_initial_call=True,
)
@missing_warehouse(lambda lang: (None, None, why(lang), *([no_update] * (len(PULL_OUTPUTS) - 4)), time.time()))
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
    data, _, *rest = screen_content(screen_filter(params), lang)
    return (data, stamp, *rest, time.time())


def screen_content(f: Filter, lang: str) -> tuple:
    """The screen's data for a filter, in the order of PULL_OUTPUTS (without the pull time)."""
    wh, scope = warehouse(), screen_scope()
    as_of = data_as_of(wh, f, scope)
    # the wall's independent reads, side by side (each from the version this pull reads)
    frames, credit, stars, counts, rectified, recoveries, warned, campaign = side_by_side(
        [
            lambda: kpis.facts_for(wh, HEADLINE + MAP_KPIS, f, scope),
            lambda: credit_distribution(wh, f, scope),
            lambda: star_distribution(wh, f, scope),
            lambda: escalation_counts(wh, f, scope, with_cases=False),
            lambda: latest_rectified(wh, f, scope),
            lambda: latest_recoveries(wh, f, scope),
            lambda: warnings_of(f, scope),
            lambda: wall_campaign(wh, f, scope, as_of, lang),
        ]
    )
    values = kpis.compute(wh, HEADLINE, f, scope, with_previous=False, current=frames)
    table = unit_table(wh, MAP_KPIS, f, scope, frames)

    notes = published.notes(values, f, scope)
    bounds = targets.in_force(f)
    tiles = []
    for key in HEADLINE:
        v = values[key]
        parts = ""
        if v.kpi.denominator is not None:
            parts = fraction_text(v.kpi.parts, v.numerator, v.denominator, lang)
        # a report's figure for this view that the rows do not reproduce: said on the tile
        note, source = published_texts(notes[key], lang) if key in notes else ("", "")
        tiles.append(
            {
                "key": key,
                "light": kpis.light(v.kpi, v.value, bounds.get(key)),
                "parts": parts,
                "note": note,
                "source": source,
                **figure_text(v.kpi.kind, v.value, lang),
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

    side, side_titles, figures = [], [], {}
    if not credit.empty:
        side.append(0)
        year, total = int(credit["year"].iloc[0]), int(credit["companies"].sum())
        figures["credit"] = dark_donut(
            credit["grade"].tolist(),
            credit["companies"].tolist(),
            label("screen_total_companies", lang).format(n=fmt_count(total)),
            [GRADE_COLORS.get(g, NO_DATA) for g in credit["grade"]],
        )
        side_titles.append(label("screen_credit", lang).format(year=year))
    else:
        side_titles.append("")
    if not stars.empty:
        side.append(1)
        year, total = int(stars["year"].iloc[0]), int(stars["projects"].sum())
        names = [label(f"stars_{int(s)}", lang) for s in stars["stars"]]
        figures["stars"] = dark_donut(
            names,
            stars["projects"].tolist(),
            label("screen_total_projects", lang).format(n=fmt_count(total)),
            [STAR_COLORS_DARK.get(int(s), NO_DATA) for s in stars["stars"]],
        )
        side_titles.append(label("screen_stars", lang).format(year=year))
    else:
        side_titles.append("")
    side.append(2)
    side_titles.append(label("screen_escalations", lang))
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
        **_published(wh),
    }
    as_of_text = f"{label('data_as_of', lang)}{'：' if lang == 'zh' else ': '}{fmt_date(as_of)}"
    alarms = alarm_strip(groups(warned, lang, n=1), lang)  # counts and the worst of each kind
    return (
        data,
        "",
        as_of_text,
        esc,
        track or label("no_data", lang),
        ticker_style,
        *rank_slides,
        *side_titles,
        campaign,
        alarms,
    )


def _published(wh) -> dict:
    """When the data shown was published: epoch milliseconds for the browser's stale check, and
    the Beijing time as text."""
    at = last_published(wh)
    if at is None:
        return {"published": None, "published_text": ""}
    return {"published": int(at.replace(tzinfo=BEIJING).timestamp() * 1000), "published_text": f"{at:%Y-%m-%d %H:%M}"}


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
    ClientsideFunction("screen", "stale"),
    Output("screen-stale", "children"),
    Output("screen-stale", "className"),
    Input("screen-health-tick", "n_intervals"),
    Input("screen-data", "data"),
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
