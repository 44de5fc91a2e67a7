"""维修资金 for the funds page: fund arrears and their recovery, collection and use, usage
approvals (emergency use, 应急使用), and the refund of illegal fees (违规收费清退).

The totals are the KPIs of metrics/kpis.py over the facts of metrics/facts.py; here the same
rows are only cut differently, with the same rules:

- arrears (`arrears_facts`): a project counts when it was listed (建账) by the period's end in
  the region; its recoveries count in the period when they arrived in it, and to date when
  they arrived by its end; outstanding (尚未追缴) = per project listed − recovered to date, never
  below 0, summed over the projects (OUTSTANDING_SQL);
- collection and use (`ledger_facts`): the ledger years the period touches; usage rate =
  used / collected;
- refunds (`refund_facts`): refunded in the period, in the unit that refunded;
- usage applications: applied for in the period; approval time = days from applied_on to
  approved_on (calendar days).

A company or community the master files do not know stays in every total and is named
未匹配 by the page (its name comes back NULL here). Lists for the screen are capped at
`limit` rows (largest first), with the full count beside them; exports pass no limit.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql, literal
from metrics.db import Warehouse
from metrics.filters import (
    Filter,
    Scope,
    limit_sql,
    months_before,
    period_sql,
    region_sql,
    until_sql,
    where,
    year_sql,
)

CHANNELS = ("催缴", "行政处罚", "纪检", "公安", "诉讼")
NO_CHANNEL = "not_filled"  # a recovery whose channel the ledger left empty
KINDS = ("装修保证金", "水电费", "物业费", "电梯运行费", "卫生费", "其他")
DEPOSIT = "装修保证金"  # the kind the reports name apart; the others are "other kinds"
# Approval time buckets in calendar days: (lowest, highest); None = no upper bound.
DAY_BUCKETS = ((0, 3), (4, 7), (8, 10), (11, 30), (31, 60), (61, 90), (91, None))
PENDING = -1  # the bucket of applications not approved (yet)
EMERGENCY_DAYS = 10  # the published promise: an emergency use is approved within ten days


# ---------------------------------------------------------------- arrears (欠缴与追缴)


def suspended_sql(by_end: str) -> str:
    """SQL: the project is 挂账 at the period's end: its status says so, and its 挂账日期 (`by_end`, a
    condition on `suspended_on`) is by then, or not given."""
    return f"coalesce(status = '挂账' AND coalesce({by_end}, true), false)"


def _projects_sql(f: Filter, scope: Scope) -> Sql:
    """CTE `p`: one row per project listed by the period's end in the region, with its
    recoveries in the period (`recovered`) and to its end (`recovered_to_date`)."""
    region = region_sql("a.county", f, scope)
    listed = until_sql("a.listed_on", f)
    period = period_sql("r.recovered_on", f)
    until = until_sql("r.recovered_on", f)
    suspended = until_sql("a.suspended_on", f)
    sql = f"""
        a AS (SELECT project_id, project, developer, county, amount_due, listed_on, measure,
                     {suspended_sql(suspended.text)} AS suspended, suspended_on
              FROM fund_arrears a WHERE {region} AND {listed}),
        r AS (SELECT r.project_id, sum(r.amount) FILTER (WHERE {period}) AS recovered,
                     sum(r.amount) FILTER (WHERE {until}) AS recovered_to_date,
                     max(r.recovered_on) FILTER (WHERE {until}) AS last_recovered_on
              FROM fund_recoveries r JOIN a USING (project_id) GROUP BY r.project_id),
        p AS (SELECT a.*, coalesce(r.recovered, 0) AS recovered, coalesce(r.recovered_to_date, 0) AS recovered_to_date,
                     r.last_recovered_on
              FROM a LEFT JOIN r USING (project_id))"""
    return Sql.of(sql, region, listed, period, until, suspended)


# 尚未追缴, the one definition: a project's outstanding is what it owes less what it paid by the
# period's end, never below 0; a county's, a developer's or a region's is the sum over its
# projects (a project that overpaid does not hide another's arrears). metrics.facts uses it too.
OUTSTANDING_SQL = "greatest(amount_due - recovered_to_date, 0)"

_ARREARS_SUMS = f"""sum(amount_due)::DOUBLE AS arrears_listed, sum(recovered)::DOUBLE AS arrears_recovered,
    sum(recovered_to_date)::DOUBLE AS arrears_recovered_to_date,
    sum({OUTSTANDING_SQL})::DOUBLE AS arrears_outstanding,
    coalesce(sum({OUTSTANDING_SQL}) FILTER (WHERE suspended), 0)::DOUBLE AS arrears_suspended"""


def arrears_summary(wh: Warehouse, f: Filter, scope: Scope) -> dict:
    """The arrears ledger at the period's end in four counts: reporting units (counties),
    developers, projects and the amount listed (yuan)."""
    cte = _projects_sql(f, scope)
    sql = f"""WITH {cte} SELECT count(DISTINCT county), count(DISTINCT developer), count(*),
                      coalesce(sum(amount_due), 0)::DOUBLE FROM p"""
    row = wh.rows(Sql.of(sql, cte))[0]
    return dict(zip(("counties", "developers", "projects", "amount"), row, strict=True))


def arrears_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per reporting unit: projects, developers, listed, recovered in the period and to date, outstanding."""
    cte = _projects_sql(f, scope)
    sql = f"""WITH {cte} SELECT county AS unit, count(*) AS arrears_projects, count(DISTINCT developer) AS developers,
            {_ARREARS_SUMS} FROM p GROUP BY county ORDER BY county"""
    return wh.frame(Sql.of(sql, cte))


