"""Early warnings (metrics/warnings.py) on the demo warehouse, checked against the rows with plain
SQL and the official calendar; each list in the viewer's scope; no personal data in any of them;
the lists on 督办 (leader, supervisor) and 待办 (the county officer), the wall's alarm strip, and
the ladder's proposals confirmed and dismissed through 督办's callbacks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dash import no_update
from dash_tree import by_id, text, walk

from metrics import escalations as esc
from metrics.deadlines import workdays_between
from metrics.filters import Filter, Scope
from metrics.scorecard import county_scorecard
from metrics.warnings import describe, early_warnings, items, ranked_month
from security.roles import Viewer
from vocab.ladder import RANK_DROP_PLACES
from workflow import desk, ladder
from workflow.ladder_rules import LadderRule

EVERYONE = Scope(None, personal_data=False)
YUCI = Viewer("county_140702", "county", "140702")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
D = dt.date


@pytest.fixture(scope="module")
def warned(demo_wh):
    return early_warnings(demo_wh, Filter(), EVERYONE)


def test_cases_nearly_due_are_those_at_most_two_working_days_from_their_deadline(demo_wh, warned):
    rows = warned.due_soon
    assert len(rows) and warned.at == D(2025, 11, 30)
    for r in rows.itertuples():
        left = workdays_between(demo_wh, warned.at, r.deadline.date())
        assert r.workdays_left == left and 0 <= left <= 2 and r.deadline.date() >= warned.at
    every = esc.open_cases(demo_wh, Filter(), EVERYONE, limit=None)
    later = every[every["workdays_left"] == 3]
    assert len(later) and not set(later["case_id"]) & set(rows["case_id"])  # three days left: not yet


@pytest.mark.parametrize("edited_rules", [False, True])
@pytest.mark.parametrize("at", [D(2025, 11, 30), D(2025, 1, 24), D(2024, 9, 27), D(2024, 4, 30)])
def test_the_cases_due_soon_are_the_open_ones_at_most_two_working_days_from_their_deadline(
    demo_wh, at, edited_rules, tmp_path, monkeypatch
):
    """The list reads only the cases due from the day to two working days on (a Friday before the
    Spring Festival: two working days are twelve days of the calendar), and holds the same cases as
    the whole open list cut to them; with the published deadlines, and with rules an admin edited
    since (computed at query time)."""
    if edited_rules:
        rules = tmp_path / "rules.csv"
        rules.write_text("source,category,working_days\n*,*,7\n投诉举报,*,3\n", encoding="utf-8")
        monkeypatch.setenv("DEADLINE_RULES", str(rules))
    f = Filter(None, None, at)
    every = esc.open_cases(demo_wh, f, EVERYONE, limit=None)
    want = every[~every["overdue"].astype(bool) & (every["workdays_left"] <= 2)]
    got = esc.open_cases(demo_wh, f, EVERYONE, limit=None, due_within=2)
    assert len(want) and sorted(got["case_id"]) == sorted(want["case_id"])
    assert got.set_index("case_id")["workdays_left"].to_dict() == want.set_index("case_id")["workdays_left"].to_dict()


def test_second_black_lists_stalled_arrears_and_falls_in_the_ranking_follow_the_rows(demo_wh, warned):
    first = D(2024, 12, 1)
    for r in warned.second_black.itertuples():
        (n,) = demo_wh.rows(
            f"SELECT count(*) FROM company_lists WHERE company_code = '{r.company_code}' AND list = '黑榜' "
            f"AND listed_on BETWEEN DATE '{first}' AND DATE '{warned.at}'"
        )[0]
        assert n == r.black_lists >= 2
    assert len(warned.stalled)
    since = D(2025, 8, 30)  # three months before the day
    for r in warned.stalled.itertuples():
        last = r.last_recovered_on if r.last_recovered_on == r.last_recovered_on else None  # NaT: never any
        assert r.arrears_outstanding > 0 and (last is None or last.date() <= since)
    month, before = ranked_month(warned.at)
    assert (month.start, before.start) == (D(2025, 11, 1), D(2025, 10, 1))
    ranks = [county_scorecard(demo_wh, Filter("140700", m.start, m.end), EVERYONE) for m in (month, before)]
    now, then = ({u: r for u, r in zip(t["unit"], t["rank"], strict=True) if r} for t in ranks)
    fell = {u for u in now if u in then and now[u] - then[u] >= RANK_DROP_PLACES}
    assert fell and fell == set(warned.rank_drop[warned.rank_drop["unit"].str.startswith("1407")]["unit"])


def test_a_county_officer_sees_his_countys_warnings_only(demo_wh, warned):
    mine = early_warnings(demo_wh, Filter(), YUCI.scope)
    assert len(mine.due_soon) and set(mine.due_soon["county"].str[:6]) == {"140702"}
    assert set(mine.stalled["unit"].str[:6]) == {"140702"} and set(mine.second_black["county"]) <= {"140702"}
    assert set(mine.rank_drop["unit"]) <= {"140702"}
    assert len(mine.due_soon) < len(warned.due_soon)


def test_no_warning_carries_personal_data(demo_wh, warned):
    phones = demo_wh.rows("SELECT count(*) FROM cases WHERE reporter_phone IS NOT NULL")[0][0]
    assert phones > 0  # the data has phones
    for kind in ("due_soon", "second_black", "stalled", "rank_drop"):
        assert not {"reporter_phone", "description", "reporter"} & set(warned.of(kind).columns)
    lines = [describe(kind, row) for kind, row in items(warned)]
    assert len(lines) == sum(warned.counts().values()) and not any(PHONE.search(line) for line in lines)


# ---------------------------------------------------------------- the pages and the wall


def test_the_lists_on_escalations_and_the_inbox_and_the_walls_strip(as_viewer, demo_wh, warned):
    from pages import _escalations_ladder as page
    from pages import inbox, screen

    shown = page.escalations_warnings({"region": "140700"})
    assert "临期线索" in text(shown) and f"{len(warned.due_soon)}" in text(by_id(shown, "escalations-warning-due_soon"))
    strip = screen.screen_content(Filter(), "zh")[-1]
    wall = text(strip)
    for kind, n in warned.counts().items():
        assert text(by_id(strip, f"screen-alarm-{kind}")).startswith(str(n))
    assert not PHONE.search(wall) and "排名下滑" in wall
    as_viewer(YUCI)
    mine = text(inbox.inbox_warnings({}))
    assert "榆次区" in mine and "太谷区" not in mine


def test_proposals_on_escalations_are_confirmed_or_dismissed_with_one_click(as_viewer, demo_wh, tmp_path):
    from pages import _escalations_ladder as page
    from pages import _loop

    store = _loop.store()
    cases = list(esc.open_cases(demo_wh, Filter("140702"), EVERYONE, overdue_only=True, limit=None)["case_id"][:2])
    for case in cases:
        desk.issue(
            store, demo_wh, Viewer("supervisor", "supervisor"), "提醒函", [case], 5, "请整改", today=D(2025, 1, 24)
        )
    rule = LadderRule("R2", "no_reply", "提醒函", 5, "督办函", "propose")
    (proposal,) = ladder.run(store, demo_wh, D(2025, 2, 8), (rule,)).proposed
    shown = page.escalations_proposals({"region": "140702"}, 0)
    assert f"#{proposal.id}" in text(shown) and "督办函" in text(shown)
    assert {"type": "escalations-ladder-act", "id": proposal.id, "act": "confirm"} in [c.id for c in _ids(shown)]
    as_viewer(Viewer("admin", "admin"))  # reads, may not act: no buttons, and a crafted click is refused
    assert not _ids(page.escalations_proposals({"region": "140702"}, 0))
    message, counter = page.ladder_clicked({"id": proposal.id, "act": "confirm"}, 0, "zh")
    assert "无权办理" in text(message) and counter is no_update
    as_viewer(Viewer("supervisor", "supervisor"))
    message, counter = page.ladder_clicked({"id": proposal.id, "act": "confirm"}, 0, "zh")
    assert "已下发 晋中物监督〔2025〕3号" in text(message) and counter == 1
    assert "暂无待确认" in text(page.escalations_proposals({"region": "140702"}, 1))


def _ids(tree) -> list:
    return [c for c in walk(tree) if isinstance(getattr(c, "id", None), dict)]
