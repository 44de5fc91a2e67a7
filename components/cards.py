"""KPI cards: the value, what it is made of, its target, its change against the previous period
and the same period a year earlier, and its last twelve months as a sparkline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

import dash_bootstrap_components as dbc
from dash import html

from components.i18n import fmt_amount, fmt_value, label
from components.theme import PALETTE
from vocab.kpis import Bounds, Kpi, KpiValue, light, met

if TYPE_CHECKING:  # a type only: components never import metrics (pyproject.toml's contracts)
    from metrics.published import Comparison

Points = list[tuple[dt.date, float | None]]  # a sparkline's months: (first day, value or None)
# the comparisons a card can show: KpiValue's field and the label of its line
COMPARISONS = {"previous": "previous_period", "year_ago": "same_period_last_year"}


def kpi_card(
    v: KpiValue,
    lang: str = "zh",
    card_id: str | None = None,
    published: Comparison | None = None,
    bounds: Bounds | None = None,
    comparisons: tuple[str, ...] = ("previous",),
    spark: Points | None = None,
    unit: str | None = None,
    periods: dict[str, str] | None = None,
) -> html.Div:
    """A KPI card. `bounds`: the target and thresholds in force (metrics/targets.py), which set
    the light and the target line; `comparisons`: the lines of change shown ("previous",
    "year_ago"), each saying 无可比数据 where there is nothing to compare with; `spark`: the
    values from the period's start to each month's end (metrics.kpis.to_date); `unit`: the amount unit of the card's row (万元/亿元);
    `periods`: each comparison's period as text, shown on hover; `published`: a report's figure
    for the same view that the rows do not reproduce (metrics.published), under the value."""
    kpi = v.kpi
    parts = [
        html.Div(label(kpi.key, lang), className="kpi-title"),
        # no rows behind it (or nothing to divide by): 无数据 in grey, never a 0 or a bare dash
        html.Div(fmt_value(kpi.kind, v.value, lang, unit), className="kpi-value")
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
    if bounds is not None and bounds.target is not None:
        parts.append(_target(kpi, v.value, bounds.target, lang, unit))
    for name in comparisons:
        change = _delta(v.value, getattr(v, name))
        parts.append(_change(kpi, change, COMPARISONS[name], lang, unit, (periods or {}).get(name)))
    if spark is not None:
        parts.append(sparkline(spark, kpi, lang, unit))
    if published is not None:
        parts.append(published_note(published, lang))
    return html.Div(
        dbc.Card(dbc.CardBody(parts), className=f"kpi-card kpi-{light(kpi, v.value, bounds)}"),
        id=card_id or f"kpi-{kpi.key}",
        title=kpi.definition if lang == "zh" else kpi.en,  # the definition on hover
        className="h-100",
    )


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def difference(kind: str, change: float, lang: str, unit: str | None = None) -> str:
    """A signed difference in a KPI's unit: percentage points for a rate, a count, an amount."""
    if kind == "rate":
        return f"{change * 100:+.2f} " + ("个百分点" if lang == "zh" else "pp")
    if kind == "count":
        return f"{change:+,.0f}"
    return ("+" if change >= 0 else "−") + fmt_value("amount", abs(change), lang, unit)


def _change(kpi: Kpi, change: float | None, word: str, lang: str, unit: str | None, period: str | None) -> html.Div:
    """One line of change: `较上期 ▲ +1.20 个百分点`, green when better, red when worse; where
    there is nothing to compare with (the ledger does not cover that period, or it has no rows)
    it says so rather than showing a change of 0."""
    head = label(word, lang)
    if change is None:
        return html.Div(f"{head} {label('no_comparison', lang)}", className="kpi-change text-muted", title=period)
    if abs(change) < 1e-9:  # the same value (a float's noise is not a change)
        return html.Div(f"{head} ＝ {label('unchanged', lang)}", className="kpi-change text-muted", title=period)
    better = (change > 0) == kpi.higher_is_better
    arrow = "▲" if change > 0 else "▼"
    css = "text-success" if better else "text-danger"
    text = f"{head} {arrow} {difference(kpi.kind, change, lang, unit)}"
    return html.Div(text, className=f"kpi-change {css}", title=period)


