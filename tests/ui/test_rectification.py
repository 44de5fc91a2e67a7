"""整改进度 in a real browser: loads clean in both languages, the case group buttons drive the
charts and the URL, a county click and a row click drill down from county to community to case
list (no phone numbers), a chart's rows open as a table and export. The published figures, the
region, the ageing, a drill-down from the URL, 未匹配 communities and the drill-down's export as
the callbacks draw them are tested directly in tests/test_rectification_page.py."""

from __future__ import annotations

import io
import re
import time

Y2024 = "/rectification?region=140700&from=2024-01-01&to=2024-12-29"
PHONE = re.compile(r"1[3-9]\d(\d{4}|\*{4})\d{4}")


def card(page, group: str) -> str:
    page.page.locator(f"#rectification-card-{group}").wait_for()  # drawn by a callback, after the layout
    return page.text(f"#rectification-card-{group}")


def figure(page, graph_id: str) -> list[dict]:
    """The traces plotly drew in a graph (names, x, y as plotly.js decoded them: numbers arrive base64-typed)."""
    page.page.wait_for_function(f"() => document.querySelector('#{graph_id} .js-plotly-plot')?._fullData?.length > 0")
    return page.page.evaluate(
        f"""() => document.querySelector('#{graph_id} .js-plotly-plot')._fullData
                 .map(t => ({{name: t.name, x: Array.from(t.x || []), y: Array.from(t.y || [])}}))"""
    )


def grid_text(page) -> str:
    return page.text("#rectification-drill-grid")


def pinned_total(page, grid: str = "#rectification-drill-grid") -> list[str]:
    cells = page.page.locator(f"{grid} .ag-floating-bottom .ag-row .ag-cell")
    cells.first.wait_for()
    # AG Grid draws a row's cells a few at a time: read it once its last column is drawn too
    last = page.page.locator(f"{grid} .ag-header-cell").last.get_attribute("col-id")
    page.page.locator(f"{grid} .ag-floating-bottom .ag-row .ag-cell[col-id='{last}']").first.wait_for()
    return [c.strip() for c in cells.all_inner_texts()]


def row_cells(page, name: str, grid: str = "#rectification-drill-grid") -> list[str]:
    """The cells of the grid row whose pinned name cell reads `name` (left part, then the rest)."""
    index = page.page.locator(f"{grid} .ag-pinned-left-cols-container .ag-row", has_text=name).first.get_attribute(
        "row-index"
    )
    left = page.page.locator(f"{grid} .ag-pinned-left-cols-container .ag-row[row-index='{index}'] .ag-cell")
    body = page.page.locator(f"{grid} .ag-center-cols-container .ag-row[row-index='{index}'] .ag-cell")
    return [c.strip() for c in left.all_inner_texts() + body.all_inner_texts()]


def wait_url(page, pattern: str, then: str) -> None:
    """A click changed the URL: wait for it, then for `then`, an element only the new view has
    (Dash redraws the page after the URL changes, so the old view is still there for a moment)."""
    page.page.wait_for_url(re.compile(pattern))
    page.page.locator(then).first.wait_for()
    page.settle()


def eventually(read, until, timeout: float = 20.0):
    """Read a value until `until(value)` holds (a redraw in flight), then return it; fail on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


# ---------------------------------------------------------------- loading, languages


def _the_page_in_chinese(page):
    """(On Y2024, open) the cards, the charts' names, the crumbs."""
    assert "排查整改率" in card(page, "sweep")
    assert [t["name"] for t in figure(page, "rectification-cumulative")] == ["累计受理", "累计整改（办结）"]
    page.page.locator("#rectification-crumb-all").wait_for()
    assert "全部县区" in page.text("#rectification-crumbs")


def _the_page_in_english(page):
    page.open(Y2024 + "&lang=en")
    card(page, "sweep")
    figure(page, "rectification-status")
    page.page.locator("#rectification-drill-grid .ag-row").first.wait_for()
    texts = page.text("#rectification-page")
    assert "Sweep: rectification rate" in texts and "Drill-down" in texts
    assert not re.search(r"排查整改率|累计受理|问题分布|按期末状态", texts)
    assert [t["name"] for t in figure(page, "rectification-cumulative")] == [
        "Cumulative received",
        "Cumulative rectified/closed",
    ]
    statuses = figure(page, "rectification-status")
    assert statuses and "Closed" in page.text("#rectification-status")
    assert "已办结" not in page.text("#rectification-status")


# ---------------------------------------------------------------- the case group and the URL


def _case_group_filters_the_charts_and_goes_into_the_url(page):
    page.open(Y2024)
    everything = figure(page, "rectification-cumulative")
    page.page.locator("#rectification-group label", has_text="线索").click()
    wait_url(page, r"group=leads", "#rectification-card-leads .border-primary")
    leads = eventually(
        lambda: figure(page, "rectification-cumulative"), lambda fig: fig[0]["y"][-1] != everything[0]["y"][-1]
    )
    # the last point of the cumulative lines is the period's total: 线索 738 received, 733 rectified
    assert (leads[0]["y"][-1], leads[1]["y"][-1]) == (738, 733)
    assert everything[0]["y"][-1] > 738
    assert "border-primary" in page.page.locator("#rectification-card-leads .card").get_attribute("class")
    page.page.locator("#rectification-group label", has_text="全部问题").click()
    page.page.wait_for_url(lambda url: "group=" not in url)
    page.settle()
    again = eventually(
        lambda: figure(page, "rectification-cumulative"), lambda fig: fig[0]["y"][-1] != leads[0]["y"][-1]
    )
    assert again[0]["y"][-1] == everything[0]["y"][-1]


