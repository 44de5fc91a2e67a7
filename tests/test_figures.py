"""What the figures say (issue 14), beyond tests/test_figures_truth.py: on the demo warehouse
and on small ledgers written the way clerks write them, the page callbacks called directly —
无数据 on the overview's grid and export and after the wall's ranking, a true 0 stays 0, every
KPI's direction (ranks, medals, sort order), colour bars and axes whose tick labels differ
(an explicit step), one county's own outline on the map, the scorecard as tall as its rows,
尚未追缴 on the funds page's card and export, and a county's standing for a leader's view."""

from __future__ import annotations

import base64
import io
import math

import pandas as pd
import pytest

from metrics import access, kpis, targets
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter, Scope
from security import web

CASE_HEADER = ["编号", "来源", "问题类别", "县区", "受理日期", "整改时限", "状态", "办结日期"]
ARREARS_HEADER = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
RECOVERY_HEADER = ["项目编号", "到账日期", "追缴金额", "方式"]


@pytest.fixture
def pages(demo_wh, monkeypatch):
    """The overview and wall pages reading the demo warehouse, as a leader (every region)."""
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from pages import overview, screen

    monkeypatch.setattr(access, "warehouse", lambda: demo_wh)  # the pages read it through pages/_view.py
    monkeypatch.setattr(web, "current_scope", lambda: EVERYTHING)
    return overview, screen


def _xlsx_rows(download: dict) -> list[list]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def _grid(parts):
    """The scorecard grid among the overview's scorecard children."""
    return parts[-1] if isinstance(parts, list) else parts


# ---------------------------------------------------------------- no data is not zero


def test_no_data_reads_无数据_on_the_overview_and_after_the_walls_ranking(pages, demo_wh):
    from components.screen import ranking_rows
    from metrics.screen import ranking, unit_table, without_data

    overview, screen = pages
    # 太原市: 阳曲县 has communities in the demo, but no cases, refunds, arrears or fund ledger
    grid = _grid(overview.overview_scorecard({"region": "140100"})[0])
    row = next(r for r in grid.rowData if r["unit"] == "140122")
    assert row["rank"] is None and all(row[k] is None or row[k] != row[k] for k in ("overdue_cases", "refund_amount"))
    column = next(d for d in grid.columnDefs if d["field"] == "overdue_cases")
    assert "无数据" in column["valueFormatter"]["function"] and "no-data" in column["cellClassRules"]
    rows = _xlsx_rows(overview.overview_export(1, {"region": "140100"}))
    yangqu = next(r for r in rows if r and "阳曲县" in r)
    assert yangqu[yangqu.index("阳曲县") + 1 :][:3] == ["无数据", "无数据", "无数据"]

    # 晋中: 和顺县 and 左权县 list no fund arrears; the wall lists them after its ranking, grey, unranked
    table = unit_table(demo_wh, screen.MAP_KPIS, Filter("140700"), EVERYTHING)  # the wall's units
    ranked, missing = ranking(table, "arrears_outstanding"), without_data(table, "arrears_outstanding")
    assert {"和顺县", "左权县"} <= set(missing["unit_name"]) and not set(missing["unit"]) & set(ranked["unit"])
    html = str(ranking_rows(ranked.to_dict("records"), "amount", "zh", missing=missing.to_dict("records")))
    assert html.count("screen-rank-nodata") == 1 and html.count("无数据") == 1  # one grey line, unranked
    assert all(name in html for name in missing["unit_name"][:2])
    assert html.count("screen-rank-top") == 3  # medals only to ranked units
    slides = screen.screen_content(screen.screen_filter({"region": "140700"}), "zh")
    arrears_slide = str(slides[6 + screen.MAP_KPIS.index("arrears_outstanding")])
    assert "左权县" in arrears_slide and "screen-rank-nodata" in arrears_slide


