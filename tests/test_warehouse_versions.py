"""Reading the warehouse while loads publish (metrics/db.py): real DuckDB files, ledgers
written the way clerks write them, publishes by real `python -m etl load` processes.

- two readers of one path in one process (the 数据状态 page kept one of its own) both see
  every publish: DuckDB's instance cache used to hand the old, deleted file back to both;
- reads inside `one_version()` read the version their first read found, from the first query
  to the last, across a publish; the old version is closed once its last reader is done;
- memo values of a version (数据截至, the first day a ledger covers) are those of the version
  read, not of the file published meanwhile.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from metrics import db
from metrics.answers import Answers
from metrics.db import Warehouse
from metrics.facts import case_facts, covered_since, data_as_of

CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "办结日期"]


def cases_ledger(clerk, name: str, prefix: str, n: int, received: str) -> Path:
    rows = [[f"{prefix}{i:04d}", "排查", "违规收费", "榆次区", received, "办理中", ""] for i in range(n)]
    return clerk.csv(
        name, CASES, rows, total=["合计", f"{n} 件"], note="注：本表由各县区住建部门填报。", encoding="gb18030"
    )


def publish(warehouse: Path, ledger: Path, etl_env: dict) -> None:
    """A load in another process, as a clerk runs it while the dashboard serves."""
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--warehouse", str(warehouse), str(ledger)],
        env=etl_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def count(wh: Warehouse) -> int:
    return wh.rows("SELECT count(*) FROM cases")[0][0]


@pytest.fixture
def served(clerk, load, warehouse) -> Path:
    load(cases_ledger(clerk, "一月.csv", "JZ-A", 30, "2024-01-15"))
    return warehouse


def test_two_readers_of_one_path_in_one_process_both_see_every_publish(served, clerk, etl_env):
    page, data_status = Warehouse(served), Warehouse(served)  # the app's reader and a page's own
    assert count(page) == count(data_status) == 30
    for n, month in enumerate(("02", "03", "04"), start=1):
        publish(served, cases_ledger(clerk, f"{month}.csv", f"JZ-{month}", 10, f"2024-{month}-10"), etl_env)
        assert count(page) == 30 + 10 * n, f"publish {n} missed by the first reader"
        assert count(data_status) == 30 + 10 * n, f"publish {n} missed by the second reader"


def test_reads_in_one_version_keep_the_version_of_their_first_read_across_a_publish(served, clerk, etl_env):
    wh = Warehouse(served)
    with db.one_version():
        before = count(wh)
        old = wh.version
        publish(served, cases_ledger(clerk, "二月.csv", "JZ-B", 12, "2024-02-10"), etl_env)
        assert wh.version == old  # the version read, not the file's
        assert count(wh) == before == 30  # the second query reads the first one's version
        assert int(case_facts(wh, _everything(), _all())["received_main"].sum()) == 30
        assert len(wh.open_versions()) == 1  # nothing has read the new file yet
        # another block of work (another request) meanwhile reads the new version
        other: list[int] = []
        t = threading.Thread(target=lambda: other.append(count(wh)))
        t.start()
        t.join()
        assert other == [42]
        both = wh.open_versions()  # the old one (still read here) and the new one
        assert len(both) == 2 and old in both
    # the last reader of the old version is done: it is closed, the new one stays
    assert len(wh.open_versions()) == 1 and wh.open_versions()[0] != old
    assert count(wh) == 42


def test_memo_values_are_those_of_the_version_read(served, clerk, etl_env):
    wh = Warehouse(served)
    assert data_as_of(wh) == dt.date(2024, 1, 15)
    with db.one_version():
        assert data_as_of(wh) == dt.date(2024, 1, 15)
        publish(served, cases_ledger(clerk, "三月.csv", "JZ-C", 5, "2023-03-20"), etl_env)  # earlier and later rows
        publish(served, cases_ledger(clerk, "五月.csv", "JZ-D", 5, "2024-05-20"), etl_env)
        assert data_as_of(wh) == dt.date(2024, 1, 15)
        assert covered_since(wh, case_facts) == dt.date(2024, 1, 15)
    assert data_as_of(wh) == dt.date(2024, 5, 20)
    assert covered_since(wh, case_facts) == dt.date(2023, 3, 20)


def _everything():
    from metrics.filters import Filter

    return Filter.from_query(None, None, None)


def _all():
    from metrics.filters import EVERYTHING

    return EVERYTHING


def test_answers_are_kept_per_version_and_never_shared_mutable(served, clerk, etl_env):
    """The same statement with the same parameters is answered once per published version;
    a caller changing its frame changes nothing for the next; a publish answers afresh."""
    wh = Warehouse(served)
    sql = "SELECT county, count(*) AS n FROM cases WHERE county = ? GROUP BY county"
    first = wh.frame(sql, ["140702"])
    with wh.snapshot() as snap:
        answers = snap.answers
    hits = answers.hits
    first["n"] = -1  # a page adding and changing columns of its frame
    again = wh.frame(sql, ["140702"])
    assert answers.hits == hits + 1 and again["n"].tolist() == [30]
    assert wh.frame(sql, ["140721"]).empty  # other parameters: another answer
    assert wh.rows("SELECT count(*) FROM cases") == [(30,)]

    publish(served, cases_ledger(clerk, "二月.csv", "JZ-B", 5, "2024-02-10"), etl_env)
    assert wh.frame(sql, ["140702"])["n"].tolist() == [35]
    assert wh.rows("SELECT count(*) FROM cases") == [(35,)]


def test_the_answers_of_a_version_stay_within_their_budget():
    answers = Answers(budget=1000)
    for k in range(10):
        answers.put(k, f"answer {k}", 200)
    assert answers.size <= 1000 and answers.get(0) is None and answers.get(9) == "answer 9"
    answers.put("big", "x", 300)  # over a quarter of the room: not kept
    assert answers.get("big") is None
    off = Answers(budget=0)
    off.put("k", "v", 10)
    assert off.get("k") is None
