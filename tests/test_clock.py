"""Times are Beijing time everywhere the dashboard or the command line shows one (issue 15)."""

from __future__ import annotations

import datetime as dt

from etl.clock import BEIJING, beijing_now, from_utc


def test_beijing_is_eight_hours_ahead_of_utc_whatever_the_servers_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        utc = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert abs((beijing_now() - utc) - dt.timedelta(hours=8)) < dt.timedelta(seconds=5)
        assert from_utc(dt.datetime(2024, 5, 6, 1, 30)) == dt.datetime(2024, 5, 6, 9, 30)
        assert from_utc(None) is None
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_a_load_is_stamped_in_beijing_time(clerk, load, query):
    before = dt.datetime.now(BEIJING).replace(tzinfo=None)
    load(
        clerk.csv(
            "问题.csv",
            ["编号", "来源", "问题类别", "县区", "受理日期", "状态"],
            [["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中"]],
        )
    )
    ((at,),) = query("SELECT loaded_at FROM loads")
    assert before - dt.timedelta(seconds=1) <= at <= beijing_now()


def test_tokens_list_shows_beijing_time(tmp_path, capsys):
    from etl.cli import main
    from security.store import Store

    warehouse = tmp_path / "warehouse.duckdb"
    store = Store.for_warehouse(warehouse)
    store.add_screen_token("大屏", "tok-123456789")
    created = store.screen_tokens()[0]["created_at"]

    assert main(["tokens", "list", "--warehouse", str(warehouse)]) == 0
    shown = capsys.readouterr().out
    assert f"{from_utc(created):%Y-%m-%d %H:%M}（北京时间）" in shown
