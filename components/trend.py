"""Lines of a figure over time, one per series already named for the reader (a county each)."""

from __future__ import annotations

import math

from components.charts import _values
from components.theme import Figure, house_layout, make_figure


def named_lines(xs: list, series: list[tuple[str, list]], yformat: str | None = None, height: int = 360) -> Figure:
    """`series` is [(name, values)], one value per x (e.g. a rate per month, one line per county); the
    x values are categories as given (`2024-05`: never re-read as dates with English month names)."""
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
    axes = {"xaxis": {"type": "category", "nticks": 12}, **({"yaxis": {"tickformat": yformat}} if yformat else {})}
    # the house legend, at the figure's foot: beside the plot, a dozen county names took 60 % of a
    # phone's width. On a phone the names wrap to about four a row; the figure grows by those rows,
    # so that the plot keeps its height (on a wide screen they fit in one or two rows).
    height += 20 * max(0, math.ceil(len(series) / 4) - 1)
    return make_figure(traces, house_layout(None, height, showlegend=len(series) > 1, **axes))
