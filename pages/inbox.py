"""待办 /inbox (county officers only): the documents issued to the officer's county — 交办, 催办,
提醒函, 督办函, 约谈通知 — with the working days left by the official calendar; 签收 (sign for a
document), then per case a reply (整改情况, with photos or a PDF as evidence) or a request for more time (延期申请: the reason and
the date), which the issuer grants or refuses on 督办. The documents' .docx and PDF download here.
Above them, 预警: the early warnings of the officer's county (metrics/warnings.py).

Every act is workflow/desk.py's: checked on the server (an officer acts on his own county's
documents only, whatever a crafted request names), written in one transaction of the access
store, audited. The page's callbacks are its own, so only a county officer may call them.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import ALL, MATCH, Input, Output, State, callback, dcc, html, no_update

from components.alarms import warning_list
from components.i18n import fmt_count, label
from components.loading import loading
from metrics import case_trail
from pages import _loop as loop
from pages._view import View, missing_warehouse, scope, warehouse, why
from pages._warnings import at_text, groups, warnings_of
from vocab.workflow import MAX_ATTACHMENT_MB, MAX_ATTACHMENTS
from workflow import desk, register

dash.register_page(__name__, path="/inbox", name="待办", order=45, label_key="inbox", roles=("county",))


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    lang = View.of(params).lang
    return html.Div(
        [
            dcc.Store(id="inbox-query", data=params),
            dcc.Store(id="inbox-loop", data=0),
            dcc.Download(id="inbox-download"),
            html.H4(label("inbox_title", lang), className="section-title"),
            html.Div(id="inbox-line", className="fw-semibold mb-2"),
            html.Div(id="inbox-message"),
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H5(label("warnings_title", lang), className="section-title"),
                        loading(html.Div(id="inbox-warnings"), "table"),
                    ]
                ),
                className="mb-3",
            ),
            loading(html.Div(id="inbox-body"), "table"),
        ],
        id="inbox-page",
    )


# ---------------------------------------------------------------- what the page draws


def my_documents() -> list[register.Document]:
    """The documents issued to the viewer's county: those still waiting on him first."""
    viewer = loop.viewer()
    if viewer is None or not viewer.county:
        return []
    docs = register.documents(loop.store(), county=viewer.county)
    # a 催报 has no cases: it waits on him until he signs for it
    return sorted(
        docs,
        key=lambda d: (
            d.replied == len(d.cases) if d.cases else d.signed is not None,
            min((c.deadline for c in d.cases), default=d.deadline),
            -d.id,
        ),
    )


def inbox_line(docs: list[register.Document], lang: str) -> str:
    return label("inbox_line", lang).format(
        docs=fmt_count(len(docs)),
        unsigned=fmt_count(sum(d.signed is None for d in docs)),
        waiting=fmt_count(sum(not c.replied for d in docs for c in d.cases)),
        asked=fmt_count(sum(d.asked for d in docs)),
    )


def document_card(doc: register.Document, lang: str) -> dbc.Card:
    left = loop.days_left(doc.deadline, lang)
    if doc.signed is None:
        sign = html.Button(
            label("inbox_sign", lang), id={"type": "inbox-sign", "doc": doc.id}, className="btn btn-sm btn-primary"
        )
    else:
        sign = html.Span(
            label("inbox_signed", lang).format(day=doc.signed.happened_on, who=doc.signed.who),
            className="badge bg-success",
        )
    head = html.Div(
        [
            html.Span(label(f"action.{doc.kind}", lang), className="badge bg-danger me-2"),
            html.Strong(doc.doc_no, className="me-2"),
            html.Span(doc.title, className="me-auto"),
            loop.file_buttons("inbox", doc, lang),
            sign,
        ],
        className="d-flex align-items-center flex-wrap gap-1",
    )
    facts = html.Div(
        [
            html.Span(label("inbox_issued", lang).format(day=doc.issued_on, body=doc.body), className="me-3"),
            html.Span(
                label("inbox_deadline", lang).format(day=doc.deadline, left=left),
                id=f"inbox-left-{doc.id}",
                className="fw-semibold",
            ),
        ],
        className="small text-muted mb-2",
    )
    demand = html.P(doc.demand, className="small mb-2")
    cases = [case_block(doc, item, lang) for item in doc.cases]
    # a 催报 has no cases to answer one by one: the note is for documents with cases
    first = not doc.signed and doc.cases
    note = [html.P(label("inbox_sign_first", lang), className="small text-muted mb-1")] if first else []
    return dbc.Card(dbc.CardBody([head, facts, demand, *note, *cases]), className="mb-3", id=f"inbox-doc-{doc.id}")


