"""Factories for the wall display (大屏, pages/screen.py): dark figures, ranking rows, ticker
items and the text of a headline figure. Data in, components out; no queries.

Figures are sized for a 1920×1080 screen; assets/screen.js scales every font in them by
the viewport (×2 on a 3840×2160 wall), so that the whole screen scales as one picture.
"""

from __future__ import annotations

import re

from dash import html

from components.i18n import fmt_amount, fmt_value, has_label, label
from components.maps import county_figure
from components.theme import FONT, PLOTLY_TEMPLATE, escape_figure

INK = "#e6f1ff"
MUTED = "#8fa9c9"
NO_DATA = "#24344d"
# Light means high: blue to cyan where more is better, amber to red where more is worse.
SCALE_GOOD = [[0.0, "#123a66"], [0.5, "#1f7fcf"], [1.0, "#43e0ff"]]
SCALE_BAD = [[0.0, "#4a3612"], [0.5, "#d98b1f"], [1.0, "#ff5c5c"]]
DONUT_COLORS = ["#43e0ff", "#34d399", "#fbbf24", "#f87171", "#a78bfa", "#60a5fa"]


_NUMBER_THEN_UNIT = re.compile(r"^([-+]?[\d,]+(?:\.\d+)?)(.*)$")


def figure_text(kind: str, value: float | None, lang: str) -> dict:
    """A headline figure for assets/screen.js: its text exactly as components.i18n formats it, and
    the unit at its end (`suffix`: "%", " 亿元", " M yuan"; drawn smaller). The wall shows the text
    as it is, never a number on the way to it."""
    text = fmt_value(kind, value, lang)
    m = _NUMBER_THEN_UNIT.match(text)
    return {"text": text, "suffix": m.group(2) if m else ""}


def map_unit(kind: str, lang: str) -> tuple[float, str, str]:
    """(divisor, d3 format, unit words) of a KPI's values on the map: rates in %, amounts in
    万元 (English: millions), counts as they are."""
    if kind == "rate":
        return 1.0, ".2%", ""
    if kind == "amount":
        return (
            (1e6, ",.2f", label("screen_million_yuan", lang))
            if lang == "en"
            else (1e4, ",.2f", label("screen_wan_yuan", lang))
        )
    return 1.0, ",d", ""


def dark_map(
    geojson: dict,
    values: dict[str, float | None],
    name: str,
    value_format: str,
    lang: str,
    higher_is_better: bool = True,
) -> dict:
    """components.maps.county_figure restyled for the dark screen: transparent background, light
    names, a colour bar, and a scale where light means high. Plotly JSON (a dict), as
    county_figure: no copy of the boundaries per figure."""
    fig = county_figure(
        geojson,
        values,
        "",
        name,
        colorscale=SCALE_GOOD if higher_is_better else SCALE_BAD,
        lang=lang,
        value_format=value_format,
        height=600,
    )
    for trace in fig["data"]:
        trace["marker"] = {"line": {"color": "#0a1a33", "width": 1.5}}
        if trace["type"] == "scattergeo":
            trace["textfont"] = {"family": FONT, "size": 24, "color": INK}
        elif trace.get("showscale") is False:  # the no-data trace
            trace["colorscale"] = [[0, NO_DATA], [1, NO_DATA]]
        else:
            title = {**trace["colorbar"]["title"], "text": "", "font": {"size": 24}}
            trace["colorbar"] = {
                **trace["colorbar"],
                "thickness": 16,
                "len": 0.7,
                "x": 0.98,
                "tickfont": {"size": 24, "color": MUTED},
                "title": title,
            }
    layout = fig["layout"]
    layout.pop("height", None)
    layout.update(
        annotations=[],  # the white-background "no data" key; grey shapes say it on the dark screen
        autosize=True,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 24, "color": INK},
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        hoverlabel={"font": {"family": FONT, "size": 24}},
    )
    return fig


def dark_donut(names: list[str], values: list[float], center: str, colors: list[str] | None = None) -> dict:
    """A donut with its total in the middle, for the dark screen (Plotly JSON); `colors` one
    per name (an ordered scale), else the screen's own."""
    pie = dict(
        type="pie",
        labels=list(names),
        values=list(values),
        hole=0.58,
        sort=False,
        direction="clockwise",
        textinfo="label+percent",
        textposition="outside",
        textfont={"family": FONT, "size": 24, "color": INK},
        marker={"colors": list(colors or DONUT_COLORS[: len(names)]), "line": {"color": "#07142b", "width": 2}},
        hovertemplate="%{label}：%{value:,}（%{percent}）<extra></extra>",
    )
    layout = dict(
        template=PLOTLY_TEMPLATE,
        annotations=[
            dict(
                text=center,
                showarrow=False,
                x=0.5,
                y=0.5,
                xref="paper",
                yref="paper",
                font={"family": FONT, "size": 28, "color": INK},
            )
        ],
        showlegend=False,
        autosize=True,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 24, "color": INK},
        margin={"l": 70, "r": 70, "t": 40, "b": 40},
    )
    data, layout = escape_figure([pie], layout)  # names are data, never markup (components/charts.py)
    return {"data": data, "layout": layout}


