"""Each role through the real login form in a real browser: sees what it may and no more.

- the login page in Chinese and English, a wrong password refused, a page without a
  session lands on the login page and comes back after it;
- county officer (county_140702, 榆次区): region choices are 榆次区 and its townships only,
  the figures are the metric's for 140702 and the map colours nothing else, no 数据状态;
- leader: every page in the navigation, phones masked on 督办 (the supervisor's phones shown and the
  leader's masked, from the same callback over HTTP: test_auth_http.py);
- logout ends the session; the content security policy is enforced.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import CONTEXT, Page

MASKED = re.compile(r"^1\d{2}\*{4}\d{4}$")
ESCALATIONS = "/escalations?region=140700&from=2024-01-01&to=2025-05-31"


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


def test_county_officer_sees_own_county_only(page_as, demo_warehouse):
    from components.i18n import fmt_rate
    from metrics import kpis
    from metrics.db import Warehouse
    from metrics.filters import Filter, Scope
    from metrics.regions import region_options

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


def test_leader_sees_every_page_with_phones_masked_under_an_enforced_csp(page_as):
    """The page runs under the CSP (no console error: page_as), and the CSP bites: an injected
    inline script is refused (framing and the other headers: test_auth_http.py)."""
    page = page_as("leader")
    page.open("/")
    assert {"总览", "整改进度", "维修资金", "评价", "督办", "数据状态"} <= set(nav_names(page))
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
