"""The demo reproduces every figure of shared/design/published-figures.md exactly.

The demo is built once into a temporary warehouse through the real ETL; each test
computes one published figure with plain SQL (no metrics module) on that warehouse.
Region rule: a city code covers every code starting with its first four digits (its
counties and 晋中开发区 140702401). Amounts are asserted to the yuan and rounded to the
published unit.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

D = dt.date
JINZHONG, JINCHENG = "1407%", "1405%"
LEAD_SOURCES = ("12345", "信访", "督导检查", "媒体", "审计")


@pytest.fixture(scope="session")
def warehouse(demo_warehouse) -> Path:
    """The demo warehouse built once per session (tests/conftest.py; it checks no demo row was rejected)."""
    return demo_warehouse


@pytest.fixture(scope="session")
def con(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as c:
        yield c


def one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()


def rounded(value, places: int = 2) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def pct(part: int, whole: int) -> Decimal:
    return rounded(Decimal(part) * 100 / Decimal(whole))


def cases_received_and_rectified(con, region: str, sources: tuple[str, ...], start: dt.date, end: dt.date):
    marks = ", ".join("?" for _ in sources)
    return one(
        con,
        f"""SELECT count(*),
                   count(*) FILTER (WHERE status IN ('已整改', '已办结') AND closed_on <= ?)
            FROM cases WHERE county LIKE ? AND source IN ({marks}) AND received_on BETWEEN ? AND ?""",
        end,
        region,
        *sources,
        start,
        end,
    )


# ---------------------------------------------------------------- 晋中市, campaign year 2024 (seed 000)

Y24 = (D(2024, 1, 1), D(2024, 12, 29))


def test_jinzhong_2024_sweep_problems_found_511_all_rectified(con):
    assert cases_received_and_rectified(con, JINZHONG, ("排查",), *Y24) == (511, 511)


def test_jinzhong_2024_leads_738_received_733_rectified(con):
    received, rectified = cases_received_and_rectified(con, JINZHONG, LEAD_SOURCES, *Y24)
    assert (received, rectified) == (738, 733)
    assert pct(rectified, received) == Decimal("99.32")


def test_jinzhong_2024_deposit_refunds_by_50_companies_in_yuci_and_kaifaqu(con):
    total, companies, counties = one(
        con,
        """SELECT sum(amount), count(DISTINCT company_code), list(DISTINCT county ORDER BY county) FROM refunds
           WHERE county LIKE ? AND kind = '装修保证金' AND refunded_on BETWEEN ? AND ?""",
        JINZHONG,
        *Y24,
    )
    assert total == Decimal("72377400.00")
    assert rounded(total / 10_000) == Decimal("7237.74")  # 万元
    assert companies == 50
    assert counties == ["140702", "140702401"]


def test_jinzhong_2024_other_refunds_by_26_companies_in_six_units(con):
    total, companies, counties, kinds = one(
        con,
        """SELECT sum(amount), count(DISTINCT company_code), list(DISTINCT county ORDER BY county),
                  list(DISTINCT kind ORDER BY kind)
           FROM refunds WHERE county LIKE ? AND kind <> '装修保证金' AND refunded_on BETWEEN ? AND ?""",
        JINZHONG,
        *Y24,
    )
    assert total == Decimal("3714700.00")
    assert rounded(total / 10_000) == Decimal("371.47")  # 万元
    assert companies == 26
    # 晋中开发区, 太谷, 榆社, 寿阳, 平遥, 介休
    assert counties == ["140702401", "140703", "140721", "140725", "140728", "140781"]
    assert set(kinds) <= {"水电费", "物业费", "电梯运行费", "卫生费"}


def test_jinzhong_2024_refunds_concern_40702_households(con):
    (households,) = one(
        con, "SELECT sum(households) FROM refunds WHERE county LIKE ? AND refunded_on BETWEEN ? AND ?", JINZHONG, *Y24
    )
    assert households == 40_702


def test_jinzhong_2024_star_rated_service_projects_1051(con):
    (rated,) = one(con, "SELECT count(*) FROM star_ratings WHERE county LIKE ? AND year = 2024", JINZHONG)
    assert rated == 1051


def test_jinzhong_communities_without_property_service_911_cleared_to_0(con):
    sql = """SELECT count(*) FILTER (WHERE management_type = '无物业' AND (managed_since IS NULL OR managed_since <= ?))
                  + count(*) FILTER (WHERE managed_since > ? AND previous_management_type = '无物业')
             FROM communities WHERE county LIKE ?"""
    assert one(con, sql, D(2024, 1, 1), D(2024, 1, 1), JINZHONG) == (911,)
    assert one(con, sql, D(2024, 12, 31), D(2024, 12, 31), JINZHONG) == (0,)


# ---------------------------------------------------------------- 晋中市, campaign to 2025-05-31 (seed 001)

TO_MAY = (D(2024, 1, 1), D(2025, 5, 31))


def test_jinzhong_communities_swept_1952(con):
    assert one(con, "SELECT count(*) FROM communities WHERE county LIKE ?", JINZHONG) == (1952,)


def test_jinzhong_sweep_problems_to_may_2025_3787_found_3769_rectified(con):
    found, rectified = cases_received_and_rectified(con, JINZHONG, ("排查",), *TO_MAY)
    assert (found, rectified) == (3787, 3769)
    assert pct(rectified, found) == Decimal("99.52")  # the report says 99.53 %; the counts give 99.52 %


def test_jinzhong_complaints_to_may_2025_9309_received_9038_closed(con):
    received, closed = cases_received_and_rectified(con, JINZHONG, ("投诉举报",), *TO_MAY)
    assert (received, closed) == (9309, 9038)
    assert pct(closed, received) == Decimal("97.09")  # the report says 97.38 %; the counts give 97.09 %


def test_jinzhong_illegal_fees_refunded_cumulative_1_07_yi(con):
    (total,) = one(
        con, "SELECT sum(amount) FROM refunds WHERE county LIKE ? AND refunded_on BETWEEN ? AND ?", JINZHONG, *TO_MAY
    )
    assert total == Decimal("107026618.46")
    assert rounded(total / 100_000_000) == Decimal("1.07")  # 亿元


def test_jinzhong_refund_households_cumulative_67700(con):
    (households,) = one(
        con,
        "SELECT sum(households) FROM refunds WHERE county LIKE ? AND refunded_on BETWEEN ? AND ?",
        JINZHONG,
        *TO_MAY,
    )
    assert households == 67_700


def test_jinzhong_overdue_arrears_9_counties_106_developers_151_projects_3_47_yi(con):
    counties, developers, projects, total = one(
        con,
        """SELECT count(DISTINCT county), count(DISTINCT developer), count(DISTINCT project_id), sum(amount_due)
           FROM fund_arrears WHERE county LIKE ?""",
        JINZHONG,
    )
    assert (counties, developers, projects) == (9, 106, 151)
    assert total == Decimal("347016800.00")
    assert rounded(total / 100_000_000) == Decimal("3.47")  # 亿元


RECOVERED = """SELECT sum(r.amount) FROM fund_recoveries r JOIN fund_arrears a USING (project_id)
               WHERE a.county LIKE ? AND r.recovered_on BETWEEN ? AND ?"""


def test_jinzhong_arrears_recovered_in_2025_9969_wan(con):
    (total,) = one(con, RECOVERED, JINZHONG, D(2025, 1, 1), D(2025, 5, 31))
    assert total == Decimal("99690000.00")
    assert rounded(total / 10_000) == Decimal("9969.00")  # 万元


def test_jinzhong_arrears_recovered_in_may_2025_2732_96_wan(con):
    (total,) = one(con, RECOVERED, JINZHONG, D(2025, 5, 1), D(2025, 5, 31))
    assert total == Decimal("27329600.00")
    assert rounded(total / 10_000) == Decimal("2732.96")  # 万元
    # the May campaign is a spike: the largest month of the ledger
    (top,) = one(
        con,
        """SELECT strftime(date_trunc('month', recovered_on), '%Y-%m') FROM fund_recoveries
                         GROUP BY 1 ORDER BY sum(amount) DESC LIMIT 1""",
    )
    assert top == "2025-05"


def test_jinzhong_fund_collected_36_09_yi_used_1_2_yi_rate_3_33_percent(con):
    collected, used = one(
        con,
        "SELECT sum(collected), sum(used) FROM fund_ledger WHERE county LIKE ? AND year BETWEEN 2008 AND 2025",
        JINZHONG,
    )
    assert collected == Decimal("3609046800.00")
    assert used == Decimal("120204400.00")
    assert rounded(collected / 100_000_000) == Decimal("36.09")  # 亿元
    assert rounded(used / 100_000_000, 1) == Decimal("1.2")  # 亿元
    assert pct(used, collected) == Decimal("3.33")


def test_jinzhong_taitie_garden_lift_emergency_use_approved_within_10_days(con):
    rows = con.execute(
        """SELECT u.county, u.amount, date_diff('day', u.applied_on, u.approved_on)
           FROM fund_usages u JOIN communities c USING (community_id)
           WHERE c.name = '太铁花园' AND u.purpose = '电梯' AND u.emergency"""
    ).fetchall()
    assert len(rows) == 1
    county, amount, days = rows[0]
    assert county == "140702" and amount > 0 and 0 <= days <= 10


# ---------------------------------------------------------------- 晋城市 2024 (seed 004)


def test_jincheng_1563_communities_all_with_property_service(con):
    total, without = one(
        con,
        "SELECT count(*), count(*) FILTER (WHERE management_type = '无物业') FROM communities WHERE county LIKE ?",
        JINCHENG,
    )
    assert (total, without) == (1563, 0)
    assert pct(total - without, total) == Decimal("100.00")


def test_jincheng_communities_by_management_type(con):
    rows = dict(
        con.execute(
            "SELECT management_type, count(*) FROM communities WHERE county LIKE ? GROUP BY 1", [JINCHENG]
        ).fetchall()
    )
    assert rows == {"专业物业企业": 762, "社区(村)托管": 335, "单位自管": 256, "业主自管": 210}
    shares = {k: pct(v, 1563) for k, v in rows.items()}
    assert shares == {
        "专业物业企业": Decimal("48.75"),
        "社区(村)托管": Decimal("21.43"),
        "单位自管": Decimal("16.38"),
        "业主自管": Decimal("13.44"),
    }


def test_jincheng_2024_credit_ratings_202_companies_a32_b77_c92_d1(con):
    rows = dict(
        con.execute(
            """SELECT r.grade, count(DISTINCT r.company_code) FROM credit_ratings r JOIN companies c USING (company_code)
           WHERE c.county LIKE ? AND r.year = 2024 GROUP BY 1""",
            [JINCHENG],
        ).fetchall()
    )
    assert rows == {"A": 32, "B": 77, "C": 92, "D": 1}
    assert sum(rows.values()) == 202


# ---------------------------------------------------------------- 阳曲县 (seed 003), 孝义市 (seed 002)


def test_yangqu_131_communities_102_under_a_company_56_backstop_29_self_governed(con):
    rows = dict(
        con.execute("SELECT management_type, count(*) FROM communities WHERE county = '140122' GROUP BY 1").fetchall()
    )
    assert sum(rows.values()) == 131
    assert rows["政府兜底(国企兜底)"] + rows["专业物业企业"] == 102
    assert rows["政府兜底(国企兜底)"] == 56 and rows["专业物业企业"] == 46
    assert rows["业主自管"] == 29


def test_yangqu_red_owners_committees_109_of_131(con):
    formed, total = one(
        con,
        "SELECT count(*) FILTER (WHERE committee IN ('业委会', '物管会')), count(*) "
        "FROM communities WHERE county = '140122'",
    )
    assert (formed, total) == (109, 131)


def test_xiaoyi_70_registered_companies_6_in_property_market(con):
    assert one(
        con, "SELECT count(*), count(*) FILTER (WHERE in_market_list) FROM companies WHERE county = '141181'"
    ) == (70, 6)


def test_xiaoyi_disputes_escalate_community_street_city_centre(con):
    levels = con.execute(
        """SELECT e.to_level, list(DISTINCT e.organ ORDER BY e.organ) FROM case_events e JOIN cases c USING (case_id)
           WHERE c.county = '141181' AND e.to_level IS NOT NULL GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    assert {lv for lv, _ in levels} == {"社区", "乡镇(街道)", "县级"}
    assert dict(levels)["县级"] == ["孝义市物业管理服务中心"]
    # every trail climbs in order: 社区 first, then 乡镇(街道), then the centre
    (out_of_order,) = one(
        con,
        """WITH t AS (SELECT e.case_id, e.happened_on,
                             CASE e.to_level WHEN '社区' THEN 1 WHEN '乡镇(街道)' THEN 2 WHEN '县级' THEN 3 END AS rank
                      FROM case_events e JOIN cases c USING (case_id)
                      WHERE c.county = '141181' AND e.to_level IS NOT NULL)
           SELECT count(*) FROM (SELECT rank, lag(rank) OVER (PARTITION BY case_id ORDER BY happened_on) AS prev
                                 FROM t) WHERE rank <> prev + 1""",
    )
    assert out_of_order == 0
    assert one(
        con, "SELECT count(*) FROM cases WHERE county = '141181' AND level NOT IN ('社区', '乡镇(街道)', '县级')"
    ) == (0,)


