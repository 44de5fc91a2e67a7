"""督办 in a real browser on the demo: loads clean in both languages, a ladder bar click lists
that level and the toggle keeps the overdue, a case's trail opens from a list (and links to its
county, community and company), a shared link opens with its case and closes it. What the
ladder, the watch lists, the exports and 孝义's levels show, as the callbacks draw them, is
tested directly in tests/test_escalations_page.py."""

from __future__ import annotations

import re

import pytest

from bench.browser import settle
from metrics import case_trail
from metrics.db import Warehouse
from metrics.filters import Scope

CITY = "/escalations?region=140700&from=2024-01-01&to=2025-05-31"
PHONE = re.compile(r"^1[3-9]\d{9}$")
SCOPE = Scope(personal_data=True)  # the supervisor's scope (security/roles.py)


@pytest.fixture
def page(page_as):
    """These tests read complainants' phones: the supervisor role (纪检监督) sees them."""
    return page_as("supervisor")


@pytest.fixture(scope="module")
def wh(server):
    return Warehouse(server.warehouse)


def figure(page, graph_id: str) -> list[dict]:
    """The traces plotly drew (numbers arrive base64-typed: read them as plotly.js decoded them);
    a lazy chart's blank (no trace) is waited past."""
    page.page.wait_for_function(f"() => document.querySelector('#{graph_id} .js-plotly-plot')?._fullData?.length")
    return page.page.evaluate(
        f"""() => {{ const arr = v => v ? Array.from(v) : [];
            return document.querySelector('#{graph_id} .js-plotly-plot')._fullData.map(
                t => ({{name: t.name, type: t.type, x: arr(t.x), y: arr(t.y), text: t.text}})); }}"""
    )


def grid(page, grid_id: str) -> tuple[list[str], list[str], list[list]]:
    """A grid as the reader sees it: displayed fields, their headers, and every row (also those on
    other pages of the pagination), in the grid's order."""
    return page.page.evaluate(
        f"""async () => {{ const api = await dash_ag_grid.getApiAsync('{grid_id}');
            const cols = api.getAllDisplayedColumns().map(c => c.getColDef());
            const rows = []; api.forEachNodeAfterFilterAndSort(n => rows.push(cols.map(c => n.data[c.field])));
            return [cols.map(c => c.field), cols.map(c => c.headerName), rows]; }}"""
    )


def click_row(page, grid_id: str, index: int = 0) -> None:
    """Click a cell of a grid's row (scrolled into view first: the grid renders only what shows)."""
    page.page.locator(f"#{grid_id}").scroll_into_view_if_needed()
    page.page.evaluate(f"async () => (await dash_ag_grid.getApiAsync('{grid_id}')).ensureIndexVisible({index})")
    cell = page.page.locator(f"#{grid_id} .ag-center-cols-container .ag-row[row-index='{index}'] .ag-cell").first
    cell.wait_for(state="visible")
    cell.click()


def text(page, selector: str) -> str:
    """An element's text once shown (dcc.Loading keeps content hidden a moment after a callback)."""
    locator = page.page.locator(selector)
    locator.wait_for(state="visible")
    return locator.inner_text()


def wait_url(page, pattern: str) -> None:
    page.page.wait_for_url(re.compile(pattern))
    page.settle()


def click_bar(page, graph_id: str, category: str) -> None:
    """Click the tallest segment of a category's stacked bar."""
    page.page.wait_for_selector(f"#{graph_id} .barlayer .point")
    page.page.locator(
        f"#{graph_id}"
    ).scroll_into_view_if_needed()  # below the 预警 and proposals: scrolled to, as a reader would
    box = page.page.evaluate(
        f"""() => {{ const gd = document.querySelector('#{graph_id} .js-plotly-plot');
            let best = null;
            gd.querySelectorAll('.barlayer .trace').forEach((trace, t) => {{
                const i = Array.from(gd._fullData[t].x).indexOf('{category}');
                const pt = i < 0 ? null : trace.querySelectorAll('.point')[i];
                if (!pt) return;
                const r = pt.getBoundingClientRect();
                if (!best || r.height > best.height) best = {{x: r.x + r.width / 2, y: r.y + r.height / 2, height: r.height}};
            }});
            return best; }}"""
    )
    page.page.mouse.click(box["x"], box["y"])


