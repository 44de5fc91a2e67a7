"""督办 /escalations: the cases that are not moving, for discipline-inspection supervisors
(纪检监察, 驻局纪检监察组).

The ladder of open cases by level (社区 → 乡镇(街道) → 县级 → 市级) and how long each has sat
there in working days; handling level by level; the open cases, those past their deadline
first; escalation actions by month and kind; referrals (城管, 纪检, 公安) with their outcome;
accountability (问责); watch lists of companies and counties over the last twelve months;
and one case's trail (督办轨迹) in a dialog. Every list exports to Excel with its filters.

URL parameters besides the shared filter: `level` (the open-case list shows that level),
`overdue=1` (only cases past their deadline), `company` (a company's credit code: every
list shows that company's cases), `case` (a case ID: its trail opens). A link therefore
reproduces a view. Definitions live in metrics/escalations.py.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.charts import empty_figure
from components.i18n import fmt_count, fmt_date, label
from components.panel import Panels, Sheet
from components.theme import GRAPH_CONFIG
from metrics import case_trail
from metrics import escalations as esc
from pages import (
    _escalations_ladder,  # noqa: F401  (预警 and the proposals of the ladder, this page's)
    _escalations_loop,  # noqa: F401  (下发与回复: the issue form and the documents issued, this page's)
)
from pages import _loop as loop
from pages._escalations_figures import (
    _actions_figure,
    _flow_figure,
    _flow_path,
    _grid,
    _ladder_figure,
    _referral_figure,
    _trail_figure,
    _with_top_note,
)
from pages._escalations_issue import SELECTION_COLUMN
from pages._escalations_layout import _case_facts, _count_tiles, layout
from pages._escalations_rows import (
    FORMATS,
    LEVEL_CHOICES,
    LISTS,
    WATCH_SHOWN,
    _accountability_rows,
    _audit_phones,
    _company_rows,
    _county_rows,
    _header_lines,
    _open_rows,
    _referral_rows,
    _timeline_rows,
    _window_text,
)
from pages._escalations_rows import EscalationsView as View
from pages._view import FIGURE, JOBS, TEXT, WORDS, message, missing_warehouse, scope, warehouse

dash.register_page(__name__, path="/escalations", name="督办", order=40, label_key="escalations")
__all__ = ["layout"]


panels = Panels(__name__, "escalations", jobs=JOBS)


def _message(key: str, lang: str) -> html.P:
    return message(key, lang)


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("escalations-counts", "children"),
    Output("escalations-actions", "figure"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
)
@missing_warehouse(TEXT, FIGURE)
def escalations_counts(params, _issued=None):
    """The leadership counts of the period (escalation_counts, as on the overview) and the actions by
    month; again when a document was issued or an extension decided here (`escalations-loop`)."""
    view = View.of(params)
    lang = view.lang
    wh = warehouse()
    counts = esc.escalation_counts(wh, view.f, scope(), company=view.company)
    months = esc.actions_by_month(wh, view.f, scope(), company=view.company)
    return _count_tiles(counts, lang), _actions_figure(months, lang)


@callback(
    Output("escalations-ladder", "figure"),
    Output("escalations-flow", "figure"),
    Output("escalations-flow-path", "children"),
    Output("escalations-open-line", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(FIGURE, FIGURE, None, WORDS)
def escalations_ladder(params):
    """The ladder of open cases (level × working days at it) and handling level by level."""
    view = View.of(params)
    lang = view.lang
    try:
        wh = warehouse()
        ladder = esc.ladder(wh, view.f, scope(), company=view.company)
        flow = esc.level_flow(wh, view.f, scope(), company=view.company)
    except esc.DeadlineRulesError as exc:  # the rules file is data a clerk edits: say what is wrong in it
        return empty_figure(str(exc)), no_update, None, str(exc)
    line = label("esc_open_line", lang).format(
        open=fmt_count(ladder["open_cases"].sum()), overdue=fmt_count(ladder["overdue_cases"].sum())
    )
    return _ladder_figure(ladder, lang), _flow_figure(flow, lang), _flow_path(flow, lang), line


@callback(
    Output("escalations-open-title", "children"),
    Output("escalations-open-note", "children"),
    Output("escalations-open", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(lambda lang: label("esc_open_cases", lang).format(date="—"), None, TEXT)
def escalations_open(params):
    """The open cases at the as-of date (a level, past deadline only, a company, as the URL says)."""
    view = View.of(params)
    lang = view.lang
    try:
        rows = _open_rows(view)
        at = esc.watch_window(warehouse(), view.f, scope())[1]
    except esc.DeadlineRulesError as exc:
        return label("esc_open_list", lang), None, html.P(str(exc), className="text-danger")
    _audit_phones("escalations open-case list", view, rows.frame["reporter_phone"])
    notes = [label("esc_list_note", lang), "；" if lang == "zh" else "; ", label("esc_phone_note", lang)]
    if rows.total and rows.total > len(rows.frame):
        notes += [
            "；" if lang == "zh" else "; ",
            label("esc_top_note", lang).format(shown=fmt_count(len(rows.frame)), total=fmt_count(rows.total)),
        ]
    grid = _grid("escalations-open-grid", rows, lang, max_height=520, clickable=True)
    if loop.may("issue") and not isinstance(grid, html.P):  # ticked cases are issued to
        grid.dashGridOptions = {
            **grid.dashGridOptions,
            "rowSelection": {"mode": "multiRow"},
            "selectionColumnDef": {"pinned": "left", "width": 44, "maxWidth": 44, "minWidth": 44},
        }
    return label("esc_open_cases", lang).format(date=fmt_date(at)), notes, grid


@callback(
    Output("escalations-referral-chart", "figure"),
    Output("escalations-referrals", "children"),
    Output("escalations-accountability", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(FIGURE, None, TEXT)
def escalations_referrals(params):
    """Referrals by receiving organ with their outcome, and accountability, in the period."""
    view = View.of(params)
    lang = view.lang
    summary = esc.referral_summary(warehouse(), view.f, scope(), company=view.company)
    rows = _referral_rows(view, shown=True)
    accountable = _accountability_rows(view, shown=True)
    referral_grid = (
        _grid("escalations-referrals-grid", rows, lang, 360, clickable=True, noted=True) if len(rows.frame) else None
    )
    return (
        _referral_figure(summary, lang),
        referral_grid,
        _grid("escalations-accountability-grid", accountable, lang, 420, clickable=True, noted=True),
    )


# Two callbacks, so that the two watch lists are computed side by side.
@callback(
    Output("escalations-companies", "children"),
    Output("escalations-watch-window", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(TEXT, None)
def escalations_watch(params):
    """The companies' watch list over the twelve months to the as-of date (it moves with the period's end)."""
    view = View.of(params)
    lang = view.lang
    try:
        companies = _company_rows(view, WATCH_SHOWN)
        window = _window_text(view)
    except esc.DeadlineRulesError as exc:
        return html.P(str(exc), className="text-danger"), None
    company_grid = _grid("escalations-companies-grid", companies, lang, 460, clickable=True)
    if not isinstance(company_grid, html.P):  # the exit mechanism's cases stand out
        company_grid.rowClassRules = {"light-red": f"params.data.exit_review == '{label('esc_yes', lang)}'"}
    return _with_top_note(company_grid, companies, lang), window


@callback(Output("escalations-counties", "children"), Input("escalations-query", "data"))
@missing_warehouse(None)
def escalations_watch_counties(params):
    """The counties' watch list over the same twelve months."""
    view = View.of(params)
    lang = view.lang
    try:
        counties = _county_rows(view, WATCH_SHOWN)
    except esc.DeadlineRulesError as exc:
        return html.P(str(exc), className="text-danger")
    return _with_top_note(_grid("escalations-counties-grid", counties, lang, 460, clickable=True), counties, lang)