# ---------------------------------------------------------------- the rest of the story


def test_story_two_companies_with_three_black_lists_within_twelve_months(con):
    rows = con.execute(
        """SELECT DISTINCT a.company_code FROM company_lists a
           WHERE a.list = '黑榜' AND (SELECT count(*) FROM company_lists b WHERE b.company_code = a.company_code
                 AND b.list = '黑榜' AND b.listed_on BETWEEN a.listed_on AND a.listed_on + INTERVAL 365 DAY) >= 3"""
    ).fetchall()
    assert len(rows) == 2


def test_story_trails_reach_discipline_and_police_referrals(con):
    actions = dict(con.execute("SELECT action, count(DISTINCT case_id) FROM case_events GROUP BY 1").fetchall())
    assert actions.get("移送纪检", 0) >= 1 and actions.get("移送公安", 0) >= 1 and actions.get("问责", 0) >= 1
    assert {"转办", "上交", "提醒函", "约谈", "督办函", "通报", "回访", "移送城管", "立案"} <= set(actions)


def test_story_open_overdue_cases_and_long_tail(con):
    (overdue,) = one(
        con, "SELECT count(*) FROM cases WHERE status NOT IN ('已整改', '已办结') AND deadline < DATE '2025-11-30'"
    )
    assert overdue > 0
    p50, p99 = one(
        con,
        "SELECT quantile_cont(date_diff('day', received_on, closed_on), [0.5, 0.99]) FROM cases "
        "WHERE closed_on IS NOT NULL",
    )[0]
    assert p99 > 5 * p50


