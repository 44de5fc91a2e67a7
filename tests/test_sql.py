"""SQL fragments with named parameters and the one quoting (etl/sql.py), run on DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.sql import FALSE, TRUE, Sql, ident, insert_columns, literal, literals
from metrics.filters import Filter, Scope, period_sql, region_sql, where


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("CREATE TABLE t (county VARCHAR, day DATE, n INTEGER)")
    con.execute(
        """INSERT INTO t VALUES ('140702', DATE '2024-01-05', 1), ('140702', DATE '2024-03-01', 2),
        ('140721', DATE '2024-01-10', 4), ('140502', DATE '2024-01-20', 8)"""
    )
    yield con
    con.close()


def run(con, q: Sql):
    return con.execute(q.text, q.params).fetchall()


def test_fragments_compose_by_writing_their_text_and_merging_their_values(con) -> None:
    f = Filter.from_query("140700", "2024-01-01", "2024-01-31")
    region = region_sql("county", f, Scope(("140702", "140500"), False))
    period = period_sql("day", f)
    q = Sql.of(f"SELECT sum(n) FROM t WHERE {region} AND {period} AND n < $most", region, period, most=5)
    assert q.params == {
        "region": "1407",
        "scope_0": "140702",
        "scope_1": "1405",
        "start": dt.date(2024, 1, 1),
        "end": dt.date(2024, 1, 31),
        "most": 5,
    }
    assert run(con, q) == [(1,)]  # 140702 in January; 140721 is outside the scope, 140502 outside the filter
    # where() parenthesises and ANDs; none is TRUE
    both = where(region, period)
    assert both.text == f"({region.text}) AND ({period.text})" and both.params == {**region.params, **period.params}
    assert where() == TRUE
    assert run(con, "SELECT sum(n) FROM t WHERE " + both) == [(1,)]


def test_a_fragment_written_twice_binds_its_names_once(con) -> None:
    region = region_sql("county", Filter.from_query("140702"), Scope(None))
    q = Sql.of(
        f"SELECT (SELECT sum(n) FROM t WHERE {region}) + (SELECT count(*) FROM t WHERE {region})", region, region
    )
    assert q.params == {"region": "140702"} and run(con, q) == [(5,)]
    assert (region + " OR " + region).params == {"region": "140702"}


def test_one_name_bound_to_two_values_raises_instead_of_one_winning() -> None:
    this_month = period_sql("day", Filter.from_query(None, "2024-02-01", "2024-02-29"))
    month_before = period_sql("day", Filter.from_query(None, "2024-01-01", "2024-01-31"))
    with pytest.raises(ValueError, match=r"\$start is bound to two values"):
        Sql.of(f"{this_month} OR {month_before}", this_month, month_before)
    with pytest.raises(ValueError, match=r"\$start"):
        this_month + " OR " + month_before
    with pytest.raises(ValueError, match=r"\$start"):
        Sql.join(" OR ", [this_month, month_before])
    with pytest.raises(ValueError, match=r"\$limit"):
        Sql.of("LIMIT $limit", Sql.of("", limit=1), limit=2)
    # equal but of another type is another value: 1 and True, a date and a datetime
    with pytest.raises(ValueError):
        Sql.of("$x", Sql.of("$x", x=1), x=True)
    with pytest.raises(ValueError):
        Sql.of("$d", Sql.of("$d", d=dt.date(2024, 1, 1)), d=dt.datetime(2024, 1, 1))


def test_duckdb_refuses_a_fragment_written_without_its_values_or_values_without_their_text(con) -> None:
    region = region_sql("county", Filter.from_query("140702"), Scope(None))
    with pytest.raises(duckdb.Error):
        con.execute(f"SELECT count(*) FROM t WHERE {region}", {}).fetchall()
    with pytest.raises(duckdb.Error):
        run(con, Sql.of("SELECT count(*) FROM t", region))


def test_join_plus_and_the_constants() -> None:
    a, b = Sql.of("x = $x", x=1), Sql.of("y = $y", y=2)
    assert Sql.join(" AND ", [a, b]) == Sql("x = $x AND y = $y", {"x": 1, "y": 2})
    assert Sql.join(" AND ", []) == Sql("") and Sql.join(" AND ", [], empty="TRUE") == TRUE
    assert "WHERE " + a + " LIMIT 3" == Sql("WHERE x = $x LIMIT 3", {"x": 1})
    assert str(a) == "x = $x" and f"({b})" == "(y = $y)"
    assert region_sql("county", Filter(), Scope((), False)) == FALSE  # a scope of no region sees nothing
    with pytest.raises(ValueError, match="not a parameter name"):
        Sql("SELECT $1", {"1": 1})
    values = {"x": 1}
    frozen = Sql("$x", values)
    values["x"] = 2  # the fragment keeps its own copy
    assert frozen.params == {"x": 1}


def test_names_and_constants_are_quoted_one_way(con) -> None:
    odd = 'a "quoted" name'
    con.execute(f"CREATE TABLE {ident(odd)} ({ident('it' + chr(34) + 's')} VARCHAR)")
    con.execute(f"INSERT INTO {ident(odd)} VALUES ({literal(chr(39) + 'tis it' + chr(39) + 's')})")
    assert con.execute(f"SELECT * FROM {ident(odd)}").fetchall() == [("'tis it's",)]
    assert ident('a"b') == '"a""b"' and literal("it's") == "'it''s'"
    assert literals(("已整改", "O'Neil")) == "('已整改', 'O''Neil')"
    assert con.execute(f"SELECT 'O''Neil' IN {literals(['x', chr(79) + chr(39) + 'Neil'])}").fetchone() == (True,)


def test_insert_columns_writes_rows_given_column_by_column(con) -> None:
    con.execute("CREATE TABLE c (name VARCHAR, day DATE, n INTEGER)")
    insert_columns(con, "c", [["a", None], [dt.date(2024, 1, 1), dt.date(2024, 1, 2)], [1, 2]])
    insert_columns(con, "c", [[], [], []])  # nothing to write
    assert con.execute("SELECT * FROM c ORDER BY n").fetchall() == [
        ("a", dt.date(2024, 1, 1), 1),
        (None, dt.date(2024, 1, 2), 2),
    ]


def test_the_warehouse_reads_a_fragment_with_its_own_values(tmp_path) -> None:
    from metrics.db import Warehouse

    path = tmp_path / "w.duckdb"
    with duckdb.connect(str(path)) as w:
        w.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('140702', 1), ('140721', 2)) v(county, n)")
    wh = Warehouse(path)
    try:
        for code, n in (("140702", 1), ("140721", 2)):  # the same text, other values: another answer
            region = region_sql("county", Filter.from_query(code), Scope(None))
            assert wh.rows(Sql.of(f"SELECT sum(n) FROM t WHERE {region}", region)) == [(n,)]
            assert wh.frame(Sql.of(f"SELECT n FROM t WHERE {region}", region))["n"].tolist() == [n]
        with pytest.raises(TypeError):
            wh.rows(Sql.of("SELECT $n", n=1), {"n": 2})  # its values travel with it, never beside it
    finally:
        wh.close()
