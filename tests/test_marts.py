"""Marts are derived from the fact tables at every publish and agree with them."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.pipeline import load_files


def test_mart_cases_counts_every_case_once_and_follows_a_reload(tmp_path: Path) -> None:
    ledger = tmp_path / "cases.csv"
    rows = ["编号,来源,问题类别,县区,受理日期,状态,办结日期"]
    rows += [f"A{i},{'排查' if i % 3 else '投诉举报'},其他,{'榆次区' if i % 2 else '介休市'},2024-03-0{1 + i % 5},"
             f"{'已整改' if i % 4 else '办理中'},{'2024-04-01' if i % 4 else ''}" for i in range(40)]
    ledger.write_text("\n".join(rows) + "\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    load_files([ledger], warehouse)
    compare = """
        WITH raw AS (SELECT county, source, status, received_on, closed_on, count(*)::BIGINT AS n FROM cases GROUP BY ALL),
             mart AS (SELECT county, source, status, received_on, closed_on, sum(n)::BIGINT AS n FROM mart_cases GROUP BY ALL)
        SELECT (SELECT count(*) FROM cases) = (SELECT sum(n) FROM mart_cases),
               NOT EXISTS (SELECT * FROM raw EXCEPT SELECT * FROM mart) AND NOT EXISTS (SELECT * FROM mart EXCEPT SELECT * FROM raw)"""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(compare).fetchone() == (True, True)
    ledger2 = tmp_path / "more.csv"
    ledger2.write_text("编号,来源,问题类别,县区,受理日期,状态\nB1,排查,其他,平遥县,2024-05-01,办理中\n", encoding="utf-8")
    load_files([ledger2], warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT sum(n) FROM mart_cases").fetchone()[0] == 41
        assert con.execute(compare).fetchone() == (True, True)


def test_mart_case_spans_uses_the_metrics_definition_of_done() -> None:
    from etl import marts
    from metrics import facts

    assert set(marts.DONE) == set(facts.DONE)
