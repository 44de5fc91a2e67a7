"""Party building (党建引领): red owners' committees (红色业委会), party members on the committees,
party organisations in property companies (物业企业党组织) and red property companies (红色物业).

Definitions (the KPIs `red_committee_coverage`, `committee_party_share`, `company_party_coverage`):

- A red committee counts from its 认定日期 on (always, when the ledger gives none); the coverage is
  red committees at the period's end over all communities of the unit (阳曲: 109 of 131).
- The party share is the committees' party members over their members, as the ledger reports them now.
- A company is covered (党组织覆盖) when it has a party organisation of its own or a joint one
  (党委, 党总支, 党支部, 联合党支部) formed by the period's end; an instructor alone (党建指导员) is
  党的工作覆盖, shown but not counted. The denominator is the companies in operation at the period's
  end registered in the unit (the companies register), the company's unit its registered county.
- A unit that sent no committee (or company) party ledger has no value for those KPIs: 无数据, not 0.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.sql import Sql, literals
from metrics.db import Warehouse
from metrics.facts import data_as_of
from metrics.filters import Filter, Scope, region_sql
from metrics.regions import named_by_unit
from vocab.datasets_party import PARTY_ORGANISATIONS

NO_DATE = dt.date(9999, 12, 31)


def _at(f: Filter) -> dt.date:
    return f.end or NO_DATE


def _facts_sql(f: Filter, scope: Scope, at: dt.date) -> Sql:
    """WITH … `units`: per unit the counts every figure of this module is made of, as of `$at`."""
    committee_region = region_sql("p.county", f, scope)
    company_region = region_sql("co.county", f, scope)
    community_region = region_sql("county", f, scope)
    orgs = literals(PARTY_ORGANISATIONS)
    active = "(co.status IS NULL OR co.status = '在营' OR co.exited_on > $at)"
    sql = f"""
        WITH cp AS (
            SELECT p.county AS unit, count(*) AS committees_reported,
                   count(*) FILTER (WHERE p.red AND coalesce(p.red_since <= $at, true)) AS red_committees,
                   coalesce(sum(p.members), 0) AS committee_members,
                   coalesce(sum(least(p.party_members, p.members)) FILTER (WHERE p.members IS NOT NULL), 0)
                       AS committee_party_members
            FROM committee_party p WHERE {committee_region} GROUP BY p.county),
        cm AS (SELECT county AS unit, sum(n) AS communities FROM mart_communities WHERE {community_region}
               GROUP BY county),
        pc AS (
            SELECT co.county AS unit, count(*) AS companies_active,
                   count(*) FILTER (WHERE q.party_org IN {orgs} AND coalesce(q.party_org_formed_on <= $at, true))
                       AS companies_party_org,
                   count(*) FILTER (WHERE q.party_org = '党建指导员') AS companies_instructor,
                   count(*) FILTER (WHERE q.red AND coalesce(q.red_since <= $at, true)) AS red_companies,
                   count(q.company_code) AS companies_reported
            FROM companies co LEFT JOIN company_party q USING (company_code)
            WHERE {company_region} AND {active} GROUP BY co.county
            HAVING count(q.company_code) > 0),
        units AS (
            SELECT coalesce(cp.unit, pc.unit) AS unit,
                   CASE WHEN cp.unit IS NOT NULL THEN coalesce(cm.communities, 0) END AS communities,
                   cp.committees_reported, cp.red_committees, cp.committee_members, cp.committee_party_members,
                   pc.companies_active, pc.companies_party_org, pc.companies_instructor, pc.red_companies
            FROM cp FULL JOIN pc ON pc.unit = cp.unit LEFT JOIN cm ON cm.unit = cp.unit)"""
    return Sql.of(sql, committee_region, company_region, community_region, at=at)


COUNTS = (
    "communities",
    "committees_reported",
    "red_committees",
    "committee_members",
    "committee_party_members",
    "companies_active",
    "companies_party_org",
    "companies_instructor",
    "red_companies",
)


def party_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, at the period's end: communities and red committees, committee members and the party
    members among them, companies in operation and those with a party organisation, red companies."""
    cte = _facts_sql(f, scope, _at(f))
    casts = ", ".join(f"{c}::DOUBLE AS {c}" for c in COUNTS)
    return wh.frame(Sql.of(f"{cte} SELECT unit, {casts} FROM units", cte))


def party_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """The facts per unit with the unit's name (the table on the page and its export)."""
    return named_by_unit(wh, party_facts(wh, f, scope))


def red_committees_by_month(wh: Warehouse, f: Filter, scope: Scope, months: int = 48) -> pd.DataFrame:
    """Red committees per unit at each month's end, from the period's start (or the first 认定日期) to
    its end (数据截至 for an open period), at most the last `months` months: [month, unit,
    red_committees, communities]. The coverage over time is the KPI's rate of each row."""
    region = region_sql("p.county", f, scope)
    first_red, last_red = wh.rows(
        Sql.of(f"SELECT min(red_since), max(red_since) FROM committee_party p WHERE {region}", region)
    )[0]
    end = f.end or data_as_of(wh, f, scope) or last_red
    if first_red is None or end is None:
        return pd.DataFrame(columns=["month", "unit", "red_committees", "communities"])
    start = max(f.start or first_red, (end.replace(day=1) - pd.DateOffset(months=months - 1)).date())
    community_region = region_sql("county", f, scope)
    sql = f"""
        WITH m AS (SELECT d::DATE AS month, least(last_day(d::DATE), $end) AS month_end
                   FROM range(date_trunc('month', $start::DATE), $end::DATE + 1, INTERVAL 1 MONTH) t(d)),
        u AS (SELECT DISTINCT p.county AS unit FROM committee_party p WHERE {region}),
        cm AS (SELECT county AS unit, sum(n) AS communities FROM mart_communities WHERE {community_region}
               GROUP BY county)
        SELECT m.month, u.unit,
               (SELECT count(*) FROM committee_party p WHERE p.county = u.unit AND p.red
                  AND coalesce(p.red_since, DATE '1900-01-01') <= m.month_end)::DOUBLE AS red_committees,
               coalesce(cm.communities, 0)::DOUBLE AS communities
        FROM m CROSS JOIN u LEFT JOIN cm USING (unit)
        ORDER BY m.month, u.unit"""
    return wh.frame(Sql.of(sql, region, community_region, start=start, end=end))
