"""Campaigns (issue 21): data/campaigns.csv read and checked (problems named by line, in Chinese;
the last good version kept), their progress on the demo warehouse equal to the catalogue over the
campaign to date, the overview's and the wall's panel, the campaign periods in the filter bar, and
the briefings' 专项整治以来 taken from the same data."""

from __future__ import annotations

import datetime as dt

import pytest
from dash_tree import by_id, text
from test_filter_bar import triggered

from metrics import campaign_progress, campaigns, kpis, periods
from metrics.facts import data_as_of
from metrics.filters import EVERYTHING, Filter, Scope
from metrics.targets import TargetsError

D = dt.date
HEADER = "campaign,kind,region,parent,name,category,start,end,kpi,target,done_on,source\n"  # no 简称: the name
YUCI = Scope(("140702",))


@pytest.fixture
def as_of(demo_wh) -> dt.date:
    return data_as_of(demo_wh, Filter(None), EVERYTHING)


def test_the_shipped_campaigns_hold_the_reports_periods_and_jinzhongs_two_classes_of_seven_tasks():
    found = {c.key: c for c in campaigns.campaigns()}
    jz, may, jc = found["jz2024"], found["jz2505"], found["jc2022"]
    assert (jz.region, jz.start) == ("140700", D(2024, 1, 1))
    assert (may.parent, may.start, may.end) == ("jz2024", D(2025, 5, 1), D(2025, 5, 31))
    assert (jc.region, jc.start, jc.end) == ("140500", D(2022, 1, 1), D(2024, 12, 31))
    assert len(jz.tasks) == 7 and len({t.category for t in jz.tasks}) == 2  # 两大类7项任务
    assert [m.day for m in jz.milestones] == sorted(m.day for m in jz.milestones)


def test_a_file_with_problems_names_each_by_line_in_chinese(tmp_path):
    path = tmp_path / "campaigns.csv"
    path.write_text(
        HEADER
        + "a,行动,晋中市,,甲行动,,2024-01-01,2024-12-31,,,,\n"  # 3: a city by its name is fine
        + "a,目标,,,整改率,,,,整改率不存在,95%,,\n"  # 3: unknown KPI
        + "a,任务,,,摸排,一类,,2025-03-01,,,,\n"  # 4: due after the campaign
        + "b,节点,,,动员,,,2024-02-01,,,,\n"  # 5: no such campaign
        + "a,阶段,,,某事,,,2024-02-01,,,,\n"  # 6: unknown kind
        + "c,行动,140700,a,乙,,2024-05-01,2024-04-01,,,,\n"  # 7: ends before it starts
        + "a,目标,,,追缴,,,,arrears_recovered,很多,,\n",  # 8: not an amount
        encoding="utf-8",
    )
    with pytest.raises(TargetsError) as err:
        campaigns.campaigns(path)
    message = str(err.value)
    for n, said in [
        (3, "不是指标目录中的指标"),
        (4, "不在行动“甲行动”的期间"),
        (5, "没有对应的“行动”行"),
        (6, "应为 行动、目标、任务 或 节点"),
        (7, "早于开始日期"),
        (8, "应为不小于 0 的金额"),
    ]:
        assert f"第 {n} 行" in message and said in message, (n, message)


def test_while_the_file_has_problems_the_last_good_version_stays_in_force(tmp_path, monkeypatch):
    path = tmp_path / "campaigns.csv"
    path.write_text(HEADER + "a,行动,140700,,甲行动,,2024-01-01,2024-12-31,,,,\n", encoding="utf-8")
    monkeypatch.setenv("CAMPAIGNS", str(path))
    assert [c.name for c in campaigns.current()[0]] == ["甲行动"]
    path.write_text(HEADER + "a,行动,140700,,甲行动,,2024-01-01,不是日期,,,,\n", encoding="utf-8")
    kept, problem = campaigns.current()
    assert [c.name for c in kept] == ["甲行动"] and "第 2 行" in problem


