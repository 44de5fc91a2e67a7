"""The province-scale bench warehouse (`python -m bench scale`) looks like the province."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.scale import EVENT_KEYS, OWNERS, REGISTER_KEYS, register_copies, scale


@pytest.fixture(scope="module")
def spread(demo_wh, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scale") / "x40.duckdb"
    scale(demo_wh.path, target, 40)
    return target


def _one(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_events_grow_by_the_factor_and_registers_cover_the_province_once(demo_wh, spread: Path) -> None:
    for table in EVENT_KEYS:
        (base,) = _one(demo_wh.path, f'SELECT count(*) FROM "{table}"')
        (big,) = _one(spread, f'SELECT count(*) FROM "{table}"')
        assert big == 40 * base, table
    # the demo's twelve county-level units with cases, ten times over, cover the province's 117
    with duckdb.connect(str(demo_wh.path), read_only=True) as con:
        assert register_copies(con, 40, spread=True) == 10
    in_template = """county IN (SELECT DISTINCT coalesce(CASE WHEN r.level = 'township' THEN r.parent_code END, c.county)
                     FROM cases c JOIN regions r ON r.code = c.county
                     UNION SELECT code FROM regions WHERE level = 'township' AND parent_code IN (
                        SELECT DISTINCT coalesce(CASE WHEN r.level = 'township' THEN r.parent_code END, c.county)
                        FROM cases c JOIN regions r ON r.code = c.county))"""
    # (a county given two copies has one fund ledger row a year: below)
    for table in [t for t in REGISTER_KEYS if t not in OWNERS and t != "fund_ledger"]:
        (base, copied) = _one(demo_wh.path, f'SELECT count(*), count(*) FILTER (WHERE {in_template}) FROM "{table}"')
        (big,) = _one(spread, f'SELECT count(*) FROM "{table}"')
        assert big == base + 9 * copied, table
    (communities, units) = _one(spread, "SELECT count(*), count(DISTINCT county) FROM communities")
    assert 20_000 <= communities <= 40_000 and units >= 117  # the province has about 25,000
    # one fund ledger row per county and year (a county given two copies: their sum)
    ledger = "SELECT count(*) FROM (SELECT county, year FROM fund_ledger GROUP BY ALL HAVING count(*) > 1)"
    assert _one(spread, ledger) == _one(demo_wh.path, ledger) == (0,)
    # nothing references a company, community or project that is not there
    for child, key, parent in (
        ("credit_ratings", "company_code", "companies"),
        ("fund_recoveries", "project_id", "fund_arrears"),
        ("committee_party", "community_id", "communities"),
    ):
        sql = f"SELECT count(*) FROM {child} x LEFT JOIN {parent} p USING ({key}) WHERE p.{key} IS NULL"
        assert _one(spread, sql) == _one(demo_wh.path, sql) == (0,), child


def test_cases_cover_every_city_and_county_not_copies_of_the_demos(spread: Path) -> None:
    units, cities = _one(
        spread,
        """
        WITH u AS (SELECT DISTINCT CASE WHEN r.level = 'township' THEN r.parent_code ELSE c.county END AS unit
                   FROM cases c JOIN regions r ON r.code = c.county)
        SELECT count(*), count(DISTINCT r.parent_code) FROM u JOIN regions r ON r.code = u.unit
        """,
    )
    (all_units,) = _one(spread, "SELECT count(*) FROM regions WHERE level = 'county'")
    assert cities == 11
    assert units == all_units == 117
    # the per-county mart grows with the factor (copies of one county would not)
    (mart_units,) = _one(spread, "SELECT count(DISTINCT county) FROM mart_cases")
    assert mart_units >= 117


def test_references_still_join_within_a_copy(spread: Path) -> None:
    (orphans,) = _one(
        spread,
        """
        SELECT count(*) FROM cases c LEFT JOIN communities m USING (community_id)
        WHERE c.community_id IS NOT NULL AND m.community_id IS NULL
        """,
    )
    (base_orphans,) = _one(
        spread,
        """
        SELECT count(*) FROM cases c LEFT JOIN communities m USING (community_id)
        WHERE c.community_id IS NOT NULL AND m.community_id IS NULL AND c.case_id NOT LIKE '%-%'
        """,
    )
    assert orphans == 40 * base_orphans  # a copy adds no dangling reference the demo lacks
    (moved_apart,) = _one(
        spread,
        """
        SELECT count(*) FROM cases c JOIN communities m USING (community_id)
        JOIN regions rc ON rc.code = c.county JOIN regions rm ON rm.code = m.county
        WHERE coalesce(CASE WHEN rc.level = 'township' THEN rc.parent_code END, c.county)
           <> coalesce(CASE WHEN rm.level = 'township' THEN rm.parent_code END, m.county)
          AND c.case_id LIKE '%-%'
        """,
    )
    (apart_in_demo,) = _one(
        spread,
        """
        SELECT count(*) FROM cases c JOIN communities m USING (community_id)
        JOIN regions rc ON rc.code = c.county JOIN regions rm ON rm.code = m.county
        WHERE coalesce(CASE WHEN rc.level = 'township' THEN rc.parent_code END, c.county)
           <> coalesce(CASE WHEN rm.level = 'township' THEN rm.parent_code END, m.county)
          AND c.case_id NOT LIKE '%-%'
        """,
    )
    assert moved_apart == 39 * apart_in_demo  # a case and its community move to the same county
