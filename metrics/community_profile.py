"""A community's profile (小区档案): its register entry (households, management, company,
owners' committee), its star ratings over the years, its cases and their counts, and the
maintenance-fund usages applied for in it.

A community is the viewer's when its county lies in his scope. The case counts and lists are
the rectification page's (`cases.community_table`, `cases.case_list`), over the community's
county and its township-level units.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql
from metrics import cases
from metrics.county_profile import FORBIDDEN, MISSING, OK
from metrics.db import Warehouse
from metrics.filters import Filter, Scope, period_sql, region_sql, where


def _county(wh: Warehouse, community: str) -> str | None:
    row = wh.rows("SELECT county FROM communities WHERE community_id = ?", [community])
    return row[0][0] if row else None


def access(wh: Warehouse, community: str | None, scope: Scope) -> str:
    """OK, FORBIDDEN (in the register, outside the viewer's scope) or MISSING (not in the register)."""
    county = _county(wh, community) if community and len(community) <= 64 else None
    if county is None:
        return MISSING
    return OK if scope.allows(county) else FORBIDDEN


def _area(wh: Warehouse, community: str, f: Filter) -> Filter:
    """The community's county (with its township-level units) and the viewer's period."""
    return Filter(region=(_county(wh, community) or "")[:6] or None, start=f.start, end=f.end)


def header(wh: Warehouse, community: str, scope: Scope) -> pd.DataFrame:
    """One row of the register: the community's names, county, street, households, occupancy,
    management type (and since when, and before), company, owners' committee, fee standard."""
    if access(wh, community, scope) != OK:
        return pd.DataFrame()
    return wh.frame(
        """SELECT m.community_id, m.name AS community_name, m.county, g.name AS unit_name, m.street, m.households,
                  m.occupancy_rate, m.management_type, m.managed_since, m.previous_management_type, m.company_code,
                  co.name AS company_name, m.committee, m.committee_formed_on, m.fee_standard
           FROM communities m LEFT JOIN regions g ON g.code = m.county
           LEFT JOIN companies co ON co.company_code = m.company_code
           WHERE m.community_id = ?""",
        [community],
    )


def stars(wh: Warehouse, community: str, scope: Scope) -> pd.DataFrame:
    """Its star ratings by year: year, stars, score, the company rated (code and name)."""
    if access(wh, community, scope) != OK:
        return pd.DataFrame()
    return wh.frame(
        """SELECT s.year, s.stars, s.score, s.company_code, co.name AS company_name
           FROM star_ratings s LEFT JOIN companies co USING (company_code)
           WHERE s.community_id = ? ORDER BY s.year""",
        [community],
    )


def case_counts(wh: Warehouse, f: Filter, community: str, scope: Scope) -> dict:
    """Its row of the rectification drill-down: received and rectified per source group in the
    period, open and overdue at its end (all 0 when it has none, or outside the scope)."""
    empty = {c: 0 for g in cases.GROUPS for c in (f"received_{g}", f"rectified_{g}")}
    empty.update(open_cases=0, overdue_cases=0)
    if access(wh, community, scope) != OK:
        return empty
    frame = cases.community_table(wh, _area(wh, community, f), scope, None)
    row = frame[frame["community_id"] == community]
    return cases.totals(row) if len(row) else empty


def case_list(wh: Warehouse, f: Filter, community: str, scope: Scope) -> pd.DataFrame:
    """Its cases received in the period, latest first (the drill-down's case list)."""
    if access(wh, community, scope) != OK:
        return pd.DataFrame()
    return cases.case_list(wh, _area(wh, community, f), scope, None, community)


def usages(wh: Warehouse, f: Filter, community: str, scope: Scope) -> pd.DataFrame:
    """Maintenance-fund usages applied for in it in the period, latest first: application_id,
    purpose, emergency, amount (yuan), applied_on, approved_on, approval_days."""
    if access(wh, community, scope) != OK:
        return pd.DataFrame()
    cond = where(
        Sql.of("community_id = $community", community=community),
        region_sql("county", f, scope),
        period_sql("applied_on", f),
    )
    sql = f"""SELECT application_id, purpose, emergency, amount::DOUBLE AS amount, applied_on, approved_on,
                   date_diff('day', applied_on, approved_on) AS approval_days
            FROM fund_usages WHERE {cond} ORDER BY applied_on DESC, application_id"""
    return wh.frame(Sql.of(sql, cond))
