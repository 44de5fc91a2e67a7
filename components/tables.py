"""Tables (AG Grid) and their Excel export; column headers from the label table."""

from __future__ import annotations

import io
from typing import Iterable, Optional

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.i18n import label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def grid(grid_id: str, frame: pd.DataFrame, columns: Iterable[str], lang: str, height: int = 420,
         formats: Optional[dict[str, str]] = None, page_size: int = 50) -> dag.AgGrid:
    """A sortable, filterable grid; `formats` maps a column to 'rate', 'amount' or 'count'."""
    formats = formats or {}
    defs = []
    for col in columns:
        d = {"field": col, "headerName": label(col, lang), "sortable": True, "filter": True, "resizable": True}
        kind = formats.get(col)
        if kind == "rate":
            d["valueFormatter"] = {"function": "params.value == null ? '—' : d3.format('.2%')(params.value)"}
            d["type"] = "numericColumn"
        elif kind == "amount":
            d["valueFormatter"] = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value / 10000)"}
            d["headerName"] += "（万元）" if lang == "zh" else " (10k yuan)"
            d["type"] = "numericColumn"
        elif kind == "count":
            d["valueFormatter"] = {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}
            d["type"] = "numericColumn"
        defs.append(d)
    return dag.AgGrid(
        id=grid_id,
        rowData=frame[list(columns)].to_dict("records"),
        columnDefs=defs,
        defaultColDef={"minWidth": 110, "flex": 1, "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"pagination": True, "paginationPageSize": page_size, "animateRows": False},
        style={"height": f"{height}px"},
    )


def export_controls(prefix: str, lang: str) -> html.Div:
    return html.Div(
        [
            html.Button(label("export", lang), id=f"{prefix}-export", className="btn btn-sm btn-outline-secondary"),
            dcc.Download(id=f"{prefix}-download"),
        ],
        className="text-end mb-1",
    )


def safe_cell(value: object) -> object:
    """A cell a spreadsheet will not run: text starting with = + - @ tab or CR gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_excel(frame: pd.DataFrame, columns: list[str], lang: str, title: str, header_lines: list[str]) -> bytes:
    """An .xlsx of the rows on screen: a title, the filters as header lines, then the table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=13)
    for line in header_lines:
        ws.append([line])
    ws.append([])
    ws.append([label(c, lang) for c in columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in frame[columns].itertuples(index=False):
        ws.append([safe_cell(None if pd.isna(v) else v) for v in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


_GRID_ZH = {
    "page": "页码", "of": "/", "to": "–", "pageSizeSelectorLabel": "每页行数：", "ariaPageSizeSelectorLabel": "每页行数",
    "firstPage": "首页", "previousPage": "上一页", "nextPage": "下一页", "lastPage": "末页",
    "noRowsToShow": "没有数据", "loadingOoo": "正在加载…", "filterOoo": "筛选…", "searchOoo": "搜索…",
    "blanks": "（空白）", "selectAll": "（全选）", "equals": "等于", "notEqual": "不等于", "contains": "包含",
    "notContains": "不包含", "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "lessThan": "小于", "greaterThan": "大于", "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于",
    "inRange": "介于", "inRangeStart": "从", "inRangeEnd": "到", "andCondition": "且", "orCondition": "或",
    "before": "早于", "after": "晚于", "applyFilter": "应用", "resetFilter": "重置", "clearFilter": "清除",
    "ariaFilterMenuOpen": "打开筛选菜单", "ariaFilterValue": "筛选值",
}


def grid_locale(lang: str) -> dict:
    """AG Grid's own words (pagination, filter menu) in the reader's language, for
    `dashGridOptions={"localeText": grid_locale(lang)}`; AG Grid's defaults are English."""
    return dict(_GRID_ZH) if lang == "zh" else {}
