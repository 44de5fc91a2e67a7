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
    # every case (the columns the escalation lists show) with `done_until`, the day from which it
    # counts as rectified (its closing day when its status is 已整改/已办结 — metrics.facts.DONE,
    # checked by tests/test_marts.py — else 9999-12-31), ordered by it: "open at day d" is `done_until > d`, and the cases closed long
    # before d lie in row groups the scan skips
    "mart_case_spans": f"""
        SELECT c.rowid AS case_no, c.case_id, c.county, c.street, c.community_id, c.company_code, c.source,
               c.category, c.status, c.level, c.received_on, c.deadline, c.closed_on, c.reporter_phone,
               c.description,
               CASE WHEN c.status IN {DONE_SQL} AND c.closed_on IS NOT NULL THEN c.closed_on
                    ELSE DATE '9999-12-31' END AS done_until
        FROM cases c ORDER BY done_until, c.received_on""",
    # the trail's events with what the escalation lists show of their case (unit, company,
    # community, category, `done_until`), so that they need no join to the cases; `case_no` (the
    # case's row number in this published file) makes counting distinct cases an integer hash;
    # ordered by action and date so that a query for some actions in a period reads only their
    # row groups
    "mart_case_trail": """
        SELECT c.case_no, e.case_id, e.happened_on, e.action, e.to_level, e.organ, e.note,
               c.county, c.company_code, c.community_id, c.category, c.done_until
        FROM case_events e JOIN mart_case_spans c USING (case_id) ORDER BY e.action, e.happened_on""",
    # the cases that ran past the deadline in their row (not done by it), ordered by that deadline:
    # the watch lists count those whose deadline fell in their twelve months
    "mart_late_cases": """
        SELECT case_no, case_id, county, company_code, status, closed_on, deadline, done_until
        FROM mart_case_spans WHERE deadline IS NOT NULL AND done_until > deadline ORDER BY deadline""",
}


def build(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every mart, in order: a later mart may read an earlier one."""
    for name, select in MARTS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {select}")