def test_a_running_campaigns_progress_is_the_catalogue_over_the_campaign_to_date(demo_wh, as_of):
    (p,) = campaign_progress.board(demo_wh, "140700", EVERYTHING, as_of)
    assert p.campaign.key == "jz2024" and p.state == "running"
    assert (p.day, p.days, p.days_left) == ((as_of - D(2024, 1, 1)).days + 1, 731, (D(2025, 12, 31) - as_of).days)
    values = kpis.compute(demo_wh, [g.goal.kpi for g in p.goals], Filter("140700", D(2024, 1, 1), as_of), EVERYTHING)
    for g in p.goals:
        assert g.value.value == values[g.goal.kpi].value
        assert g.met == (g.value.value >= g.goal.target)
    assert p.next_milestone.name == "专项整治总结验收"
    assert p.sprints == ()  # the May 集中攻坚 has ended by 数据截至
    # a task with a KPI is done when the KPI from the campaign's start to its due day meets its target
    credit = next(t for t in p.tasks if t.task.kpi == "credit_action_rate")
    measured = kpis.compute(demo_wh, ["credit_action_rate"], Filter("140700", D(2024, 1, 1), as_of), EVERYTHING)
    assert credit.value == measured["credit_action_rate"].value
    assert credit.state == ("done" if credit.value >= 1 else "open")


def test_the_may_sprint_met_its_target_with_the_published_2732_96_wan(demo_wh, as_of):
    p = campaign_progress.progress(demo_wh, campaigns.by_key("jz2505"), "140700", EVERYTHING, as_of)
    (goal,) = p.goals
    assert p.state == "ended" and p.days_left == 0
    assert round(goal.value.value) == 27_329_600 and goal.met  # seed 001: 2,732.96 万元 in May 2025


def test_a_sprint_running_at_the_data_date_shows_under_its_campaign(demo_wh):
    (p,) = campaign_progress.board(demo_wh, "140700", EVERYTHING, D(2025, 5, 20))
    assert [s.campaign.key for s in p.sprints] == ["jz2505"] and p.sprints[0].days_left == 11


def test_a_view_without_a_running_campaign_shows_its_latest_that_ended(demo_wh, as_of):
    (p,) = campaign_progress.board(demo_wh, "140500", EVERYTHING, as_of)
    assert p.campaign.key == "jc2022" and p.state == "ended" and p.days_left == 0


def test_a_county_officer_sees_his_citys_campaign_measured_in_his_county(demo_wh, as_of):
    (p,) = campaign_progress.board(demo_wh, "140702", YUCI, as_of)
    assert p.campaign.key == "jz2024" and p.region == "140702"
    rect = next(g for g in p.goals if g.goal.kpi == "rectification_rate")
    own = kpis.compute(demo_wh, ["rectification_rate"], Filter("140702", D(2024, 1, 1), as_of), YUCI)
    assert rect.value.value == own["rectification_rate"].value
    assert campaign_progress.board(demo_wh, "140702", YUCI, as_of)[0].campaign.region == "140700"
    assert [c.key for c in campaigns.for_view("140581", Scope(("140581",)))] == ["jc2022"]  # 高平, in 晋城
    assert "jc2022" not in [c.key for c in campaigns.for_view("140702", YUCI)]


def test_the_briefings_campaign_start_is_the_regions_campaign():
    assert campaigns.first_day("140700", EVERYTHING, D(2025, 5, 31)) == D(2024, 1, 1)
    assert campaigns.first_day("140702", YUCI, D(2025, 5, 31)) == D(2024, 1, 1)
    assert campaigns.first_day("140500", EVERYTHING, D(2024, 6, 30)) == D(2022, 1, 1)
    assert campaigns.first_day(None, EVERYTHING, D(2025, 5, 31)) is None  # two cities, two starts: none
    assert campaigns.first_day("140700", EVERYTHING, D(2023, 5, 31)) is None  # before it began


def test_campaign_periods_are_presets_of_their_region_only(as_of):
    assert periods.preset_range("campaign:jz2505", as_of) == (D(2025, 5, 1), D(2025, 5, 31))
    assert periods.preset_range("campaign:jz2024", as_of) == (D(2024, 1, 1), as_of)  # to 数据截至 while it runs
    assert periods.preset_of(D(2025, 5, 1), D(2025, 5, 31), as_of, "140700") == "campaign:jz2505"
    assert periods.preset_of(D(2025, 5, 1), D(2025, 5, 31), as_of, "140500") == "custom"
    assert [k for k, _ in periods.campaign_choices("140702", YUCI)] == ["campaign:jz2024", "campaign:jz2505"]
    assert [k for k, _ in periods.campaign_choices(None)] == ["campaign:jc2022", "campaign:jz2024", "campaign:jz2505"]
    with pytest.raises(ValueError):
        periods.preset_range("campaign:nope", as_of)


