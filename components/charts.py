"""Figure factories: data in, Plotly figure out. No queries here; no raw column names out."""

from __future__ import annotations

from typing import Iterable, Optional

import pandas as pd
import plotly.graph_objects as go

from components.i18n import label

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
PALETTE = ["#1f5fa8", "#d9822b", "#2e9e5b", "#c23b3b", "#7a5ca8", "#3aa6b9", "#8c8c8c", "#b8a532"]
GRAPH_CONFIG = {"displaylogo": False, "topojsonURL": "/assets/topo/",
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def base_layout(fig: go.Figure, title: Optional[str] = None, height: int = 360) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15}} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 60},
        height=height,
        legend={"orientation": "h", "y": -0.18, "x": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
        colorway=PALETTE,
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False, linecolor="#bbb")
    fig.update_yaxes(gridcolor="#eee", zerolinecolor="#ccc")
    return fig


def empty_figure(message: str, height: int = 360) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font={"size": 15, "color": "#888"}, x=0.5, y=0.5,
                       xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=height)


def bars(
    frame: pd.DataFrame,
    x: str,
    ys: Iterable[str],
    lang: str,
    title: Optional[str] = None,
    x_names: Optional[dict] = None,
    customdata: Optional[str] = None,
    barmode: str = "group",
    yformat: Optional[str] = None,
    orientation: str = "v",
    height: int = 360,
) -> go.Figure:
    """One bar trace per column of `ys`, labelled from the label table; `customdata` carries a
    code (e.g. the region) so a click can filter."""
    fig = go.Figure()
    cats = [x_names.get(v, v) if x_names else v for v in frame[x]]
    for y in ys:
        kw = dict(x=cats, y=frame[y]) if orientation == "v" else dict(y=cats, x=frame[y], orientation="h")
        fig.add_trace(go.Bar(name=label(y, lang), customdata=frame[customdata] if customdata else None,
                             hovertemplate="%{" + ("x" if orientation == "v" else "y") + "}<br>" + label(y, lang)
                             + "：%{" + ("y" if orientation == "v" else "x") + (":" + yformat if yformat else "")
                             + "}<extra></extra>", **kw))
    fig.update_layout(barmode=barmode)
    if yformat:
        (fig.update_yaxes if orientation == "v" else fig.update_xaxes)(tickformat=yformat)
    return base_layout(fig, title, height)


def lines(frame: pd.DataFrame, x: str, ys: Iterable[str], lang: str, title: Optional[str] = None,
          yformat: Optional[str] = None, height: int = 360, mode: str = "lines") -> go.Figure:
    fig = go.Figure()
    for y in ys:
        fig.add_trace(go.Scatter(x=frame[x], y=frame[y], name=label(y, lang), mode=mode,
                                 hovertemplate="%{x}<br>" + label(y, lang) + "：%{y"
                                 + (":" + yformat if yformat else "") + "}<extra></extra>"))
    if yformat:
        fig.update_yaxes(tickformat=yformat)
    return base_layout(fig, title, height)


def donut(names: list[str], values: list[float], title: Optional[str] = None, height: int = 300) -> go.Figure:
    fig = go.Figure(go.Pie(labels=names, values=values, hole=0.55, sort=False, textinfo="label+percent",
                           hovertemplate="%{label}：%{value:,}（%{percent}）<extra></extra>"))
    fig.update_layout(showlegend=False)
    return base_layout(fig, title, height)


def heatmap(z: list[list[float]], x: list[str], y: list[str], title: Optional[str] = None,
            x_title: Optional[str] = None, y_title: Optional[str] = None, value_name: str = "",
            height: int = 360) -> go.Figure:
    """A matrix of counts (rows `y`, columns `x`) with each cell's value written in it, e.g. a
    transition matrix of grades from one year (rows) to the next (columns). Empty cells show blank."""
    texts = [["" if v in (None, 0) else f"{v:,.0f}" for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=x, y=y, text=texts, texttemplate="%{text}", textfont={"size": 14},
        colorscale=[[0.0, "#f3f6fa"], [1.0, "#1f5fa8"]], showscale=False, xgap=2, ygap=2,
        hovertemplate=(y_title or "") + "：%{y}<br>" + (x_title or "") + "：%{x}<br>" + value_name
        + "：%{z:,}<extra></extra>"))
    fig.update_xaxes(title_text=x_title, type="category")
    fig.update_yaxes(title_text=y_title, autorange="reversed", type="category", showgrid=False)
    return base_layout(fig, title, height)


def dots(frame: pd.DataFrame, y: str, xs: Iterable[str], lang: str, title: Optional[str] = None,
         customdata: Optional[str] = None, xformat: Optional[str] = None, x_range: Optional[list] = None,
         height: int = 360) -> go.Figure:
    """A dot plot: one row per category of `y` (bottom to top in frame order), one marker trace per
    column of `xs`, labelled from the label table. Unlike bars, the value axis may start above zero,
    so that rates close to 100% stay apart. `customdata` carries a code so a click can drill down."""
    fig = go.Figure()
    for x in xs:
        fig.add_trace(go.Scatter(x=frame[x], y=frame[y], mode="markers", name=label(x, lang), marker={"size": 11},
                                 customdata=frame[customdata] if customdata else None,
                                 hovertemplate="%{y}<br>" + label(x, lang) + "：%{x"
                                 + (":" + xformat if xformat else "") + "}<extra></extra>"))
    base_layout(fig, title, height)
    fig.update_yaxes(type="category", showgrid=True, gridcolor="#eee", automargin=True)
    fig.update_xaxes(showgrid=True, gridcolor="#eee", tickformat=xformat, range=x_range)
    fig.update_layout(hovermode="closest")
    return fig


