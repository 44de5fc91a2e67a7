"""督办's trail of one case (pages/escalations.py lays the dialog out: pages/_escalations_layout.py):
who acted, the level it moved to, the days between steps. Drawn by its own callback from the
trail's store (`escalations-trail`: the page's query and the case), which the address's `case`
sets when the page opens and a click on a case in a list sets in the browser (assets/trail.js,
which also opens and closes the dialog and writes `case` into the address in place): opening a
trail redraws nothing else of the page. Registered as 督办's own (its `Panels`): the guard lets a
viewer call it only when he may open 督办."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html

from components.i18n import label
from components.panel import Panels
from components.theme import GRAPH_CONFIG
from metrics import case_trail
from metrics import escalations as esc
from pages._escalations_figures import _grid, _trail_figure
from pages._escalations_layout import _case_facts
from pages._escalations_rows import EscalationsView as View
from pages._escalations_rows import _audit_phones, _timeline_rows
from pages._view import TEXT, message, missing_warehouse, scope, warehouse

panels = Panels("pages.escalations", "escalations")


@panels.callback(
    "escalations_timeline",
    Output("escalations-timeline-title", "children"),
    Output("escalations-timeline-body", "children"),
    Input("escalations-trail", "data"),
    Input("escalations-loop", "data"),
)
@missing_warehouse(lambda lang: label("esc_timeline", lang), TEXT)
def escalations_timeline(params, _issued=None):
    """One case's trail: who acted, the level it moved to, the days between steps; links to the
    case's county and community (整改进度) and to its company's escalations. `params`: the
    trail's store, the page's query with the case opened (from the address, or a click)."""
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
        return title, message("esc_case_not_found", lang)
    case = head.iloc[0]
    _audit_phones(f"escalations case {view.case}", view, [case["reporter_phone"]])
    body = [
        _case_facts(view, case),
        dcc.Graph(id="escalations-timeline-chart", config=GRAPH_CONFIG, figure=_trail_figure(case, events, lang)),
    ]
    rows = _timeline_rows(view, events)
    body.append(
        _grid("escalations-timeline-grid", rows, lang, 420) if not events.empty else message("esc_no_events", lang)
    )
    return title, body


# A case clicked in a list (not its tick box) opens its trail; closing it closes it: the trail's
# store and the dialog, and `case` in the address written in place (assets/trail.js). One
# callback per list: a list not drawn yet (a lazy section) must not hold up the others.
for _grid_id in ("escalations-open-grid", "escalations-referrals-grid", "escalations-accountability-grid"):
    clientside_callback(
        ClientsideFunction("kanban", "trailOpen"),
        Output("escalations-trail", "data", allow_duplicate=True),
        Output("escalations-timeline", "is_open", allow_duplicate=True),
        Input(_grid_id, "cellClicked"),
        State("escalations-query", "data"),
        prevent_initial_call=True,
    )

clientside_callback(
    ClientsideFunction("kanban", "trailClose"),
    Output("escalations-trail", "data", allow_duplicate=True),
    Output("escalations-timeline", "is_open", allow_duplicate=True),
    Input("escalations-timeline-close", "n_clicks"),
    Input("escalations-timeline", "is_open"),
    State("escalations-query", "data"),
    State("escalations-trail", "data"),
    prevent_initial_call=True,
)
