"""Additive facts per reporting unit, one parameterised query per subject.

A reporting unit is the region code a row carries (a county, or a township-level unit
such as 晋中开发区 140702401 that reports on its own). Every KPI in metrics/kpis.py is
a ratio or a sum of these columns: the total of a region is the sum over its units, so
the overview card, the county scorecard and the exports all come from the same rows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.sql import Sql, literal, literals
from metrics.cuts import Cuts, by_month, by_years, running
from metrics.db import Warehouse
from metrics.deadlines import deadlines
from metrics.filters import NO_END, Filter, Scope, period_sql, region_sql, until_sql, where, year_sql
from metrics.funds import OUTSTANDING_SQL, _projects_sql, suspended_sql

SWEEP = ("排查",)
LEADS = ("12345", "信访", "督导检查", "媒体", "审计")
COMPLAINTS = ("投诉举报",)
DONE = ("已整改", "已办结")
CASE_GROUPS = {"sweep": SWEEP, "leads": LEADS, "complaints": COMPLAINTS}


def rectified_by(day: str | None, alias: str = "") -> str:
    """A case counts as rectified (整改/办结) when its status says so and it was closed by `day`
    (a SQL expression, e.g. `$at`; None: whenever)."""
    a = f"{alias}." if alias else ""
    sql = f"{a}status IN {literals(DONE)} AND {a}closed_on IS NOT NULL"
    return sql + f" AND {a}closed_on <= {day}" if day else sql


def rectified_sql(f: Filter, alias: str = "") -> Sql:
    """Rectified by the period's end (`$end`): `rectified_by`."""
    return Sql.of(rectified_by("$end", alias), end=f.end) if f.end else Sql(rectified_by(None, alias))


def as_of(wh: Warehouse, f: Filter, scope: Scope | None = None) -> dt.date:
    """The date stock figures are taken at: the period's end, or the latest date of the data the
    viewer looks at (the filter's region within the scope)."""
    latest = data_as_of(wh, f, scope)
    if f.end and (latest is None or f.end < latest):
        return f.end
    return latest or dt.date.today()


def data_as_of(wh: Warehouse, f: Filter | None = None, scope: Scope | None = None) -> dt.date | None:
    """数据截至: the latest date a fact row of the viewed region carries (the filter's region
    within the scope; not the load time). A county officer's is his county's: one county's row
    dated later must not make another county's figures look more recent than they are. Read
    once per published version and region."""
    f = Filter(region=f.region) if f else Filter()
    scope = scope or Scope(None)
    key = ("data_as_of", f.region, scope.regions)
    return wh.memo(key, lambda: _data_as_of(wh, f, scope))


def _data_as_of(wh: Warehouse, f: Filter, scope: Scope) -> dt.date | None:
    parts = []
    for table, column, date in (
        ("mart_cases", "county", "greatest(received_on, coalesce(closed_on, received_on))"),
        ("mart_case_trail", "county", "happened_on"),
        ("mart_recoveries", "county", "recovered_on"),
        ("refunds", "county", "refunded_on"),
        ("fund_usages", "county", "coalesce(approved_on, applied_on)"),
        ("mart_arrears", "county", "listed_on"),
    ):
        region = region_sql(column, f, scope)
        parts.append(Sql.of(f"SELECT max({date}) AS d FROM {table} WHERE {region}", region))
    row = wh.rows("SELECT max(d) FROM (" + Sql.join(" UNION ALL ", parts) + ")")
    return row[0][0] if row else None


