"""The province-scale bench warehouse (`python -m bench scale`) looks like the province."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from bench.scale import SCALE_KEYS, scale


@pytest.fixture(scope="module")
def spread(demo_wh, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("scale") / "x40.duckdb"
    scale(demo_wh.path, target, 40)
    return target


def _one(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchone()


def test_every_fact_table_grows_by_the_factor(demo_wh, spread: Path) -> None:
    for table in SCALE_KEYS:
        (base,) = _one(demo_wh.path, f'SELECT count(*) FROM "{table}"')
        (big,) = _one(spread, f'SELECT count(*) FROM "{table}"')
        assert big == 40 * base, table


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