def test_story_unmatched_references_are_loaded(con):
    (cases,) = one(
        con,
        "SELECT count(*) FROM cases WHERE community_id IS NOT NULL AND community_id NOT IN "
        "(SELECT community_id FROM communities)",
    )
    (refunds,) = one(con, "SELECT count(*) FROM refunds WHERE company_code NOT IN (SELECT company_code FROM companies)")
    assert cases >= 1 and refunds >= 1


def test_story_credit_ratings_2023_for_year_on_year_movement(con):
    moved, both = one(
        con,
        """SELECT count(*) FILTER (WHERE a.grade <> b.grade), count(*) FROM credit_ratings a
           JOIN credit_ratings b ON a.company_code = b.company_code AND a.year = 2024 AND b.year = 2023""",
    )
    assert both > 150 and moved > 0


def test_story_reporter_phones_are_plausible_mobiles(con):
    (bad,) = one(
        con,
        "SELECT count(*) FROM cases WHERE reporter_phone IS NOT NULL "
        "AND NOT regexp_full_match(reporter_phone, '1[3-9][0-9]{9}')",
    )
    (good,) = one(con, "SELECT count(*) FROM cases WHERE reporter_phone IS NOT NULL")
    assert bad == 0 and good > 1000


NO_SERVICE_AT = """SELECT count(*) FILTER (WHERE management_type = '无物业' AND (managed_since IS NULL OR managed_since <= ?))
                        + count(*) FILTER (WHERE managed_since > ? AND previous_management_type = '无物业')
                   FROM communities WHERE county = ?"""


