"""Every figure the pages draw passes Plotly's validators.

The figure factories (components/charts.py) build without per-property validation, for speed,
and the pages give them their own layout and trace properties as plain dicts (`layout=`,
`trace=`, `more=`) instead of `update_layout` afterwards, which validated them. So every page
callback is called here on the demo warehouse, as the server would call it (the callbacks the
bench times: bench/pages.py), and every figure in its answer goes through the validators: a
misspelt property in a page fails here."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

VIEWS = [
    {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"},  # a city, with every panel's rows
    {"region": "140702", "from": "2024-01-01", "to": "2024-12-31", "lang": "en"},  # a county, in English
]


def figures(node, found: list) -> list:
    """The figures in a callback's answer: go.Figure objects and plain-JSON figures, anywhere in
    its outputs and component trees."""
    if isinstance(node, go.Figure):
        found.append(node.to_plotly_json())
    elif isinstance(node, dict):
        if isinstance(node.get("data"), list) and "layout" in node:
            found.append(node)
        for value in node.values():
            figures(value, found)
    elif isinstance(node, (list, tuple)):
        for value in node:
            figures(value, found)
    elif hasattr(node, "_prop_names"):  # a Dash component: its props (a dcc.Graph's figure among them)
        for name in node._prop_names:
            figures(getattr(node, name, None), found)
    return found


@pytest.fixture(scope="module")
def drawn(demo_wh) -> dict[str, list]:
    """Each callback's figures over VIEWS, by callback name."""
    import dash

    from bench import pages as bench

    paths = {p["module"]: p["relative_path"] for p in dash.page_registry.values()}
    out: dict[str, list] = {}
    for name, (fn, inputs, state, module) in sorted(bench._callbacks().items()):
        if bench._is_download(fn) or id(fn) in bench._JOBS:
            continue
        for view in VIEWS:
            answer = bench.call(fn, *bench._inputs(inputs + state, view, paths.get(module, "/")))
            out.setdefault(name, []).extend(figures(answer, []))
    return out


def test_every_figure_of_every_page_passes_plotly_validation(drawn):
    checked = 0
    for name, found in drawn.items():
        for fig in found:
            try:
                validated = go.Figure(fig)  # raises ValueError on an invalid property or value
            except ValueError as error:
                raise AssertionError(f"{name}: {error}") from error
            assert len(validated.data) == len(fig["data"]), name
            checked += 1
    # the pages' charts are many: a callback map read wrong would find none and pass
    assert checked > 100 and sum(1 for found in drawn.values() if found) > 40, (checked, len(drawn))
