"""A property company's profile (企业档案): who it is, its credit grades and its projects' stars
over the years, its 红榜/黑榜 entries, its cases, its refunds of illegal fees and the
communities it serves.

A company is the viewer's when it is registered in his scope, or has a case or a list entry
there (as `watch.company_lists_of` has it); everything regional (cases, lists, refunds, star
ratings, communities) is read within the scope, so a county officer sees the company's record
in his county only. The definitions are those of metrics/facts.py (rectified by the period's
end, the stock at the as-of date) and metrics/escalations.py (open and overdue cases).
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql
from metrics import escalations as esc
from metrics.county_profile import FORBIDDEN, LIST_ROWS, MISSING, OK
from metrics.db import Warehouse
from metrics.facts import rectified_sql
from metrics.filters import Filter, Scope, period_sql, region_sql, where

EVERYWHERE = Filter()


def access(wh: Warehouse, code: str | None, scope: Scope) -> str:
    """OK, FORBIDDEN (known, but not in the viewer's scope) or MISSING (no company, case or list
    entry names this credit code)."""
    if not code or len(code) > 64:
        return MISSING
    own = region_sql("county", EVERYWHERE, scope)
    row = wh.rows(
        Sql.of(
            f"""WITH k AS (SELECT county FROM companies WHERE company_code = $code
                           UNION ALL SELECT county FROM cases WHERE company_code = $code
                           UNION ALL SELECT county FROM company_lists WHERE company_code = $code)
                SELECT count(*), coalesce(bool_or({own}), false) FROM k""",
            own,
            code=code,
        )
    )[0]
    return MISSING if not row[0] else OK if row[1] else FORBIDDEN


def header(wh: Warehouse, code: str, scope: Scope) -> pd.DataFrame:
    """One row: code, name (NULL when the register does not know it), county, unit_name, status,
    exited_on, in_market_list, communities it serves in the scope. Empty outside the scope."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    served = region_sql("m.county", EVERYWHERE, scope)
    sql = f"""SELECT k.company_code, co.name AS company_name, co.county, g.name AS unit_name,
                   co.status AS company_status, co.exited_on, co.in_market_list,
                   (SELECT count(*) FROM communities m WHERE m.company_code = k.company_code AND {served})
                       AS communities_served
            FROM (SELECT $code AS company_code) k LEFT JOIN companies co USING (company_code)
            LEFT JOIN regions g ON g.code = co.county"""
    return wh.frame(Sql.of(sql, served, code=code))


def credit(wh: Warehouse, code: str, scope: Scope) -> pd.DataFrame:
    """Its credit grades by year (A best): year, grade, score and the four part scores."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    return wh.frame(
        """SELECT year, grade, score, qualification, performance, reputation, conduct
           FROM credit_ratings WHERE company_code = $code ORDER BY year""",
        {"code": code},
    )


def stars(wh: Warehouse, code: str, scope: Scope) -> pd.DataFrame:
    """Its service projects' star ratings by year (in the scope): year, stars_1 … stars_5,
    star_rated, star_high (4–5 stars). A rating's county is its own, else its community's."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    region = region_sql("coalesce(s.county, m.county)", EVERYWHERE, scope)
    levels = ", ".join(f"count(*) FILTER (WHERE s.stars = {n}) AS stars_{n}" for n in range(1, 6))
    sql = f"""SELECT s.year, {levels}, count(*) AS star_rated, count(*) FILTER (WHERE s.stars >= 4) AS star_high
            FROM star_ratings s LEFT JOIN communities m USING (community_id)
            WHERE s.company_code = $code AND {region} GROUP BY s.year ORDER BY s.year"""
    return wh.frame(Sql.of(sql, region, code=code))


def lists(wh: Warehouse, code: str, scope: Scope) -> pd.DataFrame:
    """Every 红榜/黑榜 entry of the company (in the scope), latest first: listed_on, list, county,
    unit_name, reason."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    region = region_sql("l.county", EVERYWHERE, scope)
    sql = f"""SELECT l.listed_on, l.list, l.county, g.name AS unit_name, l.reason
            FROM company_lists l LEFT JOIN regions g ON g.code = l.county
            WHERE l.company_code = $code AND {region} ORDER BY l.listed_on DESC"""
    return wh.frame(Sql.of(sql, region, code=code))


def case_counts(wh: Warehouse, f: Filter, code: str, scope: Scope) -> dict:
    """Its cases (in the scope): received in the period and, of them, rectified or closed by its
    end (facts.rectified_sql); open and past their deadline at the as-of date (the 督办 ladder's
    stock). {received, rectified, open_cases, overdue_cases}; all 0 outside the scope."""
    out = {"received": 0, "rectified": 0, "open_cases": 0, "overdue_cases": 0}
    if access(wh, code, scope) != OK:
        return out
    done = rectified_sql(f)
    cond = where(
        Sql.of("company_code = $code", code=code), region_sql("county", f, scope), period_sql("received_on", f)
    )
    received, rectified = wh.rows(
        Sql.of(f"SELECT count(*), count(*) FILTER (WHERE {done}) FROM cases WHERE {cond}", done, cond)
    )[0]
    ladder = esc.ladder(wh, f, scope, company=code)
    out.update(received=int(received), rectified=int(rectified))
    out.update(open_cases=int(ladder["open_cases"].sum()), overdue_cases=int(ladder["overdue_cases"].sum()))
    return out


def open_cases(wh: Warehouse, f: Filter, code: str, scope: Scope, limit: int = LIST_ROWS) -> pd.DataFrame:
    """Its open cases at the as-of date, overdue and longest-stuck first (督办's list)."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    return esc.open_cases(wh, f, scope, company=code, limit=limit)


def refunds(wh: Warehouse, f: Filter, code: str, scope: Scope) -> pd.DataFrame:
    """Its refunds of illegal fees in the period (in the scope), latest first: refunded_on,
    county, unit_name, kind, refund_amount (yuan), refund_households."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    cond = where(
        Sql.of("r.company_code = $code", code=code), region_sql("r.county", f, scope), period_sql("r.refunded_on", f)
    )
    sql = f"""SELECT r.refunded_on, r.county, g.name AS unit_name, r.kind, r.amount::DOUBLE AS refund_amount,
                   r.households AS refund_households
            FROM refunds r LEFT JOIN regions g ON g.code = r.county
            WHERE {cond} ORDER BY r.refunded_on DESC, r.kind"""
    return wh.frame(Sql.of(sql, cond))


def communities(wh: Warehouse, code: str, scope: Scope) -> pd.DataFrame:
    """The communities it serves (in the scope), with their latest star rating: community_id,
    community_name, county, unit_name, street, households, management_type, star_year, stars."""
    if access(wh, code, scope) != OK:
        return pd.DataFrame()
    region = region_sql("m.county", EVERYWHERE, scope)
    sql = f"""SELECT m.community_id, m.name AS community_name, m.county, g.name AS unit_name, m.street, m.households,
                   m.management_type, s.year AS star_year, s.stars
            FROM communities m LEFT JOIN regions g ON g.code = m.county
            LEFT JOIN (SELECT community_id, max(year) AS year, arg_max(stars, year) AS stars FROM star_ratings
                       WHERE company_code = $code GROUP BY community_id) s USING (community_id)
            WHERE m.company_code = $code AND {region} ORDER BY g.name, m.name"""
    return wh.frame(Sql.of(sql, region, code=code))
