"""Issue 21 (c), 孝义's 物业港 three-level handling (三级调处): where disputes are settled, the working
days at each level, 矛盾不上交 — from a dispute ledger and its 督办记录 as the centre's clerk writes
them, on the demo, and on 督办."""

from __future__ import annotations

import datetime as dt

from metrics import kpis, mediation
from metrics.filters import EVERYTHING, Filter

CASES = ["序号", "编号", "来源", "县区", "问题类别", "登记日期", "办理时限", "办理层级", "状态", "办结日期"]
EVENTS = ["编号", "日期", "措施", "移交层级", "承办单位", "备注"]


def load_disputes(clerk, load):
    cases = clerk.xlsx(
        "孝义市物业纠纷三级调处台账.xlsx",
        CASES,
        [
            [1, "XY001", "投诉举报", "孝义市", "设施维护", "2025-03-03", "10个工作日", "社区", "已办结", "2025-03-06"],
            [2, "XY002", "12345", "孝义市", "违规收费", "2025-03-03", "15个工作日", "街道", "已办结", "2025-03-14"],
            [3, "XY003", "信访", "孝义市", "不履约", "2025-03-03", 20, "县级", "已办结", "2025-03-24"],
            [4, "XY004", "投诉举报", "孝义市", "其他", "2025-03-10", 10, "社区", "办理中", None],
        ],
        title="孝义市物业纠纷三级调处台账",
        total=["合计", "共4件"],
        note="注：社区一级调处、乡镇(街道)二级调处、物业管理服务中心三级调处；办理时限按工作日计。",
    )
    events = clerk.csv(
        "督办记录.csv",
        EVENTS,
        [
            ["XY001", "2025-03-03", "转办", "社区", "新义街道某社区居委会", "分类转办社区一级调处"],
            ["XY002", "2025-03-03", "转办", "社区", "中阳楼街道某社区居委会", ""],
            ["XY002", "2025-03-07", "上交", "乡镇(街道)", "中阳楼街道办事处", "社区无法调处"],
            ["XY003", "2025-03-03", "转办", "社区", "振兴街道某社区居委会", ""],
            ["XY003", "2025-03-05", "上交", "乡镇(街道)", "振兴街道办事处", ""],
            ["XY003", "2025-03-12", "上交", "县级", "孝义市物业管理服务中心", "三级调处"],
        ],
        title=None,
        filled_by=None,
    )
    result = load(cases, events)
    assert [f.rows_rejected for f in result.files] == [0, 0]
    assert result.files[0].rows_loaded == 4  # the 合计 row and the note are not disputes


def test_disputes_settled_per_level_with_their_working_days(clerk, load, warehouse):
    from metrics.db import Warehouse

    load_disputes(clerk, load)
    wh, f = Warehouse(warehouse), Filter("141181", dt.date(2025, 3, 1), dt.date(2025, 3, 31))

    levels = mediation.by_level(wh, f, EVERYTHING).set_index("level")
    assert levels["settled"].to_dict() == {"社区": 1, "乡镇(街道)": 1, "县级": 1}
    # working days at each level, from the handovers: XY001 3 at 社区; XY002 4 at 社区, 5 at the street
    # (3-07 → 3-14); XY003 2 at 社区, 5 at the street (3-05 → 3-12), 8 at the centre (3-12 → 3-24)
    assert levels["stays"].to_dict() == {"社区": 3, "乡镇(街道)": 2, "县级": 1}
    assert levels["avg_workdays"].round(3).to_dict() == {"社区": 3.0, "乡镇(街道)": 5.0, "县级": 8.0}
    card = kpis.compute(wh, ["settled_below_county_rate"], f, EVERYTHING, with_previous=False)
    assert (card["settled_below_county_rate"].numerator, card["settled_below_county_rate"].denominator) == (2, 3)


def test_xiaoyi_settles_most_disputes_in_the_community_and_few_reach_the_centre(demo_wh):
    f = Filter("141181", dt.date(2024, 1, 1), dt.date(2025, 11, 30))
    levels = mediation.by_level(demo_wh, f, EVERYTHING).set_index("level")
    assert list(levels.index) == ["社区", "乡镇(街道)", "县级"]
    assert levels.loc["社区", "share"] > levels.loc["乡镇(街道)", "share"] > levels.loc["县级", "share"] > 0
    assert levels["share"].sum() == 1
    card = kpis.compute(demo_wh, ["settled_below_county_rate"], f, EVERYTHING, with_previous=False)
    value = card["settled_below_county_rate"]
    assert value.denominator == levels["settled"].sum()
    assert value.numerator == levels.loc[["社区", "乡镇(街道)"], "settled"].sum()
    months = mediation.by_month(demo_wh, f, EVERYTHING)
    assert months["settled"].sum() == value.denominator and len(months) >= 20


