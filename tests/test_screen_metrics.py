"""metrics/screen.py (the wall display's ticker and rankings) on small ledgers written the way
clerks write them, loaded through the real ETL into a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import screen
from metrics.db import Warehouse
from metrics.filters import Filter, Scope

D = dt.date
COMMUNITY_HEADER = ["小区编号", "小区名称", "县区", "管理方式"]
CASE_HEADER = ["编号", "来源", "问题类别", "县区", "小区编号", "受理日期", "状态", "办结日期", "问题描述", "联系电话"]
ARREARS_HEADER = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
RECOVERY_HEADER = ["项目编号", "到账日期", "追缴金额", "方式"]
PHONE = "13912345678"


@pytest.fixture
def wh(clerk, load, warehouse) -> Warehouse:
    communities = clerk.csv(
        "communities.csv",
        COMMUNITY_HEADER,
        [
            ["XQ01", "锦绣花园", "榆次区", "专业物业企业"],
            ["XQ02", "汾河小区", "介休市", "专业物业企业"],
        ],
    )
    cases = clerk.csv(
        "cases.csv",
        CASE_HEADER,
        [
            [
                "TS001",
                "投诉举报",
                "违规收费",
                "榆次区",
                "XQ01",
                "2025-03-01",
                "已办结",
                "2025-03-05",
                "张三投诉乱收费",
                PHONE,
            ],
            ["TS002", "投诉举报", "设施维护", "介休市", "XQ02", "2025-03-02", "已办结", "2025-03-09", "", PHONE],
            ["PC003", "排查", "安全防范", "榆次区", "XQ01", "2025-03-03", "已整改", "2025-03-07", "", ""],
            ["PC004", "排查", "安全防范", "榆次区", "XQ01", "2025-03-03", "办理中", "", "", ""],
            ["PC005", "排查", "其他", "榆次区", "XQ01", "2025-01-03", "已整改", "2025-01-10", "", ""],
            ["PC006", "排查", "其他", "榆次区", "XQ01", "2025-03-20", "已整改", "2025-04-02", "", ""],
        ],
    )
    arrears = clerk.csv(
        "arrears.csv",
        ARREARS_HEADER,
        [
            ["WX-1", "锦江城项目", "某某房地产开发有限公司", "榆次区", "100", "2024-06-01"],
            ["WX-2", "银河国际项目", "某某置业有限公司", "介休市", "50", "2024-06-01"],
        ],
    )
    recoveries = clerk.csv(
        "recoveries.csv",
        RECOVERY_HEADER,
        [
            ["WX-1", "2025-03-04", "20", "催缴"],
            ["WX-2", "2025-03-08", "5", "行政处罚"],
            ["WX-1", "2025-03-08", "7", "纪检"],
            ["WX-1", "2025-04-01", "9", "公安"],
        ],
        title=None,
        filled_by=None,
    )
    result = load(communities, cases, arrears, recoveries)
    assert result.ok, result
    return Warehouse(warehouse)


MARCH = ("2025-03-01", "2025-03-31")


def test_latest_rectified_lists_the_cases_closed_in_the_period_latest_first(wh):
    frame = screen.latest_rectified(wh, Filter.from_query("140700", *MARCH), Scope())
    assert frame["case_id"].tolist() == ["TS002", "PC003", "TS001"]  # not the open one, not January's or April's
    assert tuple(frame.columns) == screen.RECTIFIED_COLUMNS
    assert frame.iloc[0][["county_name", "community_name", "category"]].tolist() == ["介休市", "汾河小区", "设施维护"]


def test_the_ticker_never_carries_personal_data_even_for_a_scope_that_may_see_it(wh):
    frame = screen.latest_rectified(wh, Filter.from_query("140700", *MARCH), Scope(None, personal_data=True))
    text = frame.astype(str).to_string()
    assert PHONE not in text and "张三" not in text and "5678" not in text
    assert set(frame.columns) == set(screen.RECTIFIED_COLUMNS)


def test_latest_recoveries_in_the_period_with_project_amount_and_channel(wh):
    frame = screen.latest_recoveries(wh, Filter.from_query("140700", *MARCH), Scope())
    assert tuple(frame.columns) == screen.RECOVERY_COLUMNS
    # same day: the larger amount first
    assert frame[["project_id", "amount", "channel"]].values.tolist() == [
        ["WX-1", 7.0, "纪检"],
        ["WX-2", 5.0, "行政处罚"],
        ["WX-1", 20.0, "催缴"],
    ]
    assert "某某" not in frame.astype(str).to_string()  # the developer is not on the ticker either


def test_filter_region_scope_and_limit_apply(wh):
    yuci = Filter.from_query("140702", *MARCH)
    assert screen.latest_rectified(wh, yuci, Scope())["case_id"].tolist() == ["PC003", "TS001"]
    # a viewer scoped to 介休市 sees nothing of 榆次区, even when the filter asks for it
    assert screen.latest_rectified(wh, yuci, Scope(("140781",))).empty
    assert screen.latest_recoveries(wh, Filter.from_query("140700", *MARCH), Scope(("140781",)))[
        "project_id"
    ].tolist() == ["WX-2"]
    assert len(screen.latest_rectified(wh, Filter.from_query("140700"), Scope(), limit=2)) == 2


def test_ranking_orders_units_by_value_and_leaves_out_units_without_one():
    table = pd.DataFrame(
        {
            "unit": ["140702", "140781", "140702401", "未匹配", "140703"],
            "unit_name": ["榆次区", "介休市", "晋中开发区", "未匹配", "太谷区"],
            "rectification_rate": [0.9, 0.95, 0.9, 1.0, None],
        }
    )
    ranked = screen.ranking(table, "rectification_rate")
    assert ranked.values.tolist() == [
        [1, "140781", "介休市", 0.95],
        [2, "140702", "榆次区", 0.9],
        [3, "140702401", "晋中开发区", 0.9],
    ]


def test_ranking_follows_the_kpis_direction():
    """Gold goes to the county with the least arrears outstanding, not the most."""
    table = pd.DataFrame(
        {
            "unit": ["140702", "140781", "140703"],
            "unit_name": ["榆次区", "介休市", "太谷区"],
            "arrears_outstanding": [5e6, 1e5, None],
        }
    )
    ranked = screen.ranking(table, "arrears_outstanding")
    assert ranked[["rank", "unit_name"]].values.tolist() == [[1, "介休市"], [2, "榆次区"]]


def test_last_published_is_the_newest_load_in_beijing_time(wh):
    from etl.clock import beijing_now
    from metrics.status import last_published

    at = last_published(wh)
    (newest,) = wh.rows("SELECT loaded_at FROM loads ORDER BY load_id DESC LIMIT 1")[0]
    assert at == newest
    assert dt.timedelta(0) <= beijing_now() - at < dt.timedelta(days=1)  # loaded by this test
