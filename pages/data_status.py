"""数据状态 /data: what the warehouse holds and the latest loads."""

from __future__ import annotations

import dash
from dash import html

from components.i18n import label, lang_of
from metrics.status import dataset_counts, recent_loads
from pages._view import missing_warehouse, warehouse

dash.register_page(__name__, path="/data", name="数据状态", order=90, label_key="data")

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

    return html.Div(
        [
            html.H2(label("data", lang), className="section-title"),
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


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"
