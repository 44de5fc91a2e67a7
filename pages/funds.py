"""维修资金 /funds: fund arrears listed, recovered and outstanding (by county, developer and
project; recoveries by month and channel); collection and use with the usage rate (by county
and year); usage approvals and the emergency uses; refunds of illegal fees (by kind, county
and company).

Totals are the KPIs of metrics/kpis.py; the breakdowns come from metrics/funds.py with the
same definitions. A click on a county's bar filters the page to it. Every chart has the rows
behind it in a second tab, exportable to Excel with the filters in header lines.
"""

from __future__ import annotations

from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import query
from components.cards import kpi_card
from components.charts import GRAPH_CONFIG, PALETTE, bars, bars_with_rate, donut, empty_figure
from components.i18n import fmt_amount, fmt_count, fmt_date, has_label, label, lang_of
from components.tables import export_controls, grid, to_excel
from metrics import funds, kpis, published
from metrics.access import current_scope, warehouse
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from metrics.regions import region_names

dash.register_page(__name__, path="/funds", name="维修资金", order=20, label_key="funds")

CARD_KPIS = [
    "refund_amount",
    "refund_households",
    "arrears_listed",
    "arrears_recovered",
    "arrears_outstanding",
    "arrears_recovery_rate",
    "fund_usage_rate",
]
SCREEN_ROWS = 500  # longest list sent to the browser; the export has every row
TOP = 15  # bars in a ranking chart

ARREARS = ["arrears_listed", "arrears_recovered", "arrears_recovered_to_date", "arrears_outstanding"]
UNIT_COLUMNS = ["unit_name", "arrears_projects", "funds_developers", *ARREARS, "arrears_recovery_rate"]
DEVELOPER_COLUMNS = ["developer", "funds_unit_names", "arrears_projects", *ARREARS]
PROJECT_COLUMNS = ["project_id", "project", "developer", "unit_name", "funds_listed_on", *ARREARS, "measure"]
MONTH_COLUMNS = ["funds_month", "funds_channel", "amount", "funds_recoveries"]
CHANNEL_COLUMNS = ["funds_channel", "amount", "funds_recoveries", "funds_share"]
LEDGER_UNIT_COLUMNS = ["unit_name", "fund_collected", "fund_used", "fund_usage_rate"]
LEDGER_YEAR_COLUMNS = ["year", "fund_collected", "fund_used", "fund_usage_rate"]
APPROVAL_COLUMNS = ["funds_days_bucket", "funds_emergency", "funds_ordinary"]
EMERGENCY_COLUMNS = [
    "funds_community_name",
    "unit_name",
    "purpose",
    "funds_usage_amount",
    "applied_on",
    "approved_on",
    "funds_days",
    "application_id",
    "community_id",
]
KIND_COLUMNS = ["funds_kind", "refund_amount", "funds_companies", "refund_households", "refund_rows"]
REFUND_UNIT_COLUMNS = [
    "unit_name",
    "funds_kind",
    "refund_amount",
    "funds_companies",
    "refund_households",
    "refund_rows",
]
COMPANY_COLUMNS = [
    "funds_company_name",
    "company_code",
    "funds_unit_names",
    "funds_kinds",
    "refund_amount",
    "refund_households",
    "refund_rows",
]

FORMATS = {
    c: "amount" for c in (*ARREARS, "fund_collected", "fund_used", "refund_amount", "amount", "funds_usage_amount")
}
FORMATS.update({c: "rate" for c in ("fund_usage_rate", "arrears_recovery_rate", "funds_share")})
FORMATS.update(
    {
        c: "count"
        for c in (
            "arrears_projects",
            "funds_developers",
            "funds_companies",
            "refund_households",
            "refund_rows",
            "funds_recoveries",
            "funds_days",
            "funds_emergency",
            "funds_ordinary",
        )
    }
)
WIDTHS = {
    "project": 170,
    "developer": 230,
    "measure": 260,
    "funds_company_name": 230,
    "company_code": 180,
    "funds_unit_names": 130,
    "funds_kinds": 150,
    "funds_community_name": 120,
    "application_id": 120,
    "community_id": 130,
    "funds_listed_on": 110,
    "applied_on": 110,
    "approved_on": 110,
    "project_id": 150,
    "unit_name": 110,
    "purpose": 120,
    "funds_usage_amount": 100,
    "funds_days": 100,
    "funds_kind": 130,
}
CHANNEL_COLORS = {
    "催缴": PALETTE[0],
    "行政处罚": PALETTE[1],
    "纪检": PALETTE[2],
    "公安": PALETTE[3],
    "诉讼": PALETTE[4],
    funds.NO_CHANNEL: PALETTE[6],
}
KIND_COLORS = {
    "装修保证金": PALETTE[0],
    "水电费": PALETTE[1],
    "物业费": PALETTE[2],
    "电梯运行费": PALETTE[4],
    "卫生费": PALETTE[5],
    "其他": PALETTE[6],
}
CLICKABLE = ("funds-arrears-unit", "funds-ledger-unit", "funds-refunds-unit")


