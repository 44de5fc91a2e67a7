"""督办's 下发与回复 and the county's 待办 /inbox, their callbacks called directly on the demo
warehouse (the `leader_pages` pattern) with the viewer switched between the supervisor and two
county officers, and a store of the test's own: ticked cases issued as one 督办函 whose counts,
documents and trail follow each act; the county signs, replies and asks for more time; another
county's officer is refused (and sees nothing); the supervisor grants the extension."""

from __future__ import annotations

import base64
import datetime as dt

import dash
from dash import no_update
from dash_tree import by_id, card_value, text, walk

from metrics import escalations as esc
from metrics.deadlines import add_workdays, workdays_between
from metrics.filters import Filter, Scope
from security.roles import Viewer, may_open
from tests.test_workflow_acts import _png
from vocab.workflow import DEMANDS

SUPERVISOR = Viewer("supervisor", "supervisor")
YUCI = Viewer("county_140702", "county", "140702")
TAIGU = Viewer("county_140703", "county", "140703")
TODAY = dt.date(2025, 1, 24)
PARAMS = {"region": "140702", "overdue": "1"}


def test_issue_answer_and_decide_through_the_pages(as_viewer, demo_wh):
    from pages import _escalations_loop as issuing
    from pages import escalations, inbox

    # the supervisor ticks two overdue cases of 榆次区 in the open list
    _title, _note, grid = escalations.escalations_open(PARAMS)
    assert grid.dashGridOptions["rowSelection"] == {"mode": "multiRow"}
    rows = [r for r in grid.rowData if r["unit_name"] == "榆次区"][:2]
    ids = [r["case_id"] for r in rows]
    # (ticking them: assets/trail.js `selection`, walked in tests/ui/test_loop.py)
    is_open, cases, listed, _result, token, disabled = issuing.escalations_issue_open(1, ids, PARAMS)
    assert is_open and cases == ids and "、".join(ids) in text(listed) and token and not disabled
    assert issuing.escalations_issue_kind("督办函") == (10, DEMANDS["督办函"])
    due = add_workdays(demo_wh, TODAY, 10)
    assert (
        issuing.escalations_issue_deadline(10, PARAMS) == f"办理期限至 {due}（10 个工作日，按国家法定节假日安排计算）"
    )
    before = escalations.escalations_counts(PARAMS)
    result, counter, disabled = issuing.escalations_issue_submit(
        1, "督办函", 10, DEMANDS["督办函"], ids, token, 0, PARAMS
    )
    assert "晋中物监督〔2025〕1号" in text(result) and counter == 1 and disabled
    again, *_ = issuing.escalations_issue_submit(2, "督办函", 10, DEMANDS["督办函"], ids, token, 1, PARAMS)
    assert "请勿重复提交" in text(again)
    # the counts, the documents and the document's cases follow
    after = escalations.escalations_counts(PARAMS, 1)
    assert (
        int(card_value(after, "escalations-count-supervision").replace(",", ""))
        == int(card_value(before, "escalations-count-supervision").replace(",", "")) + 2
    )
    assert card_value(after, "escalations-count-issued_in_app") == "2"
    docs_grid, line = issuing.escalations_documents(PARAMS, 1)
    (doc_row,) = by_id(docs_grid, "escalations-documents-grid").rowData
    assert doc_row["doc_no"] == "晋中物监督〔2025〕1号" and doc_row["doc_signed"] == "未签收"
    assert line == "共 1 份文书、2 件次线索；待签收 1 份，已回复 0 件，延期待批 0 件"
    doc_id = issuing.escalations_document_pick({"rowId": doc_row["doc_id"]})
    assert "待回复" in text(issuing.escalations_document_detail(doc_id, 1, PARAMS))

    # the county officer of 榆次区: his inbox, with the working days left; sign, reply, ask for time
    as_viewer(YUCI)
    body, inbox_line = inbox.inbox_body({}, 0)
    left = workdays_between(demo_wh, TODAY, due)
    assert f"办理期限 {due}，剩余 {left} 个工作日" in text(body)
    assert inbox_line == "共 1 份文书；待签收 1 份，待回复 2 件，延期待批 0 件"
    message, counter = inbox.sign_clicked({"doc": doc_id}, 0, "zh")
    assert text(message) == "已签收 晋中物监督〔2025〕1号" and counter == 1
    photo = "data:image/png;base64," + base64.b64encode(_png()).decode()
    message, _ = inbox.reply_clicked(
        {"doc": doc_id, "case": ids[0]}, "已整改", 1, "zh", ["data:image/png;base64,!"], ["x.png"]
    )
    assert "附件“x.png”没有完整上传" in text(message)
    message, counter = inbox.reply_clicked(
        {"doc": doc_id, "case": ids[0]}, "已约谈企业，费用已清退", 1, "zh", [photo], ["现场.png"]
    )
    assert "已提交整改情况" in text(message)
    message, counter = inbox.ask_clicked({"doc": doc_id, "case": ids[1]}, "需协调开发商", "2025-03-14", 2, "zh")
    assert "已提交延期申请" in text(message) and counter == 3
    filename = inbox.loop.send_file({"doc": doc_id, "fmt": "pdf"}, "zh")[0]["filename"]
    assert filename == "晋中物监督〔2025〕1号.pdf"

    # another county's officer sees none of it and is refused what he sends
    as_viewer(TAIGU)
    assert text(inbox.inbox_body({}, 0)[0]) == "暂无下发给本县（市、区）的文书"
    refused, counter = inbox.sign_clicked({"doc": doc_id}, 0, "zh")
    assert "无权办理" in text(refused) and counter is no_update
    download, refusal = inbox.loop.send_file({"doc": doc_id, "fmt": "docx"}, "zh")
    assert download is no_update and "无权办理" in text(refusal)
    assert "无权办理" in text(issuing.issue_clicked("督办函", 5, "请整改", ids, "t2", 0, "zh")[0])

    # the supervisor: both answers in the trails and the document; he grants the extension
    as_viewer(SUPERVISOR)
    detail = issuing.escalations_document_detail(doc_id, 3, PARAMS)
    assert "已回复（2025-01-24）：已约谈企业，费用已清退" in text(detail) and "📎 现场.png" in text(detail)
    button = next(
        c for c in walk(detail) if isinstance(getattr(c, "id", None), dict) and c.id["type"] == "escalations-attachment"
    )
    assert issuing.loop.send_attachment(button.id)[0]["filename"] == "现场.png"
    assert "已申请延期至 2025-03-14，待审批：需协调开发商" in text(detail)
    message, counter = issuing.decide_clicked({"doc": doc_id, "case": ids[1], "verdict": "grant"}, 3, "zh")
    assert text(message) == "已同意延期（晋中物监督〔2025〕1号）" and counter == 4
    assert "同意延期至 2025-03-14" in text(issuing.escalations_document_detail(doc_id, 4, PARAMS))
    _title, trail = escalations.escalations_timeline({**PARAMS, "case": ids[1]})
    steps = [(r["origin"], r["action"]) for r in by_id(trail, "escalations-timeline-grid").rowData]
    assert [a for o, a in steps if o == "系统"] == ["督办函", "签收", "延期申请", "同意延期"]
    assert ("台账", "转办") in steps
    # the wall's and the overview's counts are the same metric: they include the app's letters
    counts = esc.escalation_counts(demo_wh, Filter.from_query("140702", None, None), Scope(None), with_cases=False)
    assert counts["issued_in_app"] == 2


def test_only_county_officers_open_the_inbox_and_only_issuers_tick_cases(as_viewer):
    from pages import escalations

    page = next(p for p in dash.page_registry.values() if p["path"] == "/inbox")
    assert may_open(page, YUCI)
    assert not any(may_open(page, Viewer(r, r)) for r in ("leader", "supervisor", "admin"))
    as_viewer(YUCI)
    assert "rowSelection" not in escalations.escalations_open(PARAMS)[2].dashGridOptions
    as_viewer(Viewer("leader", "leader"))
    assert escalations.escalations_open(PARAMS)[2].dashGridOptions["rowSelection"] == {"mode": "multiRow"}