def test_a_unit_with_rows_and_nothing_to_count_has_a_true_zero(clerk, load, warehouse):
    rows = [
        ["A1", "排查", "其他", "榆次区", "2024-03-01", "2024-03-30", "已整改", "2024-03-10"],
        ["A2", "排查", "其他", "介休市", "2024-03-01", "2024-03-05", "办理中", ""],
    ]
    assert load(clerk.csv("cases.csv", CASE_HEADER, rows, title="问题线索台账")).ok
    from metrics.scorecard import county_scorecard

    table = county_scorecard(Warehouse(warehouse), Filter(region="140700"), EVERYTHING).set_index("unit")
    assert table.loc["140702", "overdue_cases"] == 0 and table.loc["140702", "overdue_cases__light"] == "green"
    assert table.loc["140781", "overdue_cases"] == 1
    assert pd.isna(table.loc["140728", "overdue_cases"])  # 平遥县 sent nothing: no value, not 0


# ---------------------------------------------------------------- direction


def test_every_kpi_says_which_way_is_better_and_lights_follow():
    # the decisions (metrics/kpis.py's docstring): debts and backlogs lower, everything else higher
    lower = {"overdue_cases", "arrears_listed", "arrears_outstanding", "arrears_suspended"}
    assert {k.key for k in kpis.CATALOGUE if not k.higher_is_better} == lower
    for k in kpis.CATALOGUE:
        if k.key in lower:
            assert "越少越好" in k.definition, k.key  # said where a reader hovers
    overdue = kpis.BY_KEY["overdue_cases"]
    bounds = targets.targets().bounds("overdue_cases", "140700", None)  # the shipped thresholds: green 0, amber 10
    assert [kpis.light(overdue, v, bounds) for v in (0, 5, 11)] == ["green", "amber", "red"]
    rate = kpis.BY_KEY["rectification_rate"]
    bounds = targets.targets().bounds("rectification_rate", "140700", None)  # green 95%, amber 85%
    assert [kpis.light(rate, v, bounds) for v in (0.95, 0.9, 0.8, None)] == ["green", "amber", "red", "none"]


def test_ranks_sort_order_and_the_walls_medals_follow_the_direction(pages, demo_wh):
    from components.screen import ranking_rows
    from metrics.screen import ranking, unit_table

    table = unit_table(
        demo_wh, ["arrears_outstanding", "overdue_cases", "rectification_rate"], Filter("140700"), EVERYTHING
    )
    for key, best in (("arrears_outstanding", min), ("overdue_cases", min), ("rectification_rate", max)):
        ranked = ranking(table, key)
        assert ranked["value"].iloc[0] == best(table[key].dropna()), key
    # gold, silver, bronze to the three counties with the least unrecovered arrears; 榆次区, the most, last
    ranked = ranking(table, "arrears_outstanding")
    medals = str(ranking_rows(ranked.head(3).to_dict("records"), "amount", "zh"))
    assert medals.count("screen-rank-top") == 3 and ranked["unit_name"].iloc[-1] == "榆次区"
    # the scorecard grid, exceptions first: the first click sorts the worst first (a lower-is-better
    # column descending, a higher-is-better one ascending)
    overview, _ = pages
    grid = _grid(overview.overview_scorecard({"region": "140700"})[0])
    orders = {d["field"]: d.get("sortingOrder") for d in grid.columnDefs}
    assert orders["overdue_cases"][0] == "desc" and orders["arrears_outstanding"][0] == "desc"
    assert orders["rectification_rate"][0] == "asc" and orders["refund_amount"][0] == "asc"


# ---------------------------------------------------------------- scales


def _tick_labels(low: float, high: float, axis: dict) -> list[str]:
    """The labels Plotly draws for tick0/dtick and a d3 '.N%', ',.Nf' or ',d' format."""
    step, fmt = axis["dtick"], axis["tickformat"]
    decimals = 0 if fmt.endswith("d") else int(fmt.strip(",.%f"))
    first = math.ceil(round((low - axis["tick0"]) / step, 9)) * step
    values = [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]
    return [f"{v * 100:.{decimals}f}%" if fmt.endswith("%") else f"{v:,.{decimals}f}" for v in values]


