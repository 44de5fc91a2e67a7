"""KPI cards: the value, what it is made of, and its change against the previous period."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_amount, fmt_value, label
from vocab.kpis import KpiValue, light

if TYPE_CHECKING:  # a type only: components never import metrics (pyproject.toml's contracts)
    from metrics.published import Comparison


def kpi_card(
    v: KpiValue, lang: str = "zh", card_id: str | None = None, published: Comparison | None = None
) -> dbc.Card:
    """A KPI card; `published`: a report's figure for the same view that the rows do not
    reproduce (metrics.published), shown under the value with its source."""
    kpi = v.kpi
    parts = [
        html.Div(label(kpi.key, lang), className="kpi-title"),
        # no rows behind it (or nothing to divide by): 无数据 in grey, never a 0 or a bare dash
        html.Div(fmt_value(kpi.kind, v.value, lang), className="kpi-value")
        if v.value is not None
        else html.Div(label("no_value", lang), className="kpi-value no-data"),
    ]
    if kpi.denominator is not None:
        num, den = fmt_value(kpi.parts, v.numerator, lang), fmt_value(kpi.parts, v.denominator, lang)
        parts.append(
            html.Div(
                f"{label(kpi.numerator, lang)} {num} / {label(kpi.denominator, lang)} {den}", className="kpi-parts"
            )
        )
    parts.append(_change(v, lang))
    if published is not None:
        parts.append(published_note(published, lang))
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


# ---------------------------------------------------------------- published versus computed


def _figure_text(value: Decimal, unit: str, thing: str, multiplier: Decimal, lang: str) -> str:
    """A figure in a report's unit: as written in Chinese (97.38%, 6.77万人); in English spelt out
    (67,700 people, 107.00 M yuan)."""
    if lang == "zh" or thing == "%":
        return f"{value}{unit}"
    number = float(value * multiplier)
    if thing == "元":
        return fmt_amount(number, "en")
    words = label(f"published_thing.{thing}", "en") if f"published_thing.{thing}" in _THINGS else thing
    return f"{number:,.0f} {words}".strip()


_THINGS = {"published_thing.人", "published_thing.户", "published_thing.件", "published_thing.个"}


def published_texts(c: Comparison, lang: str = "zh") -> tuple[str, str]:
    """(note, source) of a published figure beside the computed one:
    `通报口径 97.38%，按台账计算 97.09%` and `来源：《…》，数据截至 2025-05`."""
    p = c.published
    published = _figure_text(p.value, p.unit, p.thing, p.multiplier, lang)
    if c.same_thing and c.computed_in_unit is not None:
        computed = _figure_text(c.computed_in_unit, p.unit, p.thing, p.multiplier, lang)
    elif c.computed is None:
        computed = "—"
    elif c.computed_thing == "%":
        computed = fmt_value("rate", c.computed, lang)
    elif c.computed_thing == "元":
        computed = fmt_value("amount", c.computed, lang)
    else:  # a count of something else than the report counts: say what it counts
        thing = (
            label(f"published_thing.{c.computed_thing}", lang)
            if f"published_thing.{c.computed_thing}" in _THINGS
            else c.computed_thing
        )
        computed = f"{fmt_value('count', c.computed, lang)} {thing}".strip()
    note = label("published_note", lang).format(published=published, computed=computed)
    bits = [label("published_source", lang).format(source=p.source)]
    if p.as_of:
        bits.append(label("published_as_of", lang).format(as_of=p.as_of))
    if p.published_on:
        bits.append(label("published_on", lang).format(date=p.published_on.isoformat()))
    return note, ("，" if lang == "zh" else ", ").join(bits)


def published_note(c: Comparison, lang: str = "zh") -> html.Div:
    note, source = published_texts(c, lang)
    return html.Div(
        [html.Div(note, className="kpi-published-note"), html.Div(source, className="kpi-published-source")],
        className="kpi-published",
        title=source,
    )
