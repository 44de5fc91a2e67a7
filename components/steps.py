"""A step chart of where something sits over time: a case's level from its receipt through each
escalation (督办's trail, pages/_escalations_figures.py). Built as components/charts.py builds,
from plain dicts through `make_figure` (unvalidated, text escaped)."""

from __future__ import annotations

from components.theme import PALETTE, Figure, house_layout, make_figure


def trail(
    dates: list,
    levels: list[str],
    kinds: list[str],
    level_order: list[str],
    title: str | None = None,
    hover: list[str] | None = None,
    height: int = 320,
) -> Figure:
    """A step line of where something sits over time (a case's level: 社区 … 市级, bottom to top in
    `level_order`), with a marker at each step, one legend entry per kind of step (the action
    taken), so that steps days apart stay readable; `hover` says more about each step."""
    hover = hover or kinds
    dates, levels = list(dates), list(levels)
    traces = [
        dict(
            type="scatter",
            x=dates,
            y=levels,
            mode="lines",
            line={"shape": "hv", "width": 2, "color": "#9aa9bd"},
            hoverinfo="skip",
            showlegend=False,
        )
    ]
    symbols = [
        "circle",
        "diamond",
        "square",
        "triangle-up",
        "star",
        "x",
        "cross",
        "triangle-down",
        "hexagon",
        "pentagon",
    ]
    for i, kind in enumerate(dict.fromkeys(kinds)):
        at = [j for j, k in enumerate(kinds) if k == kind]
        traces.append(
            dict(
                type="scatter",
                x=[dates[j] for j in at],
                y=[levels[j] for j in at],
                mode="markers",
                name=kind,
                marker={
                    "size": 12,
                    "color": PALETTE[i % len(PALETTE)],
                    "symbol": symbols[i % len(symbols)],
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=[hover[j] for j in at],
                hovertemplate="%{x|%Y-%m-%d}<br>%{hovertext}<extra></extra>",
            )
        )
    return make_figure(
        traces,
        house_layout(
            title,
            height,
            margin={"t": 40 if title else 20, "b": 40},
            yaxis={
                "type": "category",
                "categoryorder": "array",
                "categoryarray": list(level_order),
                "automargin": True,
                "range": [-0.5, len(level_order) - 0.5],
            },
            xaxis={"tickformat": "%Y-%m-%d", "showgrid": True, "gridcolor": "#eee"},
        ),
    )