RANK_ENDS = 5  # the wall shows the best five and the worst five of a ranking, fixed
MISSING_NAMED = 2  # no-data units named in the ranking's last line; more are counted


def ranking_rows(rows: list[dict], kind: str, lang: str, missing: list[dict] | None = None) -> html.Div:
    """A ranking as rows of rank, name, a bar and the value, best first (metrics.screen.ranking);
    the top three get a medal. Past 2 × RANK_ENDS units only the best and the worst RANK_ENDS
    are shown, with a line for the ranks between: nothing scrolls, so a reader five metres away
    finds the first and the last at once. `missing` (units with no data,
    metrics.screen.without_data) close the list in one grey line, marked 无数据, unranked."""
    missing = missing or []
    if not rows and not missing:
        return html.Div(label("no_data", lang), className="screen-empty")
    top = max((abs(r["value"]) for r in rows), default=0) or 1

    def row(r: dict) -> html.Div:
        return html.Div(
            [
                html.Span(str(r["rank"]), className=f"screen-rank-no{' screen-rank-top' if r['rank'] <= 3 else ''}"),
                html.Span(r["unit_name"], className="screen-rank-name"),
                html.Span(
                    html.Span(className="screen-rank-fill", style={"width": f"{100 * abs(r['value']) / top:.1f}%"}),
                    className="screen-rank-bar",
                ),
                html.Span(_short_value(kind, r["value"], lang), className="screen-rank-value"),
            ],
            className="screen-rank-row",
        )

    def line(text: str, kind_class: str) -> html.Div:
        return html.Div(
            [
                html.Span("—", className="screen-rank-no"),
                html.Span(text, className="screen-rank-name screen-rank-more"),
            ],
            className=f"screen-rank-row {kind_class}",
        )

    if len(rows) > 2 * RANK_ENDS:
        between = label("screen_ranks_between", lang).format(a=RANK_ENDS + 1, b=len(rows) - RANK_ENDS)
        items = [row(r) for r in rows[:RANK_ENDS]] + [line(between, "screen-rank-gap")]
        items += [row(r) for r in rows[-RANK_ENDS:]]
    else:
        items = [row(r) for r in rows]
    if missing:
        sep = "、" if lang == "zh" else ", "
        names = sep.join(r["unit_name"] for r in missing[:MISSING_NAMED])
        if len(missing) > MISSING_NAMED:
            names += label("screen_and_more", lang).format(n=len(missing))
        items.append(line(label("screen_no_data_units", lang).format(names=names), "screen-rank-nodata"))
    return html.Div(items, className="screen-ranking")


def fraction_text(kind: str, numerator: float | None, denominator: float | None, lang: str) -> str:
    """A tile's "numerator / denominator", its unit said once when both share it
    (`1.63 / 3.47 亿元`, `41.90 / 95.28 M yuan`): short enough for the wall's large type."""
    a, b = fmt_value(kind, numerator, lang), fmt_value(kind, denominator, lang)
    (na, _, ua), (nb, _, ub) = a.partition(" "), b.partition(" ")
    return f"{na} / {nb} {ua}" if ua and ua == ub else f"{a} / {b}"


def _short_value(kind: str, value: float, lang: str) -> str:
    if kind == "amount":
        return fmt_amount(value, lang)
    return fmt_value(kind, value, lang)


def ticker_items(rectified: list[dict], recoveries: list[dict], lang: str) -> list[html.Span]:
    """One line of news per rectified case and per recovery, interleaved, latest first.
    Only what the metrics hand over: case id, community, county, category, date; project,
    county, date, amount, channel — never a person."""
    out = []
    cases = [_case_item(r, lang) for r in rectified]
    money = [_recovery_item(r, lang) for r in recoveries]
    for i in range(max(len(cases), len(money))):
        out += cases[i : i + 1] + money[i : i + 1]
    return out


def _case_item(r: dict, lang: str) -> html.Span:
    category = _word("category", r.get("category"), lang)
    text = label("screen_rectified_item", lang).format(
        date=_day(r["closed_on"]),
        county=r["county_name"] or "",
        community=r.get("community_name") or "",
        category=category,
        case_id=r["case_id"],
    )
    return html.Span([html.Span("✔", className="screen-tick-ok"), " " + text], className="screen-tick")


def _recovery_item(r: dict, lang: str) -> html.Span:
    text = label("screen_recovery_item", lang).format(
        date=_day(r["recovered_on"]),
        county=r["county_name"] or "",
        project=r.get("project") or "",
        amount=fmt_amount(r["amount"], lang),
        channel=_word("channel", r.get("channel"), lang),
    )
    return html.Span([html.Span("¥", className="screen-tick-money"), " " + text], className="screen-tick")


def _day(value: object) -> str:
    return str(value)[:10] if value is not None else ""


def _word(prefix: str, value: str | None, lang: str) -> str:
    if not value:
        return label(f"{prefix}.not_filled", lang) if has_label(f"{prefix}.not_filled") else ""
    key = f"{prefix}.{value}"
    return label(key, lang) if has_label(key) else value
