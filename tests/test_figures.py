"""What the figures say (issue 14): no data is not zero, every KPI's direction, rate scales,
a scorecard that shows all its rows, one definition of 尚未追缴 at every grain, and a county
officer's standing among his city's counties — on the demo warehouse and on small ledgers
written the way clerks write them; metrics, components and page callbacks called directly."""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest

from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter, Scope

D = dt.date
CASE_HEADER = ["编号", "来源", "问题类别", "县区", "受理日期", "整改时限", "状态", "办结日期"]
ARREARS_HEADER = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
RECOVERY_HEADER = ["项目编号", "到账日期", "追缴金额", "方式"]


@pytest.fixture(scope="module")
def demo_wh(tmp_path_factory) -> Warehouse:
    from etl import demo

    path = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    assert demo.build(path, out_dir=path.parent / "ledgers").ok
    return Warehouse(path)


@pytest.fixture
def pages(demo_wh, monkeypatch):
    """The overview and wall pages reading the demo warehouse, as a leader (every region)."""
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from pages import overview, screen

    for page in (overview, screen):
        monkeypatch.setattr(page, "warehouse", lambda: demo_wh)
    monkeypatch.setattr(overview, "current_scope", lambda: EVERYTHING)
    return overview, screen


def _xlsx_rows(download: dict) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    return [[c.value for c in row] for row in book.active.iter_rows()]


# ---------------------------------------------------------------- no data is not zero

def test_a_county_without_rows_has_no_value_no_light_and_no_rank(demo_wh):
    from metrics.scorecard import county_scorecard, map_values

    # 阳曲县 (太原市) has communities in the demo but no cases, refunds, arrears or fund ledger
    table = county_scorecard(demo_wh, Filter("140100"), EVERYTHING).set_index("unit")
    yangqu = table.loc["140122"]
    for key in ("rectification_rate", "overdue_cases", "refund_amount", "arrears_outstanding", "fund_usage_rate"):
        assert math.isnan(yangqu[key]) and yangqu[key + "__has"] == False, key  # noqa: E712 (numpy bool)
        assert yangqu[key + "__light"] == "none", key
    assert pd.isna(yangqu["rank"])
    assert yangqu["service_coverage"] == 1.0 and yangqu["service_coverage__has"] == True  # noqa: E712
    assert map_values(table.reset_index(), "overdue_cases", "county") == {"140122": None}
    # the region's card: no rows is no data either (not a green 0)
    card = kpis.compute(demo_wh, ["overdue_cases", "rectification_rate"], Filter("140100"), EVERYTHING)
    assert card["overdue_cases"].value is None and not card["overdue_cases"].has_data
    assert kpis.light(card["overdue_cases"].kpi, card["overdue_cases"].value) == "none"


def test_a_unit_with_rows_and_nothing_to_count_has_a_true_zero(clerk, load, warehouse):
    rows = [["A1", "排查", "其他", "榆次区", "2024-03-01", "2024-03-30", "已整改", "2024-03-10"],
            ["A2", "排查", "其他", "介休市", "2024-03-01", "2024-03-05", "办理中", ""]]
    assert load(clerk.csv("cases.csv", CASE_HEADER, rows, title="问题线索台账")).ok
    from metrics.scorecard import county_scorecard

    table = county_scorecard(Warehouse(warehouse), Filter(end=D(2024, 6, 30)), EVERYTHING).set_index("unit")
    assert table.loc["140702", "overdue_cases"] == 0 and table.loc["140702", "overdue_cases__has"] == True  # noqa: E712
    assert table.loc["140702", "overdue_cases__light"] == "green"
    assert table.loc["140781", "overdue_cases"] == 1


