"""The three questions of issue 18, walked in a real browser on the demo and counted in clicks:

1. a leader finds the worst county on rectification this year, and why (from the overview);
2. a supervisor opens the trail of an overdue case at county level (from the overview);
3. a county officer sees his rank and the city's median on every KPI.

`tests/ui/test_journeys.py` walks them and checks what each step shows and how many clicks it took;
`python -m bench journeys` times them: the overview fully drawn after navigation, and each click
until what it opens is drawn (medians over several walks; a click's target is under 1 s, the
overview's under 2 s, on a quiet machine)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.browser import scroll_to, settle

OVERVIEW_TARGET_S, CLICK_TARGET_S = 2.0, 1.0


@dataclass
class Walk:
    """What one walk of a journey did: its clicks (what was clicked, seconds until drawn)."""

    page: object
    opened_s: float = 0.0
    clicks: list[tuple[str, float]] = field(default_factory=list)

    def open(self, url: str) -> None:
        t0 = time.perf_counter()
        self.page.goto(url)
        settle(self.page)
        self.opened_s = time.perf_counter() - t0

    def click(self, what: str, locator, drawn: Callable[[], None] | None = None) -> None:
        """Click `locator`, then wait until Dash is idle (and `drawn` has returned)."""
        t0 = time.perf_counter()
        locator.click()
        if drawn is not None:
            drawn()
        settle(self.page)
        self.clicks.append((what, time.perf_counter() - t0))


def worst_county_on_rectification(page, base: str) -> tuple[Walk, str]:
    """From the overview (本年): sort the county scorecard by 问题整改率 (the worst first), then open
    the first county's profile, which says why (its rank, its worst communities, its open cases).
    Returns the walk and the county code opened."""
    walk = Walk(page)
    walk.open(base + "/")
    scroll_to(page, "#overview-scorecard")  # a scroll, not a click: drawn once near
    header = page.locator("#overview-scorecard .ag-header-cell[col-id='rectification_rate'] .ag-header-cell-label")
    walk.click(
        "sort by 问题整改率",
        header,
        lambda: page.wait_for_selector(
            "#overview-scorecard .ag-header-cell[col-id='rectification_rate'][aria-sort='ascending']"
        ),
    )
    first = page.locator("#overview-scorecard .ag-row[row-index='0'] .grid-link").first
    walk.click("open the worst county", first, lambda: page.wait_for_url("**/county?**"))
    page.wait_for_selector("#county-standing table")
    return walk, page.url.split("region=")[1].split("&")[0]


def overdue_case_trail(page, base: str) -> tuple[Walk, str]:
    """From the overview (本年): 需要关注's overdue cases at county level (县级), then a case of the
    督办 list, whose trail opens. Returns the walk and the case id opened."""
    walk = Walk(page)
    walk.open(base + "/")
    county_level = page.locator("#attention-overdue a", has_text="县级").first
    walk.click("县级 overdue cases", county_level, lambda: page.wait_for_url("**/escalations?**"))
    page.locator("#escalations-open-grid").scroll_into_view_if_needed()
    row = page.locator("#escalations-open-grid .ag-center-cols-container .ag-row[row-index='0']")
    row.wait_for()
    settle(page)  # the sections the scroll brought near are drawn (lazy) before the click is timed
    case_id = page.evaluate(
        "async () => (await dash_ag_grid.getApiAsync('escalations-open-grid')).getDisplayedRowAtIndex(0).data.case_id"
    )
    walk.click(
        "open a case's trail",
        row.locator(".ag-cell").first,
        lambda: _trail_drawn(page, case_id),
    )
    return walk, case_id


def _trail_drawn(page, case_id: str) -> None:
    """The trail's dialog open on this case, its chart and its steps drawn (the dialog opens at
    once in the browser; what it shows comes from the trail's callback)."""
    page.wait_for_selector("#escalations-timeline", state="visible")
    page.wait_for_function(
        "id => (document.querySelector('#escalations-timeline-title')?.textContent || '').includes(id)"
        " && document.querySelector('#escalations-timeline-chart .js-plotly-plot')"
        " && document.querySelector('#escalations-timeline-grid .ag-row')",
        arg=case_id,
    )


def rank_and_median(page, base: str) -> tuple[Walk, str]:
    """A county officer from the overview: 县区概况 in the navbar shows every KPI with his rank and
    the city's median. Returns the walk and the county shown."""
    walk = Walk(page)
    walk.open(base + "/")
    walk.click(
        "县区概况",
        page.locator(".shell-navbar .nav-link", has_text="县区概况"),
        lambda: page.wait_for_url("**/county**"),
    )
    page.wait_for_selector("#county-standing table")
    return walk, page.url


JOURNEYS = {
    "worst county on rectification (leader)": ("leader", worst_county_on_rectification),
    "an overdue county-level case's trail (supervisor)": ("supervisor", overdue_case_trail),
    "rank and city median on every KPI (county officer)": ("county_140702", rank_and_median),
}


def run(walks: int = 5) -> int:
    """`python -m bench journeys [--walks N]`: each journey walked N times on the demo in headless
    Chromium; the median seconds of the overview's drawing and of each click."""
    import shutil
    import tempfile
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    from bench.serve import Server
    from etl import demo

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        demo.build(warehouse, Path(tmp) / "ledgers")
        with Server("app", [sys.executable, "app.py"], warehouse) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium)
            base = f"http://127.0.0.1:{server.port}"
            print(f"{'journey':55} {'clicks':>6} {'overview s':>11} {'clicks s (median each)':>24}")
            failed = False
            for name, (user, journey) in JOURNEYS.items():
                opened, per_click, clicks = [], None, 0
                for _ in range(walks):
                    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
                    page = context.new_page()
                    page.goto(base + "/login")
                    page.fill("#login-username", user)
                    page.fill("#login-password", f"demo-{user}")
                    with page.expect_navigation():
                        page.click("#login-submit")
                    walk, _ = journey(page, base)
                    context.close()
                    opened.append(walk.opened_s)
                    clicks = len(walk.clicks)
                    per_click = per_click or [[] for _ in walk.clicks]
                    for i, (_, s) in enumerate(walk.clicks):
                        per_click[i].append(s)
                medians = [statistics.median(s) for s in per_click]
                failed |= statistics.median(opened) > OVERVIEW_TARGET_S or any(m > CLICK_TARGET_S for m in medians)
                print(
                    f"{name:55} {clicks:>6} {statistics.median(opened):>11.2f} "
                    f"{' / '.join(f'{m:.2f}' for m in medians):>24}"
                )
            browser.close()
    print(f"targets: overview drawn within {OVERVIEW_TARGET_S} s, every click within {CLICK_TARGET_S} s (medians)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run())
