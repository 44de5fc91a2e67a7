"""The briefing's charts: Plotly figures as plain dicts in the house look (components/theme.py),
drawn to PNG on the server by kaleido driving Debian's Chromium (CHART_BROWSER), offline: the
page kaleido loads takes plotly.js from the installed plotly package and no MathJax, so nothing
is fetched. All charts of a briefing are drawn in one browser session."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd

import settings
from briefing.model import BriefingError, Chart
from components.theme import FONT, PALETTE

WIDTH_PX = 900  # drawn at this width (and scale 2), placed 160 mm wide


def _layout(title: str, height: int, **more) -> dict:
    return {
        "title": {"text": title, "font": {"size": 16}},
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "height": height,
        "width": WIDTH_PX,
        "margin": {"l": 110, "r": 30, "t": 50, "b": 40},
        "showlegend": False,
        **more,
    }


def ranking_chart(ranked: pd.DataFrame) -> Chart:
    """The ranked units' rectification rates, best at the top."""
    rows = ranked.iloc[::-1]
    values = [float(v) * 100 for v in rows["rectification_rate"]]
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": list(rows["unit_name"]),
        "marker": {"color": PALETTE[0]},
        "text": [f"{v:.2f}%" for v in values],
        "textposition": "outside",
        "cliponaxis": False,
    }
    low = max(0.0, min(values, default=0) - 10)
    layout = _layout(
        "各县（市、区）问题整改率（%）",
        max(260, 26 * len(values) + 90),
        xaxis={"range": [low, 104], "gridcolor": "#e5e5e5", "ticksuffix": "%"},
        yaxis={"automargin": True},
    )
    return Chart("图1　各县（市、区）问题整改率", {"data": [trace], "layout": layout})


def standing_chart(table: pd.DataFrame, place: str) -> Chart:
    """A county's rates beside the city's median (no other county's value or name)."""
    from metrics.kpis import BY_KEY

    rows = table[[BY_KEY[k].kind == "rate" for k in table["kpi"]]]
    names = [BY_KEY[k].zh for k in rows["kpi"]]
    traces = [
        {
            "type": "bar",
            "name": name,
            "x": names,
            "y": [None if v != v or v is None else v * 100 for v in rows[col]],
            "marker": {"color": color},
        }
        for name, col, color in ((place, "value", PALETTE[0]), ("全市中位数", "median", PALETTE[6]))
    ]
    layout = _layout(
        f"{place}与全市中位数（%）",
        340,
        barmode="group",
        showlegend=True,
        yaxis={"ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.25},
    )
    layout["margin"]["l"] = 60
    layout["margin"]["b"] = 90
    return Chart(f"图1　{place}主要比率与全市中位数", {"data": traces, "layout": layout})


def campaign_chart(months: list[tuple[dt.date, float]]) -> Chart:
    """Recovery per month of the campaign (万元)."""
    trace = {
        "type": "bar",
        "x": [f"{m.year}-{m.month:02d}" for m, _ in months],
        "y": [round(v / 1e4, 2) for _, v in months],
        "marker": {"color": PALETTE[2]},
    }
    layout = _layout("专项整治以来逐月追缴到账（万元）", 320, xaxis={"type": "category", "tickangle": -45})
    layout["margin"]["l"] = 70
    layout["margin"]["b"] = 70
    return Chart("图2　专项整治以来逐月追缴到账", {"data": [trace], "layout": layout}, height_mm=60)


def browser() -> str:
    path = Path(str(settings.get("CHART_BROWSER")))
    if not path.is_file():
        raise BriefingError(
            f"绘制简报图表需要 Chromium，但 {path} 不存在：请安装 Debian 软件包 chromium，或用 CHART_BROWSER 指定其路径"
        )
    return str(path)


def draw(charts: list[Chart]) -> list[Chart]:
    """Each chart with its PNG, all drawn in one Chromium session."""
    if not charts:
        return []
    import kaleido

    async def run() -> list[bytes]:
        async with kaleido.Kaleido(path=browser(), mathjax=False, n=1) as k:
            return [await k.calc_fig(c.figure, opts={"format": "png", "width": WIDTH_PX, "scale": 2}) for c in charts]

    try:
        images = asyncio.run(run())
    except BriefingError:
        raise
    except Exception as exc:  # the browser failed to start or to draw: say so, in Chinese
        raise BriefingError(
            f"简报图表绘制失败（{type(exc).__name__}: {exc}），请检查 Chromium（CHART_BROWSER）"
        ) from exc
    return [replace(c, png=png) for c, png in zip(charts, images, strict=True)]