def case_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: cases received in the period and rectified by its end, per source group; open and overdue stock.

    Reads `mart_cases` (cases counted by unit, source, status and dates; etl/marts.py). A case's
    deadline is that of metrics/deadlines.py (its row's, else the deadline rules'), as on the 督办 page."""
    region = region_sql("county", f, scope)
    period = period_sql("received_on", f)
    done = rectified_sql(f)
    cols = []
    for name, sources in CASE_GROUPS.items():
        cols.append(
            f"coalesce(sum(n) FILTER (WHERE source IN {literals(sources)} AND {period}), 0)::BIGINT AS received_{name}"
        )
        cols.append(
            f"coalesce(sum(n) FILTER (WHERE source IN {literals(sources)} AND {period} AND {done}), 0) "
            f"::BIGINT AS rectified_{name}"
        )
    # stock at `$at`: received by then and not rectified by then
    open_at = f"received_on <= $at AND NOT coalesce({rectified_by('$at')}, false)"
    cols.append(f"coalesce(sum(n) FILTER (WHERE {open_at}), 0)::BIGINT AS open_cases")
    cols.append(f"coalesce(sum(n) FILTER (WHERE {open_at} AND due_at < $at), 0)::BIGINT AS overdue_cases")
    d = deadlines(wh)
    sql = f"""WITH {d.ctes}
        m AS (SELECT c.*, {d.due("c")} AS due_at FROM mart_cases c {d.join("c")} WHERE {region})
        SELECT county AS unit, {", ".join(cols)} FROM m GROUP BY county"""
    frame = wh.frame(Sql.of(sql, d.ctes, region, period, done, at=as_of(wh, f, scope)))
    frame["received_main"] = frame["received_sweep"] + frame["received_leads"]
    frame["rectified_main"] = frame["rectified_sweep"] + frame["rectified_leads"]
    return frame


@by_month
def case_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`case_facts` at each end of `cuts` (the period from its start to that end, or its month), in one scan:
    [cut, unit, …], equal to `case_facts` of each end's period (tests/test_facts_by_cut.py). At an
    end k a case counts as received when received from the start to the end, as rectified when
    also 已整改/已办结 and closed by the end; the stock is taken at the end, or at 数据截至 when that
    is earlier (`as_of`): open when received by then and not rectified by then, overdue when also
    past its deadline then."""
    f = Filter(region)
    where_ = region_sql("county", f, scope)
    latest = data_as_of(wh, f, scope) or NO_END  # no dated row at all: nothing counts as stock
    since = cuts.since("received_on")
    done = f"coalesce(status IN {literals(DONE)}, false) AND closed_on IS NOT NULL"
    received, closed = cuts.first("received_on"), cuts.first("closed_on")
    counts: dict[str, tuple[str, str | None]] = {}
    # a month of its own (`cuts.monthly`): rectified when closed within the month it was received in
    same = f" AND {closed} <= {received}" if cuts.monthly else ""
    for name, sources in CASE_GROUPS.items():
        mine = f"source IN {literals(sources)} AND {since}"
        counts[f"received_{name}"] = cuts.flow(f"CASE WHEN {mine} THEN {received} END")
        counts[f"rectified_{name}"] = cuts.flow(
            f"CASE WHEN {mine} AND {done}{same} THEN greatest({received}, {closed}) END"
        )
    # stock at the end (or at 数据截至, `$latest`, when earlier): received by then, not rectified by then
    open_from = cuts.first_until("received_on", "$latest")
    open_until = f"CASE WHEN {done} THEN {cuts.first_until('closed_on', '$latest')} END"
    late = cuts.first_until("due_at", "$latest", strict=True)
    counts["open_cases"] = (open_from, open_until)
    overdue_from = f"CASE WHEN due_at IS NOT NULL AND received_on IS NOT NULL THEN greatest({open_from}, {late}) END"
    counts["overdue_cases"] = (overdue_from, open_until)
    d = deadlines(wh)
    source = f"""WITH {d.ctes}
        m AS (SELECT c.*, {d.due("c")} AS due_at FROM mart_cases c {d.join("c")} WHERE {where_})
        SELECT county AS unit, n, source, status, received_on, closed_on, due_at FROM m"""
    frame = running(wh, cuts, Sql.of(source, d.ctes, where_, latest=latest), counts)
    frame = frame.astype({c: "int64" for c in counts})
    frame["received_main"] = frame["received_sweep"] + frame["received_leads"]
    frame["rectified_main"] = frame["rectified_sweep"] + frame["rectified_leads"]
    return frame


def refund_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: illegal fees refunded in the period (yuan) and the households concerned."""
    cond = where(region_sql("county", f, scope), period_sql("refunded_on", f))
    sql = f"""SELECT county AS unit, sum(amount)::DOUBLE AS refund_amount,
        coalesce(sum(households), 0) AS refund_households, count(*) AS refund_rows
        FROM refunds WHERE {cond} GROUP BY county"""
    return wh.frame(Sql.of(sql, cond))


@by_month
def refund_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`refund_facts` at each end of `cuts`, in one scan: [cut, unit, …], equal to `refund_facts`
    of each end's period (tests/test_facts_by_cut.py). A unit is listed at an end when it refunded
    something in that end's period."""
    where_ = region_sql("county", Filter(region), scope)
    at = cuts.flow(f"CASE WHEN {cuts.since('refunded_on')} THEN {cuts.first('refunded_on')} END")
    counts = {
        "refund_amount": (*at, "amount"),
        "refund_households": (*at, "coalesce(households, 0)"),
        "refund_rows": at,
    }
    source = f"SELECT county AS unit, 1 AS n, refunded_on, amount, households FROM refunds WHERE {where_}"
    frame = running(wh, cuts, Sql.of(source, where_), counts)
    return frame[frame["refund_rows"] > 0].reset_index(drop=True)


