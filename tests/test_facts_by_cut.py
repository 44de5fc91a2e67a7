"""The facts at several period ends in one scan (metrics/cuts.py) equal the facts of each period:
every facts function with a version by end (`case_facts_by_cut`, …) against a plain statement per
period written here (received in the period, closed by its end, open at it …), and a card's
sparkline (`kpis.to_date`) against the catalogue computed at each month end (`kpis.compute`), on
the demo warehouse: periods starting mid-month, open ones, ones reaching past 数据截至, a county's
scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.sql import Sql, literals
from metrics import facts, hotline, kpis, mediation, party
from metrics.cuts import Cuts
from metrics.db import one_version
from metrics.filters import NO_END, Filter, Scope, month_of, months_before, period_sql, region_sql
from pages._overview_headline import CARD_KPIS

D = dt.date
VIEWS = [
    Filter(None, D(2025, 1, 1), D(2025, 11, 30)),  # the overview's 本年
    Filter("1407", D(2024, 3, 15), D(2025, 2, 10)),  # starts and ends mid-month
    Filter("140702", None, None),  # everything
    Filter("1405", D(2025, 1, 1), D(2026, 3, 31)),  # reaches past 数据截至
    Filter("140121", D(2021, 1, 1), D(2023, 5, 31)),  # 阳曲县's party ledgers, years back
]
SCOPES = [Scope(None), Scope(("140702",))]


def _plain_cases(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, the period's cases counted one by one: received in it, rectified by its end, open
    and overdue at its end (or at 数据截至 when that is earlier)."""
    at = facts.as_of(wh, f, scope)
    period, region = period_sql("received_on", f), region_sql("county", f, scope)
    done = f"status IN {literals(facts.DONE)} AND closed_on IS NOT NULL"
    by_end = " AND closed_on <= $end" if f.end else ""
    cols = []
    for name, sources in facts.CASE_GROUPS.items():
        mine = f"source IN {literals(sources)} AND {period}"
        cols.append(f"coalesce(sum(n) FILTER (WHERE {mine}), 0) AS received_{name}")
        cols.append(f"coalesce(sum(n) FILTER (WHERE {mine} AND {done}{by_end}), 0) AS rectified_{name}")
    still_open = f"received_on <= $at AND NOT coalesce({done} AND closed_on <= $at, false)"
    cols.append(f"coalesce(sum(n) FILTER (WHERE {still_open}), 0) AS open_cases")
    cols.append(f"coalesce(sum(n) FILTER (WHERE {still_open} AND due < $at), 0) AS overdue_cases")
    sql = f"SELECT county AS unit, {', '.join(cols)} FROM mart_cases WHERE {region} GROUP BY county"
    return wh.frame(Sql.of(sql, period, region, at=at, **({"end": f.end} if f.end else {})))


