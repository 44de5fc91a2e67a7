"""A case's deadline (整改时限): the one in its row, or else received_on plus the working days
of the deadline rules (`data/deadline_rules.csv`, or the file named by DEADLINE_RULES), by
China's official calendar (the warehouse's `calendar` table). One definition, in
etl/deadlines.py, for the overview's overdue KPI (metrics/facts.py), the 督办 page
(metrics/escalations.py), the watch lists, the case lists and a case's trail.

A publish writes that definition into the cases (`due` in `mart_case_spans` and `mart_cases`)
and stamps the rules it used; `deadlines(wh)` reads the column while the rules file means the
same, and computes the same SQL at query time when it does not (an admin edited the rules since
the publish: the edit takes effect at once; the next publish writes the column again).
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.deadlines import (  # noqa: F401  (the rules the metrics read, and their error: part of this module's interface)
    DeadlineRulesError,
    deadline_rules,
    deadline_sql,
    fingerprint,
    read_stamp,
    rules_cte,
    rules_join,
)
from etl.sql import Sql


@dataclass(frozen=True)
class Deadlines:
    """How a statement gets its cases' deadlines: from the published column (`stored`), or computed
    by the rules' SQL. Write `{d.ctes}` at the head of the WITH list (it ends with a comma, or is
    empty), `{d.join(c)}` after the cases `c` (a table or view with the cases' columns and `due`),
    and `{d.due(c)}` where the deadline is read; pass `d.ctes` with the statement's values."""

    stored: bool
    ctes: Sql

    def join(self, c: str) -> str:
        return "" if self.stored else rules_join(c)

    def due(self, c: str) -> str:
        return f"{c}.due" if self.stored else deadline_sql(c)

    def basis(self, c: str) -> str:
        """'row' (the case's own deadline), 'rule' (the rules'), or NULL (neither gives one)."""
        return f"CASE WHEN {c}.deadline IS NOT NULL THEN 'row' WHEN {self.due(c)} IS NOT NULL THEN 'rule' END"


def deadlines(wh) -> Deadlines:
    """The deadlines of the version `wh` reads: its `due` column while the rules file means what
    the publish stamped, else computed from the file (raises DeadlineRulesError when it cannot be
    used). The stamp is read once per version."""
    rules = deadline_rules()
    if wh.memo(("deadline_stamp",), lambda: _stamp(wh)) == fingerprint(rules):
        return Deadlines(True, Sql(""))
    return Deadlines(False, rules_cte(rules) + ", ")


def _stamp(wh) -> str | None:
    """The rules the published `due` was computed with (None: a warehouse published before it was)."""
    return read_stamp(wh.rows, "deadline_rules")


# ---------------------------------------------------------------- working days of the official calendar


class CalendarError(ValueError):
    """A date outside the warehouse's calendar (etl/warehouse.py CALENDAR_YEARS)."""


def add_workdays(wh, day, n: int):
    """The `n`-th working day after `day` by China's official calendar (the warehouse's `calendar`:
    holidays and adjusted working weekends): a document issued on Friday 2025-01-24 with 5 working
    days is due on 2025-02-07, after the Spring Festival. `n` = 0: `day` itself."""
    if n == 0:
        return day
    rows = wh.rows(
        Sql.of(
            """SELECT w.day FROM calendar d JOIN calendar w ON w.workday_index = d.workday_index + $n AND w.is_workday
               WHERE d.day = $day""",
            day=day,
            n=n,
        )
    )
    if not rows:
        raise CalendarError(f"{day} 之后第 {n} 个工作日不在工作日历的年份内")
    return rows[0][0]


def workdays_between(wh, start, end) -> int:
    """Working days in (start, end]: 0 when `end` is `start`, negative when `end` lies before it
    (a deadline passed: that many working days overdue)."""
    rows = wh.rows(
        Sql.of(
            """SELECT max(workday_index) FILTER (WHERE day = $end) - max(workday_index) FILTER (WHERE day = $start)
               FROM calendar WHERE day IN ($start, $end)""",
            start=start,
            end=end,
        )
    )
    if not rows or rows[0][0] is None:
        raise CalendarError(f"{start} 或 {end} 不在工作日历的年份内")
    return int(rows[0][0])
