"""督办 /escalations on the demo warehouse, its callbacks called directly as the supervisor
(纪检监督, who sees complainants' phones): the ladder counts what metrics/escalations.py counts,
the watch lists move with the period's end (three 黑榜 in twelve months: exit review) and their
rows lead where a click goes, an export holds exactly the grid's rows with the filters in its
header, 孝义's three levels of dispute handling, a case's trail from the URL. (Moved from
tests/ui/test_escalations.py; the browser keeps the journeys: both languages, a ladder bar click
and the overdue toggle, a case's trail opened from the list, a shared link with its case open
and closed.)"""

from __future__ import annotations

import io
import re

import pytest
from dash_tree import by_class, by_id, figure, text, traces
from openpyxl import load_workbook

from metrics import escalations as esc
from metrics.filters import Filter, Scope

CITY = {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}
PHONE = re.compile(r"^1[3-9]\d{9}$")
SCOPE = Scope(personal_data=True)  # the supervisor's scope (security/roles.py)


@pytest.fixture
def page(leader_pages, monkeypatch):
    from pages import escalations
    from security import web

    monkeypatch.setattr(web, "current_scope", lambda: SCOPE)
    return escalations


def rows_of(grid) -> list[list]:
    """A grid's rows as its columns show them, in its order."""
    fields = [d["field"] for d in grid.columnDefs]
    return [[r.get(f) for f in fields] for r in grid.rowData]


def test_ladder_shows_open_cases_per_level_as_the_metrics_count_them(page, demo_wh):
    expected = esc.ladder(demo_wh, Filter.from_query("140700", "2024-01-01", "2025-05-31"), SCOPE)
    per_level = expected.groupby("level")["open_cases"].sum()
    ladder, _flow, _path, line = page.escalations_ladder(CITY)
    bars = [{"x": list(t.x), "y": list(t.y)} for t in figure(ladder).data if t.type == "bar"]
    assert bars[0]["x"][:2] == ["社区", "乡镇(街道)"]
    drawn = {x: sum(t["y"][i] for t in bars) for i, x in enumerate(bars[0]["x"])}
    assert drawn == {lv: per_level[lv] for lv in ("社区", "乡镇(街道)", "县级", "市级")}
    assert line == f"未办结 {expected['open_cases'].sum():,} 件，其中超期 {expected['overdue_cases'].sum():,} 件"
    # each bar's total and its overdue, on two short lines (one long line ran into the next bar's
    # on a phone)
    overdue = expected.groupby("level")["overdue_cases"].sum()
    (labels,) = [t for t in figure(ladder).data if t.type == "scatter" and t.mode == "text"]
    levels = ("社区", "乡镇(街道)", "县级", "市级")
    assert labels.texttemplate == "%{y:,}<br>超期 %{customdata:,}"
    assert list(labels.y) == [per_level[lv] for lv in levels] and list(labels.customdata) == [
        overdue[lv] for lv in levels
    ]
    _title, _note, grid = page.escalations_open(CITY)
    assert grid.id == "escalations-open-grid" and len(grid.rowData) == expected["open_cases"].sum()
    # personal data shows on this page (the supervisors call complainants back)
    phones = [r["reporter_phone"] for r in grid.rowData if r["reporter_phone"]]
    assert phones and all(PHONE.match(p) for p in phones)
    headers = [d["headerName"] for d in grid.columnDefs]
    assert "在该层级（工作日）" in headers and "联系电话" in headers


def test_a_level_and_the_overdue_toggle_narrow_the_open_cases(page):
    search = page.escalations_ladder_click({"points": [{"customdata": ["市级"]}]}, "?region=140700")
    assert search.startswith("?region=140700&level=")
    level = page.escalations_open({**CITY, "level": "市级"})[2].rowData
    assert level and {r["level"] for r in level} == {"市级"}
    overdue = page.escalations_open({**CITY, "level": "市级", "overdue": "1"})[2].rowData
    assert 0 < len(overdue) <= len(level) and {r["esc_overdue"] for r in overdue} == {"是"}


