"""`python -m bench scale`: a warehouse the size of the province, built from the demo.

The demo is 晋中's thirteen county-level units. With `spread` (the default) copies of it are laid
over the other county-level units, so the rows cover all 11 cities and 117 counties of the region
table instead of repeating 晋中's: `mart_cases` and every per-county answer grow as they would in
the real province. What grows with `factor` is what happens — cases, their events, refunds — so
that at 500 the cases number about 9 million, the province's several years. What a place *is* —
its communities, companies, their ratings, party ledgers and fund accounts (the registers) — is
copied only as many times as it takes to cover the counties once (ten copies of the twelve demo
units with cases over the 105 counties without a case in the demo): about 23,000 communities and 6,000
companies, the province's size (it has about 25,000 communities), not 500 × the demo's (two
million communities, which made every per-community answer 80 times the real work). Copy i of
the events belongs to register copy i mod that number, in its county, and references its
communities and companies. Keys are suffixed per copy; a township's rows move
with its county. Dates, amounts and statuses are the demo's.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import duckdb

# Tables copied and the key columns suffixed in each copy. The registers' keys name the register
# copy; fund_ledger has no key of its own (one row per county and year: a copy lands in another county).
REGISTER_KEYS = {
    "communities": ["community_id", "company_code"],
    "companies": ["company_code"],
    "fund_arrears": ["project_id"],
    "fund_recoveries": ["project_id"],
    "fund_usages": ["application_id", "community_id"],
    "star_ratings": ["community_id", "company_code"],
    "credit_ratings": ["company_code"],
    "company_lists": ["company_code"],
    "committee_party": ["community_id"],
    "company_party": ["company_code"],
    "fund_ledger": [],
}
# Registers without a county of their own: copied when their owner is (a project's recoveries, a
# company's credit ratings).
OWNERS = {"fund_recoveries": ("project_id", "fund_arrears"), "credit_ratings": ("company_code", "companies")}
# The events: their own keys name the event copy, their references to a register its copy.
EVENT_KEYS = {
    "cases": (["case_id"], ["community_id", "company_code"]),
    "case_events": (["case_id"], []),
    "refunds": ([], ["company_code"]),
}
SCALE_KEYS = {**REGISTER_KEYS, **{t: own + refs for t, (own, refs) in EVENT_KEYS.items()}}


def register_copies(con: duckdb.DuckDBPyConnection, factor: int, spread: bool) -> int:
    """How many copies of the registers: enough to cover every county-level unit once when spread
    (at most `factor`), else `factor` (copies of the demo in the demo's counties)."""
    if not spread:
        return factor
    (counties,) = con.execute("SELECT count(*) FROM regions WHERE level = 'county'").fetchone()
    template = len(_template_counties(con))
    return min(factor, 1 + math.ceil((counties - template) / template))


def _template_counties(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The demo's county-level units with cases: those copied over the province (the demo's others,
    晋城's and 阳曲's communities without a case, are there once, as in the demo)."""
    return _counties_of(con, "SELECT county FROM cases")


def _counties_of(con: duckdb.DuckDBPyConnection, rows: str) -> list[str]:
    counties = {r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'county'").fetchall()}
    used = [
        r[0]
        for r in con.execute(
            f"""
            SELECT DISTINCT coalesce(CASE WHEN r.level = 'township' THEN r.parent_code END, c.county) AS county
            FROM ({rows}) c
            LEFT JOIN regions r ON r.code = c.county
            WHERE c.county IS NOT NULL
            ORDER BY 1
            """
        ).fetchall()
    ]
    return [c for c in used if c in counties]


def _spread_table(con: duckdb.DuckDBPyConnection, copies: int) -> None:
    """`_spread(i, src, dst)`: where register copy i puts the rows of region code src.

    Copy 0 is the demo in its own counties; the demo's county-level units with cases are laid side
    by side over the other county-level units, copy 1 after copy 0, …, so that `register_copies`
    copies cover every county (the last wraps round: a few counties get two, a larger county);
    a township goes where its county goes.
    """
    template = _template_counties(con)
    others = [
        r[0]
        for r in con.execute("SELECT code FROM regions WHERE level = 'county' ORDER BY code").fetchall()
        if r[0] not in template
    ]
    rows = []
    for i in range(1, copies):
        for j, county in enumerate(template):
            rows.append((i, county, others[((i - 1) * len(template) + j) % len(others)]))
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
    """A copy of `source` with its events `factor` times as many, its registers copied to cover
    the province once (`register_copies`), its marts rebuilt."""
    from etl import marts

    shutil.copyfile(source, target)
    con = duckdb.connect(str(target))
    con.execute("SET enable_progress_bar = false")
    copies = register_copies(con, factor, spread)
    if spread:
        _spread_table(con, copies)
    tables = {t: (keys, [], copies) for t, keys in REGISTER_KEYS.items()}
    tables.update({t: (own, refs, factor) for t, (own, refs) in EVENT_KEYS.items()})
    for table, (own, refs, n) in tables.items():
        cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
        before, top = con.execute(
            f'SELECT count(*), {"max(_case_no)" if table == "cases" else "0"} FROM "{table}"'
        ).fetchone()

        def column(c: str, own=own, refs=refs, top=top) -> str:
            if c in own:
                return f"x.{c} || '-' || t.i"
            if c in refs:  # register copy 0 is the demo's own, unsuffixed
                return f"CASE WHEN t.i % {copies} = 0 THEN x.{c} ELSE x.{c} || '-' || (t.i % {copies}) END"
            if c == "_case_no":  # a case's number (etl.marts.CASES_DERIVED) is its own in every copy
                return f"x._case_no + t.i * {top}"
            if c == "county" and spread:
                return "coalesce(s.dst, x.county)"
            return f"x.{c}"

        # an event copy lies where its register copy lies; a register is copied only from the
        # counties laid over the province (`_spread`: those with cases)
        moved = (
            f"LEFT JOIN _spread s ON s.i = t.i % {copies} AND s.src = x.county" if spread and "county" in cols else ""
        )
        only = ""
        if spread and table in REGISTER_KEYS:
            key, owner = OWNERS.get(table, (None, None))
            only = (
                "WHERE s.dst IS NOT NULL"
                if moved
                else f"WHERE x.{key} IN (SELECT o.{key} FROM {owner} o JOIN _spread s ON s.i = 1 AND s.src = o.county)"
            )
        con.execute(
            f'INSERT INTO "{table}" SELECT {", ".join(column(c) for c in cols)} '
            f'FROM "{table}" x CROSS JOIN range(1, {n}) t(i) {moved} {only}'
        )
        if table == "cases":
            marts.keep_cases_in_order(con, before)  # as the loader leaves a table grown this much
    if spread:
        _one_ledger_per_county_year(con)
    marts.build(con)  # as a publish would
    con.execute("CHECKPOINT")
    con.close()


def _one_ledger_per_county_year(con: duckdb.DuckDBPyConnection) -> None:
    """A county that got two copies (`_spread` wraps round) has one fund ledger row a year, their sum."""
    cols = [r[0] for r in con.execute("DESCRIBE fund_ledger").fetchall()]
    pick = ", ".join(
        c if c in ("county", "year") else f"sum({c}) AS {c}" if c in ("collected", "used") else f"min({c}) AS {c}"
        for c in cols
    )
    con.execute(f"CREATE TEMP TABLE _ledger AS SELECT {pick} FROM fund_ledger GROUP BY county, year")
    con.execute("DELETE FROM fund_ledger")
    con.execute(f"INSERT INTO fund_ledger SELECT {', '.join(cols)} FROM _ledger")
    con.execute("DROP TABLE _ledger")


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
