"""Issue 21 (a), party building (党建引领): the 红色业委会 and company party ledgers as the counties'
clerks write them, the KPIs on the demo (阳曲: 109 red committees of 131 communities), and the
section on 评价."""

from __future__ import annotations

import datetime as dt

from etl.normalize import uscc_check_digit
from metrics import kpis, party
from metrics.filters import EVERYTHING, Filter
from tests.dash_tree import text


def uscc(n: int) -> str:
    first17 = f"91140122MA0{n:06d}"
    return first17 + uscc_check_digit(first17)


# the county's own words for the columns (not the demo's): 小区代码, 县区, 成员人数, 党员人数, 命名日期
COMMITTEES = ["序号", "小区代码", "小区名称", "县区", "成员人数", "党员人数", "红色业委会(物管会)", "命名日期"]


def test_red_committee_ledger_loads_with_its_total_and_note_and_rejects_what_a_clerk_must_fix(clerk, load, query):
    path = clerk.xlsx(
        "阳曲县红色业委会统计表.xlsx",
        COMMITTEES,
        [
            [1, "XQ1401220001", "工行宿舍", "阳曲县", 7, 5, "是", "2022.06.08"],
            [2, "XQ1401220002", "阳兴小区", "阳曲", 5, 3, "√", "2022年5月20日"],
            [],
            [3, "XQ1401220003", "丽阳小区", "阳曲县", 9, 2, "否", None],
            [4, "XQ1401220004", "药材宿舍", "阳区县", 5, 4, "是", "2022-07-01"],
            [5, "XQ1401220005", "城市假日", "阳曲县", 7, 4, "待定", None],
        ],
        total=["合计", "5个", None, None, 33, 18, "3个"],
        note="注：红色业委会指党员占比过半、由社区党组织推荐把关的业委会（物管会）。",
    )

    result = load(path)

    (report,) = result.files
    assert report.dataset == "committee_party"
    assert (report.rows_loaded, report.rows_rejected) == (3, 2)
    assert query(
        "SELECT community_id, county, members, party_members, red, red_since FROM committee_party ORDER BY 1"
    ) == [
        ("XQ1401220001", "140122", 7, 5, True, dt.date(2022, 6, 8)),
        ("XQ1401220002", "140122", 5, 3, True, dt.date(2022, 5, 20)),
        ("XQ1401220003", "140122", 9, 2, False, None),
    ]
    reasons = " ".join(r.reason for r in report.rejects)
    assert "“阳区县”不存在" in reasons
    assert "待定" in reasons and "应填写“是”或“否”" in reasons
    assert any("合计" in w for w in report.warnings)  # the total row is named, not loaded


def test_company_party_register_reads_the_ways_clerks_name_an_organisation(clerk, load, query):
    header = [
        "企业名称",
        "统一社会信用代码",
        "注册地",
        "党员人数",
        "党组织建设情况",
        "成立日期",
        "是否红色物业企业",
        "认定日期",
    ]
    rows = [
        ["阳曲县全昌物业管理有限公司", uscc(1), "阳曲县", 12, "独立党支部", "2022-04-20", "是", "2022-06-01"],
        ["山西宏泰物业服务有限公司", uscc(2), "阳曲县", 2, "联建党支部", "2023-01-05", "否", ""],
        ["阳曲安居物业有限公司", uscc(3), "阳曲县", 0, "选派党建指导员", "", "否", ""],
        ["阳曲县鑫源物业有限公司", uscc(4), "阳曲县", 0, "无", "", "否", ""],
    ]
    load(clerk.csv("物业企业党建工作情况.csv", header, rows, encoding="gb18030", title=None, filled_by=None))

    assert query("SELECT company_code, party_org, red FROM company_party ORDER BY 1") == [
        (uscc(1), "党支部", True),
        (uscc(2), "联合党支部", False),
        (uscc(3), "党建指导员", False),
        (uscc(4), "未建立", False),
    ]


# ---------------------------------------------------------------- the KPIs on the demo


def test_yangqu_has_109_red_committees_of_131_communities(demo_wh):
    values = kpis.compute(demo_wh, ["red_committee_coverage"], Filter("140122"), EVERYTHING, with_previous=False)
    card = values["red_committee_coverage"]
    assert (card.numerator, card.denominator) == (109, 131)


def test_red_committee_coverage_counts_a_committee_from_its_recognition_date(demo_wh):
    def red_by(day):
        f = Filter("140122", dt.date(2022, 1, 1), day)
        return kpis.compute(demo_wh, ["red_committee_coverage"], f, EVERYTHING, with_previous=False)[
            "red_committee_coverage"
        ].numerator

    assert red_by(dt.date(2022, 3, 31)) == 0  # before the campaign
    assert 0 < red_by(dt.date(2022, 6, 30)) < 109
    assert red_by(dt.date(2022, 9, 4)) == 109  # the article's date
    months = party.red_committees_by_month(demo_wh, Filter("140122"), EVERYTHING)
    assert list(months["red_committees"]) == sorted(months["red_committees"])
    assert months["red_committees"].iloc[-1] == 109


def test_jinzhong_has_party_work_in_every_company_by_the_end_of_2024(demo_wh):
    """晋中 (seed 000): 物业服务企业…党组织与党建工作实现全覆盖 — an organisation or an instructor."""
    facts = party.party_facts(demo_wh, Filter("140700", dt.date(2024, 1, 1), dt.date(2024, 12, 31)), EVERYTHING)
    assert facts["companies_active"].sum() > 300
    assert (facts["companies_party_org"] + facts["companies_instructor"] == facts["companies_active"]).all()


def test_jincheng_committees_are_at_least_half_party_members(demo_wh):
    """晋城 (seed 004): 业委会(物管会)中党员比例原则上不少于 50%."""
    card = kpis.compute(demo_wh, ["committee_party_share"], Filter("140500"), EVERYTHING, with_previous=False)
    assert card["committee_party_share"].value >= 0.5


def test_a_county_without_a_party_ledger_has_no_value_not_zero(demo_wh):
    # 榆次区's committees are reported, a county of another province is not: 无数据, never 0 %
    values = kpis.compute(demo_wh, ["red_committee_coverage"], Filter("140100"), EVERYTHING, with_previous=False)
    assert values["red_committee_coverage"].denominator == 131  # 太原: only 阳曲 reported
    empty = kpis.compute(demo_wh, ["red_committee_coverage"], Filter("140200"), EVERYTHING, with_previous=False)
    assert empty["red_committee_coverage"].value is None


# ---------------------------------------------------------------- the section on 评价


def test_ratings_page_shows_party_building_by_county_with_the_catalogues_rates(leader_pages):
    from pages import _ratings_party as section

    figure, grid = section.draw({"region": "140122"})
    (row,) = grid.rowData
    assert (row["unit_name"], row["red_committees"], row["communities"]) == ("阳曲县", 109, 131)
    assert row["red_committee_coverage"] == 109 / 131
    total = grid.dashGridOptions["pinnedBottomRowData"][0]
    assert total["red_committee_coverage"] == 109 / 131
    assert figure["data"][0]["y"][0] == 109 / 131
    trend = section.party_trend({"region": "140122"})
    assert trend["data"][0]["y"][-1] == 109 / 131 and trend["data"][0]["name"] == "阳曲县"
    from pages import ratings

    layout = ratings.layout(region="140122")
    assert "党建引领" in text(layout)
