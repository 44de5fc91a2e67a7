"""The profiles (县区概况 /county, 企业档案 /company, 小区档案 /community) on the demo warehouse:
their metrics against plain recomputations, their callbacks as the browser calls them, and
the scope — a county officer gets his own county's profiles and the app's 'no permission'
page for another's. (The browser walks two journeys in tests/ui/test_profiles.py.)"""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from dash_tree import by_class, by_id, text, walk

from metrics import community_profile as cm
from metrics import company_profile as co
from metrics import county_profile as cp
from metrics import kpis
from metrics.filters import EVERYTHING, Filter, Scope
from vocab.labels import label

YUCI, TAIGU, CITY = "140702", "140703", "140700"
OFFICER = Scope((YUCI,))  # the demo's county_140702 (security/roles.py)
Y2025 = Filter.from_query(None, "2025-01-01", "2025-11-30")
SINCE_2024 = Filter.from_query(None, "2024-01-01", "2025-11-30")
PARAMS = {"region": YUCI, "from": "2025-01-01", "to": "2025-11-30"}
HUIDE = "91140702035882496L"  # a 榆次区 company with cases, list entries, credit ratings and refunds
TAIGU_ONLY = "91140703MA0FTM6R8R"  # registered in 太谷区, no case nor list entry in 榆次区
XINYUAN = "XQ1407020543"  # 鑫源苑, 榆次区


@pytest.fixture
def as_officer(leader_pages, monkeypatch):
    from security import web

    monkeypatch.setattr(web, "current_scope", lambda: OFFICER)
    return leader_pages


# ---------------------------------------------------------------- the county profile: metrics


def test_standing_gives_every_kpi_with_rank_median_and_quartiles_of_the_city(demo_wh):
    place = cp.standing(demo_wh, Y2025, YUCI, OFFICER).set_index("kpi")
    assert list(place.index) == [k.key for k in kpis.CATALOGUE]
    # each county's figure is its region's, as the overview filtered to it shows (its township-level
    # units that report on their own, such as 晋中开发区 in 榆次区, included): one figure per county
    counties = sorted(
        {u[:6] for u in kpis.scorecard(demo_wh, ["rectification_rate"], Filter(CITY), Scope((CITY,)))["unit"]}
    )
    counties = [c for c in counties if not c.endswith("00")]
    keys = ("rectification_rate", "overdue_cases", "arrears_outstanding", "committee_coverage")
    region = {c: kpis.compute(demo_wh, list(keys), Filter(c, Y2025.start, Y2025.end), EVERYTHING) for c in counties}
    for key in keys:
        values = {c: v[key].value for c, v in region.items() if v[key].value is not None}
        own = values[YUCI]
        assert place.loc[key, "value"] == pytest.approx(own)
        assert place.loc[key, "median"] == pytest.approx(statistics.median(values.values()))
        better = [v for v in values.values() if (v > own if kpis.BY_KEY[key].higher_is_better else v < own)]
        assert place.loc[key, "rank"] == 1 + len(better) and place.loc[key, "ranked"] == len(values)
        assert place.loc[key, "q1"] <= place.loc[key, "median"] <= place.loc[key, "q3"]


def test_trend_is_twelve_months_each_the_catalogues_value_of_that_month(demo_wh):
    trend = cp.trend(demo_wh, Y2025, YUCI, EVERYTHING)
    months = sorted(trend["month"].unique())
    assert len(months) == 12 and str(months[-1]) == "2025-11-01" and str(months[0]) == "2024-12-01"
    assert set(trend["kpi"]) == set(cp.TREND_KPIS)
    may = kpis.compute(
        demo_wh, list(cp.TREND_KPIS), Filter(YUCI, dt.date(2025, 5, 1), dt.date(2025, 5, 31)), EVERYTHING
    )
    row = trend[trend["month"].astype(str) == "2025-05-01"].set_index("kpi")
    for key in cp.TREND_KPIS:
        assert row.loc[key, "value"] == pytest.approx(may[key].value)


def test_worst_communities_come_most_overdue_then_open_first(demo_wh):
    rows = cp.worst_communities(demo_wh, Y2025, YUCI, OFFICER)
    assert 0 < len(rows) <= cp.LIST_ROWS and rows["total"].iloc[0] >= len(rows)
    keys = list(zip(rows["overdue_cases"], rows["open_cases"], strict=True))
    assert keys == sorted(keys, reverse=True)
    counties = dict(demo_wh.rows("SELECT community_id, county FROM communities"))
    assert all(counties[c].startswith(YUCI) for c in rows["community_id"])


