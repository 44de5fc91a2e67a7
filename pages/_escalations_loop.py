"""The callbacks of 下发与回复 on 督办 /escalations (layout and drawing: pages/_escalations_issue.py),
registered as the page's own through its `Panels` (the access guard treats them as its): the
cases ticked, the issue form and its deadline, issuing (workflow/desk.py), the documents of the
view, one document's cases, a decision on a request for more time, a document's files."""

from __future__ import annotations

import secrets

from dash import ALL, ClientsideFunction, Input, Output, State, clientside_callback, html, no_update

from components.i18n import label
from components.loading import unless_seen
from components.panel import Panels
from pages import _loop as loop
from pages._escalations_figures import _grid
from pages._escalations_issue import (
    deadline_text,
    document_detail,
    documents_line,
    documents_rows,
    issue_list,
    issue_result,
    view_documents,
)
from pages._escalations_rows import EscalationsView as View
from pages._view import warehouse
from vocab.workflow import DEFAULT_WORKDAYS, DEMANDS, KINDS
from workflow import desk, register

# ---------------------------------------------------------------- callbacks (the page's own)


# Registered as 督办's own (pages/escalations.py imports this module): the guard lets a viewer
# call them only when he may open 督办, and the acts check the rest.
panels = Panels("pages.escalations", "escalations")


# The cases ticked in the open list, the line saying how many and the 下发 button's state: in the
# browser (assets/trail.js), at once, without a round trip after every tick and every drawing of the
# list (the grid sets its selection when drawn).
clientside_callback(
    ClientsideFunction("kanban", "selection"),
    Output("escalations-issue-selection", "data"),
    Output("escalations-selected", "children"),
    Output("escalations-issue-open", "disabled"),
    Input("escalations-open-grid", "selectedRows"),
    State("escalations-selection-words", "data"),
    prevent_initial_call=True,
)


def open_form(case_ids, params):
    """The form opened on these cases, with a fresh one-time token and its button enabled (for a
    viewer who may issue: the button is not drawn for the others, and a crafted call gets nothing)."""
    if not loop.may("issue"):
        return (no_update,) * 6
    lang = View.of(params).lang
    return True, case_ids, issue_list(case_ids, lang), None, secrets.token_urlsafe(16), False


@panels.callback(
    "escalations_issue_open",
    Output("escalations-issue", "is_open"),
    Output("escalations-issue-cases", "data"),
    Output("escalations-issue-list", "children"),
    Output("escalations-issue-result", "children"),
    Output("escalations-issue-token", "data"),
    Output("escalations-issue-submit", "disabled"),
    Input("escalations-issue-open", "n_clicks"),
    State("escalations-issue-selection", "data"),
    State("escalations-query", "data"),
    prevent_initial_call=True,
)
def escalations_issue_open(n, selection, params):
    return open_form(list(selection or []), params) if n else (no_update,) * 6


@panels.callback(
    "escalations_issue_for_case",
    Output("escalations-issue", "is_open", allow_duplicate=True),
    Output("escalations-issue-cases", "data", allow_duplicate=True),
    Output("escalations-issue-list", "children", allow_duplicate=True),
    Output("escalations-issue-result", "children", allow_duplicate=True),
    Output("escalations-issue-token", "data", allow_duplicate=True),
    Output("escalations-issue-submit", "disabled", allow_duplicate=True),
    Input("escalations-timeline-issue", "n_clicks"),
    State("escalations-trail", "data"),
    prevent_initial_call=True,
)
def escalations_issue_for_case(n, params):
    """下发 from a case's trail: the form opened on that case (the trail's store names it)."""
    case = View.of(params).case
    return open_form([case], params) if n and case else (no_update,) * 6


@panels.callback(
    "escalations_issue_kind",
    Output("escalations-issue-days", "value"),
    Output("escalations-issue-demand", "value"),
    Input("escalations-issue-kind", "value"),
    prevent_initial_call=True,
)
def escalations_issue_kind(kind):
    return (DEFAULT_WORKDAYS[kind], DEMANDS[kind]) if kind in KINDS else (no_update, no_update)


@panels.callback(
    "escalations_issue_deadline",
    Output("escalations-issue-deadline", "children"),
    Input("escalations-issue-days", "value"),
    State("escalations-query", "data"),
)
def escalations_issue_deadline(days, params):
    return deadline_text(days, View.of(params).lang)


