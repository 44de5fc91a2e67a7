"""Communities and companies: property service coverage, management types, owners' committees,
the register of property companies (物业服务覆盖、管理方式、业委会组建、物业企业登记).

Stock figures are taken at the period's end, as metrics/facts.py `community_facts` takes them,
so the counts here add up to the KPIs `service_coverage` and `committee_coverage`; both read
`mart_communities` (communities counted by type, dates and committee; etl/marts.py). Whether a
community had property service at a date is facts.no_service_at, used here and nowhere redefined.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.sql import Sql, literal
from metrics.db import Warehouse
from metrics.facts import data_as_of, no_service_at
from metrics.filters import NO_END, Filter, Scope, region_sql
from vocab.schema import MANAGEMENT_TYPES

# canonical column -> the management type (管理方式) as the ledgers write it
MANAGEMENT_COLUMNS = {
    "mt_professional": "专业物业企业",
    "mt_community": "社区(村)托管",
    "mt_employer": "单位自管",
    "mt_owners": "业主自管",
    "mt_backstop": "政府兜底(国企兜底)",
    "mt_none": "无物业",
}
assert set(MANAGEMENT_COLUMNS.values()) == set(MANAGEMENT_TYPES), "a management type has no column"
# served by a property company: a professional one, or the state-owned company of the government backstop
COMPANY_MANAGED = ("mt_professional", "mt_backstop")
COMMITTEE_COLUMNS = {"committee_owners": "业委会", "committee_management": "物管会"}


def stock_date(f: Filter) -> dt.date:
    """The date stock figures are taken at: the period's end (every date when open), as community_facts does."""
    return f.end or NO_END


def _count(condition: str) -> str:
    """Communities (the mart's `n`) meeting a condition, 0 when none."""
    return f"coalesce(sum(n) FILTER (WHERE {condition}), 0)::BIGINT"


def communities_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per reporting unit, at the period's end: communities by management type (管理方式 then in force),
    and by owners' organisation (业委会 / 物管会 formed by then, or none):
    [unit, communities, mt_professional … mt_none, mt_unknown, with_company, with_service, no_service,
    committee_owners, committee_management, committee_none, with_committee]."""
    region = region_sql("county", f, scope)
    # the type in force at the date: none per no_service_at; the previous type while the current one
    # had not begun; unknown when it is 无物业 now, began later and nothing is known from before
    type_at = f"""CASE WHEN {no_service_at("$at")} THEN '无物业'
        WHEN managed_since > $at AND previous_management_type IS NOT NULL THEN previous_management_type
        WHEN managed_since > $at AND management_type = '无物业' THEN NULL
        ELSE management_type END"""
    committee_at = """CASE WHEN committee IN ('业委会', '物管会')
        AND (committee_formed_on IS NULL OR committee_formed_on <= $at) THEN committee END"""
    types = ", ".join(f"{_count('t = ' + literal(v))} AS {k}" for k, v in MANAGEMENT_COLUMNS.items())
    committees = ", ".join(f"{_count('k = ' + literal(v))} AS {c}" for c, v in COMMITTEE_COLUMNS.items())
    sql = f"""SELECT county AS unit, sum(n)::BIGINT AS communities, {types}, {_count("t IS NULL")} AS mt_unknown,
               {committees}, {_count("k IS NULL")} AS committee_none
        FROM (SELECT county, n, {type_at} AS t, {committee_at} AS k FROM mart_communities WHERE {region})
        GROUP BY county ORDER BY county"""
    frame = wh.frame(Sql.of(sql, region, at=stock_date(f)))
    frame["with_company"] = frame[list(COMPANY_MANAGED)].sum(axis=1)
    frame["no_service"] = frame["mt_none"]
    frame["with_service"] = frame["communities"] - frame["no_service"]
    frame["with_committee"] = frame["committee_owners"] + frame["committee_management"]
    return frame


def coverage_timeline(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Month by month over the period (its first day, then each month's end, the last one the
    period's end): communities without property service (无物业) and with an owners' committee:
    [day, communities, no_service, with_service, with_committee]. With no period start it begins
    on 1 January of the year of the earliest change the data records; with no end, at the data's date."""
    end = f.end or data_as_of(wh, f, scope) or dt.date.today()
    region = region_sql("county", f, scope)
    groups = f"""SELECT management_type, managed_since, previous_management_type,
                        committee IN ('业委会', '物管会') AS has_committee, committee_formed_on, sum(n) AS n
                 FROM mart_communities WHERE {region} GROUP BY ALL"""
    sql = f"""WITH g AS MATERIALIZED ({groups}),
        b AS (SELECT coalesce($start::DATE, least(
                  date_trunc('year', min(managed_since) FILTER (WHERE previous_management_type = '无物业')),
                  date_trunc('year', min(committee_formed_on) FILTER (WHERE has_committee)),
                  date_trunc('year', $last_day::DATE))::DATE) AS s, $last_day::DATE AS e FROM g),
        days AS (SELECT s AS day FROM b
                 UNION SELECT least(last_day(m::DATE), e)
                 FROM b, unnest(generate_series(date_trunc('month', s), e, INTERVAL 1 MONTH)) t(m)
                 WHERE s <= e),
        ns AS (SELECT g.management_type, g.managed_since, g.previous_management_type, sum(n) AS n FROM g GROUP BY ALL),
        cm AS (SELECT committee_formed_on, sum(n) AS n FROM g WHERE has_committee GROUP BY ALL),
        a AS (SELECT day, sum(n) AS communities,
                     coalesce(sum(n) FILTER (WHERE {no_service_at("day")}), 0) AS no_service
              FROM days, ns GROUP BY day),
        c AS (SELECT day, coalesce(sum(n) FILTER (WHERE committee_formed_on IS NULL OR committee_formed_on <= day), 0)
                     AS with_committee FROM days, cm GROUP BY day)
        SELECT day, communities::BIGINT AS communities, no_service::BIGINT AS no_service,
               (communities - no_service)::BIGINT AS with_service, coalesce(with_committee, 0)::BIGINT AS with_committee
        FROM a LEFT JOIN c USING (day) ORDER BY day"""
    return wh.frame(Sql.of(sql, region, start=f.start, last_day=end))


def companies_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per registered county: property companies in the register (物业企业), those operating and those
    cleared out or deregistered by the period's end, those in the vetted list (物业超市), and how many
    carry the vetted-list flag at all: [unit, registered, operating, exited, in_market, market_known]."""
    region = region_sql("county", f, scope)
    sql = f"""SELECT coalesce(county, '未匹配') AS unit, count(*) AS registered,
               count(*) FILTER (WHERE NOT gone) AS operating, count(*) FILTER (WHERE gone) AS exited,
               count(*) FILTER (WHERE in_market_list) AS in_market, count(in_market_list) AS market_known
        FROM (SELECT county, in_market_list,
                     coalesce(status IN ('已清退', '注销') AND (exited_on IS NULL OR exited_on <= $at), false) AS gone
              FROM companies WHERE {region})
        GROUP BY 1 ORDER BY 1"""
    return wh.frame(Sql.of(sql, region, at=stock_date(f)))
