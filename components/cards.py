"""KPI cards: the value, what it is made of, and its change against the previous period."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_value, label
from metrics.kpis import KpiValue, light


def kpi_card(v: KpiValue, lang: str = "zh", card_id: str | None = None) -> dbc.Card:
    """A KPI's card; with no rows in the view (`has_data` False) it reads 无数据 in grey, with
    no light, no parts and no change — never a 0."""
    kpi = v.kpi
    if not v.has_data:
        return html.Div(
            dbc.Card(dbc.CardBody([html.Div(label(kpi.key, lang), className="kpi-title"),
                                   html.Div(label("no_data_short", lang), className="kpi-value kpi-no-data")]),
                     className="kpi-card kpi-none kpi-nodata"),
            id=card_id or f"kpi-{kpi.key}", title=kpi.definition if lang == "zh" else kpi.en, className="h-100")
    parts = [
        html.Div(label(kpi.key, lang), className="kpi-title"),
        html.Div(fmt_value(kpi.kind, v.value, lang), className="kpi-value"),
    ]
    if kpi.denominator is not None:
        num, den = fmt_value(kpi.parts, v.numerator, lang), fmt_value(kpi.parts, v.denominator, lang)
        parts.append(html.Div(f"{label(kpi.numerator, lang)} {num} / {label(kpi.denominator, lang)} {den}",
                              className="kpi-parts"))
    parts.append(_change(v, lang))
    return html.Div(
        dbc.Card(dbc.CardBody(parts), className=f"kpi-card kpi-{light(kpi, v.value)}"),
        id=card_id or f"kpi-{kpi.key}",
        title=kpi.definition if lang == "zh" else kpi.en,  # the definition on hover
        className="h-100",
    )


def _change(v: KpiValue, lang: str) -> html.Div:
    change = v.change
    if change is None:
        return html.Div("", className="kpi-change")
    kind = v.kpi.kind
    if kind == "rate":
        text = f"{change * 100:+.2f} " + ("个百分点" if lang == "zh" else "pp")
    elif kind == "count":
        text = f"{change:+,.0f}"
    else:
        text = ("+" if change >= 0 else "−") + fmt_value("amount", abs(change), lang)
    better = (change > 0) == v.kpi.higher_is_better if change else None
    arrow = "▲" if change > 0 else "▼" if change < 0 else "＝"
    css = "text-success" if better else "text-danger" if better is False else "text-muted"
    return html.Div(f"{label('previous_period', lang)} {arrow} {text}", className=f"kpi-change {css}")
