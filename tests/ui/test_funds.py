"""维修资金 /funds in a real browser: loads clean in both languages, shows the published figures
computed from the demo rows, the URL and the filter bar drive it, a county click filters, an
export holds the rows behind a chart."""

from __future__ import annotations

import io
import json
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

CITY = "/funds?region=140700"
Y2024 = CITY + "&from=2024-01-01&to=2024-12-29"
TO_MAY = CITY + "&from=2024-01-01&to=2025-05-31"


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


def card(page, key: str) -> str:
    return page.text(f"#funds-kpi-{key}")


def card_value(page, key: str) -> str:
    return page.text(f"#funds-kpi-{key} .kpi-value")


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


def annotations(page, graph_id: str) -> list[str]:
    return page.page.evaluate(
        f"(document.querySelector('#{graph_id} .js-plotly-plot').layout.annotations || []).map(a => a.text)"
    )


def grid_rows(page, grid_id: str) -> list[dict]:
    """Every row a grid holds (also off screen or in a hidden tab), through AG Grid's API."""
    return page.page.evaluate(
        f"""async () => {{ const api = await dash_ag_grid.getApiAsync('{grid_id}'); const rows = [];
            api.forEachNode(n => rows.push(n.data)); return rows; }}"""
    )


def test_funds_loads_without_console_errors_in_both_languages(page):
    open_funds(page, CITY)
    assert page.page.locator("#funds-cards .kpi-card").count() == 7
    body = page.text("#funds-page")
    for heading in ("维修资金欠缴与追缴", "维修资金归集与使用", "应急使用清单", "违规收费清退"):
        assert heading in body
    assert page.page.locator("#funds-page .js-plotly-plot").count() >= 10
    open_funds(page, CITY + "&lang=en")
    body = page.text("#funds-page")
    assert "Maintenance fund arrears and recovery" in body and "Illegal fees refunded" in body
    assert "维修资金欠缴与追缴" not in body and "违规收费清退" not in body
    assert "Renovation deposit" in [*figure(page, "funds-refunds-kind")[0]["y"]]


def test_published_refunds_of_2024_by_kind_and_companies(page):
    open_funds(page, Y2024)
    deposit = page.text("#funds-refunds-deposit")
    assert "7,237.74 万元" in deposit and "50 家企业" in deposit and "榆次区、晋中开发区" in deposit
    other = page.text("#funds-refunds-other")
    assert "371.47 万元" in other and "26 家企业" in other
    for kind in ("水电费", "物业费", "电梯运行费", "卫生费"):
        assert kind in other
    assert "40,702" in page.text("#funds-refunds-households")
    assert card_value(page, "refund_households") == "40,702"
    # the by-kind view shows the amount and the distinct companies of every kind and kind group
    rows = {r["funds_kind"]: r for r in grid_rows(page, "funds-refunds-kind-grid")}
    assert rows["装修保证金"]["funds_companies"] == 50
    assert rows["其他类别小计"]["funds_companies"] == 26
    assert round(rows["其他类别小计"]["refund_amount"], 2) == 3_714_700.00
    bar = figure(page, "funds-refunds-kind")[0]
    assert "7,237.74 · 50家" in bar["text"][bar["y"].index("装修保证金")]


def test_published_cumulative_refunds_to_may_2025(page):
    open_funds(page, TO_MAY)
    assert card_value(page, "refund_amount") == "1.07 亿元"
    assert card_value(page, "refund_households") == "67,700"


def test_published_arrears_ledger_in_four_counts(page):
    open_funds(page, CITY)
    assert page.text("#funds-arrears-counties") == "9"
    assert page.text("#funds-arrears-developers") == "106"
    assert page.text("#funds-arrears-projects") == "151"
    assert page.text("#funds-arrears-amount") == "3.47 亿元"
    assert card_value(page, "arrears_listed") == "3.47 亿元"
    # the developer table counts the same developers
    assert len(grid_rows(page, "funds-arrears-developer-grid")) == 106


def test_published_recoveries_of_2025_and_the_may_spike(page):
    open_funds(page, CITY + "&from=2025-01-01&to=2025-05-31")
    assert card_value(page, "arrears_recovered") == "9,969.00 万元"
    traces = figure(page, "funds-recoveries-month")
    months = traces[0]["x"]
    assert months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    totals = [round(sum(t["y"][i] for t in traces), 2) for i in range(len(months))]
    assert months[totals.index(max(totals))] == "2025-05" and max(totals) == 2732.96
    assert "2025-05：2,732.96 万元" in annotations(page, "funds-recoveries-month")
    open_funds(page, CITY + "&from=2025-05-01&to=2025-05-31")
    assert card_value(page, "arrears_recovered") == "2,732.96 万元"