def test_escalations_page_shows_three_levels_and_the_rate(leader_pages):
    from pages import _escalations_mediation as section
    from tests.dash_tree import text

    params = {"region": "141181", "from": "2024-01-01", "to": "2025-11-30"}
    grid, month_figure = section.mediation_levels(params)
    assert [r["level_name"] for r in grid.rowData] == ["社区", "乡镇(街道)", "县级"]
    figure, unit_grid = section.draw(params)
    (row,) = unit_grid.rowData
    assert row["unit_name"] == "孝义市" and len(month_figure["data"][0]["y"]) >= 20
    assert row["settled_below_county_rate"] == row["settled_below_county"] / row["settled"]
    from pages import escalations

    assert "矛盾不上交" in text(escalations.layout(region="141181"))


def test_the_wall_ranks_and_maps_the_rate_below_the_county(leader_pages):
    from pages import screen

    content = screen.screen_content(screen.screen_filter({"region": "141100"}), "zh")  # 吕梁市: 孝义
    maps = {m["key"]: m["values"] for m in content[0]["maps"]}
    f = Filter("141100")
    card = kpis.compute(
        leader_pages._view.warehouse(), ["settled_below_county_rate"], f, EVERYTHING, with_previous=False
    )
    assert maps["settled_below_county_rate"]["141181"] == card["settled_below_county_rate"].value
    slide = str(content[6 + screen.MAP_KPIS.index("settled_below_county_rate")])
    assert "孝义市" in slide and "%" in slide


def _plain_by_level(wh, f: Filter, scope) -> dict:
    """The stays of the cases settled in the period, from their trail at query time (the statement
    `by_level` ran before the stays were published), moves on the same day taken from the lower
    level up: {level: (stays, average working days)}."""
    from etl.case_state import MOVES
    from etl.marts import settled_sql
    from etl.sql import Sql, literals
    from metrics.filters import period_sql, region_sql
    from vocab.datasets_cases import LEVELS

    region, closed = region_sql("c.county", f, scope), period_sql("c.done_until", f)
    rank = "CASE m.level " + " ".join(f"WHEN '{lv}' THEN {i}" for i, lv in enumerate(LEVELS)) + " END"
    sql = f"""WITH settled AS (SELECT c.case_no, c.level, c.received_on, c.done_until FROM mart_case_spans c
                               WHERE {settled_sql("c")} AND {closed} AND {region}),
        moves AS (SELECT t.case_no, t.happened_on, t.to_level AS level FROM mart_case_trail t
                  WHERE t.action IN {literals(MOVES)} AND t.to_level IN {literals(LEVELS)}
                    AND t.case_no IN (SELECT case_no FROM settled)),
        steps AS (SELECT s.case_no, m.level, greatest(m.happened_on, s.received_on) AS since,
                         least(coalesce(lead(m.happened_on) OVER (PARTITION BY s.case_no ORDER BY m.happened_on, {rank}),
                                        s.done_until), s.done_until) AS until
                  FROM settled s JOIN moves m USING (case_no) WHERE m.happened_on <= s.done_until
                  UNION ALL
                  SELECT s.case_no, s.level, s.received_on, s.done_until FROM settled s
                  WHERE s.case_no NOT IN (SELECT case_no FROM moves))
        SELECT st.level, count(*), avg(b.workday_index - a.workday_index)
        FROM steps st JOIN calendar a ON a.day = st.since JOIN calendar b ON b.day = st.until GROUP BY st.level"""
    return {level: (n, avg) for level, n, avg in wh.rows(Sql.of(sql, region, closed))}


def test_the_published_stays_give_each_levels_days_as_the_trail_does(demo_wh):
    """`by_level` reads each settled case's stays published with it (mart_case_stays): the same
    stays and working days as counting them from the trail at query time, for views of 孝义, of
    the province, a county's scope, a period with nothing settled."""
    from metrics.filters import Scope

    views = [
        (Filter("141181", dt.date(2025, 1, 1), dt.date(2025, 11, 30)), EVERYTHING),
        (Filter(None, dt.date(2024, 3, 15), dt.date(2025, 2, 10)), EVERYTHING),
        (Filter(None), EVERYTHING),
        (Filter(None), Scope(("141181",))),
        (Filter("141181", dt.date(2020, 1, 1), dt.date(2020, 12, 31)), EVERYTHING),
    ]
    seen = 0
    for f, scope in views:
        got = mediation.by_level(demo_wh, f, scope)
        got = {r.level: (r.stays, r.avg_workdays) for r in got.itertuples() if r.stays}
        want = _plain_by_level(demo_wh, f, scope)
        assert got.keys() == want.keys(), f
        for level, (n, avg) in want.items():
            assert got[level][0] == n and abs(got[level][1] - avg) < 1e-9, (f, level, got[level], (n, avg))
        seen += sum(n for n, _ in want.values())
    assert seen > 1000
    assert len(_plain_by_level(demo_wh, *views[0])) >= 3  # 孝义's disputes stay at three levels and more
