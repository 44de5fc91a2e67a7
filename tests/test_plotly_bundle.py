"""The dashboard's partial plotly.js bundle (assets/vendor/plotly-kanban.min.js, built by
scripts/plotly-bundle/build.sh) is the plotly.js that plotly.py ships, and holds every trace
type the dashboard's code draws."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "assets" / "vendor" / "plotly-kanban.min.js"
TRACE_TYPES = {"scatter", "bar", "pie", "heatmap", "choropleth", "scattergeo"}


def test_the_bundle_is_plotly_pys_plotly_js():
    shipped = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:300]
    ours = BUNDLE.read_text(encoding="utf-8")[:400]
    version = re.search(r"plotly\.js v([0-9.]+)", shipped).group(1)
    assert f"plotly.js v{version}," in ours, "rebuild it: bash scripts/plotly-bundle/build.sh"
    listed = re.search(r"partial bundle: ([^.]+)\.", ours).group(1)
    assert {t.strip().replace("core (scatter)", "scatter") for t in listed.split(",")} == TRACE_TYPES


def test_every_trace_type_the_code_draws_is_in_the_bundle():
    """Trace dicts are written as `type="…"` / `"type": "…"` beside a trace's other keys;
    everything else with a `type` (axes, projections, inputs, GeoJSON) is listed here."""
    not_traces = {"category", "mercator", "FeatureCollection", "Feature", "hidden", "submit", "dot", "text", "date"}
    not_traces |= {"password", "number", "button", "linear", "log", "Polygon", "MultiPolygon", "checkbox", "search"}
    found = set()
    for path in [*ROOT.glob("components/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        found |= set(re.findall(r"""(?:\btype=|["']type["']:\s*)["']([A-Za-z0-9_]+)["']""", path.read_text()))
    traces = found - not_traces
    assert traces, "no trace type found: the pattern above no longer matches the code"
    assert traces <= TRACE_TYPES, f"not in the bundle: {traces - TRACE_TYPES} (add to scripts/plotly-bundle/entry.js)"
