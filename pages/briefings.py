"""简报 /briefings: the viewer's own archived briefings (briefing/archive.py), each as Word and PDF,
and — for the roles that may (security/roles.py `may_act(…, "brief")`: leaders, supervisors,
county officers) — a briefing of a chosen month or week written on demand, archived like the
scheduled ones (once per recipient, region, period and day). A leader's covers the region of the
filter bar; a county officer's his county. Every generation and download is audited (briefing/
archive.py; the download also as an export, security/web.py)."""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html, no_update

from briefing import archive
from briefing.model import BriefingError
from briefing.period import PeriodError, of_day, parse
from components.i18n import label
from components.loading import loading
from metrics import facts
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from pages import _loop as loop
from pages._view import TEXT, View, missing_warehouse, scope, warehouse
from workflow.letters import LetterError

dash.register_page(__name__, path="/briefings", name="简报", order=50, label_key="briefings")


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    lang = View.of(params).lang
    return html.Div(
        [
            dcc.Store(id="briefings-query", data=params),
            dcc.Store(id="briefings-made", data=0),
            dcc.Download(id="briefings-download"),
            html.H4(label("briefings_title", lang), className="section-title"),
            html.P(label("briefings_intro", lang), className="text-muted small"),
            html.Div(id="briefings-form", className="mb-2"),
            loading(html.Div(id="briefings-message"), "table"),
            loading(html.Div(id="briefings-list"), "table"),
        ],
        id="briefings-page",
    )


def default_period(params: dict) -> str:
    """The last whole month before 数据截至 (the month a briefing would be written for)."""
    try:
        as_of = facts.data_as_of(warehouse(), Filter.from_query(params.get("region")), scope())
    except WarehouseMissing:  # no warehouse yet: no month to offer
        as_of = None
    if as_of is None:
        return ""
    return of_day(as_of.replace(day=1) - dt.timedelta(days=1), "month").key


@callback(Output("briefings-form", "children"), Input("briefings-query", "data"))
def briefings_form(params):
    lang = View.of(params).lang
    if not archive.may_generate(loop.viewer()):
        return html.P(label("briefings_may_not", lang), className="text-muted small")
    return html.Div(
        [
            html.Label(label("briefings_period", lang), htmlFor="briefings-period", className="me-2"),
            dcc.Input(id="briefings-period", value=default_period(params), debounce=True, style={"width": "9em"}),
            html.Span(label("briefings_period_help", lang), className="text-muted small mx-2"),
            html.Button(label("briefings_generate", lang), id="briefings-generate", className="btn btn-sm btn-primary"),
        ],
        className="d-flex align-items-center flex-wrap gap-1",
    )


@callback(
    Output("briefings-list", "children"),
    Input("briefings-query", "data"),
    Input("briefings-made", "data"),
)
def briefings_list(params, _made):
    lang = View.of(params).lang
    viewer = loop.viewer()
    found = archive.for_recipient(loop.store(), viewer) if viewer else []
    if not found:
        return html.P(label("briefings_none", lang), className="text-muted")
    head = html.Thead(
        html.Tr([html.Th(label(f"briefings_col_{k}", lang)) for k in ("issued", "period", "title", "origin", "files")])
    )
    rows = [
        html.Tr(
            [
                html.Td(b.issued_on.isoformat()),
                html.Td(b.period),
                html.Td(b.title),
                html.Td(label(f"briefings_origin.{b.origin}", lang)),
                html.Td(
                    [
                        html.Button(
                            "Word" if fmt == "docx" else "PDF",
                            id={"type": "briefings-file", "id": b.id, "fmt": fmt},
                            className="btn btn-sm btn-outline-secondary me-1",
                            title=f"SHA-256 {b.docx_sha256 if fmt == 'docx' else b.pdf_sha256}",
                        )
                        for fmt in ("docx", "pdf")
                    ]
                ),
            ]
        )
        for b in found
    ]
    return dbc.Table([head, html.Tbody(rows)], size="sm", striped=True, className="briefings-table")


@callback(
    Output("briefings-message", "children"),
    Output("briefings-made", "data"),
    Input("briefings-generate", "n_clicks"),
    State("briefings-period", "value"),
    State("briefings-query", "data"),
    State("briefings-made", "data"),
    prevent_initial_call=True,
)
@missing_warehouse(TEXT, no_update)
def briefings_generate(clicks, period_text, params, made):
    if not clicks:
        return no_update, no_update
    view = View.of(params)
    try:
        done = archive.generate(
            loop.store(), warehouse(), loop.viewer(), parse(period_text or ""), view.f.region, issued_on=loop.today()
        )
    except (BriefingError, PeriodError, LetterError) as exc:
        return loop.message(False, str(exc)), no_update
    key = "briefings_done" if done.created else "briefings_exists"
    return loop.message(True, label(key, view.lang).format(title=done.title)), (made or 0) + 1


@callback(
    Output("briefings-download", "data"),
    Output("briefings-message", "children", allow_duplicate=True),
    Input({"type": "briefings-file", "id": ALL, "fmt": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def briefings_file(clicks):
    """One of the viewer's briefings, checked against its SHA-256 (another's is refused)."""
    if not loop.clicked(clicks):
        return no_update, no_update
    trigger = loop.trigger_of() or {}
    try:
        name, data = archive.briefing_file(loop.store(), loop.viewer(), trigger.get("id"), str(trigger.get("fmt")))
    except (BriefingError, LetterError) as exc:
        return no_update, loop.message(False, str(exc))
    return dcc.send_bytes(data, name), None