@pytest.mark.parametrize(
    "low, high",
    [(0.965, 0.98), (0.96, 1.004), (0.9617, 0.9934), (0.0, 1.0), (0.03, 0.0356), (0.2374, 0.2474), (0.5, 0.5001)],
)
def test_tick_labels_at_the_ticks_drawn_are_never_repeated(low, high):
    from components.charts import dots, nice_ticks

    labels = _tick_labels(low, high, nice_ticks(low, high, percent=True))
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels
    # the dot plot's axis carries the step itself: Plotly cannot pick a finer one on a long axis
    frame = pd.DataFrame({"unit_name": ["甲", "乙"], "rectification_rate": [low, high]})
    axis = dots(frame, "unit_name", ["rectification_rate"], "zh", xformat=".0%", x_range=[low, high])["layout"]["xaxis"]
    assert axis["dtick"] and len(set(_tick_labels(low, high, axis))) == len(labels)


@pytest.mark.parametrize(
    "values, fmt",
    [
        ({"140722": 0.97}, ".2%"),
        ({"140722": 5.0}, ",d"),
        ({"140722": 0.0}, ",d"),
        ({"140722": 1234.5}, ",.2f"),
        ({"140702": 69.0, "140722": 5.0}, ",d"),
    ],
)
def test_a_colour_bar_has_ticks_that_differ_even_for_one_county(values, fmt):
    from components.maps import county_figure, load_geojson

    fig = county_figure(load_geojson("140700"), values, "", "超期未办结", value_format=fmt)
    trace = next(t for t in fig["data"] if t.get("colorbar"))
    low, high = trace.get("zmin", min(values.values())), trace.get("zmax", max(values.values()))
    assert low < high and low <= min(values.values()) and max(values.values()) <= high
    labels = _tick_labels(low, high, trace["colorbar"])
    assert len(labels) >= 2 and len(set(labels)) == len(labels), labels


def test_one_county_selected_draws_its_own_outline_not_its_neighbours_as_no_data(pages):
    overview, _ = pages
    _, fig = overview.overview_scorecard({"region": "140722"})
    drawn = [c for t in fig["data"] if t["type"] == "choropleth" for c in t["locations"]]
    assert drawn == ["140722"] and "无数据" not in str(fig["layout"].get("annotations"))


# ---------------------------------------------------------------- the scorecard shows all its rows


@pytest.mark.parametrize("region, n", [("140722", 1), ("140702", 2), ("140700", 12)])
def test_the_scorecard_is_sized_to_its_rows_for_every_region(pages, region, n):
    overview, _ = pages
    grid = _grid(overview.overview_scorecard({"region": region})[0])
    assert len(grid.rowData) == n
    assert grid.dashGridOptions["domLayout"] == "autoHeight" and "height" not in (grid.style or {})


# ---------------------------------------------------------------- one definition, every grain


def test_outstanding_arrears_on_the_funds_pages_card_and_project_export(clerk, load, warehouse, monkeypatch):
    arrears = clerk.csv(
        "arrears.csv",
        ARREARS_HEADER,
        [
            ["WX-1", "锦江城项目", "甲房地产开发有限公司", "榆次区", "1000000", "2024-06-01"],
            ["WX-2", "银河国际项目", "乙置业有限公司", "榆次区", "500000", "2024-06-01"],
            ["WX-3", "汾河湾项目", "乙置业有限公司", "介休市", "800000", "2024-06-01"],
        ],
    )
    recoveries = clerk.csv(
        "recoveries.csv",
        RECOVERY_HEADER,
        [
            ["WX-1", "2025-03-04", "1300000", "催缴"],  # overpaid: 30万 more than listed
            ["WX-2", "2025-03-08", "100000", "行政处罚"],
            ["WX-3", "2025-03-09", "800000", "诉讼"],
        ],
        title=None,
        filled_by=None,
    )
    assert load(arrears, recoveries).ok
    wh = Warehouse(warehouse)
    import app  # noqa: F401
    from pages import funds as page

    monkeypatch.setattr(access, "warehouse", lambda: wh)
    monkeypatch.setattr(web, "current_scope", lambda: EVERYTHING)
    # per project max(listed − recovered, 0): 0 + 40万 + 0; WX-1's surplus pays nothing of WX-2's debt
    assert kpis.compute(wh, ["arrears_outstanding"], Filter(), EVERYTHING)["arrears_outstanding"].value == 400000
    cards, _ = page.funds_cards({})
    assert "40.00 万元" in str(next(c for c in cards if "funds-kpi-arrears_outstanding" in str(c)))
    build, _columns, _title = page.EXPORTS["projects"]
    exported = build(page.View.of({})).set_index("project_id")["arrears_outstanding"]
    assert exported.to_dict() == {"WX-1": 0, "WX-2": 400000, "WX-3": 0}