def bars_with_rate(frame: pd.DataFrame, x: str, ys: Iterable[str], rate: str, lang: str, title: Optional[str] = None,
                   customdata: Optional[str] = None, yformat: Optional[str] = None, rate_format: str = ".2%",
                   rate_tickformat: Optional[str] = None, y_title: Optional[str] = None,
                   height: int = 360) -> go.Figure:
    """Grouped bars of amounts (one trace per column of `ys`) with a rate (column `rate`, 0–1) as a
    line with markers on a second axis on the right, e.g. fund collected and used with the usage rate
    (`rate_format` for the hover, `rate_tickformat` for the axis, e.g. '.0%').
    All names come from the label table; `customdata` carries a code so a click can filter."""
    fig = bars(frame, x, ys, lang, title=title, customdata=customdata, yformat=yformat, height=height)
    cats = list(fig.data[0].x) if fig.data else list(frame[x])
    fig.add_trace(go.Scatter(x=cats, y=frame[rate], name=label(rate, lang), mode="lines+markers", yaxis="y2",
                             marker={"size": 8}, line={"width": 2, "color": PALETTE[3]}, cliponaxis=False,
                             customdata=frame[customdata] if customdata else None,
                             hovertemplate="%{x}<br>" + label(rate, lang) + "：%{y:" + rate_format + "}<extra></extra>"))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "tickformat": rate_tickformat or rate_format,
                              "showgrid": False, "rangemode": "tozero", "tickmode": "auto",
                              "title": {"text": label(rate, lang)}},
                      yaxis={"title": {"text": y_title}} if y_title else {}, xaxis={"type": "category"},
                      margin={"r": 70})
    return fig


def stacked(categories: list[str], series: list[tuple[str, list]], title: Optional[str] = None,
            customdata: Optional[list] = None, orientation: str = "v", value_name: str = "",
            colors: Optional[list[str]] = None, height: int = 360) -> go.Figure:
    """Stacked bars from series already named for the reader: `series` is [(name, values)], one
    value per category (e.g. open cases per level, one series per bucket of working days).
    Categories keep their order; `customdata` (one code per category) lets a click filter."""
    fig = go.Figure()
    vertical = orientation == "v"
    for i, (name, values) in enumerate(series):
        axes = dict(x=categories, y=values) if vertical else dict(y=categories, x=values, orientation="h")
        fig.add_trace(go.Bar(name=name, customdata=customdata,
                             marker={"color": colors[i % len(colors)]} if colors else None,
                             hovertemplate="%{" + ("x" if vertical else "y") + "}<br>" + name
                             + (f"（{value_name}）" if value_name else "") + "：%{"
                             + ("y" if vertical else "x") + ":,}<extra></extra>", **axes))
    fig.update_layout(barmode="stack")
    base_layout(fig, title, height)
    cat_axis = {"type": "category", "categoryorder": "array", "categoryarray": categories}
    if vertical:
        fig.update_xaxes(**cat_axis)
    else:
        fig.update_yaxes(autorange="reversed", automargin=True, **cat_axis)
    return fig


def trail(dates: list, levels: list[str], kinds: list[str], level_order: list[str], title: Optional[str] = None,
          hover: Optional[list[str]] = None, height: int = 320) -> go.Figure:
    """A step line of where something sits over time (a case's level: 社区 … 市级, bottom to top in
    `level_order`), with a marker at each step, one legend entry per kind of step (the action
    taken), so that steps days apart stay readable; `hover` says more about each step."""
    hover = hover or kinds
    fig = go.Figure(go.Scatter(x=dates, y=levels, mode="lines", line={"shape": "hv", "width": 2, "color": "#9aa9bd"},
                               hoverinfo="skip", showlegend=False))
    symbols = ["circle", "diamond", "square", "triangle-up", "star", "x", "cross", "triangle-down", "hexagon", "pentagon"]
    for i, kind in enumerate(dict.fromkeys(kinds)):
        at = [j for j, k in enumerate(kinds) if k == kind]
        fig.add_trace(go.Scatter(
            x=[dates[j] for j in at], y=[levels[j] for j in at], mode="markers", name=kind,
            marker={"size": 12, "color": PALETTE[i % len(PALETTE)], "symbol": symbols[i % len(symbols)],
                    "line": {"width": 1, "color": "white"}},
            hovertext=[hover[j] for j in at], hovertemplate="%{x|%Y-%m-%d}<br>%{hovertext}<extra></extra>"))
    base_layout(fig, title, height)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=level_order, automargin=True,
                     range=[-0.5, len(level_order) - 0.5])
    fig.update_xaxes(tickformat="%Y-%m-%d", showgrid=True, gridcolor="#eee")
    fig.update_layout(margin={"t": 40 if title else 20, "b": 40}, legend={"y": -0.25})
    return fig
