"""`python -m bench transfer`: the bytes a browser transfers to open the dashboard.

Debian's Chromium (headless, through Playwright) signed in as the demo's leader: a *cold*
navigation (an empty cache: the overview as a first visit draws it) and *warm* ones (the next
pages of the same visit, each a full page load with the browser's cache). Bytes are what
DevTools calls "transferred": every response's encoded size with its headers
(`Network.loadingFinished.encodedDataLength`), so compression counts and a response served
from the cache counts nothing. Byte counts do not depend on the machine's speed, so
tests/ui/test_transfer.py holds the targets (cold under 3 MB, warm under 0.5 MB) with
`navigations()` below.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from bench.browser import settle

COLD_LIMIT = 3_000_000
WARM_LIMIT = 500_000
WARM_PAGES = ("/rectification", "/funds", "/escalations", "/ratings", "/")


def _kind(url: str, mime: str) -> str:
    path = url.split("?", 1)[0]
    if "/_dash-component-suites/" in path or path.endswith(".js"):
        return "scripts"
    if path.endswith(".css") or "css" in mime:
        return "styles"
    if "/_dash-" in path:
        return "data"
    if "/assets/" in path:
        return "assets"
    return "page"


def navigation(page, url: str) -> dict:
    """Open `url` in `page` and wait until Dash is idle: bytes transferred in all and by kind,
    and the largest responses."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    seen: dict[str, tuple[str, str]] = {}
    done: list[tuple[str, int]] = []
    cdp.on(
        "Network.responseReceived",
        lambda e: seen.__setitem__(e["requestId"], (e["response"]["url"], e["response"].get("mimeType", ""))),
    )
    cdp.on("Network.loadingFinished", lambda e: done.append((e["requestId"], int(e["encodedDataLength"]))))
    page.goto(url)
    settle(page, timeout=120_000)
    cdp.detach()
    by_kind: dict[str, int] = defaultdict(int)
    largest = []
    for request_id, size in done:
        where, mime = seen.get(request_id, ("?", ""))
        by_kind[_kind(where, mime)] += size
        largest.append((size, where.split("?", 1)[0]))
    largest.sort(reverse=True)
    return {"bytes": sum(by_kind.values()), "by_kind": dict(by_kind), "largest": largest[:5]}


def navigations(browser, base: str, storage_state: dict, context_options: dict | None = None) -> dict:
    """A first visit to the overview with an empty cache, then WARM_PAGES in the same visit."""
    context = browser.new_context(**(context_options or {}), storage_state=storage_state)
    try:
        page = context.new_page()
        cold = navigation(page, base + "/")
        warm = {path: navigation(page, base + path) for path in WARM_PAGES}
    finally:
        context.close()
    return {"cold": cold, "warm": warm}


def run() -> int:
    from playwright.sync_api import sync_playwright

    from bench.serve import Server
    from etl import demo

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory(prefix="bench-transfer-") as tmp:
        folder = Path(tmp)
        demo.build(folder / "warehouse.duckdb", out_dir=folder / "ledgers")
        with Server("app", [sys.executable, "app.py"], folder / "warehouse.duckdb") as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
            base = f"http://127.0.0.1:{server.port}"
            context = browser.new_context()
            page = context.new_page()
            page.goto(base + "/login")
            page.fill("#login-username", "leader")
            page.fill("#login-password", "demo-leader")
            with page.expect_navigation():
                page.click("#login-submit")
            state = context.storage_state()
            context.close()
            result = navigations(browser, base, state, {"viewport": {"width": 1440, "height": 1000}})
            browser.close()
    cold = result["cold"]
    print("| navigation | transferred | scripts | styles | data | assets | page |")
    print("|---|---|---|---|---|---|---|")
    rows = [("overview, cold (empty cache)", cold)] + [(f"{p}, warm", r) for p, r in result["warm"].items()]
    for name, r in rows:
        k = r["by_kind"]
        cells = [f"{k.get(x, 0) / 1000:,.0f} kB" for x in ("scripts", "styles", "data", "assets", "page")]
        print(f"| {name} | **{r['bytes'] / 1e6:.2f} MB** | " + " | ".join(cells) + " |")
    print("\nlargest responses of the cold navigation:")
    for size, where in cold["largest"]:
        print(f"  {size / 1000:8,.0f} kB  {where}")
    warm_max = max(r["bytes"] for r in result["warm"].values())
    ok = cold["bytes"] < COLD_LIMIT and warm_max < WARM_LIMIT
    print(
        f"\ncold {cold['bytes'] / 1e6:.2f} MB (target < {COLD_LIMIT / 1e6:.0f} MB), "
        f"warm at most {warm_max / 1e6:.2f} MB (target < {WARM_LIMIT / 1e6:.1f} MB): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1