def arrears_by_developer(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Per developer (largest outstanding first; at most `limit` rows): its units, projects and
    amounts; and how many developers there are in all."""
    cte = _projects_sql(f, scope)
    cap = limit_sql(limit or None)  # 0: no limit
    sql = f"""WITH {cte}, d AS (
              SELECT developer, string_agg(DISTINCT coalesce(g.name, p.county), '、' ORDER BY coalesce(g.name, p.county))
                       AS unit_names, count(*) AS arrears_projects, {_ARREARS_SUMS}, count(*) OVER () AS total_rows
              FROM p LEFT JOIN regions g ON g.code = p.county GROUP BY developer)
            SELECT * FROM d ORDER BY arrears_outstanding DESC, arrears_listed DESC, developer {cap}"""
    return _split_total(wh.frame(Sql.of(sql, cte, cap)))


def arrears_projects(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """The projects in arrears (largest outstanding first; at most `limit` rows), and how many there are."""
    cte = _projects_sql(f, scope)
    cap = limit_sql(limit or None)  # 0: no limit
    sql = f"""WITH {cte} SELECT project_id, project, developer, county AS unit, listed_on, measure,
              amount_due::DOUBLE AS arrears_listed, recovered::DOUBLE AS arrears_recovered,
              recovered_to_date::DOUBLE AS arrears_recovered_to_date,
              {OUTSTANDING_SQL}::DOUBLE AS arrears_outstanding,
              CASE WHEN suspended THEN {OUTSTANDING_SQL} ELSE 0 END::DOUBLE AS arrears_suspended, suspended_on,
              count(*) OVER () AS total_rows
            FROM p ORDER BY arrears_outstanding DESC, project_id {cap}"""
    return _split_total(wh.frame(Sql.of(sql, cte, cap)))


def stalled_arrears(wh: Warehouse, f: Filter, scope: Scope, months: int) -> pd.DataFrame:
    """欠缴停滞: the projects still owing at the period's end (尚未追缴 > 0, OUTSTANDING_SQL) on which
    nothing has moved for `months` months — no recovery arrived after the day `months` months
    before the end (counted from their listing when none ever arrived). The period's end is
    required (a stock is taken at a date). Largest outstanding first: project_id, project,
    developer, unit, listed_on, last_recovered_on, arrears_outstanding."""
    if f.end is None:
        raise ValueError("stalled_arrears needs the period's end")
    cte = _projects_sql(f, scope)
    sql = f"""WITH {cte} SELECT project_id, project, developer, county AS unit, listed_on, last_recovered_on,
              {OUTSTANDING_SQL}::DOUBLE AS arrears_outstanding
            FROM p WHERE {OUTSTANDING_SQL} > 0 AND coalesce(last_recovered_on, listed_on) <= $stalled_since
            ORDER BY arrears_outstanding DESC, project_id"""
    return wh.frame(Sql.of(sql, cte, stalled_since=months_before(f.end, months)))


def recoveries_by_month(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Recoveries in the period by month and channel (yuan): rows month (first day), channel
    (NO_CHANNEL when not filled), amount, recoveries. The months sum to the period's 追缴到账
    (the same projects: listed by the period's end in the region; read from `mart_recoveries`)."""
    cond = where(region_sql("county", f, scope), until_sql("listed_on", f), period_sql("recovered_on", f))
    sql = f"""SELECT date_trunc('month', recovered_on)::DATE AS month, coalesce(channel, {literal(NO_CHANNEL)}) AS channel,
              sum(amount)::DOUBLE AS amount, sum(recoveries)::BIGINT AS recoveries
            FROM mart_recoveries WHERE {cond}
            GROUP BY ALL ORDER BY month, channel"""
    return wh.frame(Sql.of(sql, cond))


# The longest period shown day by day (a campaign month, two at most): longer ones by month.
DAILY_DAYS = 62


def recoveries_by_day(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Recoveries in the period day by day (逐日追缴到账, e.g. the May 2025 集中攻坚): every day of
    the period with [day, amount (yuan), recoveries, cumulative (from the period's start)]; the
    days sum to the period's 追缴到账 (the rows of `recoveries_by_month`). Empty for a period
    without both ends or longer than DAILY_DAYS."""
    columns = ["day", "amount", "recoveries", "cumulative"]
    if f.start is None or f.end is None or (f.end - f.start).days + 1 > DAILY_DAYS:
        return pd.DataFrame(columns=columns)
    cond = where(region_sql("county", f, scope), until_sql("listed_on", f), period_sql("recovered_on", f))
    sql = f"""WITH d AS (SELECT recovered_on AS day, sum(amount)::DOUBLE AS amount, sum(recoveries)::BIGINT AS recoveries
                       FROM mart_recoveries WHERE {cond} GROUP BY 1),
            days AS (SELECT unnest(generate_series($start::DATE, $end::DATE, INTERVAL 1 DAY))::DATE AS day)
        SELECT days.day, coalesce(d.amount, 0)::DOUBLE AS amount, coalesce(d.recoveries, 0)::BIGINT AS recoveries,
               sum(coalesce(d.amount, 0)) OVER (ORDER BY days.day)::DOUBLE AS cumulative
        FROM days LEFT JOIN d USING (day) ORDER BY days.day"""
    return wh.frame(Sql.of(sql, cond))[columns]


def unmatched_recoveries(wh: Warehouse, f: Filter, scope: Scope) -> dict:
    """Recoveries in the period whose project the arrears ledger does not list (未匹配): a recovery
    carries no county of its own, so no unit's total counts them. The page names them beside the
    totals. A viewer limited to some regions gets none (they may be another county's):
    {"recoveries": n, "amount": yuan}."""
    if scope.regions is not None:
        return {"recoveries": 0, "amount": 0.0}
    period = period_sql("r.recovered_on", f)
    sql = f"""SELECT count(*), coalesce(sum(r.amount), 0)::DOUBLE FROM fund_recoveries r
            WHERE {period} AND NOT EXISTS (SELECT 1 FROM fund_arrears a WHERE a.project_id = r.project_id)"""
    n, amount = wh.rows(Sql.of(sql, period))[0]
    return {"recoveries": int(n), "amount": float(amount)}


# ---------------------------------------------------------------- collection and use (归集与使用)


def ledger_breakdown(wh: Warehouse, f: Filter, scope: Scope, by: str) -> pd.DataFrame:
    """Collected, used and the usage rate (used / collected) in the years of the period, per
    reporting unit (`by="unit"`: column unit) or per year (`by="year"`: column year)."""
    column = {"unit": "county", "year": "year"}[by]
    cond = where(region_sql("county", f, scope), year_sql("year", f))
    sql = f"""SELECT {column} AS {by}, sum(collected)::DOUBLE AS fund_collected, sum(used)::DOUBLE AS fund_used
            FROM fund_ledger WHERE {cond} GROUP BY {column} ORDER BY {column}"""
    frame = wh.frame(Sql.of(sql, cond))
    den = frame["fund_collected"].where(frame["fund_collected"] > 0)
    frame["fund_usage_rate"] = (frame["fund_used"] / den).astype("float64")
    return frame


# ---------------------------------------------------------------- usage applications (使用申请)


def _days_bucket_sql(days: str) -> str:
    cases = [f"WHEN {days} <= {hi} THEN {i}" for i, (_, hi) in enumerate(DAY_BUCKETS) if hi is not None]
    return f"CASE WHEN {days} IS NULL THEN {PENDING} {' '.join(cases)} ELSE {len(DAY_BUCKETS) - 1} END"


def approval_times(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Applications made in the period by approval-time bucket (DAY_BUCKETS index, PENDING for
    not approved), emergency or not: bucket, emergency, applications, amount (yuan)."""
    cond = where(region_sql("county", f, scope), period_sql("applied_on", f))
    bucket = _days_bucket_sql("date_diff('day', applied_on, approved_on)")
    sql = f"""SELECT {bucket} AS bucket, emergency, count(*) AS applications, sum(amount)::DOUBLE AS amount
            FROM fund_usages WHERE {cond} GROUP BY ALL ORDER BY bucket, emergency"""
    return wh.frame(Sql.of(sql, cond))


def emergency_usages(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Emergency uses applied for in the period (latest first; at most `limit`): the community
    (name NULL when the master file does not know it), purpose, amount, applied, approved and
    the days between; and how many there are."""
    cond = where(region_sql("u.county", f, scope), period_sql("u.applied_on", f))
    cap = limit_sql(limit or None)  # 0: no limit
    sql = f"""SELECT u.application_id, u.county AS unit, u.community_id, c.name AS community_name, u.purpose,
              u.amount::DOUBLE AS amount, u.applied_on, u.approved_on,
              date_diff('day', u.applied_on, u.approved_on) AS approval_days, count(*) OVER () AS total_rows
            FROM fund_usages u LEFT JOIN communities c USING (community_id)
            WHERE u.emergency AND {cond} ORDER BY u.applied_on DESC, u.application_id {cap}"""
    return _split_total(wh.frame(Sql.of(sql, cond, cap)))


# ---------------------------------------------------------------- refunds (违规收费清退)


def refunds_by_kind(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Refunds in the period per kind, per kind group (the deposit; the other kinds) and in all:
    level ('kind', 'group', 'total'), kind_group ('deposit' / 'other'), kind, amount (yuan),
    distinct companies, households, refunds, and the units (codes) that refunded. Companies are counted once per row's scope, so a
    group's count is not the sum of its kinds'."""
    cond = where(region_sql("county", f, scope), period_sql("refunded_on", f))
    sql = f"""WITH r AS (SELECT *, CASE WHEN kind = {literal(DEPOSIT)} THEN 'deposit' ELSE 'other' END AS kind_group
                       FROM refunds WHERE {cond})
            SELECT CASE WHEN grouping(kind_group) = 1 THEN 'total' WHEN grouping(kind) = 1 THEN 'group' ELSE 'kind' END
                     AS level, kind_group, kind, sum(amount)::DOUBLE AS refund_amount,
                   count(DISTINCT company_code) AS companies, coalesce(sum(households), 0)::BIGINT AS refund_households,
                   count(*) AS refund_rows, list(DISTINCT county ORDER BY county) AS units
            FROM r GROUP BY GROUPING SETS ((kind_group, kind), (kind_group), ())"""
    frame = wh.frame(Sql.of(sql, cond))
    order = {k: i for i, k in enumerate(KINDS)}
    frame["_group"] = frame["kind_group"].map({"deposit": 0, "other": 1}).fillna(2)
    frame["_kind"] = frame["kind"].map(order).fillna(len(KINDS) + 1)  # a group's own row comes after its kinds
    frame.loc[frame["kind"].isna(), "_kind"] = len(KINDS) + 2
    return frame.sort_values(["_group", "_kind"]).drop(columns=["_group", "_kind"]).reset_index(drop=True)


def refunds_by_unit(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Refunds in the period per reporting unit and kind: unit, kind, amount, companies, households."""
    cond = where(region_sql("county", f, scope), period_sql("refunded_on", f))
    sql = f"""SELECT county AS unit, kind, sum(amount)::DOUBLE AS refund_amount,
              count(DISTINCT company_code) AS companies, coalesce(sum(households), 0)::BIGINT AS refund_households,
              count(*) AS refund_rows
            FROM refunds WHERE {cond} GROUP BY ALL ORDER BY unit, kind"""
    return wh.frame(Sql.of(sql, cond))


def refunds_by_company(wh: Warehouse, f: Filter, scope: Scope, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Refunds in the period per company (largest first; at most `limit`): its name from the
    company register (NULL when unknown), the units it refunded in, its kinds, amount,
    households, refunds; and how many companies there are."""
    cond = where(region_sql("r.county", f, scope), period_sql("r.refunded_on", f))
    cap = limit_sql(limit or None)  # 0: no limit
    # aggregate first, then name the (at most `limit`) companies: the register is joined on few rows
    sql = f"""WITH r AS (
              SELECT r.company_code,
                string_agg(DISTINCT coalesce(g.name, r.county), '、' ORDER BY coalesce(g.name, r.county)) AS unit_names,
                list(DISTINCT r.kind ORDER BY r.kind) AS kinds, sum(r.amount)::DOUBLE AS refund_amount,
                coalesce(sum(r.households), 0)::BIGINT AS refund_households, count(*) AS refund_rows
              FROM refunds r LEFT JOIN regions g ON g.code = r.county WHERE {cond} GROUP BY r.company_code),
            top AS (SELECT *, count(*) OVER () AS total_rows FROM r ORDER BY refund_amount DESC, company_code {cap})
            SELECT top.company_code, c.name AS company_name, unit_names, kinds, refund_amount, refund_households,
                   refund_rows, total_rows
            FROM top LEFT JOIN (SELECT company_code, any_value(name) AS name FROM companies
                                WHERE company_code IN (SELECT company_code FROM top) GROUP BY company_code) c
                 USING (company_code)
            ORDER BY refund_amount DESC, top.company_code"""
    return _split_total(wh.frame(Sql.of(sql, cond, cap)))


def _split_total(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    total = int(frame["total_rows"].iloc[0]) if len(frame) else 0
    return frame.drop(columns=["total_rows"]), total
