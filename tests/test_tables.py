"""Excel exports: what a clerk opens must be safe, exact and say its units."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from components.tables import sheet_title, to_excel


def _sheet(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    return wb[wb.sheetnames[0]]


def test_export_neutralises_formulas_in_text_cells():
    frame = pd.DataFrame(
        {
            "company_name": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "正常"],
            "refund_amount": [1.0] * 7,
        }
    )
    ws = _sheet(to_excel(frame, ["company_name", "refund_amount"], "zh", "标题", ["=cmd|' /C calc'!A0"]))
    values = [row[0] for row in ws.iter_rows(min_row=5, values_only=True)]
    # (the XML of the file stores a CR as a line break; what matters is the leading quote)
    assert values[:5] == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tx"]
    assert values[5].startswith("'") and values[6] == "正常"
    assert ws["A2"].value == "'=cmd|' /C calc'!A0"  # header lines too
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_amounts_are_exact_yuan_with_the_unit_in_the_header_and_rates_are_percentages():
    frame = pd.DataFrame(
        {"unit_name": ["榆次区"], "refund_amount": [12345.67], "fund_usage_rate": [0.5], "refund_households": [3]}
    )
    formats = {"refund_amount": "amount", "fund_usage_rate": "rate", "refund_households": "count"}
    columns = list(frame.columns)
    ws = _sheet(to_excel(frame, columns, "zh", "清退", [], formats))
    header = [c.value for c in ws[3]] if ws[3][0].value else [c.value for c in ws[4]]
    assert header[1].endswith("（元）") and not header[2].endswith("（元）")
    row = ws[ws.max_row]
    assert row[1].value == 12345.67 and row[1].number_format == "#,##0.00"
    assert row[2].value == 0.5 and row[2].number_format == "0.00%"
    assert row[3].value == 3
    en = _sheet(to_excel(frame, columns, "en", "Refunds", [], formats))
    assert any(str(c.value).endswith(" (yuan)") for c in en[en.max_row - 1])


def test_missing_values_and_lists_are_written_plainly():
    frame = pd.DataFrame(
        {
            "unit_name": [None, "榆次区"],
            "company_name": [["物业费", "水电费"], []],
            "refund_amount": [float("nan"), 2.0],
        }
    )
    ws = _sheet(to_excel(frame, list(frame.columns), "zh", "t", [], {"refund_amount": "amount"}))
    last_two = list(ws.iter_rows(min_row=ws.max_row - 1, values_only=True))
    assert last_two[0] == (None, "物业费、水电费", None)
    # a KPI with no rows behind it says so
    ws = _sheet(
        to_excel(frame, list(frame.columns), "zh", "t", [], {"refund_amount": "amount"}, kpis=["refund_amount"])
    )
    assert list(ws.iter_rows(min_row=ws.max_row - 1, values_only=True))[0] == (None, "物业费、水电费", "无数据")
    assert last_two[1] == ("榆次区", None, 2.0)


def test_sheet_titles_excel_refuses_are_made_safe():
    assert sheet_title("督办/问责: 2024[1]*?") == "督办_问责_ 2024_1___"
    assert len(sheet_title("很" * 40)) == 31
    assert sheet_title("  ") == "Sheet"


def test_a_long_list_sends_its_first_rows_and_says_how_many_there_are():
    """A list longer than ROW_CAP (the referrals of a province) is cut on screen, in the page's
    order, with the total; a short one is sent whole."""
    from components import panel

    n = panel.ROW_CAP + 500
    frame = pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(n)], "days_at_level": range(n)})
    how = panel.Table(formats={"days_at_level": "count"}, column_defs={"case_id": {"minWidth": 140}})
    node = panel.table("g", frame, ["case_id", "days_at_level"], "zh", how)
    note, grid = node.children
    assert [r["case_id"] for r in grid.rowData] == [f"C{i:05d}" for i in range(panel.ROW_CAP)]
    assert note.children == f"列出前 {panel.ROW_CAP:,} 行（共 {n:,} 行）；导出 Excel 含全部"
    assert grid.columnDefs[0]["minWidth"] == 140

    short = panel.table("g", frame.head(10), ["case_id", "days_at_level"], "en", how)
    assert len(short.rowData) == 10


def test_a_list_with_no_rows_and_no_columns_exports_its_header(leader_pages, monkeypatch):
    """A county officer's export of another county's community: the metrics give an empty frame
    without columns (nothing of it may be seen); the sheet has the title and the header, no rows
    (it was a KeyError and a 500)."""
    from metrics.filters import Scope
    from security import web

    monkeypatch.setattr(web, "current_scope", lambda: Scope(("140702",), personal_data=False))
    from pages import community

    frame = community._rows(community.CommunityView.of({"code": "XQ1407030001"}), "stars")
    assert frame.empty
    ws = _sheet(to_excel(frame, community.COLUMNS["stars"], "zh", "星级", []))
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert rows[0][0] == "星级" and rows[-1][:2] == ("年度", "星级")


def test_dates_and_codes_get_the_width_they_need_whole_on_a_phone_and_names_do_not():
    """At 390 px a grid's columns shrink to their minimum: a date or a credit code must not be cut
    ("2023-01-…", "9114070…"); names and text may wrap or be cut (their tooltip shows them)."""
    import datetime as dt

    import pandas as pd

    from components.tables import CELL_PX, CHAR_PX, UPPER_PX, WIDE_PX, grid

    frame = pd.DataFrame(
        {
            "listed_on": [dt.date(2023, 1, 1), dt.date(2024, 12, 31)],
            "company_code": ["91140702MA0K123456", "91140702MA0K654321"],
            "company_name": ["晋中汇德物业服务有限公司", "榆次兴业物业"],
            "open_cases": [3, 4],
        }
    )
    g = grid("g", frame, list(frame.columns), "zh", formats={"open_cases": "count"})
    widths = {d["field"]: d.get("minWidth") for d in g.columnDefs}
    assert widths["listed_on"] >= 10 * CHAR_PX + CELL_PX  # 2023-01-01 whole
    assert widths["company_code"] >= round(15 * CHAR_PX + 3 * UPPER_PX + CELL_PX)  # 18 characters whole, 3 capitals
    assert widths["company_name"] is None and widths["open_cases"] is None  # the grid's default minimum
    # a name cut at its column's width is shown whole on hover (only where it is cut); a date needs no tooltip
    tips = {d["field"]: d.get("tooltipField") for d in g.columnDefs}
    assert tips == {"listed_on": None, "company_code": None, "company_name": "company_name", "open_cases": None}
    assert g.dashGridOptions["tooltipShowMode"] == "whenTruncated"
    # a date sent as text (pages format them) is a date too
    texts = grid("g", frame, ["listed_on"], "zh", row_data=[{"listed_on": "2024-12-31"}])
    assert texts.columnDefs[0]["minWidth"] >= 10 * CHAR_PX + CELL_PX
    # a date with a short note after it (督办's 整改时限 "2024-02-15（按规则）") is whole, the note too;
    # a name in brackets is not a note
    noted = [{"deadline": "2024-02-15"}] * 250 + [{"deadline": "2024-02-15（按规则）"}]
    g = grid("g", frame, ["deadline"], "zh", row_data=noted)
    assert g.columnDefs[0]["minWidth"] >= round(10 * CHAR_PX + 5 * WIDE_PX + CELL_PX)
    g = grid("g", frame, ["deadline"], "en", row_data=[{"deadline": "2024-02-15 (by rule)"}])
    assert g.columnDefs[0]["minWidth"] >= round(18 * CHAR_PX + CELL_PX)
    g = grid("g", frame, ["company_name"], "zh", row_data=[{"company_name": "晋中汇德物业（榆次分公司）"}])
    assert g.columnDefs[0].get("minWidth") is None
    # a document's number (文号) is whole: its end is what tells one from another
    g = grid("g", frame, ["company_name"], "zh", row_data=[{"company_name": "晋中物监督〔2025〕12号"}])
    assert g.columnDefs[0]["minWidth"] >= round(5 * WIDE_PX + 2 * WIDE_PX + 6 * CHAR_PX + WIDE_PX + CELL_PX)


def test_a_pages_own_widths_never_make_a_column_of_codes_narrower_than_they_need():
    """A page that sets its columns' widths (评价's wide tables: 120 each) does not cut a credit code."""
    from components import panel
    from components.tables import CELL_PX, CHAR_PX, UPPER_PX

    frame = pd.DataFrame({"company_code": ["91140722MA0HJWQC7R"], "company_name": ["晋中汇德物业"]})
    how = panel.Table(
        widths={"company_code": 100},
        column_defs={c: {"minWidth": 120} for c in frame.columns},
        pin_first={"pinned": "left", "minWidth": 110},  # the first column's own settings too
    )
    defs = {d["field"]: d for d in panel.table("g", frame, list(frame.columns), "zh", how).columnDefs}
    assert defs["company_code"]["minWidth"] >= round(10 * CHAR_PX + 8 * UPPER_PX + CELL_PX)
    assert defs["company_name"]["minWidth"] == 120  # a name may wrap or be cut


def test_the_grid_of_a_table_is_found_beside_its_note():
    """A page that sets more on a table's grid finds it whether the table came alone, beside its
    "first rows" note (over ROW_CAP rows), or not at all (无数据)."""
    from components import panel

    frame = pd.DataFrame({"case_id": [f"C{i:05d}" for i in range(panel.ROW_CAP + 1)]})
    long = panel.table("g", frame, ["case_id"], "zh", panel.Table())
    short = panel.table("g", frame.head(3), ["case_id"], "zh", panel.Table())
    none = panel.table("g", frame.head(0), ["case_id"], "zh", panel.Table())
    assert panel.grid_of(long) is long.children[1] and len(panel.grid_of(long).rowData) == panel.ROW_CAP
    assert panel.grid_of(short) is short and panel.grid_of(none) is None
