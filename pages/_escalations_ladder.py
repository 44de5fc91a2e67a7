"""预警 and 升级督办建议 on 督办 /escalations: the early warnings of the view (metrics/warnings.py,
in the viewer's scope) beside the escalations the rules proposed (workflow/ladder.py), each
confirmed (issued through workflow.desk like an issue from the form) or dismissed with one click
by a leader or supervisor. Why here and not on the overview: a warning asks for an act — a 催办,
a 提醒函 — and the acts, their form and their documents are on 督办; the overview's 需要关注
keeps the standing exceptions of a period. The callbacks are 督办's own (its `Panels`), and
every act is checked again on the server (workflow/ladder_desk.py)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html, no_update

from components.alarms import warning_list
from components.i18n import fmt_count, label
from components.loading import loading
from components.panel import Panels
from metrics.regions import region_names
from pages import _loop as loop
from pages._escalations_rows import EscalationsView as View
from pages._view import missing_warehouse, scope, warehouse
from pages._warnings import at_text, groups, warnings_of
from workflow import desk, ladder_desk

panels = Panels("pages.escalations", "escalations")
SHOWN = 20  # proposals listed at once (the oldest wait longest: they come first)


def ladder_row(lang: str) -> dbc.Row:
    """The row at the top of 督办: 预警 (left) and the proposals to confirm (right)."""
    return dbc.Row(
        [
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.H4(label("warnings_title", lang), className="section-title"),
                            loading(html.Div(id="escalations-warnings"), "table"),
                        ]
                    ),
                    className="h-100",
                ),
                lg=6,
            ),
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.H4(label("ladder_title", lang), className="section-title"),
                            html.Div(id="escalations-ladder-message"),
                            loading(html.Div(id="escalations-proposals"), "table"),
                        ]
                    ),
                    className="h-100",
                ),
                lg=6,
            ),
        ],
        className="g-3 mb-3",
        id="escalations-ladder-row",
    )


@panels.callback(
    "escalations_warnings",
    Output("escalations-warnings", "children"),
    Input("escalations-query", "data"),
)
@missing_warehouse(lambda lang: None)
def escalations_warnings(params):
    view = View.of(params)
    w = warnings_of(view.f, scope())
    return warning_list("escalations", groups(w, view.lang, params=view.params), at_text(w, view.lang), view.lang)


@panels.callback(
    "escalations_proposals",
    Output("escalations-proposals", "children"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
)
def escalations_proposals(params, _counter):
    return proposals_list(View.of(params))


def proposals_list(view: View) -> html.Div:
    """The proposals waiting in the view's region, oldest first, with their two buttons for a
    viewer who may issue (the others read them)."""
    lang = view.lang
    region = (view.f.region or "")[:6]
    waiting = [e for e in ladder_desk.listed(loop.store()) if e.county.startswith(_prefix(region))][::-1]
    if not waiting:
        return html.P(label("ladder_none", lang), className="text-muted mb-0")
    names = region_names(warehouse())
    may = loop.may("issue")
    items = []
    for e in waiting[:SHOWN]:
        line = label("ladder_item", lang).format(
            id=e.id,
            made_on=e.made_on,
            leads_to=label(f"action.{e.leads_to}", lang),
            unit_name=names.get(e.county, e.county),
            n=fmt_count(len(e.cases)),
            cases="、".join(e.cases[:5]) + ("…" if len(e.cases) > 5 else ""),
        )
        buttons = (
            [
                html.Button(
                    label("ladder_confirm", lang),
                    id={"type": "escalations-ladder-act", "id": e.id, "act": "confirm"},
                    className="btn btn-sm btn-danger py-0",
                ),
                html.Button(
                    label("ladder_dismiss", lang),
                    id={"type": "escalations-ladder-act", "id": e.id, "act": "dismiss"},
                    className="btn btn-sm btn-outline-secondary py-0",
                ),
            ]
            if may
            else []
        )
        items.append(
            html.Li(
                [
                    html.Div(
                        [html.Span(line, className="fw-semibold small me-auto"), *buttons],
                        className="d-flex flex-wrap align-items-center gap-1",
                    ),
                    html.Div(e.reason + (f"（{e.note}）" if e.note else ""), className="small text-muted"),
                ],
                className="mb-2",
                id=f"escalations-proposal-{e.id}",
            )
        )
    more = (
        [html.P(label("warnings_more", lang).format(n=len(waiting) - SHOWN), className="small")]
        if len(waiting) > SHOWN
        else []
    )
    return html.Div([html.Ul(items, className="list-unstyled mb-1"), *more])


def _prefix(region: str) -> str:
    """The code prefix of a region filter: a city's four digits, a county's six, none for all."""
    if not region or region.endswith("0000"):
        return ""
    return region[:4] if region.endswith("00") else region


@panels.callback(
    "escalations_ladder_act",
    Output("escalations-ladder-message", "children"),
    Output("escalations-loop", "data", allow_duplicate=True),
    Input({"type": "escalations-ladder-act", "id": ALL, "act": ALL}, "n_clicks"),
    State("escalations-loop", "data"),
    State("escalations-query", "data"),
    prevent_initial_call=True,
)
def escalations_ladder_act(clicks, counter, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    return ladder_clicked(loop.trigger_of(), counter, View.of(params).lang)


def ladder_clicked(trigger: dict | None, counter, lang: str):
    """Confirm or dismiss the proposal a button names, as the viewer: (message, new counter)."""
    if not trigger:
        return no_update, no_update
    try:
        if trigger.get("act") == "confirm":
            done = ladder_desk.confirm(loop.store(), warehouse(), loop.viewer(), trigger.get("id"), today=loop.today())
            text = label("ladder_confirmed", lang).format(doc=done.doc_no)
        else:
            done = ladder_desk.dismiss(loop.store(), loop.viewer(), trigger.get("id"))
            text = label("ladder_dismissed", lang).format(id=done.id)
    except desk.WorkflowError as exc:
        return loop.message(False, str(exc)), no_update
    return loop.message(True, text), (counter or 0) + 1
