"""Issue 21 (b), the 12345 hotline's 三率: the platform's export with its 签收 and 回访 columns as a
clerk passes it on, response counted in working days (a Friday's 工单 answered on Monday is on
time), resolution and satisfaction of the visits that reached the caller; on the demo and on 整改进度."""

from __future__ import annotations

import datetime as dt

from metrics import hotline, kpis
from metrics.filters import EVERYTHING, Filter

HEADER = [
    "工单号",
    "来源",
    "县区",
    "问题类别",
    "受理时间",
    "办理状态",
    "办结日期",
    "签收时间",
    "回访时间",
    "是否解决",
    "回访结果",
]
RATES = ["hotline_response_rate", "hotline_resolution_rate", "hotline_satisfaction_rate"]


def platform_export(clerk):
    """A 12345 platform export (GB18030, times after the dates), re-sent by the county's clerk."""
    rows = [
        # received on a Friday, answered on the Monday: one working day, on time; visited, solved, satisfied
        [
            "GD202503070001",
            "12345热线",
            "榆次区",
            "设施维护",
            "2025/03/07 16:20",
            "已办结",
            "2025/03/12",
            "2025/03/10 09:05",
            "2025/03/14",
            "解决",
            "非常满意",
        ],
        # answered the same day; visited: not solved, not satisfied
        [
            "GD202503100002",
            "投诉",
            "榆次区",
            "违规收费",
            "2025/03/10 10:00",
            "已办结",
            "2025/03/20",
            "2025/03/10 15:30",
            "2025/03/24",
            "否",
            "不满意",
        ],
        # answered three working days later: late; the visit could not reach the caller
        [
            "GD202503100003",
            "12345",
            "榆次区",
            "质价不符",
            "2025/03/10 11:00",
            "已办结",
            "2025/03/25",
            "2025/03/13 08:40",
            "2025/03/27",
            "",
            "未接通",
        ],
        # not answered yet
        ["GD202503100004", "12345", "榆次区", "其他", "2025/03/10 11:30", "待受理", "", "", "", "", ""],
        # answered before it was received: the clerk must fix the date
        ["GD202503100005", "12345", "榆次区", "其他", "2025/03/10 12:00", "办理中", "", "2025/03/09 08:00", "", "", ""],
    ]
    return clerk.csv("12345工单导出.csv", HEADER, rows, encoding="gb18030", title=None, filled_by=None)


def test_platform_export_loads_its_response_and_return_visit_columns(clerk, load, query):
    result = load(platform_export(clerk))

    (report,) = result.files
    assert (report.rows_loaded, report.rows_rejected) == (4, 1)
    assert "签收时间" in report.rejects[0].reason and "早于受理日期" in report.rejects[0].reason
    assert query("SELECT case_id, source, responded_on, visited_on, resolved, satisfaction FROM cases ORDER BY 1") == [
        ("GD202503070001", "12345", dt.date(2025, 3, 10), dt.date(2025, 3, 14), "已解决", "满意"),
        ("GD202503100002", "投诉举报", dt.date(2025, 3, 10), dt.date(2025, 3, 24), "未解决", "不满意"),
        ("GD202503100003", "12345", dt.date(2025, 3, 13), dt.date(2025, 3, 27), None, "联系不上"),
        ("GD202503100004", "12345", None, None, None, None),
    ]


def test_three_rates_count_working_days_and_only_the_visits_that_reached_the_caller(clerk, load, warehouse):
    from metrics.db import Warehouse

    load(platform_export(clerk))
    f = Filter("140702", dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    values = kpis.compute(Warehouse(warehouse), RATES, f, EVERYTHING, with_previous=False)

    parts = {k: (v.numerator, v.denominator) for k, v in values.items()}
    assert parts == {
        "hotline_response_rate": (2, 4),  # Friday → Monday and the same day; not 3 days late, not unanswered
        "hotline_resolution_rate": (1, 2),  # 联系不上 counts in neither
        "hotline_satisfaction_rate": (1, 2),
    }


def test_demo_counties_scored_on_the_three_rates_with_two_slower_to_answer(demo_wh):
    f = Filter("140700", dt.date(2025, 1, 1), dt.date(2025, 5, 31))
    table = hotline.hotline_by_unit(demo_wh, f, EVERYTHING).set_index("unit_name")
    rate = kpis.rate_of("hotline_response_rate", table)
    slow, others = rate[["太谷区", "介休市"]], rate.drop(["太谷区", "介休市"])
    assert slow.max() < others.min()
    card = kpis.compute(demo_wh, RATES, f, EVERYTHING, with_previous=False)
    assert card["hotline_response_rate"].denominator == table["hotline_received"].sum()
    assert 0.8 < card["hotline_satisfaction_rate"].value < 0.95


def test_a_return_visit_in_the_trail_is_the_platforms_visit(demo_wh):
    """The demo's story stays one: a 工单 whose 督办记录 has a 回访 has that day and result as its visit."""
    (mismatched,) = demo_wh.rows(
        """SELECT count(*) FROM cases c JOIN (SELECT case_id, min(happened_on) AS day, arg_min(note, happened_on) AS note
               FROM case_events WHERE action = '回访' GROUP BY case_id) v USING (case_id)
           WHERE c.source IN ('12345', '投诉举报')
             AND (c.visited_on <> v.day OR c.satisfaction <> CASE WHEN v.note IN ('满意', '基本满意', '不满意')
                                                                  THEN v.note ELSE '不满意' END)"""
    )[0:1][0]
    assert mismatched == 0


def test_rectification_page_shows_the_rates_by_county_and_their_total(leader_pages, demo_wh):
    from pages import _rectification_hotline as section

    params = {"region": "140700", "from": "2025-01-01", "to": "2025-05-31"}
    figure, grid = section.draw(params)
    total = grid.dashGridOptions["pinnedBottomRowData"][0]
    f = Filter("140700", dt.date(2025, 1, 1), dt.date(2025, 5, 31))
    card = kpis.compute(demo_wh, RATES, f, EVERYTHING, with_previous=False)
    for key in RATES:
        assert total[key] == card[key].value
    assert [t["name"] for t in figure["data"]] == ["12345 响应率", "12345 解决率", "12345 满意率"]
    assert len(grid.rowData) == 12


def test_a_county_whose_ledger_has_no_response_column_has_no_response_rate_not_zero(clerk, load, warehouse):
    from metrics.db import Warehouse

    header = ["工单号", "来源", "县区", "问题类别", "受理日期", "办理状态", "办结日期"]
    load(
        clerk.csv("投诉台账.csv", header, [["TS1", "投诉举报", "太谷区", "其他", "2025-03-03", "已办结", "2025-03-05"]])
    )
    values = kpis.compute(Warehouse(warehouse), RATES, Filter("140703"), EVERYTHING, with_previous=False)
    assert [values[k].value for k in RATES] == [None, None, None]
