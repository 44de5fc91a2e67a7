"""Issue 18's three questions, walked in Chromium on the demo (bench/journeys.py, which the browser
benchmark times): each answered within its clicks, and what it opens is the answer the metrics give.
The county officer's (his rank and the city's median): tests/ui/test_auth_roles.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.journeys import overdue_case_trail, worst_county_on_rectification


@pytest.fixture
def wh(demo_warehouse):
    from metrics.db import Warehouse

    return Warehouse(demo_warehouse)


def test_a_leader_finds_the_worst_county_on_rectification_this_year_and_why_in_two_clicks(page_as, server, wh):
    """The worst county in two clicks, and why; then, from the overview, an item of 需要关注 opens its
    督办 list in one click."""
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
    _needs_attention_opens_the_detail_in_one_click(p)


def _needs_attention_opens_the_detail_in_one_click(page):
    """Without dates the overview says its default period (1 January to 数据截至); an item of
    需要关注 (overdue cases of a county at city level) opens the 督办 list with that county, level
    and period: one click."""
    page.open("/")
    expect(page.page.locator("#shell-as-of")).to_have_text(re.compile(r"数据截至：\d{4}-\d{2}-\d{2}"))
    as_of = page.text("#shell-as-of").split("：")[-1]
    period = page.page.locator("#overview-period")
    expect(period).to_contain_text(f"{as_of[:4]}-01-01 至 {as_of}")
    expect(period).to_contain_text("默认")
    item = page.page.locator("#attention-overdue .attention-list a").first
    expect(item).to_contain_text("超期")
    said = item.inner_text()
    item.click()
    page.page.wait_for_url(re.compile(r"/escalations\?.*overdue=1"))
    page.settle()
    url = page.page.url
    assert f"from={as_of[:4]}-01-01" in url and f"to={as_of}" in url and "level=" in url
    expect(page.page.locator("#escalations-clear-level")).to_be_visible()
    assert said.split("：")[0] in page.text("#shell-region")  # the county of the item is the region


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
