"""Each role through the real login form in a real browser: sees what it may and no more.

- the login page in Chinese and English, a wrong password refused, a page without a
  session lands on the login page and comes back after it;
- county officer (county_140702, 榆次区): region choices are 榆次区 and its townships only,
  the figures are the metric's for 140702 and the map colours nothing else, no 数据状态; his
  standing among the city's counties, and his rank and the city's median on every KPI;
- leader: every page in the navigation, the open one marked, at AA contrast; phones masked on 督办 (the supervisor's phones shown and the
  leader's masked, from the same callback over HTTP: test_auth_http.py);
- logout ends the session; the content security policy is enforced.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bench.journeys import rank_and_median
from tests.test_shell import contrast

from .conftest import CONTEXT, Page

MASKED = re.compile(r"^1\d{2}\*{4}\d{4}$")
ESCALATIONS = "/escalations?region=140700&from=2024-01-01&to=2025-05-31"


def _hex(css: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def nav_names(page: Page) -> list[str]:
    return page.page.locator(".shell-navbar .nav-link").all_inner_texts()


def open_case_phones(page: Page) -> list[str]:
    page.open(ESCALATIONS)
    page.page.wait_for_function("() => document.querySelector('#escalations-open-grid .ag-row')")
    return page.page.evaluate(
        """async () => {
            const api = await dash_ag_grid.getApiAsync('escalations-open-grid');
            const phones = [];
            api.forEachNode(n => { if (n.data.reporter_phone) phones.push(n.data.reporter_phone); });
            return phones;
        }"""
    )


def test_login_page_in_both_languages_a_wrong_password_and_logout(browser, server):
    context = browser.new_context(**CONTEXT)
    p = Page(context.new_page(), server.url)
    p.page.goto(server.url + "/rectification?region=140700")
    assert "/login?next=" in p.page.url  # no session: the login page, which will come back here
    expect(p.page.locator("label[for=login-username]")).to_have_text("用户名")
    expect(p.page.locator("#login-submit")).to_have_text("登录")
    p.page.fill("#login-username", "leader")
    p.page.fill("#login-password", "not-the-password")
    p.page.click("#login-submit")
    expect(p.page.locator("#login-message")).to_have_text("用户名或密码错误")
    p.page.click("#login-lang")
    expect(p.page.locator("#login-submit")).to_have_text("Sign in")
    expect(p.page.locator("label[for=login-password]")).to_have_text("Password")
    p.page.fill("#login-username", "leader")
    p.page.fill("#login-password", "demo-leader")
    with p.page.expect_navigation():
        p.page.click("#login-submit")
    p.page.wait_for_url(re.compile(r"/rectification\?region=140700.*lang=en"))
    p.settle()
    expect(p.page.locator("#shell-logout")).to_have_text("Sign out")
    cookie = next(c for c in context.cookies() if c["name"] == "wygk_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    # signing out ends the session: a page asked for after it is the login page again
    p.page.click("#shell-logout")
    p.page.wait_for_url(re.compile(r"/login"))
    p.page.goto(server.url + "/funds")
    assert "/login?next=%2Ffunds" in p.page.url
    context.close()
    assert not p.external and not p.console_errors, (p.external, p.console_errors)


def test_a_county_officer_sees_only_his_county_and_his_rank_and_the_city_median_on_every_kpi(
    page_as, demo_warehouse, server
):
    """His county's figures and region choices only, the map colouring nothing else, a URL for
    another county turned to his; his standing among the city's counties on the overview (no rank
    column in his scorecard); and (issue 18) his rank and the city's median on every KPI of the
    catalogue in one click."""
    from components.i18n import fmt_rate
    from metrics import kpis
    from metrics.db import Warehouse
    from metrics.filters import Filter, Scope
    from metrics.regions import region_options
    from vocab.kpis import CATALOGUE
    from vocab.labels import label

    page = page_as("county")
    page.open("/?from=2024-01-01&to=2025-05-31")
    page.page.wait_for_url(re.compile(r"region=140702"))  # starts in the own county
    page.settle()
    assert "数据状态" not in nav_names(page) and "总览" in nav_names(page)
    expect(page.page.locator("#shell-user")).to_have_text("county_140702")

    page.page.locator("#shell-region").click()
    options = page.page.get_by_role("option").all_inner_texts()
    wh = Warehouse(demo_warehouse)
    scope = Scope(("140702",))
    expected = [o["name"] for o in region_options(wh, scope)]
    assert [o.strip() for o in options] == expected
    assert expected[0] == "榆次区" and len(expected) > 1
    assert all(o["code"].startswith("140702") for o in region_options(wh, scope))
    page.page.keyboard.press("Escape")

    f = Filter.from_query("140702", "2024-01-01", "2025-05-31")
    value = kpis.compute(wh, ["rectification_rate"], f, scope)["rectification_rate"]
    expect(page.page.locator("#kpi-rectification_rate .kpi-value")).to_have_text(fmt_rate(value.value))
    everywhere = kpis.compute(wh, ["rectification_rate"], Filter.from_query(None, "2024-01-01", "2025-05-31"), Scope())[
        "rectification_rate"
    ]
    assert fmt_rate(everywhere.value) != fmt_rate(value.value)  # the test could tell a leak
    page.scroll_to("#overview-scorecard")  # drawn once scrolled near
    names = page.page.locator("#overview-scorecard .ag-pinned-left-cols-container")
    expect(names).to_contain_text("榆次区")
    assert "平遥县" not in names.inner_text() and "榆社县" not in names.inner_text()
    coloured = page.page.evaluate(
        """() => { const d = document.querySelector('#overview-map .js-plotly-plot')._fullData;
                   return d.filter(t => t.type === 'choropleth' && t.showscale)  // not the grey 无数据 trace
                           .flatMap(t => t.locations.filter((l, i) => t.z[i] != null && !Number.isNaN(t.z[i]))); }"""
    )
    assert coloured and all(code.startswith("140702") for code in coloured), coloured

    # a URL for another county (榆社县) shows nothing of it: the filter goes to the own county
    theirs = kpis.compute(wh, ["rectification_rate"], Filter.from_query("140721", "2024-01-01", "2025-05-31"), Scope())[
        "rectification_rate"
    ]
    assert fmt_rate(theirs.value) != fmt_rate(value.value)
    page.open("/?region=140721&from=2024-01-01&to=2025-05-31")
    page.page.wait_for_url(re.compile(r"region=140702"))
    page.settle()
    expect(page.page.locator("#kpi-rectification_rate .kpi-value")).to_have_text(fmt_rate(value.value))
    expect(page.page.locator("#shell-region")).to_contain_text("榆次区")

    # his standing among the city's counties (issue 14), under the overview's scorecard
    page.open("/?region=140702").scroll_to("#overview-scorecard")
    standing = page.page.locator("#overview-standing")
    expect(standing).to_contain_text("本县在全市各县（市、区）中的位置")
    overdue = standing.locator("tr", has_text="超期未办结")
    expect(overdue).to_contain_text("11 / 11")  # 榆次区 has the most overdue cases of 晋中: last, not first
    expect(standing).not_to_contain_text("平遥县")
    expect(page.page.locator("#overview-scorecard .ag-header-cell[col-id='rank']")).to_have_count(0)

    # his rank and the city's median on every KPI, one click from the overview (bench/journeys.py)
    walk, _ = rank_and_median(page.page, server.url)
    assert len(walk.clicks) == 1
    standing = page.text("#county-standing")
    assert "榆次区" in page.text("#county-title, .profile-title")
    assert "全市排名" in standing and "全市中位数" in standing and "全市四分位" in standing
    rows = page.page.locator("#county-standing-table tbody tr")
    assert rows.count() == len(CATALOGUE)  # every KPI of the catalogue, in its order
    ranked = 0
    for i in range(rows.count()):
        cells = rows.nth(i).locator("td").all_inner_texts()
        assert cells[0] == label(CATALOGUE[i].key, "zh")
        if re.fullmatch(r"\d+ / \d+", cells[2]):
            ranked += 1
            assert cells[3] and cells[3] != "无数据"  # the city's median beside a rank
    assert ranked >= len(CATALOGUE) - 1  # 榆次区 has a value for every KPI but the credit grades


def test_leader_sees_every_page_marked_at_aa_contrast_with_phones_masked_under_an_enforced_csp(page_as):
    """Every page in the navigation; the page open is marked and every link reads at WCAG AA
    contrast on the navbar's computed background (Bootstrap's own colours included, issue 18); the
    page runs under the CSP (no console error: page_as), and the CSP bites: an injected inline
    script is refused (framing and the other headers: test_auth_http.py)."""
    page = page_as("leader")
    page.open("/funds")
    assert {"总览", "整改进度", "维修资金", "评价", "督办", "数据状态"} <= set(nav_names(page))
    # the shell's callback marks the link; dcc.Link shows no loading marker, so wait for the mark itself
    page.page.wait_for_selector(".shell-navbar .nav-link.active", timeout=30_000)
    drawn = page.page.evaluate("""() => {
        const bar = document.querySelector('.shell-navbar');
        const links = [...bar.querySelectorAll('.nav-link')];
        return {
            background: getComputedStyle(bar).backgroundColor,
            links: links.map(a => ({text: a.innerText, color: getComputedStyle(a).color, active: a.classList.contains('active')})),
        };
    }""")
    background = _hex(drawn["background"])
    assert [link["text"] for link in drawn["links"] if link["active"]] == ["维修资金"]
    for link in drawn["links"]:
        assert contrast(_hex(link["color"]), background) >= 4.5, (link, background)
    violated = page.page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
            const s = document.createElement('script');
            s.textContent = 'window.__injected = 1';
            document.body.appendChild(s);
            setTimeout(() => resolve(null), 3000);
        })"""
    )
    assert violated and violated.startswith("script-src")
    assert page.page.evaluate("() => window.__injected") is None
    phones = open_case_phones(page)
    assert phones and all(MASKED.match(p) for p in phones), phones[:3]
    # the refusal itself is the one console error allowed (page_as checks for the others)
    page.console_errors[:] = [e for e in page.console_errors if "Content Security Policy" not in e]
