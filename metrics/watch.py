"""Watch lists (重点关注) of 督办: the companies and counties whose cases keep being escalated,
run late or put them on a 黑榜, over the twelve months that end at the as-of date. The
definitions of actions, levels and deadlines are those of metrics/escalations.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.sql import Sql, literals
from metrics.app_trail import trail_sql
from metrics.db import Warehouse
from metrics.deadlines import deadline_rules, deadlines
from metrics.escalations import ESCALATIONS, EXIT_REVIEW_BLACK_LISTS, REFERRALS, REPEATED
from metrics.facts import DONE, as_of
from metrics.filters import Filter, Scope, limit_sql, months_before, region_sql

# ---------------------------------------------------------------- watch lists


def watch_window(wh: Warehouse, f: Filter, scope: Scope | None = None) -> tuple[dt.date, dt.date]:
    """The twelve months the watch lists look at: (first day, as-of date), both inclusive."""
    at = as_of(wh, f, scope)
    return months_before(at, 12) + dt.timedelta(days=1), at


def _watch_ctes(wh: Warehouse, f: Filter, scope: Scope, key: str, listed_with: str | None = None) -> Sql:
    """CTEs `esc`, `late` and `lists` per `key` ('company_code' or 'county') over the window
    (`$first` … `$at`), and `counted` joining them. (The county a company's cases come from is
    asked for its listed rows only: see company_watch.) With `listed_with`, a condition on `lists`
    (e.g. "black_lists >= 2"), only the keys it holds for are counted: the same counts for them,
    without the escalations and late cases of every other key."""
    first, at = watch_window(wh, f, scope)
    d = deadlines(wh)
    region_c = region_sql("c.county", f, scope)
    region_l = region_sql("l.county", f, scope)
    region_e = region_sql("e.county", f, scope)
    k = f"c.{key}"
    trail = trail_sql()

    def only(column: str) -> str:  # the keys `listed_with` holds for, when given
        return f"AND {column} IN (SELECT key FROM lists WHERE {listed_with})" if listed_with else ""

    keys = (
        f"SELECT key FROM lists WHERE {listed_with}"
        if listed_with
        else "SELECT key FROM esc UNION SELECT key FROM late UNION SELECT key FROM lists"
    )
    sql = f"""WITH {d.ctes}
        listed AS (SELECT l.{key} AS key, l.company_code, l.county, count(*) FILTER (WHERE l.list = '黑榜') AS black,
                     count(*) FILTER (WHERE l.list = '红榜') AS red,
                     string_agg(strftime(l.listed_on, '%Y-%m-%d'), '、' ORDER BY l.listed_on)
                         FILTER (WHERE l.list = '黑榜') AS black_dates
                   FROM company_lists l WHERE l.listed_on BETWEEN $first AND $at AND {region_l}
                   GROUP BY l.{key}, l.company_code, l.county),
        lists AS (SELECT key, sum(black)::INTEGER AS black_lists, sum(red)::INTEGER AS red_lists,
                    count(*) FILTER (WHERE black >= {EXIT_REVIEW_BLACK_LISTS}) AS exit_review_companies,
                    string_agg(black_dates, '、') AS black_dates, mode(county) AS county
                  FROM listed GROUP BY key),
        esc AS (SELECT e.{key} AS key, count(*) AS escalations, count(DISTINCT e.case_no) AS escalated_cases,
                  count(*) FILTER (WHERE e.action = '提醒函') AS reminders,
                  count(*) FILTER (WHERE e.action = '督办函') AS supervisions,
                  count(*) FILTER (WHERE e.action = '约谈') AS interviews,
                  count(*) FILTER (WHERE e.action IN {literals(REFERRALS)}) AS referrals,
                  count(*) FILTER (WHERE e.action = '问责') AS accountabilities
                FROM {trail} e
                WHERE e.action IN {literals(ESCALATIONS)} AND e.happened_on BETWEEN $first AND $at AND {region_e}
                  {only(f"e.{key}")}
                GROUP BY 1),
        due AS (SELECT {k} AS key, c.county, c.status, c.closed_on, c.deadline
                FROM mart_late_cases c  -- the row's deadline passed before the case was done
                WHERE {region_c} AND c.done_until > $first AND c.deadline BETWEEN $first AND $at {only(k)}
                UNION ALL  -- the rules give the deadline of a case whose row has none
                SELECT {k} AS key, c.county, c.status, c.closed_on, {d.due("c")} AS deadline
                FROM mart_case_spans c {d.join("c")}
                WHERE {region_c} AND c.done_until > $first AND c.deadline IS NULL
                  AND c.received_on BETWEEN $received_from AND $at {only(k)}),
        late AS (SELECT key, count(*) AS overdue_cases FROM due WHERE {LATE} GROUP BY 1),
        keys AS ({keys}
                 EXCEPT SELECT NULL),
        counted AS (SELECT k.key, lists.county AS list_county,
                      coalesce(esc.escalations, 0) AS escalations, coalesce(esc.escalated_cases, 0) AS escalated_cases,
                      coalesce(esc.reminders, 0) AS reminders, coalesce(esc.supervisions, 0) AS supervisions,
                      coalesce(esc.interviews, 0) AS interviews, coalesce(esc.referrals, 0) AS referrals,
                      coalesce(esc.accountabilities, 0) AS accountabilities,
                      coalesce(late.overdue_cases, 0) AS overdue_cases, coalesce(lists.black_lists, 0) AS black_lists,
                      coalesce(lists.red_lists, 0) AS red_lists,
                      coalesce(lists.exit_review_companies, 0) AS exit_review_companies, lists.black_dates
                    FROM keys k LEFT JOIN esc USING (key) LEFT JOIN late USING (key) LEFT JOIN lists USING (key))"""
    # a rule's deadline lies at most twice its working days (plus a month of holidays) after receipt
    received_from = first - dt.timedelta(days=2 * max(r.working_days for r in deadline_rules()) + 30)
    # (a case late in the window was not done by its deadline, which lies in the window: done_until > first)
    return Sql.of(sql, d.ctes, trail, region_e, region_c, region_l, first=first, at=at, received_from=received_from)


# a case of `due` that ran late within the window: its deadline fell in it and it was not done by then
LATE = f"""deadline >= $first AND deadline < $at
    AND NOT coalesce(status IN {literals(DONE)} AND closed_on <= deadline, false)"""


def _watch_filter() -> str:
    return f"(escalations >= {REPEATED} OR overdue_cases >= {REPEATED} OR black_lists >= {REPEATED})"


def company_watch(
    wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None, listed_with: str | None = None
) -> pd.DataFrame:
    """重点关注企业: companies with repeated escalations, overdue cases or 黑榜 entries in the twelve
    months to the as-of date, ranked: those with three 黑榜 entries (the exit mechanism's
    threshold, 退出机制) first, then by escalations plus overdue cases; with the counts behind it;
    `total` is the count before the (optional) `limit`. With `listed_with` (see `_watch_ctes`), only
    the companies whose list entries meet it."""
    ctes = _watch_ctes(wh, f, scope, "company_code", listed_with)
    region_e = region_sql("e.county", f, scope)
    cap = limit_sql(limit)
    # the county of a company the register does not know: where its escalated cases mostly are,
    # else its late cases, else its list entries (asked for the listed companies only)
    sql = f"""{ctes},
        ranked AS (SELECT row_number() OVER (ORDER BY black_lists >= {EXIT_REVIEW_BLACK_LISTS} DESC,
                                             escalations + overdue_cases DESC, black_lists DESC, x.key) AS rank,
                          x.*, count(*) OVER () AS total
                   FROM counted x WHERE {_watch_filter()} ORDER BY rank {cap}),
        esc_county AS (SELECT e.company_code AS key, mode(e.county) AS county FROM mart_case_trail e
                       WHERE e.company_code IN (SELECT key FROM ranked) AND e.action IN {literals(ESCALATIONS)}
                         AND e.happened_on BETWEEN $first AND $at AND {region_e} GROUP BY 1),
        late_county AS (SELECT key, mode(county) AS county FROM due
                        WHERE key IN (SELECT key FROM ranked) AND {LATE} GROUP BY 1)
        SELECT x.rank, x.key AS company_code, co.name AS company_name,
               coalesce(co.county, ec.county, lc.county, x.list_county) AS county, g.name AS unit_name,
               x.* EXCLUDE (rank, key, list_county, exit_review_companies, total),
               black_lists >= {EXIT_REVIEW_BLACK_LISTS} AS exit_review, co.status AS company_status, x.total
        FROM ranked x LEFT JOIN esc_county ec USING (key) LEFT JOIN late_county lc USING (key)
        LEFT JOIN companies co ON co.company_code = x.key
        LEFT JOIN regions g ON g.code = coalesce(co.county, ec.county, lc.county, x.list_county)
        ORDER BY x.rank"""
    return wh.frame(Sql.of(sql, ctes, cap, region_e))


def county_watch(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> pd.DataFrame:
    """重点关注县区: reporting units with repeated escalations or overdue cases in the twelve months
    to the as-of date, ranked by escalations plus overdue cases; with 提醒函/督办函 received, 约谈,
    移送, 问责, 黑榜 entries of their companies and companies at the exit threshold."""
    ctes = _watch_ctes(wh, f, scope, "county")
    cap = limit_sql(limit)
    sql = f"""{ctes}
        SELECT row_number() OVER (ORDER BY escalations + overdue_cases DESC, exit_review_companies DESC, x.key)
                   AS rank, x.key AS county, g.name AS unit_name, x.* EXCLUDE (key, list_county, black_dates),
               count(*) OVER () AS total
        FROM counted x LEFT JOIN regions g ON g.code = x.key
        WHERE escalations >= {REPEATED} OR overdue_cases >= {REPEATED} ORDER BY rank {cap}"""
    return wh.frame(Sql.of(sql, ctes, cap))


def company_lists_of(wh: Warehouse, f: Filter, scope: Scope, company: str) -> pd.DataFrame:
    """A company's name and status with its 红榜/黑榜 entries in the twelve months to the as-of date
    (one row per entry; one row with list NULL when it has none). The company is known to the
    viewer only inside the scope: registered in it, or with a case or a list entry in it; else
    its name, county and status are NULL, whoever types its credit code."""
    first, at = watch_window(wh, f, scope)
    region = region_sql("l.county", f, scope)
    anywhere = Filter()
    own = region_sql("co.county", anywhere, scope)
    cased = region_sql("c.county", anywhere, scope)
    listed = region_sql("x.county", anywhere, scope)
    sql = f"""SELECT k.company_code, co.name AS company_name, co.county, co.status AS company_status, co.exited_on,
               l.listed_on, l.list, l.reason
        FROM (SELECT $company AS company_code) k
        LEFT JOIN companies co ON co.company_code = k.company_code
             AND ({own} OR EXISTS (SELECT 1 FROM cases c WHERE c.company_code = k.company_code AND {cased})
                  OR EXISTS (SELECT 1 FROM company_lists x WHERE x.company_code = k.company_code AND {listed}))
        LEFT JOIN company_lists l ON l.company_code = k.company_code AND l.listed_on BETWEEN $first AND $at AND {region}
        ORDER BY l.listed_on"""
    return wh.frame(Sql.of(sql, own, cased, listed, region, company=company, first=first, at=at))
