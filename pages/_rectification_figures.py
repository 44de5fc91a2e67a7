"""The charts and cards of 整改进度 /rectification (pages/rectification.py), from the rows of
pages/_rectification_rows.py."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.cards import published_note
from components.charts import bars, donut, dots, empty_figure, lines
from components.i18n import fmt_count, fmt_date, fmt_rate, label
from metrics import cases, kpis, published, targets
from pages._rectification_rows import DIMENSION_TITLES, GROUP_KPI, Rows
from pages._rectification_rows import RectificationView as View
from pages._view import scope


def _group_card(view: View, row) -> html.Div:
    lang, name = view.lang, row.case_group
    kpi = kpis.BY_KEY[GROUP_KPI[name]]
    selected = " border border-2 border-primary" if view.group == name else ""
    body = [
        html.Div(label("rate_" + name, lang), className="kpi-title"),
        html.Div(fmt_rate(row.rate), className="kpi-value"),
        html.Div(
            f"{label('received_' + name, lang)} {fmt_count(row.received)} / "
            f"{label('rectified_' + name, lang)} {fmt_count(row.rectified)}",
            className="kpi-parts",
        ),
    ]
    # a report's figure for this group and view that the rows do not reproduce
    note = published.disagreement("rate_" + name, view.f, scope(), row.rate, row.rectified, row.received)
    bounds = targets.in_force(view.f).get(kpi.key)  # the thresholds in force (data/kpi_targets.csv)
    if note is not None:
        body.append(published_note(note, lang))
    return html.Div(
        dbc.Card(dbc.CardBody(body), className=f"kpi-card kpi-{kpis.light(kpi, row.rate, bounds)}{selected}"),
        id=f"rectification-card-{name}",
        className="h-100",
    )


def _county_figure(units: pd.DataFrame, lang: str):
    shown = units.dropna(subset=list(cases.COUNTY_RATES), how="all")
    if shown.empty:
        return empty_figure(label("no_data", lang))
    shown = shown.sort_values(list(cases.COUNTY_RATES), na_position="first")
    low = min(shown[list(cases.COUNTY_RATES)].min(skipna=True).min(), 1.0)
    start = max(0.0, int((low - 0.01) * 50) / 50)  # a step of 2 percentage points below the lowest rate
    return dots(
        shown,
        "unit_name",
        list(cases.COUNTY_RATES),
        lang,
        customdata="unit",
        xformat=".2%",
        x_range=[start, 1.004],
        height=140 + 30 * len(shown),
        layout={"margin": {"t": 10}},
    )


def _breakdown_figure(rows: Rows, dim: str, lang: str):
    part = rows.frame
    title = label(DIMENSION_TITLES[dim], lang)
    if part.empty:
        return empty_figure(label("no_data", lang), 280)
    if dim == "status":
        return donut(
            part["rect_value"].tolist(),
            part["received"].tolist(),
            title,
            height=280,
            trace={"textinfo": "percent", "textposition": "inside"},
            layout={
                "showlegend": True,
                "legend": {"orientation": "v", "x": 1.0, "yref": "paper", "y": 0.5, "yanchor": "middle"},
                "uniformtext": {"minsize": 10, "mode": "hide"},
                "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            },
        )
    horizontal = dim in ("category", "source")
    part = part.iloc[::-1] if horizontal else part
    return bars(
        part,
        "rect_value",
        ["received", "rectified"],
        lang,
        title=title,
        height=280,
        orientation="h" if horizontal else "v",
        layout={
            "margin": {"l": 10, "r": 10, "t": 40, "b": 40},
            "xaxis": {"automargin": True},
            "yaxis": {"automargin": True},
        },
    )


def _cumulative_figure(frame: pd.DataFrame, lang: str):
    """Received and rectified, cumulated day by day (month by month over a long period)."""
    if frame.empty:
        return empty_figure(label("no_data", lang))
    monthly = len(frame) > 1 and (frame["rect_day"].iloc[1] - frame["rect_day"].iloc[0]).days > 7
    return lines(
        frame,
        "rect_day",
        ["cumulative_received", "cumulative_rectified"],
        lang,
        yformat=",",
        mode="lines+markers" if len(frame) <= 40 else "lines",
        height=380,
        layout={
            "xaxis": {"tickformat": "%Y-%m" if monthly else "%m-%d", "hoverformat": "%Y-%m-%d"},
            "margin": {"t": 20},
            "hovermode": "x unified",
        },
    )


def _ageing_figure(rows: Rows, lang: str):
    """Open cases by working days open, within and past their deadline."""
    frame, total = rows.frame, rows.total
    if not total["open_cases"]:
        return empty_figure(label("no_data", lang))
    title = (
        f"{fmt_date(rows.at)} · {label('open_cases', lang)} {fmt_count(total['open_cases'])} · "
        f"{label('overdue_cases', lang)} {fmt_count(total['overdue_cases'])}"
    )
    frame = frame.rename(columns={"overdue_cases": "rect_past_deadline"})
    return bars(
        frame,
        "rect_age_bucket",
        ["rect_within_deadline", "rect_past_deadline"],
        lang,
        title=title,
        barmode="stack",
        height=380,
        colors={"rect_past_deadline": "#c23b3b"},
        layout={
            "xaxis": {"title": {"text": label("rect_age", lang)}, "type": "category"},
            "yaxis": {"title": {"text": label("open_cases", lang)}},
        },
    )


CASE_WIDTHS = {
    "case_id": {"minWidth": 160},
    "received_on": {"minWidth": 115},
    "category": {"minWidth": 110},
    "closed_on": {"minWidth": 115},
    "deadline": {"minWidth": 115},
    "street": {"minWidth": 110},
    "level": {"minWidth": 110},
    "description": {"minWidth": 360, "flex": 3},
}


def _grouped_columns(defs: list[dict], lang: str) -> list[dict]:
    """Per-group count columns under one header per case group (排查问题: 受理, 已整改/办结, 整改（办结）率 …)."""
    out, parents = [], {}
    child_names = {"received": "received", "rectified": "rect_resolved", "rate": "rect_rate_short"}
    for d in defs:
        kind, _, group = d["field"].partition("_")
        if group in cases.GROUPS and kind in child_names:
            if group not in parents:
                parents[group] = {"headerName": label(group, lang), "children": [], "marryChildren": True}
                out.append(parents[group])
            parents[group]["children"].append({**d, "headerName": label(child_names[kind], lang)})
        else:
            out.append(d)
    return out
