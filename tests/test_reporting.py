"""Who has reported (issue 21): the reporting calendar read and checked (problems named by line, in
Chinese), the board computed from the load history (a first arrival survives a corrected version;
a load after 数据截至 is not yet seen), 按时报送率 from the catalogue, the demo's story (two late
in September, one late and two missing in October; 榆次区, the demo officer's county, among them), the 数据状态 page's board, and 催报 issued
through the workflow: numbered, audited, in the county officer's 待办."""

from __future__ import annotations

import datetime as dt

import pytest
from dash_tree import by_id, text

from metrics import kpis, reporting
from metrics.facts import data_as_of
from metrics.filters import EVERYTHING, Filter, Scope
from metrics.targets import TargetsError
from security.roles import Viewer
from security.store import Store
from workflow import register, reminders
from workflow.desk import Refused
from workflow.drafts import WorkflowError

D = dt.date
HEADER = "region,dataset,source,cycle,due_day,valid_from,note\n"
SUPERVISOR = Viewer("supervisor", "supervisor")
YUCI = Viewer("county_140702", "county", "140702")


@pytest.fixture
def as_of(demo_wh) -> dt.date:
    return data_as_of(demo_wh, Filter("140700"), EVERYTHING)


def test_the_calendar_names_each_problem_by_line(tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(
        HEADER
        + "晋中市,问题线索,排查,月,5,2025-09-01,\n"  # 2: fine (a city by name, a ledger by its Chinese name)
        + "140700,companies,,月,5,2025-09-01,\n"  # 3: not a ledger a board can check
        + "140700,cases,,周,5,2025-09-01,\n"  # 4: not a cycle
        + "140700,cases,,月,31,2025-09-01,\n"  # 5: due day out of range
        + "140700,cases,,季,5,2025-08-01,\n"  # 6: a quarter does not begin in August
        + "甲县,cases,,月,5,2025-09-01,\n",  # 7: no such region
        encoding="utf-8",
    )
    with pytest.raises(TargetsError) as err:
        reporting.calendar(path)
    message = str(err.value)
    assert "第 2 行" not in message
    for n, said in [
        (3, "不是可按县区和期间核对报送的台账"),
        (4, "应为 月、季 或 年"),
        (5, "1 到 28"),
        (6, "一期的第一天"),
        (7, "甲县"),
    ]:
        assert f"第 {n} 行" in message and said in message, (n, message)


def test_periods_and_due_days_follow_the_cycle():
    duty = reporting.Duty("140700", "cases", "", 3, 15, D(2025, 1, 1))
    assert reporting.periods_of(duty, D(2025, 7, 1)) == [
        (D(2025, 1, 1), D(2025, 3, 31), D(2025, 4, 15)),
        (D(2025, 4, 1), D(2025, 6, 30), D(2025, 7, 15)),
        (D(2025, 7, 1), D(2025, 9, 30), D(2025, 10, 15)),
    ]


def test_the_demo_board_tells_who_reported_on_time_late_or_not_at_all(demo_wh, as_of):
    board = reporting.board(demo_wh, Filter("140700"), EVERYTHING, as_of)
    state = {(r.county_name, r.period_start.month): r.state for r in board.itertuples()}
    assert len(board) == 11 * 3  # eleven counties, September to November
    assert {k for k, v in state.items() if v == "late"} == {("介休市", 9), ("灵石县", 9), ("祁县", 10)}
    assert {k for k, v in state.items() if v == "missing"} == {("榆次区", 10), ("和顺县", 10)}
    assert {v for (_, m), v in state.items() if m == 11} == {"pending"}  # due 5 December, after 数据截至
    late = board[(board["county_name"] == "祁县") & (board["state"] == "late")].iloc[0]
    assert late["first_at"] == dt.datetime(2025, 11, 7, 16, 30) and late["due"] == D(2025, 11, 5)
    # the latest period due first, missing first within it; the period not yet due last
    assert list(board["state"].iloc[:3]) == ["missing", "missing", "late"]
    assert board["period_start"].iloc[0] == D(2025, 10, 1) and board["period_start"].iloc[-1] == D(2025, 11, 1)


def test_a_first_arrival_survives_the_corrected_version_the_full_ledger_brought(demo_wh, as_of):
    """The full ledger loaded after the monthly reports replaced their rows; the board still says
    when each report first came (the replaced rows' load), not when the full ledger did."""
    ((loaded,),) = demo_wh.rows("SELECT min(loaded_at) FROM loads WHERE file LIKE '07_%'")
    board = reporting.board(demo_wh, Filter("140700"), EVERYTHING, as_of)
    arrived = board.dropna(subset=["first_at"])
    assert len(arrived) == 20 and (arrived["first_at"] < loaded).all()
    # as of a day before the October reports, October is pending or missing, never reported
    early = reporting.board(demo_wh, Filter("140700"), EVERYTHING, D(2025, 11, 2))
    oct_ = early[early["period_start"] == D(2025, 10, 1)]
    assert set(oct_[oct_["first_at"].isna()]["state"]) == {"pending"}


def test_the_on_time_rate_is_the_catalogues_and_counts_the_board(demo_wh, as_of):
    f = Filter("140700", D(2025, 1, 1), as_of)
    v = kpis.compute(demo_wh, ["reporting_on_time_rate"], f, EVERYTHING, with_previous=False)["reporting_on_time_rate"]
    assert (v.numerator, v.denominator) == (17, 22) and v.value == pytest.approx(17 / 22)
    own = kpis.compute(demo_wh, ["reporting_on_time_rate"], Filter("140727", D(2025, 1, 1), as_of), Scope(("140727",)))
    assert own["reporting_on_time_rate"].value == 0.5  # 祁县: September on time, October late


def test_the_data_status_page_shows_the_board_and_a_remind_button_per_county_missing_a_report(
    leader_pages, demo_wh, monkeypatch
):
    from pages import _loop as loop
    from pages import data_status

    monkeypatch.setattr(loop, "viewer", lambda: SUPERVISOR)
    monkeypatch.setattr(loop, "store", lambda: None)
    page = data_status.layout(region="140700")
    line = text(by_id(page, "data-status-reports-line"))
    assert "按时报送率 77.27%（17/22 期按时）" in line and "未报送 2 期" in line and "逾期报送 3 期" in line
    table = text(by_id(page, "data-status-reports-table"))
    assert "榆次区" in table and "未报送" in table and "2025-11-07 16:30" in table
    buttons = text(by_id(page, "data-status-remind-buttons"))
    assert "催报 榆次区" in buttons and "催报 和顺县" in buttons and "祁县" not in buttons
    monkeypatch.setattr(loop, "viewer", lambda: Viewer("admin", "admin"))  # an admin sees, does not issue
    assert "催报 榆次区" not in text(data_status.layout(region="140700"))


def test_a_remind_is_a_numbered_audited_document_in_the_countys_inbox(leader_pages, demo_wh, tmp_path, monkeypatch):
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from pages import _loop as loop
    from pages import data_status, inbox

    store = Store(tmp_path / "access.sqlite")
    monkeypatch.setattr(loop, "store", lambda: store)
    monkeypatch.setattr(loop, "viewer", lambda: SUPERVISOR)
    monkeypatch.setattr(reminders.files, "documents_dir", lambda _path: tmp_path / "documents")
    prop = '{"county":"140702","type":"data-status-remind"}.n_clicks'
    token = context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
    try:
        said = text(data_status.data_status_remind([None, 1], {"region": "140700"}, "t1"))
    finally:
        context_value.reset(token)
    assert "已下发 晋中物监督〔" in said and "榆次区住房和城乡建设局" in said
    (doc,) = register.documents(store, county="140702")
    assert doc.kind == "催报" and doc.cases == () and "问题线索" in doc.demand and "2025-10" in doc.demand
    assert "未按时报送1期台账的催报通知" in doc.title
    assert any("催报" in r["detail"] and "140702" in r["detail"] for r in store.audit_rows(limit=5))
    # the county officer finds it in 待办 and signs for it
    monkeypatch.setattr(loop, "viewer", lambda: YUCI)
    shown = text(inbox.document_card(doc, "zh"))
    assert "催报" in shown and doc.doc_no in shown
    # the board now says who was reminded
    monkeypatch.setattr(loop, "viewer", lambda: SUPERVISOR)
    assert f"已催报 {doc.doc_no}" in text(data_status.layout(region="140700"))


def test_remind_is_refused_to_a_county_officer_and_to_a_county_owing_nothing(demo_wh, tmp_path):
    store = Store(tmp_path / "access.sqlite")
    with pytest.raises(Refused):
        reminders.remind(store, demo_wh, YUCI, "140702", folder=tmp_path)
    with pytest.raises(WorkflowError, match="无需催报"):
        reminders.remind(store, demo_wh, SUPERVISOR, "140703", folder=tmp_path)  # 太谷区 sent both
    assert register.documents(store, county="140702") == []
