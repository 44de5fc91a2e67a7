"""The overview in a real browser: loads clean, the filter and the URL drive it, a map click filters,
the scorecard shows every row. The escalation counts as the callback draws them: tests/test_figures.py;
the leader's one click from 需要关注 to 督办: tests/ui/test_journeys.py."""

from __future__ import annotations

import re

from playwright.sync_api import expect

VIEW = "/?region=140700&from=2024-01-01&to=2024-12-29"


def _the_overview_in_chinese(page):
    """(On VIEW, open) the cards, 数据截至, the renderer's economies, the rows of issue 21."""
    expect(page.page.locator("#kpi-rectification_rate")).to_contain_text("问题整改率")
    assert page.page.locator(".kpi-card").count() >= 10
    expect(page.page.locator("#shell-as-of")).to_have_text(re.compile(r"数据截至：\d{4}-\d{2}-\d{2}"))
    # assets/renderer.js acts on this Dash: the cards' components, drawn anew, dispatched no reset
    # that changes nothing (each would have run every component's selectors), and the components
    # were told of the store's changes once per burst of dispatches
    stats = page.page.evaluate("window.kanbanRenderer")
    assert stats["skipped"] > 5 * page.page.locator(".kpi-card").count() and stats["notified"] > 0, stats
    # issue 21: party building, the hotline's 三率 and 矛盾不上交 in a row of their own
    people = page.page.locator("#overview-row-people")
    expect(people).to_contain_text("红色业委会覆盖率")
    expect(page.page.locator("#kpi-hotline_satisfaction_rate")).to_contain_text("%")
    expect(page.page.locator("#kpi-settled_below_county_rate")).to_contain_text("矛盾不上交率")


def _the_overview_in_english(page):
    page.open(VIEW + "&lang=en")
    expect(page.page.locator("#kpi-rectification_rate")).to_contain_text("Rectification rate")
    assert "问题整改率" not in page.text("#overview-cards")


def _the_foot_is_drawn_when_scrolled_to(page):
    """(VIEW just opened) the star and credit charts at the page's foot are not drawn with the
    first screen; scrolled to, they are."""
    expect(page.page.locator("#kpi-rectification_rate")).to_contain_text("%")
    stars = page.page.locator("#overview-stars")
    assert stars.locator("g.trace").count() == 0  # a screen and more below the first: not drawn yet
    stars.scroll_into_view_if_needed()
    expect(stars.locator("g.trace").first).to_be_attached()
    expect(page.page.locator("#overview-credit g.trace").first).to_be_attached()


def _the_campaign_counts_down_and_its_period_is_a_preset(page):
    """专项行动进展 under the period line; the campaign's May sprint in the filter bar's periods."""
    page.open("/?region=140700")
    panel = page.page.locator("#campaign-jz2024")
    expect(panel).to_contain_text("晋中市物业服务管理专项整治")
    expect(panel).to_contain_text(re.compile(r"距结束还有 \d+ 天"))
    expect(panel).to_contain_text("目标 3/3 项达成")
    page.page.locator("#shell-period").click()
    page.page.get_by_role("option", name="行动期间：维修资金追缴五月集中攻坚").click()
    page.page.wait_for_url(re.compile(r"from=2025-05-01&to=2025-05-31"))


def _url_reproduces_view_and_period_changes_the_cards(page):
    """(On VIEW, open) the same city to May 2025 by its URL."""
    expect(page.page.locator("#kpi-complaint_close_rate")).to_contain_text("%")
    year_2024 = page.text("#kpi-complaint_close_rate")
    page.open("/?region=140700&from=2024-01-01&to=2025-05-31")
    expect(page.page.locator("#kpi-complaint_close_rate")).to_contain_text("9,309")
    to_may = page.text("#kpi-complaint_close_rate")
    assert year_2024 != to_may
    # the published complaint figures of the campaign to date (9,038 closed of 9,309)
    assert "9,038" in to_may and "9,309" in to_may and "97.09%" in to_may
    # the filter bar shows what the URL says
    assert page.page.locator("#shell-from").input_value() == "2024-01-01"
    assert page.page.locator("#shell-to").input_value() == "2025-05-31"


