"""需要关注 on the overview, on the demo warehouse: every item reproduced from the rows (plain SQL
where the definition is plain, the catalogue on both periods for the slipping counties, the 督办
ladder for the overdue cases), each a link to the page and filter that shows it, and a county
officer's list his county's only."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from dash import dcc
from dash_tree import by_id, text, walk

from components.i18n import fmt_value
from metrics import escalations, kpis, targets
from metrics.filters import EVERYTHING, Filter, Scope, months_before
from metrics.scorecard import SCORECARD_KPIS
from security import web

D = dt.date
CITY = {"region": "140700"}


@pytest.fixture
def overview(leader_pages):
    from pages import overview

    return overview


def _panel(overview, params: dict):
    asked = by_id(overview.layout(**params), "overview-query").data
    f = Filter(asked.get("region"), D.fromisoformat(asked["from"]), D.fromisoformat(asked["to"]))
    return asked, f, overview.overview_attention(asked)


def _items(panel, section: str) -> list[tuple[str, str, dict]]:
    """(text, path, query) of each item of a section's list (not its totals or 'see all' links)."""
    lists = [c for c in walk(by_id(panel, section)) if "attention-list" in (getattr(c, "className", "") or "")]
    out = []
    for c in walk(lists):
        if isinstance(c, dcc.Link):
            parts = urlsplit(c.href)
            out.append((text(c), parts.path, dict(parse_qsl(parts.query))))
    return out


def test_companies_on_a_second_black_list_are_those_the_list_rows_give(overview, demo_wh):
    asked, f, panel = _panel(overview, CITY)
    first = months_before(f.end, 12) + dt.timedelta(days=1)
    rows = demo_wh.rows(
        """SELECT l.company_code, count(*) FROM company_lists l
           WHERE l.list = '黑榜' AND l.listed_on BETWEEN ? AND ? AND starts_with(l.county, '1407')
           GROUP BY 1 HAVING count(*) >= 2 ORDER BY 2 DESC, 1""",
        [first, f.end],
    )
    assert rows, "the demo has companies listed twice"
    items = _items(panel, "attention-black")
    assert [q["company"] for _, _, q in items] == [code for code, _ in rows][:5]
    for (said, path, q), (code, n) in zip(items, rows, strict=False):
        assert path == "/escalations" and q["company"] == code and f"黑榜 {n} 次" in said
        assert (q["from"], q["to"]) == (asked["from"], asked["to"])  # the same period on the page it opens


def test_arrears_not_moving_are_the_projects_owing_with_no_recovery_for_n_months(overview, demo_wh):
    asked, f, panel = _panel(overview, CITY)
    months = targets.rules()["arrears_stalled_months"].value
    since = months_before(f.end, months)
    rows = demo_wh.rows(
        """WITH p AS (
             SELECT a.project_id, a.county, a.amount_due, a.listed_on,
                    coalesce(sum(r.amount) FILTER (WHERE r.recovered_on <= $end), 0) AS paid,
                    max(r.recovered_on) FILTER (WHERE r.recovered_on <= $end) AS last_paid
             FROM fund_arrears a LEFT JOIN fund_recoveries r USING (project_id)
             WHERE a.listed_on <= $end AND starts_with(a.county, '1407') GROUP BY ALL)
           SELECT county, count(*), sum(amount_due - paid)::DOUBLE FROM p
           WHERE amount_due > paid AND coalesce(last_paid, listed_on) <= $since
           GROUP BY 1 ORDER BY 3 DESC""",
        {"end": f.end, "since": since},
    )
    assert rows
    items = _items(panel, "attention-stalled")
    assert len(items) == min(len(rows), 5)
    assert f"连续 {months} 个月无追缴到账" in text(by_id(panel, "attention-stalled"))
    for (said, path, q), (county, n, owed) in zip(items, rows, strict=False):
        assert path == "/funds" and q["region"] == county
        assert f"{n} 个项目尚欠 {owed / 1e4:,.2f} 万元" in said


