"""The ratings page (评价) in a real browser: loads clean in both languages, a county click
filters, a table exports. The published figures it owns, the region and the period as its
callbacks draw them are tested directly in tests/test_ratings_page.py."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect

JZ_2024 = "/ratings?region=140700&from=2024-01-01&to=2024-12-31"
WAIT = 20_000  # ms a figure may take to appear on a busy machine (callbacks run in parallel)


def expect_stat(page, key: str, value: str, title: str = "", parts: tuple[str, ...] = ()) -> None:
    """A figure card of the page shows `value` (exactly), its title holds `title`, its parts each of `parts`."""
    card = page.page.locator(f"#ratings-stat-{key}")
    expect(card.locator(".kpi-value")).to_have_text(value, timeout=WAIT)
    if title:
        expect(card.locator(".kpi-title")).to_contain_text(title, timeout=WAIT)
    for part in parts:
        expect(card.locator(".kpi-parts")).to_contain_text(part, timeout=WAIT)


def figure(page, graph_id: str, ready: str = "true") -> list[dict]:
    """The traces a plotly graph of the page draws (what the reader sees), once `ready` (a JS
    condition on `d`, the traces) holds."""
    arr = "const arr = v => v == null ? [] : Array.isArray(v) ? v : Array.from(v._inputArray || v);"
    traces = (
        f"const g = document.querySelector('#{graph_id} .js-plotly-plot');"
        " const d = g && g.data ? g.data.map(t => ({name: t.name, x: arr(t.x), y: arr(t.y),"
        " z: t.z ? arr(t.z).map(arr) : null})) : null;"
    )
    page.page.wait_for_function(f"() => {{ {arr} {traces} return d && d.length && ({ready}); }}")
    return page.page.evaluate(f"() => {{ {arr} {traces} return d; }}")


def _the_page_in_chinese(page):
    page.open(JZ_2024)
    expect(page.page.locator("#ratings-cards")).to_contain_text("物业服务覆盖率", timeout=WAIT)
    expect(page.page.locator("#ratings-cards")).to_contain_text("A 级企业占比", timeout=WAIT)
    body = page.page.locator("#ratings-page")
    for title in ("服务项目星级评价", "物业企业信用评价", "D 级及退出企业", "小区物业管理", "物业企业登记"):
        expect(body).to_contain_text(title, timeout=WAIT)
    expect_stat(page, "star-rated", "1,051")


def _the_page_in_english(page):
    page.open(JZ_2024 + "&lang=en")
    body = page.page.locator("#ratings-page")
    expect(body).to_contain_text("Property service coverage", timeout=WAIT)
    expect(body).to_contain_text("Star ratings of service projects", timeout=WAIT)
    expect_stat(page, "star-rated", "1,051", title="Projects rated")
    expect_stat(page, "communities", "1,952", title="Communities")
    expect_stat(page, "no-service", "0", title="No property service", parts=("At start",))
    expect_stat(page, "registered", "492", title="Registered companies")
    for word in ("物业服务覆盖率", "服务项目星级评价", "参评项目", "无物业", "导出", "期初"):
        expect(body).not_to_contain_text(word, timeout=WAIT)
    # month ticks are numbers in both languages, never English month names
    expect(page.page.locator("#ratings-no-service")).not_to_contain_text("Jan", timeout=WAIT)


def _clicking_a_county_bar_filters_to_it(page):
    """(On the city's 2024, open) a county's bar clicked: the page is the county's, same period."""
    bar = page.page.locator("#ratings-management-county g.point path").first
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    page.page.wait_for_url(re.compile(r"region=1407\d\d(&|$)"))
    assert "from=2024-01-01" in page.page.url  # the period stays
    # the chart redraws for the county alone (with a township-level unit reporting on its own)
    counties = figure(page, "ratings-management-county", "d[0].y.length <= 2")[0]["y"]
    assert "榆次区" in counties


def exported(page, button_id: str) -> list[tuple]:
    """The rows of the workbook a click on an export button downloads."""
    from openpyxl import load_workbook

    button = page.page.locator(f"#{button_id}")
    button.scroll_into_view_if_needed()
    with page.page.expect_download() as download:
        button.click()
    with open(download.value.path(), "rb") as f:
        return list(load_workbook(io.BytesIO(f.read())).active.iter_rows(values_only=True))


def _a_table_exports_to_excel_with_the_filters(page):
    page.open("/ratings?region=140500")
    expect_stat(page, "communities", "1,563")
    rows = [[c for c in row if c is not None] for row in exported(page, "ratings-management-export")]
    assert any(row and "晋城市" in str(row[0]) for row in rows)  # the filter, in a header line
    assert ["管理方式", "小区数", "占比"] in rows
    assert next(row for row in rows if row and row[0] == "专业物业企业")[1] == 762


def _credit_page_shows_rules_and_actions_and_exports_the_disclosure_list(page):
    page.open("/credit?region=140500&from=2024-01-01&to=2024-12-31")
    body = page.page.locator("#credit-page")
    expect(page.page.locator("#credit-kpi-credit_action_rate .kpi-title")).to_have_text("信用奖惩落实率", timeout=WAIT)
    expect(page.page.locator("#credit-kpi-credit_a_share .kpi-value")).to_have_text("15.84%", timeout=WAIT)
    expect(page.page.locator("#credit-rules-table")).to_contain_text("晋城市 2024 年度信用评价规则", timeout=WAIT)
    expect(body).to_contain_text("等级触发的奖惩措施及落实情况", timeout=WAIT)
    grades = {t["x"][0] for t in figure(page, "credit-dimensions")}
    assert grades == {"A"}  # every dimension's bars start at grade A
    rows = [row for row in exported(page, "credit-disclosure-export") if row and row[0]]
    head = next(i for i, row in enumerate(rows) if row[0] == "企业名称")
    assert len(rows[head + 1 :]) == 202  # 晋城 2024: 32 A, 77 B, 92 C, 1 D
    assert {row[4] for row in rows[head + 1 :]} == {"A", "B", "C", "D"}


def _party_building_shows_yangqus_109_red_committees(page):
    """党建引领 (issue 21): 阳曲's 109 red committees of 131 communities, and how they grew in 2022."""
    page.open("/ratings?region=140122")
    section = page.page.locator("#ratings-party-unit-section")
    section.scroll_into_view_if_needed()
    expect(section).to_have_text("党建引领", timeout=WAIT)
    bars = figure(page, "ratings-party-unit")
    assert [t["name"] for t in bars] == ["红色业委会覆盖率", "业委会党员占比", "物业企业党组织覆盖率"]
    assert round(bars[0]["y"][0], 4) == round(109 / 131, 4) and bars[0]["x"] == ["阳曲县"]
    trend = figure(page, "ratings-party-trend")
    assert trend[0]["x"][0] == "2022-04" and round(trend[0]["y"][-1], 4) == round(109 / 131, 4)
    page.page.locator("#ratings-party-unit-tabs a", has_text="数据表").click()
    expect(page.page.locator("#ratings-party-unit-grid")).to_contain_text("109", timeout=WAIT)


# ---------------------------------------------------------------- the journey


def test_a_reader_opens_ratings_in_both_languages_exports_a_table_and_clicks_a_county(page):
    """The city's 2024 in Chinese, then a county bar clicked to filter the page to it; a table
    exported with the filters, the 信用 page's rules, actions and disclosure list (exported),
    party building; then the page in English without console errors (the language step last)."""
    _the_page_in_chinese(page)
    _clicking_a_county_bar_filters_to_it(page)
    _a_table_exports_to_excel_with_the_filters(page)
    _credit_page_shows_rules_and_actions_and_exports_the_disclosure_list(page)
    _party_building_shows_yangqus_109_red_committees(page)
    _the_page_in_english(page)