# ---------------------------------------------------------------- drill-down


def _county_click_then_community_click_drill_down_to_cases_without_phones(page):
    page.open(Y2024)
    figure(page, "rectification-county")
    yuci_units = row_cells(page, "榆次区")
    # click 榆次区's dot on the county chart
    box = page.page.evaluate("""() => {
        const gd = document.querySelector('#rectification-county .js-plotly-plot');
        const i = Array.from(gd._fullData[0].y).indexOf('榆次区');
        const pt = gd.querySelectorAll('.scatterlayer .trace')[0].querySelectorAll('.point')[i];
        const r = pt.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2};
    }""")
    page.page.mouse.click(box["x"], box["y"])
    wait_url(page, r"unit=140702(&|$)", "#rectification-crumb-unit")
    assert "榆次区" in page.text("#rectification-crumbs")
    assert "未匹配" in grid_text(page)  # a community the warehouse does not know keeps its row
    # … and counts: the communities add up to the county's row of the level above
    assert pinned_total(page)[-len(yuci_units) + 1 :] == yuci_units[1:]
    page.page.locator(
        "#rectification-drill-grid .ag-pinned-left-cols-container .ag-row", has_text="一中家属院"
    ).first.click()
    wait_url(page, r"community=XQ\d+", "#rectification-crumb-community")
    assert "一中家属院" in page.text("#rectification-crumb-community")
    headers = page.text("#rectification-drill-grid .ag-header")
    assert "受理日期" in headers and "联系电话" not in headers
    assert page.page.locator("#rectification-drill-grid .ag-center-cols-container .ag-row").count() >= 1
    assert not PHONE.search(grid_text(page))
    page.page.locator("#rectification-crumb-unit").click()
    page.page.wait_for_url(lambda url: "community=" not in url and "unit=140702" in url)
    page.page.locator("#rectification-crumb-community").wait_for(state="detached")
    page.page.locator("#rectification-crumb-unit").wait_for()
    communities = page.page.locator(
        "#rectification-drill-grid .ag-pinned-left-cols-container .ag-row", has_text="一中家属院"
    )
    communities.first.wait_for()
    assert communities.count() == 1


# ---------------------------------------------------------------- tables and exports


def _chart_rows_open_as_a_table_and_export_to_excel(page):
    from openpyxl import load_workbook

    page.open(Y2024 + "&group=leads")
    page.page.locator("#rectification-cumulative-tabs a", has_text="数据表").click()
    page.page.locator("#rectification-cumulative-grid .ag-row").first.wait_for()
    table = page.text("#rectification-cumulative-grid")
    assert "2024-12-29" in table and "738" in table and "733" in table
    with page.page.expect_download() as info:
        page.page.locator("#rectification-cumulative-export").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    sheet = [[c for c in row] for row in book.active.iter_rows(values_only=True)]
    assert sheet[0][0] == "累计受理与整改（办结）"
    assert any(row[0] == "区域：晋中市" for row in sheet)
    assert any(row[0] == "问题类型：线索" for row in sheet)
    header = next(i for i, row in enumerate(sheet) if row[0] == "截至日期")
    assert sheet[-1][3:5] == [738, 733]
    assert header < len(sheet) - 1


def _hotline_rates_by_county_are_drawn_with_their_total(page):
    """(On Y2024, open) 12345 三率 (issue 21): the three rates per county, and the table's 合计 row."""
    page.page.locator("#rectification-hotline-unit-section").scroll_into_view_if_needed()
    bars = figure(page, "rectification-hotline-unit")
    assert [t["name"] for t in bars] == ["12345 响应率", "12345 解决率", "12345 满意率"]
    assert len(bars[0]["x"]) == 12 and all(0 < y <= 1 for t in bars for y in t["y"])
    page.page.locator("#rectification-hotline-unit-tabs a", has_text="数据表").click()
    total = pinned_total(page, "#rectification-hotline-unit-grid")
    assert total[0] == "合计" and any(cell.endswith("%") for cell in total)


# ---------------------------------------------------------------- the journey


def test_a_reader_exports_a_charts_rows_picks_a_case_group_drills_down_and_reads_it_in_english(page):
    """The city's 2024 in Chinese with the hotline's rates at its foot; a chart's rows opened as a
    table and exported; the case group buttons drive the charts and the URL; a county click and a
    row click drill down from county to community to case list (no phone numbers); then the page
    in English without console errors (the language step last)."""
    page.open(Y2024)
    _the_page_in_chinese(page)
    _hotline_rates_by_county_are_drawn_with_their_total(page)
    _chart_rows_open_as_a_table_and_export_to_excel(page)
    _case_group_filters_the_charts_and_goes_into_the_url(page)
    _county_click_then_community_click_drill_down_to_cases_without_phones(page)
    _the_page_in_english(page)