def test_story_yangqu_102_communities_without_service_cleared_by_the_september_2022_article(con):
    assert one(con, NO_SERVICE_AT, D(2022, 1, 1), D(2022, 1, 1), "140122") == (102,)
    assert one(con, NO_SERVICE_AT, D(2022, 9, 4), D(2022, 9, 4), "140122") == (0,)
    # 阳兴小区 first, in May; the 109 red owners' committees formed in the same campaign
    assert one(con, "SELECT min(managed_since) FROM communities WHERE county = '140122'") == (D(2022, 5, 9),)
    assert one(
        con,
        "SELECT count(*) FROM communities WHERE county = '140122' AND committee_formed_on "
        "BETWEEN '2022-01-01' AND '2022-09-04'",
    ) == (109,)


def test_story_jinzhong_committees_cover_every_community_half_occupied_but_not_all(con):
    without, without_half, total = one(
        con,
        """SELECT count(*) FILTER (WHERE committee NOT IN ('业委会', '物管会')),
                       count(*) FILTER (WHERE committee NOT IN ('业委会', '物管会') AND occupancy_rate >= 0.5), count(*)
                FROM communities WHERE county LIKE ?""",
        JINZHONG,
    )
    assert total == 1952 and 0 < without < 200 and without_half == 0


def test_story_some_leads_have_no_deadline_of_their_own(con):
    rows = dict(con.execute("SELECT source, count(*) FROM cases WHERE deadline IS NULL GROUP BY 1").fetchall())
    assert set(rows) == {"12345", "媒体"} and sum(rows.values()) > 50


