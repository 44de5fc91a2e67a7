"""County maps (县区地图): boundaries from data/geo/, values in, Plotly figure out. No queries here.

The boundaries are shipped in the repo (built by scripts/build_geo.py) and the base map
is the empty TopoJSON in assets/topo/, so a map draws with no request leaving the
server. Give every dcc.Graph that shows one of these figures `config=GRAPH_CONFIG`:
without `topojsonURL` plotly.js fetches its world map from cdn.plot.ly and, offline,
draws nothing.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

from components.theme import FONT, PLOTLY_TEMPLATE, nice_ticks

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
GRAPH_CONFIG = {"topojsonURL": "/assets/topo/", "displaylogo": False}

NO_DATA_COLOR = "#e4e4e4"
BORDER_COLOR = "#ffffff"
# Light to dark blue, ending in the house blue of components.charts.PALETTE; distinct from the grey of 无数据.
DEFAULT_COLORSCALE = [[0.0, "#dbe8f6"], [0.5, "#6f9fd6"], [1.0, "#1f5fa8"]]

_WORDS = {"no_data": ("无数据", "No data"), "sep": ("：", ": ")}


def _word(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return en if lang == "en" else zh


@cache  # functools.lru_cache(maxsize=None)
def load_geojson(city_code: str) -> dict:
    """The county boundaries of one city (e.g. '140700' 晋中市: 11 counties), or, for '140000',
    the outlines of the 11 cities of 山西省. Read once per process; treat the result as read-only."""
    if not re.fullmatch(r"\d{6}", city_code or ""):
        raise ValueError(f"a city code has 6 digits, e.g. 140700; got {city_code!r}")
    path = GEO_DIR / f"{city_code}.geojson"
    if not path.exists():
        raise FileNotFoundError(f"no boundaries for {city_code} in {GEO_DIR}; see data/geo/README.md to rebuild them")
    geojson = json.loads(path.read_text(encoding="utf-8"))
    (west, south), (east, north) = _bounds(geojson["features"])
    geojson["bbox"] = [west, south, east, north]  # GeoJSON's own member; computed once per process
    return geojson


def _has_value(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _subset(geojson: dict, codes: list[str]) -> dict:
    wanted = set(codes)
    return {
        "type": "FeatureCollection",
        "features": [f for f in geojson["features"] if f["properties"]["code"] in wanted],
    }


def _bounds(features: list[dict]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(west, south), (east, north) of the features' coordinates."""
    lons, lats = [], []

    def walk(coords):
        if coords and isinstance(coords[0], (int, float)):
            lons.append(coords[0])
            lats.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for f in features:
        walk(f["geometry"]["coordinates"])
    return (min(lons), min(lats)), (max(lons), max(lats))