def arrears_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: fund arrears listed by the period's end, recovered in the period, recovered by its end.

    Reads `mart_arrears` and `mart_recoveries` (recoveries already joined to their project's
    unit and listing date; etl/marts.py)."""
    region = region_sql("county", f, scope)
    listed = until_sql("listed_on", f)
    period = period_sql("recovered_on", f)
    until = until_sql("recovered_on", f)
    sql = f"""
        WITH a AS (SELECT county, sum(amount_due) AS listed, sum(projects) AS projects
                   FROM mart_arrears WHERE {region} AND {listed} GROUP BY county),
        r AS (SELECT county, sum(amount) FILTER (WHERE {period}) AS in_period, sum(amount) FILTER (WHERE {until}) AS to_date
              FROM mart_recoveries WHERE {region} AND {listed} GROUP BY county)
        SELECT a.county AS unit, a.listed::DOUBLE AS arrears_listed,
               coalesce(r.in_period, 0)::DOUBLE AS arrears_recovered,
               coalesce(r.to_date, 0)::DOUBLE AS arrears_recovered_to_date,
               a.projects::BIGINT AS arrears_projects
        FROM a LEFT JOIN r USING (county)"""
    frame = wh.frame(Sql.of(sql, region, listed, period, until))
    # 尚未追缴 per project, summed (metrics.funds.OUTSTANDING_SQL): a county's listed − recovered
    # would let a project that overpaid hide another's arrears, and the card would not equal
    # the sum of the project list.
    cte = _projects_sql(f, scope)
    owed = wh.frame(
        "WITH " + cte + f" SELECT county AS unit, sum({OUTSTANDING_SQL})::DOUBLE AS arrears_outstanding, "
        f"coalesce(sum({OUTSTANDING_SQL}) FILTER (WHERE suspended), 0)::DOUBLE AS arrears_suspended "
        "FROM p GROUP BY county"
    )
    return frame.merge(owed, on="unit", how="left")


@by_month
def arrears_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`arrears_facts` at each end of `cuts` (the period from its start to that end), in one
    statement: [cut, unit, …], equal to `arrears_facts` of each end's period
    (tests/test_facts_by_cut.py). Listed and recovered are sums up to each end. 尚未追缴 is a
    project's own (OUTSTANDING_SQL: what it owes less what it paid by the end, never below 0),
    summed: listed − recovered by the end, plus what the projects that had paid more than they
    owed paid over (the only ones where "never below 0" acts). Those, and the projects 挂账, are
    taken one by one at each end; the rest are sums."""
    f = Filter(region)
    where_m = region_sql("county", f, scope)
    where_a = region_sql("a.county", f, scope)
    suspended = suspended_sql("suspended_on <= e")
    # recovered in the period: from its start, or from the first day of the end's month
    in_period = "r.recovered_on >= date_trunc('month', ends.e)" if cuts.monthly else cuts.since("r.recovered_on")
    sql = f"""
        WITH ends AS (SELECT unnest(range(len($cut_ends))) AS cut, unnest($cut_ends) AS e),
        m AS (SELECT ends.cut, county, sum(amount_due) AS listed, sum(projects) AS projects
              FROM mart_arrears JOIN ends ON listed_on <= ends.e WHERE {where_m} GROUP BY ALL),
        rec AS (SELECT ends.cut, r.county,
                       sum(r.amount) FILTER (WHERE {in_period} AND r.recovered_on <= ends.e) AS in_period,
                       sum(r.amount) FILTER (WHERE r.recovered_on <= ends.e) AS to_date
                FROM mart_recoveries r JOIN ends ON r.listed_on <= ends.e WHERE {where_m} GROUP BY ALL),
        a AS (SELECT project_id, county, amount_due, listed_on, status, suspended_on
              FROM fund_arrears a WHERE {where_a} AND a.listed_on <= $cut_last),
        r AS (SELECT project_id, {cuts.first("recovered_on")} AS i, sum(amount) AS amount FROM fund_recoveries
              WHERE project_id IN (SELECT project_id FROM a) AND recovered_on <= $cut_last GROUP BY ALL),
        -- the projects taken one by one: 挂账, or paid more than owed by the last end
        total AS (SELECT project_id, sum(amount) AS paid FROM r GROUP BY project_id),
        one AS (SELECT a.* FROM a LEFT JOIN total t USING (project_id)
                WHERE a.status = '挂账' OR a.amount_due < coalesce(t.paid, 0)),
        -- what such a project had paid by each end it was paid at: the latest one on or before an end
        cum AS (SELECT project_id, i, sum(amount) OVER (PARTITION BY project_id ORDER BY i) AS paid
                FROM r WHERE project_id IN (SELECT project_id FROM one)),
        paid AS (SELECT ends.cut, ends.e, one.county, one.amount_due, one.status, one.suspended_on,
                        coalesce(cum.paid, 0) AS recovered_to_date
                 FROM (one JOIN ends ON one.listed_on <= ends.e)
                 ASOF LEFT JOIN cum ON cum.project_id = one.project_id AND ends.cut >= cum.i),
        owed AS (SELECT cut, county, sum(greatest(recovered_to_date - amount_due, 0)) AS paid_over,
                        coalesce(sum({OUTSTANDING_SQL}) FILTER (WHERE {suspended}), 0) AS suspended
                 FROM paid GROUP BY ALL)
        SELECT m.cut, m.county AS unit, m.listed::DOUBLE AS arrears_listed,
               coalesce(rec.in_period, 0)::DOUBLE AS arrears_recovered,
               coalesce(rec.to_date, 0)::DOUBLE AS arrears_recovered_to_date,
               m.projects::BIGINT AS arrears_projects,
               (m.listed - coalesce(rec.to_date, 0) + coalesce(o.paid_over, 0))::DOUBLE AS arrears_outstanding,
               coalesce(o.suspended, 0)::DOUBLE AS arrears_suspended
        FROM m LEFT JOIN rec USING (cut, county) LEFT JOIN owed o USING (cut, county)"""
    return wh.frame(Sql.of(sql, where_m, where_a, cut_ends=list(cuts.ends), **cuts.params(sql)))