def test_watch_list_follows_the_period_end_and_flags_three_black_lists(page, demo_wh):
    march, may = {"region": "140700", "to": "2025-03-31"}, {"region": "140700", "to": "2025-05-31"}
    flagged = esc.company_watch(demo_wh, Filter.from_query("140700", None, "2025-03-31"), SCOPE).iloc[0]
    assert flagged["exit_review"] and flagged["black_lists"] == 3  # the demo's repeat offender
    companies, window = page.escalations_watch(march)
    assert "2024-04-01 至 2025-03-31" in text(window)
    first = by_id(companies, "escalations-companies-grid").rowData[0]
    assert (first["company_name"], first["exit_review"], first["black_lists"]) == (flagged["company_name"], "是", 3)
    assert first["black_dates"].count("、") == 2
    companies, window = page.escalations_watch(may)
    assert "2024-06-01 至 2025-05-31" in text(window)
    rows = by_id(companies, "escalations-companies-grid").rowData
    by_code = {r["company_code"]: r for r in rows}
    assert rows[0]["exit_review"] == "否"
    assert by_code[flagged["company_code"]]["black_lists"] == 2  # its May 2024 entry left the window
    # a company in the watch list opens its escalations (the row's id is its code); a county filters the page
    assert by_id(companies, "escalations-companies-grid").getRowId == "params.data['company_code']"
    code = rows[0]["company_code"]
    assert f"company={code}" in page.escalations_company_click({"rowId": code}, "?region=140700&to=2025-05-31")
    counties = by_id(page.escalations_watch_counties(may), "escalations-counties-grid")
    county = esc.county_watch(demo_wh, Filter.from_query("140700", None, "2025-05-31"), SCOPE).iloc[0]
    assert counties.rowData[0]["unit_name"] == county["unit_name"]
    search = page.escalations_county_click({"rowId": county["county"]}, "?region=140700&to=2025-05-31")
    assert re.search(rf"region={county['county']}(&|$)", search)
    after = by_id(page.escalations_watch_counties({**may, "region": county["county"]}), "escalations-counties-grid")
    names = [r["unit_name"] for r in after.rowData]
    assert county["unit_name"] in names and len(names) < len(counties.rowData)  # with its townships


@pytest.mark.parametrize("name, params", [("open", {**CITY, "level": "市级"}), ("companies", CITY)])
def test_export_rows_equal_the_list_on_screen_with_the_filters_in_the_header(page, name, params):
    grid = (
        page.escalations_open(params)[2]
        if name == "open"
        else by_id(page.escalations_watch(params)[0], "escalations-companies-grid")
    )
    book = load_workbook(io.BytesIO(page._sheet(name)(params).xlsx()))
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    top = [str(r[0]) for r in cells[1:6] if r and r[0]]
    assert "区域：晋中市（140700）" in top
    assert any("2024-01-01" in t and "2025-05-31" in t for t in top)
    if name == "open":
        assert "层级：市级" in top and "截至：2025-05-31" in top
    else:
        assert "近 12 个月：2024-06-01 至 2025-05-31" in top
    headers = [d["headerName"] for d in grid.columnDefs]
    start = cells.index(headers) + 1
    assert cells[start:] == rows_of(grid)


def test_a_url_reproduces_a_view_with_its_open_case(page):
    _chart, referrals, _accountability = page.escalations_referrals(CITY)
    case_id = referrals.rowData[0]["case_id"]
    title, body = page.escalations_timeline({**CITY, "level": "市级", "overdue": "1", "case": case_id})
    assert case_id in text(title)
    steps = by_id(body, "escalations-timeline-grid").rowData
    assert any(str(s["action"]).startswith("移送") for s in steps)  # the referral that listed it


def _callbacks_reading(prop: str) -> list[dict]:
    """The app's callbacks with `prop` ("id.property") among their inputs."""
    import app

    return [c for c in app.app._callback_list if any(f"{i['id']}.{i['property']}" == prop for i in c["inputs"])]


