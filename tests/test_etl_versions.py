"""A ledger sent again, corrected: the new version replaces the old rows, the report says what
changed, and no figure ever counts both versions (issue 13, "A corrected ledger sent again")."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

REFUNDS = ["序号", "统一社会信用代码", "县区", "类别", "清退金额（元）", "涉及户数", "清退日期"]
CO_A, CO_B = "91110108551385082Q", "91440300708461136T"
RECOVERIES = ["项目编号", "到账日期", "追缴金额（元）", "方式"]
CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]


def refunds(amount_2: object = 12000, date_3: str = "2024-05-20", drop_3: bool = False) -> list[list]:
    rows = [
        [1, CO_A, "太谷区", "物业费", 3000, 12, "2024-05-06"],
        [2, CO_A, "太谷区", "装修保证金", amount_2, 8, "2024-05-13"],
        [3, CO_B, "太谷区", "水电费", 800, 40, date_3],
    ]
    return rows[:2] if drop_3 else rows


def test_a_corrected_amount_replaces_the_row_it_corrects(clerk, load, query):
    first = load(clerk.xlsx("太谷区清退台账.xlsx", REFUNDS, refunds()))
    corrected = clerk.xlsx("太谷区清退台账（更正）.xlsx", REFUNDS, refunds(amount_2="1,200.00"))

    report = load(corrected).files[0]

    assert query("SELECT kind, amount, households, refunded_on FROM refunds ORDER BY refunded_on") == [
        ("物业费", Decimal("3000.00"), 12, dt.date(2024, 5, 6)),
        ("装修保证金", Decimal("1200.00"), 8, dt.date(2024, 5, 13)),
        ("水电费", Decimal("800.00"), 40, dt.date(2024, 5, 20)),
    ]
    assert query("SELECT sum(amount) FROM refunds") == [(Decimal("5000.00"),)]
    loaded_on = first.files[0]
    day = query("SELECT loaded_at FROM loads WHERE load_id = ?", [loaded_on.load_id])[0][0]
    assert report.version == (
        f"本文件替换 {day:%Y-%m-%d} 载入的“太谷区清退台账.xlsx”的版本：修改 1 行，新增 0 行，删除 0 行，未变 2 行"
    )
    assert report.changes == ["第 5 行 清退金额（元）：12,000.00 → 1,200.00"]
    assert report.rows_replaced == 3 and report.rows_loaded == 3
    # the replaced row is kept with its old values: nothing is lost
    kept = query("SELECT change, old_values FROM replacements WHERE load_id = ? AND change = '修改'", [report.load_id])
    assert len(kept) == 1 and json.loads(kept[0][1])["amount"] == 12000


def test_a_corrected_date_replaces_the_row_and_a_dropped_row_is_deleted(clerk, load, query):
    load(clerk.csv("清退.csv", REFUNDS, refunds()))

    report = load(
        clerk.csv(
            "清退-改.csv",
            REFUNDS,
            refunds(date_3="2024-05-28")[:2] + [[3, CO_B, "太谷区", "水电费", 800, 40, "2024-05-28"]],
        )
    ).files[0]
    assert query("SELECT count(*), max(refunded_on) FROM refunds") == [(3, dt.date(2024, 5, 28))]
    assert report.changes == ["第 6 行 清退日期：2024-05-20 → 2024-05-28"]

    report = load(clerk.csv("清退-再改.csv", REFUNDS, refunds(drop_3=True))).files[0]
    assert query("SELECT count(*), sum(amount) FROM refunds") == [(2, Decimal("15000.00"))]
    assert report.version.endswith("修改 0 行，新增 0 行，删除 1 行，未变 2 行")
    assert query("SELECT change, key FROM replacements WHERE load_id = ? AND change = '删除'", [report.load_id]) == [
        ("删除", f"company_code={CO_B}, county=140703, kind=水电费, refunded_on=2024-05-28, amount=800.00")
    ]


def test_another_month_or_county_is_not_a_new_version(clerk, load, query):
    load(clerk.csv("5月.csv", REFUNDS, refunds()))
    june = [[1, CO_A, "太谷区", "物业费", 3000, 12, "2024-06-03"], [2, CO_A, "榆次区", "物业费", 500, 2, "2024-05-13"]]

    report = load(clerk.csv("6月.csv", REFUNDS, june)).files[0]

    assert report.version is None and report.rows_replaced == 0
    assert query("SELECT count(*), sum(amount) FROM refunds") == [(5, Decimal("19300.00"))]


def test_a_corrected_recovery_replaces_the_one_it_corrects(clerk, load, query):
    rows = [
        ["JZ-WX-001", "2024-03-05", 50000, "催缴"],
        ["JZ-WX-001", "2024-04-10", 20000, "催缴"],
        ["JZ-WX-002", "2024-04-12", 7000, "诉讼"],
    ]
    load(clerk.csv("追缴.csv", RECOVERIES, rows))
    rows[1][2] = 25000

    report = load(clerk.csv("追缴（更正）.csv", RECOVERIES, rows)).files[0]

    assert query("SELECT project_id, sum(amount) FROM fund_recoveries GROUP BY 1 ORDER BY 1") == [
        ("JZ-WX-001", Decimal("75000.00")),
        ("JZ-WX-002", Decimal("7000.00")),
    ]
    assert report.version.endswith("修改 1 行，新增 0 行，删除 0 行，未变 2 行")
    assert report.changes == ["第 5 行 追缴金额（元）：20,000.00 → 25,000.00"]


def test_a_case_ledger_update_says_what_it_changed_and_what_it_kept(clerk, load):
    def case(case_id, status="办理中"):
        return [case_id, "投诉举报", "违规收费", "榆次区", "2024-03-01", status]

    load(clerk.csv("3月.csv", CASES, [case("JZ001"), case("JZ002"), case("JZ003")]))

    report = load(clerk.csv("4月.csv", CASES, [case("JZ001", "已整改"), case("JZ002"), case("JZ004")])).files[0]

    assert report.version.startswith("本文件更新了") and report.version.endswith(
        "“3月.csv”的记录：修改 1 行，新增 1 行，删除 0 行，未变 1 行；该版本另有 1 行不在本文件中，仍保留"
    )
    assert report.changes == ["第 4 行 状态：办理中 → 已整改"]


def test_the_report_shows_the_version_instead_of_a_replacement_count(clerk, load):
    from etl.report import format_report

    load(clerk.csv("清退.csv", REFUNDS, refunds()))
    report = load(clerk.csv("清退-改.csv", REFUNDS, refunds(amount_2=1200))).files[0]

    text = format_report(report, "")
    assert "替换旧记录" not in text
    assert "  读取 3 行 = 入库 3 行 + 拒收 0 行\n  本文件替换 " in text
    assert "修改 1 行，新增 0 行，删除 0 行，未变 2 行\n    第 5 行 清退金额（元）：12,000.00 → 1,200.00\n" in text


def test_the_page_shows_the_corrected_figure(clerk, load, warehouse, monkeypatch):
    """The overview's refund card after a corrected ledger: the corrected sum, never both versions."""
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from metrics import access
    from metrics.db import Warehouse
    from pages import overview

    monkeypatch.setattr(access, "warehouse", lambda: Warehouse(warehouse))  # as pages/_view.py reads it
    load(clerk.xlsx("清退.xlsx", REFUNDS, refunds()))
    view = {"region": "140703", "from": "2024-05-01", "to": "2024-05-31"}
    assert _card_value(overview.overview_cards(view), "refund_amount") == "1.58 万元"

    load(clerk.xlsx("清退（更正）.xlsx", REFUNDS, refunds(amount_2=1200)))

    assert _card_value(overview.overview_cards(view), "refund_amount") == "0.50 万元"


def _card_value(cards, key: str) -> str:
    from dash_tree import card_value

    return card_value(cards, f"kpi-{key}")