@by_years
def ledger_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit: maintenance fund collected and used in the years of the period."""
    cond = where(region_sql("county", f, scope), year_sql("year", f))
    sql = f"""SELECT county AS unit, sum(collected)::DOUBLE AS fund_collected, sum(used)::DOUBLE AS fund_used
        FROM fund_ledger WHERE {cond} GROUP BY county"""
    return wh.frame(Sql.of(sql, cond))


def community_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, as of the period's end: communities, those with property service, with an owners' organisation.

    Reads `mart_communities` (communities counted by type, dates and committee; etl/marts.py)."""
    region = region_sql("county", f, scope)
    sql = f"""
        SELECT county AS unit, sum(n)::BIGINT AS communities,
          coalesce(sum(n) FILTER (WHERE {no_service_at("$at")}), 0)::BIGINT AS no_service,
          coalesce(sum(n) FILTER (WHERE NOT ({no_service_at("$at")})), 0)::BIGINT AS with_service,
          coalesce(sum(n) FILTER (WHERE committee IN ('业委会', '物管会')
                           AND (committee_formed_on IS NULL OR committee_formed_on <= $at)), 0)::BIGINT AS with_committee
        FROM mart_communities WHERE {region} GROUP BY county"""
    return wh.frame(Sql.of(sql, region, at=f.end or NO_END))


