"""维修资金 /funds on the demo warehouse, its callbacks called directly: the published figures
as the cards, lines, charts and grids show them, the period and the region narrowing what they
show, the unknown company kept as 未匹配. (Moved from tests/ui/test_funds.py; the browser keeps
the journeys: the page in both languages, a county click, an export.)"""

from __future__ import annotations

import pytest
from dash_tree import by_id, card_value, text, traces

CITY = {"region": "140700"}
Y2024 = {**CITY, "from": "2024-01-01", "to": "2024-12-29"}
TO_MAY = {**CITY, "from": "2024-01-01", "to": "2025-05-31"}


@pytest.fixture
def funds(leader_pages):
    from pages import funds

    return funds


def test_published_refunds_of_2024_by_kind_and_companies(funds):
    line, kind_figure, kind_grid = funds.funds_refunds(Y2024)
    deposit = text(by_id(line, "funds-refunds-deposit"))
    assert "7,237.74 万元" in deposit and "50 家企业" in deposit and "榆次区、晋中开发区" in deposit
    other = text(by_id(line, "funds-refunds-other"))
    assert "371.47 万元" in other and "26 家企业" in other
    for kind in ("水电费", "物业费", "电梯运行费", "卫生费"):
        assert kind in other
    assert "40,702" in text(by_id(line, "funds-refunds-households"))
    cards, _ = funds.funds_cards(Y2024)
    assert card_value(cards, "funds-kpi-refund_households") == "40,702"
    # the by-kind view shows the amount and the distinct companies of every kind and kind group
    assert kind_grid.id == "funds-refunds-kind-grid"
    rows = {r["funds_kind"]: r for r in kind_grid.rowData}
    assert rows["装修保证金"]["funds_companies"] == 50
    assert rows["其他类别小计"]["funds_companies"] == 26
    assert round(rows["其他类别小计"]["refund_amount"], 2) == 3_714_700.00
    bar = traces(kind_figure)[0]
    assert "7,237.74 · 50家" in bar["text"][bar["y"].index("装修保证金")]


def test_published_cumulative_refunds_to_may_2025(funds):
    cards, _ = funds.funds_cards(TO_MAY)
    assert card_value(cards, "funds-kpi-refund_amount") == "1.07 亿元"
    assert card_value(cards, "funds-kpi-refund_households") == "67,700"


def test_published_arrears_ledger_in_four_counts(funds):
    cards, line = funds.funds_cards(CITY)
    assert text(by_id(line, "funds-arrears-counties")) == "9"
    assert text(by_id(line, "funds-arrears-developers")) == "106"
    assert text(by_id(line, "funds-arrears-projects")) == "151"
    assert text(by_id(line, "funds-arrears-amount")) == "3.47 亿元"
    assert card_value(cards, "funds-kpi-arrears_listed") == "3.47 亿元"
    # the developer table counts the same developers
    _figure, developers, _projects = funds.funds_developers(CITY)
    assert developers.id == "funds-arrears-developer-grid" and len(developers.rowData) == 106


def test_published_recoveries_of_2025_and_the_may_spike(funds):
    view = {**CITY, "from": "2025-01-01", "to": "2025-05-31"}
    cards, _ = funds.funds_cards(view)
    assert card_value(cards, "funds-kpi-arrears_recovered") == "9,969.00 万元"
    figure, _grid = funds.funds_recoveries(view)
    drawn = traces(figure)
    months = drawn[0]["x"]
    assert months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    totals = [round(sum(t["y"][i] for t in drawn), 2) for i in range(len(months))]
    assert months[totals.index(max(totals))] == "2025-05" and max(totals) == 2732.96
    assert "2025-05：2,732.96 万元" in [a["text"] for a in figure["layout"]["annotations"]]
    cards, _ = funds.funds_cards({**CITY, "from": "2025-05-01", "to": "2025-05-31"})
    assert card_value(cards, "funds-kpi-arrears_recovered") == "2,732.96 万元"


def test_published_fund_collection_and_use_2008_to_2025(funds):
    view = {**CITY, "from": "2008-01-01", "to": "2025-12-31"}
    cards, _ = funds.funds_cards(view)
    usage = text(by_id(cards, "funds-kpi-fund_usage_rate"))
    assert card_value(cards, "funds-kpi-fund_usage_rate") == "3.33%"
    assert "1.20 亿元" in usage and "36.09 亿元" in usage
    years = traces(funds.funds_ledger_year(view)[0])[0]["x"]
    assert years[0] == "2008" and years[-1] == "2025"


def test_published_emergency_use_of_taitie_lift_within_ten_days(funds):
    approvals, _table, emergency = funds.funds_usages({})
    assert emergency.id == "funds-emergency-grid"
    rows = [r for r in emergency.rowData if r["funds_community_name"] == "太铁花园"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["unit_name"], row["purpose"]) == ("榆次区", "电梯")
    assert (row["applied_on"], row["approved_on"]) == ("2025-04-07", "2025-04-14")
    assert row["funds_days"] == 7 <= 10
    # shown as 42.87 (万元) in the grid: the amount in yuan, formatted in 万元 with two decimals
    assert round(row["funds_usage_amount"] / 1e4, 2) == 42.87
    columns = {d["field"]: d for d in emergency.columnDefs}
    assert [*columns][:7] == [
        "funds_community_name",
        "unit_name",
        "purpose",
        "funds_usage_amount",
        "applied_on",
        "approved_on",
        "funds_days",
    ]
    assert "/ 10000" in columns["funds_usage_amount"]["valueFormatter"]["function"]
    assert "应急使用 13 件，13 件在 10 天内审核" in approvals["layout"]["title"]["text"]


def test_unknown_company_is_shown_as_unmatched_not_dropped(funds):
    _figure, grid = funds.funds_companies(TO_MAY)
    rows = grid.rowData
    assert any(r["funds_company_name"] == "未匹配" for r in rows)
    total = sum(r["refund_amount"] for r in rows)
    cards, _ = funds.funds_cards(TO_MAY)
    assert f"{total / 1e8:.2f} 亿元" == card_value(cards, "funds-kpi-refund_amount")


def test_the_period_changes_the_charts(funds):
    months_2024 = traces(funds.funds_recoveries(Y2024)[0])[0]["x"]
    listed_2024 = sum(traces(funds.funds_arrears(Y2024)[0])[0]["y"])
    months_all = traces(funds.funds_recoveries(CITY)[0])[0]["x"]
    listed_all = sum(traces(funds.funds_arrears(CITY)[0])[0]["y"])
    assert months_2024 == ["2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]
    assert len(months_all) > len(months_2024) and listed_all > listed_2024


def test_a_region_narrows_the_county_charts(funds):
    taigu = {"region": "140703"}
    assert traces(funds.funds_arrears(taigu)[0])[0]["x"] == ["太谷区"]
    _cards, line = funds.funds_cards(taigu)
    assert text(by_id(line, "funds-arrears-counties")) == "1"
    # a county's view of the refunds: its own units only
    yuci = {"region": "140702"}
    assert traces(funds.funds_arrears(yuci)[0])[0]["x"] == ["榆次区"]
    units = traces(funds.funds_refund_units(yuci)[0])[0]["y"]
    assert set(units) <= {"榆次区", "晋中开发区"} and "榆次区" in units
