"""Marts: aggregates rebuilt from the fact tables at every publish, for the dashboard.

A mart holds the same rows' counts (and sums) grouped by exactly what the metrics filter
and group on, so a KPI reads thousands of rows instead of millions, and the joins a
metric needs (a rating to its community's county, a recovery to its arrears project) are
made once per publish instead of once per view. They are derived data: rebuilt in full
inside the load's transaction, never loaded from a file; `tests/test_marts.py` checks
the metrics read from them against the same metrics computed from the fact tables.
"""

from __future__ import annotations

import duckdb

DONE = ("已整改", "已办结")  # the statuses of a rectified case, as metrics.facts.DONE
DONE_SQL = "(" + ", ".join(f"'{s}'" for s in DONE) + ")"

# Columns the cases table carries for the marts, computed as its rows are written (etl.pipeline):
# `_case_no`, a number no other case of the warehouse holds (a count of distinct cases is an
# integer hash), and `_done_until`, the day from which the case counts as rectified (its closing
# day when its status is 已整改/已办结 — metrics.facts.DONE, checked by tests/test_marts.py — else
# 9999-12-31). Each load writes its cases in `_done_until` order, so that "open at day d" —
# `done_until > d` — skips the row groups of cases closed long before d, and `mart_case_spans`
# is a view of the cases table rather than a second copy of every case (a copy cost as much as
# loading the cases themselves: `python -m bench etl`).
CASES_DERIVED = (("_case_no", "BIGINT"), ("_done_until", "DATE"))
CASES_ORDER = "_done_until, received_on"


def done_until_sql(alias: str) -> str:
    return (
        f"CASE WHEN {alias}.status IN {DONE_SQL} AND {alias}.closed_on IS NOT NULL THEN {alias}.closed_on "
        "ELSE DATE '9999-12-31' END"
    )


VIEWS = {
    # every case (the columns the escalation lists show) with `case_no` and `done_until`
    "mart_case_spans": """
        SELECT c._case_no AS case_no, c.case_id, c.county, c.street, c.community_id, c.company_code, c.source,
               c.category, c.status, c.level, c.received_on, c.deadline, c.closed_on, c.reporter_phone,
               c.description, c._done_until AS done_until
        FROM cases c""",
    # the cases that ran past the deadline in their row (not done by it): the watch lists count
    # those whose deadline fell in their twelve months (a view: a copy cost a third of a load)
    "mart_late_cases": """
        SELECT case_no, case_id, county, company_code, status, closed_on, deadline, done_until
        FROM mart_case_spans WHERE deadline IS NOT NULL AND done_until > deadline""",
}

MARTS = {
    # cases counted per reporting unit, source, category, status, level and the dates the
    # rectification figures compare with a period: received, closed, deadline
    "mart_cases": """
        SELECT county, source, category, status, level, received_on, closed_on, deadline, count(*) AS n
        FROM cases GROUP BY ALL""",
    # communities counted by what the coverage figures take at a date: management type now, since
    # when and before, owners' organisation and when it was formed
    "mart_communities": """
        SELECT county, management_type, managed_since, previous_management_type, committee, committee_formed_on,
               count(*) AS n
        FROM communities GROUP BY ALL""",
    # star ratings per unit (the rating's own county, else its community's; 未匹配 when neither), year, stars
    "mart_star_ratings": """
        SELECT coalesce(s.county, c.county, '未匹配') AS unit, s.year, s.stars, count(*) AS n
        FROM star_ratings s LEFT JOIN communities c USING (community_id) GROUP BY ALL""",
    # credit ratings per unit (the company's registered county; 未匹配 when the register does not know it),
    # year and grade
    "mart_credit_ratings": """
        SELECT coalesce(c.county, '未匹配') AS unit, r.year, r.grade, count(*) AS n
        FROM credit_ratings r LEFT JOIN companies c USING (company_code) GROUP BY ALL""",
    # a company's grade in a year against its grade the year before, per unit
    "mart_credit_moves": """
        SELECT coalesce(c.county, '未匹配') AS unit, r1.year AS year_to, r0.grade AS grade_from,
               r1.grade AS grade_to, count(*) AS n
        FROM credit_ratings r1
        JOIN credit_ratings r0 ON r0.company_code = r1.company_code AND r0.year = r1.year - 1
        LEFT JOIN companies c ON c.company_code = r1.company_code GROUP BY ALL""",
    # arrears projects per unit and listing date
    "mart_arrears": """
        SELECT county, listed_on, sum(amount_due) AS amount_due, count(*) AS projects
        FROM fund_arrears GROUP BY ALL""",
    # recoveries of listed projects per the project's unit and listing date, the recovery's date and channel
    "mart_recoveries": """
        SELECT a.county, a.listed_on, r.recovered_on, r.channel, sum(r.amount) AS amount, count(*) AS recoveries
        FROM fund_recoveries r JOIN fund_arrears a USING (project_id) GROUP BY ALL""",
    # the trail's events with what the escalation lists show of their case (unit, company,
    # community, category, `done_until`), so that they need no join to the cases; `case_no` (the
    # case's row number in this published file) makes counting distinct cases an integer hash;
    # ordered by action and date so that a query for some actions in a period reads only their
    # row groups
    "mart_case_trail": """
        SELECT c.case_no, e.case_id, e.happened_on, e.action, e.to_level, e.organ, e.note,
               c.county, c.company_code, c.community_id, c.category, c.done_until
        FROM case_events e JOIN mart_case_spans c USING (case_id) ORDER BY e.action, e.happened_on""",
}


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every mart, in order: a later mart may read an earlier one (or a view)."""
    for name, select in VIEWS.items():
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0]:
            con.execute(f"DROP TABLE {name}")  # a warehouse written when it was a table
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {select}")
    for name, select in MARTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")


# Each load appends its cases in order, but many small loads leave a table whose row groups each
# hold open cases (done_until 9999-12-31) and so can never be skipped. When the cases written
# since the table was last put in order pass a fifth of it (and it spans several row groups),
# it is rewritten in order once: an amortised cost, like an LSM tree's compaction.
ROW_GROUP = 122_880
REORDER_SHARE = 0.2


def keep_cases_in_order(con: duckdb.DuckDBPyConnection, before: int) -> bool:
    """After cases were written into a table that held `before` rows: rewrite the table in
    `CASES_ORDER` if enough of it is out of order (see REORDER_SHARE); returns whether the whole
    table is in order. `layout` remembers how many rows the last ordered write covered; a load
    into an empty table is in order as written."""
    total = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    row = con.execute("SELECT sorted_rows FROM layout WHERE table_name = 'cases'").fetchone()
    in_order = row[0] if row else 0
    if before == 0:  # this load's rows, written in order, are all of it
        in_order = total
    elif total >= 2 * ROW_GROUP and total - in_order > REORDER_SHARE * total:
        con.execute(f"CREATE OR REPLACE TABLE cases AS SELECT * FROM cases ORDER BY {CASES_ORDER}")
        in_order = total
    in_order = min(in_order, total)
    con.execute("INSERT OR REPLACE INTO layout VALUES ('cases', ?, ?)", [in_order, total])
    return in_order == total


def fill_cases_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Number and date the cases written before the cases table carried CASES_DERIVED."""
    con.execute(f"""UPDATE cases SET _case_no = rowid + 1 + (SELECT coalesce(max(_case_no), 0) FROM cases),
                    _done_until = {done_until_sql("cases")} WHERE _case_no IS NULL""")