def case_block(doc: register.Document, item: register.CaseItem, lang: str) -> html.Div:
    head = case_trail.case_header(warehouse(), item.case_id, scope())
    about = ""
    if not head.empty:
        case = head.iloc[0]
        about = "，".join(str(v) for v in (case["community_name"], case["category"]) if isinstance(v, str))
    ids = {"doc": doc.id, "case": item.case_id}
    lines = [
        html.Div(
            [
                html.Strong(item.case_id, className="me-2"),
                html.Span(about, className="me-2"),
                dcc.Link(label("inbox_trail", lang), href=f"/escalations?case={item.case_id}", className="small me-3"),
                html.Span(
                    label("inbox_case_deadline", lang).format(
                        day=item.deadline, left=loop.days_left(item.deadline, lang)
                    ),
                    className="small text-muted",
                ),
            ]
        ),
        html.Div(loop.case_state(item, lang), className="small mb-1", id=f"inbox-state-{item.case_id}"),
        html.Div(loop.attachment_buttons("inbox", item), className="small"),
    ]
    if doc.signed is not None and not item.replied:
        lines.append(
            dbc.Row(
                [
                    dbc.Col(
                        [
                            dcc.Textarea(
                                id={"type": "inbox-reply-text", **ids},
                                placeholder=label("inbox_reply_placeholder", lang),
                                className="form-control form-control-sm mb-1",
                                style={"height": 60},
                            ),
                            dcc.Upload(
                                html.Span(label("inbox_files", lang).format(n=MAX_ATTACHMENTS, mb=MAX_ATTACHMENT_MB)),
                                id={"type": "inbox-reply-files", **ids},
                                multiple=True,
                                accept="image/jpeg,image/png,application/pdf",
                                max_size=MAX_ATTACHMENT_MB * 1024 * 1024,  # the browser holds bigger ones back
                                className="small text-primary mb-1",
                                style={"cursor": "pointer"},
                            ),
                            html.Div(id={"type": "inbox-reply-names", **ids}, className="small text-muted mb-1"),
                            html.Button(
                                label("inbox_reply", lang),
                                id={"type": "inbox-reply", **ids},
                                className="btn btn-sm btn-outline-primary",
                            ),
                        ],
                        md=7,
                    ),
                    dbc.Col(
                        [] if item.asked is not None else extension_form(ids, lang),
                        md=5,
                    ),
                ],
                className="g-2",
            )
        )
    return html.Div(lines, className="border-top pt-2 mt-2", id=f"inbox-case-{item.case_id}")


def extension_form(ids: dict, lang: str) -> list:
    return [
        dcc.Input(
            id={"type": "inbox-ext-reason", **ids},
            placeholder=label("inbox_reason_placeholder", lang),
            className="form-control form-control-sm mb-1",
        ),
        html.Div(
            [
                html.Span(label("inbox_until", lang), className="small text-muted me-1"),
                dcc.Input(
                    id={"type": "inbox-ext-until", **ids},
                    type="date",
                    className="form-control form-control-sm me-1",
                    style={"maxWidth": "10rem"},
                ),
                html.Button(
                    label("inbox_ask", lang),
                    id={"type": "inbox-ext", **ids},
                    className="btn btn-sm btn-outline-warning",
                ),
            ],
            className="d-flex align-items-center",
        ),
    ]


# ---------------------------------------------------------------- callbacks


@callback(
    Output("inbox-body", "children"),
    Output("inbox-line", "children"),
    Input("inbox-query", "data"),
    Input("inbox-loop", "data"),
)
@missing_warehouse(lambda lang: loop.message(False, why(lang)), None)
def inbox_body(params, _counter):
    """The documents of the viewer's county as cards, and how many wait on him."""
    lang = View.of(params).lang
    docs = my_documents()
    if not docs:
        return html.P(label("inbox_empty", lang), className="text-muted"), None
    return [document_card(d, lang) for d in docs], inbox_line(docs, lang)


@callback(Output("inbox-warnings", "children"), Input("inbox-query", "data"))
@missing_warehouse(lambda lang: None)
def inbox_warnings(params):
    """预警 of the officer's county (his scope): what falls due, whom to watch, before it is late."""
    view = View.of(params)
    w = warnings_of(view.f, scope())
    return warning_list("inbox", groups(w, view.lang, params=view.params), at_text(w, view.lang), view.lang)


def _answer(ok_text, counter):
    ok, text = ok_text
    return loop.message(ok, text), (counter or 0) + 1 if ok else no_update