# ---------------------------------------------------------------- loading and languages


def _the_page_in_chinese(page):
    """(On CITY, open) the sections' headings, the counts, the ladder's levels."""
    body = text(page, "#escalations-page")
    for heading in (
        "期内督办措施",
        "层级阶梯",
        "逐级调处",
        "未办结问题",
        "督办措施月度变化",
        "移送处理",
        "问责",
        "重点关注企业",
    ):
        assert heading in body
    assert "提醒函" in text(page, "#escalations-count-reminder")
    assert [t["x"] for t in figure(page, "escalations-ladder") if t["type"] == "bar"][0][:2] == ["社区", "乡镇(街道)"]


def _the_page_in_english(page):
    page.open(CITY + "&lang=en")
    body = text(page, "#escalations-page")
    for heading in ("Escalation actions in the period", "Ladder", "Handling level by level", "Companies to watch"):
        assert heading in body
    assert not re.search(r"层级阶梯|逐级调处|重点关注|督办措施|未办结|提醒函", body)
    ladder = [t for t in figure(page, "escalations-ladder") if t["type"] == "bar"]
    assert ladder[0]["x"] == ["Community", "Township/street", "County", "City"]
    assert all(re.search(r"working days|calendar", t["name"]) for t in ladder)
    fields, headers, rows = grid(page, "escalations-open-grid")
    assert "Working days at level" in headers and "Phone" in headers
    level = fields.index("level")
    assert {r[level] for r in rows} <= {"Community", "Township/street", "County", "City"}


# ---------------------------------------------------------------- the ladder and the open cases


def _a_ladder_bar_click_lists_that_levels_cases_and_the_toggle_keeps_the_overdue(page):
    """(On CITY, open)"""
    click_bar(page, "escalations-ladder", "市级")
    wait_url(page, r"level=%E5%B8%82%E7%BA%A7|level=市级")
    assert "层级：市级" in text(page, "#escalations-chips")
    fields, _, rows = grid(page, "escalations-open-grid")
    assert rows and {r[fields.index("level")] for r in rows} == {"市级"}
    page.page.locator("#escalations-overdue label", has_text="只看超期").click()
    wait_url(page, r"overdue=1")
    fields, _, overdue = grid(page, "escalations-open-grid")
    assert 0 < len(overdue) < len(rows) or {r[fields.index("esc_overdue")] for r in rows} == {"是"}
    assert {r[fields.index("esc_overdue")] for r in overdue} == {"是"}
    page.page.locator("#escalations-clear-level").click()
    wait_url(page, r"^(?!.*level=).*overdue=1")


# ---------------------------------------------------------------- a case's trail


def _a_case_trail_opens_from_the_list_with_its_steps_and_links(page, wh):
    page.open(CITY + "&level=市级")
    fields, _, rows = grid(page, "escalations-open-grid")
    index = next(i for i, r in enumerate(rows[:50]) if r[fields.index("company_name")] != "未匹配")
    case_id = rows[index][fields.index("case_id")]
    # the page as drawn before the click, and where it was scrolled to
    page.page.locator("#escalations-open-grid").scroll_into_view_if_needed()
    page.page.evaluate(
        f"async () => (await dash_ag_grid.getApiAsync('escalations-open-grid')).ensureIndexVisible({index})"
    )
    settle(page.page)  # the sections the scroll brought near drawn: nothing moves under the click
    page.page.evaluate("() => { document.querySelector('#escalations-page').dataset.before = '1'; }")
    scrolled = page.page.evaluate("() => window.scrollY")
    click_row(page, "escalations-open-grid", index)
    wait_url(page, rf"case={case_id}")  # the address shared opens this trail
    assert page.page.locator("#escalations-timeline").is_visible()
    assert case_id in text(page, "#escalations-timeline-title")
    # the trail alone was drawn: the page under it is the same, where it was
    assert page.page.evaluate("() => document.querySelector('#escalations-page').dataset.before") == "1"
    assert page.page.evaluate("() => window.scrollY") == scrolled
    trail = case_trail.case_timeline(wh, case_id, SCOPE)
    fields, headers, steps = grid(page, "escalations-timeline-grid")
    assert headers[:5] == ["日期", "来源", "措施", "移交层级", "承办单位"]
    assert {s[fields.index("origin")] for s in steps} == {"台账"}  # nothing issued in the app on this demo
    assert [s[0] for s in steps] == [d.strftime("%Y-%m-%d") for d in trail["happened_on"]]
    assert [s[fields.index("workdays_since_previous")] for s in steps] == list(trail["workdays_since_previous"])
    assert "上交" in [s[fields.index("action")] for s in steps]  # it reached 市级 by a 上交
    points = figure(page, "escalations-timeline-chart")[0]
    assert "市级" in points["y"]
    head = case_trail.case_header(wh, case_id, SCOPE).iloc[0]
    assert text(page, "#escalations-timeline-reporter-phone") == (head["reporter_phone"] or "—")
    href = page.page.locator("#escalations-timeline-county").get_attribute("href")
    assert f"region={head['county']}" in href and f"unit={head['county']}" in href and href.startswith("/rectification")
    if head["community_id"]:
        assert f"community={head['community_id']}" in page.page.locator(
            "#escalations-timeline-community"
        ).get_attribute("href")
    # the company is one click away: every list then shows its cases
    page.page.locator("#escalations-timeline-company").click()
    wait_url(page, rf"company={head['company_code']}")
    assert "case=" not in page.page.url
    assert head["company_name"] in text(page, "#escalations-company")
    fields, _, rows = grid(page, "escalations-open-grid")
    assert {r[fields.index("company_name")] for r in rows} == {head["company_name"]}


