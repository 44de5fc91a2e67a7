"""A case's state on its trail (etl/case_state.py) is published per case (`mart_case_state`) and read
by the 督办 page for the cases whose trail ends by its as-of date; the others are counted from the
trail up to that date. Both agree with the 督办记录 read afresh, at the data's end and before it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from metrics import escalations as esc
from metrics.facts import as_of
from metrics.filters import EVERYTHING, Filter

D = dt.date


@pytest.mark.parametrize("end", [None, D(2025, 3, 31), D(2024, 9, 30)])
def test_open_cases_show_the_level_and_escalations_their_trail_had_at_the_as_of_date(demo_wh, end):
    f = Filter(end=end)
    at = as_of(demo_wh, f)
    rows = esc.open_cases(demo_wh, f, EVERYTHING, limit=None).set_index("case_id")
    later = demo_wh.rows(
        "SELECT count(*) FROM mart_case_state WHERE trail_until > $at AND case_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"at": at, "ids": list(rows.index)},
    )[0][0]
    # at the data's end every open case's state is the published one; before it, some are counted
    assert (later == 0) if end is None else (later > 0)

    events = demo_wh.frame("SELECT case_id, happened_on, action, to_level FROM case_events")
    events = events[events["case_id"].isin(rows.index) & (pd.to_datetime(events["happened_on"]) <= pd.Timestamp(at))]
    escalated = events[events["action"].isin(esc.ESCALATIONS)].sort_values(["happened_on", "action"])
    counted = escalated.groupby("case_id").size().reindex(rows.index, fill_value=0)
    assert counted.sum() > 0 and (rows["escalations"] == counted).all()
    latest = escalated.groupby("case_id")["action"].last().reindex(rows.index)
    assert (rows["last_escalation"].fillna("") == latest.fillna("")).all()
    moves = events[events["action"].isin(esc.MOVES) & events["to_level"].notna()]
    moved_on = pd.to_datetime(moves.groupby("case_id")["happened_on"].max()).reindex(rows.index)
    since = moved_on.fillna(pd.to_datetime(rows["received_on"]))
    assert (pd.to_datetime(rows["at_level_since"]) == since).all()
