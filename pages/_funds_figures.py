"""The charts and lines of 维修资金 /funds, from the rows of pages/_funds_rows.py: amounts in
万元 for a Chinese reader (millions for an English one), counties clickable."""

from __future__ import annotations

import pandas as pd
from dash import html

from components.charts import bars, bars_with_rate, donut, empty_figure
from components.i18n import fmt_amount, fmt_count, label
from components.theme import PALETTE
from metrics import funds
from metrics.regions import region_names
from pages._funds_rows import CHANNEL_COLORS, KIND_COLORS, TOP
from pages._view import warehouse


def _unit(lang: str) -> tuple[float, str]:
    """The amount unit of a chart's axis, as fmt_amount counts: 万元 in Chinese, millions in English."""
    return (1e4, "万元") if lang == "zh" else (1e6, "M yuan")


def _ticks(lang: str) -> str:
    """Axis ticks of amounts: whole 万元; millions keep their decimals when small."""
    return ",.0f" if lang == "zh" else ",~g"


def _wan(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """Amount columns in the chart unit of `_unit` (tables keep yuan and format it)."""
    div = _unit(lang)[0]
    return frame.assign(**{c: frame[c] / div for c in columns})


def _layout(lang: str, value_axis: str, **layout) -> dict:
    """A chart's layout beyond the house's, given to the builder (a plotly update afterwards
    validates property by property): the value axis in the amount unit, the category axis fitted."""
    other = "y" if value_axis == "x" else "x"
    layout.setdefault("legend", {"traceorder": "normal"})
    axes = {
        f"{value_axis}axis": {"title": {"text": _unit(lang)[1]}, "tickformat": _ticks(lang)},
        f"{other}axis": {"automargin": True},
    }
    for key, value in axes.items():
        layout[key] = {**value, **layout.get(key, {})}
    return layout


def _hbar_height(n: int, per: int = 26) -> int:
    return max(300, 110 + per * n)


def _arrears_line(summary: dict, lang: str) -> list:
    parts = [
        (fmt_count(summary["counties"]), "funds_n_counties", "funds-arrears-counties"),
        (fmt_count(summary["developers"]), "funds_n_developers", "funds-arrears-developers"),
        (fmt_count(summary["projects"]), "funds_n_projects", "funds-arrears-projects"),
    ]
    colon = "：" if lang == "zh" else ": "
    out: list = [html.Span(f"{label('funds_arrears_listed_line', lang)}{colon}", className="text-muted")]
    for value, unit, span_id in parts:
        out += [html.Strong(value, id=span_id), f" {label(unit, lang)} · "]
    out.append(html.Strong(fmt_amount(summary["amount"], lang), id="funds-arrears-amount"))
    return out


def _arrears_unit_figure(units: pd.DataFrame, lang: str):
    if units.empty:
        return empty_figure(label("no_data", lang))
    ys = ["arrears_listed", "arrears_recovered", "arrears_outstanding"]
    return bars(
        _wan(units, ys, lang),
        "unit_name",
        ys,
        lang,
        customdata="unit",
        yformat=",.2f",
        height=380,
        layout=_layout(lang, "y", margin={"t": 20}),
    )


def _developer_figure(developers: pd.DataFrame, lang: str):
    if developers.empty:
        return empty_figure(label("no_data", lang))
    top = _wan(developers.head(TOP), ["arrears_recovered_to_date", "arrears_outstanding"], lang).iloc[::-1]
    return bars(
        top,
        "developer",
        ["arrears_recovered_to_date", "arrears_outstanding"],
        lang,
        barmode="stack",
        orientation="h",
        yformat=",.2f",
        height=_hbar_height(len(top)),
        layout=_layout(lang, "x", margin={"t": 20, "l": 10}),
    )


def _month_figure(months: pd.DataFrame, lang: str):
    """Stacked bars per month, one colour per channel; every month of the span shown; the peak month's total written."""
    if months.empty:
        return empty_figure(label("no_data", lang), 380)
    wide = months.pivot_table(index="funds_month", columns="channel", values="amount", aggfunc="sum", fill_value=0)
    span = pd.date_range(wide.index.min(), wide.index.max(), freq="MS")
    wide = wide.reindex(span, fill_value=0) / _unit(lang)[0]
    channels = [c for c in (*funds.CHANNELS, funds.NO_CHANNEL) if c in wide.columns]
    frame = pd.DataFrame({f"channel.{c}": wide[c].to_numpy() for c in channels})
    frame["month"] = span.strftime("%Y-%m")
    totals = wide[channels].sum(axis=1)
    peak = totals.idxmax()
    note = {
        "x": peak.strftime("%Y-%m"),
        "y": float(totals.max()),
        "yshift": 12,
        "showarrow": False,
        "text": f"{peak:%Y-%m}{'：' if lang == 'zh' else ': '}{fmt_amount(float(totals.max()) * _unit(lang)[0], lang)}",
        "font": {"size": 12},
    }
    return bars(
        frame,
        "month",
        [f"channel.{c}" for c in channels],
        lang,
        barmode="stack",
        yformat=",.2f",
        height=380,
        colors={f"channel.{c}": CHANNEL_COLORS[c] for c in channels},
        layout=_layout(lang, "y", margin={"t": 30}, xaxis={"type": "category"}, annotations=[note]),
    )


def _channel_figure(channels: pd.DataFrame, lang: str):
    if channels.empty or not channels["amount"].sum():
        return empty_figure(label("no_data", lang), 380)
    return donut(
        channels["funds_channel"].tolist(),
        (channels["amount"] / _unit(lang)[0]).round(2).tolist(),
        height=380,
        colors=[CHANNEL_COLORS.get(c, PALETTE[7]) for c in channels["channel"]],
        trace={
            "hovertemplate": "%{label}：%{value:,.2f} " + _unit(lang)[1] + "（%{percent}）<extra></extra>",
            "textposition": "inside",
        },
        layout={"margin": {"t": 20, "b": 20}, "uniformtext": {"minsize": 10, "mode": "hide"}},
    )


def _ledger_figure(frame: pd.DataFrame, x: str, lang: str, customdata: str | None = None):
    if frame.empty:
        return empty_figure(label("no_data", lang), 380)
    return bars_with_rate(
        _wan(frame, ["fund_collected", "fund_used"], lang),
        x,
        ["fund_collected", "fund_used"],
        "fund_usage_rate",
        lang,
        customdata=customdata,
        yformat=",.2f",
        height=380,
        rate_tickformat=".0%" if frame["fund_usage_rate"].max() >= 0.05 else ".1%",
        y_title=_unit(lang)[1],
        layout={"margin": {"t": 20}, "yaxis": {"tickformat": _ticks(lang)}},
    )


def _approval_figure(approvals: pd.DataFrame, lang: str):
    emergency = int(approvals["funds_emergency"].sum())
    if not emergency and not approvals["funds_ordinary"].sum():
        return empty_figure(label("no_data", lang), 380)
    fast = [b for b, (_, hi) in enumerate(funds.DAY_BUCKETS) if hi is not None and hi <= funds.EMERGENCY_DAYS]
    within = int(approvals.loc[approvals["bucket"].isin(fast), "funds_emergency"].sum())
    title = label("funds_emergency_line", lang).format(
        n=fmt_count(emergency), k=fmt_count(within), d=funds.EMERGENCY_DAYS
    )
    return bars(
        approvals,
        "funds_days_bucket",
        ["funds_emergency", "funds_ordinary"],
        lang,
        title=title,
        height=380,
        colors={"funds_emergency": "#c23b3b"},
        layout={
            "xaxis": {"type": "category", "tickangle": 0},
            "yaxis": {"title": {"text": label("funds_applications", lang)}},
        },
    )


def _refund_line(kinds: pd.DataFrame, names: dict, lang: str) -> list:
    """The report's sentence, from the rows: the deposits, the other kinds, the households."""
    if kinds.empty:
        return [html.Span(label("no_data", lang), className="text-muted")]
    sep = "、" if lang == "zh" else ", "
    groups = kinds[kinds["level"] == "group"].set_index("kind_group")

    def units(row) -> str:
        codes = list(row["units"])
        if len(codes) > 6:
            return f"{len(codes)} {label('funds_n_counties', lang)}"
        return sep.join(names.get(c, c) for c in codes)

    out: list = []
    if "deposit" in groups.index:
        row = groups.loc["deposit"]
        text = label("funds_refund_line_deposit", lang).format(
            amount=fmt_amount(row["refund_amount"], lang), n=fmt_count(row["funds_companies"]), units=units(row)
        )
        out.append(html.Span(text, id="funds-refunds-deposit"))
    if "other" in groups.index:
        row = groups.loc["other"]
        kind_names = kinds.loc[(kinds["level"] == "kind") & (kinds["kind_group"] == "other"), "funds_kind"]
        text = label("funds_refund_line_other", lang).format(
            kinds=sep.join(kind_names),
            amount=fmt_amount(row["refund_amount"], lang),
            n=fmt_count(row["funds_companies"]),
            units=units(row),
        )
        out += ["；" if out and lang == "zh" else "; " if out else "", html.Span(text, id="funds-refunds-other")]
    total = kinds[kinds["level"] == "total"]
    if len(total):
        households = label("funds_refund_line_households", lang).format(n=fmt_count(total["refund_households"].iloc[0]))
        out += ["；" if lang == "zh" else "; ", html.Span(households, id="funds-refunds-households")]
    return out


def _kind_figure(kinds: pd.DataFrame, lang: str):
    rows = kinds[kinds["level"] == "kind"]
    if rows.empty:
        return empty_figure(label("no_data", lang), 380)
    shown = _wan(rows, ["refund_amount"], lang).iloc[::-1]
    companies = label("funds_companies", lang)
    return bars(
        shown,
        "funds_kind",
        ["refund_amount"],
        lang,
        orientation="h",
        yformat=",.2f",
        height=380,
        trace={
            "text": [
                f"{a:,.2f} · {int(n)}{'家' if lang == 'zh' else ' co.'}"
                for a, n in zip(shown["refund_amount"], shown["funds_companies"], strict=True)
            ],
            "textposition": "auto",
            "cliponaxis": False,
            "customdata": shown["funds_companies"].tolist(),
            "marker": {"color": [KIND_COLORS.get(k, PALETTE[7]) for k in shown["kind"]]},
            "hovertemplate": "%{y}<br>"
            + label("refund_amount", lang)
            + "：%{x:,.2f} "
            + _unit(lang)[1]
            + "<br>"
            + companies
            + "：%{customdata}<extra></extra>",
        },
        layout=_layout(lang, "x", margin={"t": 20, "l": 10}, showlegend=False),
    )


def _refund_unit_figure(units: pd.DataFrame, lang: str):
    if units.empty:
        return empty_figure(label("no_data", lang), 380)
    wide = (
        units.pivot_table(index="unit", columns="kind", values="refund_amount", aggfunc="sum", fill_value=0)
        / _unit(lang)[0]
    )
    kinds = [k for k in funds.KINDS if k in wide.columns]  # the ETL admits no other kind
    names = region_names(warehouse())
    frame = pd.DataFrame({f"kind.{k}": wide[k].to_numpy() for k in kinds})
    frame["unit"] = wide.index
    frame["unit_name"] = [names.get(u, u) for u in wide.index]
    frame = frame.iloc[::-1]
    return bars(
        frame,
        "unit_name",
        [c for c in frame.columns if c not in ("unit", "unit_name")],
        lang,
        barmode="stack",
        orientation="h",
        customdata="unit",
        yformat=",.2f",
        height=_hbar_height(len(frame), 30),
        colors={f"kind.{k}": KIND_COLORS[k] for k in kinds},
        layout=_layout(lang, "x", margin={"t": 20, "l": 10}),
    )


def _company_figure(companies: pd.DataFrame, lang: str):
    if companies.empty:
        return empty_figure(label("no_data", lang), 380)
    top = _wan(companies.head(TOP), ["refund_amount"], lang).iloc[::-1]
    # two companies may share a name (or both be 未匹配): the bar's category is the name and the code's tail
    dup = top["funds_company_name"].duplicated(keep=False)
    top = top.assign(
        bar=[
            f"{n}（{c[-6:]}）" if d else n
            for n, c, d in zip(top["funds_company_name"], top["company_code"], dup, strict=True)
        ]
    )
    return bars(
        top,
        "bar",
        ["refund_amount"],
        lang,
        orientation="h",
        yformat=",.2f",
        height=_hbar_height(len(top), 24),
        layout=_layout(lang, "x", margin={"t": 20, "l": 10}, showlegend=False),
    )
