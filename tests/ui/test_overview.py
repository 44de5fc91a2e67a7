"""The overview in a real browser: loads clean, the filter and the URL drive it, a map click filters."""

from __future__ import annotations

import re

from playwright.sync_api import expect

VIEW = "/?region=140700&from=2024-01-01&to=2024-12-29"


def card_value(page, key: str) -> str:
    return page.page.locator(f"#kpi-{key} .kpi-value").inner_text()


def test_overview_loads_without_console_errors_in_both_languages(page):
    page.open(VIEW)
    assert page.page.locator(".kpi-card").count() >= 10
    assert "问题整改率" in page.text("#overview-cards")
    assert re.search(r"数据截至：\d{4}-\d{2}-\d{2}", page.text("#shell-as-of"))
    page.open(VIEW + "&lang=en")
    assert "Rectification rate" in page.text("#overview-cards")
    assert "问题整改率" not in page.text("#overview-cards")


def test_url_reproduces_view_and_period_changes_the_cards(page):
    page.open("/?region=140700&from=2024-01-01&to=2024-12-29")
    year_2024 = page.text("#kpi-complaint_close_rate")
    page.open("/?region=140700&from=2024-01-01&to=2025-05-31")
    to_may = page.text("#kpi-complaint_close_rate")
    assert year_2024 != to_may
    # the published complaint figures of the campaign to date (9,038 closed of 9,309)
    assert "9,038" in to_may and "9,309" in to_may and "97.09%" in to_may
    # the filter bar shows what the URL says
    assert page.page.locator("#shell-from").input_value() == "2024-01-01"
    assert page.page.locator("#shell-to").input_value() == "2025-05-31"


def test_filter_bar_rewrites_url_and_navigation_keeps_it(page):
    page.open("/?region=140700&from=2024-01-01&to=2024-12-29")
    page.page.locator("#shell-region").click()
    page.page.get_by_role("option", name="榆次区").first.click()
    page.page.wait_for_url(re.compile(r"region=140702(&|$)"))
    names = page.page.locator("#overview-scorecard .ag-pinned-left-cols-container")
    expect(names).to_contain_text("榆次区")
    expect(names).not_to_contain_text("平遥县")
    href = page.page.locator("a[href^='/rectification']").first.get_attribute("href")
    assert "region=140702" in href and "from=2024-01-01" in href


def test_clicking_a_county_on_the_map_filters_to_it(page):
    page.open("/?region=140700&from=2024-01-01&to=2024-12-29")
    page.page.locator("#overview-map path.choroplethlocation").first.click(force=True)
    page.page.wait_for_url(re.compile(r"region=1407\d\d(&|$)"))
    page.settle()
    assert re.search(r"region=1407(0[1-9]|[1-9]\d)", page.page.url)
