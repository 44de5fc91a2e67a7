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

A case clicked in a list opens its trail without redrawing the page: the browser
(assets/trail.js) puts the case into the trail's own store (`escalations-trail`, the page's
query and the case), opens the dialog and writes `case` into the address in place
(history.replaceState, which Dash's router does not hear), so that the address shared
still opens the trail; only the trail's callback runs (pages/_escalations_trail.py). Closing it
takes `case` out again.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, callback, html, no_update

from components import query
from components.charts import empty_figure
from components.i18n import fmt_count, fmt_date, label
from components.loading import unless_seen
from components.panel import Panels, Sheet
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
    _with_top_note,
)
from pages._escalations_layout import _count_tiles, layout
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
    _referral_lists,
    _window_text,
)
from pages._escalations_rows import EscalationsView as View
from pages._escalations_trail import escalations_timeline  # one case's trail, this page's
from pages._view import FIGURE, JOBS, TEXT, WORDS, missing_warehouse, scope, warehouse

dash.register_page(__name__, path="/escalations", name="督办", order=40, label_key="escalations")
__all__ = ["escalations_timeline", "layout"]


panels = Panels(__name__, "escalations", jobs=JOBS)
# the trail's export reads the trail's own query (the page's and the case open), not the page's
trail_panels = Panels(__name__, "escalations", jobs=JOBS, store="escalations-trail")


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("escalations-counts", "children"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
)
@missing_warehouse(TEXT)
def escalations_counts(params, _issued=None):
    """The leadership counts of the period (escalation_counts, as on the overview); again when a
    document was issued or an extension decided here (`escalations-loop`)."""
    view = View.of(params)
    counts = esc.escalation_counts(warehouse(), view.f, scope(), company=view.company)
    return _count_tiles(counts, view.lang)


@callback(
    Output("escalations-actions", "figure"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
    Input("escalations-actions-seen", "data"),
    prevent_initial_call=True,  # nothing asked before the chart is seen
)
@missing_warehouse(FIGURE)
def escalations_actions(params, _issued=None, seen=True):
    """The actions by month, once the chart has come near the screen; again when a document was
    issued here."""
    unless_seen(seen)
    view = View.of(params)
    months = esc.actions_by_month(warehouse(), view.f, scope(), company=view.company)
    return _actions_figure(months, view.lang)


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
    Input("escalations-referrals-seen", "data"),
    prevent_initial_call=True,
)
@missing_warehouse(FIGURE, None, TEXT)
def escalations_referrals(params, seen=True):
    """Referrals by receiving organ with their outcome, and accountability, in the period (once
    the row has come near the screen)."""
    unless_seen(seen)
    view = View.of(params)
    lang = view.lang
    summary, rows = _referral_lists(view)
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
    Input("escalations-watch-seen", "data"),
    prevent_initial_call=True,
)
@missing_warehouse(TEXT, None)
def escalations_watch(params, seen=True):
    """The companies' watch list over the twelve months to the as-of date (it moves with the
    period's end), once the lists have come near the screen."""
    unless_seen(seen)
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


@callback(
    Output("escalations-counties", "children"),
    Input("escalations-query", "data"),
    Input("escalations-watch-seen", "data"),
    prevent_initial_call=True,
)
@missing_warehouse(None)
def escalations_watch_counties(params, seen=True):
    """The counties' watch list over the same twelve months."""
    unless_seen(seen)
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
    (trail_panels if _name == "timeline" else panels).export(_name, _sheet(_name))
