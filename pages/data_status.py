"""数据状态 /data: who has reported what the reporting calendar asks for (the board, 按时报送率 and
催报: pages/_data_status_reports.py), what the warehouse holds and the latest loads."""

from __future__ import annotations

import uuid

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from components.i18n import label, lang_of
from components.panel import Panels, Sheet
from metrics.status import dataset_counts, recent_loads
from pages import _loop as loop
from pages._data_status_reports import COLUMNS, board_frame, board_section
from pages._view import JOBS, View, missing_warehouse, warehouse
from workflow import reminders
from workflow.drafts import WorkflowError

dash.register_page(__name__, path="/data", name="数据状态", order=90, label_key="data")

panels = Panels(__name__, "data-status", jobs=JOBS)
LOAD_COLUMNS = ("file", "dataset", "rows_read", "rows_loaded", "rows_rejected", "loaded_at", "loaded_by")


@missing_warehouse(
    lambda lang: html.Div(
        [html.H2(label("data", lang), className="section-title"), html.P(label("data_none_yet", lang))],
        id="data-status",
    )
)
def layout(**query) -> html.Div:
    lang = lang_of(query.get("lang"))
    counts = dataset_counts(warehouse())  # the process's one reader
    loads = recent_loads(warehouse(), 20)

    def table(head: list[str], rows: list[list], ident: str) -> html.Div:
        # a phone scrolls the table inside its box, not the page
        return html.Div(
            html.Table(
                [
                    html.Thead(html.Tr([html.Th(h) for h in head])),
                    html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
                ],
                id=ident,
                className="table table-sm table-striped mb-3",
            ),
            className="table-responsive",
        )

    params = {k: v for k, v in query.items() if isinstance(v, str)}
    return html.Div(
        [
            html.H2(label("data", lang), className="section-title"),
            dcc.Store(id="data-status-query", data=params),
            dcc.Store(id="data-status-token", data=uuid.uuid4().hex),  # one 催报 per county per page view
            board_section(View.of(params).f, lang, panels.export_controls("reports", lang)),
            html.H3(label("data_holdings", lang), className="section-title"),
            table(
                [label(k, lang) for k in ("data_dataset", "data_rows", "data_last_loaded")],
                [
                    [c["label"] if lang == "zh" else c["dataset"], f"{c['rows']:,}", _when(c["last_loaded"])]
                    for c in counts
                ],
                "data-status-counts",
            ),
            html.H3(label("data_recent_loads", lang), className="section-title"),
            table(
                [label(f"data_{k}", lang) for k in LOAD_COLUMNS],
                [
                    [
                        ld["file"],
                        ld["dataset"],
                        ld["rows_read"],
                        ld["rows_loaded"],
                        ld["rows_rejected"],
                        _when(ld["loaded_at"]),
                        ld["loaded_by"],
                    ]
                    for ld in loads
                ],
                "data-status-loads",
            ),
        ],
        id="data-status",
    )


@callback(
    Output("data-status-remind-message", "children"),
    Input({"type": "data-status-remind", "county": ALL}, "n_clicks"),
    State("data-status-query", "data"),
    State("data-status-token", "data"),
    prevent_initial_call=True,
)
def data_status_remind(clicks, params, token):
    """催报 to the county whose button was pressed: a numbered 催报通知 for the reports it owes,
    issued through workflow/reminders.py (checked, audited, in the county's 待办)."""
    lang = lang_of((params or {}).get("lang"))
    county = ctx.triggered_id["county"] if isinstance(ctx.triggered_id, dict) else None
    if not county or not any(clicks or []):
        return no_update
    try:
        doc = reminders.remind(loop.store(), warehouse(), loop.viewer(), county, token=token)
    except WorkflowError as exc:
        return html.Div(str(exc), className="alert alert-danger py-1")
    return html.Div(
        label("report_issued", lang).format(doc=doc.doc_no, to=doc.addressee), className="alert alert-success py-1"
    )


def _reports_sheet(params) -> Sheet:
    """The board of who has reported as .xlsx, with the view's region and period in the header."""
    view = View.of(params)
    lines = [f"{label('region', view.lang)}：{view.f.region or label('all_regions', view.lang)}"]
    return Sheet(board_frame(view.f, view.lang), COLUMNS, view.lang, label("report_title", view.lang), lines)


EXPORT_REPORTS = panels.export("reports", _reports_sheet)


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"
