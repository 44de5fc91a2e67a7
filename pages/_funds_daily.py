"""维修资金's recoveries day by day (逐日追缴到账) during a campaign month: the rows
(metrics.funds.recoveries_by_day), the figure (bars per day, the cumulative line) and the export;
pages/funds.py lays the panel out and registers it."""

from __future__ import annotations

import pandas as pd
from dash import html

from components.charts import bars, empty_figure
from components.i18n import label
from metrics import funds
from pages._funds_figures import _layout, _unit
from pages._view import View, scope, warehouse

DAY_COLUMNS = ["day", "amount", "funds_recoveries", "cumulative"]
FORMATS = {"amount": "amount", "cumulative": "amount", "funds_recoveries": "count"}


def day_rows(view: View) -> pd.DataFrame:
    """The period's days with what arrived on each (none when the period is not a month or two)."""
    frame = funds.recoveries_by_day(warehouse(), view.f, scope())
    return frame.assign(day=frame["day"].map(lambda d: f"{d:%Y-%m-%d}")).rename(
        columns={"recoveries": "funds_recoveries"}
    )


def day_figure(frame: pd.DataFrame, lang: str):
    """Bars per day and the cumulative line, in the chart's amount unit."""
    if frame.empty:
        return empty_figure(label("funds_day_hint", lang), 320)
    per, _ = _unit(lang)
    shown = frame.assign(amount=frame["amount"] / per, cumulative=frame["cumulative"] / per)
    line = {
        "type": "scatter",
        "x": shown["day"].tolist(),
        "y": shown["cumulative"].tolist(),
        "name": label("cumulative", lang),
        "mode": "lines",
        "yaxis": "y2",
    }
    axis2 = {"overlaying": "y", "side": "right", "showgrid": False, "rangemode": "tozero", "tickformat": ",.0f"}
    return bars(
        shown,
        "day",
        ["amount"],
        lang,
        height=320,
        more=[line],
        layout=_layout(lang, "y", xaxis={"type": "category"}, yaxis2=axis2),
    )


def hint(frame: pd.DataFrame, lang: str, view: View):
    """A link to the May 2025 集中攻坚 when the period is too long to show day by day."""
    if not frame.empty:
        return None
    href = view.href("/funds", **{"from": "2025-05-01", "to": "2025-05-31"})
    return html.A(label("funds_day_link", lang), href=href, id="funds-recoveries-day-link", className="small")