def test_no_data_reads_无数据_on_the_card_the_scorecard_the_export_and_the_wall(pages, demo_wh):
    from components.cards import kpi_card
    from components.screen import ranking_rows
    from metrics.screen import ranking, unit_table, without_data

    overview, screen = pages
    value = kpis.compute(demo_wh, ["overdue_cases"], Filter("140100"), EVERYTHING)["overdue_cases"]
    card = kpi_card(value)
    assert "无数据" in str(card) and "kpi-nodata" in str(card) and "kpi-green" not in str(card)
    assert "No data" in str(kpi_card(value, "en"))

    parts, _ = overview.overview_scorecard({"region": "140100"})
    grid = parts[-1]
    row = next(r for r in grid.rowData if r["unit"] == "140122")
    assert row["overdue_cases"] is None and row["rank"] is None  # null in the JSON, not NaN or 0
    column = next(d for d in grid.columnDefs if d["field"] == "overdue_cases")
    assert "'无数据'" in column["valueFormatter"]["function"] and "no-data" in column["cellClassRules"]

    rows = _xlsx_rows(overview.overview_export(1, {"region": "140100"}))
    header = rows.index(next(r for r in rows if r and r[0] == "排名"))
    assert rows[header + 1][:5] == ["—", "阳曲县", "无数据", "无数据", "无数据"]

    # 晋中: 和顺县 and 左权县 list no fund arrears; the wall leaves them unranked, after the ranking, in grey
    table = unit_table(demo_wh, screen.MAP_KPIS, Filter("140700"), EVERYTHING)  # the wall's units
    ranked, missing = ranking(table, "arrears_outstanding"), without_data(table, "arrears_outstanding")
    assert {"和顺县", "左权县"} <= set(missing["unit_name"]) and not set(missing["unit"]) & set(ranked["unit"])
    html = str(ranking_rows(ranked.to_dict("records"), "amount", "zh", missing=missing.to_dict("records"), scroll_after=99))
    assert html.count("screen-rank-nodata") == len(missing) and html.count("无数据") == len(missing)
    data = screen.screen_content(screen.screen_filter({"region": "140700"}), "zh")
    arrears = next(m for m in data[0]["maps"] if m["key"] == "arrears_outstanding")
    assert arrears["values"]["140723"] is None and arrears["values"]["140722"] is None


# ---------------------------------------------------------------- direction

def test_every_kpi_says_which_way_is_better():
    # the decisions, one by one (see metrics/kpis.py's docstring): debts and backlogs lower
    lower = {"overdue_cases", "arrears_listed", "arrears_outstanding"}
    assert {k.key for k in kpis.CATALOGUE if not k.higher_is_better} == lower
    for k in kpis.CATALOGUE:
        said = "越少越好" if k.key in lower else None
        if said:
            assert said in k.definition, k.key
    # a traffic light of a lower-is-better KPI: fewer is greener
    overdue = kpis.BY_KEY["overdue_cases"]
    assert [kpis.light(overdue, v) for v in (0, 5, 11)] == ["green", "amber", "red"]


def test_ranks_sorting_and_the_walls_medals_follow_the_direction(demo_wh):
    from components.screen import ranking_rows
    from components.tables import scorecard_grid
    from metrics.scorecard import county_scorecard
    from metrics.screen import ranking, unit_table

    table = unit_table(demo_wh, ["arrears_outstanding", "overdue_cases", "rectification_rate"], Filter("140700"),
                       EVERYTHING)
    for key, best in (("arrears_outstanding", min), ("overdue_cases", min), ("rectification_rate", max)):
        ranked = ranking(table, key)
        assert ranked["value"].iloc[0] == best(table[key].dropna()), key
        assert ranked["value"].is_monotonic_increasing if best is min else ranked["value"].is_monotonic_decreasing
    # gold, silver, bronze go to the three counties with the least unrecovered arrears
    ranked = ranking(table, "arrears_outstanding")
    html = str(ranking_rows(ranked.to_dict("records"), "amount", "zh", scroll_after=99))
    assert html.count("screen-rank-top") == 3
    assert ranked["unit_name"].iloc[-1] == "榆次区"  # the most outstanding: last, no medal
    # the scorecard: rank 1 the best rectification rate; a lower-is-better column sorts ascending first
    card = county_scorecard(demo_wh, Filter("140700"), EVERYTHING)
    assert card["rank"].tolist() == list(range(1, len(card) + 1))
    assert card["rectification_rate"].is_monotonic_decreasing
    grid = scorecard_grid("g", card, ["overdue_cases", "rectification_rate"], "zh")
    orders = {d["field"]: d.get("sortingOrder") for d in grid.columnDefs}
    assert orders["overdue_cases"][0] == "asc" and orders["rectification_rate"][0] == "desc"
    # kpis.rank: lower is better, units without a value unranked
    frame = pd.DataFrame({"unit": ["a", "b", "c"], "overdue_cases": [3.0, float("nan"), 1.0]})
    assert kpis.rank(frame, ["overdue_cases"]).tolist() == [2, pd.NA, 1]


