"""Figure factories: data in, Plotly figure out. No queries here; no raw column names out.

Figures are plain dicts in Plotly's JSON schema (`theme.Figure`, built by `theme.make_figure`),
not go.Figure objects: validating every trace took 15–35 ms a figure and even an unvalidated
go.Figure 1–2 ms, more than the queries behind a small chart. tests/test_charts.py and
tests/test_page_figures.py put every factory's and page's figure through Plotly's validators,
so a misspelt property still fails a test.

Text from the ledgers (company, developer, project names …) is never markup: Plotly renders
a subset of HTML in tick labels, hover labels, legends and slice labels (`<a href=…>` becomes
a clickable link), so every figure's text data is escaped, in `escape_figure`
(components/theme.py), which `make_figure` applies to every figure of this module and the
wall display's and maps' builders (components/screen.py, components/maps.py) apply to theirs.
Click handlers read codes from `customdata`/`location`, which stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from components.i18n import label

# The house look lives in components/theme.py; FONT, PLOTLY_TEMPLATE and rate_tickformat are
# re-exported for older imports.
from components.theme import FONT as FONT
from components.theme import PALETTE, Figure, house_layout, make_figure, merge, nice_ticks
from components.theme import PLOTLY_TEMPLATE as PLOTLY_TEMPLATE
from components.theme import rate_tickformat as rate_tickformat
from etl.values import missing


def _values(v):
    """A column as a plain list (a figure is JSON; numpy scalars and NaN are not)."""
    if v is None:
        return None
    if isinstance(v, pd.Series):
        return [None if missing(x) else x for x in v.tolist()]
    return list(v)


def empty_figure(message: str, height: int = 360) -> Figure:
    return make_figure(
        [],
        house_layout(
            height=height,
            xaxis={"visible": False},
            yaxis={"visible": False},
            annotations=[
                {
                    "text": message,
                    "showarrow": False,
                    "font": {"size": 15, "color": "#888"},
                    "x": 0.5,
                    "y": 0.5,
                    "xref": "paper",
                    "yref": "paper",
                }
            ],
        ),
    )


def bars(
    frame: pd.DataFrame,
    x: str,
    ys: Iterable[str],
    lang: str,
    title: str | None = None,
    x_names: dict | None = None,
    customdata: str | None = None,
    barmode: str = "group",
    yformat: str | None = None,
    orientation: str = "v",
    height: int = 360,
    colors: dict[str, str] | None = None,
    layout: dict | None = None,
    trace: dict | None = None,
    more: Iterable[dict] = (),
) -> Figure:
    """One bar trace per column of `ys`, labelled from the label table; `customdata` carries a
    code (e.g. the region) so a click can filter; `colors` fixes a column's colour (an ordered
    scale: stars, grades); `trace` merged into every bar trace's properties, `more` traces drawn
    after the bars (a line on a second axis) and `layout` merged into the house layout (see `lines`)."""
    traces, extra = _bar_traces(frame, x, ys, lang, x_names, customdata, barmode, yformat, orientation, colors)
    traces = [merge(t, trace) for t in traces] if trace else traces
    return make_figure([*traces, *more], house_layout(title, height, **merge(extra, layout or {})))


def _bar_traces(frame, x, ys, lang, x_names, customdata, barmode, yformat, orientation, colors) -> tuple[list, dict]:
    """`bars`' traces and its own layout beyond the house's."""
    cats = [x_names.get(v, v) if x_names else v for v in frame[x]]
    custom = _values(frame[customdata]) if customdata else None
    traces = []
    for y in ys:
        values = _values(frame[y])
        axes = dict(x=cats, y=values) if orientation == "v" else dict(y=cats, x=values, orientation="h")
        traces.append(
            dict(
                type="bar",
                name=label(y, lang),
                customdata=custom,
                hovertemplate="%{"
                + ("x" if orientation == "v" else "y")
                + "}<br>"
                + label(y, lang)
                + "：%{"
                + ("y" if orientation == "v" else "x")
                + (":" + yformat if yformat else "")
                + "}<extra></extra>",
                **({"marker": {"color": colors[y]}} if colors and y in colors else {}),
                **axes,
            )
        )
    extra: dict = {"barmode": barmode}
    if yformat:
        extra["yaxis" if orientation == "v" else "xaxis"] = {"tickformat": yformat}
    return traces, extra


def lines(
    frame: pd.DataFrame,
    x: str,
    ys: Iterable[str],
    lang: str,
    title: str | None = None,
    yformat: str | None = None,
    height: int = 360,
    mode: str = "lines",
    dashed: Iterable[str] = (),
    layout: dict | None = None,
) -> Figure:
    """One line per column of `ys` over `x`; the columns in `dashed` drawn dashed; `layout` merged
    into the house layout (a figure's own legend, margins, axes: given here, the figure is built
    once without validating every property, where `update_layout` afterwards validates them)."""
    xs = _values(frame[x])
    dashed = set(dashed)
    traces = [
        dict(
            type="scatter",
            x=xs,
            y=_values(frame[y]),
            name=label(y, lang),
            mode=mode,
            hovertemplate="%{x}<br>"
            + label(y, lang)
            + "：%{y"
            + (":" + yformat if yformat else "")
            + "}<extra></extra>",
            **({"line": {"dash": "dash"}} if y in dashed else {}),
        )
        for y in ys
    ]
    extra = merge({"yaxis": {"tickformat": yformat}} if yformat else {}, layout or {})
    return make_figure(traces, house_layout(title, height, **extra))


def donut(
    names: list[str],
    values: list[float],
    title: str | None = None,
    height: int = 300,
    colors: list[str] | None = None,
    layout: dict | None = None,
    trace: dict | None = None,
) -> Figure:
    """Shares of a whole; `colors`, one per name, where the categories are ordered (stars, grades:
    components/theme.py), else the house palette; `trace` merged into the pie's properties and
    `layout` into the house layout (see `lines`)."""
    pie = dict(
        type="pie",
        labels=list(names),
        values=_values(values),
        hole=0.55,
        sort=False,
        textinfo="label+percent",
        hovertemplate="%{label}：%{value:,}（%{percent}）<extra></extra>",
        **({"marker": {"colors": list(colors)}} if colors else {}),
    )
    return make_figure(
        [merge(pie, trace or {})], house_layout(title, height, **merge({"showlegend": False}, layout or {}))
    )


def heatmap(
    z: list[list[float]],
    x: list[str],
    y: list[str],
    title: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    value_name: str = "",
    height: int = 360,
) -> Figure:
    """A matrix of counts (rows `y`, columns `x`) with each cell's value written in it, e.g. a
    transition matrix of grades from one year (rows) to the next (columns). Empty cells show blank."""
    texts = [["" if v in (None, 0) else f"{v:,.0f}" for v in row] for row in z]
    trace = dict(
        type="heatmap",
        z=z,
        x=list(x),
        y=list(y),
        text=texts,
        texttemplate="%{text}",
        textfont={"size": 14},
        colorscale=[[0.0, "#f3f6fa"], [1.0, "#1f5fa8"]],
        showscale=False,
        xgap=2,
        ygap=2,
        hovertemplate=(y_title or "")
        + "：%{y}<br>"
        + (x_title or "")
        + "：%{x}<br>"
        + value_name
        + "：%{z:,}<extra></extra>",
    )
    return make_figure(
        [trace],
        house_layout(
            title,
            height,
            xaxis={"title": {"text": x_title}, "type": "category"},
            yaxis={"title": {"text": y_title}, "autorange": "reversed", "type": "category", "showgrid": False},
        ),
    )


def dots(
    frame: pd.DataFrame,
    y: str,
    xs: Iterable[str],
    lang: str,
    title: str | None = None,
    customdata: str | None = None,
    xformat: str | None = None,
    x_range: list | None = None,
    height: int = 360,
    layout: dict | None = None,
) -> Figure:
    """A dot plot: one row per category of `y` (bottom to top in frame order), one marker trace per
    column of `xs`, labelled from the label table. Unlike bars, the value axis may start above zero,
    so that rates close to 100% stay apart. `customdata` carries a code so a click can drill down."""
    ys = _values(frame[y])
    custom = _values(frame[customdata]) if customdata else None
    if xformat and xformat.endswith("%"):  # the axis' decimals from the range drawn
        seen = [v for x in xs for v in frame[x] if v is not None and v == v]
        lo, hi = (x_range or [min(seen, default=0), max(seen, default=1)])[:2]
        ticks = nice_ticks(lo, hi, percent=True)  # an explicit step and its decimals
    else:
        ticks = {"tickformat": xformat}
    traces = [
        dict(
            type="scatter",
            x=_values(frame[x]),
            y=ys,
            mode="markers",
            name=label(x, lang),
            marker={"size": 11},
            customdata=custom,
            hovertemplate="%{y}<br>"
            + label(x, lang)
            + "：%{x"
            + (":" + xformat if xformat else "")
            + "}<extra></extra>",
        )
        for x in xs
    ]
    return make_figure(
        traces,
        house_layout(
            title,
            height,
            **merge(
                {
                    "hovermode": "closest",
                    "yaxis": {"type": "category", "showgrid": True, "gridcolor": "#eee", "automargin": True},
                    "xaxis": {"showgrid": True, "gridcolor": "#eee", **ticks, "range": x_range},
                },
                layout or {},
            ),
        ),
    )


def bars_with_rate(
    frame: pd.DataFrame,
    x: str,
    ys: Iterable[str],
    rate: str,
    lang: str,
    title: str | None = None,
    customdata: str | None = None,
    yformat: str | None = None,
    rate_format: str = ".2%",
    rate_tickformat: str | None = None,
    y_title: str | None = None,
    height: int = 360,
    layout: dict | None = None,
) -> Figure:
    """Grouped bars of amounts (one trace per column of `ys`) with a rate (column `rate`, 0–1) as a
    line with markers on a second axis on the right, e.g. fund collected and used with the usage rate
    (`rate_format` for the hover, `rate_tickformat` for the axis, e.g. '.0%').
    All names come from the label table; `customdata` carries a code so a click can filter; `layout`
    merged into the house layout (see `lines`)."""
    traces, extra = _bar_traces(frame, x, ys, lang, None, customdata, "group", yformat, "v", None)
    cats = traces[0]["x"] if traces else _values(frame[x])
    traces.append(
        dict(
            type="scatter",
            x=cats,
            y=_values(frame[rate]),
            name=label(rate, lang),
            mode="lines+markers",
            yaxis="y2",
            marker={"size": 8},
            line={"width": 2, "color": PALETTE[3]},
            cliponaxis=False,
            customdata=_values(frame[customdata]) if customdata else None,
            hovertemplate="%{x}<br>" + label(rate, lang) + "：%{y:" + rate_format + "}<extra></extra>",
        )
    )
    own = {
        "yaxis2": {
            "overlaying": "y",
            "side": "right",
            "tickformat": rate_tickformat or rate_format,
            "showgrid": False,
            "rangemode": "tozero",
            "tickmode": "auto",
            "title": {"text": label(rate, lang)},
        },
        "yaxis": {"title": {"text": y_title}} if y_title else {},
        "xaxis": {"type": "category"},
        "margin": {"r": 70},
    }
    return make_figure(traces, house_layout(title, height, **merge(merge(extra, own), layout or {})))


def stacked(
    categories: list[str],
    series: list[tuple[str, list]],
    title: str | None = None,
    customdata: list | None = None,
    orientation: str = "v",
    value_name: str = "",
    colors: list[str] | None = None,
    height: int = 360,
    layout: dict | None = None,
    more: Iterable[dict] = (),
) -> Figure:
    """Stacked bars from series already named for the reader: `series` is [(name, values)], one
    value per category (e.g. open cases per level, one series per bucket of working days).
    Categories keep their order; `customdata` (one code per category) lets a click filter; `more`
    traces drawn over the bars (e.g. each bar's total as text); `layout` merged into the house
    layout (see `lines`)."""
    vertical = orientation == "v"
    categories = list(categories)
    traces = []
    for i, (name, values) in enumerate(series):
        values = _values(values)
        axes = dict(x=categories, y=values) if vertical else dict(y=categories, x=values, orientation="h")
        traces.append(
            dict(
                type="bar",
                name=name,
                customdata=_values(customdata),
                marker={"color": colors[i % len(colors)]} if colors else None,
                hovertemplate="%{"
                + ("x" if vertical else "y")
                + "}<br>"
                + name
                + (f"（{value_name}）" if value_name else "")
                + "：%{"
                + ("y" if vertical else "x")
                + ":,}<extra></extra>",
                **axes,
            )
        )
    cat_axis = {"type": "category", "categoryorder": "array", "categoryarray": categories}
    # the category labels get the margin they need when a narrow screen turns them
    axis = (
        {"xaxis": {"automargin": True, **cat_axis}}
        if vertical
        else {"yaxis": {"autorange": "reversed", "automargin": True, **cat_axis}}
    )
    return make_figure(
        [*traces, *more], house_layout(title, height, **merge({"barmode": "stack", **axis}, layout or {}))
    )