def test_a_case_clicked_in_a_list_draws_its_trail_alone(page):
    """A click on a case opens its trail without redrawing the page: it is taken in the browser
    (assets/trail.js), which sets the trail's own store and opens the dialog (and writes `case`
    into the address in place); nothing of the page, nor its URL as Dash's router hears it,
    follows the click; the trail's store feeds the trail alone."""
    for grid_id in ("escalations-open-grid", "escalations-referrals-grid", "escalations-accountability-grid"):
        (click,) = _callbacks_reading(f"{grid_id}.cellClicked")
        assert click["clientside_function"] == {"namespace": "kanban", "function_name": "trailOpen"}
        assert [o.split("@")[0] for o in click["output"].strip(".").split("...")] == [
            "escalations-trail.data",
            "escalations-timeline.is_open",
        ]
    (trail,) = _callbacks_reading("escalations-trail.data")
    assert trail["output"] == "..escalations-timeline-title.children...escalations-timeline-body.children.."
    # a shared address with its case: the trail's store starts as the page's query, case and all
    case_id = page.escalations_referrals(CITY)[1].rowData[0]["case_id"]
    layout = page.layout(**CITY, level="市级", case=case_id)
    assert by_id(layout, "escalations-trail").data == {**CITY, "level": "市级", "case": case_id}
    assert by_id(layout, "escalations-timeline").is_open is True
    title, _body = page.escalations_timeline(by_id(layout, "escalations-trail").data)
    assert case_id in text(title)
    assert page.escalations_timeline(CITY) == (None, None)  # no case: no trail


LAZY = {  # a lazy section's store: the callbacks under it, and the outputs each draws once seen
    "escalations-actions-seen": ["escalations_actions"],
    "escalations-referrals-seen": ["escalations_referrals"],
    "escalations-watch-seen": ["escalations_watch", "escalations_watch_counties"],
    "escalations-documents-seen": ["escalations_documents"],
    "escalations-mediation-seen": ["escalations_mediation_levels", "escalations_mediation_unit"],
}


def test_the_sections_below_the_open_cases_are_drawn_once_scrolled_near(page):
    """What lies below the ladder (三级调处, the documents, the actions, referrals and accountability,
    the watch lists) sits in lazy sections (components/loading.lazy_section): the page's first
    screen and its open cases are drawn without them; assets/lazy.js sets a section's store once
    it comes near the screen, and then its callbacks draw it."""
    from dash.exceptions import PreventUpdate

    from pages import _escalations_loop, _escalations_mediation

    layout = page.layout(**CITY)
    stores = sorted(p.to_plotly_json()["props"]["data-seen-store"] for p in by_class(layout, "lazy-panel"))
    assert stores == sorted(LAZY)
    for store in LAZY:
        assert by_id(layout, store).data is False
        readers = _callbacks_reading(f"{store}.data")
        assert len(readers) == len(LAZY[store]), (store, readers)
        assert all(c["prevent_initial_call"] for c in readers)  # nothing asked before it is seen
    # the first screen's callbacks read no seen store
    for eager in ("escalations-counts.children", "escalations-ladder.figure", "escalations-open.children"):
        (spec,) = [c for c in _callbacks_reading("escalations-query.data") if eager in c["output"]]
        assert not any(i["id"].endswith("-seen") for i in spec["inputs"])
    calls = [
        lambda seen: page.escalations_actions(CITY, 0, seen),
        lambda seen: page.escalations_referrals(CITY, seen),
        lambda seen: page.escalations_watch(CITY, seen),
        lambda seen: page.escalations_watch_counties(CITY, seen),
        lambda seen: _escalations_loop.escalations_documents(CITY, 0, seen),
        lambda seen: _escalations_mediation.mediation_levels(CITY, seen),
        lambda seen: _escalations_mediation.draw(CITY, seen),
    ]
    for call in calls:
        with pytest.raises(PreventUpdate):
            call(False)
        assert call(True) is not None
    chart, referrals, _accountability = page.escalations_referrals(CITY, True)
    assert traces(chart) and referrals.rowData


def test_xiaoyi_disputes_go_through_three_levels(page, demo_wh):
    _ladder, flow, path, _line = page.escalations_ladder({"region": "141181"})
    assert text(by_id(path, "escalations-flow-levels")) == "社区 → 乡镇(街道) → 孝义市物业管理服务中心"
    drawn = traces(flow)[0]
    assert drawn["x"] == ["社区", "乡镇(街道)", "县级"] and all(v > 0 for v in drawn["y"])
    expected = esc.level_flow(demo_wh, Filter.from_query("141181"), SCOPE)
    assert drawn["y"] == list(expected["moved_in"])
    _ladder, _flow, path, _line = page.escalations_ladder({"region": "141181", "lang": "en"})
    assert text(by_id(path, "escalations-flow-levels")) == "Community → Township/street → 孝义市物业管理服务中心"
