"""维修资金 /funds in a real browser: loads clean in both languages, a county click filters, an
export holds the rows behind a chart. The published figures, the period and the region as the
callbacks draw them are tested directly in tests/test_funds_page.py."""

from __future__ import annotations

import io
import json
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

CITY = "/funds?region=140700"
Y2024 = CITY + "&from=2024-01-01&to=2024-12-29"


# The page has ten charts and a dozen grids filled by separate callbacks: wait until all are there.
READY = """() => document.querySelectorAll('#funds-cards .kpi-card').length === 7
    && document.querySelectorAll('#funds-page .js-plotly-plot').length >= 10
    && Array.from(document.querySelectorAll('#funds-page .js-plotly-plot')).every(g => g.data !== undefined)
    && document.getElementById('funds-arrears-line').textContent.length > 0
    && document.getElementById('funds-refunds-line').textContent.length > 0
    && document.getElementById('funds-emergency-table').childElementCount > 0
    && !document.querySelector('[data-dash-is-loading="true"]')"""
WAIT_MS = 60_000


def open_funds(page, path: str):
    """Open a view and wait for all its content (not just for a quiet network: on a busy machine the
    callbacks of this page can take longer than the fixture's settle allows)."""
    page.page.goto(page.base + path)
    page.page.wait_for_function(READY, timeout=WAIT_MS)
    return page


def figure(page, graph_id: str) -> list[dict]:
    """The traces a chart draws: name, x, y, text (numeric columns arrive as typed arrays)."""
    return page.page.evaluate(
        f"""(() => {{ const arr = v => v && v._inputArray ? Array.from(v._inputArray) : Array.from(v || []);
            return Array.from(document.querySelector('#{graph_id} .js-plotly-plot').data,
                t => ({{name: t.name, x: arr(t.x), y: arr(t.y), text: t.text}})); }})()"""
    )


def wait_for_units(page, graph_id: str, names: list[str]) -> None:
    """Wait until a county chart shows exactly these categories (the old figure stays until the new one lands)."""
    page.page.wait_for_function(
        f"""() => {{ const g = document.querySelector('#{graph_id} .js-plotly-plot');
            return g && g.data && g.data.length && JSON.stringify(Array.from(g.data[0].x)) === '{json.dumps(names, ensure_ascii=False)}'; }}""",
        timeout=WAIT_MS,
    )


def _the_page_in_chinese(page):
    """(On the open view) the cards, the four sections' headings, the ten charts."""
    assert page.page.locator("#funds-cards .kpi-card").count() == 7
    body = page.text("#funds-page")
    for heading in ("维修资金欠缴与追缴", "维修资金归集与使用", "应急使用清单", "违规收费清退"):
        assert heading in body
    assert page.page.locator("#funds-page .js-plotly-plot").count() >= 10


def _the_page_in_english(page):
    open_funds(page, CITY + "&lang=en")
    body = page.text("#funds-page")
    assert "Maintenance fund arrears and recovery" in body and "Illegal fees refunded" in body
    assert "维修资金欠缴与追缴" not in body and "违规收费清退" not in body
    assert "Renovation deposit" in [*figure(page, "funds-refunds-kind")[0]["y"]]


def _clicking_a_county_bar_filters_to_it(page):
    """(On the open view of the city) 榆次区's bar clicked: the page is 榆次区's."""
    units = figure(page, "funds-arrears-unit")[0]["x"]
    page.page.locator("#funds-arrears-unit .barlayer .point path").nth(units.index("榆次区")).click(force=True)
    page.page.wait_for_url(re.compile(r"region=140702(&|$)"))
    wait_for_units(page, "funds-arrears-unit", ["榆次区"])
    page.page.wait_for_function(READY, timeout=WAIT_MS)
    units = figure(page, "funds-refunds-unit")[0]["y"]
    assert set(units) <= {"榆次区", "晋中开发区"} and "榆次区" in units


def _export_holds_the_rows_behind_the_chart_with_the_filters(page):
    """(On the open view of the city in 2024) the arrears chart's rows exported."""
    with page.page.expect_download() as info:
        page.page.locator("#funds-arrears-unit-export").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    rows = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "各县区欠缴建账、追缴与尚未追缴"
    assert any("晋中市" in str(r[0]) for r in rows[1:3])
    assert any("2024-01-01" in str(r[0]) and "2024-12-29" in str(r[0]) for r in rows[1:3])
    header = next(i for i, r in enumerate(rows) if r[0] == "县（市、区）")
    body = rows[header + 1 :]
    shown = figure(page, "funds-arrears-unit")[0]
    assert [r[0] for r in body] == shown["x"]
    assert round(sum(r[3] for r in body) / 1e4, 2) == round(sum(shown["y"]), 2)  # 欠缴建账, yuan


def _the_campaign_month_day_by_day(page):
    """From a year-long view, the link under the arrears opens the May 2025 集中攻坚 day by day."""
    open_funds(page, "/funds?region=140700&from=2025-01-01&to=2025-12-31")
    link = page.page.locator("#funds-recoveries-day-link")
    link.scroll_into_view_if_needed()
    link.click()
    page.page.wait_for_url(re.compile(r"from=2025-05-01.*to=2025-05-31|to=2025-05-31.*from=2025-05-01"))
    page.page.wait_for_function(
        "() => { const g = document.querySelector('#funds-recoveries-day .js-plotly-plot');"
        " return g && g.data && g.data.length === 2 && g.data[0].x.length === 31; }",
        timeout=WAIT_MS,
    )
    bars, line = figure(page, "funds-recoveries-day")
    assert round(sum(bars["y"]), 2) == 2732.96 and round(line["y"][-1], 2) == 2732.96  # 万元
    expect(page.page.locator("#funds-projects-table")).to_contain_text("挂账欠缴", timeout=WAIT_MS)


# ---------------------------------------------------------------- the journey


def test_a_reader_opens_funds_in_both_languages_exports_a_chart_and_clicks_a_county(page):
    """The city's 2024 in Chinese: a chart's rows exported with the filters, then a county bar
    clicked to filter the page to it; the May 2025 campaign day by day opened from its link; then
    the page in English without console errors (the language step last). Three page loads: each
    step goes on from the view the one before it left."""
    open_funds(page, Y2024)
    _the_page_in_chinese(page)
    _export_holds_the_rows_behind_the_chart_with_the_filters(page)
    _clicking_a_county_bar_filters_to_it(page)
    _the_campaign_month_day_by_day(page)
    _the_page_in_english(page)
