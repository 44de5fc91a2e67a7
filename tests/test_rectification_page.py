"""整改进度 /rectification on the demo warehouse, its callbacks called directly: the published
figures on the group cards, the region and the case group in the charts, the ageing at the
period's end, a drill-down reproduced from the URL (no phone numbers, 未匹配 communities kept),
the drill-down's export; and two checks of metrics/cases.py. (Moved from
tests/ui/test_rectification.py; the browser keeps the journeys: both languages, the case group
buttons, the county and community clicks, a chart's table and export.)"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from dash_tree import by_id, text, traces

Y2024 = {"region": "140700", "from": "2024-01-01", "to": "2024-12-29"}
TO_MAY = {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}
PHONE = re.compile(r"1[3-9]\d(\d{4}|\*{4})\d{4}")


@pytest.fixture
def rect(leader_pages):
    from pages import rectification

    return rectification


def card(rect, params, group: str) -> str:
    cards, _county = rect.rectification_summary(params)
    return text(by_id(cards, f"rectification-card-{group}"))


def test_campaign_year_2024_published_figures(rect):
    sweep, leads = card(rect, Y2024, "sweep"), card(rect, Y2024, "leads")
    assert "排查发现 511 / 排查已整改 511" in sweep and "100.00%" in sweep
    assert "线索受理 738 / 线索已整改 733" in leads and "99.32%" in leads


def test_campaign_to_date_published_figures(rect):
    sweep, complaints = card(rect, TO_MAY, "sweep"), card(rect, TO_MAY, "complaints")
    assert "排查发现 3,787 / 排查已整改 3,769" in sweep and "99.52%" in sweep
    assert "投诉受理 9,309 / 投诉办结 9,038" in complaints and "97.09%" in complaints


def test_the_case_group_narrows_the_cumulative_lines(rect):
    everything = traces(rect.rectification_cumulative(Y2024))
    leads = traces(rect.rectification_cumulative({**Y2024, "group": "leads"}))
    # the last point of the cumulative lines is the period's total: 线索 738 received, 733 rectified
    assert (leads[0]["y"][-1], leads[1]["y"][-1]) == (738, 733)
    assert everything[0]["y"][-1] > 738
    assert [t["name"] for t in everything] == ["累计受理", "累计整改（办结）"]


def test_region_filter_changes_the_county_chart(rect):
    counties = traces(rect.rectification_summary(Y2024)[1])[0]["y"]
    assert "榆次区" in counties and "介休市" in counties
    yuci = traces(rect.rectification_summary({**Y2024, "region": "140702"})[1])[0]["y"]
    assert set(yuci) == {"榆次区", "晋中开发区"}


def test_ageing_counts_open_cases_at_the_period_end(rect):
    figure = rect.rectification_ageing(Y2024)
    title = figure["layout"]["title"]["text"]
    assert title.startswith("2024-12-29")
    drawn = traces(figure)
    open_total = sum(sum(t["y"]) for t in drawn)
    overdue = sum(drawn[1]["y"])
    # the title and the drill-down's total row say the same as the bars
    assert f"未办结 {open_total:,}" in title and f"超期未办结 {overdue:,}" in title
    (total,) = rect.rectification_drill(Y2024)[1].dashGridOptions["pinnedBottomRowData"]
    assert (total["open_cases"], total["overdue_cases"]) == (open_total, overdue)


def test_a_county_drills_down_to_its_communities_which_add_up_to_its_row(rect):
    _crumbs, counties = rect.rectification_drill(Y2024)
    yuci = next(r for r in counties.rowData if r["unit_name"] == "榆次区")
    assert yuci["drill_key"] == "unit:140702"  # what a row click sends (rectification_drill_click)
    assert rect.rectification_drill_click({"rowId": "unit:140702"}, "?region=140700") == "?region=140700&unit=140702"
    crumbs, communities = rect.rectification_drill({**Y2024, "unit": "140702"})
    assert "榆次区" in text(by_id(crumbs, "rectification-crumb-unit"))
    (total,) = communities.dashGridOptions["pinnedBottomRowData"]
    counts = [k for k in yuci if k.startswith(("received_", "rectified_")) and not k.endswith("_main")]
    assert {k: total[k] for k in [*counts, "open_cases", "overdue_cases"]} == {
        k: yuci[k] for k in [*counts, "open_cases", "overdue_cases"]
    }
    assert sum(r["community_name"] == "一中家属院" for r in communities.rowData) == 1


def test_url_reproduces_a_drill_down_to_cases_without_phones(rect):
    params = {**TO_MAY, "unit": "140702", "community": "XQ1407020026", "group": "complaints"}
    crumbs, cases = rect.rectification_drill(params)
    assert "榆次区" in text(crumbs)
    assert "一中家属院" in text(by_id(crumbs, "rectification-crumb-community"))
    assert cases.id == "rectification-drill-grid" and len(cases.rowData) >= 1
    assert {r["source"] for r in cases.rowData} == {"投诉举报"}
    headers = [d["field"] for d in cases.columnDefs]
    assert "received_on" in headers and not any("phone" in h for h in headers)
    assert not PHONE.search(str(cases.rowData))
    assert by_id(rect.layout(**params), "rectification-group").value == "complaints"


def test_unknown_community_shows_as_unmatched(rect):
    _crumbs, communities = rect.rectification_drill({**Y2024, "unit": "140702"})
    row = next(r for r in communities.rowData if r["community_name"].startswith("未匹配"))
    community_id = re.fullmatch(r"未匹配（(XQ\d+)）", row["community_name"]).group(1)
    assert row["drill_key"] == f"community:{community_id}"
    crumbs, cases = rect.rectification_drill({**Y2024, "unit": "140702", "community": community_id})
    assert f"未匹配（{community_id}）" in text(by_id(crumbs, "rectification-crumb-community"))
    assert len(cases.rowData) >= 1


def test_drill_export_has_no_phone_column(rect):
    from openpyxl import load_workbook

    params = {**TO_MAY, "unit": "140702", "community": "XQ1407020026"}
    book = load_workbook(io.BytesIO(rect._sheet("drill")(params).xlsx()))
    shown = "\n".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "联系电话" not in shown and not PHONE.search(shown)
    assert "小区编号：XQ1407020026" in shown and "受理日期" in shown


# ---------------------------------------------------------------- metrics/cases.py on the demo warehouse


def test_communities_add_up_to_their_unit(demo_wh):
    from metrics import cases
    from metrics.filters import EVERYTHING, Filter

    f = Filter.from_query("140700", "2024-01-01", "2025-05-31")
    units = cases.unit_table(demo_wh, f, EVERYTHING).set_index("unit")
    counts = [c for c in units.columns if c.startswith(("received_", "rectified_")) and not c.endswith("_main")] + [
        "open_cases",
        "overdue_cases",
    ]
    for unit in units.index:
        communities = cases.community_table(demo_wh, f, EVERYTHING, unit)
        assert communities[counts].sum().tolist() == units.loc[unit, counts].tolist(), unit


def test_working_days_skip_official_holidays(demo_wh):
    """Working days taken agree with chinese_calendar, across the National Day week and its make-up Saturday."""
    import chinese_calendar

    from metrics import cases
    from metrics.filters import EVERYTHING, Filter

    f = Filter.from_query("140700", "2024-09-20", "2024-10-20")
    checked = 0
    for unit in ("140702", "140781", "140728"):
        rows = cases.case_list(demo_wh, f, EVERYTHING, unit)
        for r in rows.itertuples():
            received = r.received_on.date() if hasattr(r.received_on, "date") else r.received_on
            until = r.closed_on if r.closed_on is not None and r.closed_on == r.closed_on else dt.date(2024, 10, 20)
            until = until.date() if hasattr(until, "date") else until
            expected = (
                len(chinese_calendar.get_workdays(received + dt.timedelta(days=1), until)) if until > received else 0
            )
            assert r.workdays == expected, (r.case_id, received, until)
            checked += 1
    assert checked > 50
