"""The ratings page (评价) in a real browser: loads clean in both languages, shows the published
figures it owns, the filter and the URL drive it, a county click filters, a table exports."""

from __future__ import annotations

import io
import re

from playwright.sync_api import expect

JZ_2024 = "/ratings?region=140700&from=2024-01-01&to=2024-12-31"
JC_2024 = "/ratings?region=140500&from=2024-01-01&to=2024-12-31"
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


def grid_rows(page, key: str) -> list[str]:
    """The rows of a table as the reader sees them (cells joined by |), once the grid has drawn them."""
    page.page.locator(f"#ratings-{key}-table").scroll_into_view_if_needed()
    page.page.wait_for_function(
        f"() => {{ const r = document.querySelector('#ratings-{key}-table .ag-root');"
        " return r && !r.classList.contains('ag-delay-render')"
        f" && document.querySelectorAll('#ratings-{key}-table .ag-center-cols-container .ag-row').length > 0; }}"
    )
    return page.page.evaluate(
        "() => { const rows = {};"
        f" document.querySelectorAll('#ratings-{key}-table .ag-row').forEach(r => {{"
        "  const i = +r.getAttribute('row-index');"
        "  const cells = Array.from(r.querySelectorAll('.ag-cell')).map(c => c.innerText.trim());"
        "  rows[i] = (rows[i] || []).concat(cells); });"
        " return Object.keys(rows).sort((a, b) => a - b).map(k => rows[k].join('|')); }"
    )


def test_page_loads_without_console_errors_in_both_languages(page):
    page.open(JZ_2024)
    expect(page.page.locator("#ratings-cards")).to_contain_text("物业服务覆盖率", timeout=WAIT)
    expect(page.page.locator("#ratings-cards")).to_contain_text("A 级企业占比", timeout=WAIT)
    body = page.page.locator("#ratings-page")
    for title in ("服务项目星级评价", "物业企业信用评价", "D 级及退出企业", "小区物业管理", "物业企业登记"):
        expect(body).to_contain_text(title, timeout=WAIT)
    expect_stat(page, "star-rated", "1,051")
    page.open(JZ_2024 + "&lang=en")
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


def test_jinzhong_2024_star_ratings_and_communities_without_service(page):
    page.open(JZ_2024)
    expect_stat(page, "star-rated", "1,051", title="2024")
    expect_stat(page, "no-service", "0", title="2024-12-31", parts=("2024-01-01", "911"))
    line = figure(page, "ratings-no-service")[0]
    assert (line["x"][0], line["y"][0]) == ("2024-01-01", 911)
    assert (line["x"][-1], line["y"][-1]) == ("2024-12-31", 0)
    by_year = figure(page, "ratings-stars-year")
    assert sum(t["y"][t["x"].index("2024年")] for t in by_year) == 1051


def test_jinzhong_communities_swept_with_and_without_a_period(page):
    for view in ("/ratings?region=140700&from=2024-01-01&to=2025-05-31", "/ratings?region=140700"):
        page.open(view)
        expect_stat(page, "communities", "1,952")


def test_jincheng_communities_by_management_type(page):
    page.open("/ratings?region=140500")
    expect_stat(page, "communities", "1,563")
    expect_stat(page, "with-service", "1,563", parts=("100.00%",))
    expect(page.page.locator("#ratings-kpi-service_coverage .kpi-value")).to_have_text("100.00%", timeout=WAIT)
    rows = set(grid_rows(page, "management"))
    for row in ("专业物业企业|762|48.75%", "社区(村)托管|335|21.43%", "单位自管|256|16.38%", "业主自管|210|13.44%"):
        assert row in rows, rows


def test_jincheng_credit_grades_2024_and_their_movement(page):
    page.open(JC_2024)
    expect_stat(page, "credit-rated", "202", title="2024", parts=("A 32 · B 77 · C 92 · D 1",))
    by_year = figure(page, "ratings-credit-year")
    assert by_year[0]["x"] == ["2023年", "2024年"]  # the year before shows, for the movement
    expect_stat(page, "credit-moves", re.compile(r"^\d+$"), title="2023→2024", parts=("升级", "持平", "降级"))
    moved = int(page.page.locator("#ratings-stat-credit-moves .kpi-value").inner_text())
    matrix = figure(page, "ratings-credit-moves")[0]["z"]
    assert sum(sum(row) for row in matrix) == moved
    rows = grid_rows(page, "flagged")
    assert len(rows) == 1 and "|D|" in rows[0]


def test_yangqu_management_and_owners_committees(page):
    page.open("/ratings?region=140122")
    expect_stat(page, "communities", "131")
    expect_stat(page, "with-company", "102", parts=("专业物业企业 46", "政府兜底(国企兜底) 56"))
    expect_stat(page, "with-committee", "109 / 131")
    assert "业主自管|29|22.14%" in grid_rows(page, "management")


def test_xiaoyi_registered_companies_and_vetted_list(page):
    page.open("/ratings?region=141181")
    expect_stat(page, "registered", "70")
    expect_stat(page, "in-market", "6")


def test_filter_and_url_change_what_the_charts_show(page):
    page.open(JZ_2024)
    counties = figure(page, "ratings-stars-county")[0]["y"]
    assert "榆次区" in counties and "平遥县" in counties
    assert page.page.locator("#shell-from").input_value() == "2024-01-01"
    page.open("/ratings?region=140702&from=2024-01-01&to=2024-12-31")
    counties = figure(page, "ratings-stars-county", "!d[0].y.includes('平遥县')")[0]["y"]
    assert "榆次区" in counties
    # a later period shows the later rating year
    page.open("/ratings?region=140700&from=2025-01-01&to=2025-12-31")
    expect(page.page.locator("#ratings-stat-star-rated .kpi-title")).to_contain_text("2025", timeout=WAIT)
    expect(page.page.locator("#ratings-stat-star-rated .kpi-value")).not_to_have_text("1,051", timeout=WAIT)


def test_clicking_a_county_bar_filters_to_it(page):
    page.open(JZ_2024)
    bar = page.page.locator("#ratings-management-county g.point path").first
    bar.scroll_into_view_if_needed()
    bar.click(force=True)
    page.page.wait_for_url(re.compile(r"region=1407\d\d(&|$)"))
    assert "from=2024-01-01" in page.page.url  # the period stays
    # the chart redraws for the county alone (with a township-level unit reporting on its own)
    counties = figure(page, "ratings-management-county", "d[0].y.length <= 2")[0]["y"]
    assert "榆次区" in counties


def test_a_table_exports_to_excel_with_the_filters(page):
    from openpyxl import load_workbook

    page.open("/ratings?region=140500")
    expect_stat(page, "communities", "1,563")
    button = page.page.locator("#ratings-management-export")
    button.scroll_into_view_if_needed()
    with page.page.expect_download() as download:
        button.click()
    with open(download.value.path(), "rb") as f:
        sheet = load_workbook(io.BytesIO(f.read())).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any(row and "晋城市" in str(row[0]) for row in rows)  # the filter, in a header line
    assert ["管理方式", "小区数", "占比"] in rows
    assert next(row for row in rows if row and row[0] == "专业物业企业")[1] == 762
