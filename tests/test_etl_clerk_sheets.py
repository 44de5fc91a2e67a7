"""Issue 13, the reader and the header: workbooks and headers laid out the way county clerks
lay them out — hidden sheets, a 汇总 sheet, units written outside the amount's header, two-row
headers, ticks for a status, cells merged down rows, Excel's "Unicode 文本", doubled quotes.
Each test loads a real ledger into a real DuckDB warehouse and asserts what is stored and what
the report says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from etl.normalize import uscc_check_digit


def uscc(n: int) -> str:
    """A valid unified social credit code (check digit computed) of a 榆次区 company."""
    first17 = f"91140702MA0{n:06d}"
    return first17 + uscc_check_digit(first17)


C1, C2, C3, C4 = (uscc(n) for n in (101, 102, 103, 104))
REFUNDS = ["序号", "统一社会信用代码", "县区", "类别", "清退金额（元）", "涉及户数", "清退日期"]


def refund(n, code, county, kind, amount, households, day):
    return [n, code, county, kind, amount, households, day]


def only(result):
    assert len(result.files) == 1, result.files
    return result.files[0]


def warnings_of(result) -> list[str]:
    return [w for f in result.files for w in f.warnings]


# ---------------------------------------------------------------- hidden sheets


def test_hidden_sheets_are_not_loaded_and_the_report_names_them(clerk, load, query):
    path = clerk.xlsx(
        "清退台账.xlsx",
        sheets={
            "6月": dict(
                header=REFUNDS,
                rows=[
                    refund(1, C1, "榆次区", "物业费", 1200, 3, "2024-06-05"),
                    refund(2, C2, "太谷区", "装修保证金", 5000, 1, "2024-06-12"),
                ],
            ),
            "5月（旧）": dict(
                header=REFUNDS, rows=[refund(1, C3, "榆次区", "物业费", 999, 3, "2024-05-05")], state="hidden"
            ),
            "备份": dict(
                header=REFUNDS, rows=[refund(1, C4, "祁县", "卫生费", 88, 1, "2024-04-01")], state="veryHidden"
            ),
        },
    )

    result = load(path)

    assert [(f.sheet, f.rows_read, f.rows_loaded) for f in result.files] == [("6月", 2, 2)]
    assert query("SELECT company_code, amount, _sheet FROM refunds ORDER BY amount") == [
        (C1, Decimal("1200.00"), "6月"),
        (C2, Decimal("5000.00"), "6月"),
    ]
    assert "工作表“5月（旧）”是隐藏工作表，未读取" in warnings_of(result)
    assert "工作表“备份”是深度隐藏（VeryHidden）的工作表，未读取" in warnings_of(result)


def test_workbook_whose_only_data_is_hidden_is_refused_with_the_reason(clerk, load, warehouse):
    path = clerk.xlsx(
        "清退台账.xlsx",
        sheets={
            "说明": dict(text=""),
            "5月（旧）": dict(
                header=REFUNDS, rows=[refund(1, C1, "榆次区", "物业费", 999, 3, "2024-05-05")], state="hidden"
            ),
        },
    )

    report = only(load(path))

    assert report.refused
    assert report.message == (
        "工作簿中可见的工作表都没有数据；隐藏的工作表（“5月（旧）”）不读取。如需加载，请在 Excel 中取消隐藏后重新上传"
    )


# ---------------------------------------------------------------- summary sheets

LEDGER = ["县(区、市)", "年度", "归集金额（元）", "使用金额（元）"]


def test_summary_sheet_recognised_by_its_figures_and_skipped(clerk, load, query):
    # One sheet per year, and a third sheet (not named as a summary) holding each county's
    # sums: loaded, its rows would replace the 2024 figures with the two years' totals.
    path = clerk.xlsx(
        "维修资金归集使用.xlsx",
        sheets={
            "2023年": dict(
                header=LEDGER,
                rows=[["榆次区", 2023, 100000, 20000], ["太谷区", 2023, 50000, 5000]],
                total=["合计", None, 150000, 25000],
            ),
            "2024年": dict(
                header=LEDGER,
                rows=[["榆次区", 2024, 120000, 30000], ["太谷区", 2024, 60000, 0]],
                total=["合计", None, 180000, 30000],
            ),
            "Sheet3": dict(
                header=LEDGER,
                rows=[["榆次区", 2024, 220000, 50000], ["太谷区", 2024, 110000, 5000]],
                total=["合计", None, 330000, 55000],
            ),
        },
    )

    result = load(path)

    assert [(f.sheet, f.rows_loaded) for f in result.files] == [("2023年", 2), ("2024年", 2)]
    assert query("SELECT county, year, collected, used FROM fund_ledger ORDER BY year, county") == [
        ("140702", 2023, Decimal("100000.00"), Decimal("20000.00")),
        ("140703", 2023, Decimal("50000.00"), Decimal("5000.00")),
        ("140702", 2024, Decimal("120000.00"), Decimal("30000.00")),
        ("140703", 2024, Decimal("60000.00"), Decimal("0.00")),
    ]
    assert (
        "工作表“Sheet3”是其他工作表的汇总（归集金额合计 330,000.00 元，等于“2023年”“2024年”之和），未读取"
        in warnings_of(result)
    )


def test_summary_sheet_of_per_county_sums_skipped_even_when_its_total_differs(clerk, load, query):
    # The 全市 sheet sums only two of the three county sheets, row by county: still a summary.
    rows = {
        "榆次区": [
            refund(1, C1, "榆次区", "物业费", 1200, 3, "2024-06-05"),
            refund(2, C2, "榆次区", "装修保证金", 5000, 1, "2024-06-12"),
        ],
        "太谷区": [refund(1, C3, "太谷区", "物业费", 800, 2, "2024-06-08")],
        "祁县": [refund(1, C4, "祁县", "卫生费", 300, 4, "2024-06-09")],
    }
    sheets = {name: dict(header=REFUNDS, rows=r) for name, r in rows.items()}
    sheets["全市"] = dict(
        header=REFUNDS, rows=[[1, None, "榆次区", None, 6200, 4, None], [2, None, "太谷", None, 800, 2, None]]
    )
    result = load(clerk.xlsx("清退台账.xlsx", sheets=sheets))

    assert [(f.sheet, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        ("榆次区", 2, 0),
        ("太谷区", 1, 0),
        ("祁县", 1, 0),
    ]
    assert query("SELECT sum(amount), count(*) FROM refunds") == [(Decimal("7300.00"), 4)]
    assert "工作表“全市”各行是“榆次区”“太谷区”“祁县”按县区的合计，是汇总表，未读取" in warnings_of(result)


def test_sheet_named_汇总_without_ids_skipped(clerk, load, query):
    # Last month's 汇总 left beside this month's county sheets: its figures agree with nothing,
    # but its rows carry no credit code, so they are not rows of refunds.
    path = clerk.xlsx(
        "清退台账.xlsx",
        sheets={
            "榆次区": dict(header=REFUNDS, rows=[refund(1, C1, "榆次区", "物业费", 1200, 3, "2024-06-05")]),
            "太谷区": dict(header=REFUNDS, rows=[refund(1, C3, "太谷区", "物业费", 800, 2, "2024-06-08")]),
            "汇总": dict(
                header=REFUNDS,
                rows=[
                    [1, None, "榆次区", "物业费", 900, 2, "2024-05-31"],
                    [2, None, "太谷区", "物业费", 700, 1, "2024-05-31"],
                ],
            ),
        },
    )

    result = load(path)

    assert [(f.sheet, f.rows_read) for f in result.files] == [("榆次区", 1), ("太谷区", 1)]
    assert query("SELECT sum(amount) FROM refunds") == [(Decimal("2000.00"),)]
    assert "工作表“汇总”是汇总表（名称含“汇总”，各行没有统一社会信用代码），未读取" in warnings_of(result)


def test_summary_in_万元_rounded_over_rows_in_元_recognised(clerk, load, query):
    # The clerk's 累计 sheet is in 万元 with two decimals: its sums are rounded, still sums.
    path = clerk.xlsx(
        "维修资金归集使用.xlsx",
        sheets={
            "2023年": dict(header=LEDGER, rows=[["榆次区", 2023, 123456.78, 20031.40], ["太谷区", 2023, 50000, 5000]]),
            "2024年": dict(header=LEDGER, rows=[["榆次区", 2024, 120987.65, 30000], ["太谷区", 2024, 61234.50, 0]]),
            "累计": dict(
                header=["县(区、市)", "年度", "归集金额（万元）", "使用金额（万元）"],
                rows=[["榆次区", 2024, 24.44, 5], ["太谷区", 2024, 11.12, 0.5]],
            ),
        },
    )

    result = load(path)

    assert [f.sheet for f in result.files] == ["2023年", "2024年"]
    assert query("SELECT sum(collected), sum(used) FROM fund_ledger") == [(Decimal("355678.93"), Decimal("55031.40"))]
    assert (
        "工作表“累计”是其他工作表的汇总（归集金额合计 355,600.00 元，“2023年”“2024年”之和 355,678.93 元，"
        "只差四舍五入的尾数），未读取" in warnings_of(result)
    )


def test_county_sheets_without_a_summary_all_load(clerk, load, query):
    # 祁县's households happen to equal 榆次区's and 太谷区's together; its amounts do not, and a
    # sheet named 统计 holds real rows with their codes: nothing here is a summary.
    path = clerk.xlsx(
        "清退台账.xlsx",
        sheets={
            "榆次区": dict(header=REFUNDS, rows=[refund(1, C1, "榆次区", "物业费", 1200, 3, "2024-06-05")]),
            "太谷区": dict(header=REFUNDS, rows=[refund(1, C2, "太谷区", "物业费", 800, 2, "2024-06-08")]),
            "祁县": dict(header=REFUNDS, rows=[refund(1, C3, "祁县", "卫生费", 2500, 5, "2024-06-09")]),
            "统计": dict(header=REFUNDS, rows=[refund(1, C4, "平遥县", "水电费", 450, 1, "2024-06-10")]),
        },
    )

    result = load(path)

    assert [(f.sheet, f.rows_loaded) for f in result.files] == [("榆次区", 1), ("太谷区", 1), ("祁县", 1), ("统计", 1)]
    assert query("SELECT sum(amount), sum(households) FROM refunds") == [(Decimal("4950.00"), 11)]
    assert "工作表“统计”的名称像汇总表，但其数字不是其他工作表的合计，且各行有编号，已作为明细读取" in warnings_of(
        result
    )


# ---------------------------------------------------------------- units outside the header cell

ARREARS = ["序号", "项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]


def arrears(n, project, amount):
    return [n, project, f"{project}小区", "晋中某房地产开发有限公司", "榆次区", amount, "2024-01-15"]


@pytest.mark.parametrize(
    "line, phrase",
    [
        ("填报单位：晋中市住房和城乡建设局　　单位：万元", "单位：万元"),
        ("填报单位：晋中市住房和城乡建设局　　金额单位：万元", "金额单位：万元"),
    ],
    ids=["单位", "金额单位"],
)
def test_unit_on_the_filled_by_line_applies_to_amounts(clerk, load, query, line, phrase):
    path = clerk.csv(
        "欠缴台账.csv",
        ARREARS,
        [arrears(1, "XM001", "12.5"), arrears(2, "XM002", "0.35")],
        filled_by=(line, "填报日期：2024年12月30日"),
    )

    report = only(load(path))

    assert query("SELECT project_id, amount_due FROM fund_arrears ORDER BY 1") == [
        ("XM001", Decimal("125000.00")),
        ("XM002", Decimal("3500.00")),
    ]
    assert f"金额单位：欠缴金额按万元换算为元（见表格上方“{phrase}”）" in report.warnings


def test_units_row_under_the_header(clerk, load, query):
    # 欠缴金额 in the header, （万元） in a row of its own under it, the other cells of that row empty
    path = clerk.csv(
        "欠缴台账.csv",
        ARREARS,
        [arrears(1, "XM001", "12.5")],
        sub_header=[None, None, None, None, None, "（万元）", None],
    )

    report = only(load(path))

    assert query("SELECT project_id, amount_due, _source_row FROM fund_arrears") == [("XM001", Decimal("125000.00"), 5)]
    assert "金额单位：欠缴金额按万元换算为元（见表头“欠缴金额（万元）”）" in report.warnings


def test_unit_in_a_note_below_the_table(clerk, load, query):
    path = clerk.xlsx(
        "欠缴台账.xlsx",
        ARREARS,
        [arrears(1, "XM001", 12.5), arrears(2, "XM002", 3)],
        total=["合计", None, None, None, None, 15.5],
        note="注：金额单位为万元。",
    )

    report = only(load(path))

    assert query("SELECT sum(amount_due) FROM fund_arrears") == [(Decimal("155000.00"),)]
    assert "金额单位：欠缴金额按万元换算为元（见表格下方“金额单位为万元”）" in report.warnings


def test_unit_in_the_title_applies_only_to_columns_without_their_own(clerk, load, query):
    path = clerk.xlsx(
        "归集使用.xlsx",
        ["县区", "年度", "归集金额（元）", "使用金额"],
        [["榆次区", 2024, 1234567.89, 12.5], ["太谷区", 2024, 500000, 3]],
        title="晋中市住宅专项维修资金归集使用情况表（单位：万元）",
    )

    report = only(load(path))

    assert query("SELECT county, collected, used FROM fund_ledger ORDER BY county") == [
        ("140702", Decimal("1234567.89"), Decimal("125000.00")),
        ("140703", Decimal("500000.00"), Decimal("30000.00")),
    ]
    assert report.warnings == ["金额单位：使用金额按万元换算为元（见表格上方“单位：万元”）"]


def test_group_header_unit_applies_to_the_columns_under_it(clerk, load, query):
    # 县区 | 年度 | 维修资金（万元） merged over 归集 | 使用, single-level cells merged down both rows
    path = clerk.xlsx(
        "归集使用.xlsx",
        ["县区", "年度", "归集", "使用"],
        [["榆次区", 2024, 120.5, 30.25], ["太谷区", 2024, 60, 0]],
        group=("维修资金（万元）", 2, 3),
    )

    report = only(load(path))

    assert (report.dataset, report.rows_loaded) == ("fund_ledger", 2)
    assert query("SELECT county, year, collected, used, _source_row FROM fund_ledger ORDER BY county") == [
        ("140702", 2024, Decimal("1205000.00"), Decimal("302500.00"), 5),
        ("140703", 2024, Decimal("600000.00"), Decimal("0.00"), 6),
    ]
    assert "金额单位：归集、使用按万元换算为元（见上方“维修资金（万元）”）" in report.warnings


@pytest.mark.parametrize("header", ["欠缴金额\n（万元）", "欠缴金额\n万元"], ids=["bracketed", "bare"])
def test_header_with_a_line_break_before_its_unit(clerk, load, query, header):
    path = clerk.xlsx("欠缴台账.xlsx", [*ARREARS[:5], header, ARREARS[6]], [arrears(1, "XM001", 12.5)])

    report = only(load(path))

    assert report.ignored_columns == []  # 序号 is a row number, not an unknown column
    assert query("SELECT amount_due FROM fund_arrears") == [(Decimal("125000.00"),)]
    assert f"金额单位：欠缴金额按万元换算为元（见表头“{header}”）" in report.warnings


def test_cell_that_writes_its_own_unit_keeps_it(clerk, load, query):
    header = [*ARREARS[:5], "欠缴金额（万元）", ARREARS[6]]
    path = clerk.csv(
        "欠缴台账.csv",
        header,
        [
            arrears(1, "XM001", "12,345.60元"),
            arrears(2, "XM002", "12.5"),
            arrears(3, "XM003", "1.5万元"),
            arrears(4, "XM004", "0.1亿"),
        ],
    )

    report = only(load(path))

    assert query("SELECT project_id, amount_due FROM fund_arrears ORDER BY 1") == [
        ("XM001", Decimal("12345.60")),
        ("XM002", Decimal("125000.00")),
        ("XM003", Decimal("15000.00")),
        ("XM004", Decimal("10000000.00")),
    ]
    assert "欠缴金额有 2 个单元格自带单位（如“0.1亿”），按单元格所写的单位计，未按万元换算" in report.warnings


# ---------------------------------------------------------------- two-row headers, ticks

CASES_TOP = ["序号", "线索编号", "来源", "问题类别", "县区", "受理日期", "整改情况", None, "办结日期"]
CASES_SUB = [None, None, None, None, None, None, "已整改", "未整改"]


def ticked(n, case_id, done, open_, closed=None):
    return [n, case_id, "投诉举报", "违规收费", "榆次区", "2024-03-01", done, open_, closed]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_two_row_header_without_vertical_merges(clerk, load, query, kind):
    rows = [ticked(1, "JZ001", "√", None, "2024-03-20"), ticked(2, "JZ002", None, "√")]
    write = clerk.csv if kind == "csv" else clerk.xlsx
    # in the workbook the group cell is merged across its two sub-columns (G3:H3), nothing else
    layout = dict(merges=["G3:H3"]) if kind == "xlsx" else {}
    path = write(f"整改台账.{kind}", CASES_TOP, rows, sub_header=CASES_SUB, **layout)

    report = only(load(path))

    assert (report.dataset, report.rows_read, report.rows_loaded, report.ignored_columns) == ("cases", 2, 2, [])
    assert query(
        "SELECT case_id, source, county, received_on, status, closed_on, _source_row FROM cases ORDER BY case_id"
    ) == [
        ("JZ001", "投诉举报", "140702", dt.date(2024, 3, 1), "已整改", dt.date(2024, 3, 20), 5),
        ("JZ002", "投诉举报", "140702", dt.date(2024, 3, 1), "办理中", None, 6),
    ]


def test_status_from_tick_marks_and_rejects_both_or_neither(clerk, load, query):
    rows = [
        ticked(1, "JZ001", "√", None, "2024-03-20"),
        ticked(2, "JZ002", "✓", "×", "2024-03-21"),
        ticked(3, "JZ003", "是", "否", "2024-03-22"),
        ticked(4, "JZ004", "✗", "√"),
        ticked(5, "JZ005", None, "是"),
        ticked(6, "JZ006", "√", "√"),
        ticked(7, "JZ007", None, None),
        ticked(8, "JZ008", "X", None),
    ]
    path = clerk.xlsx("整改台账.xlsx", CASES_TOP, rows, sub_header=CASES_SUB, merges=["G3:H3"])

    report = only(load(path))

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (8, 5, 3)
    assert query("SELECT case_id, status FROM cases ORDER BY case_id") == [
        ("JZ001", "已整改"),
        ("JZ002", "已整改"),
        ("JZ003", "已整改"),
        ("JZ004", "办理中"),
        ("JZ005", "办理中"),
    ]
    assert [r.reason for r in report.rejects] == [
        "第 10 行：整改情况同时勾选了“已整改”“未整改”，只能勾选一项",
        "第 11 行：整改情况的“已整改”“未整改”都没有勾选，请勾选其中一项",
        "第 12 行：整改情况下“已整改”一栏的“X”不是勾选符号（勾选请填 √，未选留空或填 ×）",
    ]
    assert query('SELECT raw FROM rejects WHERE "row" = 10') == [
        (
            '{"线索编号":"JZ006","来源":"投诉举报","问题类别":"违规收费","县区":"榆次区","受理日期":"2024-03-01",'
            '"整改情况/已整改":"√","整改情况/未整改":"√","办结日期":null}',
        )
    ]


def test_tick_group_of_three_choices_and_a_choice_written_out(clerk, load, query):
    # 已整改 | 整改中 | 未整改 (the last two both mean 办理中); a clerk writes 已整改 where a tick goes
    top = ["线索编号", "来源", "问题类别", "县区", "受理日期", "整改情况", None, None]
    sub = [None, None, None, None, None, "已整改", "整改中", "未整改"]
    rows = [
        ["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "已整改", None, None],
        ["JZ002", "投诉举报", "违规收费", "榆次区", "2024-03-01", None, "●", "○"],
        ["JZ003", "投诉举报", "违规收费", "榆次区", "2024-03-01", None, None, "√"],
    ]
    path = clerk.csv("整改台账.csv", top, rows, sub_header=sub, encoding="gb18030")

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    assert query("SELECT case_id, status FROM cases ORDER BY 1") == [
        ("JZ001", "已整改"),
        ("JZ002", "办理中"),
        ("JZ003", "办理中"),
    ]


def test_yes_no_group_read_from_ticks(clerk, load, query):
    # The same shape for a yes/no column: 应急使用 over 是 | 否, merged as Excel draws it.
    header = ["申请编号", "县区", "用途", "应急使用", None, "拨付金额（元）", "申请日期"]
    rows = [
        ["SQ001", "榆次区", "电梯", "√", None, 428650, "2025-05-06"],
        ["SQ002", "太谷区", "外墙", None, "√", 120000, "2025-04-01"],
    ]
    path = clerk.xlsx(
        "维修资金使用.xlsx",
        header,
        rows,
        sub_header=[None, None, None, "是", "否"],
        merges=["A3:A4", "B3:B4", "C3:C4", "D3:E3", "F3:F4", "G3:G4"],
    )

    report = only(load(path))

    assert (report.dataset, report.rows_loaded) == ("fund_usages", 2)
    assert query("SELECT application_id, emergency, amount FROM fund_usages ORDER BY 1") == [
        ("SQ001", True, Decimal("428650.00")),
        ("SQ002", False, Decimal("120000.00")),
    ]


# ---------------------------------------------------------------- cells merged down rows


def test_company_and_county_merged_down_apply_to_each_row(clerk, load, query):
    rows = [
        refund(1, C1, "榆次区", "物业费", 1200, 3, "2024-06-05"),
        refund(2, None, None, "水电费", 300, 2, "2024-06-05"),
        refund(3, None, None, "卫生费", 50, 1, "2024-06-05"),
    ]
    path = clerk.xlsx("清退台账.xlsx", REFUNDS, rows, merges=["B4:B6", "C4:C6"])

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (3, 0)
    assert query("SELECT company_code, county, kind, amount FROM refunds ORDER BY _source_row") == [
        (C1, "140702", "物业费", Decimal("1200.00")),
        (C1, "140702", "水电费", Decimal("300.00")),
        (C1, "140702", "卫生费", Decimal("50.00")),
    ]


def test_amount_merged_down_counts_once(clerk, load, query):
    # One refund of 3,000 yuan to 9 households for three kinds of fee, the amount and the
    # households merged down the three rows.
    rows = [
        refund(1, C1, "榆次区", "物业费", 3000, 9, "2024-06-05"),
        refund(2, C1, "榆次区", "水电费", None, None, "2024-06-05"),
        refund(3, C1, "榆次区", "卫生费", None, None, "2024-06-05"),
        refund(4, C2, "太谷区", "物业费", 800, 2, "2024-06-08"),
    ]
    path = clerk.xlsx(
        "清退台账.xlsx", REFUNDS, rows, total=["合计", None, None, None, 3800, 11], merges=["E4:E6", "F4:F6"]
    )

    report = only(load(path))

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 4, 0)
    assert query("SELECT kind, amount, households FROM refunds ORDER BY _source_row") == [
        ("物业费", Decimal("3000.00"), 9),
        ("水电费", Decimal("0.00"), None),
        ("卫生费", Decimal("0.00"), None),
        ("物业费", Decimal("800.00"), 2),
    ]
    assert query("SELECT sum(amount), sum(households) FROM refunds") == [(Decimal("3800.00"), 11)]  # = the 合计 row
    assert "第 4–6 行的“清退金额”是合并单元格，只计入第 4 行一次" in report.warnings
    assert "第 4–6 行的“涉及户数”是合并单元格，只计入第 4 行一次" in report.warnings


# ---------------------------------------------------------------- text exports

COMMUNITIES = ["小区编号", "小区名称", "县区", "管理方式", "备注"]
COMMUNITY_ROWS = [
    ["XQ001", '阳光"家园"小区', "榆次区", "专业物业企业", "东区,西区,北区"],
    ["XQ002", "锦绣花园", "太谷区", "业主自管", "1号楼,2号楼,含\t制表符"],
]


@pytest.mark.parametrize("name", ["小区台账.txt", "小区台账.xls"], ids=["txt", "renamed-xls"])
def test_unicode_text_export_utf16_tab_separated(clerk, load, query, name):
    path = clerk.csv(name, COMMUNITIES, COMMUNITY_ROWS, encoding="utf-16", delimiter="\t")
    assert path.read_bytes()[:2] == b"\xff\xfe"  # as Excel's "Unicode 文本" writes it

    report = only(load(path))

    assert (report.dataset, report.rows_loaded, report.rows_rejected) == ("communities", 2, 0)
    assert query("SELECT community_id, name, county, management_type, _source_row FROM communities ORDER BY 1") == [
        ("XQ001", '阳光"家园"小区', "140702", "专业物业企业", 4),
        ("XQ002", "锦绣花园", "140703", "业主自管", 5),
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_tab_separated_txt(clerk, load, query, encoding):
    path = clerk.csv("小区台账.txt", COMMUNITIES, COMMUNITY_ROWS, encoding=encoding, delimiter="\t")

    report = only(load(path))

    assert (report.dataset, report.rows_loaded) == ("communities", 2)
    assert query("SELECT community_id, name, county FROM communities ORDER BY 1") == [
        ("XQ001", '阳光"家园"小区', "140702"),
        ("XQ002", "锦绣花园", "140703"),
    ]


def test_doubled_quote_in_a_quoted_csv_cell_is_one_quote(clerk, load, query):
    path = clerk.csv("小区台账.csv", COMMUNITIES, COMMUNITY_ROWS[:1], encoding="utf-8-sig")
    assert '"阳光""家园""小区"' in path.read_text(encoding="utf-8-sig")

    only(load(path))

    assert query("SELECT name FROM communities") == [('阳光"家园"小区',)]


def test_tab_separated_amounts_with_thousands_separators(clerk, load, query):
    # Excel's "Unicode 文本" writes the numbers as shown: every amount holds commas.
    rows = [["榆次区", "2024", "1,205,000.00", "302,500.00"], ["太谷区", "2024", "600,000.00", "1,250.50"]]
    path = clerk.csv("归集使用.txt", ["县区", "年度", "归集金额", "使用金额"], rows, encoding="utf-16", delimiter="\t")

    report = only(load(path))

    assert (report.dataset, report.rows_loaded) == ("fund_ledger", 2)
    assert query("SELECT county, collected, used FROM fund_ledger ORDER BY county") == [
        ("140702", Decimal("1205000.00"), Decimal("302500.00")),
        ("140703", Decimal("600000.00"), Decimal("1250.50")),
    ]
