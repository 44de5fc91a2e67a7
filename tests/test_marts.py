"""Marts are derived from the fact tables at every publish and agree with them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl.pipeline import load_files


def test_mart_cases_counts_every_case_once_and_follows_a_reload(tmp_path: Path) -> None:
    ledger = tmp_path / "cases.csv"
    rows = ["编号,来源,问题类别,县区,受理日期,状态,办结日期"]
    rows += [
        f"A{i},{'排查' if i % 3 else '投诉举报'},其他,{'榆次区' if i % 2 else '介休市'},2024-03-0{1 + i % 5},"
        f"{'已整改' if i % 4 else '办理中'},{'2024-04-01' if i % 4 else ''}"
        for i in range(40)
    ]
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
    ledger2.write_text(
        "编号,来源,问题类别,县区,受理日期,状态\nB1,排查,其他,平遥县,2024-05-01,办理中\n", encoding="utf-8"
    )
    load_files([ledger2], warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT sum(n) FROM mart_cases").fetchone()[0] == 41
        assert con.execute(compare).fetchone() == (True, True)


def test_mart_case_spans_uses_the_metrics_definition_of_done() -> None:
    from etl import marts
    from metrics import facts

    assert set(marts.DONE) == set(facts.DONE)


def _cases_csv(path: Path, ids: range, status: str = "已整改", prefix: str = "A") -> Path:
    rows = ["编号,来源,问题类别,县区,受理日期,状态,办结日期"]
    rows += [
        f"{prefix}{i},排查,其他,榆次区,2024-03-{1 + i % 28:02d},{status if i % 3 else '办理中'},"
        f"{f'2024-04-{1 + (i * 7) % 28:02d}' if i % 3 else ''}"
        for i in ids
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_case_spans_is_every_case_once_numbered_and_each_load_is_written_in_its_order(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load_files([_cases_csv(tmp_path / "a.csv", range(60))], warehouse)
    load_files([_cases_csv(tmp_path / "b.csv", range(40, 90), status="已办结")], warehouse)  # 20 replaced
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT count(*), count(DISTINCT case_no), count(case_no) FROM mart_case_spans"
        ).fetchone() == (90, 90, 90)
        # done_until by the one definition of done
        assert con.execute("""SELECT count(*) FROM mart_case_spans WHERE done_until <> CASE WHEN status IN
            ('已整改', '已办结') AND closed_on IS NOT NULL THEN closed_on ELSE DATE '9999-12-31' END""").fetchone() == (
            0,
        )
        # each load's rows lie in done_until order: "open at d" skips the row groups closed before d
        assert con.execute("""SELECT count(*) FROM (SELECT _done_until < lag(_done_until) OVER
            (PARTITION BY _load_id ORDER BY rowid) AS back FROM cases) WHERE back""").fetchone() == (0,)
        # the trail's case numbers are the cases' own
        assert con.execute(
            "SELECT count(*) FROM mart_case_trail t ANTI JOIN cases c ON c._case_no = t.case_no"
        ).fetchone() == (0,)


def test_a_warehouse_written_before_cases_carried_their_numbers_is_migrated(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load_files([_cases_csv(tmp_path / "a.csv", range(30))], warehouse)
    with duckdb.connect(str(warehouse)) as con:  # as an older version of the loader left it
        con.execute("DROP VIEW mart_case_spans")
        con.execute("ALTER TABLE cases DROP COLUMN _case_no")
        con.execute("ALTER TABLE cases DROP COLUMN _done_until")
        con.execute("CREATE TABLE mart_case_spans AS SELECT rowid AS case_no, * FROM cases")

    load_files([_cases_csv(tmp_path / "b.csv", range(5), prefix="B")], warehouse)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'mart_case_spans'"
        ).fetchone() == ("VIEW",)
        assert con.execute(
            "SELECT count(*), count(DISTINCT case_no), count(done_until) FROM mart_case_spans"
        ).fetchone() == (35, 35, 35)


def test_many_small_loads_leave_the_cases_in_order_once_they_pass_a_fifth(tmp_path: Path, monkeypatch) -> None:
    """Appended loads are each in order; once the rows appended since the table was last put in
    order pass REORDER_SHARE of it, the table is rewritten in order (row groups made tiny here)."""
    from etl import marts

    monkeypatch.setattr(marts, "ROW_GROUP", 10)
    warehouse = tmp_path / "w.duckdb"
    load_files([_cases_csv(tmp_path / "a.csv", range(100))], warehouse)
    out_of_order = """SELECT count(*) FROM (SELECT _done_until < lag(_done_until) OVER (ORDER BY rowid) AS back
                      FROM cases) WHERE back"""
    states = []
    for k in range(4):  # 10 new cases each: the 3rd append passes a fifth of the table
        load_files([_cases_csv(tmp_path / f"b{k}.csv", range(10), prefix=f"B{k}-")], warehouse)
        with duckdb.connect(str(warehouse), read_only=True) as con:
            states.append(
                (
                    con.execute("SELECT sorted_rows FROM layout").fetchone()[0],
                    con.execute(out_of_order).fetchone()[0] == 0,
                )
            )
    assert states == [(100, False), (100, False), (130, True), (130, False)]


# ---------------------------------------------------------------- every mart equals its facts, on the demo


def _mart_vs_facts(name: str) -> str:
    """SQL: (rows of the mart its defining select over the facts does not give, rows that select
    gives that the mart lacks), compared as multisets (EXCEPT ALL both ways)."""
    from etl import marts

    mart = marts.MARTS[name]
    facts = f"SELECT * FROM ({mart.select} {mart.tail})"
    return f"""SELECT (SELECT count(*) FROM (SELECT * FROM {name} EXCEPT ALL {facts})),
                      (SELECT count(*) FROM ({facts} EXCEPT ALL SELECT * FROM {name}))"""


def _mart_names() -> list[str]:
    from etl import marts

    return sorted(marts.MARTS)


@pytest.mark.parametrize("name", _mart_names())
def test_every_mart_of_the_demo_equals_its_recomputation_from_the_facts(demo_wh, name: str) -> None:
    assert demo_wh.rows(f"SELECT count(*) FROM {name}")[0][0] > 0, f"{name} is empty on the demo: nothing compared"
    assert demo_wh.rows(_mart_vs_facts(name)) == [(0, 0)]


@pytest.mark.parametrize("name", _mart_names())
def test_the_mart_comparison_catches_a_changed_row(demo_wh, name: str, tmp_path: Path) -> None:
    """The comparison above can fail: one mart row changed in a copy of the demo is caught."""
    import shutil

    from etl import marts

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_wh.path, copy)
    with duckdb.connect(str(copy)) as con:
        column = marts.MARTS[name].unit
        con.execute(f"UPDATE {name} SET {column} = {column} || '改' WHERE rowid = (SELECT min(rowid) FROM {name})")
        assert con.execute(_mart_vs_facts(name)).fetchone() == (1, 1)
