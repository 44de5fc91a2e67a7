"""metrics/escalations.py on small ledgers written the way clerks write them, loaded through
the real ETL into a real DuckDB file.

Working days are checked against the maintained `chinese_calendar` package (never hand-typed
holidays) across the 2025 Spring Festival and the 2024 National Day, whose adjusted working
weekends the package knows; the tests first assert that each window really holds a weekday
holiday and an adjusted working weekend day, so that they would catch a Monday–Friday count.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import chinese_calendar
import pandas as pd
import pytest

from etl import deadlines as etl_deadlines
from etl.demo import make_uscc
from etl.pipeline import load_files
from metrics import case_trail, deadlines
from metrics import escalations as esc
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter, Scope

D = dt.date
CASE_HEADER = [
    "编号",
    "来源",
    "问题类别",
    "县区",
    "小区编号",
    "物业企业统一社会信用代码",
    "受理日期",
    "整改时限",
    "当前层级",
    "状态",
    "办结日期",
    "联系电话",
]
EVENT_HEADER = ["编号", "日期", "措施", "移交层级", "承办单位", "备注"]
LIST_HEADER = ["统一社会信用代码", "县区", "发布日期", "榜单", "事由"]
COMPANY_A = make_uscc(random.Random(1), "140702")
COMPANY_B = make_uscc(random.Random(2), "140781")


def workdays(a: dt.date, b: dt.date) -> int:
    """Working days in (a, b] according to chinese_calendar."""
    return sum(chinese_calendar.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1))


def nth_workday_after(a: dt.date, n: int) -> dt.date:
    day = a
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def crosses_holiday_and_adjusted_weekend(a: dt.date, b: dt.date) -> bool:
    days = [a + dt.timedelta(days=i) for i in range(1, (b - a).days + 1)]
    holiday = any(d.weekday() < 5 and not chinese_calendar.is_workday(d) for d in days)
    adjusted = any(d.weekday() >= 5 and chinese_calendar.is_workday(d) for d in days)
    return holiday and adjusted


def build(clerk, warehouse: Path, cases, events=(), lists=()) -> Warehouse:
    files = [
        clerk.csv("cases.csv", CASE_HEADER, cases, title="问题线索台账"),
        clerk.csv("events.csv", EVENT_HEADER, events, title="督办记录"),
    ]
    if lists:
        files.append(clerk.csv("lists.csv", LIST_HEADER, lists, title="红黑榜"))
    result = load_files(files, warehouse)
    assert all(f.rows_rejected == 0 for f in result.files), [f for f in result.files if f.rows_rejected]
    return Warehouse(warehouse)


def case(
    case_id,
    received,
    deadline="",
    level="社区",
    status="办理中",
    closed="",
    source="投诉举报",
    category="设施维护",
    county="榆次区",
    company=COMPANY_A,
    phone="13812345678",
    community="XQ1407020001",
):
    return [case_id, source, category, county, community, company, received, deadline, level, status, closed, phone]


# ---------------------------------------------------------------- working days and deadlines


def test_rule_deadline_counts_working_days_across_the_spring_festival(clerk, warehouse, rules):
    received = D(2025, 1, 24)  # the Friday before the 2025 Spring Festival
    expected = nth_workday_after(received, 10)  # 投诉举报: 10 working days by the rules file
    assert crosses_holiday_and_adjusted_weekend(received, expected)
    wh = build(clerk, warehouse, [case("TS1", "2025-01-24"), case("TS2", "2025-03-20")])
    rows = esc.open_cases(wh, Filter(end=D(2025, 3, 20)), EVERYTHING).set_index("case_id")
    assert rows.loc["TS1", "deadline"].date() == expected
    assert rows.loc["TS1", "deadline_basis"] == "rule"
    assert rows.loc["TS1", "workdays_overdue"] == workdays(expected, D(2025, 3, 20))
    assert bool(rows.loc["TS1", "overdue"])


def test_days_at_level_count_working_days_across_national_day(clerk, warehouse, rules):
    moved, at = D(2024, 9, 30), D(2024, 10, 14)
    assert crosses_holiday_and_adjusted_weekend(moved, at)
    wh = build(
        clerk,
        warehouse,
        [case("TS1", "2024-09-27", "2024-10-31"), case("TS9", "2024-10-20")],
        [
            ["TS1", "2024-09-27", "转办", "社区", "锦纶社区居委会", ""],
            ["TS1", "2024-09-30", "上交", "乡镇(街道)", "锦纶街道办事处", "社区无法调处"],
            ["TS1", "2024-10-18", "上交", "县级", "榆次区住房和城乡建设局", ""],
        ],
    )
    rows = esc.open_cases(wh, Filter(end=at), EVERYTHING).set_index("case_id")
    assert rows.loc["TS1", "level"] == "乡镇(街道)"  # the move of 10-18 had not happened yet
    assert rows.loc["TS1", "at_level_since"].date() == moved
    assert rows.loc["TS1", "days_at_level"] == workdays(moved, at)
    assert not rows.loc["TS1", "overdue"]


def test_timeline_days_between_steps_across_national_day(clerk, warehouse, rules):
    steps = [D(2024, 9, 27), D(2024, 9, 30), D(2024, 10, 12), D(2024, 10, 21)]
    assert crosses_holiday_and_adjusted_weekend(steps[1], steps[2])
    wh = build(
        clerk,
        warehouse,
        [case("TS1", "2024-09-25", "2024-10-16")],
        [
            ["TS1", "2024-10-21", "提醒函", "县级", "榆次区住房和城乡建设局", "逾期未办结"],  # out of order in the file
            ["TS1", "2024-09-27", "转办", "社区", "锦纶社区居委会", ""],
            ["TS1", "2024-09-30", "上交", "乡镇(街道)", "锦纶街道办事处", ""],
            ["TS1", "2024-10-12", "上交", "县级", "榆次区住房和城乡建设局", ""],
        ],
    )
    trail = case_trail.case_timeline(wh, "TS1", EVERYTHING)
    assert [d.date() for d in trail["happened_on"]] == steps
    assert list(trail["action"]) == ["转办", "上交", "上交", "提醒函"]
    assert list(trail["level_after"]) == ["社区", "乡镇(街道)", "县级", "县级"]
    previous = [D(2024, 9, 25), *steps[:-1]]
    assert list(trail["workdays_since_previous"]) == [workdays(a, b) for a, b in zip(previous, steps, strict=True)]
    assert list(trail["days_since_previous"]) == [(b - a).days for a, b in zip(previous, steps, strict=True)]


def test_deadline_in_the_row_wins_and_past_deadline_means_as_of_after_it(clerk, warehouse, rules):
    at = D(2025, 6, 10)
    wh = build(
        clerk,
        warehouse,
        [
            case("ON", "2025-05-06", "2025-06-10"),  # deadline == as-of: not yet past
            case("LATE", "2025-05-06", "2025-06-09"),
            case("DONE", "2025-05-06", "2025-05-20", status="已办结", closed="2025-06-01"),
            case("AFTER", "2025-06-11"),
        ],
    )
    rows = esc.open_cases(wh, Filter(end=at), EVERYTHING).set_index("case_id")
    assert set(rows.index) == {"ON", "LATE"}
    assert rows.loc["ON", "deadline_basis"] == "row" and not rows.loc["ON", "overdue"]
    assert rows.loc["LATE", "overdue"] and rows.loc["LATE", "workdays_overdue"] == workdays(D(2025, 6, 9), at)
    ladder = esc.ladder(wh, Filter(end=at), EVERYTHING)
    assert ladder["open_cases"].sum() == 2 and ladder["overdue_cases"].sum() == 1
    only_late = esc.open_cases(wh, Filter(end=at), EVERYTHING, overdue_only=True)
    assert list(only_late["case_id"]) == ["LATE"]


def test_rule_precedence_exact_pair_then_the_shorter_partial_then_default(rules):
    table = deadlines.deadline_rules(rules)
    assert etl_deadlines.rule_days(table, "12345", "安全防范") == 3  # the exact pair
    assert etl_deadlines.rule_days(table, "投诉举报", "安全防范") == 5  # source says 10, category 5: the shorter
    assert etl_deadlines.rule_days(table, "投诉举报", "违规收费") == 10
    assert etl_deadlines.rule_days(table, "排查", "违规收费") == 15  # the default


def test_shipped_rules_give_every_source_and_category_a_deadline():
    table = deadlines.deadline_rules(etl_deadlines.DEFAULT_RULES)
    from vocab.schema import CASE_CATEGORIES, CASE_SOURCES

    for source in CASE_SOURCES:
        for category in CASE_CATEGORIES:
            assert etl_deadlines.rule_days(table, source, category), (source, category)


@pytest.mark.parametrize(
    "text, message",
    [
        ("source,category,working_days\n热线,*,5\n", "第 2 行：来源“热线”"),
        ("source,category,working_days\n*,*,0\n", "1 到 365"),
        ("source,category,working_days\n*,*,5\n*,*,6\n", "第 3 行：来源“*”、类别“*”重复"),
        ("source,days\n*,5\n", "缺少列"),
    ],
)
def test_a_bad_rules_file_is_refused_with_the_row_named(tmp_path, text, message):
    path = tmp_path / "rules.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(deadlines.DeadlineRulesError, match=re.escape(message)):
        deadlines.deadline_rules(path)


# ---------------------------------------------------------------- personal data


@pytest.mark.parametrize(
    "raw, masked", [("13812345678", "138****5678"), ("0354-2345678", "035****5678"), ("12345", "****"), (None, None)]
)
def test_phone_mask_in_sql_and_in_python_agree(clerk, warehouse, rules, raw, masked):
    assert esc.mask_phone(raw) == masked
    import duckdb

    sql = esc.phone_sql("p", EVERYTHING)
    assert duckdb.execute(f"SELECT {sql} FROM (SELECT ?::VARCHAR AS p)", [raw]).fetchone()[0] == masked


def test_reporter_phone_is_masked_unless_the_scope_allows_personal_data(clerk, warehouse, rules):
    wh = build(clerk, warehouse, [case("TS1", "2025-05-06", phone="13812345678"), case("TS2", "2025-06-01")])
    f = Filter(end=D(2025, 6, 1))
    assert esc.open_cases(wh, f, EVERYTHING).set_index("case_id").loc["TS1", "reporter_phone"] == "138****5678"
    assert case_trail.case_header(wh, "TS1", EVERYTHING)["reporter_phone"].iloc[0] == "138****5678"
    allowed = Scope(personal_data=True)
    assert esc.open_cases(wh, f, allowed).set_index("case_id").loc["TS1", "reporter_phone"] == "13812345678"
    assert case_trail.case_header(wh, "TS1", allowed)["reporter_phone"].iloc[0] == "13812345678"
    assert case_trail.case_header(wh, "TS1", Scope(regions=("140781",), personal_data=True)).empty  # outside the scope


# ---------------------------------------------------------------- counts, referrals, watch lists


def test_escalation_counts_for_leaders_count_events_in_the_period_and_region(clerk, warehouse, rules):
    wh = build(
        clerk,
        warehouse,
        [case("A", "2025-01-06"), case("B", "2025-01-06", county="介休市", company=COMPANY_B)],
        [
            ["A", "2025-02-10", "提醒函", "县级", "榆次区住房和城乡建设局", ""],
            ["A", "2025-02-24", "督办函", "县级", "榆次区住房和城乡建设局", ""],
            ["A", "2025-03-10", "约谈", "县级", "榆次区住房和城乡建设局", ""],
            ["A", "2025-03-20", "移送纪检", "", "晋中市纪委监委驻市住建局纪检监察组", ""],
            ["A", "2025-04-01", "问责", "", "晋中市纪委监委驻市住建局纪检监察组", ""],
            ["A", "2025-05-06", "提醒函", "县级", "榆次区住房和城乡建设局", "期外"],
            ["B", "2025-02-11", "提醒函", "县级", "介休市住房和城乡建设局", ""],
            ["B", "2025-03-12", "移送公安", "", "晋中市公安局介休分局", ""],
        ],
    )
    counts = esc.escalation_counts(wh, Filter.from_query("140702", "2025-01-01", "2025-04-30"), EVERYTHING)
    assert {k: counts[k] for k in ("interview", "reminder", "supervision", "accountability", "referral")} == {
        "interview": 1,
        "reminder": 1,
        "supervision": 1,
        "accountability": 1,
        "referral": 1,
    }
    assert counts["移送纪检"] == 1 and counts["移送公安"] == 0 and counts["escalated_cases"] == 1
    city = esc.escalation_counts(wh, Filter.from_query("140700", "2025-01-01", "2025-04-30"), EVERYTHING)
    assert city["reminder"] == 2 and city["referral"] == 2 and city["escalated_cases"] == 2
    quick = esc.escalation_counts(
        wh, Filter.from_query("140700", "2025-01-01", "2025-04-30"), EVERYTHING, with_cases=False
    )  # as the overview and the wall display ask
    assert quick["escalated_cases"] is None and {k: v for k, v in quick.items() if k != "escalated_cases"} == {
        k: v for k, v in city.items() if k != "escalated_cases"
    }


def test_referral_outcome_is_the_organs_next_step_or_pending(clerk, warehouse, rules):
    wh = build(
        clerk,
        warehouse,
        [case("A", "2025-01-06"), case("B", "2025-01-06")],
        [
            ["A", "2025-03-20", "移送城管", "", "榆次区城市管理局", ""],
            ["A", "2025-04-03", "立案", "", "榆次区城市管理局", "拟作出行政处罚"],
            ["B", "2025-03-25", "移送公安", "", "晋中市公安局榆次分局", ""],
        ],
    )
    rows = esc.referrals(wh, Filter(end=D(2025, 4, 30)), EVERYTHING).set_index("case_id")
    assert rows.loc["A", "outcome"] == "立案"
    assert rows.loc["A", "workdays_to_outcome"] == workdays(D(2025, 3, 20), D(2025, 4, 3))
    assert rows.loc["B", "outcome"] == esc.PENDING
    before = esc.referrals(wh, Filter(end=D(2025, 3, 31)), EVERYTHING).set_index("case_id")
    assert before.loc["A", "outcome"] == esc.PENDING  # the 立案 came after the period's end


def test_three_black_lists_within_twelve_months_put_a_company_first_for_exit_review(clerk, warehouse, rules):
    cases = [case(f"A{i}", "2024-06-03", "2024-06-20") for i in range(3)]
    cases += [case(f"B{i}", "2024-06-03", "2024-06-20", county="介休市", company=COMPANY_B) for i in range(6)]
    lists = [[COMPANY_A, "榆次区", d, "黑榜", "群众投诉集中"] for d in ("2024-05-10", "2024-09-10", "2025-02-10")]
    wh = build(clerk, warehouse, cases, [["A0", "2025-06-30", "回访", "", "", ""]], lists)
    flagged = esc.company_watch(wh, Filter(end=D(2025, 3, 31)), EVERYTHING)
    assert list(flagged["company_code"][:2]) == [COMPANY_A, COMPANY_B]
    first = flagged.iloc[0]
    assert first["black_lists"] == 3 and first["exit_review"] and first["rank"] == 1
    assert first["black_dates"] == "2024-05-10、2024-09-10、2025-02-10"
    later = esc.company_watch(wh, Filter(end=D(2025, 5, 31)), EVERYTHING).set_index("company_code")
    assert later.loc[COMPANY_A, "black_lists"] == 2 and not later.loc[COMPANY_A, "exit_review"]
    assert later.index[0] == COMPANY_B  # six cases past their deadline in the window now rank first
    counties = esc.county_watch(wh, Filter(end=D(2025, 3, 31)), EVERYTHING)
    assert list(counties["county"]) == ["140781", "140702"]
    assert counties.set_index("county").loc["140702", "exit_review_companies"] == 1


def test_level_flow_counts_handovers_and_names_the_one_body_of_a_level(clerk, warehouse, rules):
    wh = build(
        clerk,
        warehouse,
        [
            case("X1", "2025-03-03", "2025-03-20", status="已办结", closed="2025-03-12", level="社区", county="孝义市"),
            case("X2", "2025-03-03", "2025-03-20", status="已办结", closed="2025-03-25", level="县级", county="孝义市"),
        ],
        [
            ["X1", "2025-03-03", "转办", "社区", "新义街道城东社区居委会", ""],
            ["X2", "2025-03-03", "转办", "社区", "振兴街道城南社区居委会", ""],
            ["X2", "2025-03-07", "上交", "乡镇(街道)", "振兴街道办事处", ""],
            ["X2", "2025-03-14", "上交", "县级", "孝义市物业管理服务中心", ""],
        ],
    )
    flow = esc.level_flow(wh, Filter.from_query("141181", "2025-03-01", "2025-03-31"), EVERYTHING)
    assert list(flow["level"]) == ["社区", "乡镇(街道)", "县级"]
    assert list(flow["moved_in"]) == [2, 1, 1] and list(flow["resolved_here"]) == [1, 0, 1]
    assert flow.set_index("level").loc["县级", "organ"] == "孝义市物业管理服务中心"
    assert flow.set_index("level")["organ"].isna().loc["社区"]  # two 居委会: no single body


def test_overview_overdue_kpi_applies_the_deadline_rules_as_the_escalation_page_does(clerk, warehouse, rules):
    """One definition of overdue: a case whose row gives no deadline is overdue by the rules on
    the overview's 超期未办结 card as on the 督办 ladder."""
    from metrics import facts

    wh = build(
        clerk,
        warehouse,
        [
            case("TS1", "2025-03-03"),  # no deadline in the row: 投诉举报 → 10 working days → overdue by 04-30
            case("TS2", "2025-04-25"),  # no deadline, not yet due at 04-30
            case("TS3", "2025-03-03", "2025-06-30"),  # the row's deadline: not yet due
            case("TS4", "2025-03-03", "2025-03-10", status="已办结", closed="2025-03-20"),  # closed: not open
            case("TS5", "2025-03-03", "2025-03-31"),  # the row's deadline: overdue
        ],
    )
    f = Filter(end=D(2025, 4, 30))
    kpi = int(facts.case_facts(wh, f, EVERYTHING)["overdue_cases"].sum())
    ladder = int(esc.ladder(wh, f, EVERYTHING)["overdue_cases"].sum())
    assert kpi == ladder == 2


@pytest.mark.parametrize(
    "f",
    [Filter(), Filter("140700"), Filter("140702"), Filter(end=D(2024, 12, 31)), Filter("140700", end=D(2025, 6, 30))],
    ids=["province", "city", "county", "end-2024", "city-mid-2025"],
)
def test_the_watch_of_listed_companies_only_counts_them_as_the_whole_watch_does(demo_wh, f):
    """需要关注's second 黑榜 asks the watch for the companies listed twice only (listed_with): the
    same rows, counts and county as the whole watch list's, without counting every other company."""
    whole = esc.company_watch(demo_wh, f, EVERYTHING)
    twice = whole[whole["black_lists"] >= 2].drop(columns=["rank", "total"]).reset_index(drop=True)
    only = esc.company_watch(demo_wh, f, EVERYTHING, listed_with="black_lists >= 2")
    only = only.drop(columns=["rank", "total"]).reset_index(drop=True)
    assert len(twice) > 0 or f.end == D(2024, 12, 31)
    key = ["company_code"]
    pd.testing.assert_frame_equal(
        only.sort_values(key).reset_index(drop=True), twice.sort_values(key).reset_index(drop=True)
    )