def _plain_hotline(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    period, region = period_sql("received_on", f), region_sql("county", f, scope)
    by_end = "<= $end" if f.end else "IS NOT NULL"
    reached = f"visited_on {by_end} AND satisfaction IN {literals(hotline.REACHED)}"

    def count(cond: str) -> str:
        return f"coalesce(sum(n) FILTER (WHERE {cond}), 0)"

    sql = f"""SELECT county AS unit,
          CASE WHEN {count("responded_on IS NOT NULL")} > 0 THEN sum(n) END AS hotline_received,
          {count(f"responded_on {by_end}")} AS hotline_responded,
          {count(f"responded_on {by_end} AND response_workdays <= {hotline.RESPONSE_WORKDAYS}")}
              AS hotline_responded_in_time,
          {count(reached)} AS hotline_visited, {count(f"{reached} AND resolved = '已解决'")} AS hotline_resolved,
          {count(f"{reached} AND satisfaction IN {literals(hotline.SATISFIED)}")} AS hotline_satisfied,
          {count(f"{reached} AND satisfaction = '不满意'")} AS hotline_unsatisfied,
          {count(f"visited_on {by_end} AND satisfaction = '联系不上'")} AS hotline_unreachable
        FROM mart_hotline WHERE {region} AND {period} GROUP BY county"""
    return wh.frame(Sql.of(sql, period, region, **({"end": f.end} if f.end else {})))


def _plain_party(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    at = f.end or NO_END
    committees, companies = region_sql("p.county", f, scope), region_sql("co.county", f, scope)
    communities = region_sql("county", f, scope)
    sql = f"""
        WITH cp AS (SELECT p.county AS unit, count(*) AS committees_reported,
                  count(*) FILTER (WHERE p.red AND coalesce(p.red_since <= $at, true)) AS red_committees,
                  coalesce(sum(p.members), 0) AS committee_members,
                  coalesce(sum(least(p.party_members, p.members)) FILTER (WHERE p.members IS NOT NULL), 0)
                      AS committee_party_members
                FROM committee_party p WHERE {committees} GROUP BY p.county),
        cm AS (SELECT county AS unit, sum(n) AS communities FROM mart_communities WHERE {communities} GROUP BY county),
        pc AS (SELECT co.county AS unit, count(*) AS companies_active,
                  count(*) FILTER (WHERE q.party_org IN {literals(party.PARTY_ORGANISATIONS)}
                                   AND coalesce(q.party_org_formed_on <= $at, true)) AS companies_party_org,
                  count(*) FILTER (WHERE q.party_org = '党建指导员') AS companies_instructor,
                  count(*) FILTER (WHERE q.red AND coalesce(q.red_since <= $at, true)) AS red_companies
                FROM companies co LEFT JOIN company_party q USING (company_code)
                WHERE {companies} AND (co.status IS NULL OR co.status = '在营' OR co.exited_on > $at)
                GROUP BY co.county HAVING count(q.company_code) > 0)
        SELECT coalesce(cp.unit, pc.unit) AS unit,
               CASE WHEN cp.unit IS NOT NULL THEN coalesce(cm.communities, 0) END AS communities,
               cp.* EXCLUDE (unit), pc.* EXCLUDE (unit)
        FROM cp FULL JOIN pc ON pc.unit = cp.unit LEFT JOIN cm ON cm.unit = cp.unit"""
    return wh.frame(Sql.of(sql, committees, companies, communities, at=at))


def _plain_communities(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    at, region = f.end or NO_END, region_sql("county", f, scope)
    none = facts.no_service_at("$at")  # the one definition, metrics/coverage.py's too
    sql = f"""SELECT county AS unit, sum(n) AS communities,
          coalesce(sum(n) FILTER (WHERE {none}), 0) AS no_service,
          coalesce(sum(n) FILTER (WHERE NOT ({none})), 0) AS with_service,
          coalesce(sum(n) FILTER (WHERE committee IN ('业委会', '物管会')
                                  AND coalesce(committee_formed_on <= $at, true)), 0) AS with_committee
        FROM mart_communities WHERE {region} GROUP BY county"""
    return wh.frame(Sql.of(sql, region, at=at))


def _plain_arrears(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, the projects listed by the period's end one by one: what they owe, what came in in
    the period and by its end, and what each still owes at the end (never below 0), summed."""
    region, end = region_sql("a.county", f, scope), f.end or NO_END
    since = "r.recovered_on >= $start AND " if f.start else ""
    sql = f"""WITH p AS (
          SELECT a.county, a.amount_due, a.status, a.suspended_on,
                 (SELECT coalesce(sum(r.amount), 0) FROM fund_recoveries r
                  WHERE r.project_id = a.project_id AND {since}r.recovered_on <= $end) AS in_period,
                 (SELECT coalesce(sum(r.amount), 0) FROM fund_recoveries r
                  WHERE r.project_id = a.project_id AND r.recovered_on <= $end) AS paid
          FROM fund_arrears a WHERE {region} AND a.listed_on <= $end)
        SELECT county AS unit, sum(amount_due) AS arrears_listed, sum(in_period) AS arrears_recovered,
               sum(paid) AS arrears_recovered_to_date, count(*) AS arrears_projects,
               sum(greatest(amount_due - paid, 0)) AS arrears_outstanding,
               coalesce(sum(greatest(amount_due - paid, 0)) FILTER (
                   WHERE status = '挂账' AND coalesce(suspended_on <= $end, true)), 0) AS arrears_suspended
        FROM p GROUP BY county"""
    return wh.frame(Sql.of(sql, region, end=end, **({"start": f.start} if f.start else {})))


def _plain_refunds(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    period, region = period_sql("refunded_on", f), region_sql("county", f, scope)
    sql = f"""SELECT county AS unit, sum(amount) AS refund_amount, coalesce(sum(households), 0) AS refund_households,
          count(*) AS refund_rows FROM refunds WHERE {period} AND {region} GROUP BY county"""
    return wh.frame(Sql.of(sql, period, region))


def _plain_mediation(wh, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per unit, the cases settled (rectified or closed) in the period at a known level, one by one."""
    period, region = period_sql("done_until", f), region_sql("county", f, scope)
    levels = ", ".join(
        f"count(*) FILTER (WHERE level = '{lv}') AS {col}" for lv, col in mediation.LEVEL_COLUMNS.items()
    )
    below = literals(mediation.BELOW_COUNTY)
    sql = f"""SELECT county AS unit, count(*) AS settled, {levels},
          count(*) FILTER (WHERE level IN {below}) AS settled_below_county
        FROM mart_case_spans WHERE level IS NOT NULL AND done_until < DATE '9999-12-31' AND {period} AND {region}
        GROUP BY county"""
    return wh.frame(Sql.of(sql, period, region))


PLAIN = {
    "arrears_facts": (facts.arrears_facts_by_cut, _plain_arrears),
    "mediation_facts": (mediation.mediation_facts_by_cut, _plain_mediation),
    "refund_facts": (facts.refund_facts_by_cut, _plain_refunds),
    "case_facts": (facts.case_facts_by_cut, _plain_cases),
    "community_facts": (facts.community_facts_by_cut, _plain_communities),
    "hotline_facts": (hotline.hotline_facts_by_cut, _plain_hotline),
    "party_facts": (party.party_facts_by_cut, _plain_party),
}


def _same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    columns = list(want.columns)
    got = got[columns].sort_values("unit").reset_index(drop=True)
    want = want.sort_values("unit").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=what)


def _at_every_end(wh, name: str, cuts: Cuts, region: str | None, scope: Scope) -> int:
    """The version by end of `name` equal to the plain statement of each end's period; the rows
    (a unit at an end) compared."""
    by_cut, plain = PLAIN[name]
    frame = by_cut(wh, region, cuts, scope)
    compared = 0
    for i, period in enumerate(cuts.filters(region)):
        want = plain(wh, period, scope)
        _same(frame[frame["cut"] == i], want, f"{name} at {period} {scope}")
        compared += len(want)
    return compared


def test_every_facts_function_with_ends_has_a_plain_statement_here():
    names = {k.facts for k in kpis.CATALOGUE if kpis._find(k.facts + "_by_cut")}
    assert names == set(PLAIN)


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_the_facts_at_every_month_end_equal_each_periods_facts(demo_wh, name):
    plain = PLAIN[name][1]
    compared = 0
    with one_version():
        for f in VIEWS:
            for scope in SCOPES:
                single = kpis.facts_fn(name)(demo_wh, f, scope)  # the period's own facts: its one end
                _same(single, plain(demo_wh, f, scope), f"{name} {f} {scope}")
                end = f.end or facts.data_as_of(demo_wh, f, scope)
                compared += _at_every_end(demo_wh, name, Cuts.months(f, end, 12), f.region, scope)
    # rows (a unit at an end) compared: the views hold data (arrears: the counties with projects;
    # refunds: the units that refunded in the period)
    assert compared > {"arrears_facts": 150, "refund_facts": 200}.get(name, 300)


def _months(region, end: dt.date, n: int = 12) -> list[Filter]:
    """The `n` calendar months up to `end`, each a period of its own, the last cut at `end` (a
    county's trend, metrics/county_profile.py)."""
    out = []
    for back in range(n - 1, -1, -1):
        first = months_before(end.replace(day=1), back)
        out.append(Filter(region, first, min(month_of(first)[1], end)))
    return out


MONTHLY = sorted(n for n, (fn, _) in PLAIN.items() if getattr(fn, "by_month", False))


def test_the_versions_by_month_are_those_the_county_trend_reads():
    assert MONTHLY == ["arrears_facts", "case_facts", "refund_facts"]


@pytest.mark.parametrize("name", MONTHLY)
def test_the_facts_of_each_month_equal_that_months_facts(demo_wh, name):
    """With `monthly` cuts each end is its own month: received, rectified (closed within that
    month), refunded and recovered in it; stocks at its end (数据截至 when earlier)."""
    compared = 0
    with one_version():
        for f in VIEWS:
            for scope in SCOPES:
                end = f.end or facts.data_as_of(demo_wh, f, scope)
                for last in (end, month_of(months_before(end, 4))[1]):  # mid-month, and a month's end
                    compared += _at_every_end(demo_wh, name, Cuts.each_month(_months(f.region, last)), f.region, scope)
    assert compared > {"arrears_facts": 300, "refund_facts": 100}.get(name, 700)


@pytest.mark.parametrize("county", ["140702", "140781", "140721"])
def test_a_countys_trend_read_at_once_is_its_standing_month_by_month(demo_wh, county):
    """The county profile's trend (every month's city facts in one scan per function) equals its
    standing computed month by month, KPI by KPI: value, rank, counties ranked, quartiles."""
    from metrics import scorecard
    from metrics.county_profile import TREND_KPIS

    keys = list(TREND_KPIS)
    with one_version():
        for end in (D(2025, 5, 31), D(2024, 12, 20), D(2025, 11, 30)):
            months = _months(county, end)
            got = scorecard.standing_by_month(demo_wh, months, county, keys)
            for month, at in zip(months, got, strict=True):
                want = scorecard.standing(demo_wh, month, county, keys)
                pd.testing.assert_frame_equal(
                    at.reset_index(drop=True), want.reset_index(drop=True), check_dtype=False, obj=f"{county} {month}"
                )


def test_months_that_are_not_consecutive_whole_months_are_refused():
    with pytest.raises(ValueError):
        Cuts.each_month([Filter(None, D(2025, 1, 1), D(2025, 1, 31)), Filter(None, D(2025, 3, 1), D(2025, 3, 31))])
    with pytest.raises(ValueError):
        Cuts.each_month([Filter(None, D(2025, 1, 15), D(2025, 1, 31))])


BY_YEARS = sorted(n for n in {k.facts for k in kpis.CATALOGUE} if getattr(kpis.facts_fn(n), "by_years", False))


def test_the_facts_of_the_years_only_are_marked():
    assert BY_YEARS == ["credit_facts", "ledger_facts", "rating_facts"]


@pytest.mark.parametrize("name", BY_YEARS)
def test_a_facts_function_marked_by_years_gives_the_same_for_any_days_of_those_years(demo_wh, name):
    """`kpis.to_date` asks such a function once for all the month ends of the same years: it must
    not read the days (a year's fund ledger, the latest ratings of the years)."""
    fn = kpis.facts_fn(name)
    with one_version():
        for region in (None, "1407", "140702"):
            for years in ((2023, 2024), (2024, 2024)):
                whole = fn(demo_wh, Filter(region, D(years[0], 1, 1), D(years[1], 12, 31)), Scope(None))
                assert len(whole), (name, region, years)  # the demo holds rows for these years
                for start, end in ((D(years[0], 3, 15), D(years[1], 2, 10)), (D(years[0], 12, 31), D(years[1], 1, 1))):
                    _same(fn(demo_wh, Filter(region, start, end), Scope(None)), whole, f"{name} {start}..{end}")


def test_the_cut_ends_are_month_ends_then_the_periods_end():
    cuts = Cuts.months(Filter(None, D(2024, 3, 15), D(2025, 2, 10)), D(2025, 2, 10), 12)
    assert cuts.ends[0] == D(2024, 3, 31) and cuts.ends[-2] == D(2025, 1, 31) and cuts.ends[-1] == D(2025, 2, 10)
    assert cuts.n == 12 and list(cuts.ends) == sorted(cuts.ends)
    assert Cuts.months(Filter(None, D(2025, 10, 20), D(2025, 11, 30)), D(2025, 11, 30), 12).ends == (
        D(2025, 10, 31),
        D(2025, 11, 30),
    )


def test_a_cards_sparkline_is_the_catalogue_at_each_month_end(demo_wh):
    # a period starting and ending mid-month; one reaching past 数据截至, seen by a county officer
    views = ((VIEWS[1], Scope(None)), (VIEWS[3], Scope(("140702",))))
    with one_version():
        for f, scope in views:
            months = kpis._to_date(demo_wh, CARD_KPIS, f, scope, 12)
            end = f.end or facts.data_as_of(demo_wh, f, scope)
            for i, period in enumerate(Cuts.months(f, end, 12).filters(f.region)):
                values = kpis._compute(demo_wh, CARD_KPIS, period, scope, False, None, False)
                for key in CARD_KPIS:
                    want = values[key].value if kpis.comparable(demo_wh, key, period) else None
                    day, got = months[key][i]
                    assert day == period.end.replace(day=1)
                    if want is None:
                        assert got is None, (key, period, scope)  # 无数据 stays a gap
                    else:
                        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (key, period, scope)


@pytest.mark.parametrize("view", range(len(VIEWS)))
def test_the_cards_read_in_one_scan_are_the_catalogues_values_and_months(demo_wh, view):
    """`kpis.headline` takes a period's figures from its sparkline's last end: every value, its
    parts, the previous period's and the year before's, and every point equal `compute` and
    `to_date` asked apart (an open period, one past 数据截至, a county officer's)."""
    f = VIEWS[view]
    for scope in SCOPES:
        with one_version():
            values, months = kpis._headline(demo_wh, CARD_KPIS, f, scope, 12)
            want = kpis._compute(demo_wh, CARD_KPIS, f, scope, True, None, True)
            assert months == kpis._to_date(demo_wh, CARD_KPIS, f, scope, 12)
        for key in CARD_KPIS:
            got, expected = values[key], want[key]
            for part in ("value", "numerator", "denominator", "previous", "year_ago"):
                a, b = getattr(got, part), getattr(expected, part)
                assert (a is None) == (b is None), (key, part, f, scope)
                if a is not None:
                    assert a == pytest.approx(b, rel=1e-12, abs=1e-12), (key, part, f, scope)


def test_a_period_that_starts_after_the_datas_last_date_has_no_months_and_no_error(demo_wh):
    """An open period from a day after 数据截至 (a URL with `from` alone): no month end falls in it,
    so every sparkline is empty (as before the ends were read in one scan, which failed on none)."""
    after = Filter(None, D(2026, 3, 1), None)
    with one_version():
        assert facts.data_as_of(demo_wh, after, Scope(None)) < after.start
        assert kpis._to_date(demo_wh, CARD_KPIS, after, Scope(None), 12) == {k: [] for k in CARD_KPIS}


def test_arrears_at_every_end_with_an_overpaid_and_a_suspended_project(clerk, warehouse):
    """What the demo does not hold: a project that pays more than it owes from one month on (its
    surplus must not hide another's arrears at the ends after that, nor count before), and one
    挂账 from a date within the months (suspended only at the ends from then on)."""
    from etl.pipeline import load_files
    from metrics.db import Warehouse

    header = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期", "处理状态", "挂账日期"]
    files = [
        clerk.csv(
            "arrears.csv",
            header,
            [
                ["XM1", "锦绣苑", "甲房地产开发有限公司", "榆次区", "100000", "2024-01-05", "追缴中", ""],
                ["XM2", "阳光里", "甲房地产开发有限公司", "榆次区", "50000", "2024-01-05", "追缴中", ""],
                ["XM3", "金色家园", "乙房地产开发有限公司", "榆次区", "80000", "2024-02-10", "挂账", "2024-04-20"],
                ["XM4", "东城小区", "乙房地产开发有限公司", "太谷区", "30000", "2024-05-02", "追缴中", ""],
            ],
            title="欠缴建账台账",
        ),
        clerk.csv(
            "recoveries.csv",
            ["项目编号", "到账日期", "追缴金额", "方式"],
            [
                ["XM1", "2024-03-01", "30000", "催缴"],
                ["XM2", "2024-02-15", "40000", "诉讼"],
                ["XM2", "2024-05-31", "20000", "诉讼"],  # 10,000 over from the end of May
                ["XM3", "2024-03-10", "5000", "催缴"],
                ["XM4", "2024-06-01", "31000", "催缴"],  # 1,000 over from June
            ],
            title="追缴到账台账",
        ),
    ]
    assert all(f.rows_rejected == 0 for f in load_files(files, warehouse).files)
    wh = Warehouse(warehouse)
    compared = 0
    for f in (Filter(None, D(2024, 1, 1), D(2024, 7, 15)), Filter("140702", D(2024, 3, 5), D(2024, 6, 30))):
        cuts = Cuts.months(f, f.end, 12)
        frame = facts.arrears_facts_by_cut(wh, f.region, cuts, Scope(None))
        for i, period in enumerate(cuts.filters(f.region)):
            want = _plain_arrears(wh, period, Scope(None))
            _same(frame[frame["cut"] == i], want, f"arrears at {period}")
            compared += len(want)
    assert compared >= 10
    # the plain statement itself: at the end of May, XM2's surplus does not offset XM1's or XM3's
    may = _plain_arrears(wh, Filter(None, D(2024, 1, 1), D(2024, 5, 31)), Scope(None)).set_index("unit")
    assert float(may.loc["140702", "arrears_outstanding"]) == 70000 + 0 + 75000
    assert float(may.loc["140702", "arrears_suspended"]) == 75000
