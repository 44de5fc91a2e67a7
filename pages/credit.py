"""信用 /credit: credit rating in the open — the rules as versioned data, the four dimension
scores, what each grade (and three 黑榜 listings in twelve months) triggers and whether it was
carried out, and the public disclosure list (公示) as an export.

Every figure comes from metrics/credit.py (the actions due and done, the list) and the KPI
catalogue (credit_a_share, credit_action_rate); the page joins them to their drawing.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html

from components.cards import kpi_card
from components.charts import bars, stacked
from components.i18n import label, lang_of
from components.loading import loading
from components.panel import ROW_CAP, Panels, Sheet, Table, table
from metrics import credit, kpis, targets
from pages import _credit_rows as rows
from pages._ratings_rows import _header_lines
from pages._view import JOBS, TEXT, View, figure, missing_warehouse, scope, warehouse

dash.register_page(__name__, path="/credit", name="信用", order=31, label_key="credit")

CARD_KPIS = ["credit_a_share", "credit_action_rate"]
STATUS_COLORS = ["#2e7d32", "#f9a825", "#c62828", "#9e9e9e"]  # 已落实 落实中 未落实 未登记
EMPTY = figure(320)
panels = Panels(__name__, "credit", jobs=JOBS)
# many columns, scrolled sideways: the names a reader looks for get room, the rest 110 px
WIDE = Table(default_width=110, widths={"company_name": 220, "version": 230, "source": 260})


def layout(**params) -> html.Div:
    lang = lang_of(params.get("lang"))
    note = lambda key: html.Div(label(key, lang), className="text-muted small mb-1")  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="credit-query", data={k: v for k, v in params.items() if isinstance(v, str)}),
            html.H4(label("credit_title", lang), className="section-title"),
            loading(dbc.Row(id="credit-cards", className="g-2 mb-3"), "cards"),
            html.H4(label("credit_rules", lang), className="section-title"),
            note("credit_rules_note"),
            html.Div(id="credit-rules-problem"),
            loading(html.Div(id="credit-rules-table", className="mb-3"), "table"),
            dbc.Row(
                [
                    dbc.Col(panels.card("dimensions", "credit_dimensions", lang), lg=6, className="mb-2"),
                    dbc.Col(panels.card("kinds", "credit_actions", lang), lg=6, className="mb-2"),
                ]
            ),
            panels.header("credit_actions", "actions", lang),
            note("credit_actions_note"),
            loading(html.Div(id="credit-actions-table", className="mb-3"), "table"),
            panels.header("credit_disclosure", "disclosure", lang),
            note("credit_disclosure_note"),
            html.Div(id="credit-disclosure-band", className="small mb-1"),
            loading(html.Div(id="credit-disclosure-table", className="mb-3"), "table"),
        ],
        id="credit-page",
    )


@callback(Output("credit-cards", "children"), Input("credit-query", "data"))
@missing_warehouse(TEXT)
def credit_cards(params):
    """The page's KPIs, from the catalogue (metrics/kpis.py)."""
    view = View.of(params)
    values = kpis.compute(warehouse(), CARD_KPIS, view.f, scope())
    bounds = targets.in_force(view.f)
    return [
        dbc.Col(kpi_card(values[k], view.lang, card_id=f"credit-kpi-{k}", bounds=bounds.get(k)), xs=6, xl=3)
        for k in CARD_KPIS
    ]


@callback(
    Output("credit-rules-table", "children"),
    Output("credit-rules-problem", "children"),
    Input("credit-query", "data"),
)
@missing_warehouse(TEXT, None)
def credit_rules(params):
    """Every version of the rules, and what is wrong with the file when something is."""
    view = View.of(params)
    frame, problem = rows.rule_rows(warehouse(), view.lang)
    shown = table("credit-rules-grid", frame, rows.RULE_COLUMNS, view.lang, WIDE)
    warn = (
        dbc.Alert(label("credit_rules_problem", view.lang).format(problem=problem), color="warning")
        if problem
        else None
    )
    return shown, warn


@missing_warehouse(EMPTY, TEXT)
def _dimensions(params):
    """The four dimension scores and the total, averaged per grade (latest rating year of the period)."""
    view = View.of(params)
    frame = rows.dimension_rows(warehouse(), view.f)
    fig = bars(frame, "grade", ["score", *rows.credit.DIMENSIONS], view.lang, height=320)
    return fig, table(
        "credit-dimensions-grid", frame, rows.DIMENSION_COLUMNS, view.lang, Table(formats={"companies": "count"})
    )


@missing_warehouse(EMPTY, TEXT)
def _kinds(params):
    """Due actions per action, stacked by whether they were carried out."""
    view = View.of(params)
    frame = rows.kind_rows(warehouse(), view.f)
    actions = list(dict.fromkeys(frame["action"]))
    series = [
        (
            status,
            [
                int(frame[(frame["action"] == a) & (frame["credit_status"] == status)]["actions_due"].sum())
                for a in actions
            ],
        )
        for status in rows.STATUS_ORDER
    ]
    fig = stacked(actions, series, colors=STATUS_COLORS, value_name=label("actions_due", view.lang), height=320)
    return fig, table("credit-kinds-grid", frame, rows.KIND_COLUMNS, view.lang, Table(formats={"actions_due": "count"}))


panels.draw("dimensions", _dimensions)
panels.draw("kinds", _kinds)


@callback(
    Output("credit-actions-table", "children"),
    Output("credit-disclosure-table", "children"),
    Output("credit-disclosure-band", "children"),
    Input("credit-query", "data"),
)
@missing_warehouse(TEXT, TEXT, None)
def credit_lists(params):
    """The actions due (those not carried out first) and the disclosure list."""
    view = View.of(params)
    wh = warehouse()
    # the lists cut in SQL to the rows a table sends, with how many there are (the export has all)
    actions = rows.action_rows(wh, view.f, view.lang, ROW_CAP)
    listed = rows.disclosure_rows(wh, view.f, view.lang, ROW_CAP)

    due = int(actions["total"].iloc[0]) if len(actions) else 0
    companies, off = credit.disclosure_counts(wh, view.f, scope())
    band = html.Span(label("credit_out_of_band", view.lang).format(n=off), className="text-danger") if off else None
    return (
        table("credit-actions-grid", actions, rows.ACTION_COLUMNS, view.lang, WIDE, shown_of=due),
        table("credit-disclosure-grid", listed, rows.DISCLOSURE_COLUMNS, view.lang, WIDE, shown_of=companies),
        band,
    )


def _sheet(key: str):
    def sheet(params) -> Sheet:
        """The rows behind a panel as .xlsx, with the filters in the header lines."""
        view = View.of(params)
        wh = warehouse()
        title_key, columns, formats = rows.TABLES[key]
        frame = rows.table_frame(key, wh, view.f, view.lang)
        return Sheet(frame, columns, view.lang, label(title_key, view.lang), _header_lines(view, wh), formats)

    return sheet


EXPORTS = {key: panels.export(key, _sheet(key)) for key in rows.TABLES}
