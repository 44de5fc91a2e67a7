"""Lines of a figure over time, one per series already named for the reader (a county each)."""

from __future__ import annotations

import plotly.graph_objects as go

from components.charts import _values
from components.theme import house_layout, make_figure


def named_lines(xs: list, series: list[tuple[str, list]], yformat: str | None = None, height: int = 360) -> go.Figure:
    """`series` is [(name, values)], one value per x (e.g. a rate per month, one line per county)."""
    xs = _values(xs)
    fmt = ":" + yformat if yformat else ""
    traces = [
        dict(
            type="scatter",
            x=xs,
            y=_values(values),
            name=name,
            mode="lines",
            hovertemplate="%{x}<br>" + name + "：%{y" + fmt + "}<extra></extra>",
        )
        for name, values in series
    ]
    return make_figure(traces, house_layout(None, height, **({"yaxis": {"tickformat": yformat}} if yformat else {})))
