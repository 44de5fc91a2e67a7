"""简报 /briefings, its callbacks called as the browser's requests would: a county officer writes
his May briefing on demand (once a day: the second click finds it), finds it listed and downloads
it; a leader is refused another user's briefing; an admin is told his role writes none."""

from __future__ import annotations

import datetime as dt

import dash
import pytest

from briefing import archive, charts
from security import web
from security.roles import Viewer
from security.store import Store
from tests.dash_tree import text

YUCI = Viewer("county_140702", "county", "140702")


@pytest.fixture
def page(leader_pages, copy_demo, tmp_path, monkeypatch):
    """The page with a store of its own (a copy of the demo's) and the viewer a test sets."""
    from pages import _loop as loop
    from pages import briefings

    store = Store.for_warehouse(copy_demo(tmp_path / "demo"))
    monkeypatch.setattr(loop, "store", lambda: store)
    monkeypatch.setattr(loop, "today", lambda: dt.date(2025, 6, 3))
    monkeypatch.setattr(charts, "draw", lambda cs: cs)  # the charts are tests/test_briefing.py's
    viewer = {"now": YUCI}
    monkeypatch.setattr(web, "current_viewer", lambda: viewer["now"])
    monkeypatch.setattr(loop, "viewer", lambda: viewer["now"])
    return briefings, viewer, store


def test_a_county_officer_writes_lists_and_downloads_his_briefing(page, monkeypatch):
    briefings, _, store = page
    params = {}
    form = briefings.briefings_form(params)
    assert "生成简报" in text(form)
    message, made = briefings.briefings_generate(1, "2025-05", params, 0)
    assert "已生成：榆次区物业服务管理专项整治工作简报（2025年5月）" in text(message) and made == 1
    again, made_again = briefings.briefings_generate(2, "2025-05", params, made)
    assert "今天已生成过本期简报" in text(again)
    listed = text(briefings.briefings_list(params, made))
    assert "榆次区物业服务管理专项整治工作简报（2025年5月）" in listed and "按需生成" in listed
    (row,) = archive.for_recipient(store, YUCI)
    monkeypatch.setattr(dash, "ctx", type("Ctx", (), {"triggered_id": {"id": row.id, "fmt": "pdf"}})())
    sent, refusal = briefings.briefings_file([1])
    assert refusal is None and sent["filename"].endswith(".pdf")
    assert len(store.audit_rows(10, "briefing_download")) == 1


def test_a_period_that_is_not_one_is_refused_in_chinese_and_nothing_written(page):
    briefings, _, store = page
    message, made = briefings.briefings_generate(1, "五月", {}, 0)
    assert "期别“五月”无法识别" in text(message) and made is dash.no_update
    assert store.audit_rows(10, "briefing_generate") == []


def test_another_users_briefing_is_refused_and_an_admin_writes_none(page, monkeypatch):
    briefings, viewer, store = page
    briefings.briefings_generate(1, "2025-05", {}, 0)
    (row,) = archive.for_recipient(store, YUCI)
    viewer["now"] = Viewer("leader", "leader")
    assert "还没有您的简报" in text(briefings.briefings_list({}, 1))
    monkeypatch.setattr(dash, "ctx", type("Ctx", (), {"triggered_id": {"id": row.id, "fmt": "docx"}})())
    sent, refusal = briefings.briefings_file([1])
    assert sent is dash.no_update and "只发给其收件人本人" in text(refusal)
    viewer["now"] = Viewer("admin", "admin")
    assert "您的角色不能生成简报" in text(briefings.briefings_form({}))