def _target(kpi: Kpi, value: float | None, target: float, lang: str, unit: str | None) -> html.Div:
    """`目标 ≥95.00% · 已达标`, or how far from it: `目标 ≥95.00% · 差 0.30 个百分点`, `目标 ≤0 · 超出 203`."""
    sign = "≥" if kpi.higher_is_better else "≤"
    head = f"{label('target', lang)} {sign}{fmt_value(kpi.kind, target, lang, unit)}"
    reached = met(kpi, value, target)
    if reached is None:
        return html.Div(head, className="kpi-target")
    if reached:
        return html.Div(
            [head, html.Span(f" · {label('target_met', lang)}", className="text-success")], className="kpi-target"
        )
    gap = difference(kpi.kind, abs(value - target), lang, unit).lstrip("+")
    word = "target_gap" if kpi.higher_is_better else "target_over"
    return html.Div(
        [head, html.Span(f" · {label(word, lang).format(gap=gap)}", className="text-danger")],
        className="kpi-target",
    )


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 100.0, 34.0, 3.0  # the drawing's units; it is stretched to the card's width


def sparkline(points: Points, kpi: Kpi, lang: str, unit: str | None = None) -> html.Div:
    """The months as a small line without axes (a month without a value is a gap), its months and
    values in the hover title, the latest month marked. Drawn as a static SVG image (not a plotly
    graph: twenty of them on the overview cost the browser more than the rest of the cards)."""
    shown = [(d, v) for d, v in points if v is not None]
    if not shown:
        return html.Div(label("spark_empty", lang), className="kpi-spark kpi-spark-empty text-muted")
    xs, ys = [d.isoformat()[:7] for d, _ in points], [v for _, v in points]
    said = [
        f"{x} {fmt_value(kpi.kind, y, lang, unit) if y is not None else label('no_value', lang)}"
        for x, y in zip(xs, ys, strict=True)
    ]
    title = label("spark_title", lang) + ("：" if lang == "zh" else ": ") + ("，" if lang == "zh" else ", ").join(said)
    return html.Div(
        html.Img(src=spark_svg(ys), alt=title, className="kpi-spark-img"),
        className="kpi-spark",
        title=title,
    )


def spark_svg(values: list[float | None]) -> str:
    """The line of `values` (one per month, evenly spaced; None breaks it) as an SVG data URI:
    the lowest value at the bottom, the highest at the top (a flat line in the middle), the last
    value marked by a dot. The strokes keep their width however the image is stretched."""
    n = len(values)
    known = [v for v in values if v is not None]
    low, high = min(known), max(known)

    def at(i: int, v: float) -> str:
        x = SPARK_WIDTH * i / (n - 1) if n > 1 else SPARK_WIDTH / 2
        share = (v - low) / (high - low) if high > low else 0.5
        y = SPARK_HEIGHT - SPARK_PAD - share * (SPARK_HEIGHT - 2 * SPARK_PAD)
        return f"{x:.2f},{y:.2f}"

    path, pen_down = [], False
    for i, v in enumerate(values):
        if v is None:
            pen_down = False
            continue
        path.append(("L" if pen_down else "M") + at(i, v))
        pen_down = True
    last = max(i for i, v in enumerate(values) if v is not None)
    stroke = f'fill="none" stroke="{PALETTE[0]}" vector-effect="non-scaling-stroke" stroke-linecap="round"'
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SPARK_WIDTH:g} {SPARK_HEIGHT:g}" '
        'preserveAspectRatio="none">'
        f'<path class="line" d="{"".join(path)}" stroke-width="1.6" stroke-linejoin="round" {stroke}/>'
        f'<path class="last" d="M{at(last, values[last])}l0,0" stroke-width="5" {stroke}/>'
        "</svg>"
    )
    return "data:image/svg+xml;charset=utf-8," + quote(svg)


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
