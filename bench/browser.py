"""The one wait for a Dash page in a real browser, used by the browser benchmarks and by the
browser tests (tests/ui/conftest.py `Page.settle`), and the switches Debian's Chromium is started
with there: headless, nothing fetched from the network on its own."""

from __future__ import annotations

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

IDLE = "() => !document.querySelector('[data-dash-is-loading=\"true\"]')"
# Dash's page arrives with a "Loading..." placeholder in the entry point; drawn is when the
# renderer has replaced it with the layout.
DRAWN = """() => { const e = document.querySelector('#react-entry-point');
    return !!e && e.children.length > 0 && !e.querySelector('._dash-loading'); }"""
# No callback requested, waiting, running or with its answer not yet applied, as Dash's own test
# harness reads its renderer's store (dash/testing/dash_page.py `redux_state_rqs`); a callback an
# answer or a click sets off is requested in the same task that applies it.
QUIET = """() => { const s = window.store && window.store.getState();
    return !!s && Object.entries(s.callbacks).every(([k, v]) => k === 'completed' || v.length === 0); }"""
# Every lazy panel (components/loading.lazy) within a quarter of a screen of the viewport has been
# seen (assets/lazy.js marks it `data-seen`): what a scroll brought near has been asked for.
NEAR_SEEN = """() => [...document.querySelectorAll('.lazy-panel')].every(el => {
    const r = el.getBoundingClientRect(), margin = window.innerHeight / 4;
    const near = r.bottom >= -margin && r.top <= window.innerHeight + margin;
    return !near || el.dataset.seen === '1';
})"""
SETTLED = f"() => ({DRAWN})() && ({NEAR_SEEN})() && ({QUIET})() && ({IDLE})()"


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Dash has drawn the page, the lazy panels in view (or brought near by a scroll)
    have asked for their content, and no callback is pending or drawing (no loading marker). Read
    from the renderer's own state, not from a quiet network: waiting for 500 ms without a request
    cost every page load half a second and proved nothing more."""
    page.wait_for_function(SETTLED, timeout=timeout)


def scroll_to(page, selector: str, timeout: float = 60_000) -> None:
    """Scroll a panel into view, as a reader does, and wait until what the scroll brought near is
    drawn (a lazy panel, components/loading.lazy, is drawn only then). The page is settled first:
    a panel the page is still redrawing (after a filter change) is replaced under the scroll."""
    from playwright.sync_api import Error

    for attempt in range(5):
        settle(page, timeout)
        try:
            page.locator(selector).first.scroll_into_view_if_needed()
            break
        except Error as exc:  # replaced by a redraw that began after the settle
            if "not attached" not in str(exc) or attempt == 4:
                raise
    settle(page, timeout)
