"""data/regions.csv: 山西省, its 11 cities, its 117 county-level units (GB/T 2260, 2023
codes) and the townships/streets of 晋中市, read with the csv module only."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions.csv"
COLUMNS = ["code", "name", "short_name", "level", "parent_code", "aliases"]
LEVELS = {"province": 6, "city": 6, "county": 6, "township": 9}  # level -> code length
COUNTY_UNITS = 117

CITIES = {
    "140100": "太原市",
    "140200": "大同市",
    "140300": "阳泉市",
    "140400": "长治市",
    "140500": "晋城市",
    "140600": "朔州市",
    "140700": "晋中市",
    "140800": "运城市",
    "140900": "忻州市",
    "141000": "临汾市",
    "141100": "吕梁市",
}
EXPECTED_COUNTIES = {
    # 晋中市
    "140702": ("榆次区", "140700"),
    "140703": ("太谷区", "140700"),
    "140721": ("榆社县", "140700"),
    "140722": ("左权县", "140700"),
    "140723": ("和顺县", "140700"),
    "140724": ("昔阳县", "140700"),
    "140725": ("寿阳县", "140700"),
    "140727": ("祁县", "140700"),
    "140728": ("平遥县", "140700"),
    "140729": ("灵石县", "140700"),
    "140781": ("介休市", "140700"),
    # 晋城市
    "140502": ("城区", "140500"),
    "140521": ("沁水县", "140500"),
    "140522": ("阳城县", "140500"),
    "140524": ("陵川县", "140500"),
    "140525": ("泽州县", "140500"),
    "140581": ("高平市", "140500"),
    # 太原市, 吕梁市
    "140122": ("阳曲县", "140100"),
    "141181": ("孝义市", "141100"),
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with open(REGIONS, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


@pytest.fixture(scope="module")
def by_code(rows) -> dict[str, dict[str, str]]:
    return {r["code"]: r for r in rows}


def test_codes_are_unique(rows):
    dup = [code for code, n in Counter(r["code"] for r in rows).items() if n > 1]
    assert dup == []


def test_levels_and_code_shapes(rows):
    for r in rows:
        assert r["level"] in LEVELS, r
        assert r["code"].isdigit() and len(r["code"]) == LEVELS[r["level"]], r
        assert r["code"].startswith("14"), r
        assert r["name"] and r["short_name"], r


def test_no_pseudo_rows(rows):
    assert not [r for r in rows if r["name"] in ("市辖区", "县", "省直辖县级行政区划")]
    # NBS-only functional zones (140171 山西转型综合改革示范区 etc.) are not GB/T 2260 units
    assert not [r for r in rows if r["level"] == "county" and r["code"][4] == "7"]


def test_province(by_code):
    p = by_code["140000"]
    assert (p["name"], p["short_name"], p["level"], p["parent_code"]) == ("山西省", "山西", "province", "")


def test_eleven_cities_under_shanxi(rows):
    cities = {r["code"]: r["name"] for r in rows if r["level"] == "city"}
    assert cities == CITIES
    assert all(r["parent_code"] == "140000" for r in rows if r["level"] == "city")


def test_every_county_parent_is_a_city(rows, by_code):
    for r in (r for r in rows if r["level"] == "county"):
        parent = by_code.get(r["parent_code"])
        assert parent is not None and parent["level"] == "city", r
        assert r["code"][:4] == parent["code"][:4], r


def test_county_level_unit_count(rows):
    counties = [r for r in rows if r["level"] == "county"]
    assert len(counties) == COUNTY_UNITS
    per_city = Counter(r["parent_code"] for r in counties)
    assert per_city == {
        "140100": 10,
        "140200": 10,
        "140300": 5,
        "140400": 12,
        "140500": 6,
        "140600": 6,
        "140700": 11,
        "140800": 13,
        "140900": 14,
        "141000": 17,
        "141100": 13,
    }


@pytest.mark.parametrize("code", sorted(EXPECTED_COUNTIES))
def test_named_counties(by_code, code):
    name, parent = EXPECTED_COUNTIES[code]
    r = by_code.get(code)
    assert r is not None, code
    assert (r["name"], r["level"], r["parent_code"]) == (name, "county", parent)


def test_jinzhong_has_exactly_its_eleven_counties(rows):
    got = {r["code"] for r in rows if r["level"] == "county" and r["parent_code"] == "140700"}
    assert got == {c for c, (_, p) in EXPECTED_COUNTIES.items() if p == "140700"}


@pytest.mark.parametrize(
    "name, short",
    [
        ("山西省", "山西"),
        ("晋中市", "晋中"),
        ("榆次区", "榆次"),
        ("介休市", "介休"),
        ("平遥县", "平遥"),
        ("祁县", "祁县"),
        ("城区", "城区"),
        ("杏花岭区", "杏花岭"),
    ],
)
def test_short_names(rows, name, short):
    assert {r["short_name"] for r in rows if r["name"] == name and r["level"] != "township"} == {short}


def test_jinzhong_development_zone(by_code):
    r = by_code.get("140702401")
    assert r is not None
    assert (r["name"], r["level"], r["parent_code"]) == ("晋中开发区", "township", "140702")
    assert {"山西转型综合改革示范区晋中开发区", "晋中经济技术开发区"} <= set(r["aliases"].split("|"))


def test_townships_sit_under_jinzhong_counties(rows, by_code):
    towns = [r for r in rows if r["level"] == "township"]
    assert towns
    for r in towns:
        parent = by_code.get(r["parent_code"])
        assert parent is not None and parent["level"] == "county" and parent["parent_code"] == "140700", r
        assert r["code"][:6] == r["parent_code"], r


def test_aliases_are_well_formed(rows):
    for r in rows:
        aliases = r["aliases"].split("|") if r["aliases"] else []
        assert all(a.strip() == a and a for a in aliases), r
        assert r["name"] not in aliases, r
