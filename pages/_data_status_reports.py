"""The 数据状态 page's board of who has reported (报送情况): per county, ledger and period the
reporting calendar asks for (metrics/reporting.py), its due day, when it first arrived and its
state, missing reports first; 按时报送率 from the catalogue; and, for a leader or supervisor, a
催报 button per county with a report missing (workflow/reminders.py; pages/data_status.py's
callback issues it), with the 催报 already issued to each county."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dash import html

from components.i18n import fmt_date, fmt_value, label
from etl.values import missing
from metrics import kpis, reporting
from metrics.facts import data_as_of
from metrics.filters import Filter
from pages import _loop as loop
from pages._view import scope, warehouse
from vocab.schema import DATASETS
from vocab.workflow import REMINDER
from workflow import register

OWING = ("missing",)  # a late report has come: only a missing one is chased


def reminded(counties: list[str]) -> dict[str, register.Document]:
    """The latest 催报 issued to each county (none without an access store: the command line, a test)."""
    try:
        store = loop.store()
    except Exception:  # no request, no store
        return {}
    if store is None:
        return {}
    out = {}
    for county in counties:
        docs = [d for d in register.documents(store, county=county) if d.kind == REMINDER]
        if docs:
            out[county] = max(docs, key=lambda d: d.id)
    return out


COLUMNS = ["report_county", "report_ledger", "report_period", "report_due", "report_first", "report_state"]


def board_frame(f: Filter, lang: str) -> pd.DataFrame:
    """The board as the page shows it and the export writes it (one row per county, ledger and period)."""
    wh, viewer = warehouse(), scope()
    rows = reporting.board(wh, f, viewer, data_as_of(wh, Filter(f.region), viewer))
    return pd.DataFrame(
        {
            "report_county": rows["county_name"],
            "report_ledger": [_ledger(d, s, lang) for d, s in zip(rows["dataset"], rows["source"], strict=True)],
            "report_period": [_period(a, b) for a, b in zip(rows["period_start"], rows["period_end"], strict=True)],
            "report_due": [fmt_date(d) for d in rows["due"]],
            "report_first": [_when(t) for t in rows["first_at"]],
            "report_state": [label(f"report_state_{s}", lang) for s in rows["state"]],
        },
        columns=COLUMNS,
    )


def _ledger(dataset: str, source: str, lang: str) -> str:
    return (DATASETS[dataset].label if lang == "zh" else dataset) + (f"（{source}）" if source else "")


def board_section(f: Filter, lang: str, export=None) -> html.Div:
    wh, viewer = warehouse(), scope()
    duties, problem = reporting.current()
    as_of = data_as_of(wh, Filter(f.region), viewer)
    rows = reporting.board(wh, f, viewer, as_of)
    head = [html.H3(label("report_title", lang), className="section-title")]
    if problem:
        head.append(html.P(label("report_calendar_problem", lang) + problem, className="text-danger small"))
    if rows.empty:
        return html.Div([*head, html.P(label("report_none", lang))], id="data-status-reports")
    rate = kpis.compute(wh, ["reporting_on_time_rate"], f, viewer, with_previous=False)["reporting_on_time_rate"]
    counts = rows["state"].value_counts()
    line = label("report_line", lang).format(
        rate=fmt_value("rate", rate.value, lang),
        on_time=int(rate.numerator),
        due=int(rate.denominator or 0),
        missing=int(counts.get("missing", 0)),
        late=int(counts.get("late", 0)),
        pending=int(counts.get("pending", 0)),
        day=fmt_date(as_of),
    )
    owing = list(dict.fromkeys(rows[rows["state"].isin(OWING)]["county"]))
    sent = reminded(owing)
    return html.Div(
        [
            *head,
            html.Div(
                [html.P(line, id="data-status-reports-line", className="fw-semibold mb-1 me-auto"), export],
                className="d-flex align-items-center flex-wrap",
            ),
            _buttons(rows, owing, sent, lang),
            html.Div(id="data-status-remind-message"),
            _table(rows, board_frame(f, lang), lang),
        ],
        id="data-status-reports",
    )


def _buttons(rows, owing: list[str], sent: dict, lang: str) -> html.Div:
    if not owing or not loop.may("issue"):
        return html.Div()
    names = dict(zip(rows["county"], rows["county_name"], strict=False))
    items = []
    for county in owing:
        done = sent.get(county)
        note = (
            html.Span(
                label("report_reminded", lang).format(doc=done.doc_no, day=done.issued_on), className="small ms-1"
            )
            if done
            else None
        )
        items.append(
            html.Span(
                [
                    html.Button(
                        f"{label('report_remind', lang)} {names[county]}",
                        id={"type": "data-status-remind", "county": county},
                        className="btn btn-sm btn-outline-danger",
                    ),
                    note,
                ],
                className="me-3 mb-1 d-inline-block",
            )
        )
    return html.Div(items, className="mb-2", id="data-status-remind-buttons")


def _table(rows, shown: pd.DataFrame, lang: str) -> html.Div:
    head = [label(c, lang) for c in COLUMNS]
    body = [
        html.Tr([*(html.Td(v) for v in cells[:-1]), html.Td(cells[-1], className=f"report-{state}")])
        for cells, state in zip(shown.itertuples(index=False), rows["state"], strict=True)
    ]
    return html.Div(
        html.Table(
            [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
            id="data-status-reports-table",
            className="table table-sm mb-3",
        ),
        className="table-responsive",
    )


def _period(first: dt.date, last: dt.date) -> str:
    return f"{first:%Y-%m}" if (first.year, first.month) == (last.year, last.month) else f"{first:%Y-%m} – {last:%Y-%m}"


def _when(value) -> str:
    if missing(value):
        return "—"
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else str(value)
