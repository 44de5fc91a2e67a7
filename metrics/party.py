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
from metrics.cuts import Cuts, running
from metrics.db import Warehouse
from metrics.facts import data_as_of
from metrics.filters import NO_END, Filter, Scope, region_sql
from metrics.regions import named_by_unit
from vocab.datasets_party import PARTY_ORGANISATIONS


def _at(f: Filter) -> dt.date:
    return f.end or NO_END


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


COMMITTEE_COUNTS = ("committees_reported", "red_committees", "committee_members", "committee_party_members")
COMPANY_COUNTS = ("companies_active", "companies_party_org", "companies_instructor", "red_companies")


def party_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`party_facts` at each end of `cuts` (an open period: now), in one scan of the committees' and
    companies' party ledgers and the communities: [cut, unit, …], equal to `party_facts` of each
    end's period (tests/test_facts_by_cut.py). A unit is listed at an end when it sent a committee
    party ledger, or when a company in operation then that is registered there reported its party
    work; the committee figures (and its communities) are those of a unit that sent the committee
    ledger, the company figures those of a unit with such a company (else None: 无数据). A red committee or company counts from its 认定日期, a party organisation from
    its formation (always, without a date); a company is in operation until its exit (清退/注销)."""
    f = Filter(region)
    committees, companies = region_sql("p.county", f, scope), region_sql("co.county", f, scope)
    communities = region_sql("county", f, scope)
    source = f"""
        SELECT p.county AS unit, 'committee' AS kind, 1 AS n, p.red, p.red_since, p.members, p.party_members,
               NULL::VARCHAR AS status, NULL::DATE AS exited_on, NULL::VARCHAR AS party_org, NULL::DATE AS formed_on,
               NULL::VARCHAR AS company_code
        FROM committee_party p WHERE {committees}
        UNION ALL SELECT county, 'community', n, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM mart_communities WHERE {communities}
        UNION ALL SELECT co.county, 'company', 1, q.red, q.red_since, NULL, NULL, co.status, co.exited_on,
               q.party_org, q.party_org_formed_on, q.company_code
        FROM companies co LEFT JOIN company_party q USING (company_code) WHERE {companies}"""
    since = f"coalesce({cuts.first('red_since')}, 0)"  # a red committee or company: from its 认定日期
    committee = "kind = 'committee'"
    # in operation until its exit: one with no exit date that is not 在营 never counts
    active = f"""CASE WHEN status IS NULL OR status = '在营' THEN NULL WHEN exited_on IS NULL THEN 0
                 ELSE {cuts.first("exited_on")} END"""
    company = "kind = 'company'"
    counts = {
        "communities": ("CASE WHEN kind = 'community' THEN 0 END", None),
        "committees_reported": (f"CASE WHEN {committee} THEN 0 END", None),
        "red_committees": (f"CASE WHEN {committee} AND red THEN {since} END", None),
        "committee_members": (f"CASE WHEN {committee} THEN 0 END", None, "members"),
        "committee_party_members": (
            f"CASE WHEN {committee} AND members IS NOT NULL THEN 0 END",
            None,
            "least(party_members, members)",
        ),
        "companies_active": (f"CASE WHEN {company} THEN 0 END", active),
        "companies_party_org": (
            f"CASE WHEN {company} AND party_org IN {literals(PARTY_ORGANISATIONS)} "
            f"THEN coalesce({cuts.first('formed_on')}, 0) END",
            active,
        ),
        "companies_instructor": (f"CASE WHEN {company} AND party_org = '党建指导员' THEN 0 END", active),
        "red_companies": (f"CASE WHEN {company} AND red THEN {since} END", active),
        "companies_reported": (f"CASE WHEN {company} AND company_code IS NOT NULL THEN 0 END", active),
    }
    frame = running(wh, cuts, Sql.of(source, committees, companies, communities), counts)
    sent = frame["committees_reported"] > 0  # a committee party ledger: a unit of every end
    reported = frame["companies_reported"] > 0  # a company in operation then reported its party work
    frame = frame[sent | reported].copy()
    frame.loc[~sent[frame.index], ["communities", *COMMITTEE_COUNTS]] = None
    frame.loc[~reported[frame.index], list(COMPANY_COUNTS)] = None
    return frame[["cut", "unit", *COUNTS]].astype({c: "float64" for c in COUNTS}).reset_index(drop=True)


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