class View(NamedTuple):
    """What the URL asks of this page (a NamedTuple: Dash imports pages outside sys.modules)."""

    params: dict
    lang: str
    f: Filter

    @classmethod
    def of(cls, params: dict | None) -> View:
        params = params or {}
        return cls(
            params,
            lang_of(params.get("lang")),
            Filter.from_query(params.get("region"), params.get("from"), params.get("to")),
        )


# ---------------------------------------------------------------- layout


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    lang = lang_of(params.get("lang"))
    hint = html.Span(label("funds_click_hint", lang), className="small text-muted ms-2")
    return html.Div(
        [
            dcc.Store(id="funds-query", data=params),
            html.H4(label("kpis", lang), className="section-title"),
            dcc.Loading(dbc.Row(id="funds-cards", className="g-2 mb-3"), type="dot"),
            # 欠缴与追缴
            html.Div(
                [html.H4(label("funds_arrears", lang), className="section-title me-3"), hint],
                className="d-flex align-items-center",
            ),
            dcc.Loading(html.Div(id="funds-arrears-line", className="funds-line mb-2"), type="dot"),
            dbc.Row(
                [
                    dbc.Col(_panel("arrears-unit", "funds_arrears_by_unit", lang), lg=6),
                    dbc.Col(_panel("recoveries-month", "funds_recoveries_by_month", lang), lg=6),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(_panel("recoveries-channel", "funds_recoveries_by_channel", lang), lg=4),
                    dbc.Col(_panel("arrears-developer", "funds_arrears_by_developer", lang), lg=8),
                ],
                className="g-3 mb-3",
            ),
            _table_card("projects", "funds_arrears_projects", lang),
            # 归集与使用
            html.Div(
                [html.H4(label("funds_ledger", lang), className="section-title me-3"), hint],
                className="d-flex align-items-center",
            ),
            dbc.Row(
                [
                    dbc.Col(_panel("ledger-unit", "funds_ledger_by_unit", lang), lg=6),
                    dbc.Col(_panel("ledger-year", "funds_ledger_by_year", lang), lg=6),
                ],
                className="g-3 mb-3",
            ),
            html.H4(label("funds_usages", lang), className="section-title"),
            dbc.Row(
                [
                    dbc.Col(_panel("approvals", "funds_approval_times", lang), lg=5),
                    dbc.Col(_table_card("emergency", "funds_emergency_list", lang, "h-100"), lg=7),
                ],
                className="g-3 mb-3",
            ),
            # 违规收费清退
            html.Div(
                [html.H4(label("funds_refunds", lang), className="section-title me-3"), hint],
                className="d-flex align-items-center",
            ),
            dcc.Loading(html.Div(id="funds-refunds-line", className="funds-line mb-2"), type="dot"),
            dbc.Row(
                [
                    dbc.Col(_panel("refunds-kind", "funds_refunds_by_kind", lang), lg=5),
                    dbc.Col(_panel("refunds-unit", "funds_refunds_by_unit", lang), lg=7),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(dbc.Col(_panel("refunds-company", "funds_refunds_by_company", lang)), className="g-3 mb-4"),
        ],
        id="funds-page",
    )


def _panel(name: str, title: str, lang: str) -> dbc.Card:
    """A chart (id funds-<name>) with the rows behind it in a second tab (funds-<name>-table), and their export."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H4(label(title, lang), className="section-title me-auto"),
                        html.Div(export_controls(f"funds-{name}", lang), className="flex-shrink-0 ms-2"),
                    ],
                    className="d-flex align-items-center",
                ),
                dbc.Tabs(
                    [
                        dbc.Tab(
                            dcc.Loading(dcc.Graph(id=f"funds-{name}", config=GRAPH_CONFIG), type="dot"),
                            label=label("funds_tab_chart", lang),
                            tab_id=f"funds-{name}-chart-tab",
                        ),
                        dbc.Tab(
                            dcc.Loading(html.Div(id=f"funds-{name}-table", className="pt-2"), type="dot"),
                            label=label("funds_tab_table", lang),
                            tab_id=f"funds-{name}-table-tab",
                        ),
                    ],
                    id=f"funds-{name}-tabs",
                    active_tab=f"funds-{name}-chart-tab",
                ),
            ]
        ),
        className="h-100",
    )


def _table_card(name: str, title: str, lang: str, class_name: str = "mb-3") -> dbc.Card:
    """A table on its own (id funds-<name>-table) with its export."""
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.H4(label(title, lang), className="section-title me-auto"),
                        html.Div(export_controls(f"funds-{name}", lang), className="flex-shrink-0 ms-2"),
                    ],
                    className="d-flex align-items-center",
                ),
                dcc.Loading(html.Div(id=f"funds-{name}-table"), type="dot"),
            ]
        ),
        className=class_name,
    )


# ---------------------------------------------------------------- helpers


def _no_data(lang: str, key: str = "no_data") -> html.P:
    return html.P(label(key, lang), className="text-muted")


def _names(prefix: str, values: pd.Series, lang: str) -> pd.Series:
    """Enumerated values (方式, 类别, 用途) in the reader's language; unknown values as written."""
    names = {v: label(f"{prefix}.{v}", lang) if has_label(f"{prefix}.{v}") else v for v in values.dropna().unique()}
    return values.map(names)


def _unit_names(frame: pd.DataFrame) -> pd.DataFrame:
    names = region_names(warehouse())
    return frame.assign(unit_name=frame["unit"].map(lambda u: names.get(u, u)))


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


def _table(
    grid_id: str,
    frame: pd.DataFrame,
    columns: list[str],
    lang: str,
    total: dict | None = None,
    shown_of: int | None = None,
    max_height: int = 460,
):
    """A grid of the rows behind a chart; `total` pins a 合计 row; `shown_of` notes a capped list."""
    if frame.empty:
        return _no_data(lang)
    height = max(min(130 + 42 * (len(frame) + bool(total)), max_height), 220)
    g = grid(grid_id, frame, columns, lang, formats=FORMATS, height=height)
    g.rowData = _records(frame, columns)
    for d in g.columnDefs:
        if d["field"] in WIDTHS:
            d["minWidth"] = WIDTHS[d["field"]]
    if total:
        g.dashGridOptions = {**g.dashGridOptions, "pinnedBottomRowData": [total]}
    if shown_of and shown_of > len(frame):
        note = label("funds_top_note", lang).format(shown=fmt_count(len(frame)), total=fmt_count(shown_of))
        return html.Div([html.Div(note, className="small text-muted mb-1"), g])
    return g


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    out = frame[columns].copy()
    for col in out.columns:
        if col.endswith("_on") or col == "funds_month":
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d" if col != "funds_month" else "%Y-%m")
    return out.astype(object).where(out.notna(), None).to_dict("records")


def _sum_row(frame: pd.DataFrame, columns: list[str], first: str, lang: str) -> dict:
    row = {c: float(frame[c].sum()) for c in columns if FORMATS.get(c) in ("amount", "count") and c in frame}
    row[first] = label("funds_total", lang)
    return row


def _finish(fig, lang: str, value_axis: str, **layout):
    """One layout update (each plotly update is slow): the value axis in the amount unit, the category axis fitted."""
    other = "y" if value_axis == "x" else "x"
    layout.setdefault("legend", {"traceorder": "normal", **({"y": -0.3} if value_axis == "x" else {})})
    axes = {
        f"{value_axis}axis": {"title": {"text": _unit(lang)[1]}, "tickformat": _ticks(lang)},
        f"{other}axis": {"automargin": True},
    }
    for key, value in axes.items():
        layout[key] = {**value, **layout.get(key, {})}
    fig.update_layout(**layout)
    return fig


def _hbar_height(n: int, per: int = 26) -> int:
    return max(300, 110 + per * n)


# ---------------------------------------------------------------- frames (shared by screen and export)


def _arrears_units(view: View) -> pd.DataFrame:
    frame = _unit_names(funds.arrears_by_unit(warehouse(), view.f, current_scope()))
    frame["arrears_recovery_rate"] = kpis.rate_of("arrears_recovery_rate", frame).astype("float64")
    return frame.rename(columns={"developers": "funds_developers"})


def _developers(view: View, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.arrears_by_developer(warehouse(), view.f, current_scope(), limit)
    return frame.rename(columns={"unit_names": "funds_unit_names"}), total


def _projects(view: View, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.arrears_projects(warehouse(), view.f, current_scope(), limit)
    return _unit_names(frame).rename(columns={"listed_on": "funds_listed_on"}), total


def _months(view: View) -> pd.DataFrame:
    frame = funds.recoveries_by_month(warehouse(), view.f, current_scope())
    frame["funds_channel"] = _names("channel", frame["channel"], view.lang)
    return frame.rename(columns={"month": "funds_month", "recoveries": "funds_recoveries"})


def _ledger(view: View, by: str) -> pd.DataFrame:
    frame = funds.ledger_breakdown(warehouse(), view.f, current_scope(), by)
    return _unit_names(frame) if by == "unit" else frame


def _approvals(view: View) -> pd.DataFrame:
    """Applications per approval-time bucket, emergency and ordinary side by side, every bucket shown."""
    frame = funds.approval_times(warehouse(), view.f, current_scope())
    wide = frame.pivot_table(index="bucket", columns="emergency", values="applications", aggfunc="sum", fill_value=0)
    buckets = [*range(len(funds.DAY_BUCKETS)), funds.PENDING]
    wide = wide.reindex(index=buckets, columns=[True, False], fill_value=0)
    out = pd.DataFrame(
        {"bucket": buckets, "funds_emergency": wide[True].to_numpy(), "funds_ordinary": wide[False].to_numpy()}
    )
    out["funds_days_bucket"] = [_bucket_name(b, view.lang) for b in buckets]
    return out


def _bucket_name(bucket: int, lang: str) -> str:
    if bucket == funds.PENDING:
        return label("funds_pending", lang)
    lo, hi = funds.DAY_BUCKETS[bucket]
    days = label("funds_days_unit", lang)
    return f"≤{hi}{days}" if lo == 0 else f"{lo}–{hi}{days}" if hi is not None else f"≥{lo}{days}"


def _emergency(view: View, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.emergency_usages(warehouse(), view.f, current_scope(), limit)
    frame = _unit_names(frame)
    frame["funds_community_name"] = frame["community_name"].fillna(label("unmatched", view.lang))
    frame["purpose"] = _names("purpose", frame["purpose"], view.lang)
    return frame.rename(columns={"amount": "funds_usage_amount", "approval_days": "funds_days"}), total


def _kinds(view: View) -> pd.DataFrame:
    frame = funds.refunds_by_kind(warehouse(), view.f, current_scope())
    lang = view.lang
    names = _names("kind", frame["kind"], lang)
    subtotal = frame["kind_group"].map(
        {"deposit": label("funds_subtotal_deposit", lang), "other": label("funds_subtotal_other", lang)}
    )
    frame["funds_kind"] = names.where(
        frame["level"] == "kind", subtotal.where(frame["level"] == "group", label("funds_total", lang))
    )
    return frame.rename(columns={"companies": "funds_companies"})


def _refund_units(view: View) -> pd.DataFrame:
    frame = _unit_names(funds.refunds_by_unit(warehouse(), view.f, current_scope()))
    frame["funds_kind"] = _names("kind", frame["kind"], view.lang)
    return frame.rename(columns={"companies": "funds_companies"})


def _companies(view: View, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.refunds_by_company(warehouse(), view.f, current_scope(), limit)
    lang = view.lang
    frame["funds_company_name"] = frame["company_name"].fillna(label("unmatched", lang))
    sep = "、" if lang == "zh" else ", "
    kind_names = {k: label(f"kind.{k}", lang) if has_label(f"kind.{k}") else k for k in funds.KINDS}
    frame["funds_kinds"] = [sep.join(kind_names.get(k, k) for k in ks) for ks in frame["kinds"]]
    return frame.rename(columns={"unit_names": "funds_unit_names"}), total


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("funds-cards", "children"),
    Output("funds-arrears-line", "children"),
    Input("funds-query", "data"),
)
def funds_cards(params):
    """The KPI cards (the catalogue's definitions) and the arrears ledger in four counts."""
    view = View.of(params)
    lang = view.lang
    try:
        wh = warehouse()
        values = kpis.compute(wh, CARD_KPIS, view.f, current_scope())
        summary = funds.arrears_summary(wh, view.f, current_scope())
    except WarehouseMissing:
        return _no_data(lang, "no_warehouse"), None
    notes = published.notes(values, view.f, current_scope())
    cards = [
        dbc.Col(kpi_card(values[k], lang, card_id=f"funds-kpi-{k}", published=notes.get(k)), xs=6, md=4, xl=3)
        for k in CARD_KPIS
    ]
    return cards, _arrears_line(summary, lang)


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


@callback(
    Output("funds-arrears-unit", "figure"),
    Output("funds-arrears-unit-table", "children"),
    Input("funds-query", "data"),
)
def funds_arrears(params):
    """Listed, recovered in the period and outstanding per county."""
    view = View.of(params)
    lang = view.lang
    try:
        units = _arrears_units(view)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    unit_total = _sum_row(units, UNIT_COLUMNS, "unit_name", lang)
    unit_total["arrears_recovery_rate"] = kpis.rate_from("arrears_recovery_rate", unit_total)
    return (
        _arrears_unit_figure(units, lang),
        _table("funds-arrears-unit-grid", units, UNIT_COLUMNS, lang, total=unit_total),
    )


@callback(
    Output("funds-arrears-developer", "figure"),
    Output("funds-arrears-developer-table", "children"),
    Output("funds-projects-table", "children"),
    Input("funds-query", "data"),
)
def funds_developers(params):
    """Listed, recovered and outstanding per developer and per project."""
    view = View.of(params)
    lang = view.lang
    try:
        developers, n_developers = _developers(view, SCREEN_ROWS)
        projects, n_projects = _projects(view, SCREEN_ROWS)
    except WarehouseMissing:
        fig, msg = empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
        return fig, msg, msg
    return (
        _developer_figure(developers, lang),
        _table("funds-arrears-developer-grid", developers, DEVELOPER_COLUMNS, lang, shown_of=n_developers),
        _table("funds-projects-grid", projects, PROJECT_COLUMNS, lang, shown_of=n_projects, max_height=520),
    )


def _arrears_unit_figure(units: pd.DataFrame, lang: str):
    if units.empty:
        return empty_figure(label("no_data", lang))
    ys = ["arrears_listed", "arrears_recovered", "arrears_outstanding"]
    fig = bars(_wan(units, ys, lang), "unit_name", ys, lang, customdata="unit", yformat=",.2f", height=380)
    return _finish(fig, lang, "y", margin={"t": 20})


def _developer_figure(developers: pd.DataFrame, lang: str):
    if developers.empty:
        return empty_figure(label("no_data", lang))
    top = _wan(developers.head(TOP), ["arrears_recovered_to_date", "arrears_outstanding"], lang).iloc[::-1]
    fig = bars(
        top,
        "developer",
        ["arrears_recovered_to_date", "arrears_outstanding"],
        lang,
        barmode="stack",
        orientation="h",
        yformat=",.2f",
        height=_hbar_height(len(top)),
    )
    return _finish(fig, lang, "x", margin={"t": 20, "l": 10})


@callback(
    Output("funds-recoveries-month", "figure"),
    Output("funds-recoveries-month-table", "children"),
    Input("funds-query", "data"),
)
def funds_recoveries(params):
    """Recoveries in the period by month, stacked by channel."""
    view = View.of(params)
    lang = view.lang
    try:
        months = _months(view)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    total = _sum_row(months, MONTH_COLUMNS, "funds_month", lang)
    table = _table("funds-recoveries-month-grid", months, MONTH_COLUMNS, lang, total)
    unmatched = funds.unmatched_recoveries(warehouse(), view.f, current_scope())
    if unmatched["recoveries"]:
        note = label("funds_unmatched_recoveries", lang).format(
            n=unmatched["recoveries"], amount=fmt_amount(unmatched["amount"], lang)
        )
        table = html.Div([table, html.P(note, className="text-muted small mt-2", id="funds-unmatched-recoveries")])
    return _month_figure(months, lang), table


@callback(
    Output("funds-recoveries-channel", "figure"),
    Output("funds-recoveries-channel-table", "children"),
    Input("funds-query", "data"),
)
def funds_channels(params):
    """Recoveries in the period by channel."""
    view = View.of(params)
    lang = view.lang
    try:
        channels = _channels_of(_months(view))
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    total = {
        **_sum_row(channels, CHANNEL_COLUMNS, "funds_channel", lang),
        "funds_share": 1.0 if len(channels) else None,
    }
    return _channel_figure(channels, lang), _table(
        "funds-recoveries-channel-grid", channels, CHANNEL_COLUMNS, lang, total
    )


def _channels_of(months: pd.DataFrame) -> pd.DataFrame:
    frame = months.groupby("channel", sort=False, as_index=False).agg(
        funds_channel=("funds_channel", "first"), amount=("amount", "sum"), funds_recoveries=("funds_recoveries", "sum")
    )
    order = {c: i for i, c in enumerate((*funds.CHANNELS, funds.NO_CHANNEL))}
    frame = frame.assign(_o=frame["channel"].map(order).fillna(99)).sort_values("_o").drop(columns="_o")
    total = frame["amount"].sum()
    frame["funds_share"] = frame["amount"] / total if total else None
    return frame.reset_index(drop=True)


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
    fig = bars(frame, "month", [f"channel.{c}" for c in channels], lang, barmode="stack", yformat=",.2f", height=380)
    for trace, channel in zip(fig.data, channels, strict=True):
        trace.marker.color = CHANNEL_COLORS[channel]
    totals = wide[channels].sum(axis=1)
    peak = totals.idxmax()
    fig.add_annotation(
        x=peak.strftime("%Y-%m"),
        y=float(totals.max()),
        yshift=12,
        showarrow=False,
        text=f"{peak:%Y-%m}{'：' if lang == 'zh' else ': '}{fmt_amount(float(totals.max()) * _unit(lang)[0], lang)}",
        font={"size": 12},
    )
    return _finish(fig, lang, "y", margin={"t": 30}, xaxis={"type": "category"})


def _channel_figure(channels: pd.DataFrame, lang: str):
    if channels.empty or not channels["amount"].sum():
        return empty_figure(label("no_data", lang), 380)
    fig = donut(channels["funds_channel"].tolist(), (channels["amount"] / _unit(lang)[0]).round(2).tolist(), height=380)
    fig.update_traces(
        hovertemplate="%{label}：%{value:,.2f} " + _unit(lang)[1] + "（%{percent}）<extra></extra>",
        textposition="inside",
        marker={"colors": [CHANNEL_COLORS.get(c, PALETTE[7]) for c in channels["channel"]]},
    )
    fig.update_layout(margin={"t": 20, "b": 20}, uniformtext={"minsize": 10, "mode": "hide"})
    return fig


@callback(
    Output("funds-ledger-unit", "figure"),
    Output("funds-ledger-unit-table", "children"),
    Input("funds-query", "data"),
)
def funds_ledger_unit(params):
    """Collected, used and the usage rate in the years of the period, per county."""
    return _ledger_outputs(View.of(params), "unit", "unit_name", LEDGER_UNIT_COLUMNS)


@callback(
    Output("funds-ledger-year", "figure"),
    Output("funds-ledger-year-table", "children"),
    Input("funds-query", "data"),
)
def funds_ledger_year(params):
    """Collected, used and the usage rate per ledger year of the period."""
    return _ledger_outputs(View.of(params), "year", "year", LEDGER_YEAR_COLUMNS)


def _ledger_outputs(view: View, by: str, x: str, columns: list[str]):
    lang = view.lang
    try:
        frame = _ledger(view, by)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    total = _sum_row(frame, columns, x, lang)
    total["fund_usage_rate"] = kpis.rate_from("fund_usage_rate", total)
    if by == "year":
        frame = frame.assign(year=frame["year"].astype(str))
    return (
        _ledger_figure(frame, x, lang, "unit" if by == "unit" else None),
        _table(f"funds-ledger-{by}-grid", frame, columns, lang, total),
    )


def _ledger_figure(frame: pd.DataFrame, x: str, lang: str, customdata: str | None = None):
    if frame.empty:
        return empty_figure(label("no_data", lang), 380)
    fig = bars_with_rate(
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
    )
    fig.update_layout(margin={"t": 20}, yaxis={"tickformat": _ticks(lang)})
    return fig


@callback(
    Output("funds-approvals", "figure"),
    Output("funds-approvals-table", "children"),
    Output("funds-emergency-table", "children"),
    Input("funds-query", "data"),
)
def funds_usages(params):
    """How long approvals took, emergency against ordinary uses; the emergency uses one by one."""
    view = View.of(params)
    lang = view.lang
    try:
        approvals = _approvals(view)
        emergency, n_emergency = _emergency(view, SCREEN_ROWS)
    except WarehouseMissing:
        fig, msg = empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
        return fig, msg, msg
    total = _sum_row(approvals, APPROVAL_COLUMNS, "funds_days_bucket", lang)
    table = _table("funds-emergency-grid", emergency, EMERGENCY_COLUMNS, lang, shown_of=n_emergency, max_height=400)
    return (
        _approval_figure(approvals, lang),
        _table("funds-approvals-grid", approvals, APPROVAL_COLUMNS, lang, total),
        table,
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
    fig = bars(approvals, "funds_days_bucket", ["funds_emergency", "funds_ordinary"], lang, title=title, height=380)
    fig.data[0].marker.color = "#c23b3b"
    fig.update_layout(
        xaxis={"type": "category", "tickangle": 0}, yaxis={"title": {"text": label("funds_applications", lang)}}
    )
    return fig


@callback(
    Output("funds-refunds-line", "children"),
    Output("funds-refunds-kind", "figure"),
    Output("funds-refunds-kind-table", "children"),
    Input("funds-query", "data"),
)
def funds_refunds(params):
    """Refunds by kind, with the distinct companies per kind and per kind group, and the report's sentence."""
    view = View.of(params)
    lang = view.lang
    try:
        kinds = _kinds(view)
        names = region_names(warehouse())
    except WarehouseMissing:
        return None, empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    return (
        _refund_line(kinds, names, lang),
        _kind_figure(kinds, lang),
        _table("funds-refunds-kind-grid", kinds, KIND_COLUMNS, lang),
    )


@callback(
    Output("funds-refunds-unit", "figure"),
    Output("funds-refunds-unit-table", "children"),
    Input("funds-query", "data"),
)
def funds_refund_units(params):
    """Refunds per county, stacked by kind."""
    view = View.of(params)
    lang = view.lang
    try:
        units = _refund_units(view)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    unit_total = {**_sum_row(units, REFUND_UNIT_COLUMNS, "unit_name", lang), "funds_companies": None}
    return (
        _refund_unit_figure(units, lang),
        _table("funds-refunds-unit-grid", units, REFUND_UNIT_COLUMNS, lang, unit_total),
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
    fig = bars(shown, "funds_kind", ["refund_amount"], lang, orientation="h", yformat=",.2f", height=380)
    companies = label("funds_companies", lang)
    fig.update_traces(
        text=[
            f"{a:,.2f} · {int(n)}{'家' if lang == 'zh' else ' co.'}"
            for a, n in zip(shown["refund_amount"], shown["funds_companies"], strict=True)
        ],
        textposition="auto",
        cliponaxis=False,
        customdata=shown["funds_companies"],
        marker={"color": [KIND_COLORS.get(k, PALETTE[7]) for k in shown["kind"]]},
        hovertemplate="%{y}<br>"
        + label("refund_amount", lang)
        + "：%{x:,.2f} "
        + _unit(lang)[1]
        + "<br>"
        + companies
        + "：%{customdata}<extra></extra>",
    )
    return _finish(fig, lang, "x", margin={"t": 20, "l": 10}, showlegend=False)


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
    fig = bars(
        frame,
        "unit_name",
        [c for c in frame.columns if c not in ("unit", "unit_name")],
        lang,
        barmode="stack",
        orientation="h",
        customdata="unit",
        yformat=",.2f",
        height=_hbar_height(len(frame), 30),
    )
    for trace, kind in zip(fig.data, kinds, strict=True):
        trace.marker.color = KIND_COLORS[kind]
    return _finish(fig, lang, "x", margin={"t": 20, "l": 10})


@callback(
    Output("funds-refunds-company", "figure"),
    Output("funds-refunds-company-table", "children"),
    Input("funds-query", "data"),
)
def funds_companies(params):
    """Refunds per company: the largest in a chart, all of them (up to SCREEN_ROWS) in the table."""
    view = View.of(params)
    lang = view.lang
    try:
        companies, n_companies = _companies(view, SCREEN_ROWS)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), _no_data(lang, "no_warehouse")
    return (
        _company_figure(companies, lang),
        _table("funds-refunds-company-grid", companies, COMPANY_COLUMNS, lang, shown_of=n_companies),
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
    fig = bars(top, "bar", ["refund_amount"], lang, orientation="h", yformat=",.2f", height=_hbar_height(len(top), 24))
    return _finish(fig, lang, "x", margin={"t": 20, "l": 10}, showlegend=False)


# ---------------------------------------------------------------- callbacks: navigation


@callback(
    Output("url", "search", allow_duplicate=True),
    *[Input(graph_id, "clickData") for graph_id in CLICKABLE],
    State("url", "search"),
    prevent_initial_call=True,
)
def funds_county_click(*args):
    """Clicking a county's bar (arrears, ledger, refunds) filters the page to that county."""
    search = args[-1]
    click = dict(zip(CLICKABLE, args[:-1], strict=True)).get(ctx.triggered_id)
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0].get("customdata")
    if isinstance(code, list):
        code = code[0] if code else None
    if not (isinstance(code, str) and code.isdigit() and len(code) in (6, 9)):
        return no_update
    new = query.with_params(search, region=code)
    return new if new != (search or "") else no_update


# ---------------------------------------------------------------- callbacks: exports


def _header_lines(view: View) -> list[str]:
    lang = view.lang
    names = region_names(warehouse())
    region = names.get(view.f.region, view.f.region) if view.f.region else label("all_regions", lang)
    return [
        f"{label('region', lang)}：{region}",
        f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
        label("funds_amount_unit", lang),
    ]


def _export_month(view: View) -> pd.DataFrame:
    frame = _months(view)
    return frame.assign(funds_month=frame["funds_month"].map(lambda d: f"{d:%Y-%m}"))


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text in an export."""
    cols = {c: pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d") for c in frame.columns if c.endswith("_on")}
    return frame.assign(**cols)


EXPORTS = {
    "arrears-unit": (lambda v: _arrears_units(v), UNIT_COLUMNS, "funds_arrears_by_unit"),
    "arrears-developer": (lambda v: _developers(v, None)[0], DEVELOPER_COLUMNS, "funds_arrears_by_developer"),
    "projects": (lambda v: _dated(_projects(v, None)[0]), PROJECT_COLUMNS, "funds_arrears_projects"),
    "recoveries-month": (_export_month, MONTH_COLUMNS, "funds_recoveries_by_month"),
    "recoveries-channel": (lambda v: _channels_of(_months(v)), CHANNEL_COLUMNS, "funds_recoveries_by_channel"),
    "ledger-unit": (lambda v: _ledger(v, "unit"), LEDGER_UNIT_COLUMNS, "funds_ledger_by_unit"),
    "ledger-year": (lambda v: _ledger(v, "year"), LEDGER_YEAR_COLUMNS, "funds_ledger_by_year"),
    "approvals": (_approvals, APPROVAL_COLUMNS, "funds_approval_times"),
    "emergency": (lambda v: _dated(_emergency(v, None)[0]), EMERGENCY_COLUMNS, "funds_emergency_list"),
    "refunds-kind": (_kinds, KIND_COLUMNS, "funds_refunds_by_kind"),
    "refunds-unit": (_refund_units, REFUND_UNIT_COLUMNS, "funds_refunds_by_unit"),
    "refunds-company": (lambda v: _companies(v, None)[0], COMPANY_COLUMNS, "funds_refunds_by_company"),
}


def _register_export(name: str, build, columns: list[str], title: str) -> None:
    @callback(
        Output(f"funds-{name}-download", "data"),
        Input(f"funds-{name}-export", "n_clicks"),
        State("funds-query", "data"),
        prevent_initial_call=True,
    )
    def export(_n, params):
        view = View.of(params)
        data = to_excel(build(view), columns, view.lang, label(title, view.lang), _header_lines(view), FORMATS)
        return dcc.send_bytes(data, f"funds-{name}.xlsx")

    export.__name__ = f"funds_export_{name.replace('-', '_')}"


for _name, (_build, _columns, _title) in EXPORTS.items():
    _register_export(_name, _build, _columns, _title)
