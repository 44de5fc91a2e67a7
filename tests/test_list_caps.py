"""Long lists are cut in SQL, not after it (issue 17): the statement fetches the first ROW_CAP rows
and counts them all (`total`), the list says 列出前 … 行（共 … 行）, the chart beside it still counts
every row, and the export has them all."""

from __future__ import annotations

import io

import pytest
from dash_tree import by_id, text, traces
from openpyxl import load_workbook

from metrics import escalations as esc
from metrics.filters import EVERYTHING, Filter

CITY = {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}


@pytest.fixture
def page(leader_pages, monkeypatch):
    from pages import _escalations_rows, escalations

    monkeypatch.setattr(_escalations_rows, "ROW_CAP", 2)  # the demo's city has 5 referrals
    return escalations


def test_the_referrals_query_fetches_its_first_rows_and_counts_them_all(demo_wh):
    f = Filter.from_query(CITY["region"], CITY["from"], CITY["to"])
    every = esc.referrals(demo_wh, f, EVERYTHING)
    first = esc.referrals(demo_wh, f, EVERYTHING, limit=2)
    assert len(every) == 5 and len(first) == 2
    assert set(first["total"]) == set(every["total"]) == {5}
    assert first.drop(columns="total").equals(every.drop(columns="total").head(2))  # the latest first, as in full
    summary = esc.referral_summary(demo_wh, f, EVERYTHING)
    assert summary["referrals"].sum() == 5
    counted = every.groupby(["referral", "organ", "outcome"]).size()
    assert summary.set_index(["referral", "organ", "outcome"])["referrals"].to_dict() == counted.to_dict()


def test_the_referral_list_shows_its_first_rows_the_chart_and_the_export_all(page):
    chart, referrals, _accountability = page.escalations_referrals(CITY)
    grid = by_id(referrals, "escalations-referrals-grid")
    assert len(grid.rowData) == 2
    assert "列出前 2 行（共 5 行）" in text(referrals)
    assert sum(sum(t["x"]) for t in traces(chart)) == 5  # the chart counts every referral
    book = load_workbook(io.BytesIO(page._sheet("referrals")(CITY).xlsx()))
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    exported = cells[cells.index([d["headerName"] for d in grid.columnDefs]) + 1 :]
    assert len(exported) == 5  # the export has them all
    fields = [d["field"] for d in grid.columnDefs]
    assert exported[:2] == [[r.get(f) for f in fields] for r in grid.rowData]


def test_the_accountability_list_is_cut_the_same_way(page, demo_wh):
    f = Filter.from_query(None, None, None)
    every = esc.accountability(demo_wh, f, EVERYTHING)
    assert len(every) == 3 and set(every["total"]) == {3}
    _chart, _referrals, accountable = page.escalations_referrals({})
    assert len(by_id(accountable, "escalations-accountability-grid").rowData) == 2
    assert "列出前 2 行（共 3 行）" in text(accountable)