# ---------------------------------------------------------------- where a county stands


def test_a_county_officer_and_a_leader_looking_at_one_county_see_its_standing(demo_wh, pages, monkeypatch):
    from metrics.scorecard import county_scorecard, map_values, standing, standing_county

    assert standing_county(Filter(), Scope(("140702",))) == "140702"  # the officer's own
    assert standing_county(Filter("140722"), EVERYTHING) == "140722"  # the county a leader selected
    assert standing_county(Filter("140700"), EVERYTHING) is None  # a city: every county by name
    assert standing_county(Filter(), Scope(("140702401",))) is None  # a township-level scope alone

    place = standing(demo_wh, Filter(), "140702").set_index("kpi")
    city = county_scorecard(demo_wh, Filter("140700"), EVERYTHING)
    overdue = pd.Series(map_values(city[city["unit"].str.len() == 6], "overdue_cases", "county")).dropna()
    assert place.loc["overdue_cases", "rank"] == place.loc["overdue_cases", "ranked"] == len(overdue)  # the most: last

    overview, _ = pages
    for scope, params in ((Scope(("140702",)), {}), (EVERYTHING, {"region": "140722"})):
        monkeypatch.setattr(web, "current_scope", lambda scope=scope: scope)
        parts, _ = overview.overview_scorecard(params)
        text = str(parts)
        assert "overview-standing" in text
        grid = _grid(parts)
        assert "rank" not in [d["field"] for d in grid.columnDefs]  # no "排名 1" among the county's own units
        rows = _xlsx_rows(overview.overview_export(1, params))
        header = next(i for i, r in enumerate(rows) if r and r[0] == "排名")
        assert {r[0] for r in rows[header + 1 :]} == {"—"}  # nor in its export
    for other in ("平遥县", "介休市", "灵石县", "太谷区"):
        assert other not in text


def test_the_walls_ranking_shows_the_best_and_the_worst_five_fixed():
    from components.screen import RANK_ENDS, ranking_rows

    rows = [{"rank": i, "unit_name": f"单位{i}", "value": 100 - i} for i in range(1, 14)]
    missing = [{"unit_name": f"空{i}"} for i in range(6)]
    html = str(ranking_rows(rows, "count", "zh", missing=missing))
    shown = [r["unit_name"] for r in rows if f"'{r['unit_name']}'" in html]
    assert shown == ["单位1", "单位2", "单位3", "单位4", "单位5", "单位9", "单位10", "单位11", "单位12", "单位13"]
    assert "第 6–8 名从略" in html and "无数据：空0、空1等 6 个" in html
    assert "screen-scrolling" not in html and html.count("screen-rank-row") == 2 * RANK_ENDS + 2
    few = str(ranking_rows(rows[:7], "count", "zh"))
    assert few.count("screen-rank-row") == 7 and "从略" not in few


# ---------------------------------------------------------------- the overview's escalation counts (from tests/ui/test_overview.py)


def test_escalation_counts_for_leaders_match_the_trail_rows(pages, demo_wh):
    from dash_tree import by_class, by_id, text

    overview, _ = pages
    cells = overview.overview_escalations({"region": "140700", "from": "2025-01-01", "to": "2025-05-31"})
    interviews, referrals = demo_wh.rows(
        """SELECT count(*) FILTER (WHERE e.action = '约谈'),
                  count(*) FILTER (WHERE e.action IN ('移送城管', '移送纪检', '移送公安'))
           FROM case_events e JOIN cases c USING (case_id)
           WHERE starts_with(c.county, '1407') AND e.happened_on BETWEEN DATE '2025-01-01' AND DATE '2025-05-31'"""
    )[0]
    assert interviews > 0
    interview = by_id(cells, "overview-escalation-interview")
    assert text(by_class(interview, "kpi-value")) == f"{interviews:,}"
    assert text(by_class(by_id(cells, "overview-escalation-referral"), "kpi-value")) == f"{referrals:,}"
    assert interview.href.startswith("/escalations?")
