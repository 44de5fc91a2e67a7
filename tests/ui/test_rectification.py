"""整改进度 in a real browser: loads clean in both languages, shows the published figures,
the case group and the URL drive the charts, a county click and a row click drill down from
county to community to case list (no phone numbers), every chart's rows open as a table and
export. Two checks of metrics/cases.py run on the demo warehouse without a browser."""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pytest

Y2024 = "/rectification?region=140700&from=2024-01-01&to=2024-12-29"
TO_MAY = "/rectification?region=140700&from=2024-01-01&to=2025-05-31"
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


# ---------------------------------------------------------------- loading, languages, published figures


def test_page_loads_in_chinese_and_english_without_console_errors(page):
    page.open(Y2024)
    assert "排查整改率" in card(page, "sweep")
    assert [t["name"] for t in figure(page, "rectification-cumulative")] == ["累计受理", "累计整改（办结）"]
    page.page.locator("#rectification-crumb-all").wait_for()
    assert "全部县区" in page.text("#rectification-crumbs")
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


def test_campaign_year_2024_published_figures(page):
    page.open(Y2024)
    sweep, leads = card(page, "sweep"), card(page, "leads")
    assert "排查发现 511 / 排查已整改 511" in sweep and "100.00%" in sweep
    assert "线索受理 738 / 线索已整改 733" in leads and "99.32%" in leads


def test_campaign_to_date_published_figures(page):
    page.open(TO_MAY)
    sweep, complaints = card(page, "sweep"), card(page, "complaints")
    assert "排查发现 3,787 / 排查已整改 3,769" in sweep and "99.52%" in sweep
    assert "投诉受理 9,309 / 投诉办结 9,038" in complaints and "97.09%" in complaints


# ---------------------------------------------------------------- filters and the URL


def test_case_group_filters_the_charts_and_goes_into_the_url(page):
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


def test_region_filter_changes_the_county_chart(page):
    page.open(Y2024)
    counties = figure(page, "rectification-county")[0]["y"]
    assert "榆次区" in counties and "介休市" in counties
    page.open("/rectification?region=140702&from=2024-01-01&to=2024-12-29")
    assert set(figure(page, "rectification-county")[0]["y"]) == {"榆次区", "晋中开发区"}


def test_ageing_counts_open_cases_at_the_period_end(page):
    page.open(Y2024)
    traces = figure(page, "rectification-ageing")
    title = page.page.evaluate(
        "() => document.querySelector('#rectification-ageing .js-plotly-plot').layout.title.text"
    )
    assert title.startswith("2024-12-29")
    open_total = sum(sum(t["y"]) for t in traces)
    overdue = sum(traces[1]["y"])
    # the title and the drill-down's total row say the same as the bars
    assert f"未办结 {open_total:,}" in title and f"超期未办结 {overdue:,}" in title
    total = pinned_total(page)
    assert total[-2:] == [f"{open_total:,}", f"{overdue:,}"]


# ---------------------------------------------------------------- drill-down


def test_county_click_then_community_click_drill_down_to_cases_without_phones(page):
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


def test_url_reproduces_a_drill_down(page):
    page.open(TO_MAY + "&unit=140702&community=XQ1407020026&group=complaints")
    page.page.locator("#rectification-crumb-community").wait_for()
    assert "榆次区" in page.text("#rectification-crumbs")
    assert "一中家属院" in page.text("#rectification-crumb-community")
    rows = page.page.locator("#rectification-drill-grid .ag-center-cols-container .ag-row")
    assert rows.count() >= 1
    sources = {
        s.strip()
        for s in page.page.locator(
            "#rectification-drill-grid .ag-center-cols-container .ag-cell[col-id='source']"
        ).all_inner_texts()
    }
    assert sources == {"投诉举报"}
    assert page.page.locator("#rectification-group input[value='complaints']").is_checked()


def test_unknown_community_shows_as_unmatched(page):
    page.open(Y2024 + "&unit=140702")
    page.page.locator("#rectification-crumb-unit").wait_for()
    name = row_cells(page, "未匹配")[0]
    community_id = re.fullmatch(r"未匹配（(XQ\d+)）", name).group(1)
    page.page.locator(
        "#rectification-drill-grid .ag-pinned-left-cols-container .ag-row", has_text="未匹配"
    ).first.click()
    wait_url(page, rf"community={community_id}", "#rectification-crumb-community")
    assert f"未匹配（{community_id}）" in page.text("#rectification-crumb-community")
    assert page.page.locator("#rectification-drill-grid .ag-center-cols-container .ag-row").count() >= 1


# ---------------------------------------------------------------- tables and exports


def test_chart_rows_open_as_a_table_and_export_to_excel(page):
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


def test_drill_export_has_no_phone_column(page):
    from openpyxl import load_workbook

    page.open(TO_MAY + "&unit=140702&community=XQ1407020026")
    with page.page.expect_download() as info:
        page.page.locator("#rectification-drill-export").click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    text = "\n".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "联系电话" not in text and not PHONE.search(text)
    assert "小区编号：XQ1407020026" in text and "受理日期" in text


# ---------------------------------------------------------------- metrics/cases.py on the demo warehouse


@pytest.fixture(scope="module")
def wh(demo_warehouse):
    from metrics.db import Warehouse

    w = Warehouse(demo_warehouse)
    yield w
    w.close()


def test_communities_add_up_to_their_unit(wh):
    from metrics import cases
    from metrics.filters import EVERYTHING, Filter

    f = Filter.from_query("140700", "2024-01-01", "2025-05-31")
    units = cases.unit_table(wh, f, EVERYTHING).set_index("unit")
    counts = [c for c in units.columns if c.startswith(("received_", "rectified_")) and not c.endswith("_main")] + [
        "open_cases",
        "overdue_cases",
    ]
    for unit in units.index:
        communities = cases.community_table(wh, f, EVERYTHING, unit)
        assert communities[counts].sum().tolist() == units.loc[unit, counts].tolist(), unit


def test_working_days_skip_official_holidays(wh):
    """Working days taken agree with chinese_calendar, across the National Day week and its make-up Saturday."""
    import chinese_calendar

    from metrics import cases
    from metrics.filters import EVERYTHING, Filter

    f = Filter.from_query("140700", "2024-09-20", "2024-10-20")
    checked = 0
    for unit in ("140702", "140781", "140728"):
        rows = cases.case_list(wh, f, EVERYTHING, unit)
        for r in rows.itertuples():
            received = r.received_on.date() if hasattr(r.received_on, "date") else r.received_on
            until = r.closed_on if r.closed_on is not None and r.closed_on == r.closed_on else dt.date(2024, 10, 20)
            until = until.date() if hasattr(until, "date") else until
            expected = (
                len(chinese_calendar.get_workdays(received + dt.timedelta(days=1), until)) if until > received else 0
            )
            assert r.workdays == expected, (r.case_id, received, until)
            checked += 1
    assert checked > 50
