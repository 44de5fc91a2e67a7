"""下发与回复 on 督办 /escalations (pages/escalations.py): a leader or supervisor ticks open cases
in the list (or opens one case's trail) and issues 交办, 催办, 提醒函, 督办函 or 约谈通知 with a
deadline in working days; the documents issued, in the view's region, with where each case
stands (签收, 整改回复, 延期申请), their .docx and PDF, and the requests for more time to grant
or refuse. The acts are workflow/desk.py's (checked, transactional, audited); the callbacks are
the page's own (registered through its `Panels`), so the access guard treats them as its.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.i18n import fmt_count, label
from components.loading import lazy_section, loading, not_drawn
from metrics.deadlines import CalendarError, add_workdays
from metrics.filters import region_prefix
from pages import _loop as loop
from pages._escalations_rows import EscalationsView as View
from pages._escalations_rows import Rows
from pages._view import scope, warehouse
from vocab.workflow import DEFAULT_WORKDAYS, DEMANDS, KINDS, MAX_WORKDAYS
from workflow import register

SELECTION_COLUMN = "ag-Grid-SelectionColumn"  # AG Grid's checkbox column: a click there selects, never opens


# ---------------------------------------------------------------- layout


def issue_controls(lang: str):
    """The 下发文书 button over the open-case list and how many cases are ticked (issuers only)."""
    if not loop.may("issue"):
        return None
    return html.Div(
        [
            html.Span(label("loop_none_selected", lang), id="escalations-selected", className="small text-muted me-2"),
            # the words of the line, for the browser (assets/trail.js `selection`: no round trip)
            dcc.Store(
                id="escalations-selection-words",
                data={"none": label("loop_none_selected", lang), "some": label("loop_selected", lang)},
            ),
            html.Button(
                label("loop_issue", lang),
                id="escalations-issue-open",
                className="btn btn-sm btn-primary",
                disabled=True,
            ),
        ],
        className="d-flex align-items-center me-3",
    )


def trail_issue_button(lang: str):
    if not loop.may("issue"):
        return None
    return html.Button(
        label("loop_issue_case", lang), id="escalations-timeline-issue", className="btn btn-sm btn-primary me-auto"
    )


def issue_modal(lang: str) -> html.Div:
    """The issue form, and the stores of the loop: the cases ticked, the cases of this form, and
    a counter the lists and counts redraw on."""
    stores = [
        dcc.Store(id="escalations-loop", data=0),
        dcc.Store(id="escalations-issue-selection", data=[]),
        dcc.Store(id="escalations-issue-cases", data=[]),
        dcc.Store(id="escalations-issue-token", data=None),
        dcc.Store(id="escalations-document", data=None),
        dcc.Download(id="escalations-doc-download"),
    ]
    if not loop.may("issue"):
        return html.Div(stores)
    form = [
        html.Div(id="escalations-issue-list", className="mb-2"),
        html.Label(label("loop_kind", lang), className="form-label mb-1"),
        dbc.RadioItems(
            id="escalations-issue-kind",
            value="提醒函",
            options=[{"label": label(f"action.{k}", lang), "value": k} for k in KINDS],
            inline=True,
            className="mb-2",
        ),
        html.Label(label("loop_workdays", lang), className="form-label mb-1"),
        dcc.Input(
            id="escalations-issue-days",
            type="number",
            min=1,
            max=MAX_WORKDAYS,
            step=1,
            value=DEFAULT_WORKDAYS["提醒函"],
            className="form-control form-control-sm mb-1",
            style={"maxWidth": "8rem"},
        ),
        html.Div(id="escalations-issue-deadline", className="small mb-2"),
        html.Label(label("loop_demand", lang), className="form-label mb-1"),
        dcc.Textarea(
            id="escalations-issue-demand", value=DEMANDS["提醒函"], className="form-control mb-2", style={"height": 110}
        ),
        loading(html.Div(id="escalations-issue-result"), "block"),
    ]
    return html.Div(
        [
            *stores,
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(label("loop_issue_title", lang))),
                    dbc.ModalBody(form),
                    dbc.ModalFooter(
                        html.Button(
                            label("loop_submit", lang), id="escalations-issue-submit", className="btn btn-primary"
                        )
                    ),
                ],
                id="escalations-issue",
                is_open=False,
                size="lg",
                scrollable=True,
            ),
        ]
    )


def documents_card(lang: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4(label("loop_documents", lang), className="section-title"),
                html.Div(label("loop_documents_note", lang), className="small text-muted mb-1"),
                # drawn when it comes near the screen (components/loading.lazy_section)
                lazy_section(
                    [
                        html.Div(id="escalations-documents-line", className="fw-semibold mb-1"),
                        loading(html.Div(not_drawn(lang), id="escalations-documents"), "table"),
                    ],
                    "escalations-documents-seen",
                ),
                html.Div(id="escalations-decide-message"),
                html.Div(id="escalations-document-detail", className="mt-2"),
            ]
        ),
        className="mb-3",
    )


# ---------------------------------------------------------------- what the callbacks draw


def issue_list(case_ids: list[str], lang: str):
    if not case_ids:
        return html.P(label("loop_none_selected", lang), className="text-danger")
    return html.Div(
        [html.Span(label("loop_cases", lang) + "：", className="text-muted"), html.Span("、".join(case_ids))],
        id="escalations-issue-cases-line",
    )


def deadline_text(days, lang: str) -> str:
    try:
        n = int(days)
    except (TypeError, ValueError):
        return label("loop_workdays_bad", lang).format(max=MAX_WORKDAYS)
    if not 1 <= n <= MAX_WORKDAYS:
        return label("loop_workdays_bad", lang).format(max=MAX_WORKDAYS)
    try:
        due = add_workdays(warehouse(), loop.today(), n)
    except CalendarError as exc:
        return str(exc)
    return label("loop_deadline_line", lang).format(day=due.isoformat(), n=n)


def issue_result(docs: list[register.Document], lang: str) -> html.Div:
    return html.Div(
        [
            html.Div(
                [
                    html.Strong(d.doc_no, className="me-2 escalations-issued-no"),
                    html.Span(f"{d.addressee}，{fmt_count(len(d.cases))} 件，", className="me-2"),
                    html.Span(label("loop_due", lang).format(day=d.deadline.isoformat()), className="me-2"),
                    loop.file_buttons("escalations", d, lang),
                ],
                className="alert alert-success py-2 mb-1",
            )
            for d in docs
        ],
        id="escalations-issued",
    )


DOCUMENT_COLUMNS = [
    "doc_no",
    "doc_kind",
    "doc_addressee",
    "issued_on",
    "doc_deadline",
    "doc_days_left",
    "doc_signed",
    "doc_cases",
    "doc_replied",
    "doc_asked",
]


def view_documents(view: View) -> list[register.Document]:
    """The documents addressed within the view's region and the viewer's scope, newest first."""
    region = region_prefix(view.f.region) if view.f.region else ""
    allowed = scope()
    return [
        d
        for d in register.documents(loop.store())
        if (not region or d.county.startswith(region) or region.startswith(d.county)) and allowed.allows(d.county)
    ]


def documents_rows(docs: list[register.Document], lang: str) -> Rows:
    frame = pd.DataFrame(
        [
            {
                "doc_id": str(d.id),
                "doc_no": d.doc_no,
                "doc_kind": label(f"action.{d.kind}", lang),
                "doc_addressee": d.addressee,
                "issued_on": d.issued_on.isoformat(),
                "doc_deadline": d.deadline.isoformat(),
                "doc_days_left": loop.days_left(min(c.deadline for c in d.cases), lang)
                if d.replied < len(d.cases)
                else label("loop_all_replied", lang),
                "doc_signed": f"{d.signed.happened_on}（{d.signed.who}）" if d.signed else label("loop_unsigned", lang),
                "doc_cases": len(d.cases),
                "doc_replied": d.replied,
                "doc_asked": d.asked,
            }
            for d in docs
        ],
        columns=["doc_id", *DOCUMENT_COLUMNS],
    )
    return Rows(frame, DOCUMENT_COLUMNS, "loop_documents", key="doc_id")


def documents_line(docs: list[register.Document], lang: str) -> str:
    cases = sum(len(d.cases) for d in docs)
    return label("loop_documents_line", lang).format(
        docs=fmt_count(len(docs)),
        cases=fmt_count(cases),
        unsigned=fmt_count(sum(d.signed is None for d in docs)),
        replied=fmt_count(sum(d.replied for d in docs)),
        asked=fmt_count(sum(d.asked for d in docs)),
    )


def document_detail(doc: register.Document, lang: str) -> html.Div:
    """A document's cases and where each stands; a pending request with its grant and refuse buttons."""
    rows = []
    for item in doc.cases:
        actions = []
        if item.asked is not None and loop.may("decide"):
            ids = {"doc": doc.id, "case": item.case_id}
            actions = [
                html.Button(
                    label("loop_grant", lang),
                    id={"type": "escalations-decide", **ids, "verdict": "grant"},
                    className="btn btn-sm btn-success me-1",
                ),
                html.Button(
                    label("loop_refuse", lang),
                    id={"type": "escalations-decide", **ids, "verdict": "refuse"},
                    className="btn btn-sm btn-outline-danger",
                ),
            ]
        rows.append(
            html.Tr(
                [
                    html.Td(item.case_id),
                    html.Td(item.deadline.isoformat()),
                    html.Td(
                        [loop.case_state(item, lang), html.Div(loop.attachment_buttons("escalations", item))],
                        className="small",
                    ),
                    html.Td(actions),
                ],
                id=f"escalations-doc-case-{item.case_id}",
            )
        )
    head = [label(k, lang) for k in ("case_id", "doc_deadline", "loop_state", "loop_decision")]
    return html.Div(
        [
            html.Div(
                [
                    html.Strong(f"{doc.doc_no} {doc.title}", className="me-2"),
                    loop.file_buttons("escalations", doc, lang),
                ],
                className="mb-1",
            ),
            dbc.Table(
                [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                bordered=True,
                size="sm",
                className="mb-0",
            ),
        ],
        id="escalations-document-view",
    )
