"""A case's deadline is computed at the publish (the cases' `due`, etl/deadlines.py refresh_due) by the
one definition of etl/deadlines.py, under the deadline rules it stamps; the metrics read it while
the rules file means the same, and compute the same SQL at query time after an admin's edit, until
the next publish writes it again (issue 17: precompute at publish what every request recomputes)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl import deadlines as rules_sql
from metrics import deadlines, facts
from metrics import escalations as esc
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter
from tests.test_escalations_metrics import build, case, nth_workday_after

D = dt.date


def _wrong_due(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(cases whose `_due` is not the deadline etl/deadlines.py computes now, cases whose deadline the
    rules gave)."""
    cte = rules_sql.rules_cte()
    sql = f"""WITH {cte} SELECT count(*) FILTER (WHERE c._due IS DISTINCT FROM {rules_sql.deadline_sql("c")}),
                  count(*) FILTER (WHERE c.deadline IS NULL AND c._due IS NOT NULL)
              FROM cases c {rules_sql.rules_join("c")}"""
    return con.execute(sql, cte.params).fetchone()


def test_every_demo_case_carries_the_deadline_of_the_rules_and_the_metrics_read_it(demo_wh):
    with duckdb.connect(str(demo_wh.path), read_only=True) as con:
        wrong, by_rules = _wrong_due(con)
        assert (wrong, by_rules > 0) == (0, True)  # some cases' deadlines come from the rules: compared
    assert deadlines.deadlines(demo_wh).stored


def _views(wh: Warehouse) -> dict:
    f = Filter(end=D(2025, 4, 30))
    rows = esc.open_cases(wh, f, EVERYTHING).set_index("case_id")
    return {
        "deadlines": {
            k: (v.date(), b) for k, v, b in zip(rows.index, rows["deadline"], rows["deadline_basis"], strict=True)
        },
        "overdue_kpi": int(facts.case_facts(wh, f, EVERYTHING)["overdue_cases"].sum()),
        "overdue_ladder": int(esc.ladder(wh, f, EVERYTHING)["overdue_cases"].sum()),
    }


def test_a_rules_edit_takes_effect_at_once_and_the_next_publish_writes_it(clerk, warehouse, rules):
    """Published under 10 working days for 投诉举报; the admin makes it 3: the pages compute the 3
    days at query time at once; the next load's publish writes them into the cases and the marts,
    and the pages read them from there, with the same answers."""
    wh = build(
        clerk,
        warehouse,
        [
            case("TS1", "2025-04-21"),  # no deadline in its row: the rules decide (10 → 3 working days)
            case(
                "TS2", "2025-04-30", "2025-05-30"
            ),  # its own deadline, whatever the rules say (and the data reach 04-30)
        ],
    )
    assert deadlines.deadlines(wh).stored
    before = _views(wh)
    assert before["deadlines"]["TS1"] == (nth_workday_after(D(2025, 4, 21), 10), "rule")
    assert before["overdue_kpi"] == before["overdue_ladder"] == 0

    rules.write_text(rules.read_text(encoding="utf-8").replace("投诉举报,*,10", "投诉举报,*,3"), encoding="utf-8")
    assert not deadlines.deadlines(wh).stored  # the file no longer says what the publish used
    edited = _views(wh)
    assert edited["deadlines"] == {
        "TS1": (nth_workday_after(D(2025, 4, 21), 3), "rule"),
        "TS2": (D(2025, 5, 30), "row"),
    }
    assert edited["overdue_kpi"] == edited["overdue_ladder"] == 1  # TS1, due 04-24, open at 04-30

    build(clerk, warehouse, [case("TS3", "2025-04-28", "2025-05-30")])  # a clerk's next ledger: a publish
    assert deadlines.deadlines(wh).stored
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert _wrong_due(con) == (0, 1)
        assert con.execute("SELECT due FROM mart_cases WHERE deadline IS NULL").fetchall() == [
            (nth_workday_after(D(2025, 4, 21), 3),)
        ]
    published = _views(wh)
    assert published["deadlines"] == {**edited["deadlines"], "TS3": (D(2025, 5, 30), "row")}
    assert published["overdue_kpi"] == published["overdue_ladder"] == 1


def test_a_broken_rules_file_does_not_stop_a_load_and_readers_say_what_is_wrong(clerk, warehouse, rules):
    """An admin's typo in the rules must not lose a clerk's load: the publish writes the rows' own
    deadlines and stamps that it could not read the rules; the pages name the row of the file
    (as before), and once it is mended compute by it until the next publish."""
    good = rules.read_text(encoding="utf-8")
    rules.write_text(good + "投诉举报,*,十天,\n", encoding="utf-8")
    wh = build(clerk, warehouse, [case("TS1", "2025-04-21")])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT value FROM mart_stamps WHERE name = 'deadline_rules'").fetchall() == [
            (rules_sql.UNREADABLE,)
        ]
        assert con.execute("SELECT _due FROM cases").fetchall() == [(None,)]
    with pytest.raises(deadlines.DeadlineRulesError, match="工作日数“十天”"):
        deadlines.deadlines(wh)
    rules.write_text(good, encoding="utf-8")
    assert not deadlines.deadlines(wh).stored
    assert _views(wh)["deadlines"]["TS1"] == (nth_workday_after(D(2025, 4, 21), 10), "rule")
