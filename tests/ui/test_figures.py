"""The scorecard in a real browser (issue 14): every row shows for every region choice at a
small viewport, a county without rows reads 无数据 in grey, a county officer sees his standing."""

from __future__ import annotations

from playwright.sync_api import expect

ROWS_FIT = """() => {
    const grid = document.querySelector('#overview-scorecard .ag-root-wrapper');
    const body = document.querySelector('#overview-scorecard .ag-body-viewport');
    const box = grid.getBoundingClientRect();
    const rows = [...document.querySelectorAll('#overview-scorecard .ag-center-cols-container .ag-row')];
    return {rows: rows.length, scrolls: body.scrollHeight > body.clientHeight + 1,
            inside: rows.every(r => { const b = r.getBoundingClientRect(); return b.top >= box.top && b.bottom <= box.bottom; })};
}"""


def test_the_scorecard_shows_every_row_and_no_data_as_无数据(page_as):
    leader = page_as("leader")
    leader.page.set_viewport_size({"width": 1280, "height": 720})
    for region, n in (("140722", 1), ("140700", 12)):
        leader.open(f"/?region={region}").scroll_to("#overview-scorecard")
        expect(leader.page.locator("#overview-scorecard .ag-center-cols-container .ag-row")).to_have_count(n)
        assert leader.page.evaluate(ROWS_FIT) == {"rows": n, "scrolls": False, "inside": True}, region
    leader.open("/?region=140100").scroll_to("#overview-scorecard")  # 太原市: 阳曲县 has communities, no cases
    cell = leader.page.locator("#overview-scorecard .ag-row [col-id='overdue_cases']").first
    expect(cell).to_have_text("无数据")
    assert "no-data" in cell.get_attribute("class")
    expect(leader.page.locator("#kpi-overdue_cases .kpi-value")).to_have_text("无数据")

    officer = page_as("county")
    officer.open("/?region=140702").scroll_to("#overview-scorecard")
    standing = officer.page.locator("#overview-standing")
    expect(standing).to_contain_text("本县在全市各县（市、区）中的位置")
    overdue = standing.locator("tr", has_text="超期未办结")
    expect(overdue).to_contain_text("11 / 11")  # 榆次区 has the most overdue cases of 晋中: last, not first
    expect(standing).not_to_contain_text("平遥县")
    expect(officer.page.locator("#overview-scorecard .ag-header-cell[col-id='rank']")).to_have_count(0)
