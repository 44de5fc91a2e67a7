"""The charts and grids of 督办 /escalations (pages/escalations.py): the ladder of open cases,
handling level by level, actions by month, referrals by organ and outcome, one case's trail;
the lists' grids."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from dash import html

from components.charts import bars, empty_figure, stacked
from components.i18n import fmt_count, label
from components.panel import Size, Table, table
from components.steps import trail
from components.theme import PALETTE
from metrics import escalations as esc
from pages._escalations_rows import FORMATS, LEVEL_CHOICES, WIDTHS, Rows

BUCKET_COLORS = ["#9ecae1", "#4292c6", "#d9a02b", "#e6550d", "#a50f15", "#8c8c8c"]


OUTCOME_COLORS = {"立案": PALETTE[0], "问责": PALETTE[3], esc.PENDING: "#bbbbbb"}


def _actions_figure(months: pd.DataFrame, lang: str):
    if months.empty:
        return empty_figure(label("no_data", lang))
    wide = months.pivot_table(index="month", columns="action", values="events", aggfunc="sum", fill_value=0)
    kinds = [a for a in esc.ESCALATIONS if a in wide.columns]
    categories = [d.strftime("%Y-%m") for d in pd.to_datetime(wide.index)]
    return stacked(
        categories,
        [(label(f"action.{a}", lang), wide[a].tolist()) for a in kinds],
        value_name=label("esc_events", lang),
        colors=PALETTE,
        height=340,
        layout={"margin": {"t": 20}, "legend": {"y": -0.25}, "showlegend": True, "yaxis": {"tickformat": ",d"}},
    )


def _bucket_name(i: int, lang: str) -> str:
    if i < 0:
        return label("esc_days_unknown", lang)
    lo, hi = esc.AGE_BUCKETS[i]
    if hi is None:
        return label("esc_days_over", lang).format(lo=lo - 1)
    if lo == 0:
        return label("esc_days_within", lang).format(hi=hi)
    return label("esc_days_range", lang).format(lo=lo, hi=hi)


def _ladder_figure(ladder: pd.DataFrame, lang: str):
    if ladder.empty:
        return empty_figure(label("no_data", lang))
    wide = ladder.pivot_table(index="level", columns="bucket", values="open_cases", aggfunc="sum", fill_value=0)
    levels = [lv for lv in LEVEL_CHOICES if lv in wide.index]
    wide = wide.loc[levels]
    buckets = sorted(wide.columns, key=lambda b: (b < 0, b))
    overdue = ladder.groupby("level")["overdue_cases"].sum()
    names = [label(f"level.{lv}", lang) for lv in levels]
    series = [(_bucket_name(b, lang), wide[b].tolist()) for b in buckets]
    colors = [BUCKET_COLORS[b] if b >= 0 else BUCKET_COLORS[-1] for b in buckets]
    totals = wide.sum(axis=1)
    texts = {
        "type": "scatter",
        "x": names,
        "y": totals.tolist(),
        "mode": "text",
        "showlegend": False,
        "hoverinfo": "skip",
        # two short lines: on one (“152（超期未办结 152）”) neighbouring bars' labels ran into
        # each other on a phone (390 px: four bars of about 70 px); the line break is the
        # template's (a trace's text is escaped: components/theme.py escape_figure)
        "customdata": [int(overdue.get(lv, 0)) for lv in levels],
        "texttemplate": label("ladder_bar_text", lang).format(total="%{y:,}", overdue="%{customdata:,}"),
        "textposition": "top center",
        "cliponaxis": False,
    }
    axis = {"title": {"text": label("open_cases", lang)}, "tickformat": ",d"}
    if totals.max() < 8:
        axis["dtick"] = 1
    return stacked(
        names,
        series,
        customdata=levels,
        value_name=label("open_cases", lang),
        colors=colors,
        height=360,
        more=[texts],
        layout={"margin": {"t": 44}, "showlegend": True, "yaxis": axis},
    )


def _level_name(row, lang: str) -> str:
    """A level as the reader knows it: the one body that handles it when only one does."""
    if isinstance(row.organ, str) and row.organ:
        return row.organ if row.level in ("县级", "市级") else label(f"level.{row.level}", lang)
    return label(f"level.{row.level}", lang)


def _flow_path(flow: pd.DataFrame, lang: str):
    if flow.empty:
        return None
    steps = [_level_name(r, lang) for r in flow.itertuples()]
    return [
        html.Span(label("esc_flow_path", lang) + ("：" if lang == "zh" else ": "), className="text-muted"),
        html.Span(" → ".join(steps), id="escalations-flow-levels"),
    ]


def _flow_figure(flow: pd.DataFrame, lang: str):
    if flow.empty:
        return empty_figure(label("no_data", lang), 330)
    names = {lv: label(f"level.{lv}", lang) for lv in flow["level"]}
    return bars(
        flow,
        "level",
        ["moved_in", "resolved_here"],
        lang,
        x_names=names,
        height=330,
        layout={"margin": {"t": 20}, "xaxis": {"type": "category"}, "yaxis": {"tickformat": ",d"}},
    )


def _referral_figure(summary: pd.DataFrame, lang: str):
    if summary.empty:
        return empty_figure(label("no_data", lang), 220)
    wide = summary.pivot_table(index="organ", columns="outcome", values="referrals", aggfunc="sum", fill_value=0)
    organs = list(wide.index)
    outcomes = [o for o in (*esc.OUTCOMES, esc.PENDING) if o in wide.columns]
    axis = {"tickformat": ",d", **({"dtick": 1} if wide.values.max() < 8 else {})}
    return stacked(
        organs,
        [(label(f"outcome.{o}", lang), wide[o].tolist()) for o in outcomes],
        orientation="h",
        value_name=label("referrals", lang),
        colors=[OUTCOME_COLORS[o] for o in outcomes],
        height=140 + 34 * len(organs),
        layout={"margin": {"t": 10, "l": 10}, "xaxis": axis},
    )


def _trail_figure(case, events: pd.DataFrame, lang: str):
    """The level the case sat at from receipt through each step (and its closing)."""
    sep = "：" if lang == "zh" else ": "
    after = [lv if isinstance(lv, str) else None for lv in events["level_after"]]
    first = after[0] if after and after[0] else case["level"] if isinstance(case["level"], str) else esc.NOT_FILLED
    levels = [first, *[lv or first for lv in after]]
    dates = [case["received_on"], *events["happened_on"]]
    kinds = [label("esc_received_step", lang), *[label(f"action.{a}", lang) for a in events["action"]]]
    hover = [
        kinds[0],
        *[f"{k}{sep}{o}" if isinstance(o, str) else k for k, o in zip(kinds[1:], events["organ"], strict=True)],
    ]
    if len(events) and pd.Timestamp(events["happened_on"].iloc[0]) == pd.Timestamp(case["received_on"]):
        # dispatched on the day it was received: one point, not two on top of each other
        dates, levels, kinds = dates[1:], levels[1:], kinds[1:]
        hover = [f"{hover[0]} · {hover[1]}", *hover[2:]]
    if case["done"]:
        dates.append(case["closed_on"])
        levels.append(levels[-1])
        kinds.append(label("esc_closed_step", lang))
        hover.append(kinds[-1])
    order = [label(f"level.{lv}", lang) for lv in LEVEL_CHOICES if lv != esc.NOT_FILLED or esc.NOT_FILLED in levels]
    return trail(
        list(pd.to_datetime(dates)),
        [label(f"level.{lv}", lang) for lv in levels],
        kinds,
        order,
        title=label("esc_timeline_chart", lang),
        hover=hover,
    )


TABLE = Table(
    formats=FORMATS,
    widths=WIDTHS,
    default_width=100,
    options={"suppressColumnVirtualisation": True},
)


def _grid(grid_id: str, rows: Rows, lang: str, max_height: int = 480, clickable: bool = False, noted: bool = False):
    """A list's grid: its first column pinned, a click reading the row's key; `noted`: a list cut at
    its first rows (`rows.total` before the cut) says so below it (列出前 … 行（共 … 行）)."""
    first = rows.columns[0]
    how = replace(TABLE, pin_first={"pinned": "left", "flex": 0, "width": WIDTHS.get(first, 110)})
    return table(
        grid_id,
        rows.frame,
        rows.columns,
        lang,
        how,
        Size(150, 0, max_height),
        key=rows.key,
        clickable=clickable,
        shown_of=rows.total if noted else None,
        note_below=True,
    )


def _with_top_note(grid_, rows: Rows, lang: str):
    """A list cut at its first rows on screen says so (the export has them all)."""
    if not rows.total or rows.total <= len(rows.frame):
        return grid_
    note = label("esc_top_note", lang).format(shown=fmt_count(len(rows.frame)), total=fmt_count(rows.total))
    return html.Div([grid_, html.P(note, className="text-muted small mt-1")])