def community_facts_by_cut(wh: Warehouse, region: str | None, cuts: Cuts, scope: Scope) -> pd.DataFrame:
    """`community_facts` at each end of `cuts`, in one scan of `mart_communities`: [cut, unit, …],
    equal to `community_facts` of each end's period (tests/test_facts_by_cut.py). `no_service_at` as
    spans of ends: 无物业 from its management's start (always, without a date), or before a
    management that began later and followed 无物业 — never both at one end."""
    where_ = region_sql("county", Filter(region), scope)
    since = cuts.first("managed_since")
    counts = {
        "communities": ("0", None),
        "no_service_now": (
            f"CASE WHEN management_type = '无物业' THEN coalesce({since}, 0) END",
            None,
        ),
        "no_service_before": (
            "CASE WHEN previous_management_type = '无物业' AND managed_since IS NOT NULL THEN 0 END",
            since,
        ),
        "with_committee": (
            f"CASE WHEN committee IN ('业委会', '物管会') THEN coalesce({cuts.first('committee_formed_on')}, 0) END",
            None,
        ),
    }
    source = Sql.of(f"SELECT county AS unit, * EXCLUDE (county) FROM mart_communities WHERE {where_}", where_)
    frame = running(wh, cuts, source, counts)
    frame["no_service"] = frame.pop("no_service_now") + frame.pop("no_service_before")
    frame["with_service"] = frame["communities"] - frame["no_service"]
    columns = ["communities", "no_service", "with_service", "with_committee"]
    return frame[["cut", "unit", *columns]].astype({c: "int64" for c in columns})


def no_service_at(day: str) -> str:
    """A community has no property service at `day` (a SQL expression: `$at`, a column) when it
    is 无物业 now and was then, or when its current management began after `day` and before that
    it had none. The one definition (metrics/coverage.py uses it too)."""
    return f"""coalesce((management_type = '无物业' AND (managed_since IS NULL OR managed_since <= {day}))
    OR (managed_since > {day} AND previous_management_type = '无物业'), false)"""


@by_years
def rating_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, in the latest year of the period: star-rated service projects, and 4–5 star ones.

    Reads `mart_star_ratings` (a rating's unit is its own county, else its community's)."""
    region = region_sql("unit", f, scope)
    sql = f"""
        SELECT unit, sum(n)::BIGINT AS star_rated, coalesce(sum(n) FILTER (WHERE stars >= 4), 0)::BIGINT AS star_high
        FROM mart_star_ratings WHERE year = $year AND {region} GROUP BY unit"""
    return wh.frame(Sql.of(sql, region, year=_latest_year(wh, "star_ratings", f)))


@by_years
def credit_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit (the company's registered county), in the latest year of the period: companies rated, by grade.

    Reads `mart_credit_ratings`."""
    region = region_sql("unit", f, scope)
    grades = ", ".join(
        f"coalesce(sum(n) FILTER (WHERE grade = {literal(g)}), 0)::BIGINT AS credit_{g.lower()}" for g in "ABCD"
    )
    sql = f"""SELECT unit, sum(n)::BIGINT AS credit_rated, {grades}
        FROM mart_credit_ratings WHERE year = $year AND {region} GROUP BY unit"""
    return wh.frame(Sql.of(sql, region, year=_latest_year(wh, "credit_ratings", f)))


_RATING_MARTS = {"star_ratings": "mart_star_ratings", "credit_ratings": "mart_credit_ratings"}


def _latest_year(wh: Warehouse, table: str, f: Filter) -> int | None:
    cond = year_sql("year", f)
    row = wh.rows(Sql.of(f"SELECT max(year) FROM {_RATING_MARTS[table]} WHERE {cond}", cond))
    return row[0][0] if row else None


def latest_year(wh: Warehouse, table: str, f: Filter) -> int | None:
    """The rating year a period shows: the latest year it touches that has ratings."""
    if table not in ("star_ratings", "credit_ratings"):
        raise ValueError(table)
    return _latest_year(wh, table, f)


# The first day each subject's ledger covers: a period that starts earlier cannot be compared
# with (its figures would be zeros for want of data, not for want of cases). Subjects that are
# stocks with their own dates (communities) or read by rating year have none.
_SINCE_SQL = {
    "case_facts": "SELECT min(received_on) FROM cases",
    "refund_facts": "SELECT min(refunded_on) FROM refunds",
    "arrears_facts": "SELECT min(listed_on) FROM fund_arrears",
    "ledger_facts": "SELECT make_date(min(year), 1, 1) FROM fund_ledger",
    "hotline_facts": "SELECT min(received_on) FROM cases",
    "mediation_facts": "SELECT min(received_on) FROM cases",
}


def covered_since(wh: Warehouse, facts_fn) -> dt.date | None:
    """The first day the ledger behind a facts function covers (None: no such limit)."""
    sql = _SINCE_SQL.get(facts_fn.__name__)
    if sql is None:
        return None

    def first_day():
        row = wh.rows(sql)
        return row[0][0] if row else None

    return wh.memo(("covered_since", facts_fn.__name__), first_day)
