"""Marts: aggregates rebuilt from the fact tables at every publish, for the dashboard.

A mart holds the same rows' counts grouped by what the metrics filter and group on, so a
KPI reads thousands of rows instead of millions. They are derived data: rebuilt in full
inside the load's transaction, never loaded from a file; `tests/test_marts.py` checks
them against the fact tables.
"""

from __future__ import annotations

import duckdb

MARTS = {
    # cases counted per reporting unit, source, category, status, level and the dates the
    # rectification figures compare with a period: received, closed, deadline
    "mart_cases": """
        SELECT county, source, category, status, level, received_on, closed_on, deadline, count(*) AS n
        FROM cases GROUP BY ALL""",
}


def build(con: duckdb.DuckDBPyConnection) -> None:
    for name, select in MARTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
