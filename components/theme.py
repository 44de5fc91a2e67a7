"""The house look of every figure: font, palette, Plotly's template, the graph config, the
house layout, number formats of axes, and the escaping of text data (components/charts.py
says why figures are built from plain dicts and why their text is escaped).

No data and no queries here: the figure factories (components/charts.py, components/maps.py,
components/screen.py) build on it.
"""

from __future__ import annotations

import html
import math

import plotly.io as pio

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


PALETTE = ["#1f5fa8", "#d9822b", "#2e9e5b", "#c23b3b", "#7a5ca8", "#3aa6b9", "#8c8c8c", "#b8a532"]

# Ordered scales: a rating's order reads from its colour. Stars: one blue, 5星 darkest (on the
# light pages) and brightest (on the dark wall); credit grades from good to bad, A green to D red.
STAR_COLORS = {5: "#0b3d91", 4: "#1f6fc5", 3: "#5a9fdb", 2: "#9cc4ea", 1: "#cfe0f3"}
STAR_COLORS_DARK = {5: "#8ff0ff", 4: "#43c6f0", 3: "#2f8fd0", 2: "#2a6aa3", 1: "#2a4a70"}
GRADE_COLORS = {"A": "#1a9850", "B": "#8cc95c", "C": "#f59e3b", "D": "#d73027"}
NO_DATA_COLOR = "#8c8c8c"  # a star or grade outside the scales above


# Plotly's default template as JSON, as a go.Figure would send it: figures written as plain
# dicts (maps, the wall display) carry it so they look as the others do.
PLOTLY_TEMPLATE = pio.templates[pio.templates.default].to_plotly_json()


GRAPH_CONFIG = {
    "displaylogo": False,
    "topojsonURL": "/assets/topo/",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def merge(base: dict, extra: dict) -> dict:
    """`base` with `extra` merged in, nested dicts merged key by key (as update_layout does)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


# A trace's data that Plotly draws as text (our own templates and titles are not data and may
# hold markup on purpose, e.g. `<br>` in a hovertemplate).
_TEXT_KEYS = ("x", "y", "text", "labels", "hovertext", "name")


def escape_text(value):
    """A value as Plotly must be given it to show it literally: `<`, `>` and `&` as entities."""
    return html.escape(value, quote=False) if isinstance(value, str) else value


def escape_figure(data: list[dict], layout: dict | None = None) -> tuple[list[dict], dict]:
    """Copies of the traces and layout with every text datum escaped (escape_text): the traces'
    _TEXT_KEYS and the axes' categoryarray/ticktext, which must match the escaped categories."""
    traces = []
    for trace in data:
        trace = dict(trace)
        for key in _TEXT_KEYS:
            value = trace.get(key)
            if isinstance(value, (list, tuple)):
                trace[key] = [
                    [escape_text(v) for v in item] if isinstance(item, list) else escape_text(item) for item in value
                ]
            elif isinstance(value, str):
                trace[key] = escape_text(value)
        traces.append(trace)
    layout = dict(layout or {})
    for key, axis in list(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            layout[key] = {
                **axis,
                **{
                    k: [escape_text(v) for v in axis[k]]
                    for k in ("categoryarray", "ticktext")
                    if isinstance(axis.get(k), (list, tuple))
                },
            }
    return traces, layout


# A figure as Dash sends it and Plotly.js draws it: {"data": [trace, …], "layout": {…}}, Plotly's
# JSON schema as plain dicts. Not a go.Figure: building one (even unvalidated) copies the template
# and wraps every trace and property in an object, 1–2 ms a figure, more than a small callback's
# query; and Dash copies it once more to send it (to_plotly_json). tests/test_page_figures.py and
# tests/test_charts.py put every figure through Plotly's validators (go.Figure(figure)).
Figure = dict


def make_figure(data: list[dict] | None = None, layout: dict | None = None) -> Figure:
    """A figure from trace and layout dicts, its text data escaped (escape_figure), with Plotly's
    default template, as a go.Figure would carry it (PLOTLY_TEMPLATE: one object shared by every
    figure, never changed)."""
    data, layout = escape_figure(data or [], layout)
    layout = _unset(layout)
    layout.setdefault("template", PLOTLY_TEMPLATE)
    return {"data": [_unset(trace) for trace in data], "layout": layout}


def _unset(properties: dict) -> dict:
    """`properties` without the ones given as None, at every depth (a property set to None is
    unset: a go.Figure leaves it out, and so the figure's JSON does not carry a null for it)."""
    out = {}
    for key, value in properties.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _unset(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            value = [_unset(v) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def house_layout(title: str | None = None, height: int = 360, **extra) -> dict:
    """The house layout (font, margins, colours, axes) with `extra` merged in."""
    layout = {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}} if title else None,
        "font": {"family": FONT, "size": 13},
        "margin": {"l": 50, "r": 20, "t": 50 if title else 20, "b": 60},
        "height": height,
        # the legend at the foot of the figure (Plotly reserves its height there), not at a fraction
        # of the plot's height below it, where a phone's upright category labels ran under it; a
        # figure that places its legend elsewhere says in which frame (`yref`)
        "legend": {"orientation": "h", "x": 0, "yref": "container", "y": 0, "yanchor": "bottom"},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "colorway": PALETTE,
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"showgrid": False, "linecolor": "#bbb"},
        "yaxis": {"gridcolor": "#eee", "zerolinecolor": "#ccc"},
    }
    return merge(layout, extra)


def rate_tickformat(lo: float, hi: float, ticks: int = 5) -> str:
    """A d3 percent format with as many decimals as ticks spaced over [lo, hi] need, so that no
    two tick labels read the same (97%, 97%, 98% on an axis from 96.5% to 98%)."""
    step = (hi - lo) * 100 / ticks
    decimals = max(0, math.ceil(-math.log10(step))) if step > 0 else 2
    return f".{min(decimals, 3)}%"


def nice_ticks(low: float, high: float, percent: bool, target: int = 5) -> dict:
    """Ticks for values from `low` to `high` (rates as 0–1 when `percent`): an explicit step of
    1, 2 or 5 × 10^k giving about `target` ticks, and a format with just the decimals that step
    needs. With the step fixed, not left to Plotly (which picks a finer one on a long axis),
    no two tick labels can read the same. Returns {tick0, dtick, tickformat}."""
    span = abs(high - low)
    if not span or span != span:
        span = abs(high) or 1.0
    raw = span / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    shown = step * 100 if percent else step
    decimals = max(0, -math.floor(math.log10(shown) + 1e-9))
    return {"tick0": 0, "dtick": step, "tickformat": f".{decimals}%" if percent else f",.{decimals}f"}
