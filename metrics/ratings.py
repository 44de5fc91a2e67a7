"""Star ratings of service projects and credit grades of companies."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from etl.sql import Sql, literal
from metrics.db import Warehouse
from metrics.facts import latest_year
from metrics.filters import Filter, Scope, period_sql, region_sql, year_sql


def star_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Service projects per star level (1–5) in the latest rating year of the period: [year, stars, projects]."""
    region = region_sql("unit", f, scope)
    sql = f"""SELECT year, stars, sum(n)::BIGINT AS projects
        FROM mart_star_ratings WHERE year = $year AND {region} GROUP BY year, stars ORDER BY stars"""
    return wh.frame(Sql.of(sql, region, year=latest_year(wh, "star_ratings", f)))


def credit_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies per credit grade (A–D) in the latest rating year of the period: [year, grade, companies]."""
    region = region_sql("unit", f, scope)
    sql = f"""SELECT year, grade, sum(n)::BIGINT AS companies
        FROM mart_credit_ratings WHERE year = $year AND {region} GROUP BY year, grade ORDER BY grade"""
    return wh.frame(Sql.of(sql, region, year=latest_year(wh, "credit_ratings", f)))


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
    A rating's unit is its own county, else its community's (未匹配 when neither is known; mart_star_ratings)."""
    years = year_sql("year", shown_years(f))
    region = region_sql("unit", f, scope)
    levels = ", ".join(f"coalesce(sum(n) FILTER (WHERE stars = {n}), 0)::BIGINT AS stars_{n}" for n in range(1, 6))
    sql = f"""SELECT unit, year, {levels}, sum(n)::BIGINT AS star_rated,
                   coalesce(sum(n) FILTER (WHERE stars >= 4), 0)::BIGINT AS star_high
        FROM mart_star_ratings WHERE {years} AND {region} GROUP BY 1, 2 ORDER BY 2, 1"""
    return wh.frame(Sql.of(sql, years, region))


def credit_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies credit-rated per registered county and year, by grade (信用评价):
    [unit, year, credit_a … credit_d, credit_rated] for the period's years and the year before."""
    region = region_sql("unit", f, scope)
    years = year_sql("year", shown_years(f))
    grades = ", ".join(
        f"coalesce(sum(n) FILTER (WHERE grade = {literal(g)}), 0)::BIGINT AS credit_{g.lower()}" for g in GRADES
    )
    sql = f"""SELECT unit, year, {grades}, sum(n)::BIGINT AS credit_rated
        FROM mart_credit_ratings WHERE {years} AND {region} GROUP BY 1, 2 ORDER BY 2, 1"""
    return wh.frame(Sql.of(sql, years, region))


def credit_transitions(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """How the grades of companies rated in both the latest year of the period and the year
    before moved (A→B etc.): [year_from, year_to, grade_from, grade_to, movement, companies],
    movement being 'up' (a better grade), 'same' or 'down' (mart_credit_moves)."""
    region = region_sql("unit", f, scope)
    sql = f"""SELECT year_to - 1 AS year_from, year_to, grade_from, grade_to,
               CASE WHEN grade_to < grade_from THEN 'up' WHEN grade_to > grade_from THEN 'down' ELSE 'same' END
                 AS movement,
               sum(n)::BIGINT AS companies
        FROM mart_credit_moves
        WHERE year_to = $year AND {region}
        GROUP BY ALL ORDER BY grade_from, grade_to"""
    return wh.frame(Sql.of(sql, region, year=latest_year(wh, "credit_ratings", f)))


def flagged_companies(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies graded D in a rating year of the period, or cleared out (已清退) or deregistered
    (注销) in the period (or with no exit date): [company_code, company_name, unit, status,
    exited_on, d_year, latest_grade, latest_grade_year], the latest grade up to the period's end."""
    years = year_sql("year", f)
    upto = year_sql("year", replace(f, start=None))
    exited = period_sql("exited_on", f)
    region = region_sql("c.county", f, scope)
    sql = f"""WITH d AS (SELECT company_code, max(year) AS d_year FROM credit_ratings
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
        ORDER BY c.exited_on DESC NULLS LAST, d.d_year DESC NULLS LAST, unit, company_name"""
    return wh.frame(Sql.of(sql, years, exited, upto, region))