def test_the_arrears_list_shows_one_developer_when_asked(demo_wh):
    everything, total = cp.arrears_projects(demo_wh, Y2025, YUCI, OFFICER)
    developer = everything["developer"].iloc[0]
    one, n = cp.arrears_projects(demo_wh, Y2025, YUCI, OFFICER, developer=developer)
    (expected,) = demo_wh.rows(
        "SELECT count(*) FROM fund_arrears WHERE developer = ? AND county LIKE '140702%' AND listed_on <= '2025-11-30'",
        [developer],
    )[0]
    assert n == expected and set(one["developer"]) == {developer} and total >= n


def test_a_county_outside_the_scope_gives_nothing(demo_wh):
    assert cp.access(demo_wh, TAIGU, OFFICER) == cp.FORBIDDEN
    assert cp.access(demo_wh, YUCI, OFFICER) == cp.OK
    assert cp.access(demo_wh, "140799", EVERYTHING) == cp.MISSING
    assert cp.standing(demo_wh, Y2025, TAIGU, OFFICER).empty
    assert cp.trend(demo_wh, Y2025, TAIGU, OFFICER).empty
    assert cp.open_cases(demo_wh, Y2025, TAIGU, OFFICER).empty


# ---------------------------------------------------------------- the county profile: the page


def test_county_page_draws_every_kpi_and_its_lists(leader_pages):
    from pages import county

    table = county.county_standing(PARAMS)
    for key in (k.key for k in kpis.CATALOGUE):
        row = text(by_id(table, f"county-standing-table-{key}"))
        assert row.startswith(label(key)) and ("无数据" in row or "/" in row)
    assert "/ 11" in text(by_id(table, "county-standing-table-rectification_rate"))  # 榆次区 among 11 counties
    out = county.county_trend(PARAMS)
    assert len(out) == len(cp.TREND_KPIS) + 1 and all(len(f["data"]) == 2 for f in out[:-1])
    grid = county._list_table(county.CountyView.of(PARAMS), "open")
    g = next(c for c in walk(grid) if getattr(c, "id", None) == "county-open-grid")
    first = g.rowData[0]
    assert first["case_href"] == f"/escalations?case={first['case_id']}"  # its trail
    assert next(d for d in g.columnDefs if d["field"] == "case_id")["cellRenderer"] == "PageLink"


def test_the_county_pages_lists_are_drawn_once_scrolled_near(leader_pages):
    """The four lists under the standing and the trends sit in a lazy section: the first screen
    (standing, trends) is drawn without them, and each list's callback, asked nothing before the
    section comes near the screen (assets/lazy.js sets its store), then draws it."""
    import app
    from pages import county

    layout = county.layout(**PARAMS)
    (section,) = by_class(layout, "lazy-panel")
    assert section.to_plotly_json()["props"]["data-seen-store"] == county.LISTS_SEEN
    assert {c.id for c in walk(section) if str(getattr(c, "id", "")).endswith("-table")} == {
        f"county-{name}-table" for name in county.LISTS
    }
    for name in county.LISTS:
        (spec,) = [c for c in app.app._callback_list if c["output"] == f"county-{name}-table.children"]
        assert [i["id"] for i in spec["inputs"]] == ["county-query", county.LISTS_SEEN]
        assert spec["prevent_initial_call"]
    for spec in app.app._callback_list:  # the standing and the trends do not wait
        if "county-standing.children" in spec["output"] or "county-trend-table" in spec["output"]:
            assert [i["id"] for i in spec["inputs"]] == ["county-query"]


def test_county_page_without_a_county_lists_the_citys_counties(leader_pages):
    from pages import county

    chooser = by_id(county.layout(region=CITY), "county-chooser")
    hrefs = [c.href for c in walk(chooser) if hasattr(c, "href")]
    assert "/county?region=140702" in hrefs and len(hrefs) == 11


def test_a_county_officer_gets_the_no_permission_page_for_another_county(as_officer):
    from pages import county

    by_id(county.layout(region=TAIGU), "refusal-forbidden")
    by_id(county.layout(region=YUCI), "county-standing")  # his own


# ---------------------------------------------------------------- the company and community profiles