@callback(
    Output("escalations-company", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(None)
def escalations_company(params):
    """With `company`: who it is, and its 黑榜 entries in the last twelve months (the exit mechanism's test)."""
    view = View.of(params)
    if not view.company:
        return None
    lang = view.lang
    rows = esc.company_lists_of(warehouse(), view.f, scope(), view.company)
    name = rows["company_name"].dropna().iloc[0] if rows["company_name"].notna().any() else view.company
    black = rows[rows["list"] == "黑榜"]
    dates = "、".join(pd.to_datetime(black["listed_on"]).dt.strftime("%Y-%m-%d"))
    n = len(black)
    if n >= esc.EXIT_REVIEW_BLACK_LISTS:
        line, cls = label("esc_exit_line", lang).format(n=n, dates=dates), "alert alert-danger py-2 mb-0"
    else:
        line = label("esc_black_line", lang).format(n=n) + (f"（{dates}）" if n else "")
        cls = "alert alert-secondary py-2 mb-0"
    return html.Div(
        [
            html.Strong(f"{name}（{view.company}）" if lang == "zh" else f"{name} ({view.company})"),
            html.Span(" · " + line, id="escalations-company-line"),
        ],
        className=cls,
    )


@callback(
    Output("escalations-timeline-title", "children"),
    Output("escalations-timeline-body", "children"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
)
@missing_warehouse(lambda lang: label("esc_timeline", lang), TEXT)
def escalations_timeline(params, _issued=None):
    """One case's trail: who acted, the level it moved to, the days between steps; links to the
    case's county and community (整改进度) and to its company's escalations."""
    view = View.of(params)
    lang = view.lang
    if not view.case:
        return None, None
    try:
        wh = warehouse()
        head = case_trail.case_header(wh, view.case, scope())
        events = case_trail.case_timeline(wh, view.case, scope())
    except esc.DeadlineRulesError as exc:
        return label("esc_timeline", lang), html.P(str(exc), className="text-danger")
    title = (
        f"{label('esc_timeline', lang)}：{view.case}" if lang == "zh" else f"{label('esc_timeline', lang)}: {view.case}"
    )
    if head.empty:
        return title, _message("esc_case_not_found", lang)
    case = head.iloc[0]
    _audit_phones(f"escalations case {view.case}", view, [case["reporter_phone"]])
    body = [
        _case_facts(view, case),
        dcc.Graph(id="escalations-timeline-chart", config=GRAPH_CONFIG, figure=_trail_figure(case, events, lang)),
    ]
    rows = _timeline_rows(view, events)
    body.append(
        _grid("escalations-timeline-grid", rows, lang, 420) if not events.empty else _message("esc_no_events", lang)
    )
    return title, body


# ---------------------------------------------------------------- callbacks: navigation


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-ladder", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_ladder_click(click, search):
    """Clicking a level's bar lists that level's open cases."""
    if not click or not click.get("points"):
        return no_update
    level = click["points"][0].get("customdata")
    level = level[0] if isinstance(level, list) and level else level
    return query.with_params(search, level=level, case=None) if level in LEVEL_CHOICES else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-overdue", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_overdue(value, search):
    new = query.with_params(search, overdue="1" if value == "1" else None)
    return new if new != (search or "") else no_update


def _register_case_click(grid_id: str) -> None:
    @callback(
        Output("url", "search", allow_duplicate=True),
        Input(grid_id, "cellClicked"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def open_case(cell, search):
        if (cell or {}).get("colId") == SELECTION_COLUMN:  # a tick, not a request for the trail
            return no_update
        case = str((cell or {}).get("rowId") or "")
        return query.with_params(search, case=case) if case else no_update

    open_case.__name__ = f"{grid_id.replace('-', '_')}_click"


for _grid_id in ("escalations-open-grid", "escalations-referrals-grid", "escalations-accountability-grid"):
    _register_case_click(_grid_id)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-companies-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_company_click(cell, search):
    """A company in the watch list: every list shows that company's cases."""
    code = str((cell or {}).get("rowId") or "")
    return query.with_params(search, company=code, case=None, level=None) if code else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-counties-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_county_click(cell, search):
    """A county in the watch list filters the page to it."""
    code = str((cell or {}).get("rowId") or "")
    return query.with_params(search, region=code, case=None, level=None) if code.isdigit() else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Output("escalations-timeline", "is_open"),
    Input("escalations-timeline-close", "n_clicks"),
    Input("escalations-timeline", "is_open"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_timeline_close(_n, is_open, search):
    """Closing the trail drops `case` from the URL."""
    if dash.ctx.triggered_id == "escalations-timeline" and is_open:
        return no_update, no_update
    new = query.with_params(search, case=None)
    return (new if new != (search or "") else no_update), False


# ---------------------------------------------------------------- exports (file escalations-<name>.xlsx)


def _sheet(name: str):
    def sheet(params) -> Sheet:
        view = View.of(params)
        rows = _open_rows(view, limit=None) if name == "open" else LISTS[name](view)
        sent = None
        if name == "open":  # recorded when the file is handed over (components/exports.py)

            def sent():
                _audit_phones("escalations open-case export", view, rows.frame["reporter_phone"])

        title = label(rows.title, view.lang)
        return Sheet(rows.frame, rows.columns, view.lang, title, _header_lines(view, rows), FORMATS, sent=sent)

    return sheet


for _name in LISTS:
    panels.export(_name, _sheet(_name))
