"""数据状态 /data, called directly on the demo warehouse: what it holds per ledger and the latest
loads, in both languages, each table in a box that scrolls on a phone (not the page)."""

from __future__ import annotations

from tests.dash_tree import by_id, text, walk


def test_the_data_status_lists_every_ledger_and_the_latest_loads_in_both_languages(leader_pages, demo_wh):
    from metrics.status import dataset_counts, recent_loads
    from pages import data_status

    zh = data_status.layout()
    counts = by_id(zh, "data-status-counts")
    for c in dataset_counts(demo_wh):
        assert c["label"] in text(counts) and f"{c['rows']:,}" in text(counts)
    loads = text(by_id(zh, "data-status-loads"))
    assert all(ld["file"] in loads for ld in recent_loads(demo_wh, 20))
    assert "最近加载" in text(zh) and "操作人" in loads
    en = data_status.layout(lang="en")
    assert "Latest loads" in text(en) and "最近加载" not in text(en) and "Rows" in text(by_id(en, "data-status-counts"))
    holders = [c for c in walk(zh) if getattr(c, "className", None) == "table-responsive"]
    assert len(holders) == 3  # the board of who has reported, the holdings, the loads