def county_figure(
    geojson: dict,
    values: dict[str, float | None],
    title: str,
    colorbar_title: str,
    hover: dict[str, str] | None = None,
    colorscale: str | list = DEFAULT_COLORSCALE,
    lang: str = "zh",
    *,
    value_format: str = ",.4~g",
    show_names: bool = True,
    height: int = 460,
) -> dict:
    """A choropleth of one value per county, e.g. 整改率 of each county of 晋中市, as Plotly JSON.

    `geojson` comes from `load_geojson`; `values` maps a 6-digit code to its value (a code
    missing from `values`, or None/NaN, is drawn grey with the hover 无数据; codes not on the
    map, such as the township-level 晋中开发区, are ignored). `title` and `colorbar_title`
    are already in the reader's language; `hover` adds a line (plotly hover markup allowed,
    e.g. '<br>') under a county's value; `value_format` is a d3 format for the value and
    the colour bar ('.1%' for rates). Every county is hoverable with its name; each trace's
    customdata holds [code, name], so a click callback can read the code.

    >>> fig = county_figure(load_geojson("140700"), {"140702": 0.93, "140721": None}, "整改率", "整改率",
    ...                  value_format=".1%")
    """
    hover = hover or {}
    sep = _word("sep", lang)
    features = geojson["features"]
    names = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    with_value = [c for c in names if _has_value(values.get(c))]
    without_value = [c for c in names if c not in set(with_value)]

    def extra(code: str) -> str:
        return f"<br>{hover[code]}" if hover.get(code) else ""

    common = dict(
        type="choropleth",
        featureidkey="properties.code",
        marker={"line": {"color": BORDER_COLOR, "width": 1}},
        hoverlabel={"font": {"family": FONT}},
    )
    # A plain Plotly JSON figure: a go.Figure validates and deep-copies the boundaries, ~200 ms
    # a map. tests/test_geo.py runs the output through Plotly's validators.
    traces: list[dict] = []
    if without_value:
        traces.append(
            dict(
                geojson=_subset(geojson, without_value),
                locations=without_value,
                z=[0] * len(without_value),
                colorscale=[[0, NO_DATA_COLOR], [1, NO_DATA_COLOR]],
                showscale=False,
                name=_word("no_data", lang),
                customdata=[[c, names[c], extra(c)] for c in without_value],
                hovertemplate="<b>%{customdata[1]}</b><br>"
                + _word("no_data", lang)
                + "%{customdata[2]}<extra></extra>",
                **common,
            )
        )
    if with_value:
        z = [float(values[c]) for c in with_value]
        zrange, ticks = _scale(z, value_format)
        traces.append(
            dict(
                geojson=_subset(geojson, with_value),
                locations=with_value,
                z=z,
                **zrange,
                colorscale=colorscale,
                name=colorbar_title,
                colorbar={
                    "title": {"text": colorbar_title, "side": "top"},
                    **ticks,
                    "thickness": 12,
                    "len": 0.75,
                    "outlinewidth": 0,
                },
                customdata=[[c, names[c], extra(c)] for c in with_value],
                hovertemplate="<b>%{customdata[1]}</b><br>"
                + colorbar_title
                + sep
                + "%{z:"
                + value_format
                + "}"
                + "%{customdata[2]}<extra></extra>",
                **common,
            )
        )
    if show_names:
        labelled = [f for f in features if f["properties"].get("label_point")]
        traces.append(
            dict(
                type="scattergeo",
                lon=[f["properties"]["label_point"][0] for f in labelled],
                lat=[f["properties"]["label_point"][1] for f in labelled],
                text=[f["properties"]["name"] for f in labelled],
                mode="text",
                textfont={"family": FONT, "size": 11, "color": "#333333"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    annotations = []
    if without_value and with_value:
        annotations.append(
            dict(
                text=f'<span style="color:{NO_DATA_COLOR}">■</span> {_word("no_data", lang)}',
                x=1,
                y=0,
                xref="paper",
                yref="paper",
                xanchor="right",
                yanchor="bottom",
                showarrow=False,
                font={"size": 12, "color": "#666666"},
            )
        )
    if "bbox" in geojson:
        west, south, east, north = geojson["bbox"]
    else:
        (west, south), (east, north) = _bounds(features)
    pad_lon, pad_lat = (east - west) * 0.03, (north - south) * 0.03
    layout = dict(
        template=PLOTLY_TEMPLATE,
        geo={
            "fitbounds": "locations",
            "visible": False,
            "projection": {"type": "mercator"},
            "bgcolor": "rgba(0,0,0,0)",
            "lonaxis": {"range": [west - pad_lon, east + pad_lon]},
            "lataxis": {"range": [south - pad_lat, north + pad_lat]},
        },
        title={"text": title, "x": 0.01, "font": {"size": 15}} if title else None,
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        height=height,
        showlegend=False,
        paper_bgcolor="white",
        dragmode=False,
        annotations=annotations,
    )
    return {"data": traces, "layout": layout}


def _scale(z: list[float], value_format: str) -> tuple[dict, dict]:
    """The colour range and the colour bar's ticks ({tick0, dtick, tickformat}) of the values `z`.

    A rate (a `%` format) is a share: its scale never passes 0–100% (one county's 93% alone made
    Plotly's automatic range run from 43% to 143%), a single value gets a narrow band around it.
    A count or an amount of one county alone (or of counties all alike) gets a band around it
    too (Plotly's own bar read 5, 5, 5, 5, 5). Every bar's ticks have an explicit step and the
    decimals it needs (`nice_ticks`), so that no two read the same (97%, 97%, 98%)."""
    if value_format.endswith("%"):
        lo, hi = max(min(z), 0.0), min(max(z), 1.0)
        if hi - lo < 0.01:  # one value, or several nearly equal: a band of two points around them
            lo, hi = max(0.0, min(lo, hi - 0.01) - 0.01), min(1.0, max(hi, lo + 0.01) + 0.01)
            lo = min(lo, hi - 0.02) if hi - lo < 0.02 else lo
        return {"zmin": lo, "zmax": hi, "zauto": False}, nice_ticks(lo, hi, percent=True)
    lo, hi = min(z), max(z)
    zrange: dict = {}
    if hi - lo < 1e-9:
        pad = max(abs(hi) * 0.1, 1.0)
        lo, hi = (max(lo - pad, 0.0) if lo >= 0 else lo - pad), hi + pad
        zrange = {"zmin": lo, "zmax": hi, "zauto": False}
    ticks = nice_ticks(lo, hi, percent=False)
    if value_format.endswith("d"):  # whole numbers: a whole step, the given format
        ticks = {**ticks, "dtick": max(1, round(ticks["dtick"])), "tickformat": value_format}
    return zrange, ticks


def map_region(region: str | None) -> tuple[str, str]:
    """Which map shows a filter's region: (geojson file code, shape level).

    The province (or no region) shows its cities; a city, county or township-level unit
    shows the counties of its city."""
    if not region or region.endswith("0000"):
        return "140000", "city"
    return region[:4] + "00", "county"


def region_geo(geo: dict, region: str | None, level: str) -> dict:
    """The boundaries a map of a region draws: a county's own outline when the region is a
    county (or a township-level unit: its county), else the whole city (or, for the province,
    its cities). The city's other counties are not drawn grey as if they had no data: they
    are outside the question, not without rows."""
    if level != "county" or not region or region.endswith("00"):
        return geo
    features = [ft for ft in geo["features"] if ft["properties"]["code"] == region[:6]]
    return {"type": "FeatureCollection", "features": features} if features else geo  # its own bounds
