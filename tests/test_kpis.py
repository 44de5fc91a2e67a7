"""KPI changes against the previous period: which period, and only where the data cover it."""

from __future__ import annotations

import datetime as dt

from etl.pipeline import load_files
from metrics import kpis
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter

D = dt.date
HEADER = ["编号", "来源", "问题类别", "县区", "受理日期", "整改时限", "状态", "办结日期"]


def test_previous_period_is_as_many_whole_months_or_else_as_many_days():
    assert Filter(start=D(2024, 7, 1), end=D(2024, 12, 31)).previous() == Filter(
        start=D(2024, 1, 1), end=D(2024, 6, 30)
    )
    assert Filter(start=D(2024, 3, 1), end=D(2024, 3, 31)).previous() == Filter(start=D(2024, 2, 1), end=D(2024, 2, 29))
    assert Filter(start=D(2024, 3, 15), end=D(2024, 4, 14)).previous() == Filter(
        start=D(2024, 2, 13), end=D(2024, 3, 14)
    )
    assert Filter(start=D(2024, 1, 1)).previous() is None


def test_no_change_is_given_against_a_period_the_ledger_does_not_cover(clerk, warehouse):
    rows = [
        ["A1", "排查", "其他", "榆次区", "2024-01-10", "2024-01-20", "办理中", ""],  # open, overdue from 01-21
        ["A2", "排查", "其他", "榆次区", "2024-08-10", "2024-08-20", "已整改", "2024-08-15"],
        ["A3", "排查", "其他", "榆次区", "2024-09-10", "2024-09-20", "办理中", ""],
    ]
    load_files([clerk.csv("cases.csv", HEADER, rows, title="问题线索台账")], warehouse)
    wh = Warehouse(warehouse)
    # the ledger begins 2024-01-10: the first half of 2024 has no previous period to compare with
    first = kpis.compute(
        wh, ["overdue_cases", "rectification_rate"], Filter(start=D(2024, 1, 1), end=D(2024, 6, 30)), EVERYTHING
    )
    assert first["overdue_cases"].value == 1 and first["overdue_cases"].change is None
    # the second half compares with the first (2024-01-01…06-30 starts before the ledger's 01-10: not covered)
    second = kpis.compute(wh, ["overdue_cases"], Filter(start=D(2024, 7, 1), end=D(2024, 12, 31)), EVERYTHING)
    assert second["overdue_cases"].change is None
    # from February on, the previous month is covered and the change is given
    march = kpis.compute(wh, ["overdue_cases"], Filter(start=D(2024, 3, 1), end=D(2024, 3, 31)), EVERYTHING)
    assert march["overdue_cases"].previous == 1 and march["overdue_cases"].change == 0


def test_the_catalogues_facts_read_the_published_file_alone_so_a_views_values_are_kept_per_version(
    demo_wh, monkeypatch
):
    """`kpis.compute`, `to_date` and `scorecard` are kept per published version, filter, scope and
    rule files (`Warehouse.kept`, `kpis.rules_key`). That holds only while every facts function of
    the catalogue reads nothing else: the app's own steps (metrics/app_trail.py, in the access
    store) change between publishes. A facts function that read them would be served stale
    values: this fails."""
    from metrics import app_trail

    asked = []
    monkeypatch.setattr(app_trail, "_source", lambda case_ids=None: asked.append(case_ids) or [])
    f = Filter("140700", D(2025, 1, 1), D(2025, 5, 31))
    for name in sorted({k.facts for k in kpis.CATALOGUE}):
        kpis.facts_fn(name)(demo_wh, f, EVERYTHING)
    assert asked == []
    # and the kept values are the caller's own: changing one changes nothing for the next caller
    first = kpis.compute(demo_wh, ["rectification_rate"], f, EVERYTHING)
    first.clear()
    assert kpis.compute(demo_wh, ["rectification_rate"], f, EVERYTHING)["rectification_rate"].value is not None
    table = kpis.scorecard(demo_wh, ["rectification_rate"], f, EVERYTHING)
    table.loc[:, "rectification_rate"] = -1.0
    assert (kpis.scorecard(demo_wh, ["rectification_rate"], f, EVERYTHING)["rectification_rate"] != -1.0).all()


def test_a_value_kept_for_a_view_is_computed_afresh_when_the_deadline_rules_change(demo_wh, tmp_path, monkeypatch):
    """Overdue cases depend on the deadline rules (data/deadline_rules.csv), which an admin edits
    without a publish: a value kept for a view is computed again from the facts once the file
    changes, and kept again after."""
    from metrics import facts

    read = []
    case_facts = facts.case_facts
    monkeypatch.setattr(facts, "case_facts", lambda *a: read.append(1) or case_facts(*a))
    f = Filter("140700", D(2024, 2, 1), D(2024, 11, 29))  # a view no other test asks for
    kpis.compute(demo_wh, ["overdue_cases"], f, EVERYTHING, with_previous=False)
    kpis.compute(demo_wh, ["overdue_cases"], f, EVERYTHING, with_previous=False)
    assert len(read) == 1  # kept: the second viewer's values come without the facts
    rules = tmp_path / "rules.csv"
    rules.write_text("source,category,working_days\n*,*,365\n", encoding="utf-8")
    monkeypatch.setenv("DEADLINE_RULES", str(rules))
    kpis.compute(demo_wh, ["overdue_cases"], f, EVERYTHING, with_previous=False)
    kpis.compute(demo_wh, ["overdue_cases"], f, EVERYTHING, with_previous=False)
    assert len(read) == 2  # the rules changed: computed again, once
