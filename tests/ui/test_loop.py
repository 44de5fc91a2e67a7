"""The loop of 督办 in a real browser, on a copy of the demo with its own access store: the
supervisor ticks two overdue cases of 榆次区 (140702) and issues a 督办函; the county officer
(county_140702) sees it in 待办 with its working days left, signs for it, replies to one case and
asks for more time on the other; the supervisor reads both in the cases' trails, grants the
extension, and the 督办 counts have moved by the letter's two cases; the .docx and the PDF
downloaded open; then, on 数据状态, the supervisor sends 榆次区 a 催报 for its missing October
report, which the officer finds at the top of 待办. The acts, refusals and documents are tested directly in
tests/test_workflow_acts.py and tests/test_loop_pages.py."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from etl.clock import beijing_now
from metrics.db import Warehouse
from metrics.deadlines import add_workdays
from tests.test_workflow_acts import _png as tiny_png

from .conftest import CONTEXT, Page, Server, login
from .test_escalations import click_row, grid


@pytest.fixture
def loop_server(own_warehouse):
    srv = Server(own_warehouse).start()
    yield srv
    srv.stop()


def signed_in(browser, server, user: str) -> Page:
    context = browser.new_context(**CONTEXT, accept_downloads=True)
    page = context.new_page()
    login(page, server.url, user)
    return Page(page, server.url)


def tile(page: Page, key: str) -> int:
    return int(page.text(f"#escalations-count-{key} .kpi-value").replace(",", ""))


def test_supervisor_issues_county_answers_supervisor_grants(browser, loop_server):
    today = beijing_now().date()
    due = add_workdays(Warehouse(loop_server.warehouse), today, 10)
    number = f"晋中物监督〔{today.year}〕1号"
    boss = signed_in(browser, loop_server, "supervisor")
    boss.open("/escalations?region=140702&overdue=1")
    supervision = tile(boss, "supervision")
    # tick two overdue cases of 榆次区 itself, and issue a 督办函 on them
    fields, _headers, rows = grid(boss, "escalations-open-grid")
    picked = [i for i, r in enumerate(rows) if r[fields.index("unit_name")] == "榆次区"][:2]
    cases = [rows[i][fields.index("case_id")] for i in picked]
    for i in picked:
        boss.page.evaluate(
            f"async () => (await dash_ag_grid.getApiAsync('escalations-open-grid')).ensureIndexVisible({i})"
        )
        boss.settle()  # the sections the scroll brought near are drawn: nothing moves under the click
        box = boss.page.locator(
            f"#escalations-open-grid .ag-pinned-left-cols-container .ag-row[row-index='{i}'] .ag-checkbox-input"
        )
        box.click()
        expect(box).to_be_checked()
    expect(boss.page.locator("#escalations-selected")).to_have_text("已选 2 件")
    boss.page.click("#escalations-issue-open")
    boss.page.get_by_label("督办函", exact=True).check()
    expect(boss.page.locator("#escalations-issue-deadline")).to_contain_text(f"办理期限至 {due}（10 个工作日")
    boss.page.click("#escalations-issue-submit")
    expect(boss.page.locator("#escalations-issued")).to_contain_text(f"{number}榆次区住房和城乡建设局，2 件")
    expect(boss.page.locator("#escalations-issue-submit")).to_be_disabled()  # a second click issues nothing
    expect(boss.page.locator("#escalations-count-supervision .kpi-value")).to_have_text(f"{supervision + 2:,}")

    # the county officer: 待办, the working days left; sign, reply to one, more time on the other
    county = signed_in(browser, loop_server, "county_140702")
    county.open("/inbox")
    card = county.page.locator("[id^='inbox-doc-']")
    expect(card).to_contain_text(number)
    expect(card).to_contain_text(f"办理期限 {due}，剩余 10 个工作日")
    county.page.get_by_role("button", name="签收").click()
    expect(county.page.locator("#inbox-message")).to_have_text(f"已签收 {number}")
    first, second = (county.page.locator(f"#inbox-case-{c}") for c in cases)
    first.locator("textarea").fill("已约谈物业企业，违规收取的费用已全部清退，业主签字确认。")
    first.locator("input[type=file]").set_input_files(
        [{"name": "现场.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    expect(first).to_contain_text("现场.png")
    first.get_by_role("button", name="提交整改情况").click()
    expect(county.page.locator(f"#inbox-state-{cases[0]}")).to_contain_text("已回复")
    until = due + dt.timedelta(days=14)
    second.get_by_placeholder("延期理由").fill("需协调开发商维修屋面，材料采购需时")
    second.locator("input[type=date]").fill(until.isoformat())
    second.get_by_role("button", name="申请延期").click()
    expect(county.page.locator(f"#inbox-state-{cases[1]}")).to_contain_text(f"已申请延期至 {until}，待审批")

    # the supervisor: both answers in the trails; he grants the extension
    boss.open(f"/escalations?region=140702&case={cases[0]}")
    expect(boss.page.locator("#escalations-timeline-grid")).to_contain_text("整改回复")
    expect(boss.page.locator("#escalations-timeline-grid")).to_contain_text("已约谈物业企业")
    boss.open(f"/escalations?region=140702&case={cases[1]}")
    expect(boss.page.locator("#escalations-timeline-grid")).to_contain_text("延期申请")
    boss.open("/escalations?region=140702")
    boss.page.locator("#escalations-documents").scroll_into_view_if_needed()  # drawn once scrolled near
    expect(boss.page.locator("#escalations-documents-line")).to_have_text(
        "共 1 份文书、2 件次线索；待签收 0 份，已回复 1 件，延期待批 1 件"
    )
    click_row(boss, "escalations-documents-grid")
    boss.page.locator(f"#escalations-doc-case-{cases[1]}").get_by_role("button", name="同意延期").click()
    expect(boss.page.locator("#escalations-decide-message")).to_have_text(f"已同意延期（{number}）")
    expect(boss.page.locator(f"#escalations-doc-case-{cases[1]}")).to_contain_text(f"同意延期至 {until}")
    expect(boss.page.locator(f"#escalations-doc-case-{cases[0]}")).to_contain_text("📎 现场.png")
    expect(boss.page.locator("#escalations-documents-line")).to_contain_text("延期待批 0 件")
    expect(boss.page.locator("#escalations-count-supervision .kpi-value")).to_have_text(f"{supervision + 2:,}")
    expect(boss.page.locator("#escalations-count-issued_in_app .kpi-value")).to_have_text("2")
    # the documents open: the .docx read back, the PDF a PDF
    for fmt, button in (("docx", "下载 Word"), ("pdf", "下载 PDF")):
        with boss.page.expect_download() as download:
            boss.page.locator("#escalations-document-view").get_by_role("button", name=button).click()
        data = open(download.value.path(), "rb").read()
        assert download.value.suggested_filename == f"{number}.{fmt}"
        if fmt == "pdf":
            assert data.startswith(b"%PDF")
        else:
            assert number in "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)
    # 数据状态: the board says 榆次区 has not sent its October report; 催报 lands in its 待办
    boss.open("/data?region=140700")
    expect(boss.page.locator("#data-status-reports-line")).to_contain_text("未报送 2 期")
    boss.page.get_by_role("button", name="催报 榆次区").click()
    reminder = f"晋中物监督〔{today.year}〕2号"
    expect(boss.page.locator("#data-status-remind-message")).to_have_text(
        f"已下发 {reminder}，送 榆次区住房和城乡建设局"
    )
    county.open("/inbox")
    expect(county.page.locator("[id^='inbox-doc-']").first).to_contain_text(reminder)
    expect(county.page.locator("[id^='inbox-doc-']").first).to_contain_text("未按时报送1期台账的催报通知")
    for p in (boss, county):
        assert not p.console_errors and not p.external
