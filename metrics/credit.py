"""Credit rating in the open (信用评价公开): what the rules (metrics/credit_rules.py) ask of each
rating and each run of 黑榜 listings, what the ledger of actions (信用奖惩措施, `credit_actions`)
says was done, the four dimension scores, and the public disclosure list (公示).

An action is *due* when the version of the rules in force for a rating (its region, the end of
its rating year) lists it for the rating's grade (A: 表彰, 招投标加分; C: 重点监管; D: 约谈,
限制招投标), or when a company's 黑榜 listings reach the rule's count within its months (退出评估,
due in the year of the listing that reached it). It is *carried out* (已落实) when the ledger
has a row for the same company, year and action with status 已落实. A due action the ledger
does not have is 未登记: not done. The unit is the company's registered county, as for the
credit KPIs (未匹配 when the register does not know the company).
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql
from metrics.credit_rules import rules_cte
from metrics.db import Warehouse
from metrics.facts import latest_year
from metrics.filters import Filter, Scope, limit_sql, region_sql, year_sql

NOT_RECORDED = "未登记"
DIMENSIONS = ("qualification", "performance", "reputation", "conduct")  # 从业资格 经营业绩 社会信誉 市场行为

# The version of the rules in force for each rating, its grade's band and the grade above's.
_RATED = """
    rated AS (SELECT r.company_code, r.year, r.grade, r.score, r.qualification, r.performance, r.reputation,
                     r.conduct, coalesce(c.county, '未匹配') AS unit, c.name AS company_name
              FROM credit_ratings r LEFT JOIN companies c USING (company_code)),
    -- the version is the unit's and the year's (the longest prefix, the latest in force by the
    -- year's end): chosen once per unit and year, not once per rating
    unit_version AS (SELECT u.unit, u.year, k.prefix, k.valid_from, k.version
                     FROM (SELECT DISTINCT unit, year FROM rated) u
                     JOIN (SELECT DISTINCT prefix, valid_from, version FROM credit_rule
                           WHERE trigger IN ('A', 'B', 'C', 'D')) k
                       ON starts_with(u.unit, k.prefix) AND k.valid_from <= make_date(u.year, 12, 31)
                     QUALIFY rank() OVER (PARTITION BY u.unit, u.year
                                          ORDER BY length(k.prefix) DESC, k.valid_from DESC) = 1),
    version AS (SELECT DISTINCT r.company_code, r.year, v.prefix, v.valid_from, v.version
                FROM rated r JOIN unit_version v USING (unit, year)),
    band AS (SELECT DISTINCT prefix, valid_from, trigger AS grade, min_score,
                    lead(min_score) OVER (PARTITION BY prefix, valid_from ORDER BY trigger DESC) AS next_score
             FROM (SELECT DISTINCT prefix, valid_from, trigger, min_score FROM credit_rule
                   WHERE trigger IN ('A', 'B', 'C', 'D')))"""

# Every due action: a grade's (the version in force) and a 黑榜 run's.
_DUE = (
    _RATED
    + """,
    by_grade AS (SELECT r.company_code, r.company_name, r.unit, r.year, r.grade AS basis, v.version, k.action,
                        NULL::DATE AS triggered_on
                 FROM rated r JOIN version v USING (company_code, year)
                 JOIN credit_rule k ON k.prefix = v.prefix AND k.valid_from = v.valid_from AND k.trigger = r.grade
                 WHERE k.action IS NOT NULL),
    black AS (SELECT l.company_code, l.listed_on, coalesce(c.county, l.county) AS unit, c.name AS company_name
              FROM company_lists l LEFT JOIN companies c USING (company_code) WHERE l.list = '黑榜'),
    black_rule AS (SELECT b.*, k.version, k.blacklists, k.months, k.action
                   FROM black b JOIN credit_rule k
                     ON k.trigger = '黑榜' AND starts_with(b.unit, k.prefix) AND k.valid_from <= b.listed_on
                   QUALIFY rank() OVER (PARTITION BY b.company_code, b.listed_on
                                        ORDER BY length(k.prefix) DESC, k.valid_from DESC) = 1),
    runs AS (SELECT br.company_code, br.company_name, br.unit, br.listed_on, br.version, br.action, br.blacklists,
                    count(*) AS listings
             FROM black_rule br JOIN black b2 ON b2.company_code = br.company_code
               AND b2.listed_on <= br.listed_on AND b2.listed_on > br.listed_on - to_months(br.months)
             GROUP BY ALL),
    by_black AS (SELECT company_code, any_value(company_name) AS company_name, any_value(unit) AS unit,
                        year(listed_on) AS year, '黑榜' AS basis, any_value(version) AS version, action,
                        min(listed_on) AS triggered_on
                 FROM runs WHERE listings >= blacklists AND action IS NOT NULL GROUP BY company_code, year, action),
    due AS (SELECT * FROM by_grade UNION ALL SELECT * FROM by_black)"""
)


def _due_sql(f: Filter, scope: Scope, select: str, tail: str) -> Sql:
    """`select` over every due action of the view (`d`) beside its row in the ledger (`a`)."""
    region, years = region_sql("d.unit", f, scope), year_sql("d.year", f)
    rules = rules_cte()
    sql = f"""WITH {rules}, {_DUE}
        SELECT {select}
        FROM due d LEFT JOIN credit_actions a USING (company_code, year, action)
        WHERE {region} AND {years} {tail}"""
    return Sql.of(sql, rules, region, years)


def due_actions(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> pd.DataFrame:
    """Every action the rules ask for in the rating years of the period, with what the ledger says:
    [company_code, company_name, unit, year, basis (the grade, or 黑榜), version, action,
    triggered_on, decided_on, status (已落实, 落实中, 未落实, 未登记), result, document, done, total]
    (`total`: the count before the optional `limit`, those not carried out first)."""
    select = f"""d.company_code, d.company_name, d.unit, d.year, d.basis, d.version, d.action, d.triggered_on,
               a.decided_on, coalesce(a.status, '{NOT_RECORDED}') AS status, a.result, a.document,
               coalesce(a.status = '已落实', false) AS done, count(*) OVER () AS total"""
    cap = limit_sql(limit)
    order = f"ORDER BY done, d.year DESC, d.basis DESC, d.unit, d.company_name, d.action {cap}"
    statement = _due_sql(f, scope, select, order)
    return wh.frame(Sql.of(statement.text, statement, cap))


def credit_action_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit (the company's registered county): actions due in the rating years of the period,
    those carried out (已落实), and the exit reviews (退出评估) among them (the rows of `due_actions`,
    counted)."""
    select = """d.unit, count(*) AS credit_actions_due,
               count(*) FILTER (WHERE a.status = '已落实') AS credit_actions_done,
               count(*) FILTER (WHERE d.action = '退出评估') AS exit_reviews_due"""
    frame = wh.frame(_due_sql(f, scope, select, "GROUP BY d.unit"))
    return frame.astype({"credit_actions_due": "int64", "credit_actions_done": "int64", "exit_reviews_due": "int64"})


def actions_by_kind(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Due actions per action and status (the rows of `due_actions`, counted in SQL):
    [action, status, actions]."""
    select = f"d.action, coalesce(a.status, '{NOT_RECORDED}') AS status, count(*) AS actions"
    frame = wh.frame(_due_sql(f, scope, select, "GROUP BY ALL"))
    return frame.astype({"actions": "int64"})


# a rating's score lies in its grade's band under the version in force (NULL: no version, or no score)
_IN_BAND = """CASE WHEN v.version IS NULL OR r.score IS NULL THEN NULL
                   ELSE r.score >= b.min_score AND (b.next_score IS NULL OR r.score < b.next_score) END"""
_LISTED = """FROM rated r LEFT JOIN version v USING (company_code, year)
             LEFT JOIN band b ON b.prefix = v.prefix AND b.valid_from = v.valid_from AND b.grade = r.grade"""


NO_TAIL = Sql("")


def _listed_sql(f: Filter, scope: Scope, year: int | None, select: str, tail: Sql = NO_TAIL, joined=True) -> Sql:
    """`select` over the companies of the disclosure list (`rated r`, the rating `year` in the
    view's region), each beside the version of the rules in force and its grade's band (`v`, `b`)
    unless not `joined`; `tail` after the WHERE (an ORDER BY, a LIMIT, a GROUP BY)."""
    region = region_sql("r.unit", f, scope)
    rules = rules_cte()
    sql = f"""WITH {rules}, {_RATED}
        SELECT {select} {_LISTED if joined else "FROM rated r"}
        WHERE r.year = $year AND {region} {tail}"""
    return Sql.of(sql, rules, region, tail, year=year)


def disclosure(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> pd.DataFrame:
    """The public disclosure list (公示) of the latest rating year of the period: every rated
    company (the first `limit`) with its grade, score, the four dimension scores, the version of the
    rules that judged it, the actions its grade triggers, and whether its score lies in its grade's
    band (`in_band`; None when no version was in force): [company_name, company_code, unit, year,
    grade, score, qualification … conduct, version, actions, in_band]. How many there are in all:
    `disclosure_counts`."""
    select = f"""r.company_name, r.company_code, r.unit, r.year, r.grade, r.score,
               r.qualification, r.performance, r.reputation, r.conduct, v.version,
               (SELECT string_agg(k.action, '、' ORDER BY k.action) FROM credit_rule k
                 WHERE k.prefix = v.prefix AND k.valid_from = v.valid_from AND k.trigger = r.grade) AS actions,
               {_IN_BAND} AS in_band"""
    cap = limit_sql(limit)
    order = Sql.of(f"ORDER BY r.grade, r.score DESC NULLS LAST, r.company_name, r.company_code {cap}", cap)
    return wh.frame(_listed_sql(f, scope, latest_year(wh, "credit_ratings", f), select, order))


def disclosure_counts(wh: Warehouse, f: Filter, scope: Scope) -> tuple[int, int]:
    """(companies on the disclosure list, those whose score lies outside their grade's band). Asked
    apart from the list: a window over the list beside its actions' subquery took 13 s at 500×."""
    select = f"count(*), count(*) FILTER (WHERE NOT ({_IN_BAND}))"
    total, off = wh.rows(_listed_sql(f, scope, latest_year(wh, "credit_ratings", f), select))[0]
    return int(total), int(off)


def dimension_scores(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The four dimension scores (从业资格, 经营业绩, 社会信誉, 市场行为) and the total averaged per
    grade over the companies of the disclosure list (`disclosure`: the latest rating year of the
    period), counted in SQL rather than over the list's rows (296 k at province scale):
    [grade, companies, score, qualification … conduct], rounded to one place."""
    columns = ["grade", "companies", "score", *DIMENSIONS]
    means = ", ".join(f"avg(r.{c}) AS {c}" for c in ("score", *DIMENSIONS))
    year = latest_year(wh, "credit_ratings", f)
    tail = Sql("GROUP BY r.grade ORDER BY r.grade")
    frame = wh.frame(_listed_sql(f, scope, year, f"r.grade, count(*) AS companies, {means}", tail, joined=False))
    if frame.empty:
        return pd.DataFrame(columns=columns)
    return frame.astype({"companies": "int64"}).round({c: 1 for c in ("score", *DIMENSIONS)})[columns]
