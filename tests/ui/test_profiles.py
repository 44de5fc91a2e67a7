"""Two journeys of the profiles in a real browser, their clicks counted: a leader types a
community's name in the navbar's search and opens its profile (one click on the result); a
county officer sees his county's rank and the city's median on every KPI (one click from the
overview he lands on). The profiles' figures, lists and refusals are tested directly in
tests/test_profiles.py and tests/test_search.py."""

from __future__ import annotations

import re

from vocab.kpis import CATALOGUE
from vocab.labels import label


class Clicks:
    """Clicks made on a page, counted."""

    def __init__(self, page):
        self.page, self.n = page, 0

    def click(self, locator) -> None:
        locator.click()
        self.n += 1


def test_a_leader_searches_a_community_by_name_and_its_profile_opens(page):
    page.open("/?region=140700")
    clicks = Clicks(page)
    page.page.fill("#shell-search", "鑫源苑")  # typing, not a click
    result = page.page.locator(".shell-search-item", has_text="锦纶街道")
    result.wait_for()
    assert "小区" in result.inner_text() and "榆次区" in result.inner_text()
    clicks.click(result)
    page.page.wait_for_url(re.compile(r"/community/XQ1407020543\?region=140700$"))
    page.page.locator("#community-title").wait_for()
    page.settle()
    assert page.text("#community-title") == "鑫源苑"
    assert "锦纶街道" in page.text("#community-page") and "户数" in page.text("#community-facts")
    page.page.locator("#community-cases-grid .grid-link").first.wait_for()  # its cases, each a link to its trail
    assert page.page.input_value("#shell-search") == ""  # the box emptied, its list closed
    assert clicks.n == 1


def test_a_county_officer_sees_his_rank_and_the_city_median_on_every_kpi_in_one_click(page_as):
    page = page_as("county").open("/")
    clicks = Clicks(page)
    clicks.click(page.page.locator(".shell-navbar .nav-link", has_text="县区概况"))
    page.page.wait_for_url(re.compile(r"/county\?region=140702"))
    page.page.locator("#county-standing-table").wait_for()
    page.settle()
    assert page.text("#county-title") == "榆次区概况"
    header = page.text("#county-standing-table thead")
    assert "全市排名" in header and "全市中位数" in header and "全市四分位" in header
    rows = page.page.locator("#county-standing-table tbody tr")
    assert rows.count() == len(CATALOGUE)  # every KPI of the catalogue
    ranked = 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[0] == label(CATALOGUE[i].key)  # the KPIs in the catalogue's order
        if re.fullmatch(r"\d+ / \d+", cells[2]):
            ranked += 1
            assert cells[3] and cells[3] != "无数据"  # the city's median beside a rank
    assert ranked >= len(CATALOGUE) - 1  # 榆次区 has a value for every KPI but the credit grades
    assert clicks.n == 1