def _filter_bar_rewrites_url_and_navigation_keeps_it(page):
    # a leader reading the scorecard (drawn once scrolled near) picks a county in the filter bar:
    # the page is drawn anew for it, from its top, and the scorecard once scrolled to again
    page.open("/?region=140700&from=2024-01-01&to=2024-12-29").scroll_to("#overview-scorecard")
    expect(page.page.locator("#overview-scorecard .ag-pinned-left-cols-container")).to_contain_text("平遥县")
    page.page.locator("#shell-region").click()
    page.page.get_by_role("option", name="榆次区").first.click()
    page.page.wait_for_url(re.compile(r"region=140702(&|$)"))
    expect(page.page.locator("#overview-scorecard .lazy-placeholder")).to_have_count(1)  # the new page's
    page.scroll_to("#overview-scorecard")
    names = page.page.locator("#overview-scorecard .ag-pinned-left-cols-container")
    expect(names).to_contain_text("榆次区")
    expect(names).not_to_contain_text("平遥县")
    href = page.page.locator("a[href^='/rectification']").first.get_attribute("href")
    assert "region=140702" in href and "from=2024-01-01" in href


def _clicking_a_county_on_the_map_filters_to_it(page):
    page.open("/?region=140700&from=2024-01-01&to=2024-12-29").scroll_to("#overview-map")
    expect(page.page.locator("#overview-map path.choroplethlocation")).to_have_count(11)
    county = re.compile(r"region=1407(0[1-9]|[1-9]\d)(&|$)")  # a county, not the city
    shape = page.page.locator("#overview-map path.choroplethlocation").nth(3)
    for _ in range(3):  # plotly takes a click from its hover state: hover first, then click
        shape.hover(force=True)
        shape.click(force=True)
        try:
            page.page.wait_for_url(county, timeout=5_000)
            break
        except Exception:
            continue
    assert county.search(page.page.url), page.page.url
    expect(page.page.locator("#shell-region")).not_to_contain_text("晋中市")


ROWS_FIT = """() => {
    const grid = document.querySelector('#overview-scorecard .ag-root-wrapper');
    const body = document.querySelector('#overview-scorecard .ag-body-viewport');
    const box = grid.getBoundingClientRect();
    const rows = [...document.querySelectorAll('#overview-scorecard .ag-center-cols-container .ag-row')];
    return {rows: rows.length, scrolls: body.scrollHeight > body.clientHeight + 1,
            inside: rows.every(r => { const b = r.getBoundingClientRect(); return b.top >= box.top && b.bottom <= box.bottom; })};
}"""


def _the_scorecard_shows_every_row_and_no_data_as_无数据(page):
    """(issue 14) every row shows for a county and for a city at a small viewport; a county without
    rows reads 无数据 in grey."""
    page.page.set_viewport_size({"width": 1280, "height": 720})
    for region, n in (("140722", 1), ("140700", 12)):
        page.open(f"/?region={region}").scroll_to("#overview-scorecard")
        expect(page.page.locator("#overview-scorecard .ag-center-cols-container .ag-row")).to_have_count(n)
        assert page.page.evaluate(ROWS_FIT) == {"rows": n, "scrolls": False, "inside": True}, region
    page.open("/?region=140100").scroll_to("#overview-scorecard")  # 太原市: 阳曲县 has communities, no cases
    cell = page.page.locator("#overview-scorecard .ag-row [col-id='overdue_cases']").first
    expect(cell).to_have_text("无数据")
    assert "no-data" in cell.get_attribute("class")
    expect(page.page.locator("#kpi-overdue_cases .kpi-value")).to_have_text("无数据")


# ---------------------------------------------------------------- the journey


def test_a_reader_opens_the_overview_filters_it_clicks_the_map_and_reads_it_in_english(page):
    """The city's 2024: the charts at the foot drawn when scrolled to, the cards in Chinese; a URL
    reproduces a view and its period changes the cards and the filter bar; the campaign counts
    down and its sprint is a period of the filter bar; the filter bar rewrites the URL and
    navigation keeps it; a click on a county of the map filters to it; the scorecard shows every
    row at a small viewport and no data as 无数据; then the overview in English without console
    errors (the language step last). A step goes on from the view the one before it left."""
    page.open(VIEW)
    _the_foot_is_drawn_when_scrolled_to(page)
    _the_overview_in_chinese(page)
    _url_reproduces_view_and_period_changes_the_cards(page)
    _the_campaign_counts_down_and_its_period_is_a_preset(page)
    _filter_bar_rewrites_url_and_navigation_keeps_it(page)
    _clicking_a_county_on_the_map_filters_to_it(page)
    _the_scorecard_shows_every_row_and_no_data_as_无数据(page)
    _the_overview_in_english(page)