def test_story_escalated_cases_are_not_one_reminder_each(con):
    escalated, reminders, straight = one(
        con,
        """SELECT count(DISTINCT case_id) FILTER (WHERE action IN ('上交', '提醒函', '督办函', '约谈', '通报', '问责',
                                                                      '移送城管', '移送纪检', '移送公安')),
                       count(*) FILTER (WHERE action = '提醒函'),
                       count(DISTINCT case_id) FILTER (WHERE action = '督办函' AND note LIKE '%直接下发督办函%')
                FROM case_events e JOIN cases c USING (case_id) WHERE c.county LIKE ?""",
        JINZHONG,
    )
    assert escalated != reminders and straight > 0
    (twice,) = one(
        con,
        """SELECT count(*) FROM (SELECT case_id FROM case_events WHERE action = '提醒函'
                           GROUP BY 1 HAVING count(*) > 1)""",
    )
    assert twice > 0


def test_story_jinzhong_companies_are_credit_rated_too(con):
    rows = dict(
        con.execute(
            """SELECT r.grade, count(DISTINCT r.company_code) FROM credit_ratings r JOIN companies c USING (company_code)
           WHERE c.county LIKE ? AND r.year = 2024 GROUP BY 1""",
            [JINZHONG],
        ).fetchall()
    )
    assert set(rows) == {"A", "B", "C", "D"} and sum(rows.values()) > 300
