"""The legend of the traffic lights: each KPI's thresholds and target in force, beside the scorecard."""

from __future__ import annotations

from dash import html

from components.i18n import fmt_value, label
from vocab.kpis import Bounds, Kpi


def _band(kpi: Kpi, b: Bounds, lang: str) -> tuple[str, str, str]:
    """(green, amber, red) as ranges: `≥95.00%`, `85.00%–95.00%`, `<85.00%` (reversed when lower is better)."""
    g, a = fmt_value(kpi.kind, b.green, lang), fmt_value(kpi.kind, b.amber, lang)
    if kpi.higher_is_better:
        return f"≥{g}", (f"{a}–{g}" if b.amber != b.green else "—"), f"<{a}"
    return f"≤{g}", (f"{g}–{a}" if b.amber != b.green else "—"), f">{a}"


def thresholds_legend(
    rows: list[tuple[Kpi, Bounds | None]], lang: str, file: str, error: str | None = None
) -> html.Div:
    """A small table: KPI, green, amber, red, target, in force from; `error`: the thresholds file's
    problems (the last good version is what the lights show)."""
    none = label("legend_none", lang)
    body = []
    for kpi, b in rows:
        lights = _band(kpi, b, lang) if b is not None and b.green is not None else (none, none, none)
        target = none
        if b is not None and b.target is not None:
            target = ("≥" if kpi.higher_is_better else "≤") + fmt_value(kpi.kind, b.target, lang)
        cells = [label(kpi.key, lang), *lights, target, b.valid_from if b is not None else "—"]
        lit = b is not None and b.green is not None  # a KPI without thresholds has no colours either
        classes = [
            "",
            *(("legend-green", "legend-amber", "legend-red") if lit else ("text-muted",) * 3),
            "",
            "text-muted",
        ]
        body.append(html.Tr([html.Td(c, className=k) for c, k in zip(cells, classes, strict=True)]))
    heads = ("standing_kpi", "legend_green", "legend_amber", "legend_red", "legend_target", "legend_from")
    parts = [
        html.H6(label("thresholds", lang)),
        html.Table(
            [html.Thead(html.Tr([html.Th(label(h, lang)) for h in heads])), html.Tbody(body)],
            className="table table-sm thresholds-legend mb-1",
        ),
        html.P(label("legend_source", lang).format(file=file), className="text-muted small mb-1"),
    ]
    if error:
        parts.append(html.P(label("targets_error", lang).format(message=error), className="text-danger small"))
    return html.Div(parts, id="overview-thresholds", className="thresholds")