def test_published_fund_collection_and_use_2008_to_2025(page):
    open_funds(page, CITY + "&from=2008-01-01&to=2025-12-31")
    usage = card(page, "fund_usage_rate")
    assert card_value(page, "fund_usage_rate") == "3.33%"
    assert "1.20 亿元" in usage and "36.09 亿元" in usage
    years = figure(page, "funds-ledger-year")[0]["x"]
    assert years[0] == "2008" and years[-1] == "2025"


def test_published_emergency_use_of_taitie_lift_within_ten_days(page):
    open_funds(page, "/funds")
    rows = [r for r in grid_rows(page, "funds-emergency-grid") if r["funds_community_name"] == "太铁花园"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["unit_name"], row["purpose"]) == ("榆次区", "电梯")
    assert (row["applied_on"], row["approved_on"]) == ("2025-04-07", "2025-04-14")
    assert row["funds_days"] == 7 <= 10
    # and the row shows on screen with those columns
    grid = page.page.locator("#funds-emergency-grid")
    grid.scroll_into_view_if_needed()
    shown = grid.locator(".ag-center-cols-container .ag-row", has_text="太铁花园").first
    for column, value in (
        ("purpose", "电梯"),
        ("funds_usage_amount", "42.87"),
        ("applied_on", "2025-04-07"),
        ("approved_on", "2025-04-14"),
        ("funds_days", "7"),
    ):
        expect(shown.locator(f'[col-id="{column}"]')).to_have_text(value, timeout=WAIT_MS)
    assert "应急使用 13 件，13 件在 10 天内审核" in page.page.evaluate(
        "document.querySelector('#funds-approvals .js-plotly-plot').layout.title.text"
    )


def test_unknown_company_is_shown_as_unmatched_not_dropped(page):
    open_funds(page, TO_MAY)
    rows = grid_rows(page, "funds-refunds-company-grid")
    assert any(r["funds_company_name"] == "未匹配" for r in rows)
    total = sum(r["refund_amount"] for r in rows)
    assert f"{total / 1e8:.2f} 亿元" == card_value(page, "refund_amount")


def test_period_in_url_changes_the_charts_and_sets_the_filter_bar(page):
    open_funds(page, Y2024)
    months_2024 = figure(page, "funds-recoveries-month")[0]["x"]
    listed_2024 = sum(figure(page, "funds-arrears-unit")[0]["y"])
    assert page.page.locator("#shell-from").input_value() == "2024-01-01"
    assert page.page.locator("#shell-to").input_value() == "2024-12-29"
    open_funds(page, CITY)
    months_all = figure(page, "funds-recoveries-month")[0]["x"]
    listed_all = sum(figure(page, "funds-arrears-unit")[0]["y"])
    assert months_2024 == ["2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]
    assert len(months_all) > len(months_2024) and listed_all > listed_2024


def test_region_chosen_in_filter_bar_narrows_the_county_charts(page):
    open_funds(page, CITY)
    page.page.locator("#shell-region").click()
    page.page.get_by_role("option", name="太谷区").first.click()
    page.page.wait_for_url(re.compile(r"region=140703(&|$)"))
    wait_for_units(page, "funds-arrears-unit", ["太谷区"])
    expect(page.page.locator("#funds-arrears-counties")).to_have_text("1", timeout=WAIT_MS)


def test_clicking_a_county_bar_filters_to_it(page):
    open_funds(page, CITY)
    first = figure(page, "funds-arrears-unit")[0]["x"][0]
    assert first == "榆次区"
    page.page.locator("#funds-arrears-unit .barlayer .point path").first.click(force=True)
    page.page.wait_for_url(re.compile(r"region=140702(&|$)"))
    wait_for_units(page, "funds-arrears-unit", ["榆次区"])
    page.page.wait_for_function(READY, timeout=WAIT_MS)
    units = figure(page, "funds-refunds-unit")[0]["y"]
    assert set(units) <= {"榆次区", "晋中开发区"} and "榆次区" in units


def test_export_holds_the_rows_behind_the_chart_with_the_filters(page):
    open_funds(page, Y2024)
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
