"""Figures that never mislead (issue 14): one definition at every grain, no data is not zero,
a KPI's direction decides ranks and medals."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics import funds, kpis
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter

ARREARS = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额（元）", "建账日期"]
RECOVERIES = ["项目编号", "到账日期", "追缴金额（元）", "方式"]


@pytest.fixture
def arrears_warehouse(clerk, load, warehouse):
    load(
        clerk.csv(
            "欠缴.csv",
            ARREARS,
            [
                ["WX-001", "阳光家园", "甲房地产", "榆次区", 100000, "2024-01-10"],
                ["WX-002", "幸福里", "甲房地产", "榆次区", 50000, "2024-01-10"],
                ["WX-003", "金色水岸", "乙房地产", "太谷区", 80000, "2024-02-01"],
            ],
        )
    )
    load(
        clerk.csv(
            "追缴.csv",
            RECOVERIES,
            [
                ["WX-001", "2024-03-01", 130000, "催缴"],  # overpaid by 30,000 (a late fee, a clerk's slip)
                ["WX-002", "2024-03-05", 10000, "催缴"],
                ["WX-003", "2024-04-01", 20000, "诉讼"],
            ],
        )
    )
    return Warehouse(warehouse)


def test_outstanding_is_one_definition_at_every_grain(arrears_warehouse):
    wh, f = arrears_warehouse, Filter()
    card = kpis.compute(wh, ["arrears_outstanding"], f, EVERYTHING, with_previous=False)["arrears_outstanding"].value
    projects, _ = funds.arrears_projects(wh, f, EVERYTHING)
    units = funds.arrears_by_unit(wh, f, EVERYTHING)
    developers, _ = funds.arrears_by_developer(wh, f, EVERYTHING)
    scorecard = kpis.scorecard(wh, ["arrears_outstanding"], f, EVERYTHING)

    # 40,000 still owed on WX-002 and 60,000 on WX-003; WX-001's overpayment hides neither
    assert card == 100000
    assert projects["arrears_outstanding"].sum() == card
    assert units["arrears_outstanding"].sum() == card
    assert developers["arrears_outstanding"].sum() == card
    assert scorecard["arrears_outstanding"].sum() == card
    assert dict(zip(units["unit"], units["arrears_outstanding"], strict=False)) == {"140702": 40000, "140703": 60000}


# ---------------------------------------------------------------- scales


@pytest.mark.parametrize(
    "values, expected",
    [
        ([0.93], (0.91, 0.95)),  # one county alone: a narrow band around it, not 43%–143%
        ([1.0], (0.98, 1.0)),
        ([0.5, 0.9], (0.5, 0.9)),
        ([0.2, 1.0], (0.2, 1.0)),
    ],
)
def test_a_rate_map_scale_stays_within_0_and_100_percent(values, expected):
    from components.maps import county_figure, load_geojson

    codes = ["140702", "140703"][: len(values)]
    fig = county_figure(
        load_geojson("140700"), dict(zip(codes, values, strict=False)), "整改率", "整改率", value_format=".2%"
    )
    trace = next(t for t in fig["data"] if t["type"] == "choropleth" and t.get("showscale") is not False)
    assert (round(trace["zmin"], 4), round(trace["zmax"], 4)) == expected
    assert 0 <= trace["zmin"] < trace["zmax"] <= 1


@pytest.mark.parametrize("lo, hi", [(0.965, 0.98), (0.96, 1.004), (0.5, 1.0), (0.9, 0.9005), (0.0, 0.02)])
def test_rate_tick_labels_never_repeat(lo, hi):
    from components.charts import rate_tickformat

    fmt = rate_tickformat(lo, hi)
    decimals = int(fmt[1:-1])
    step = (hi - lo) / 5
    ticks = [lo + k * step for k in range(6)]
    labels = [f"{t * 100:.{decimals}f}%" for t in ticks]
    assert len(set(labels)) == len(labels), labels


# ---------------------------------------------------------------- no data is not zero

CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "办结日期"]
REFUNDS = ["统一社会信用代码", "县区", "类别", "清退金额", "清退日期"]


@pytest.fixture
def patchy_warehouse(clerk, load, warehouse):
    """晋中: cases from 榆次区 only, refunds from 太谷区 only; the other counties sent nothing."""
    load(
        clerk.csv(
            "问题.csv",
            CASES,
            [
                ["JZ001", "排查", "其他", "榆次区", "2024-03-01", "已整改", "2024-03-10"],
                ["JZ002", "排查", "其他", "榆次区", "2024-03-02", "办理中", ""],
            ],
        )
    )
    load(clerk.csv("清退.csv", REFUNDS, [["91110108551385082Q", "太谷区", "物业费", "3000", "2024-05-06"]]))
    return Warehouse(warehouse)


def test_a_county_without_rows_has_no_value_no_light_and_no_rank(patchy_warehouse):
    from metrics.scorecard import county_scorecard

    table = county_scorecard(patchy_warehouse, Filter(region="140700"), EVERYTHING).set_index("unit_name")

    assert table.loc["榆次区", "rectification_rate"] == 0.5 and table.loc["榆次区", "rank"] == 1
    assert pd.isna(table.loc["榆次区", "refund_amount"])  # sent no refund ledger: not 0 yuan
    assert table.loc["榆次区", "refund_amount__light"] == "none"
    assert pd.isna(table.loc["太谷区", "rectification_rate"]) and table.loc["太谷区", "rank"] is None
    assert table.loc["太谷区", "refund_amount"] == 3000
    # a county that sent nothing at all is listed, with nothing: seen, not hidden, never first
    assert pd.isna(table.loc["平遥县", "overdue_cases"]) and table.loc["平遥县", "overdue_cases__light"] == "none"
    assert table.loc["平遥县", "rank"] is None and list(table["rank"])[0] == 1


def test_a_region_without_rows_shows_no_value_on_its_card(patchy_warehouse):
    values = kpis.compute(
        patchy_warehouse, ["overdue_cases", "refund_amount"], Filter(region="140781"), EVERYTHING, with_previous=False
    )
    assert values["overdue_cases"].value is None and values["refund_amount"].value is None
    from components.cards import kpi_card

    card = kpi_card(values["overdue_cases"])
    body = card.children.children.children
    assert body[1].children == "无数据" and "no-data" in body[1].className and "kpi-none" in card.children.className


def test_the_wall_ranks_only_counties_with_a_value(patchy_warehouse):
    from metrics import screen

    table = screen.unit_table(patchy_warehouse, ["refund_amount"], Filter(region="140700"), EVERYTHING)
    ranked = screen.ranking(table, "refund_amount")
    assert ranked[["rank", "unit_name"]].values.tolist() == [[1, "太谷区"]]


def test_the_export_says_no_data_where_there_is_none(patchy_warehouse):
    import io

    from openpyxl import load_workbook

    from components.tables import to_excel
    from metrics.scorecard import SCORECARD_KPIS, county_scorecard

    table = county_scorecard(patchy_warehouse, Filter(region="140700"), EVERYTHING)
    formats = {k: kpis.BY_KEY[k].kind for k in SCORECARD_KPIS}
    ws = load_workbook(
        io.BytesIO(to_excel(table, ["rank", "unit_name", *SCORECARD_KPIS], "zh", "t", [], formats, kpis=SCORECARD_KPIS))
    ).active
    rows = {r[1]: r for r in ws.iter_rows(values_only=True) if r and r[1] in ("榆次区", "平遥县")}
    refund = 2 + SCORECARD_KPIS.index("refund_amount")
    assert rows["榆次区"][refund] == "无数据" and rows["平遥县"][2] == "无数据"
    assert rows["榆次区"][2] == 0.5


# ---------------------------------------------------------------- a county officer's view


def test_a_county_officer_sees_his_rank_and_the_citys_spread_not_other_counties(clerk, load, warehouse):
    from metrics.filters import Scope
    from metrics.scorecard import own_county, standing

    rows = []
    for county, done in (("榆次区", 9), ("太谷区", 5), ("平遥县", 7), ("介休市", 10)):  # of 10 cases each
        rows += [
            [
                f"{county}{i}",
                "排查",
                "其他",
                county,
                "2024-03-01",
                "已整改" if i < done else "办理中",
                "2024-03-20" if i < done else "",
            ]
            for i in range(10)
        ]
    load(clerk.csv("问题.csv", CASES, rows))
    wh = Warehouse(warehouse)
    officer = Scope(("140703",))  # 太谷区
    assert own_county(officer) == "140703" and own_county(Scope(("140700",))) is None

    place = standing(wh, Filter(), "140703", ["rectification_rate", "overdue_cases", "refund_amount"])
    rate = place.set_index("kpi").loc["rectification_rate"]
    assert (rate.value, rate["rank"], rate.ranked) == (0.5, 4, 4)  # last of the four counties with cases
    assert [round(v, 6) for v in (rate.q1, rate["median"], rate.q3)] == [0.65, 0.8, 0.925]
    refund = place.set_index("kpi").loc["refund_amount"]
    assert pd.isna(refund.value) and pd.isna(refund["rank"]) and refund.ranked == 0  # unranked, not first
    assert set(place.columns) == {"kpi", "value", "rank", "ranked", "q1", "median", "q3"}  # no names, no values


def test_as_of_follows_the_viewers_scope(patchy_warehouse):
    import datetime as dt

    from metrics.facts import data_as_of
    from metrics.filters import Scope

    assert data_as_of(patchy_warehouse) == dt.date(2024, 5, 6)  # 太谷区's refund
    assert data_as_of(patchy_warehouse, scope=Scope(("140702",))) == dt.date(2024, 3, 10)  # 榆次区's own rows
    assert data_as_of(patchy_warehouse, Filter(region="140702")) == dt.date(2024, 3, 10)
