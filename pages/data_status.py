"""数据状态 /data: what the warehouse holds and the latest loads."""

from __future__ import annotations

import dash
from dash import html

from metrics.status import dataset_counts, recent_loads
from pages._view import missing_warehouse, warehouse

dash.register_page(__name__, path="/data", name="数据状态", order=90, label_key="data")


@missing_warehouse(
    lambda _lang: html.Div(
        [html.H2("数据状态"), html.P("还没有数据：请先运行 python -m etl load 或 python -m etl demo")],
        id="data-status",
    )
)
def layout(**_query) -> html.Div:
    counts = dataset_counts(warehouse())  # the process's one reader
    loads = recent_loads(warehouse(), 20)
    return html.Div(
        [
            html.H2("数据状态"),
            html.Table(
                [html.Tr([html.Th("台账"), html.Th("行数"), html.Th("最近加载")])]
                + [
                    html.Tr([html.Td(c["label"]), html.Td(f"{c['rows']:,}"), html.Td(_when(c["last_loaded"]))])
                    for c in counts
                ],
                id="data-status-counts",
            ),
            html.H3("最近加载"),
            html.Table(
                [html.Tr([html.Th(h) for h in ("文件", "台账", "读取", "入库", "拒收", "时间", "操作人")])]
                + [
                    html.Tr(
                        [
                            html.Td(ld["file"]),
                            html.Td(ld["dataset"]),
                            html.Td(ld["rows_read"]),
                            html.Td(ld["rows_loaded"]),
                            html.Td(ld["rows_rejected"]),
                            html.Td(_when(ld["loaded_at"])),
                            html.Td(ld["loaded_by"]),
                        ]
                    )
                    for ld in loads
                ],
                id="data-status-loads",
            ),
        ],
        id="data-status",
    )


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"
