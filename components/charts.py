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
