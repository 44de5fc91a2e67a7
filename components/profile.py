"""The pieces the profiles (县区概况, 企业档案, 小区档案) share: a title with links, small
figure tiles, a register entry as a list of facts, and a county's standing on every KPI
against its city (value, rank, median, quartiles, better or worse than the median)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.i18n import fmt_value, label
from etl.values import missing
from vocab.kpis import BY_KEY


def _known(value) -> bool:
    return value is not None and value == value  # None or NaN: no value


def title(text: str, lang: str, title_id: str, links: list[tuple[str, str]] = (), sub: str | None = None):
    """The profile's name (an H3), a grey second line, and links to the pages behind it."""
    return html.Div(
        [
            html.Div(
                [
                    html.H3(text, className="profile-title mb-0 me-3", id=title_id),
                    *[
                        dcc.Link(label(key, lang), href=href, className="btn btn-sm btn-outline-primary me-2 mt-1")
                        for key, href in links
                    ],
                ],
                className="d-flex align-items-center flex-wrap",
            ),
            html.Div(sub, className="text-muted small mt-1") if sub else None,
        ],
        className="mb-3",
    )


def tiles(items: list[tuple[str, str]], lang: str, tile_id: str) -> dbc.Row:
    """Small figure tiles: (label key, the figure as text)."""
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [html.Div(label(key, lang), className="kpi-title"), html.Div(text, className="kpi-value")],
                    className="card kpi-card kpi-none card-body",
                    id=f"{tile_id}-{key}",
                ),
                xs=6,
                md=4,
                xl=2,
            )
            for key, text in items
        ],
        className="g-2 mb-3",
        id=tile_id,
    )


def facts(pairs: list[tuple[str, object]], lang: str, facts_id: str) -> html.Dl:
    """A register entry: (label key, value or component) pairs; an empty value is a dash."""

    def shown(value):
        return "—" if missing(value) or value == "" else value

    items = []
    for key, value in pairs:
        items += [
            html.Dt(label(key, lang), className="col-5 col-md-3 text-muted fw-normal"),
            html.Dd(shown(value), className="col-7 col-md-9 mb-1"),
        ]
    return html.Dl(items, className="row profile-facts mb-0", id=facts_id)


def _versus(key: str, value, median, lang: str) -> html.Span:
    """Better, worse or equal to the median, by the KPI's direction."""
    if not (_known(value) and _known(median)):
        return html.Span(label("no_value", lang), className="no-data")
    if abs(value - median) < 1e-12:
        return html.Span(label("profile_equal", lang), className="badge text-bg-secondary")
    better = (value > median) == BY_KEY[key].higher_is_better
    word, tone = ("profile_better", "success") if better else ("profile_worse", "danger")
    return html.Span(label(word, lang), className=f"badge text-bg-{tone}")


def standing_table(place: pd.DataFrame, lang: str, table_id: str) -> html.Div:
    """Every KPI: the county's value, its rank among the city's counties, the city's median and
    quartiles and whether the county is better or worse than the median (a row per KPI, the
    KPI's definition on hover)."""

    def shown(key, value):
        return fmt_value(BY_KEY[key].kind, value, lang) if _known(value) else label("no_value", lang)

    head = html.Tr(
        [
            html.Th(label(k, lang))
            for k in (
                "standing_kpi",
                "standing_value",
                "standing_rank",
                "standing_median",
                "standing_quartiles",
                "profile_vs_median",
            )
        ]
    )
    rows = [
        html.Tr(
            [
                html.Td(label(r.kpi, lang), title=BY_KEY[r.kpi].definition if lang == "zh" else BY_KEY[r.kpi].en),
                html.Td(shown(r.kpi, r.value), className="fw-semibold"),
                html.Td(f"{int(r.rank)} / {int(r.ranked)}" if _known(r.rank) else label("no_value", lang)),
                html.Td(shown(r.kpi, r.median)),
                html.Td(f"{shown(r.kpi, r.q1)} — {shown(r.kpi, r.q3)}"),
                html.Td(_versus(r.kpi, r.value, r.median, lang)),
            ],
            id=f"{table_id}-{r.kpi}",
        )
        for r in place.itertuples()
    ]
    return html.Div(
        html.Table([html.Thead(head), html.Tbody(rows)], className="table table-sm table-hover profile-standing mb-1"),
        className="table-responsive",
        id=table_id,
    )
