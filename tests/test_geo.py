"""The county boundaries in data/geo/ cover every county, stay small, and draw offline:
a real Chromium shows the 11 counties of 晋中 with no request leaving 127.0.0.1."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from dash import Dash, dcc, html
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from bench.browser import CHROMIUM_ARGS
from components.maps import GRAPH_CONFIG, county_figure, load_geojson


def county_map(*args, **kwargs):
    """The map as a plotly Figure (validated on the way), to read its traces by attribute."""
    import plotly.graph_objects as go

    return go.Figure(county_figure(*args, **kwargs))


ROOT = Path(__file__).resolve().parent.parent
GEO = ROOT / "data" / "geo"
CITIES = ["140100", "140200", "140300", "140400", "140500", "140600", "140700", "140800", "140900", "141000", "141100"]
COUNTIES = {
    "140700": [
        "140702",
        "140703",
        "140721",
        "140722",
        "140723",
        "140724",
        "140725",
        "140727",
        "140728",
        "140729",
        "140781",
    ],
    "140500": ["140502", "140521", "140522", "140524", "140525", "140581"],
}
CITY_FILE_BUDGET = 64 * 1024
PROVINCE_FILE_BUDGET = 96 * 1024


def read(code: str) -> dict:
    return json.loads((GEO / f"{code}.geojson").read_text(encoding="utf-8"))


def rings(geometry: dict) -> Iterator[tuple[int, list]]:
    """(ring index within its polygon, ring): index 0 is the exterior."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield from enumerate(polygon)


def signed_area(ring: list) -> float:
    """Shoelace in lon/lat: positive for counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


@pytest.mark.parametrize("city", sorted(COUNTIES))
def test_every_county_of_jinzhong_and_jincheng_has_a_feature(city: str) -> None:
    features = read(city)["features"]
    assert sorted(f["properties"]["code"] for f in features) == COUNTIES[city]
    for f in features:
        assert f["id"] == f["properties"]["code"]
        assert f["properties"]["name"]
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_every_city_of_shanxi_has_a_file_and_the_province_has_eleven_outlines() -> None:
    for city in CITIES:
        codes = [f["id"] for f in read(city)["features"]]
        assert codes and all(c[:4] == city[:4] for c in codes), city
    assert sorted(f["id"] for f in read("140000")["features"]) == CITIES


def test_geo_files_stay_within_the_size_budget() -> None:
    for city in CITIES:
        assert (GEO / f"{city}.geojson").stat().st_size < CITY_FILE_BUDGET, city
    assert (GEO / "140000.geojson").stat().st_size < PROVINCE_FILE_BUDGET


def test_exterior_rings_are_clockwise_as_plotly_geo_draws_them() -> None:
    """d3-geo (inside plotly.js) reads a counter-clockwise exterior as 'the globe minus the county'."""
    for code in CITIES + ["140000"]:
        for f in read(code)["features"]:
            for index, ring in rings(f["geometry"]):
                assert ring[0] == ring[-1]
                assert (signed_area(ring) < 0) == (index == 0), (code, f["id"], index)
                assert all(round(v, 4) == v for point in ring for v in point)


def test_load_geojson_reads_a_city_once_and_refuses_a_bad_code() -> None:
    assert load_geojson("140700") is load_geojson("140700")
    with pytest.raises(ValueError):
        load_geojson("晋中")
    with pytest.raises(FileNotFoundError):
        load_geojson("990000")


def test_county_map_greys_counties_without_a_value_and_names_every_county() -> None:
    geojson = load_geojson("140500")
    values = {"140502": 0.9, "140521": None, "140522": float("nan"), "140702401": 0.5}
    fig = county_map(geojson, values, "整改率", "整改率", hover={"140502": "案件 12 件"}, value_format=".1%")
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    grey, valued = choropleths
    assert list(valued.locations) == ["140502"] and list(valued.z) == [0.9]
    assert sorted(grey.locations) == ["140521", "140522", "140524", "140525", "140581"]
    assert "无数据" in grey.hovertemplate and "无数据" not in valued.hovertemplate
    names = {f["properties"]["code"]: f["properties"]["name"] for f in geojson["features"]}
    for trace in choropleths:
        assert [row[1] for row in trace.customdata] == [names[c] for c in trace.locations]
        assert trace.featureidkey == "properties.code"
        for raw in ("properties", "code", "location", "%{z}<"):
            assert raw not in trace.hovertemplate
    assert valued.customdata[0][2] == "<br>案件 12 件"
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    # built without validation for speed: Plotly's validators must still accept every property
    import plotly.graph_objects as go

    assert len(go.Figure(fig.to_plotly_json()).data) == len(fig.data)


def test_county_map_in_english_says_no_data() -> None:
    fig = county_map(load_geojson("140500"), {}, "Rectification rate", "Rate", lang="en")
    assert len([t for t in fig.data if t.type == "choropleth"]) == 1
    assert "No data" in fig.data[0].hovertemplate


@pytest.fixture
def jinzhong_app() -> Iterator[str]:
    """A tiny Dash app showing the 晋中 map, served from a thread on a free local port."""
    geojson = load_geojson("140700")
    codes = [f["properties"]["code"] for f in geojson["features"]]
    values = {code: i / 10 for i, code in enumerate(codes) if code != "140703"}
    app = Dash(__name__, assets_folder=str(ROOT / "assets"))
    app.layout = html.Div(
        [
            dcc.Graph(
                id="geo-test-map",
                config=GRAPH_CONFIG,
                style={"width": "900px"},
                figure=county_map(geojson, values, "晋中市 整改率", "整改率", value_format=".0%"),
            )
        ]
    )
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join(5)


def test_jinzhong_map_draws_eleven_counties_in_chromium_with_no_request_leaving_the_machine(
    jinzhong_app: str, tmp_path: Path
) -> None:
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 600})
            page.on("request", lambda request: requests.append(request.url))
            page.goto(jinzhong_app)
            locations = page.locator("#geo-test-map path.choroplethlocation")
            page.wait_for_function(
                "document.querySelectorAll('#geo-test-map path.choroplethlocation').length >= 11", timeout=30_000
            )
            page.wait_for_load_state("networkidle")
            assert locations.count() == 11
            # A wrongly wound ring fills the whole frame; a county is a fraction of it.
            frame = page.locator("#geo-test-map .geo .bg rect").first.bounding_box()
            for box in locations.evaluate_all("els => els.map(e => e.getBoundingClientRect().toJSON())"):
                assert box["width"] * box["height"] < 0.5 * frame["width"] * frame["height"]
            locations.nth(0).hover(force=True)
            hover = page.locator("#geo-test-map .hoverlayer .hovertext")
            hover.wait_for(timeout=5_000)
            hover_text = hover.text_content()
            names = {f["properties"]["name"] for f in load_geojson("140700")["features"]}
            assert any(name in hover_text for name in names), hover_text
            page.screenshot(path=os.environ.get("GEO_SCREENSHOT", str(tmp_path / "geo_jinzhong.png")))
        finally:
            browser.close()
    assert requests
    assert any(urlparse(url).path == "/assets/topo/world_110m.json" for url in requests)
    leaving = [
        url
        for url in requests
        if urlparse(url).scheme not in ("data", "blob") and urlparse(url).hostname not in ("127.0.0.1", "localhost")
    ]
    assert leaving == []
