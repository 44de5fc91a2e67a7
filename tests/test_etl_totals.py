"""Subtotal and total rows anywhere in a ledger are skipped as totals, and the ledger's own
合计 row is a checksum of what was loaded (issue 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

REFUNDS = ["序号", "统一社会信用代码", "县区", "类别", "清退金额（元）", "涉及户数", "清退日期"]
CO_A, CO_B = "91110108551385082Q", "91440300708461136T"
CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "退还金额", "问题描述"]


def refund(n, county, amount, households, day, co=CO_A, kind="物业费"):
    return [n, co, county, kind, amount, households, day]


def test_subtotals_and_totals_anywhere_are_skipped_and_never_suggested_as_a_county(clerk, load, query):
    rows = [
        refund(1, "太谷区", 3000, 12, dt.datetime(2024, 5, 6)),
        refund(2, "太谷区", 1500.5, 8, dt.datetime(2024, 5, 13)),
        [None, None, "太谷区小计", None, 4500.5, 20, None],
        refund(3, "平遥县", 800, 40, dt.datetime(2024, 5, 20), co=CO_B),
        [None, None, "平遥县 汇总", None, 800, 40, None],
        ["合　　计", None, None, None, 5300.5, 60, None],  # full-width spaces, as clerks centre it
    ]
    report = load(clerk.xlsx("清退台账.xlsx", REFUNDS, rows)).files[0]

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert query("SELECT county, amount FROM refunds ORDER BY refunded_on") == [
        ("140703", Decimal("3000.00")),
        ("140703", Decimal("1500.50")),
        ("140728", Decimal("800.00")),
    ]
    assert [w for w in report.warnings if "合计行" in w] == [
        "第 6 行是合计行（太谷区小计），不是数据，未读取",
        "第 8 行是合计行（平遥县汇总），不是数据，未读取",
        "第 9 行是合计行，不是数据，未读取",
    ]
    assert report.checks == [
        "清退金额（元）：表内合计 5,300.50 元；入库合计 5,300.50 元，一致",
        "涉及户数：表内合计 60；入库合计 60，一致",
    ]
    # the warehouse's totals equal the ledger's own 合计
    assert query("SELECT sum(amount), sum(households) FROM refunds") == [(Decimal("5300.50"), 60)]


def test_a_total_row_in_the_middle_and_in_any_column(clerk, load, query):
    rows = [
        ["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中", "100", "物业费合计多收 100 元"],
        ["", "", "", "", "", "合计", "100", ""],
        ["JZ002", "12345", "设施维护", "太谷区", "2024-03-02", "已整改", "200", ""],
        ["总 计", "", "", "", "", "", "300", ""],
    ]
    report = load(clerk.csv("台账.csv", CASES, rows)).files[0]

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert query("SELECT case_id, description FROM cases ORDER BY 1") == [
        ("JZ001", "物业费合计多收 100 元"),
        ("JZ002", None),
    ]  # a description mentioning 合计 is data
    assert report.checks == ["退还金额：表内合计 300 元；入库合计 300 元，一致"]


def test_a_total_that_does_not_match_is_said_loudly(clerk, load):
    rows = [
        refund(1, "太谷区", "3,000.00", 12, "2024-05-06"),
        refund(2, "太谷区", "1,500.00", 8, "2024-05-13"),
        ["合计", None, None, None, "4,700.00", 20, None],
    ]

    report = load(clerk.csv("清退.csv", REFUNDS, rows)).files[0]

    assert report.checks == [
        "⚠ 清退金额（元）：表内合计 4,700 元；入库合计 4,500 元，相差 200 元（第 6 行合计）：与明细不符，请核对合计行和各行数据",
        "涉及户数：表内合计 20；入库合计 20，一致",
    ]
    from etl.report import format_report

    assert "\n  ⚠ 清退金额（元）：表内合计 4,700 元；入库合计 4,500 元，相差 200 元" in format_report(report, "")


def test_a_difference_explained_by_rejected_rows_says_so(clerk, load):
    rows = [
        refund(1, "太谷区", 3000, 12, "2024-05-06"),
        refund(2, "太古镇", 1500, 8, "2024-05-13"),
        ["合计", None, None, None, 4500, 20, None],
    ]

    report = load(clerk.csv("清退.csv", REFUNDS, rows)).files[0]

    assert report.rows_rejected == 1
    assert report.checks[0] == (
        "⚠ 清退金额（元）：表内合计 4,500 元；入库合计 3,000 元，相差 1,500 元（第 6 行合计）："
        "差额是拒收的 1 行（1,500 元），修正后重新载入即一致"
    )


def test_several_county_subtotals_without_a_grand_total_are_not_checked_as_one(clerk, load):
    rows = [
        refund(1, "太谷区", 3000, 12, "2024-05-06"),
        [None, None, "太谷区小计", None, 3000, 12, None],
        refund(2, "平遥县", 800, 4, "2024-05-20"),
        [None, None, "平遥县小计", None, 800, 4, None],
    ]

    report = load(clerk.csv("清退.csv", REFUNDS, rows)).files[0]

    assert report.rows_loaded == 2 and report.checks == []
