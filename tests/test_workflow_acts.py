"""The loop's acts on the demo warehouse (workflow/desk.py), each in a store of its own: a 督办函
issued for two overdue cases of 榆次区 is one numbered document, its .docx read back and its PDF
drawn (the Chinese in an embedded CJK font); the deadline counts the official calendar across the
2025 Spring Festival; the county signs, replies, asks for more time and the supervisor decides;
another county's officer, an admin and a county officer deciding are refused and audited; the
app's steps join the ledger's in the counts and the case's trail (metrics/app_trail.py)."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess

import pytest
from docx import Document as Docx

from metrics import app_trail, case_trail
from metrics import escalations as esc
from metrics.filters import Filter, Scope
from security.roles import Viewer
from security.store import Store
from workflow import desk, downloads, register
from workflow.letters import LetterError

SUPERVISOR = Viewer("supervisor", "supervisor")
YUCI = Viewer("county_140702", "county", "140702")
TAIGU = Viewer("county_140703", "county", "140703")
FESTIVAL_EVE = dt.date(2025, 1, 24)  # Friday; 28 Jan – 4 Feb 2025 off, Sunday 26 Jan and Saturday 8 Feb worked


@pytest.fixture
def loop(tmp_path, demo_wh, monkeypatch):
    """A store and documents folder of this test's own; the metrics read its steps."""
    store = Store(tmp_path / "access.sqlite")
    folder = tmp_path / "documents"
    monkeypatch.setattr(app_trail, "_source", lambda ids: register.trail_steps(store, ids))
    return store, folder


@pytest.fixture(scope="module")
def overdue_yuci(demo_wh) -> list[str]:
    """Two open cases of 榆次区 (140702 itself) past their deadline."""
    rows = esc.open_cases(
        demo_wh, Filter.from_query("140702", None, None), Scope(None, True), overdue_only=True, limit=None
    )
    return list(rows[rows["county"] == "140702"]["case_id"][:2])


def issue(loop, demo_wh, cases, kind="督办函", days=5, today=FESTIVAL_EVE, **more):
    store, folder = loop
    return desk.issue(
        store, demo_wh, SUPERVISOR, kind, cases, days, "请逐件整改到位", today=today, folder=folder, **more
    )


