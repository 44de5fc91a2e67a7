"""The navbar's search on the demo warehouse: what a name or id finds, ranked, capped and within
the viewer's scope, and the shell's callbacks that list the results as links and open the
first on Enter (a wall display's session finds nothing)."""

from __future__ import annotations

import pytest
from dash_tree import text, walk

from metrics import search
from metrics.filters import EVERYTHING, Scope
from security.roles import SCREEN, Viewer

OFFICER = Scope(("140702",))


def test_a_community_is_found_by_a_part_of_its_name(demo_wh):
    found = search.find(demo_wh, "鑫源苑", EVERYTHING)
    communities = demo_wh.rows("SELECT community_id FROM communities WHERE name LIKE '%鑫源苑%'")
    assert {k for k in found[found["kind"] == "community"]["key"]} == {c for (c,) in communities}
    assert found["kind"].iloc[0] == "community" and found["name"].iloc[0] == "鑫源苑"  # exact names first


def test_a_case_a_company_a_developer_and_a_project_by_id_or_name(demo_wh):
    case = search.find(demo_wh, "ts202409100304", EVERYTHING)  # Latin letters in any case
    assert (case["kind"].iloc[0], case["key"].iloc[0]) == ("case", "TS202409100304")
    company = search.find(demo_wh, "91140702MA0TKUF187", EVERYTHING)
    assert list(company["kind"]) == ["company"] and company["name"].iloc[0] == "榆次城发物业服务有限公司"
    developer = search.find(demo_wh, "山西佳美房地产", EVERYTHING)
    row = developer[developer["kind"] == "developer"].iloc[0]
    (projects,) = demo_wh.rows("SELECT count(*) FROM fund_arrears WHERE developer = ?", [row["key"]])[0]
    assert row["detail"] == str(projects) and row["county"] == "140702"
    project = search.find(demo_wh, "WXZJ-140702-014", EVERYTHING)
    assert (project["kind"].iloc[0], project["name"].iloc[0]) == ("project", "锦华华庭小区")
    county = search.find(demo_wh, "榆次", EVERYTHING)
    assert (county["kind"].iloc[0], county["key"].iloc[0]) == ("county", "140702")


def test_results_are_capped_and_one_latin_letter_finds_nothing(demo_wh):
    many = search.find(demo_wh, "14070", EVERYTHING)  # community ids, credit codes, project ids
    assert len(many) == search.LIMIT and {"community", "company", "project"} <= set(many["kind"])
    assert search.find(demo_wh, "a", EVERYTHING).empty and search.too_short("a") and not search.too_short("华")
    assert search.find(demo_wh, "%", EVERYTHING).empty  # no pattern characters: '%' is a character
    assert search.find(demo_wh, "", EVERYTHING).empty


def test_a_county_officer_finds_only_his_county(demo_wh):
    everywhere = search.find(demo_wh, "华苑", EVERYTHING)
    own = search.find(demo_wh, "华苑", OFFICER)
    assert set(everywhere["county"].str[:6]) - {"140702"}  # the name is used in other counties too
    assert len(own) and set(own["county"].str[:6]) == {"140702"}
    assert search.find(demo_wh, "太谷", OFFICER).empty  # another county's name


@pytest.fixture
def shell(leader_pages, monkeypatch):
    import app
    from security import web

    monkeypatch.setattr(web, "current_viewer", lambda: Viewer("leader", "leader"))
    return app


def test_the_navbar_lists_results_as_links_and_enter_opens_the_first(shell):
    items = shell.shell_search("鑫源苑", "?from=2025-01-01&to=2025-11-30&region=140700")
    links = [c for c in walk(items) if getattr(c, "href", None)]
    assert links and links[0].href.startswith("/community/XQ") and "from=2025-01-01" in links[0].href
    assert "小区" in text(links[0]) and "鑫源苑" in text(links[0])
    href, emptied = shell.shell_search_enter(1, "鑫源苑", "?region=140700")
    assert href == links[0].href.split("?")[0] + "?region=140700" and emptied == ""  # the filter kept
    case = shell.shell_search_enter(1, "TS202409100304", "")[0]
    assert case == "/escalations?case=TS202409100304"  # a case opens its trail
    developer = shell.shell_search_enter(1, "山西佳美房地产开发", "?lang=en")[0]
    assert developer.startswith("/county?lang=en&region=140702&developer=")


def test_the_navbar_says_why_it_lists_nothing(shell):
    assert "没有找到" in text(shell.shell_search("不存在的名字xyz", ""))
    assert "至少" in text(shell.shell_search("a", ""))
    assert shell.shell_search("  ", "") == []


def test_a_wall_display_finds_nothing(shell, monkeypatch):
    from security import web

    monkeypatch.setattr(web, "current_viewer", lambda: Viewer("screen#1", SCREEN))
    assert "没有找到" in text(shell.shell_search("鑫源苑", ""))
