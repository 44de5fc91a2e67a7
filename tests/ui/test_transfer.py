"""What a browser transfers (issue 17): a first visit to the overview with an empty cache under
3 MB, each next page of the visit under 0.5 MB — compressed responses, Dash's fingerprinted
bundles and the assets cached, and the dashboard's own partial plotly.js bundle instead of
plotly.py's full one. Byte counts, not times: they do not depend on the machine's load."""

from __future__ import annotations

from bench.transfer import COLD_LIMIT, WARM_LIMIT, WARM_PAGES, navigations

from .conftest import CONTEXT


def test_a_cold_visit_and_the_warm_pages_after_it_stay_small_on_a_bundle_that_names_what_it_left_out(
    browser, server, login_state
):
    """The visit's bytes (above); and the partial bundle, asked to draw a trace type it left out,
    says so in the console (so a page that needs one fails its test instead of drawing nothing)."""
    result = navigations(browser, server.url, login_state("leader"), CONTEXT)
    cold = result["cold"]
    largest = [where for _, where in cold["largest"]]
    assert not any("package_data/plotly.min.js" in where for where in largest), largest
    assert any(where.endswith("/assets/vendor/plotly-kanban.min.js") for where in largest), largest
    assert 300_000 < cold["by_kind"]["scripts"] and cold["bytes"] < COLD_LIMIT, cold
    assert set(result["warm"]) == set(WARM_PAGES)
    for path, warm in result["warm"].items():
        assert 0 < warm["bytes"] < WARM_LIMIT, (path, warm)
        # the big bundles came from the cache (a lazy chunk the cold page had not asked for may not)
        assert not any("plotly-kanban" in where or "dash_ag_grid.v" in where for _, where in warm["largest"])

    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(server.url + "/healthz")
        page.add_script_tag(url=server.url + "/assets/vendor/plotly-kanban.min.js")
        page.evaluate("""() => {
            const div = document.createElement('div'); document.body.appendChild(div);
            return Plotly.newPlot(div, [{type: 'bar', x: [1], y: [2]}, {type: 'sunburst', labels: ['a']}]);
        }""")
        assert any('trace type "sunburst" is not in the bundle' in e for e in errors), errors
        assert not any('"bar"' in e for e in errors)
    finally:
        context.close()
