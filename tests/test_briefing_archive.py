"""The briefings' schedule and archive (briefing/schedule.py, archive.py) on a copy of the demo:
a due briefing is written exactly once across two runs of the scheduler (one register row, one
.docx and one PDF, one audited generation); occurrences and their periods; a briefing hands its
files only to its recipient (another user refused and audited) and only while they match their
SHA-256."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from briefing import archive, charts, schedule
from briefing.model import BriefingError
from security.roles import Viewer
from security.store import Store

YUCI = Viewer("county_140702", "county", "140702")


@pytest.fixture
def demo_copy(tmp_path, copy_demo, monkeypatch):
    """A copy of the demo (warehouse and access store) with documents of its own; charts are not
    what these tests are about, so they are not drawn (tests/test_briefing.py draws them)."""
    from metrics.db import Warehouse

    monkeypatch.setattr(charts, "draw", lambda cs: cs)
    path = copy_demo(tmp_path / "demo")
    return Store.for_warehouse(path), Warehouse(path), tmp_path / "documents"


def rows(text: str) -> list[schedule.Row]:
    """A schedule written as its CSV, read by the schedule's reader."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.csv"
        path.write_text(text, encoding="utf-8")
        return schedule.read(path)


MONTHLY = "recipient,region,frequency,weekday,day,time\ncounty_140702,,monthly,,1,08:00\n"


def test_a_due_briefing_is_written_exactly_once_across_two_runs(demo_copy):
    store, wh, folder = demo_copy
    now = dt.datetime(2025, 6, 1, 8, 30)
    first = schedule.run_due(store, wh, now, rows(MONTHLY), folder)
    second = schedule.run_due(store, wh, now + dt.timedelta(hours=2), rows(MONTHLY), folder)
    assert first[0].startswith("已生成 county_140702 monthly 2025-05") and second[0].startswith("已存在")
    with store.engine.connect() as con:
        assert con.execute(select(func.count()).select_from(archive.briefings)).scalar() == 1
    assert sorted(p.suffix for p in folder.rglob("*.*")) == [".docx", ".pdf"]
    generated = store.audit_rows(50, "briefing_generate")
    assert len(generated) == 1 and "county_140702" in generated[0]["detail"]
    listed = archive.for_recipient(store, YUCI)
    assert [(b.period, b.origin, b.issued_on) for b in listed] == [("2025-05", "monthly", dt.date(2025, 6, 1))]


def test_before_its_hour_the_months_briefing_is_not_due_yet(demo_copy):
    store, wh, folder = demo_copy
    (row,) = rows(MONTHLY)
    at = schedule.latest(row, dt.datetime(2025, 6, 1, 7, 59))
    assert at == dt.datetime(2025, 5, 1, 8, 0) and schedule.period_of(row, at).key == "2025-04"


def test_weekly_on_monday_covers_the_iso_week_before():
    (row,) = rows("recipient,region,frequency,weekday,day,time\nleader,140700,weekly,1,,08:00\n")
    at = schedule.latest(row, dt.datetime(2025, 5, 14, 12, 0))  # a Wednesday
    assert at == dt.datetime(2025, 5, 12, 8, 0) and schedule.period_of(row, at).key == "2025-W19"


def test_a_schedule_row_that_cannot_be_read_is_refused_with_its_line():
    with pytest.raises(BriefingError, match="s.csv 第 2 行：frequency 应为 monthly 或 weekly"):
        rows("recipient,region,frequency,weekday,day,time\nleader,,daily,,1,08:00\n")


def test_the_shipped_schedule_reads():
    found = schedule.read()
    assert {(r.recipient, r.frequency) for r in found} >= {("leader", "monthly"), ("leader", "weekly")}


def test_only_its_recipient_downloads_a_briefing_and_only_while_it_matches(demo_copy):
    store, wh, folder = demo_copy
    done = archive.generate(store, wh, YUCI, "2025-05", issued_on=dt.date(2025, 6, 3), folder=folder)
    again = archive.generate(store, wh, YUCI, "2025-05", issued_on=dt.date(2025, 6, 3), folder=folder)
    assert done.created and not again.created and again.id == done.id
    name, data = archive.briefing_file(store, YUCI, done.id, "pdf", folder)
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    with pytest.raises(BriefingError, match="只发给其收件人本人"):
        archive.briefing_file(store, Viewer("leader", "leader"), done.id, "docx", folder)
    assert store.audit_rows(10, "forbidden")[0]["detail"] == f"briefing {done.id} of county_140702"
    assert store.audit_rows(10, "briefing_download")[0]["who"] == "county_140702"
    docx = next(folder.rglob("*.docx"))
    docx.chmod(0o600)
    docx.write_bytes(b"changed")
    with pytest.raises(Exception, match="校验值"):
        archive.briefing_file(store, YUCI, done.id, "docx", folder)