def test_a_supervision_letter_is_one_numbered_document_read_back_from_docx_and_pdf(loop, demo_wh, overdue_yuci):
    store, folder = loop
    (doc,) = issue(loop, demo_wh, overdue_yuci)
    assert doc.doc_no == "晋中物监督〔2025〕1号" and doc.county == "140702"
    assert doc.deadline == dt.date(2025, 2, 7)  # 5 working days, the Spring Festival skipped
    assert [c.case_id for c in doc.cases] == overdue_yuci
    # the .docx: number, addressee, demand, deadline, the cases in the attachment
    name, data = downloads.document_file(store, SUPERVISOR, doc.id, "docx", folder)
    assert name == "晋中物监督〔2025〕1号.docx"
    word = Docx(io.BytesIO(data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "晋中市物业服务管理专项整治工作专班" in text and "晋中物监督〔2025〕1号" in text
    assert "关于榆次区2件物业服务问题线索的督办函" in text
    assert "榆次区住房和城乡建设局：" in text and "请逐件整改到位" in text
    assert "请于2025年2月7日前（5个工作日内" in text and "2025年1月24日" in text
    cells = [c.text for row in word.tables[0].rows for c in row.cells]
    assert all(any(case in c for c in cells) for case in overdue_yuci)
    assert any("提醒函" in c for c in cells)  # the trail so far
    # the PDF: the same text, in an embedded Chinese font, drawn to PNG
    _, pdf = downloads.document_file(store, SUPERVISOR, doc.id, "pdf", folder)
    path = folder / "check.pdf"
    path.write_bytes(pdf)
    extracted = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "晋中物监督〔2025〕1号" in extracted and "榆次区住房和城乡建设局" in extracted
    assert all(case in extracted for case in overdue_yuci)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and " yes " in fonts  # embedded, not the viewer's guess
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(folder / "page")], check=True)
    from PIL import Image

    page = Image.open(folder / "page-1.png").convert("RGB")
    top = page.crop((0, 0, page.width, page.height // 6)).tobytes()
    red = sum(1 for i in range(0, len(top), 3) if top[i] > 150 and top[i + 1] < 80)
    assert red > 200  # the issuing body in red over its red rule
    # the files: written once, owner-only, as registered
    for stored in (doc.docx_file, doc.pdf_file):
        assert os.stat(folder / stored).st_mode & 0o777 == 0o600


def test_a_file_changed_on_disk_is_refused(loop, demo_wh, overdue_yuci):
    store, folder = loop
    (doc,) = issue(loop, demo_wh, overdue_yuci[:1])
    (folder / doc.pdf_file).write_bytes(b"%PDF-1.7 forged")
    with pytest.raises(LetterError, match="校验值"):
        downloads.document_file(store, SUPERVISOR, doc.id, "pdf", folder)


def test_without_a_chinese_font_nothing_is_issued_and_the_reason_is_said(loop, demo_wh, overdue_yuci, monkeypatch):
    store, _ = loop
    monkeypatch.setenv("LETTER_FONT", "/nonexistent/font.ttc")
    with pytest.raises(LetterError, match="字体文件 /nonexistent/font.ttc 不存在"):
        issue(loop, demo_wh, overdue_yuci)
    monkeypatch.delenv("LETTER_FONT")
    from workflow import letters_pdf

    monkeypatch.setattr(letters_pdf, "CANDIDATES", ())
    with pytest.raises(LetterError, match="fonts-noto-cjk"):
        issue(loop, demo_wh, overdue_yuci)
    monkeypatch.undo()
    assert issue(loop, demo_wh, overdue_yuci)[0].doc_no == "晋中物监督〔2025〕1号"  # no number was taken


def test_a_form_sent_twice_issues_once(loop, demo_wh, overdue_yuci):
    issue(loop, demo_wh, overdue_yuci, token="form-1")
    with pytest.raises(desk.WorkflowError, match="请勿重复提交"):
        issue(loop, demo_wh, overdue_yuci, token="form-1")
    assert issue(loop, demo_wh, overdue_yuci, token="form-2")[0].doc_no == "晋中物监督〔2025〕2号"


def test_what_cannot_be_issued_says_why(loop, demo_wh, overdue_yuci):
    store, folder = loop
    for who in (Viewer("admin", "admin"), YUCI):
        with pytest.raises(desk.Refused):
            desk.issue(store, demo_wh, who, "督办函", overdue_yuci, 5, "请整改", folder=folder)
    with pytest.raises(desk.Refused, match="请先登录"):  # no one signed in: refused, not a crash
        desk.issue(store, demo_wh, None, "督办函", overdue_yuci, 5, "请整改", folder=folder)
    with pytest.raises(desk.WorkflowError, match="不存在或不在您的范围内"):
        issue(loop, demo_wh, ["NO-SUCH-CASE"])
    with pytest.raises(desk.WorkflowError, match="1 到 60 个工作日"):
        issue(loop, demo_wh, overdue_yuci, days="3.5")
    closed = demo_wh.rows(
        "SELECT case_id FROM cases WHERE status IN ('已办结', '已整改') AND county = '140702' LIMIT 1"
    )
    with pytest.raises(desk.WorkflowError, match="已办结"):
        issue(loop, demo_wh, [closed[0][0]])
    assert store.audit_rows(5, event_name="forbidden")


def test_the_county_answers_its_own_items_only_and_the_issuer_decides(loop, demo_wh, overdue_yuci):
    store, _ = loop
    (doc,) = issue(loop, demo_wh, overdue_yuci)
    first, second = overdue_yuci
    day = dt.date(2025, 2, 5)
    with pytest.raises(desk.Refused, match="本县"):
        desk.sign(store, TAIGU, doc.id, today=day)  # another county's officer
    with pytest.raises(desk.Refused):
        desk.reply(store, TAIGU, doc.id, first, "代为回复", today=day)
    with pytest.raises(desk.WorkflowError, match="请先签收"):
        desk.reply(store, YUCI, doc.id, first, "已整改", today=day)
    desk.sign(store, YUCI, doc.id, today=day)
    with pytest.raises(desk.WorkflowError, match="已于 2025-02-05 由 county_140702 签收"):
        desk.sign(store, YUCI, doc.id, today=day)
    desk.reply(store, YUCI, doc.id, first, "已约谈企业，违规收费已清退", today=day)
    with pytest.raises(desk.WorkflowError, match="晚于现办理时限 2025-02-07"):
        desk.ask_extension(store, YUCI, doc.id, second, "需协调", "2025-02-06", today=day)
    with pytest.raises(desk.WorkflowError, match="已回复"):
        desk.ask_extension(store, YUCI, doc.id, first, "需协调", "2025-02-20", today=day)
    desk.ask_extension(store, YUCI, doc.id, second, "需协调开发商维修", "2025-02-28", today=day)
    with pytest.raises(desk.WorkflowError, match="待审批"):
        desk.ask_extension(store, YUCI, doc.id, second, "再延", "2025-03-10", today=day)
    with pytest.raises(desk.Refused):
        desk.decide(store, YUCI, doc.id, second, True, today=day)  # a county does not grant itself time
    done = desk.decide(store, SUPERVISOR, doc.id, second, True, today=dt.date(2025, 2, 6))
    assert done.case(second).deadline == dt.date(2025, 2, 28) and done.case(second).asked is None
    assert done.case(first).replied and done.case(first).deadline == dt.date(2025, 2, 7)
    with pytest.raises(desk.WorkflowError, match="没有待审批"):
        desk.decide(store, SUPERVISOR, doc.id, second, False, today=dt.date(2025, 2, 6))
    desk.ask_extension(store, YUCI, doc.id, second, "开发商仍未到场", "2025-03-31", today=dt.date(2025, 2, 27))
    refused = desk.decide(store, SUPERVISOR, doc.id, second, False, "理由不充分", today=dt.date(2025, 2, 28))
    assert refused.case(second).deadline == dt.date(2025, 2, 28)  # the extension granted before still holds
    assert (refused.case(second).decided.step, refused.case(second).decided.text) == ("extension_refused", "理由不充分")
    assert [s.action for s in register.trail_steps(store, [second])][-2:] == ["延期申请", "不同意延期"]
    events = [r["event"] for r in store.audit_rows(50)]
    for event in (
        "doc_issue",
        "doc_sign",
        "doc_reply",
        "doc_extension_ask",
        "doc_extension_grant",
        "doc_extension_refuse",
        "forbidden",
    ):
        assert event in events
    assert store.verify_audit().ok
    assert [d.id for d in register.documents(store, county="140703")] == []
    assert [d.id for d in register.documents(store, county="140702")] == [doc.id]


def test_the_apps_steps_join_the_ledgers_in_the_counts_and_the_trail(loop, demo_wh, overdue_yuci):
    store, _ = loop
    f = Filter.from_query("140702", None, None)
    before = esc.escalation_counts(demo_wh, f, Scope(None))
    listed = esc.open_cases(demo_wh, f, Scope(None), limit=None).set_index("case_id")["escalations"]
    (doc,) = issue(loop, demo_wh, overdue_yuci)
    desk.sign(store, YUCI, doc.id, today=dt.date(2025, 2, 5))
    desk.reply(store, YUCI, doc.id, overdue_yuci[0], "已整改", today=dt.date(2025, 2, 5))
    after = esc.escalation_counts(demo_wh, f, Scope(None))
    assert after["supervision"] == before["supervision"] + 2  # one per case, as the ledger writes them
    assert after["issued_in_app"] == before["issued_in_app"] + 2 == 2
    assert esc.escalation_counts(demo_wh, Filter.from_query("140703", None, None), Scope(None))["issued_in_app"] == 0
    now_listed = esc.open_cases(demo_wh, f, Scope(None), limit=None).set_index("case_id")["escalations"]
    assert all(now_listed[c] == listed[c] + 1 for c in overdue_yuci)
    trail = case_trail.case_timeline(demo_wh, overdue_yuci[0], Scope(None))
    app = trail[trail["origin"] == "系统"]
    assert list(app["action"]) == ["督办函", "签收", "整改回复"]
    assert set(trail["origin"]) == {"台账", "系统"}
    assert app["note"].str.contains("晋中物监督〔2025〕1号").all()
    assert "晋中市物业服务管理专项整治工作专班" in set(app["organ"])


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_a_reply_takes_photos_and_pdf_told_by_their_content(loop, demo_wh, overdue_yuci, monkeypatch):
    from workflow import attachments, downloads

    store, folder = loop
    (doc,) = issue(loop, demo_wh, overdue_yuci)
    desk.sign(store, YUCI, doc.id, today=FESTIVAL_EVE)
    first, second = overdue_yuci
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    refused = {
        "一个程序.jpg": b"MZ\x90\x00" + b"\x00" * 64,  # a program renamed: refused by its content
        "坏图.png": b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,  # a PNG's first bytes, not an image
        "说明.txt": "整改完成".encode(),
    }
    for name, data in refused.items():
        with pytest.raises(desk.WorkflowError, match=f"附件“{name}”不是 JPG、PNG 图片或 PDF"):
            desk.reply(store, YUCI, doc.id, first, "已整改", [(name, data)], today=FESTIVAL_EVE, folder=folder)
    with pytest.raises(desk.WorkflowError, match="附件最多 5 个"):
        desk.reply(store, YUCI, doc.id, first, "已整改", [("p.png", _png())] * 6, today=FESTIVAL_EVE, folder=folder)
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_MB", 0.00001)  # 10 bytes
    with pytest.raises(desk.WorkflowError, match="超过"):
        desk.reply(store, YUCI, doc.id, first, "已整改", [("p.png", _png())], today=FESTIVAL_EVE, folder=folder)
    monkeypatch.undo()
    assert not register.documents(store, ids=[doc.id])[0].case(first).replied  # nothing refused was kept
    assert not (folder / "attachments").exists()
    photo = _png()
    done = desk.reply(
        store, YUCI, doc.id, first, "屋面已修复", [("../../现场照片.png", photo), ("验收单.pdf", pdf)],
        today=FESTIVAL_EVE, folder=folder,
    )  # fmt: skip
    files = done.case(first).replies[0].attachments
    assert [(a.name, a.kind, a.size) for a in files] == [
        ("现场照片.png", "png", len(photo)),
        ("验收单.pdf", "pdf", len(pdf)),
    ]
    assert all(os.stat(folder / a.file).st_mode & 0o777 == 0o600 for a in files)
    assert downloads.attachment_file(store, SUPERVISOR, files[0].id, folder) == ("现场照片.png", photo)
    with pytest.raises(desk.Refused):
        downloads.attachment_file(store, TAIGU, files[1].id, folder)
    (note,) = [s.note for s in register.trail_steps(store, [first]) if s.action == "整改回复"]
    assert note.endswith("屋面已修复（附件 2 个）")
    assert "现场照片.png" in store.audit_rows(5, event_name="doc_reply")[0]["detail"]
