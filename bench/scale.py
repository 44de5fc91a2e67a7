"""`python -m bench scale`: a warehouse the size of the province, built from the demo.

Every fact table is copied `factor` times with its keys suffixed (the same suffix in every
table, so references still join one to one). With `spread` (the default) each copy is moved
to other county-level units, so the rows cover all 11 cities and 117 counties of the region
table instead of repeating 晋中's thirteen units: `mart_cases` and every per-county answer
grow with the factor as they would in the real province. A township's rows move with its
county (to the target county itself). Dates, amounts and statuses are the demo's.

At factor 500 the cases number about 9 million, the province's several years.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

# Tables copied and the key columns suffixed in each copy; fund_ledger has no key of its
# own (one row per county and year: a spread copy lands in another county).
SCALE_KEYS = {
    "communities": ["community_id", "company_code"],
    "companies": ["company_code"],
    "cases": ["case_id", "community_id", "company_code"],
    "case_events": ["case_id"],
    "fund_arrears": ["project_id"],
    "fund_recoveries": ["project_id"],
    "fund_usages": ["application_id", "community_id"],
    "refunds": ["company_code"],
    "star_ratings": ["community_id", "company_code"],
    "credit_ratings": ["company_code"],
    "company_lists": ["company_code"],
    "committee_party": ["community_id"],
    "company_party": ["company_code"],
    "fund_ledger": [],
}


def _spread_table(con: duckdb.DuckDBPyConnection, factor: int) -> None:
    """`_spread(i, src, dst)`: where copy i puts the rows of region code src.

    The demo's county-level units are laid side by side over the list of all county-level
    units, copy i shifted by i places, so that every county receives about the same number
    of copies; a township goes where its county goes.
    """
    counties = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'county' ORDER BY code").fetchall()]
    used = [
        r[0]
        for r in con.execute(
            """
            SELECT DISTINCT coalesce(CASE WHEN r.level = 'township' THEN r.parent_code END, c.county) AS county
            FROM (SELECT county FROM cases UNION SELECT county FROM communities) c
            LEFT JOIN regions r ON r.code = c.county
            WHERE c.county IS NOT NULL
            ORDER BY 1
            """
        ).fetchall()
    ]
    used = [c for c in used if c in counties]
    rows = []
    for i in range(1, factor):
        for county in used:
            rows.append((i, county, counties[(counties.index(county) + i * len(used)) % len(counties)]))
    con.execute("CREATE OR REPLACE TEMP TABLE _spread (i INTEGER, src VARCHAR, dst VARCHAR)")
    con.executemany("INSERT INTO _spread VALUES (?, ?, ?)", rows)
    # townships follow their county
    con.execute(
        """
        INSERT INTO _spread
        SELECT s.i, r.code, s.dst FROM regions r JOIN _spread s ON s.src = r.parent_code
        WHERE r.level = 'township'
        """
    )


def scale(source: Path, target: Path, factor: int, spread: bool = True) -> None:
    """A copy of `source` with every fact table `factor` times as large, its marts rebuilt."""
    from etl import marts

    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    con.execute("SET enable_progress_bar = false")
    if spread:
        _spread_table(con, factor)
    for table, keys in SCALE_KEYS.items():
        cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
        before, top = con.execute(
            f'SELECT count(*), {"max(_case_no)" if table == "cases" else "0"} FROM "{table}"'
        ).fetchone()

        def column(c: str, keys=keys, top=top) -> str:
            if c in keys:
                return f"x.{c} || '-' || t.i"
            if c == "_case_no":  # a case's number (etl.marts.CASES_DERIVED) is its own in every copy
                return f"x._case_no + t.i * {top}"
            if c == "county" and spread:
                return "coalesce(s.dst, x.county)"
            return f"x.{c}"

        moved = "LEFT JOIN _spread s ON s.i = t.i AND s.src = x.county" if spread and "county" in cols else ""
        con.execute(
            f'INSERT INTO "{table}" SELECT {", ".join(column(c) for c in cols)} '
            f'FROM "{table}" x CROSS JOIN range(1, {factor}) t(i) {moved}'
        )
        if table == "cases":
            marts.keep_cases_in_order(con, before)  # as the loader leaves a table grown this much
    marts.build(con)  # as a publish would
    con.execute("CHECKPOINT")
    con.close()


def run(factor: int, out: Path, spread: bool = True) -> int:
    """Build the demo, scale it into `out`, and say what it holds."""
    import tempfile
    import time

    from etl import demo

    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "demo.duckdb"
        demo.build(base, out_dir=Path(scratch) / "ledgers")
        start = time.perf_counter()
        scale(base, out, factor, spread)
        took = time.perf_counter() - start
    con = duckdb.connect(str(out), read_only=True)
    cases, counties, cities = con.execute(
        """
        WITH unit AS (
            SELECT c.county, CASE WHEN r.level = 'township' THEN r.parent_code ELSE c.county END AS unit
            FROM cases c LEFT JOIN regions r ON r.code = c.county
        )
        SELECT count(*), count(DISTINCT unit.unit), count(DISTINCT r.parent_code)
        FROM unit LEFT JOIN regions r ON r.code = unit.unit
        """
    ).fetchone()
    mart_rows = con.execute("SELECT count(*) FROM mart_cases").fetchone()[0]
    con.close()
    size = out.stat().st_size / 2**20
    print(
        f"{out}: factor {factor}{' spread over the province' if spread else ' (copies of the demo)'}; "
        f"{cases:,} cases in {counties} county-level units of {cities} cities, mart_cases {mart_rows:,} rows; {size:,.0f} MB; built in {took:.1f} s"
    )
    return 0
