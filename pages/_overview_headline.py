"""The overview's head: its period (by default 1 January to 数据截至), what it is compared with,
and the headline cards — value, target, change against the previous period and the same period
a year earlier, the last twelve months — in rows of one unit each (rates, amounts, counts)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.cards import kpi_card
from components.i18n import amount_unit, label
from metrics import facts, kpis, periods, published, targets
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from pages._view import scope, warehouse

# The cards, one unit per row: rates, then amounts (in one unit, 万元 or 亿元), then counts; then the
# rates of party building, the hotline and dispute handling.
ROWS = {
    "rate": [
        "rectification_rate",
        "complaint_close_rate",
        "fund_usage_rate",
        "service_coverage",
        "committee_coverage",
        "star_high_share",
        "credit_a_share",
    ],
    "amount": ["refund_amount", "arrears_listed", "arrears_recovered", "arrears_outstanding"],
    "count": ["overdue_cases", "refund_households"],
    # 党建引领, the 12345 hotline's 三率 and 矛盾不上交 (issue 21): rates the reports lead with
    "people": [
        "red_committee_coverage",
        "committee_party_share",
        "company_party_coverage",
        "hotline_response_rate",
        "hotline_resolution_rate",
        "hotline_satisfaction_rate",
        "settled_below_county_rate",
    ],
}
CARD_KPIS = [k for keys in ROWS.values() for k in keys]
DEFAULT = "default"  # the query's `period` when the page chose the period, not the URL


# the period the overview opens on (a preset of metrics/periods.py); pages/overview.py registers it
# as its `default_period`, so the filter bar shows the same
DEFAULT_PERIOD = "year"


def with_default_period(params: dict) -> dict:
    """The page's query: the URL's parameters, with the default period (DEFAULT_PERIOD, the filter
    bar's 本年: 1 January of the data's last year to 数据截至, for the viewer's region) when the URL
    gives no date — marked `period=default`. A date in the URL overrides it; without a warehouse,
    or without a dated row, there is no default."""
    if params.get("from") or params.get("to"):
        return params
    try:
        as_of = facts.data_as_of(warehouse(), Filter.from_query(params.get("region")), scope())
    except WarehouseMissing:
        return params
    if as_of is None:
        return params
    f = Filter(None, *periods.preset_range(DEFAULT_PERIOD, as_of))
    return {**params, "from": f.start.isoformat(), "to": f.end.isoformat(), "period": DEFAULT}


def span(f: Filter | None, lang: str) -> str:
    if f is None:
        return "—"
    return label("period_span", lang).format(start=f.start.isoformat(), end=f.end.isoformat())


def period_line(params: dict, f: Filter, lang: str) -> html.Div:
    """统计期间 … (默认 …) and the two periods it is compared with."""
    if not (f.start and f.end):
        return html.Div(label("overview_period_all", lang), id="overview-period", className="overview-period")
    head = label("overview_period", lang).format(start=f.start.isoformat(), end=f.end.isoformat())
    if params.get("period") == DEFAULT:
        head += label("overview_period_default", lang)
    compare = label("overview_compare", lang).format(
        previous=span(f.previous(), lang), year_ago=span(f.year_ago(), lang)
    )
    return html.Div(
        [html.Span(head, className="fw-semibold"), html.Span(compare, className="text-muted ms-3 small")],
        id="overview-period",
        className="overview-period",
    )


def headline_rows(f: Filter, lang: str) -> list:
    """The card rows for a view, every figure from the catalogue (metrics.kpis), the sparklines
    too: drawn with the cards, from the same published version."""
    wh, viewer = warehouse(), scope()
    values, months = kpis.headline(wh, CARD_KPIS, f, viewer)
    notes = published.notes(values, f, viewer)
    bounds = targets.in_force(f)
    periods = {"previous": span(f.previous(), lang), "year_ago": span(f.year_ago(), lang)}
    out = []
    for kind, keys in ROWS.items():
        unit = amount_unit([values[k].value for k in keys]) if kind == "amount" else None
        cards = [
            dbc.Col(
                kpi_card(
                    values[k],
                    lang,
                    published=notes.get(k),
                    bounds=bounds.get(k),
                    comparisons=("previous", "year_ago"),
                    spark=months[k],
                    unit=unit,
                    periods=periods,
                ),
                xs=6,
                md=4,
                className="kpi-col",
            )
            for k in keys
        ]
        heading = label(f"kpi_row_{kind}", lang).format(unit=unit if lang == "zh" else "M yuan")
        out.append(
            html.Div(
                [html.Div(heading, className="kpi-row-unit"), dbc.Row(cards, className="g-2")],
                id=f"overview-row-{kind}",
                className="kpi-row mb-2",
            )
        )
    return out
