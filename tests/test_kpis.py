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
