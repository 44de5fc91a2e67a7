"""维修资金 during a campaign (issue 21): recoveries day by day in a campaign month, and 挂账 —
arrears set aside as unrecoverable, a status of the arrears ledger with the clerks' spellings."""

from __future__ import annotations

import datetime as dt

import pytest
from dash_tree import traces

from metrics import funds, kpis
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter

MAY = {"region": "140700", "from": "2025-05-01", "to": "2025-05-31"}


def test_arrears_ledger_reads_the_set_aside_status_as_clerks_write_it(clerk, load, query, warehouse):
    ledger = clerk.csv(
        "欠缴台账.csv",
        [
            "项目编号",
            "项目名称",
            "开发企业",
            "县区",
            "欠缴金额（万元）",
            "建账日期",
            "追缴状态",
            "挂账日期",
            "挂账原因",
        ],
        [
            [
                "WX-1",
                "锦绣花园",
                "甲房地产",
                "榆次区",
                "12.5",
                "2025.01.06",
                "挂账处理",
                "2025.05.02",
                "开发企业破产清算",
            ],
            ["WX-2", "东城小区", "乙房地产", "榆次区", "8", "2025.01.06", "无法追缴", "2025年5月20日", "企业已注销"],
            ["WX-3", "南苑", "丙房地产", "榆次区", "3", "2025.01.06", "正在追缴", None, None],
            ["WX-4", "北苑", "丁房地产", "榆次区", "3", "2025.01.06", "待定", None, None],
        ],
        title="晋中市住宅专项维修资金逾期未追缴清单",
    )
    result = load(ledger)
    (report,) = result.files
    assert (report.rows_loaded, report.rows_rejected) == (3, 1)
    assert report.rejects[0].column == "status" and "待定" in report.rejects[0].reason
    assert query("SELECT project_id, status, suspended_on::VARCHAR FROM fund_arrears ORDER BY 1") == [
        ("WX-1", "挂账", "2025-05-02"),
        ("WX-2", "挂账", "2025-05-20"),
        ("WX-3", "追缴中", None),
    ]
    wh = Warehouse(warehouse)
    on = lambda day: kpis.compute(wh, ["arrears_suspended"], Filter(end=day), EVERYTHING)["arrears_suspended"]  # noqa: E731
    assert on(dt.date(2025, 5, 10)).value == 125_000 and on(dt.date(2025, 5, 31)).value == 205_000


def test_demo_arrears_set_aside_are_counted_apart_and_still_owed(demo_wh):
    f = Filter("140700")
    card = kpis.compute(demo_wh, ["arrears_suspended", "arrears_outstanding"], f, EVERYTHING)
    projects, _ = funds.arrears_projects(demo_wh, f, EVERYTHING)
    set_aside = projects[projects["arrears_suspended"] > 0]
    assert len(set_aside) == 3 and card["arrears_suspended"].value == set_aside["arrears_outstanding"].sum() > 0
    assert card["arrears_outstanding"].value >= card["arrears_suspended"].value  # still owed
    april = kpis.compute(demo_wh, ["arrears_suspended"], Filter("140700", end=dt.date(2025, 4, 30)), EVERYTHING)
    assert april["arrears_suspended"].value == 0  # set aside in May 2025, not before


@pytest.fixture
def page(leader_pages):
    from pages import funds as page

    return page


def test_may_2025_campaign_day_by_day_sums_to_the_published_month(page):
    """晋中's May 2025 集中攻坚: 2,732.96 万元 recovered, drawn day by day with the cumulative line;
    a year-long period shows a link to that month instead."""
    figure, grid, hint = page.funds_recoveries_day(MAY)
    bars, line = traces(figure)
    assert len(bars["x"]) == 31 and bars["x"][0] == "2025-05-01"
    assert round(sum(bars["y"]), 2) == 2732.96 and round(line["y"][-1], 2) == 2732.96  # 万元
    assert round(sum(r["amount"] for r in grid.rowData), 2) == 27_329_600.00 and hint is None
    _, _, hint = page.funds_recoveries_day({"region": "140700", "from": "2025-01-01", "to": "2025-12-31"})
    assert "from=2025-05-01" in hint.href and "to=2025-05-31" in hint.href