def test_company_profile_shows_its_record(leader_pages, demo_wh):
    from pages import company

    layout = company.layout(code=HUIDE, **{"from": "2024-01-01", "to": "2025-11-30"})
    assert text(by_id(layout, "company-title")) == "晋中汇德物业管理服务有限公司"
    params = {"code": HUIDE, "from": "2024-01-01", "to": "2025-11-30"}
    tiles = company.company_tiles(params)
    (received,) = demo_wh.rows(
        "SELECT count(*) FROM cases WHERE company_code = ? AND received_on BETWEEN '2024-01-01' AND '2025-11-30'",
        [HUIDE],
    )[0]
    assert text(by_id(tiles, "company-tiles-row-profile_cases_received")).endswith(f"{received:,}")
    lists = next(
        c
        for c in walk(company._list_table(company.CompanyView.of(params), "lists"))
        if getattr(c, "id", None) == "company-lists-grid"
    )
    assert len(lists.rowData) == 3
    figure, _ = company.company_credit(params)
    grades = demo_wh.rows("SELECT year, grade FROM credit_ratings WHERE company_code = ? ORDER BY year", [HUIDE])
    assert list(figure["data"][0]["x"]) == [str(y) for y, _ in grades]
    assert [t.split(" · ")[0] for t in figure["data"][0]["text"]] == [g for _, g in grades]


def test_company_outside_the_scope_is_refused_and_its_lists_scoped(as_officer, demo_wh):
    from pages import company

    assert co.access(demo_wh, TAIGU_ONLY, OFFICER) == co.FORBIDDEN
    assert co.access(demo_wh, TAIGU_ONLY, EVERYTHING) == co.OK
    assert co.access(demo_wh, "NOSUCHCODE", EVERYTHING) == co.MISSING
    by_id(company.layout(code=TAIGU_ONLY), "refusal-forbidden")
    assert (
        co.lists(demo_wh, TAIGU_ONLY, OFFICER).empty
        and co.case_counts(demo_wh, Y2025, TAIGU_ONLY, OFFICER)["received"] == 0
    )
    by_id(company.layout(code=HUIDE), "company-title")  # his county's company


def test_community_profile_counts_are_the_drill_downs(leader_pages, demo_wh):
    from pages import community

    params = {"code": XINYUAN, "from": "2024-01-01", "to": "2025-11-30"}
    assert text(by_id(community.layout(**params), "community-title")) == "鑫源苑"
    counts = cm.case_counts(demo_wh, SINCE_2024, XINYUAN, EVERYTHING)
    (n,) = demo_wh.rows(
        "SELECT count(*) FROM cases WHERE community_id = ? AND received_on BETWEEN '2024-01-01' AND '2025-11-30'",
        [XINYUAN],
    )[0]
    assert sum(counts[f"received_{g}"] for g in ("sweep", "leads", "complaints")) == n
    grid = next(
        c
        for c in walk(community._list_table(community.CommunityView.of(params), "cases"))
        if getattr(c, "id", None) == "community-cases-grid"
    )
    assert len(grid.rowData) == n and all(r["case_href"].startswith("/escalations?case=") for r in grid.rowData)


def test_community_of_another_county_is_refused(as_officer, demo_wh):
    from pages import community

    (other,) = demo_wh.rows("SELECT community_id FROM communities WHERE county = ? LIMIT 1", [TAIGU])[0]
    assert cm.access(demo_wh, other, OFFICER) == cm.FORBIDDEN
    by_id(community.layout(code=other), "refusal-forbidden")
    assert cm.header(demo_wh, other, OFFICER).empty and cm.case_list(demo_wh, Y2025, other, OFFICER).empty
    assert "XQ-NONE" in text(community.layout(code="XQ-NONE"))  # not found: said, with the id


# ---------------------------------------------------------------- links from elsewhere


def test_rectification_cases_open_their_trail(leader_pages):
    from pages import rectification

    params = {"region": CITY, "unit": YUCI, "community": XINYUAN, "from": "2024-01-01", "to": "2025-11-30"}
    crumbs, grid = rectification.rectification_drill(params)
    first = grid.rowData[0]
    assert first["case_href"] == f"/escalations?case={first['case_id']}"
    assert next(d for d in grid.columnDefs if d["field"] == "case_id")["cellRenderer"] == "PageLink"
    by_id(crumbs, "rectification-community-profile").href.startswith(f"/community/{XINYUAN}?")


def test_overview_scorecard_names_open_the_county_profile(leader_pages):
    from pages import overview

    scorecard, _map = overview.overview_scorecard({"region": CITY})
    grid = next(c for c in walk(scorecard) if getattr(c, "id", None) == "overview-scorecard-grid")
    hrefs = {r["unit"]: r["county_href"] for r in grid.rowData}
    assert hrefs[YUCI] == "/county?region=140702"
    assert not isinstance(hrefs["140702401"], str)  # a township-level unit has no county profile of its own
