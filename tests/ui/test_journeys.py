"""Issue 18's three questions, walked in Chromium on the demo (bench/journeys.py, which the browser
benchmark times): each answered within its clicks, and what it opens is the answer the metrics give."""

from __future__ import annotations

import re

import pytest

from bench.journeys import overdue_case_trail, rank_and_median, worst_county_on_rectification


@pytest.fixture
def wh(demo_warehouse):
    from metrics.db import Warehouse

    return Warehouse(demo_warehouse)


def test_a_leader_finds_the_worst_county_on_rectification_this_year_and_why_in_two_clicks(page_as, server, wh):
    from metrics import kpis
    from metrics.facts import data_as_of
    from metrics.filters import EVERYTHING, Filter
    from metrics.periods import preset_range

    p = page_as("leader")
    walk, county = worst_county_on_rectification(p.page, server.url)
    assert len(walk.clicks) == 2 <= 3
    # the worst county-level unit this year by the catalogue (units with a value; the scorecard's rows)
    year = Filter(None, *preset_range("year", data_as_of(wh, Filter(), EVERYTHING)))
    table = kpis.scorecard(wh, ["rectification_rate"], year, EVERYTHING).dropna(subset=["rectification_rate"])
    worst = table.sort_values(["rectification_rate", "unit"]).iloc[0]
    assert county == worst["unit"], (county, worst.to_dict())
    # why: its rank is the last, and its worst communities and open cases are listed
    standing = p.text("#county-standing")
    assert "问题整改率" in standing
    p.page.locator("#county-page .lazy-panel").scroll_into_view_if_needed()  # the lists, drawn once scrolled to
    p.page.wait_for_selector("#county-communities-table .ag-row")
    p.page.wait_for_selector("#county-open-table .ag-row")


def test_a_supervisor_opens_the_trail_of_an_overdue_county_level_case_in_two_clicks(page_as, server, wh):
    from metrics import case_trail
    from metrics.filters import EVERYTHING

    p = page_as("supervisor")
    walk, case_id = overdue_case_trail(p.page, server.url)
    assert len(walk.clicks) == 2 <= 3
    assert case_id in p.text("#escalations-timeline-title")
    from urllib.parse import parse_qs, urlsplit

    head = case_trail.case_header(wh, case_id, EVERYTHING).iloc[0]
    assert head["level"] == "县级" and head["overdue"], head.to_dict()  # overdue, at county level, as the item said
    asked = parse_qs(urlsplit(p.page.url).query)
    assert asked["level"] == ["县级"] and asked["overdue"] == ["1"]
    assert asked["case"] == [case_id]  # the address, shared, opens the same trail


def test_a_county_officer_sees_his_rank_and_the_city_median_on_every_kpi_in_one_click(page_as, server):
    from vocab.kpis import CATALOGUE
    from vocab.labels import label

    p = page_as("county")
    walk, url = rank_and_median(p.page, server.url)
    assert len(walk.clicks) == 1
    standing = p.text("#county-standing")
    assert "榆次区" in p.text("#county-title, .profile-title")
    assert "全市排名" in standing and "全市中位数" in standing and "全市四分位" in standing
    rows = p.page.locator("#county-standing-table tbody tr")
    assert rows.count() == len(CATALOGUE)  # every KPI of the catalogue, in its order
    ranked = 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[0] == label(CATALOGUE[i].key, "zh")
        if re.fullmatch(r"\d+ / \d+", cells[2]):
            ranked += 1
            assert cells[3] and cells[3] != "无数据"  # the city's median beside a rank
    assert ranked >= len(CATALOGUE) - 1  # 榆次区 has a value for every KPI but the credit grades
