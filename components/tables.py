"""Tables (AG Grid) and their Excel export; column headers from the label table."""

from __future__ import annotations

import io
from typing import Iterable, Optional

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from components.i18n import label
from etl.normalize import FORMULA_START



def grid(grid_id: str, frame: pd.DataFrame, columns: Iterable[str], lang: str, height: int = 420,
         formats: Optional[dict[str, str]] = None, page_size: int = 50,
         row_data: Optional[list[dict]] = None) -> dag.AgGrid:
    """A sortable, filterable grid; `formats` maps a column to 'rate', 'amount' or 'count'.
    `row_data` replaces the rows taken from `frame` (e.g. with a hidden key field)."""
    formats = formats or {}
    defs = []
    for col in columns:
        d = {"field": col, "headerName": label(col, lang), "sortable": True, "filter": True, "resizable": True}
        kind = formats.get(col)
        if kind == "rate":
            d["valueFormatter"] = {"function": "params.value == null ? '—' : d3.format('.2%')(params.value)"}
            d["type"] = "numericColumn"
        elif kind == "amount":  # 万元 for a Chinese reader, millions for an English one, as the cards
            divisor = 10000 if lang == "zh" else 1000000
            d["valueFormatter"] = {"function": f"params.value == null ? '—' : d3.format(',.2f')(params.value / {divisor})"}
            d["headerName"] += "（万元）" if lang == "zh" else " (M yuan)"
            d["type"] = "numericColumn"
        elif kind == "count":
            d["valueFormatter"] = {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}
            d["type"] = "numericColumn"
        defs.append(d)
    return dag.AgGrid(
        id=grid_id,
        rowData=row_data if row_data is not None else frame[list(columns)].to_dict("records"),
        columnDefs=defs,
        defaultColDef={"minWidth": 110, "flex": 1, "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions={"pagination": True, "paginationPageSize": page_size, "animateRows": False},
        style={"height": f"{height}px"},
    )


def _missing_js(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


# AG Grid comparator: rows without a value (无数据) last whichever way a column is sorted.
NULLS_LAST = ("(valueA == null && valueB == null) ? 0 : valueA == null ? (isDescending ? -1 : 1) : "
              "valueB == null ? (isDescending ? 1 : -1) : valueA - valueB")


def scorecard_grid(grid_id: str, table: pd.DataFrame, keys: list[str], lang: str, rank: bool = True,
                   page_size: int = 50) -> dag.AgGrid:
    """The county scorecard (metrics.scorecard.county_scorecard): rank, unit, one column per KPI.

    Sized to its rows (AG Grid's autoHeight: every row shows, one county or twelve, at any
    viewport; a page of `page_size` when there are more); a unit with no rows for a KPI reads
    无数据 in grey, without a light; a cell's light comes from the metrics (`<kpi>__light`);
    a KPI's first click sorts best first in its direction, and units without data stay last
    either way. `rank=False` leaves the rank out (a county officer's own units: the rank among
    the city's counties is the standing table's, see `standing_table`)."""
    from metrics import kpis

    formats = {k: kpis.BY_KEY[k].kind for k in keys}
    columns = (["rank"] if rank else []) + ["unit_name", *keys]
    missing = _missing_js(label("no_data_short", lang))
    g = grid(grid_id, table, columns, lang, formats=formats, page_size=page_size,
             row_data=scorecard_rows(table, keys))
    for d in g.columnDefs:
        field = d["field"]
        if field in keys:
            kpi = kpis.BY_KEY[field]
            d["valueFormatter"]["function"] = d["valueFormatter"]["function"].replace("'—'", missing)
            d["cellClassRules"] = {f"light-{c}": f"params.data['{field}__light'] == '{c}'" for c in ("green", "amber", "red")}
            d["cellClassRules"]["no-data"] = "params.value == null"
            d["sortingOrder"] = ["desc", "asc", None] if kpi.higher_is_better else ["asc", "desc", None]
            d["comparator"] = {"function": NULLS_LAST}
            direction = label("higher_is_better" if kpi.higher_is_better else "lower_is_better", lang)
            d["headerTooltip"] = f"{kpi.definition if lang == 'zh' else kpi.en}（{direction}）"
        elif field == "rank":
            d["maxWidth"] = 80
            d["valueFormatter"] = {"function": "params.value == null ? '—' : params.value"}
            d["comparator"] = {"function": NULLS_LAST}
            d["type"] = "numericColumn"
        elif field == "unit_name":
            d["minWidth"] = 120
            d["pinned"] = "left"
    g.style = {}
    g.dashGridOptions = {**g.dashGridOptions, "domLayout": "autoHeight", "localeText": grid_locale(lang)}
    return g


def scorecard_rows(table: pd.DataFrame, keys: list[str]) -> list[dict]:
    """The scorecard's rows as JSON: NaN and <NA> as null (无数据), lights kept."""
    columns = ["unit", "rank", "unit_name", *keys, *[k + "__light" for k in keys]]
    frame = table[[c for c in columns if c in table.columns]].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def standing_table(frame: pd.DataFrame, lang: str, min_peers: int) -> html.Div:
    """Where a county officer's county stands (metrics.scorecard.county_standing): per KPI its
    value, its rank among the city's counties and the city's median and quartiles — nothing of
    any other county. A KPI without data reads 无数据 and has no rank."""
    from components.i18n import fmt_value
    from metrics import kpis

    missing = label("no_data_short", lang)
    head = html.Thead(html.Tr([html.Th(label(k, lang)) for k in
                               ("standing_kpi", "standing_value", "standing_rank", "standing_median", "standing_quartiles")]))
    body = []
    for row in frame.itertuples(index=False):
        kpi = kpis.BY_KEY[row.key]
        fmt = (lambda v: missing if v is None or v != v else fmt_value(kpi.kind, v, lang))
        direction = label("higher_is_better" if kpi.higher_is_better else "lower_is_better", lang)
        rank = (label("standing_rank_text", lang).format(rank=int(row.rank), of=int(row.of))
                if not pd.isna(row.rank) else missing)
        quartiles = "—" if row.q1 != row.q1 else f"{fmt(row.q1)} – {fmt(row.q3)}"
        body.append(html.Tr([
            html.Td([label(row.key, lang), html.Small(f"（{direction}）" if lang == "zh" else f" ({direction})",
                                                      className="text-muted")]),
            html.Td(fmt(row.value), className="" if row.has else "no-data"),
            html.Td(rank, className="" if row.has else "no-data", id=f"standing-rank-{row.key}"),
            html.Td("—" if row.median != row.median else fmt(row.median)),
            html.Td(quartiles),
        ]))
    return html.Div([
        html.Table([head, html.Tbody(body)], className="table table-sm standing-table mb-1"),
        html.Small(label("standing_note", lang).format(n=min_peers), className="text-muted"),
    ], id="standing")


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


SHEET_TITLE_BAD = str.maketrans({c: "_" for c in '[]:*?/\\'})
EXCEL_FORMATS = {"amount": "#,##0.00", "rate": "0.00%", "count": "#,##0"}


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of [ ] : * ? / \\, not blank."""
    return (title.translate(SHEET_TITLE_BAD).strip("' ") or "Sheet")[:31]


def to_excel(frame: pd.DataFrame, columns: list[str], lang: str, title: str, header_lines: list[str],
             formats: Optional[dict[str, str]] = None, missing: Optional[str] = None) -> bytes:
    """An .xlsx of the rows on screen: a title, the filters as header lines, then the table.

    `formats` (as for `grid`) gives amounts their unit in the header — exact yuan, so that a
    clerk can reconcile to the fen — and number formats to amounts, rates and counts. Text that
    a spreadsheet would run as a formula is neutralised (`safe_cell`). Written in openpyxl's
    write-only mode, which streams rows instead of building every cell as an object.
    `missing` is written in a formatted (numeric) column's empty cells, e.g. 无数据: a unit
    without rows must not read as a blank a reader may take for 0."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    formats = formats or {}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title(title))
    bold = Font(bold=True)

    def styled(value, font=None, number_format=None):
        cell = WriteOnlyCell(ws, value=value)
        if font:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        return cell

    ws.append([styled(safe_cell(title), Font(bold=True, size=13))])
    for line in header_lines:
        ws.append([safe_cell(line)])
    ws.append([])
    unit = "（元）" if lang == "zh" else " (yuan)"
    ws.append([styled(label(c, lang) + (unit if formats.get(c) == "amount" else ""), bold) for c in columns])
    number_formats = [EXCEL_FORMATS.get(formats.get(c, "")) for c in columns]
    for row in frame[columns].itertuples(index=False):
        out = []
        for value, number_format in zip(row, number_formats):
            value = _plain(value)
            if value is None and number_format and missing is not None:
                value = missing
            out.append(styled(value, number_format=number_format) if number_format and value is not None
                       else safe_cell(value))
        ws.append(out)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _plain(value: object) -> object:
    """A value openpyxl writes: None for missing, lists joined, numpy scalars as Python numbers."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy scalars and arrays
        value = value.tolist()
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


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
