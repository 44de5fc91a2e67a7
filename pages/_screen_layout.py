"""The layout of 大屏 /screen (pages/screen.py): the wall's tiles, map, rankings, side panels
and ticker, empty until the first pull fills them; the browser side is assets/screen.js."""

from __future__ import annotations

import dash
from dash import dcc, html

import settings
from components.i18n import fmt_date, label, lang_of
from components.theme import GRAPH_CONFIG
from metrics.filters import PROVINCE, Filter
from metrics.regions import region_names
from pages._view import missing_warehouse, warehouse

HEADLINE = [
    "rectification_rate",
    "complaint_close_rate",
    "overdue_cases",
    "arrears_recovery_rate",
    "arrears_outstanding",
    "refund_amount",
]


# The map and the ranking beside it rotate through these (those with no value in the region are skipped).
MAP_KPIS = [
    "rectification_rate",
    "overdue_cases",
    "arrears_outstanding",
    "star_high_share",
    "credit_a_share",
    "settled_below_county_rate",  # 矛盾不上交 (孝义's three levels, issue 21)
    "hotline_satisfaction_rate",  # the 12345 hotline's 满意率
]


SIDE = ("credit", "stars", "escalations")


ESCALATION_KEYS = ("interview", "reminder", "supervision", "accountability", "referral")


HEALTH_PATH = "/screen/health"


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
        "stale": label("screen_stale", lang),
        "stale_after": int(settings.get("STALE_AFTER_HOURS") * 3_600_000),
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
                    # 专项行动: the campaign's countdown (pages/_campaign_panel.py wall_campaign)
                    html.Div(id="screen-campaign", className="screen-campaign"),
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
            html.Div(id="screen-stale", className="screen-stale", role="alert"),
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
            html.Section(
                [
                    html.Div(label("screen_alarms", lang), className="screen-ticker-label screen-alarms-label"),
                    html.Div(id="screen-alarms", className="screen-alarms-body"),
                ],
                className="screen-alarms",
                id="screen-alarms-strip",
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
    return _region_names().get(code, code)


@missing_warehouse({})
def _region_names() -> dict:
    return region_names(warehouse())


def _period_text(f: Filter, lang: str) -> str:
    if not (f.start or f.end):
        return label("screen_period_all", lang)
    return label("screen_period", lang).format(
        start=fmt_date(f.start) if f.start else "…", end=fmt_date(f.end) if f.end else "…"
    )


def _health_path() -> str:
    """The login layer's session route when it is installed (security/web.py `/session`: 200
    while the screen's session holds, 401 once its token is revoked, and the screen then
    reloads into the login page), else this page's own."""
    try:
        return "/session" if "session_alive" in dash.get_app().server.view_functions else HEALTH_PATH
    except Exception:
        return HEALTH_PATH
