"""The shell on a phone as the browser draws it (issue 18). The navbar's mark and contrast:
tests/ui/test_auth_roles.py."""

from __future__ import annotations


def test_on_a_phone_the_navbar_folds_nothing_scrolls_sideways_and_a_region_is_found_by_pinyin(
    browser, server, login_state
):
    """390×844, the browser inside 政务微信 or 钉钉: the links fold behind ☰; the overview's cards
    stack and no part of the page makes it scroll sideways (grids scroll inside their own box); a
    region is found by typing its pinyin initials, and Enter keeps it."""
    from tests.ui.conftest import CONTEXT, Page

    context = browser.new_context(
        **{**CONTEXT, "viewport": {"width": 390, "height": 844}}, storage_state=login_state("leader")
    )
    try:
        p = Page(context.new_page(), server.url).open("/?region=140700")
        links = p.page.locator(".shell-navbar .nav-link")
        assert not links.first.is_visible()  # folded
        p.page.click("#shell-toggler")
        links.first.wait_for(state="visible")
        assert links.count() >= 6 and all(links.nth(i).is_visible() for i in range(links.count()))
        p.page.click("#shell-toggler")
        links.first.wait_for(state="hidden")
        p.page.wait_for_selector("#overview-cards .kpi-card")
        width = p.page.evaluate("() => document.scrollingElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways: {width} px"
        cards = p.page.eval_on_selector_all(
            "#overview-cards .kpi-card", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert cards and max(cards) <= 390 / 2  # two a row at most
        # the region picker (晋中市 chosen): typing goes to its search, 'ycq' finds 榆次区 by its
        # initials, Enter takes it; Enter on the region already chosen keeps it (it used to reset).
        # Typed at once after the click, as a clerk who knows the initials types: the list takes a
        # tenth of a second to open and filters a moment after each key (assets/dropdown-keys.js;
        # keys typed at once were lost, "ycq" became "cq" or "q", and Enter took 阳城县 or 太原市).
        # Idle first: a callback still setting the picker's texts would clear what is typed.
        p.settle()
        p.page.click("#shell-region")
        p.page.keyboard.type("ycq")
        p.page.keyboard.press("Enter")
        p.page.wait_for_function("() => location.search.includes('region=140702')")
        p.settle()
        assert "榆次区" in p.text("#shell-region")
        p.page.click("#shell-region")
        p.page.keyboard.press("Enter")
        p.page.wait_for_selector(".dash-dropdown-content", state="detached")
        p.settle()
        assert "region=140702" in p.page.url and "榆次区" in p.text("#shell-region")
        assert not p.console_errors, p.console_errors[:5]
    finally:
        context.close()