def test_overdue_cases_at_county_level_and_above_match_the_escalation_ladder(overview, demo_wh):
    asked, f, panel = _panel(overview, CITY)
    items = _items(panel, "attention-overdue")
    assert items
    for said, path, q in items:
        assert path == "/escalations" and q["overdue"] == "1" and q["level"] in ("县级", "市级")
        # the 督办 ladder of that unit counts as many overdue cases at that level
        ladder = escalations.ladder(demo_wh, Filter(q["region"], f.start, f.end), EVERYTHING)
        n = int(ladder.loc[ladder["level"] == q["level"], "overdue_cases"].sum())
        assert said.endswith(f"{q['level']}超期 {n} 件")
    # the totals per level are the city's ladder's
    ladder = escalations.ladder(demo_wh, f, EVERYTHING)
    for level in ("市级", "县级"):
        n = int(ladder.loc[ladder["level"] == level, "overdue_cases"].sum())
        assert f"{level} {n:,} 件" in text(by_id(panel, "attention-overdue"))
    # counted in SQL per county as the open-case list of 督办 lists them, one by one
    got = escalations.overdue_by_county(demo_wh, f, EVERYTHING, ("市级", "县级"))
    want = {}
    for level in ("市级", "县级"):
        listed = escalations.open_cases(demo_wh, f, EVERYTHING, level=level, overdue_only=True, limit=None)
        for unit, n in listed["county"].str[:6].value_counts().items():
            want[(level, unit)] = n
    assert len(want) > 5 and dict(zip(zip(got["level"], got["unit"], strict=True), got["cases"], strict=True)) == want


def test_slipping_counties_are_worse_than_the_previous_period_by_more_than_the_threshold(overview, demo_wh):
    asked, f, panel = _panel(overview, CITY)
    rows, before = targets.targets(), f.previous()
    listed = {
        (q["region"], said.split("：")[0].split(" ", 1)[1]): said for said, _, q in _items(panel, "attention-slipping")
    }
    # by hand: each county of the city as the region (as the page a link opens shows it), the
    # catalogue on both periods
    keys = [k for k in SCORECARD_KPIS if kpis.comparable(demo_wh, k, before)]
    counties = [
        u for (u,) in demo_wh.rows("SELECT DISTINCT left(county, 6) FROM cases WHERE starts_with(county, '1407')")
    ]
    expected = {}
    for county in counties:
        now = kpis.compute(demo_wh, keys, Filter(county, f.start, f.end), EVERYTHING, with_previous=False)
        then = kpis.compute(demo_wh, keys, Filter(county, before.start, before.end), EVERYTHING, with_previous=False)
        for key in keys:
            kpi, bounds = kpis.BY_KEY[key], rows.bounds(key, county, f.end)
            a, b = now[key].value, then[key].value
            if a is None or b is None or bounds is None or bounds.slip is None:
                continue
            if ((b - a) if kpi.higher_is_better else (a - b)) > bounds.slip + 1e-12:
                expected[(county, kpi.zh)] = f"{fmt_value(kpi.kind, b)} → {fmt_value(kpi.kind, a)}"
    assert expected and set(listed) == set(expected)
    for key, change in expected.items():
        assert change in listed[key], (listed[key], change)
    # each links to the page of its KPI, filtered to the unit, in the same period
    for said, path, q in _items(panel, "attention-slipping"):
        assert (q["from"], q["to"]) == (asked["from"], asked["to"])
        if "超期未办结" in said:
            assert path == "/escalations" and q["overdue"] == "1"
        elif "整改率" in said or "办结率" in said:
            assert path == "/rectification"


def test_a_county_officer_sees_his_countys_items_only(overview, monkeypatch):
    monkeypatch.setattr(web, "current_scope", lambda: Scope(("140702",)))
    _, _, panel = _panel(overview, {})
    items = [x for s in ("slipping", "overdue", "stalled", "black") for x in _items(panel, f"attention-{s}")]
    assert items
    for said, _, q in items:
        assert q.get("region", "140702").startswith("140702"), (said, q)
    assert all("榆次区" in said or "晋中开发区" in said for said, _, _ in items)


def test_every_item_is_a_link_and_a_clean_period_says_so(overview, monkeypatch, tmp_path):
    _, _, panel = _panel(overview, CITY)
    for section in ("slipping", "overdue", "stalled", "black"):
        lis = [c for c in walk(by_id(panel, f"attention-{section}")) if type(c).__name__ == "Li"]
        assert lis and all(isinstance(li.children, dcc.Link) for li in lis), section
    # a month with nothing overdue at county level in a county with no arrears: 暂无, not a blank
    _, _, quiet = _panel(overview, {"region": "140122", "from": "2022-09-01", "to": "2022-09-30"})
    assert text(by_id(quiet, "attention-overdue")).endswith("暂无")
