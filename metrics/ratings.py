"""Star ratings of service projects and credit grades of companies."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from metrics.db import Warehouse
from metrics.facts import latest_year
from metrics.filters import Filter, Scope, period_sql, region_sql, year_sql


def star_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Service projects per star level (1–5) in the latest rating year of the period: [year, stars, projects]."""
    year = latest_year(wh, "star_ratings", f)
    region, rp = region_sql("coalesce(s.county, c.county)", f, scope)
    return wh.frame(
        f"""SELECT s.year, s.stars, count(*) AS projects
        FROM star_ratings s LEFT JOIN communities c USING (community_id)
        WHERE s.year = ? AND {region} GROUP BY s.year, s.stars ORDER BY s.stars""",
        [year] + rp,
    )


def credit_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies per credit grade (A–D) in the latest rating year of the period: [year, grade, companies]."""
    year = latest_year(wh, "credit_ratings", f)
    region, rp = region_sql("c.county", f, scope)
    return wh.frame(
        f"""SELECT r.year, r.grade, count(*) AS companies
        FROM credit_ratings r LEFT JOIN companies c USING (company_code)
        WHERE r.year = ? AND {region} GROUP BY r.year, r.grade ORDER BY r.grade""",
        [year] + rp,
    )


# ---------------------------------------------------------------- the ratings page (评价)

GRADES = ("A", "B", "C", "D")  # A is the best grade
EXITED = ("已清退", "注销")


def shown_years(f: Filter) -> Filter:
    """The years a by-year view shows: those the period touches and the year before it,
    so that a one-year period still shows its movement against the year before."""
    if f.start is None:
        return f
    return replace(f, start=dt.date(f.start.year - 1, 1, 1))


def star_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Service projects star-rated per reporting unit and year, by star level (星级评价):
    [unit, year, stars_1 … stars_5, star_rated, star_high] for the period's years and the year before.
    A rating's unit is its own county, else its community's (未匹配 when neither is known)."""
    years, yp = year_sql("year", shown_years(f))
    s_years, _ = year_sql("s.year", shown_years(f))
    region, rp = region_sql("unit", f, scope)
    levels = ", ".join(f"count(*) FILTER (WHERE stars = {n}) AS stars_{n}" for n in range(1, 6))
    # only ratings without a county of their own look up their community's (the join is the cost)
    return wh.frame(
        f"""WITH s AS (SELECT county AS unit, year, stars FROM star_ratings WHERE county IS NOT NULL AND {years}
                      UNION ALL
                      SELECT coalesce(c.county, '未匹配'), s.year, s.stars
                      FROM star_ratings s LEFT JOIN communities c USING (community_id)
                      WHERE s.county IS NULL AND {s_years})
        SELECT unit, year, {levels}, count(*) AS star_rated, count(*) FILTER (WHERE stars >= 4) AS star_high
        FROM s WHERE {region} GROUP BY 1, 2 ORDER BY 2, 1""",
        yp + yp + rp,
    )


def credit_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies credit-rated per registered county and year, by grade (信用评价):
    [unit, year, credit_a … credit_d, credit_rated] for the period's years and the year before."""
    region, rp = region_sql("c.county", f, scope)
    years, yp = year_sql("r.year", shown_years(f))
    grades = ", ".join(f"count(*) FILTER (WHERE r.grade = '{g}') AS credit_{g.lower()}" for g in GRADES)
    return wh.frame(
        f"""SELECT coalesce(c.county, '未匹配') AS unit, r.year, {grades}, count(*) AS credit_rated
        FROM credit_ratings r LEFT JOIN companies c USING (company_code)
        WHERE {years} AND {region} GROUP BY 1, 2 ORDER BY 2, 1""",
        yp + rp,
    )


def credit_transitions(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """How the grades of companies rated in both the latest year of the period and the year
    before moved (A→B etc.): [year_from, year_to, grade_from, grade_to, movement, companies],
    movement being 'up' (a better grade), 'same' or 'down'."""
    year = latest_year(wh, "credit_ratings", f)
    region, rp = region_sql("c.county", f, scope)
    return wh.frame(
        f"""SELECT r0.year AS year_from, r1.year AS year_to, r0.grade AS grade_from, r1.grade AS grade_to,
               CASE WHEN r1.grade < r0.grade THEN 'up' WHEN r1.grade > r0.grade THEN 'down' ELSE 'same' END
                 AS movement,
               count(*) AS companies
        FROM credit_ratings r1
        JOIN credit_ratings r0 ON r0.company_code = r1.company_code AND r0.year = r1.year - 1
        LEFT JOIN companies c ON c.company_code = r1.company_code
        WHERE r1.year = ? AND {region}
        GROUP BY ALL ORDER BY grade_from, grade_to""",
        [year] + rp,
    )


def flagged_companies(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies graded D in a rating year of the period, or cleared out (已清退) or deregistered
    (注销) in the period (or with no exit date): [company_code, company_name, unit, status,
    exited_on, d_year, latest_grade, latest_grade_year], the latest grade up to the period's end."""
    years, yp = year_sql("year", f)
    upto, up = year_sql("year", replace(f, start=None))
    exited, ep = period_sql("exited_on", f)
    region, rp = region_sql("c.county", f, scope)
    return wh.frame(
        f"""WITH d AS (SELECT company_code, max(year) AS d_year FROM credit_ratings
                       WHERE grade = 'D' AND {years} GROUP BY 1),
             ex AS (SELECT company_code FROM companies
                    WHERE status IN ('已清退', '注销') AND (exited_on IS NULL OR ({exited}))),
             latest AS (SELECT company_code, arg_max(grade, year) AS latest_grade, max(year) AS latest_grade_year
                        FROM credit_ratings WHERE {upto} GROUP BY 1),
             ids AS (SELECT company_code FROM d UNION SELECT company_code FROM ex)
        SELECT ids.company_code, c.name AS company_name, coalesce(c.county, '未匹配') AS unit, c.status,
               c.exited_on, d.d_year, latest.latest_grade, latest.latest_grade_year
        FROM ids LEFT JOIN companies c USING (company_code) LEFT JOIN d USING (company_code)
             LEFT JOIN latest USING (company_code)
        WHERE {region}
        ORDER BY c.exited_on DESC NULLS LAST, d.d_year DESC NULLS LAST, unit, company_name""",
        yp + ep + up + rp,
    )