@panels.callback(
    "escalations_issue_submit",
    Output("escalations-issue-result", "children", allow_duplicate=True),
    Output("escalations-loop", "data"),
    Output("escalations-issue-submit", "disabled", allow_duplicate=True),
    Input("escalations-issue-submit", "n_clicks"),
    State("escalations-issue-kind", "value"),
    State("escalations-issue-days", "value"),
    State("escalations-issue-demand", "value"),
    State("escalations-issue-cases", "data"),
    State("escalations-issue-token", "data"),
    State("escalations-loop", "data"),
    State("escalations-query", "data"),
    prevent_initial_call=True,
)
def escalations_issue_submit(n, kind, days, demand, case_ids, token, counter, params):
    if not n:
        return no_update, no_update, no_update
    return issue_clicked(kind, days, demand, case_ids, token, counter, View.of(params).lang)


@panels.callback(
    "escalations_documents",
    Output("escalations-documents", "children"),
    Output("escalations-documents-line", "children"),
    Input("escalations-query", "data"),
    Input("escalations-loop", "data"),
    Input("escalations-documents-seen", "data"),
    prevent_initial_call=True,  # nothing asked before the card is seen
)
def escalations_documents(params, _counter, seen=True):
    """The documents issued for the view (once the card has come near the screen), and the line
    counting them; again when one is issued or decided here (`escalations-loop`)."""
    unless_seen(seen)
    view = View.of(params)
    docs = view_documents(view)
    if not docs:
        return html.P(label("loop_no_documents", view.lang), className="text-muted"), None
    grid = _grid("escalations-documents-grid", documents_rows(docs, view.lang), view.lang, 300, clickable=True)
    return grid, documents_line(docs, view.lang)


@panels.callback(
    "escalations_document_pick",
    Output("escalations-document", "data"),
    Input("escalations-documents-grid", "cellClicked"),
    prevent_initial_call=True,
)
def escalations_document_pick(cell):
    doc = str((cell or {}).get("rowId") or "")
    return int(doc) if doc.isdigit() else no_update


@panels.callback(
    "escalations_document_detail",
    Output("escalations-document-detail", "children"),
    Input("escalations-document", "data"),
    Input("escalations-loop", "data"),
    State("escalations-query", "data"),
    prevent_initial_call=True,  # no document is picked when the page opens
)
def escalations_document_detail(doc_id, _counter, params):
    lang = View.of(params).lang
    found = register.documents(loop.store(), ids=[doc_id]) if isinstance(doc_id, int) else []
    if not found or not loop.may("read", found[0].county):
        return None
    return document_detail(found[0], lang)


@panels.callback(
    "escalations_decide",
    Output("escalations-decide-message", "children"),
    Output("escalations-loop", "data", allow_duplicate=True),
    Input({"type": "escalations-decide", "doc": ALL, "case": ALL, "verdict": ALL}, "n_clicks"),
    State("escalations-loop", "data"),
    State("escalations-query", "data"),
    prevent_initial_call=True,
)
def escalations_decide(clicks, counter, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    return decide_clicked(loop.trigger_of(), counter, View.of(params).lang)


@panels.callback(
    "escalations_doc_file",
    Output("escalations-doc-download", "data"),
    Output("escalations-decide-message", "children", allow_duplicate=True),
    Input({"type": "escalations-file", "doc": ALL, "fmt": ALL}, "n_clicks"),
    State("escalations-query", "data"),
    prevent_initial_call=True,
)
def escalations_doc_file(clicks, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    return loop.send_file(loop.trigger_of(), View.of(params).lang)


def issue_clicked(kind, days, demand, case_ids, token, counter, lang: str):
    """Issue what the form says: (the documents issued, or why not; the new counter; the button
    disabled once issued, so that a second click cannot issue again)."""
    try:
        docs = desk.issue(
            loop.store(), warehouse(), loop.viewer(), kind, case_ids, days, demand, today=loop.today(), token=token
        )
    except desk.WorkflowError as exc:
        return loop.message(False, str(exc)), no_update, no_update
    return issue_result(docs, lang), (counter or 0) + 1, True


def decide_clicked(trigger: dict | None, counter, lang: str):
    """Grant or refuse the request a `escalations-decide` button names: (message, new counter)."""
    if not trigger:
        return no_update, no_update
    grant = trigger.get("verdict") == "grant"
    ok, text = loop.act(
        desk.decide,
        trigger.get("doc"),
        trigger.get("case"),
        grant,
        "",
        done="loop_granted_done" if grant else "loop_refused_done",
        lang=lang,
    )
    return loop.message(ok, text), (counter or 0) + 1 if ok else no_update


@panels.callback(
    "escalations_attachment",
    Output("escalations-doc-download", "data", allow_duplicate=True),
    Output("escalations-decide-message", "children", allow_duplicate=True),
    Input({"type": "escalations-attachment", "id": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def escalations_attachment(clicks):
    """A reply's attachment, to whoever may read its document."""
    if not loop.clicked(clicks):
        return no_update, no_update
    return loop.send_attachment(loop.trigger_of())
