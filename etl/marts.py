"""Marts: aggregates kept up to date from the fact tables at every publish, for the dashboard.

A mart holds the same rows' counts (and sums) grouped by exactly what the metrics filter
and group on, so a KPI reads thousands of rows instead of millions, and the joins a
metric needs (a rating to its community's county, a recovery to its arrears project) are
made once per publish instead of once per view. They are derived data, never loaded from a
file: inside the load's transaction a publish rebuilds only the rows of the units (counties,
or cases for the trail) its loads wrote or deleted rows of (`refresh`), so that a county's
daily ledger costs what it holds, not what the province's warehouse holds (`python -m bench
publish`). `tests/test_marts.py` checks the metrics read from them against the same metrics
computed from the fact tables, `tests/test_marts_incremental.py` every mart against a full
rebuild after a sequence of loads, corrections and moves.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl import case_state, deadlines
from etl.sql import ident, literal, literals
from vocab.datasets_cases import HOTLINE_SOURCES, LEVELS

DONE = ("已整改", "已办结")  # the statuses of a rectified case, as metrics.facts.DONE
DONE_SQL = literals(DONE)

# Columns the cases table carries for the marts, computed as its rows are written (etl.pipeline):
# `_case_no`, a number no other case of the warehouse holds (a count of distinct cases is an
# integer hash), and `_done_until`, the day from which the case counts as rectified (its closing
# day when its status is 已整改/已办结 — metrics.facts.DONE, checked by tests/test_marts.py — else
# 9999-12-31); and, computed at the publish (etl/deadlines.py `refresh_due`), `_due`, the case's deadline by
# etl/deadlines.py (its row's, else the deadline rules'), under the rules stamped in `mart_stamps`. Each load writes its cases in `_done_until` order, so that "open at day d" —
# `done_until > d` — skips the row groups of cases closed long before d, and `mart_case_spans`
# is a view of the cases table rather than a second copy of every case (a copy cost as much as
# loading the cases themselves: `python -m bench etl`).
CASES_DERIVED = (("_case_no", "BIGINT"), ("_done_until", "DATE"), ("_due", "DATE"))
CASES_ORDER = "_done_until, received_on"
TRAIL_ORDER = "action, happened_on"


def done_until_sql(alias: str) -> str:
    return (
        f"CASE WHEN {alias}.status IN {DONE_SQL} AND {alias}.closed_on IS NOT NULL THEN {alias}.closed_on "
        "ELSE DATE '9999-12-31' END"
    )


def settled_sql(c: str) -> str:
    """The case `c` (of mart_case_spans) is settled (调处办结: rectified or closed, metrics/mediation.py)
    at a known level (the ledger's 当前层级 at closing)."""
    return f"{c}.level IN {literals(LEVELS)} AND {c}.done_until < DATE '9999-12-31'"


VIEWS = {
    # every case (the columns the escalation lists show) with `case_no` and `done_until`
    "mart_case_spans": """
        SELECT c._case_no AS case_no, c.case_id, c.county, c.street, c.community_id, c.company_code, c.source,
               c.category, c.status, c.level, c.received_on, c.deadline, c.closed_on, c.reporter_phone,
               c.description, c._done_until AS done_until, c._due AS due
        FROM cases c""",
    # the cases that ran past the deadline in their row (not done by it): the watch lists count
    # those whose deadline fell in their twelve months (a view: a copy cost a third of a load)
    "mart_late_cases": """
        SELECT case_no, case_id, county, company_code, status, closed_on, deadline, done_until
        FROM mart_case_spans WHERE deadline IS NOT NULL AND done_until > deadline""",
}


# Where a mart's `select` says where its rows are placed, the refresh writes its conditions there
# instead of after the select: the settled cases whose stays it computes must be the touched ones
# only (their trail is read by a semi-join on them), and a condition after the select filters its
# rows after computing them for every case.
PLACED = "/* placed */ TRUE"


@dataclass(frozen=True)
class Mart:
    """A mart: `select … FROM …` (or a statement that says where its rows are placed: PLACED) and
    its `GROUP BY`/`ORDER BY` tail; `unit`, the mart's column that places a row (a county, or a case
    for the trail), and `source_unit`, the same value computed from the facts in `select`; `touched`,
    SQL over `_changed` (what a load wrote and deleted) giving every unit whose rows that load may
    have changed, old and new."""

    select: str
    tail: str
    unit: str
    source_unit: str
    touched: str
    also: tuple[str, ...] = ()  # more expressions equal to the unit, filtered too (a join's other side)
    nullable: bool = True  # whether the unit can be NULL (its rows are placed by '')
    # an integer column equal one to one to the unit (the mart's, and the same in `select`), and
    # SQL giving the touched units' numbers, old and new: then rows are deleted and the facts
    # filtered by the number (an integer semi-join) instead of the unit's string
    number: str = ""
    source_number: str = ""
    numbers: str = ""


# the units of rows that join another table by `key`, through that table's current rows
def _via(table: str, key: str, changed: str) -> str:
    return (
        f"SELECT t.county FROM {table} t WHERE t.{key} IN (SELECT {key} FROM _changed WHERE tbl = {literal(changed)})"
    )


# the 未匹配 unit (rows whose place is unknown), touched whenever one of `tables` changed
def _unmatched(*tables: str) -> str:
    return f" UNION ALL SELECT '未匹配' WHERE EXISTS (SELECT 1 FROM _changed WHERE tbl IN {literals(tables)})"


# the units of credit ratings a load may have moved: placed by their company's registered county
_COMPANY_UNITS = (
    "SELECT county FROM _changed WHERE tbl = 'companies' UNION ALL "
    + _via("companies", "company_code", "credit_ratings")
    + _unmatched("credit_ratings", "companies")
)


# The numbers of the cases a load touched: tracked with its row when the case was written or deleted
# (the old and the new number), else (only its events changed) the number it keeps in `cases`.
_CASE_NUMBERS = """SELECT case_no FROM _changed WHERE tbl = 'cases' UNION ALL
    SELECT c._case_no FROM cases c WHERE c.case_id IN (SELECT case_id FROM _changed WHERE tbl = 'case_events')"""


MARTS = {
    # cases counted per reporting unit, source, category, status, level and the dates the
    # rectification figures compare with a period: received, closed, deadline (the row's, and `due`:
    # the row's else the rules', see deadlines.refresh_due)
    "mart_cases": Mart(
        """SELECT county, source, category, status, level, received_on, closed_on, deadline, _due AS due, count(*) AS n
        FROM cases""",
        "GROUP BY ALL",
        "county",
        "county",
        "SELECT county FROM _changed WHERE tbl = 'cases'",
    ),
    # the hotline's 工单 (metrics/hotline.py) counted per unit, the dates its 三率 compare with a period
    # (received, responded, visited), the visit's result and the working days to the response
    "mart_hotline": Mart(
        f"""SELECT c.county, c.received_on, c.responded_on, c.visited_on, c.satisfaction, c.resolved,
               rc.workday_index - cc.workday_index AS response_workdays, count(*) AS n
        FROM (SELECT * FROM cases WHERE source IN {literals(HOTLINE_SOURCES)}) c
        LEFT JOIN calendar cc ON cc.day = c.received_on LEFT JOIN calendar rc ON rc.day = c.responded_on""",
        "GROUP BY ALL",
        "county",
        "c.county",
        "SELECT county FROM _changed WHERE tbl = 'cases'",
    ),
    # the cases settled (调处办结) at a known level, counted per unit, level and day (metrics/mediation.py)
    "mart_settled": Mart(
        f"""SELECT c.county, c.level, c.done_until, count(*) AS n
        FROM (SELECT * FROM mart_case_spans c WHERE {settled_sql("c")}) c""",
        "GROUP BY ALL",
        "county",
        "c.county",
        "SELECT county FROM _changed WHERE tbl = 'cases'",
    ),
    # communities counted by what the coverage figures take at a date: management type now, since
    # when and before, owners' organisation and when it was formed
    "mart_communities": Mart(
        """SELECT county, management_type, managed_since, previous_management_type, committee, committee_formed_on,
               count(*) AS n
        FROM communities""",
        "GROUP BY ALL",
        "county",
        "county",
        "SELECT county FROM _changed WHERE tbl = 'communities'",
    ),
    # star ratings per unit (the rating's own county, else its community's; 未匹配 when neither), year, stars
    "mart_star_ratings": Mart(
        """SELECT coalesce(s.county, c.county, '未匹配') AS unit, s.year, s.stars, count(*) AS n
        FROM star_ratings s LEFT JOIN communities c USING (community_id)""",
        "GROUP BY ALL",
        "unit",
        "coalesce(s.county, c.county, '未匹配')",
        "SELECT county FROM _changed WHERE tbl IN ('star_ratings', 'communities') UNION ALL "
        + _via("communities", "community_id", "star_ratings")
        + _unmatched("star_ratings", "communities"),
    ),
    # credit ratings per unit (the company's registered county; 未匹配 when the register does not know it),
    # year and grade
    "mart_credit_ratings": Mart(
        """SELECT coalesce(c.county, '未匹配') AS unit, r.year, r.grade, count(*) AS n
        FROM credit_ratings r LEFT JOIN companies c USING (company_code)""",
        "GROUP BY ALL",
        "unit",
        "coalesce(c.county, '未匹配')",
        _COMPANY_UNITS,
    ),
    # a company's grade in a year against its grade the year before, per unit
    "mart_credit_moves": Mart(
        """SELECT coalesce(c.county, '未匹配') AS unit, r1.year AS year_to, r0.grade AS grade_from,
               r1.grade AS grade_to, count(*) AS n
        FROM credit_ratings r1
        JOIN credit_ratings r0 ON r0.company_code = r1.company_code AND r0.year = r1.year - 1
        LEFT JOIN companies c ON c.company_code = r1.company_code""",
        "GROUP BY ALL",
        "unit",
        "coalesce(c.county, '未匹配')",
        _COMPANY_UNITS,
    ),
    # arrears projects per unit and listing date
    "mart_arrears": Mart(
        "SELECT county, listed_on, sum(amount_due) AS amount_due, count(*) AS projects FROM fund_arrears",
        "GROUP BY ALL",
        "county",
        "county",
        "SELECT county FROM _changed WHERE tbl = 'fund_arrears'",
    ),
    # recoveries of listed projects per the project's unit and listing date, the recovery's date and channel
    "mart_recoveries": Mart(
        """SELECT a.county, a.listed_on, r.recovered_on, r.channel, sum(r.amount) AS amount, count(*) AS recoveries
        FROM fund_recoveries r JOIN fund_arrears a USING (project_id)""",
        "GROUP BY ALL",
        "county",
        "a.county",
        "SELECT county FROM _changed WHERE tbl = 'fund_arrears' UNION ALL "
        + _via("fund_arrears", "project_id", "fund_recoveries"),
    ),
    # the trail's events with what the escalation lists show of their case (unit, company,
    # community, category, `done_until`), so that they need no join to the cases; `case_no` (the
    # case's row number in this published file) makes counting distinct cases an integer hash;
    # ordered by action and date so that a query for some actions in a period reads only their
    # row groups (rows refreshed by a load are appended in that order: see keep_in_order)
    "mart_case_trail": Mart(
        """SELECT c.case_no, e.case_id, e.happened_on, e.action, e.to_level, e.organ, e.note,
               c.county, c.company_code, c.community_id, c.category, c.done_until
        FROM case_events e JOIN mart_case_spans c USING (case_id)""",
        f"ORDER BY {TRAIL_ORDER}",
        "case_id",
        "e.case_id",
        "SELECT case_id FROM _changed WHERE tbl IN ('cases', 'case_events')",
        nullable=False,
        number="case_no",
        source_number="c.case_no",  # so that the cases are filtered before the join, not after
        numbers=_CASE_NUMBERS,
    ),
    # each settled case's stays at each level and their working days (etl/case_state.py, 三级调处:
    # metrics/mediation.py), one row per stay with the case's unit and settlement day
    "mart_case_stays": Mart(
        f"""WITH settled AS (SELECT * FROM mart_case_spans c WHERE {settled_sql("c")} AND {PLACED})
        SELECT c.case_no, c.case_id, c.county, c.done_until, st.level, st.workdays
        FROM settled c JOIN ({case_state.stays_sql("settled")}) st USING (case_no)""",
        "ORDER BY c.done_until",
        "case_id",
        "c.case_id",
        "SELECT case_id FROM _changed WHERE tbl IN ('cases', 'case_events')",
        nullable=False,
        number="case_no",
        source_number="c.case_no",
        numbers=_CASE_NUMBERS,
    ),
    # each case's state on the ledger's trail as it stands (etl/case_state.py: its level, escalations
    # and the latest of them), and the last day of a move or escalation (`trail_until`): the 督办
    # page reads it for the cases whose trail ends by its as-of date, and counts the others
    "mart_case_state": Mart(
        f"""SELECT c.case_no, e.case_id, {case_state.state_sql("e")}, max(e.happened_on) AS trail_until
        FROM (SELECT * FROM case_events WHERE action IN {literals(case_state.ACTIONS)}) e
        JOIN mart_case_spans c USING (case_id)""",
        "GROUP BY c.case_no, e.case_id",
        "case_id",
        "e.case_id",
        "SELECT case_id FROM _changed WHERE tbl IN ('cases', 'case_events')",
        nullable=False,
        number="case_no",
        source_number="c.case_no",
        numbers=_CASE_NUMBERS,
    ),
}

# What a load changed, recorded as it writes (etl.pipeline, through `track`): per fact table, of
# every row it deleted and every row it inserted, the values that place the row in a mart (its
# county, and the keys other tables join it by). `refresh` rebuilds only the mart rows those
# values reach; the marts stay equal to a full rebuild (tests/test_marts_incremental.py).
TRACKED = ("county", "community_id", "company_code", "case_id", "project_id")


def track(con: duckdb.DuckDBPyConnection, table: str, where: str, params: list | None = None) -> None:
    """Record the placing values of `table`'s rows matching `where` in `_changed`."""
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS _changed (tbl VARCHAR, {', '.join(f'{c} VARCHAR' for c in TRACKED)}, "
        "case_no BIGINT)"
    )
    columns = {r[0] for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()}
    values = ", ".join([*(c if c in columns else "NULL" for c in TRACKED), "_case_no" if table == "cases" else "NULL"])
    con.execute(
        f"""INSERT INTO _changed SELECT DISTINCT {literal(table)}, {values} FROM {ident(table)} WHERE {where}""",
        params or [],
    )


def _names(con: duckdb.DuckDBPyConnection, kind: str = "table") -> set[str]:
    """The names of the (not temporary) tables, or views, there are: one query, not one a name
    (each costs about a millisecond, and `refresh` asks for every mart on every publish)."""
    source = "table_name FROM duckdb_tables()" if kind == "table" else "view_name FROM duckdb_views()"
    return {r[0] for r in con.execute(f"SELECT {source} WHERE NOT temporary").fetchall()}


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every mart from all rows, in order: a later mart may read an earlier one (or a view)."""
    deadlines.refresh_due(con, everything=True)
    tables = _names(con)
    for name, select in VIEWS.items():
        if name in tables:
            con.execute(f"DROP TABLE {name}")  # a warehouse written when it was a table
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {select}")
    for name, mart in MARTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {mart.select} {mart.tail}")
    con.execute(
        "INSERT OR REPLACE INTO layout SELECT 'mart_case_trail', n, n FROM (SELECT count(*) AS n FROM mart_case_trail)"
    )
    con.execute("DROP TABLE IF EXISTS _changed")


def _changes(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this connection's loads recorded changes (`_changed`, see track)."""
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = '_changed' AND temporary"
    return bool(con.execute(sql).fetchone()[0])


def _placed(mart: Mart, expression: str) -> str:
    """SQL: the row's `expression` (its unit) is one of `_units`."""
    value = f"coalesce({expression}, '')" if mart.nullable else expression
    return f"{value} IN (SELECT u FROM _units)"


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Bring the marts up to date with what this connection's loads changed (`_changed`): only
    the units they touched are rebuilt. A warehouse without its marts (or its views), or one
    whose changes were not tracked, is rebuilt in full."""
    complete = set(MARTS) <= _names(con) and set(VIEWS) <= _names(con, "view")
    if not complete:
        build(con)
        return
    edited = deadlines.refresh_due(con, written=_changes(con))
    if edited:  # the deadline rules changed since the last publish: cases of every unit may have moved
        cases = MARTS["mart_cases"]
        con.execute(f"CREATE OR REPLACE TABLE mart_cases AS {cases.select} {cases.tail}")
    if not _changes(con):
        return  # nothing written since the marts were built
    for name, mart in MARTS.items():
        if edited and name == "mart_cases":
            continue
        # CREATE TABLE AS answers with the number of rows it wrote: no second query for it
        units = con.execute(
            f"CREATE OR REPLACE TEMP TABLE _units AS SELECT DISTINCT coalesce(u, '') AS u FROM ({mart.touched}) t(u)"
        ).fetchone()[0]
        if not units:
            continue
        placed = [_placed(mart, e) for e in (mart.source_unit, *mart.also)]
        if mart.numbers:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE _numbers AS SELECT DISTINCT n FROM ({mart.numbers}) t(n) WHERE n IS NOT NULL"
            )
            con.execute(f"DELETE FROM {name} WHERE {mart.number} IN (SELECT n FROM _numbers)")
            placed.append(f"{mart.source_number} IN (SELECT n FROM _numbers)")
        else:
            con.execute(f"DELETE FROM {name} WHERE {_placed(mart, mart.unit)}")
        trail = name == "mart_case_trail"
        before = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] if trail else 0
        if PLACED in mart.select:
            select = mart.select.replace(PLACED, " AND ".join(placed))
            con.execute(f"INSERT INTO {name} {select} {mart.tail}")
        else:
            con.execute(f"INSERT INTO {name} {mart.select} WHERE {' AND '.join(placed)} {mart.tail}")
        if trail:
            keep_in_order(con, name, TRAIL_ORDER, before)
    con.execute("DROP TABLE IF EXISTS _units")
    con.execute("DROP TABLE IF EXISTS _numbers")
    con.execute("DROP TABLE _changed")


# Each load appends its cases in order, but many small loads leave a table whose row groups each
# hold open cases (done_until 9999-12-31) and so can never be skipped. When the cases written
# since the table was last put in order pass a fifth of it (and it spans several row groups),
# it is rewritten in order once: an amortised cost, like an LSM tree's compaction.
ROW_GROUP = 122_880
REORDER_SHARE = 0.2


def keep_cases_in_order(con: duckdb.DuckDBPyConnection, before: int) -> bool:
    """After cases were written into a table that held `before` rows: see keep_in_order."""
    return keep_in_order(con, "cases", CASES_ORDER, before)


def keep_in_order(con: duckdb.DuckDBPyConnection, table: str, order: str, before: int) -> bool:
    """After rows were appended to `table` (which held `before` rows, the last ones possibly
    deleted since): rewrite it in `order` if enough of it is out of order (see REORDER_SHARE);
    returns whether the whole table is in order. `layout` remembers how many rows the last
    ordered write covered; a load into an empty table is in order as written."""
    total = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    row = con.execute("SELECT sorted_rows FROM layout WHERE table_name = ?", [table]).fetchone()
    in_order = min(row[0] if row else 0, before)
    if before == 0:  # this load's rows, written in order, are all of it
        in_order = total
    elif total >= 2 * ROW_GROUP and total - in_order > REORDER_SHARE * total:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table} ORDER BY {order}")
        in_order = total
    in_order = min(in_order, total)
    con.execute("INSERT OR REPLACE INTO layout VALUES (?, ?, ?)", [table, in_order, total])
    return in_order == total


def fill_cases_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Number and date the cases written before the cases table carried CASES_DERIVED."""
    con.execute(f"""UPDATE cases SET _case_no = rowid + 1 + (SELECT coalesce(max(_case_no), 0) FROM cases),
                    _done_until = {done_until_sql("cases")} WHERE _case_no IS NULL""")
