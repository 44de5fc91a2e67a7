"""维修资金 /funds: fund arrears listed, recovered and outstanding (by county, developer and
project; recoveries by month and channel); collection and use with the usage rate (by county
and year); usage approvals and the emergency uses; refunds of illegal fees (by kind, county
and company).

Totals are the KPIs of metrics/kpis.py; the breakdowns come from metrics/funds.py with the
same definitions. A click on a county's bar filters the page to it. Every chart has the rows
behind it in a second tab, exportable to Excel with the filters in header lines (the panels of
components/panel.py; the rows in pages/_funds_rows.py, the charts in pages/_funds_figures.py).
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import query
from components.cards import kpi_card
from components.i18n import fmt_amount, label, lang_of
from components.loading import loading
from components.panel import Panels, Sheet, Size, Table, table
from metrics import funds, kpis, published, targets
from metrics.regions import region_names
from pages import _funds_daily as daily
from pages._funds_figures import (
    _approval_figure,
    _arrears_line,
    _arrears_unit_figure,
    _channel_figure,
    _company_figure,
    _developer_figure,
    _kind_figure,
    _ledger_figure,
    _month_figure,
    _refund_line,
    _refund_unit_figure,
)
from pages._funds_rows import (
    APPROVAL_COLUMNS,
    CHANNEL_COLUMNS,
    COMPANY_COLUMNS,
    DEVELOPER_COLUMNS,
    EMERGENCY_COLUMNS,
    EXPORTS,
    FORMATS,
    KIND_COLUMNS,
    LEDGER_UNIT_COLUMNS,
    LEDGER_YEAR_COLUMNS,
    MONTH_COLUMNS,
    PROJECT_COLUMNS,
    REFUND_UNIT_COLUMNS,
    SCREEN_ROWS,
    UNIT_COLUMNS,
    WIDTHS,
    _approvals,
    _arrears_units,
    _channels_of,
    _companies,
    _developers,
    _emergency,
    _header_lines,
    _kinds,
    _ledger,
    _months,
    _projects,
    _refund_units,
    _sum_row,
)
from pages._funds_rows import FundsView as View
from pages._view import FIGURE, JOBS, TEXT, missing_warehouse, scope, warehouse

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
CLICKABLE = ("funds-arrears-unit", "funds-ledger-unit", "funds-refunds-unit")
TABLE = Table(formats=FORMATS, widths=WIDTHS)
panels = Panels(__name__, "funds", tab_labels=("funds_tab_chart", "funds_tab_table"), jobs=JOBS)


# ---------------------------------------------------------------- layout


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    lang = lang_of(params.get("lang"))
    hint = html.Span(label("funds_click_hint", lang), className="small text-muted ms-2")

    def card(name: str, title: str, **options) -> dbc.Card:
        return panels.card(name, title, lang, wrap_export=True, **options)

    def section(title: str) -> html.Div:
        return html.Div(
            [html.H4(label(title, lang), className="section-title me-3"), hint], className="d-flex align-items-center"
        )

    return html.Div(
        [
            dcc.Store(id="funds-query", data=params),
            html.H4(label("kpis", lang), className="section-title"),
            loading(dbc.Row(id="funds-cards", className="g-2 mb-3"), "cards"),
            # 欠缴与追缴
            section("funds_arrears"),
            loading(html.Div(id="funds-arrears-line", className="funds-line mb-2"), "block"),
            dbc.Row(
                [
                    dbc.Col(card("arrears-unit", "funds_arrears_by_unit"), lg=6),
                    dbc.Col(card("recoveries-month", "funds_recoveries_by_month"), lg=6),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(card("recoveries-channel", "funds_recoveries_by_channel"), lg=4),
                    dbc.Col(card("arrears-developer", "funds_arrears_by_developer"), lg=8),
                ],
                className="g-3 mb-3",
            ),
            card("projects", "funds_arrears_projects", tabs=False, class_name="mb-3"),
            html.Div(id="funds-recoveries-day-hint"),
            card("recoveries-day", "funds_recoveries_by_day", class_name="mb-3"),
            # 归集与使用
            section("funds_ledger"),
            dbc.Row(
                [
                    dbc.Col(card("ledger-unit", "funds_ledger_by_unit"), lg=6),
                    dbc.Col(card("ledger-year", "funds_ledger_by_year"), lg=6),
                ],
                className="g-3 mb-3",
            ),
            html.H4(label("funds_usages", lang), className="section-title"),
            dbc.Row(
                [
                    dbc.Col(card("approvals", "funds_approval_times"), lg=5),
                    dbc.Col(card("emergency", "funds_emergency_list", tabs=False), lg=7),
                ],
                className="g-3 mb-3",
            ),
            # 违规收费清退
            section("funds_refunds"),
            loading(html.Div(id="funds-refunds-line", className="funds-line mb-2"), "block"),
            dbc.Row(
                [
                    dbc.Col(card("refunds-kind", "funds_refunds_by_kind"), lg=5),
                    dbc.Col(card("refunds-unit", "funds_refunds_by_unit"), lg=7),
                ],
                className="g-3 mb-3",
            ),
            dbc.Row(dbc.Col(card("refunds-company", "funds_refunds_by_company")), className="g-3 mb-4"),
        ],
        id="funds-page",
    )


def _table(name: str, frame, columns: list[str], lang: str, total=None, shown_of=None, max_height: int = 460):
    """The grid `funds-<name>-grid` of the rows behind a chart; `total` pins a 合计 row."""
    return table(
        f"funds-{name}-grid", frame, columns, lang, TABLE, Size(130, 220, max_height), total=total, shown_of=shown_of
    )


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("funds-cards", "children"),
    Output("funds-arrears-line", "children"),
    Input("funds-query", "data"),
)
@missing_warehouse(TEXT, None)
def funds_cards(params):
    """The KPI cards (the catalogue's definitions) and the arrears ledger in four counts."""
    view = View.of(params)
    lang = view.lang
    wh = warehouse()
    values = kpis.compute(wh, CARD_KPIS, view.f, scope())
    summary = funds.arrears_summary(wh, view.f, scope())
    notes = published.notes(values, view.f, scope())
    bounds = targets.in_force(view.f)
    cards = [
        dbc.Col(
            kpi_card(values[k], lang, card_id=f"funds-kpi-{k}", published=notes.get(k), bounds=bounds.get(k)),
            xs=6,
            md=4,
            xl=3,
        )
        for k in CARD_KPIS
    ]
    return cards, _arrears_line(summary, lang)


@missing_warehouse(FIGURE, TEXT)
def funds_arrears(params):
    """Listed, recovered in the period and outstanding per county."""
    view = View.of(params)
    units = _arrears_units(view)
    unit_total = _sum_row(units, UNIT_COLUMNS, "unit_name", view.lang)
    unit_total["arrears_recovery_rate"] = kpis.rate_from("arrears_recovery_rate", unit_total)
    return _arrears_unit_figure(units, view.lang), _table("arrears-unit", units, UNIT_COLUMNS, view.lang, unit_total)


@missing_warehouse(FIGURE, TEXT, TEXT)
def funds_developers(params):
    """Listed, recovered and outstanding per developer and per project."""
    view = View.of(params)
    lang = view.lang
    developers, n_developers = _developers(view, SCREEN_ROWS)
    projects, n_projects = _projects(view, SCREEN_ROWS)
    return (
        _developer_figure(developers, lang),
        _table("arrears-developer", developers, DEVELOPER_COLUMNS, lang, shown_of=n_developers),
        _table("projects", projects, PROJECT_COLUMNS, lang, shown_of=n_projects, max_height=520),
    )


@missing_warehouse(FIGURE, TEXT)
def funds_recoveries(params):
    """Recoveries in the period by month, stacked by channel."""
    view = View.of(params)
    lang = view.lang
    months = _months(view)
    total = _sum_row(months, MONTH_COLUMNS, "funds_month", lang)
    shown = months.assign(funds_month=[f"{d:%Y-%m}" for d in months["funds_month"]])
    grid_ = _table("recoveries-month", shown, MONTH_COLUMNS, lang, total)
    unmatched = funds.unmatched_recoveries(warehouse(), view.f, scope())
    if unmatched["recoveries"]:
        note = label("funds_unmatched_recoveries", lang).format(
            n=unmatched["recoveries"], amount=fmt_amount(unmatched["amount"], lang)
        )
        grid_ = html.Div([grid_, html.P(note, className="text-muted small mt-2", id="funds-unmatched-recoveries")])
    return _month_figure(months, lang), grid_


@missing_warehouse(FIGURE, TEXT)
def funds_channels(params):
    """Recoveries in the period by channel."""
    view = View.of(params)
    channels = _channels_of(_months(view))
    total = {
        **_sum_row(channels, CHANNEL_COLUMNS, "funds_channel", view.lang),
        "funds_share": 1.0 if len(channels) else None,
    }
    return _channel_figure(channels, view.lang), _table(
        "recoveries-channel", channels, CHANNEL_COLUMNS, view.lang, total
    )


def _ledger_outputs(by: str, x: str, columns: list[str]):
    @missing_warehouse(FIGURE, TEXT)
    def draw(params):
        """Collected, used and the usage rate in the years of the period, per county or per year."""
        view = View.of(params)
        frame = _ledger(view, by)
        total = _sum_row(frame, columns, x, view.lang)
        total["fund_usage_rate"] = kpis.rate_from("fund_usage_rate", total)
        if by == "year":
            frame = frame.assign(year=frame["year"].astype(str))
        return (
            _ledger_figure(frame, x, view.lang, "unit" if by == "unit" else None),
            _table(f"ledger-{by}", frame, columns, view.lang, total),
        )

    return draw


@missing_warehouse(FIGURE, TEXT, TEXT)
def funds_usages(params):
    """How long approvals took, emergency against ordinary uses; the emergency uses one by one."""
    view = View.of(params)
    lang = view.lang
    approvals = _approvals(view)
    emergency, n_emergency = _emergency(view, SCREEN_ROWS)
    total = _sum_row(approvals, APPROVAL_COLUMNS, "funds_days_bucket", lang)
    return (
        _approval_figure(approvals, lang),
        _table("approvals", approvals, APPROVAL_COLUMNS, lang, total),
        _table("emergency", emergency, EMERGENCY_COLUMNS, lang, shown_of=n_emergency, max_height=400),
    )


@callback(
    Output("funds-refunds-line", "children"),
    Output("funds-refunds-kind", "figure"),
    Output("funds-refunds-kind-table", "children"),
    Input("funds-query", "data"),
)
@missing_warehouse(None, FIGURE, TEXT)
def funds_refunds(params):
    """Refunds by kind, with the distinct companies per kind and per kind group, and the report's sentence."""
    view = View.of(params)
    kinds = _kinds(view)
    names = region_names(warehouse())
    return (
        _refund_line(kinds, names, view.lang),
        _kind_figure(kinds, view.lang),
        _table("refunds-kind", kinds, KIND_COLUMNS, view.lang),
    )


@missing_warehouse(FIGURE, TEXT)
def funds_refund_units(params):
    """Refunds per county, stacked by kind."""
    view = View.of(params)
    units = _refund_units(view)
    unit_total = {**_sum_row(units, REFUND_UNIT_COLUMNS, "unit_name", view.lang), "funds_companies": None}
    return _refund_unit_figure(units, view.lang), _table(
        "refunds-unit", units, REFUND_UNIT_COLUMNS, view.lang, unit_total
    )


@missing_warehouse(FIGURE, TEXT)
def funds_companies(params):
    """Refunds per company: the largest in a chart, all of them (up to SCREEN_ROWS) in the table."""
    view = View.of(params)
    companies, n_companies = _companies(view, SCREEN_ROWS)
    return (
        _company_figure(companies, view.lang),
        _table("refunds-company", companies, COMPANY_COLUMNS, view.lang, shown_of=n_companies),
    )


funds_arrears = panels.draw("arrears-unit", funds_arrears)
funds_developers = panels.draw("arrears-developer", funds_developers, extra=[("funds-projects-table", "children")])
funds_recoveries = panels.draw("recoveries-month", funds_recoveries)


@missing_warehouse(FIGURE, TEXT, None)
def funds_recoveries_day(params):
    """Recoveries day by day in a period of a month or two (the May 2025 集中攻坚), with the cumulative line."""
    view = View.of(params)
    rows = daily.day_rows(view)
    grid_ = _table("recoveries-day", rows, daily.DAY_COLUMNS, view.lang)
    return daily.day_figure(rows, view.lang), grid_, daily.hint(rows, view.lang, view)


funds_recoveries_day = panels.draw(
    "recoveries-day", funds_recoveries_day, extra=[("funds-recoveries-day-hint", "children")]
)
funds_channels = panels.draw("recoveries-channel", funds_channels)
funds_ledger_unit = panels.draw("ledger-unit", _ledger_outputs("unit", "unit_name", LEDGER_UNIT_COLUMNS))
funds_ledger_year = panels.draw("ledger-year", _ledger_outputs("year", "year", LEDGER_YEAR_COLUMNS))
funds_usages = panels.draw("approvals", funds_usages, extra=[("funds-emergency-table", "children")])
funds_refund_units = panels.draw("refunds-unit", funds_refund_units)
funds_companies = panels.draw("refunds-company", funds_companies)


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


# ---------------------------------------------------------------- exports (file funds-<name>.xlsx)


def _sheet(build, columns: list[str], title: str):
    def sheet(params) -> Sheet:
        view = View.of(params)
        return Sheet(build(view), columns, view.lang, label(title, view.lang), _header_lines(view), FORMATS)

    return sheet


for _name, (_build, _columns, _title) in EXPORTS.items():
    panels.export(_name, _sheet(_build, _columns, _title))
panels.export("recoveries-day", _sheet(daily.day_rows, daily.DAY_COLUMNS, "funds_recoveries_by_day"))