# ---------------------------------------------------------------- callbacks


def test_the_overview_shows_the_campaign_with_its_countdown_targets_and_tasks(leader_pages, as_of):
    from pages import overview

    panel = overview.overview_campaign({"region": "140700"})
    shown = text(by_id(panel, "campaign-jz2024"))
    assert "晋中市物业服务管理专项整治" in shown
    assert f"距结束还有 {(D(2025, 12, 31) - as_of).days} 天" in shown
    assert "目标 3/3 项达成" in shown and "任务" in shown and "专项整治总结验收" in shown
    assert "问题整改率" in shown
    en = text(overview.overview_campaign({"region": "140700", "lang": "en"}))
    assert "days left" in en and "Targets met: 3 of 3" in en
    assert overview.overview_campaign({"region": "140900"}) is None  # 忻州: no campaign


def test_the_wall_shows_the_campaigns_days_left_in_its_header(leader_pages, as_of):
    from pages import screen

    out = screen.screen_content(screen.screen_filter({"region": "140700"}), "zh")
    shown = text(out[-2])  # the campaign, then the alarm strip
    assert "专项整治" in shown and "晋中市" not in shown and str((D(2025, 12, 31) - as_of).days) in shown
    assert "目标 3/3 项达成" in shown
    province = text(screen.screen_content(screen.screen_filter({}), "zh")[-2])
    assert "晋中市专项整治" in province  # on the province's wall the campaign says whose it is


def test_the_overview_says_what_is_wrong_with_the_campaigns_file(leader_pages, tmp_path, monkeypatch):
    from pages import overview

    path = tmp_path / "campaigns.csv"
    path.write_text(HEADER + "a,行动,140700,,甲行动,,2024-01-01,2024-13-01,,,,\n", encoding="utf-8")
    monkeypatch.setenv("CAMPAIGNS", str(path))
    shown = text(overview.overview_campaign({"region": "140700"}))
    assert "专项行动表有误" in shown and "第 2 行 end“2024-13-01”不是有效的日期" in shown


def test_choosing_a_campaign_period_sets_its_dates_and_the_url_names_it(leader_pages, demo_wh, monkeypatch, as_of):
    import app as app_module

    monkeypatch.setattr(app_module, "warehouse", lambda: demo_wh)
    with triggered("shell-period.value"):
        out = app_module.sync_filter("?region=140700", "140700", None, None, "campaign:jz2505", "/funds")
    assert out[0] == "?region=140700&from=2025-05-01&to=2025-05-31" and out[3:5] == ("2025-05-01", "2025-05-31")
    with triggered("url.search"):
        out = app_module.sync_filter("?region=140700&from=2025-05-01&to=2025-05-31", None, None, None, None, "/funds")
    assert out[5] == "campaign:jz2505"
    options = app_module.shell_texts("?region=140700", "/funds", [])[8]
    assert {"label": "行动期间：维修资金追缴五月集中攻坚", "value": "campaign:jz2505"} in options
    assert [o["value"] for o in options][-2:] == ["all", "custom"]
    options = app_module.shell_texts("?region=140500", "/funds", [])[8]
    assert [o["value"] for o in options if o["value"].startswith("campaign:")] == ["campaign:jc2022"]


def test_a_briefing_counts_since_its_regions_campaign_and_says_nothing_of_one_without(demo_wh):
    from briefing import content, period
    from security.roles import Viewer

    leader, may = Viewer("leader", "leader"), period.parse("2025-05")

    def overview_text(region: str) -> str:
        made = content.build(demo_wh, leader, may, region, D(2025, 6, 3))
        return "".join(made.sections[0].paragraphs)

    assert "专项整治以来（2024年1月1日至2025年5月31日），晋中市累计" in overview_text("140700")
    assert "专项整治以来（2022年1月1日至2025年5月31日），晋城市累计" in overview_text("140500")
    assert "专项整治以来" not in overview_text("140900")  # 忻州: no campaign in the data