# ---------------------------------------------------------------- scales

def _tick_labels(low: float, high: float, axis: dict) -> list[str]:
    """The labels Plotly draws for tick0/dtick and a d3 '.N%' or ',.Nf' format."""
    step, fmt = axis["dtick"], axis["tickformat"]
    decimals = int(fmt.strip(",.%f"))
    first = math.ceil(round((low - axis["tick0"]) / step, 9)) * step
    values = [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
    return [f"{v * 100:.{decimals}f}%" if fmt.endswith("%") else f"{v:,.{decimals}f}" for v in values]


@pytest.mark.parametrize("low, high", [(0.965, 0.98), (0.96, 1.004), (0.9617, 0.9934), (0.0, 1.0), (0.03, 0.0356),
                                       (0.2374, 0.2474), (0.5, 0.5001)])
def test_tick_labels_are_never_repeated(low, high):
    from components.charts import nice_ticks

    labels = _tick_labels(low, high, nice_ticks(low, high, percent=True))
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels


def test_rate_colour_scales_stay_within_0_and_100_percent_and_the_dot_plot_ticks_differ():
    from components.charts import dots
    from components.maps import county_figure, load_geojson

    geo = load_geojson("140700")
    one = {"type": "FeatureCollection", "features": [f for f in geo["features"] if f["properties"]["code"] == "140722"]}
    for values in ({"140722": 0.97}, {"140722": 1.0}, {"140722": 0.0}, {c: 0.9 + i / 100 for i, c in
                                                                     enumerate(["140702", "140703", "140721"])}):
        fig = county_figure(one if len(values) == 1 else geo, values, "整改率", "整改率", value_format=".2%")
        trace = next(t for t in fig["data"] if t["type"] == "choropleth" and t.get("colorbar"))
        assert 0.0 <= trace["zmin"] < trace["zmax"] <= 1.0, values
        assert trace["zmin"] <= min(values.values()) and max(values.values()) <= trace["zmax"]
        labels = _tick_labels(trace["zmin"], trace["zmax"], trace["colorbar"])
        assert len(set(labels)) == len(labels), labels
    frame = pd.DataFrame({"unit_name": ["甲", "乙", "丙"], "rectification_rate": [0.9662, 0.972, 0.9785]})
    fig = dots(frame, "unit_name", ["rectification_rate"], "zh", xformat=".0%", x_range=[0.96, 0.98])
    axis = fig.layout.xaxis.to_plotly_json()
    labels = _tick_labels(0.96, 0.98, axis)
    assert len(set(labels)) == len(labels) and labels[0] == "96.0%", labels


# ---------------------------------------------------------------- the scorecard shows all its rows

@pytest.mark.parametrize("region, n", [("140722", 1), ("140702", 2), ("140700", 12)])
def test_the_scorecard_is_sized_to_its_rows_for_every_region(pages, region, n):
    overview, _ = pages
    parts, _ = overview.overview_scorecard({"region": region})
    grid = parts[-1]
    assert len(grid.rowData) == n
    # AG Grid's autoHeight: the grid is as tall as its rows, no scroll box of its own
    assert grid.dashGridOptions["domLayout"] == "autoHeight" and "height" not in (grid.style or {})


# ---------------------------------------------------------------- one definition, every grain

def test_outstanding_arrears_are_the_same_on_the_card_the_lists_and_the_export(clerk, load, warehouse, monkeypatch):
    arrears = clerk.csv("arrears.csv", ARREARS_HEADER, [
        ["WX-1", "锦江城项目", "甲房地产开发有限公司", "榆次区", "1000000", "2024-06-01"],
        ["WX-2", "银河国际项目", "乙置业有限公司", "榆次区", "500000", "2024-06-01"],
        ["WX-3", "汾河湾项目", "乙置业有限公司", "介休市", "800000", "2024-06-01"],
    ])
    recoveries = clerk.csv("recoveries.csv", RECOVERY_HEADER, [
        ["WX-1", "2025-03-04", "1300000", "催缴"],  # overpaid: 30 more than listed
        ["WX-2", "2025-03-08", "100000", "行政处罚"],
        ["WX-3", "2025-03-09", "800000", "诉讼"],
    ], title=None, filled_by=None)
    assert load(arrears, recoveries).ok
    wh = Warehouse(warehouse)
    from metrics import funds
    from metrics.scorecard import county_scorecard

    f = Filter()
    card = kpis.compute(wh, ["arrears_outstanding"], f, EVERYTHING)["arrears_outstanding"].value
    projects, _ = funds.arrears_projects(wh, f, EVERYTHING)
    # per project max(listed − recovered, 0): 0 + 40万 + 0; the overpaid 30万 pays nothing of WX-2's debt
    assert projects.set_index("project_id")["arrears_outstanding"].to_dict() == {"WX-1": 0, "WX-2": 400000, "WX-3": 0}
    assert card == 400000 == projects["arrears_outstanding"].sum()
    assert funds.arrears_by_unit(wh, f, EVERYTHING)["arrears_outstanding"].sum() == 400000
    assert funds.arrears_by_developer(wh, f, EVERYTHING)[0]["arrears_outstanding"].sum() == 400000
    table = county_scorecard(wh, f, EVERYTHING).set_index("unit")
    assert table.loc["140702", "arrears_outstanding"] == 400000 and table.loc["140781", "arrears_outstanding"] == 0

    # the funds page: its card and its project export
    import app  # noqa: F401
    from pages import funds as page

    monkeypatch.setattr(page, "warehouse", lambda: wh)
    monkeypatch.setattr(page, "current_scope", lambda: EVERYTHING)
    cards, _ = page.funds_cards({})
    assert "40.00 万元" in str(next(c for c in cards if "funds-kpi-arrears_outstanding" in str(c)))
    build, columns, _title = page.EXPORTS["projects"]
    exported = build(page.View.of({}))
    assert exported["arrears_outstanding"].sum() == 400000


def test_the_ratings_page_takes_its_latest_year_from_the_catalogue(demo_wh, monkeypatch):
    import app  # noqa: F401
    from metrics.facts import latest_year
    from pages import ratings

    monkeypatch.setattr(ratings, "warehouse", lambda: demo_wh)
    monkeypatch.setattr(ratings, "current_scope", lambda: EVERYTHING)
    params = {"region": "140700", "from": "2023-01-01", "to": "2025-12-31"}
    stats, *_ = ratings.ratings_stars(params)
    year = latest_year(demo_wh, "star_ratings", Filter.from_query("140700", "2023-01-01", "2025-12-31"))
    assert f"{year}" in str(stats[0])
    share = kpis.compute(demo_wh, ["star_high_share"], Filter.from_query("140700", "2023-01-01", "2025-12-31"),
                         EVERYTHING, with_previous=False)["star_high_share"].value
    assert f"{share * 100:.2f}%" in str(stats[0])
    src = Path(ratings.__file__).read_text(encoding="utf-8")
    assert '["year"].max()' not in src  # no year logic of its own


# ---------------------------------------------------------------- a county officer's standing

def test_a_county_officer_sees_his_rank_among_the_citys_counties_and_its_quartiles(demo_wh, pages, monkeypatch):
    from metrics.scorecard import MIN_PEERS, SCORECARD_KPIS, county_scorecard, county_standing, map_values

    officer = Scope(("140702",))
    standing = county_standing(demo_wh, Filter(), officer).set_index("key")
    assert list(standing.index) == SCORECARD_KPIS
    assert set(standing.columns) == {"value", "has", "rank", "of", "median", "q1", "q3"}  # no names, no lists
    # recomputed from the whole city's scorecard, rolled up to counties (晋中开发区 counts in 榆次区)
    city = county_scorecard(demo_wh, Filter("140700"), EVERYTHING)
    for key in SCORECARD_KPIS:
        values = pd.Series(map_values(city, key, "county"), dtype="float64").dropna()
        kpi = kpis.BY_KEY[key]
        own = values["140702"]
        better = (values > own) if kpi.higher_is_better else (values < own)
        row = standing.loc[key]
        assert row["value"] == pytest.approx(own) and row["rank"] == better.sum() + 1 and row["of"] == len(values)
        assert len(values) >= MIN_PEERS
        assert row["median"] == pytest.approx(values.median()) and row["q1"] == pytest.approx(values.quantile(0.25))
    # 榆次区 has the most overdue cases of 晋中: last, not first
    assert standing.loc["overdue_cases", "rank"] == standing.loc["overdue_cases", "of"]
    # a leader sees every county by name: no standing, unless he looks at one county
    assert county_standing(demo_wh, Filter("140700"), EVERYTHING).empty
    zuoquan = county_standing(demo_wh, Filter("140722"), EVERYTHING).set_index("key")
    assert zuoquan.loc["overdue_cases", "rank"] == 1 and zuoquan.loc["rectification_rate", "rank"] == 10
    assert pd.isna(zuoquan.loc["arrears_outstanding", "rank"]) and not zuoquan.loc["arrears_outstanding", "has"]
    # a scope of a township-level unit alone may not see its county's figures
    assert county_standing(demo_wh, Filter(), Scope(("140702401",))).empty

    overview, _ = pages
    monkeypatch.setattr(overview, "current_scope", lambda: officer)
    parts, _ = overview.overview_scorecard({})
    text = str(parts)
    assert "本县区在全市的位置" in text and "第 11 名 / 共 11 个县区" in text
    grid = parts[-1]
    assert "rank" not in [d["field"] for d in grid.columnDefs]  # no "排名 1" among his own units
    assert {r["unit"] for r in grid.rowData} == {"140702", "140702401"}
    for other in ("平遥县", "介休市", "灵石县", "太谷区"):
        assert other not in text


def test_data_as_of_follows_the_viewers_scope(clerk, load, warehouse, monkeypatch):
    rows = [["A1", "排查", "其他", "榆次区", "2025-03-01", "2025-03-30", "已整改", "2025-03-31"],
            ["A2", "排查", "其他", "介休市", "2025-06-01", "2025-06-05", "办理中", ""],
            ["A3", "排查", "其他", "介休市", "2025-06-20", "2025-06-25", "办理中", ""]]
    assert load(clerk.csv("cases.csv", CASE_HEADER, rows, title="问题线索台账")).ok
    from metrics.facts import data_as_of

    wh = Warehouse(warehouse)
    assert data_as_of(wh) == D(2025, 6, 20)
    assert data_as_of(wh, Scope(("140702",))) == D(2025, 3, 31)
    assert data_as_of(wh, Scope(("140781",))) == D(2025, 6, 20)
    assert data_as_of(wh, Scope(())) is None

    import app

    monkeypatch.setattr(app, "warehouse", lambda: wh)
    monkeypatch.setattr(app, "current_scope", lambda: Scope(("140702",)))
    assert app.shell_as_of("") == "数据截至：2025-03-31"


@pytest.mark.parametrize("value", [5.0, 0.0, 1234.5])
def test_one_countys_count_or_amount_scale_has_ticks_that_differ(value):
    from components.maps import county_figure, load_geojson

    fig = county_figure(load_geojson("140700"), {"140722": value}, "", "超期未办结", value_format=",d")
    trace = next(t for t in fig["data"] if t.get("colorbar"))
    assert trace["zmin"] < value < trace["zmax"] or trace["zmin"] == value == 0.0
    labels = _tick_labels(trace["zmin"], trace["zmax"], {**trace["colorbar"], "tickformat": ",.0f"})
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels
