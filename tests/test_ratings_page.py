"""评价 /ratings on the demo warehouse, its callbacks called directly: the published figures it
owns as its figure cards, charts and tables show them, and the region and the period changing
what they show. (Moved from tests/ui/test_ratings.py; the browser keeps the journeys: the page
in both languages, a county click, an export.)"""

from __future__ import annotations

import pytest
from dash_tree import by_class, by_id, text, traces

JZ_2024 = {"region": "140700", "from": "2024-01-01", "to": "2024-12-31"}
JC_2024 = {"region": "140500", "from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def ratings(leader_pages):
    from pages import ratings

    return ratings


def stat(stats, key: str) -> tuple[str, str, str]:
    """A figure card of the page: (value, title, parts) as shown."""
    card = by_id(stats, f"ratings-stat-{key}")
    return tuple(text(by_class(card, c)) for c in ("kpi-value", "kpi-title", "kpi-parts"))


def shown(grid) -> set[str]:
    """A management table's rows as the grid formats them: type|communities|share."""
    return {f"{r['management_type']}|{r['communities']:,}|{r['share']:.2%}" for r in grid.rowData}


def test_jinzhong_2024_star_ratings_and_communities_without_service(ratings):
    stats, _county, by_year, _table = ratings.ratings_stars(JZ_2024)
    value, title, _ = stat(stats, "star-rated")
    assert value == "1,051" and "2024" in title
    assert sum(t["y"][t["x"].index("2024年")] for t in traces(by_year)) == 1051
    trend, no_service, _committees, _table = ratings.ratings_trend(JZ_2024)
    value, title, parts = stat(trend, "no-service")
    assert value == "0" and "2024-12-31" in title and "2024-01-01" in parts and "911" in parts
    line = traces(no_service)[0]
    assert (line["x"][0], line["y"][0]) == ("2024-01-01", 911)
    assert (line["x"][-1], line["y"][-1]) == ("2024-12-31", 0)
    assert no_service["layout"]["xaxis"]["tickformat"] == "%Y-%m"  # month ticks are numbers, never month names


def test_jinzhong_communities_swept_with_and_without_a_period(ratings):
    for view in ({"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}, {"region": "140700"}):
        assert stat(ratings.ratings_communities(view)[0], "communities")[0] == "1,952"


def test_jincheng_communities_by_management_type(ratings):
    stats, _figure, management, _counties = ratings.ratings_communities({"region": "140500"})
    assert stat(stats, "communities")[0] == "1,563"
    value, _, parts = stat(stats, "with-service")
    assert value == "1,563" and "100.00%" in parts
    cards = ratings.ratings_cards({"region": "140500"})
    assert text(by_class(by_id(cards, "ratings-kpi-service_coverage"), "kpi-value")) == "100.00%"
    assert management.id == "ratings-management-grid"
    formats = {d["field"]: d.get("valueFormatter", {}).get("function", "") for d in management.columnDefs}
    assert "'.2%'" in formats["share"] and "','" in formats["communities"]
    for row in ("专业物业企业|762|48.75%", "社区(村)托管|335|21.43%", "单位自管|256|16.38%", "业主自管|210|13.44%"):
        assert row in shown(management)


def test_jincheng_credit_grades_2024_and_their_movement(ratings):
    stats, by_year, moves, _table, _moves_table = ratings.ratings_credit(JC_2024)
    value, title, parts = stat(stats, "credit-rated")
    assert value == "202" and "2024" in title and "A 32 · B 77 · C 92 · D 1" in parts
    assert traces(by_year)[0]["x"] == ["2023年", "2024年"]  # the year before shows, for the movement
    value, title, parts = stat(stats, "credit-moves")
    assert value.isdigit() and "2023→2024" in title
    assert all(word in parts for word in ("升级", "持平", "降级"))
    assert sum(sum(row) for row in moves["data"][0]["z"]) == int(value)
    _count, flagged = ratings.ratings_flagged(JC_2024)
    assert len(flagged.rowData) == 1 and flagged.rowData[0]["latest_grade"] == "D"


def test_yangqu_management_and_owners_committees(ratings):
    stats, _figure, management, _counties = ratings.ratings_communities({"region": "140122"})
    assert stat(stats, "communities")[0] == "131"
    value, _, parts = stat(stats, "with-company")
    assert value == "102" and "专业物业企业 46" in parts and "政府兜底(国企兜底) 56" in parts
    assert stat(stats, "with-committee")[0] == "109 / 131"
    assert "业主自管|29|22.14%" in shown(management)


def test_xiaoyi_registered_companies_and_vetted_list(ratings):
    stats = ratings.ratings_companies({"region": "141181"})[0]
    assert stat(stats, "registered")[0] == "70"
    assert stat(stats, "in-market")[0] == "6"


def test_the_region_and_the_period_change_what_the_charts_show(ratings):
    counties = traces(ratings.ratings_stars(JZ_2024)[1])[0]["y"]
    assert "榆次区" in counties and "平遥县" in counties
    counties = traces(ratings.ratings_stars({**JZ_2024, "region": "140702"})[1])[0]["y"]
    assert "榆次区" in counties and "平遥县" not in counties
    # a later period shows the later rating year
    value, title, _ = stat(
        ratings.ratings_stars({"region": "140700", "from": "2025-01-01", "to": "2025-12-31"})[0], "star-rated"
    )
    assert "2025" in title and value != "1,051"
    # the management chart of a county alone (with a township-level unit reporting on its own)
    assert len(traces(ratings.ratings_communities_by_county({**JZ_2024, "region": "140702"})[0])[0]["y"]) <= 2


def test_a_flagged_list_longer_than_the_screen_holds_keeps_its_widths_and_says_how_many(ratings, monkeypatch):
    """At province scale the flagged companies are more than a list sends (components.panel.ROW_CAP):
    the table then comes with its note, and the section still gives names and codes their room
    (it failed there on the note's Div)."""
    import pandas as pd

    from components.panel import ROW_CAP
    from pages import _ratings_content as content

    n = ROW_CAP + 20
    many = pd.DataFrame(
        {
            "company_code": [f"91140702MA0K{i:06d}" for i in range(n)],
            "company_name": [f"晋中第{i}物业服务有限公司" for i in range(n)],
            "unit": ["140702"] * n,
            "status": ["已清退"] * n,
            "exited_on": [pd.Timestamp("2024-05-01")] * n,
            "d_year": pd.array([2024] * (n - 1) + [None], dtype="Int32"),  # a nullable column, as DuckDB gives it
            "latest_grade": ["D"] * n,
            "latest_grade_year": pd.array([2024] * n, dtype="Int32"),
        }
    )
    monkeypatch.setattr(content, "flagged_companies", lambda *a: many)
    count, node = content.flagged_section(JZ_2024)
    note, grid = node.children
    assert f"{n:,}" in count and f"{n:,}" in note.children and len(grid.rowData) == ROW_CAP
    widths = {d["field"]: d["minWidth"] for d in grid.columnDefs}
    assert widths["company_name"] == 240 and widths["company_code"] >= 200 and widths["exited_on"] >= 110


def test_a_cell_with_no_value_is_missing_whatever_pandas_holds_it_as():
    """DuckDB gives pandas nullable columns (pd.NA), whose NaN test raises: `missing` holds for every
    empty cell and for no value."""
    import datetime as dt

    import pandas as pd
    from dash import html

    from etl.values import missing

    assert all(missing(v) for v in (None, float("nan"), pd.NA, pd.NaT))
    assert not any(missing(v) for v in ("", 0, False, dt.date(2024, 1, 1), "无数据", html.Span("x")))