def _a_url_reproduces_a_view_with_its_open_case(page):
    """(On CITY, open) a referred case's shared link opened, then its trail closed."""
    page.page.locator("#escalations-referrals").scroll_into_view_if_needed()  # drawn once scrolled near
    fields, _, rows = grid(page, "escalations-referrals-grid")
    case_id = rows[0][fields.index("case_id")]
    page.open(CITY + f"&level=市级&overdue=1&case={case_id}")
    assert page.page.locator("#escalations-timeline").is_visible()
    assert "层级：市级" in text(page, "#escalations-chips")
    assert "active" in page.page.locator("#escalations-overdue label", has_text="只看超期").get_attribute("class")
    fields, _, steps = grid(page, "escalations-timeline-grid")
    assert any(s[fields.index("action")].startswith("移送") for s in steps)  # the referral that listed it
    page.page.locator("#escalations-timeline-close").click()
    wait_url(page, r"^(?!.*case=)")
    page.page.locator("#escalations-timeline").wait_for(state="hidden")  # once it has faded out


# ---------------------------------------------------------------- the journey


def _xiaoyis_three_levels_and_the_rate_below_the_county(page):
    """三级调处 (issue 21): 孝义's disputes settled at 社区, 乡镇(街道) and the centre, 矛盾不上交率 over time."""
    page.open("/escalations?region=141181&from=2024-01-01&to=2025-11-30")
    page.page.locator("#escalations-mediation-unit-section").scroll_into_view_if_needed()
    fields, _, rows = grid(page, "escalations-mediation-level-grid")
    levels = [row[fields.index("level_name")] for row in rows]
    assert levels == ["社区", "乡镇(街道)", "县级"]
    bars = figure(page, "escalations-mediation-unit")
    assert bars[0]["name"] == "矛盾不上交率" and 0.5 < bars[0]["y"][0] < 1
    months = figure(page, "escalations-mediation-month")
    assert len(months[0]["x"]) >= 20


def test_a_supervisor_reads_the_page_follows_a_level_and_a_case_trail_and_a_shared_link(page, wh):
    """The city in Chinese; a ladder bar click lists that level's cases and the toggle keeps the
    overdue; a case's trail opens from the list, with its steps and links; a shared link opens a
    view with its case, closed again; 孝义's three levels; then the page in English without console
    errors (the language step last)."""
    page.open(CITY)
    _the_page_in_chinese(page)
    _a_ladder_bar_click_lists_that_levels_cases_and_the_toggle_keeps_the_overdue(page)
    _a_case_trail_opens_from_the_list_with_its_steps_and_links(page, wh)
    page.open(CITY)
    _a_url_reproduces_a_view_with_its_open_case(page)
    _xiaoyis_three_levels_and_the_rate_below_the_county(page)
    _the_page_in_english(page)