def sign_clicked(trigger: dict | None, counter, lang: str):
    if not trigger:
        return no_update, no_update
    return _answer(loop.act(desk.sign, trigger.get("doc"), done="inbox_signed_done", lang=lang), counter)


def reply_clicked(trigger: dict | None, text, counter, lang: str, contents=None, names=None):
    """Send the reply of the case a button names, with the files chosen for it (data URLs)."""
    if not trigger:
        return no_update, no_update
    try:
        sent = loop.uploaded(contents, names)
    except desk.WorkflowError as exc:
        return loop.message(False, str(exc)), no_update
    done = loop.act(
        desk.reply, trigger.get("doc"), trigger.get("case"), text or "", sent, done="inbox_replied_done", lang=lang
    )
    return _answer(done, counter)


def ask_clicked(trigger: dict | None, reason, until, counter, lang: str):
    if not trigger:
        return no_update, no_update
    done = loop.act(
        desk.ask_extension,
        trigger.get("doc"),
        trigger.get("case"),
        reason or "",
        until or "",
        done="inbox_asked_done",
        lang=lang,
    )
    return _answer(done, counter)


def _state_of(position: int, trigger: dict):
    """The value of the `position`-th State list at the component of the triggering case."""
    for entry in dash.ctx.states_list[position]:
        found = entry.get("id") or {}
        if found.get("doc") == trigger.get("doc") and found.get("case") == trigger.get("case"):
            return entry.get("value")
    return None


@callback(
    Output("inbox-message", "children"),
    Output("inbox-loop", "data"),
    Input({"type": "inbox-sign", "doc": ALL}, "n_clicks"),
    State("inbox-loop", "data"),
    State("inbox-query", "data"),
    prevent_initial_call=True,
)
def inbox_sign(clicks, counter, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    return sign_clicked(loop.trigger_of(), counter, View.of(params).lang)


@callback(
    Output("inbox-message", "children", allow_duplicate=True),
    Output("inbox-loop", "data", allow_duplicate=True),
    Input({"type": "inbox-reply", "doc": ALL, "case": ALL}, "n_clicks"),
    State({"type": "inbox-reply-text", "doc": ALL, "case": ALL}, "value"),
    State({"type": "inbox-reply-files", "doc": ALL, "case": ALL}, "contents"),
    State({"type": "inbox-reply-files", "doc": ALL, "case": ALL}, "filename"),
    State("inbox-loop", "data"),
    State("inbox-query", "data"),
    prevent_initial_call=True,
)
def inbox_reply(clicks, _texts, _contents, _names, counter, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    trigger = loop.trigger_of() or {}
    text, contents, names = (_state_of(i, trigger) for i in range(3))
    return reply_clicked(trigger, text, counter, View.of(params).lang, contents, names)


@callback(
    Output({"type": "inbox-reply-names", "doc": MATCH, "case": MATCH}, "children"),
    Input({"type": "inbox-reply-files", "doc": MATCH, "case": MATCH}, "filename"),
    prevent_initial_call=True,
)
def inbox_files_chosen(names):
    """The files chosen for a reply, named under the field (they go with the reply)."""
    return "、".join(str(n) for n in names or [])


@callback(
    Output("inbox-download", "data", allow_duplicate=True),
    Output("inbox-message", "children", allow_duplicate=True),
    Input({"type": "inbox-attachment", "id": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def inbox_attachment(clicks):
    if not loop.clicked(clicks):
        return no_update, no_update
    return loop.send_attachment(loop.trigger_of())


@callback(
    Output("inbox-message", "children", allow_duplicate=True),
    Output("inbox-loop", "data", allow_duplicate=True),
    Input({"type": "inbox-ext", "doc": ALL, "case": ALL}, "n_clicks"),
    State({"type": "inbox-ext-reason", "doc": ALL, "case": ALL}, "value"),
    State({"type": "inbox-ext-until", "doc": ALL, "case": ALL}, "value"),
    State("inbox-loop", "data"),
    State("inbox-query", "data"),
    prevent_initial_call=True,
)
def inbox_ask(clicks, _reasons, _dates, counter, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    trigger = loop.trigger_of() or {}
    return ask_clicked(trigger, _state_of(0, trigger), _state_of(1, trigger), counter, View.of(params).lang)


@callback(
    Output("inbox-download", "data"),
    Output("inbox-message", "children", allow_duplicate=True),
    Input({"type": "inbox-file", "doc": ALL, "fmt": ALL}, "n_clicks"),
    State("inbox-query", "data"),
    prevent_initial_call=True,
)
def inbox_file(clicks, params):
    if not loop.clicked(clicks):
        return no_update, no_update
    return loop.send_file(loop.trigger_of(), View.of(params).lang)
