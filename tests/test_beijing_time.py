"""Times are Beijing time everywhere (issue 15): stored in UTC, shown through one helper
(core.clock.beijing) on the data page, in `etl tokens list`, in the load and rejects reports,
and on the audit page — whatever the machine's time zone. Each check pins a stored UTC time
whose Beijing date differs (17:30 UTC is 01:30 the next day in Beijing)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import duckdb
import pytest

from core.clock import beijing, beijing_today, to_beijing

UTC_TIME = dt.datetime(2025, 6, 3, 17, 30, 5)  # naive UTC, as the stores keep it
SHOWN = "2025-06-04 01:30:05"
CASES = "编号,来源,问题类别,县区,受理日期,状态\n{id},排查,其他,榆次区,2024-01-02,办理中\n{bad},排查,其他,榆茨区,2024-01-02,办理中\n"


def test_the_helper_writes_stored_utc_as_beijing_time() -> None:
    assert beijing(UTC_TIME) == SHOWN
    assert beijing(UTC_TIME, "%Y-%m-%d %H:%M") == "2025-06-04 01:30"
    assert beijing(UTC_TIME.replace(tzinfo=dt.timezone.utc)) == SHOWN  # an aware time is converted, not relabelled
    assert beijing(dt.datetime(2025, 6, 4, 1, 30, 5, tzinfo=to_beijing(UTC_TIME).tzinfo)) == SHOWN
    assert beijing("2025-06-03T17:30:05") == SHOWN and beijing("2025-06-03 17:30:05.250000") == SHOWN
    assert beijing(None) == "—" and beijing("") == "—"
    assert beijing(dt.date(2025, 6, 3)) == "2025-06-03"
    assert to_beijing(UTC_TIME).utcoffset() == dt.timedelta(hours=8)
    assert isinstance(beijing_today(), dt.date)


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real load whose run time is pinned at UTC_TIME (the loader's clock), 1 row rejected."""
    from etl import pipeline

    monkeypatch.setattr(pipeline, "utc_now", lambda: UTC_TIME)
    warehouse = tmp_path / "warehouse.duckdb"
    ledger = tmp_path / "问题.csv"
    ledger.write_text(CASES.format(id="U1", bad="U2"), encoding="utf-8")
    result = pipeline.load_files([ledger], warehouse, user="clerk")
    assert result.run_id == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT DISTINCT loaded_at FROM loads").fetchall() == [(UTC_TIME,)]  # stored in UTC
    return warehouse


def test_the_load_report_and_the_rejects_listing_say_beijing_time(loaded: Path, capsys) -> None:
    from etl.cli import main
    from etl.pipeline import load_files

    again = load_files([loaded.parent / "问题.csv"], loaded, user="clerk")  # same content: unchanged, says when
    assert "（2025-06-04 01:30）完全相同" in again.files[0].message
    assert main(["rejects", "--warehouse", str(loaded)]) == 0
    assert f"批次 1（{SHOWN}，clerk 加载）" in capsys.readouterr().out


def test_a_check_is_listed_in_beijing_time(loaded: Path, capsys) -> None:
    from etl.cli import main

    other = loaded.parent / "五月.csv"
    other.write_text(CASES.format(id="U3", bad="U4"), encoding="utf-8")
    assert main(["check", "--warehouse", str(loaded), str(other)]) == 0
    capsys.readouterr()
    assert main(["rejects", "--warehouse", str(loaded), "--check"]) == 0
    assert f"检查 1（{SHOWN}，未发布）" in capsys.readouterr().out  # the check's loads, timed by the loader's clock


def test_tokens_list_says_beijing_time(tmp_path: Path, capsys) -> None:
    from etl.cli import main
    from security.store import store_path

    warehouse = tmp_path / "warehouse.duckdb"
    assert main(["tokens", "add", "--warehouse", str(warehouse), "--label", "指挥中心"]) == 0
    assert main(["tokens", "revoke", "--warehouse", str(warehouse), "1"]) == 0
    with sqlite3.connect(store_path(warehouse)) as con:
        con.execute("UPDATE screen_tokens SET created_at = ?, revoked_at = ?",
                    ["2025-06-03 17:30:05.000000", "2025-06-03 23:59:00.000000"])
    capsys.readouterr()
    assert main(["tokens", "list", "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out.strip() == "#1\t指挥中心\t2025-06-04 01:30\t已吊销 2025-06-04 07:59"


def test_the_data_page_says_beijing_time(loaded: Path, monkeypatch) -> None:
    monkeypatch.setenv("WAREHOUSE", str(loaded))
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from metrics.db import Warehouse
    from pages import data_status as page

    monkeypatch.setattr(page, "warehouse", lambda: Warehouse(loaded))
    text = str(page.layout())
    assert SHOWN in text and "2025-06-03 17:30" not in text


def test_the_audit_page_says_beijing_time(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    import app  # noqa: F401
    from pages import audit as page
    from security import web
    from security.store import Store, store_path

    store = Store.for_warehouse(tmp_path / "warehouse.duckdb")
    store.record("admin1", "admin", "login")
    with sqlite3.connect(store_path(tmp_path / "warehouse.duckdb")) as con:
        con.execute("UPDATE audit SET at = ?", ["2025-06-03 17:30:05.000000"])
    monkeypatch.setattr(web, "store", lambda: store)
    frame = page._frame(None, None, "zh")
    assert list(frame["audit_at"]) == [SHOWN]
