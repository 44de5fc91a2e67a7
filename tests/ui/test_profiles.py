"""A journey of the profiles in a real browser, its clicks counted: a leader types a
community's name in the navbar's search and opens its profile (one click on the result). The
county officer's rank and the city's median on every KPI is walked in tests/ui/test_journeys.py.
The profiles' figures, lists and refusals are tested directly in
tests/test_profiles.py and tests/test_search.py."""

from __future__ import annotations

import re


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
