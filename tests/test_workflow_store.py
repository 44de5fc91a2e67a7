"""The loop's store (workflow/schema.py, workflow/desk.py `allocate`): document numbers per issuing
body and year, never given twice — not by two processes allocating at the same moment on SQLite,
not after a failed issue (its transaction never took the number), not by a second row claiming a
number (the register's constraints) — and the loop's tables beside the access store's, outside the
warehouse, surviving a publish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from security.store import Store
from tests.ui.test_postgres import postgres  # noqa: F401  (the module's own PostgreSQL server, started once)
from workflow import desk
from workflow.schema import counters, documents, ensure

ROOT = Path(__file__).resolve().parent.parent


def take(store: Store, body: str, year: int) -> int:
    with desk._writing(store) as con:
        return desk.allocate(con, body, year)


def test_numbers_run_per_issuing_body_and_year(tmp_path):
    store = Store(tmp_path / "access.sqlite")
    assert [take(store, "晋中物监督", 2025) for _ in range(3)] == [1, 2, 3]
    assert take(store, "晋城物监督", 2025) == 1  # another body: its own series
    assert take(store, "晋中物监督", 2026) == 1  # a new year starts again
    assert take(store, "晋中物监督", 2025) == 4


def test_a_number_whose_transaction_failed_is_not_taken_and_none_is_given_twice(tmp_path):
    store = Store(tmp_path / "access.sqlite")
    assert take(store, "晋中物监督", 2025) == 1
    with pytest.raises(RuntimeError), desk._writing(store) as con:
        assert desk.allocate(con, "晋中物监督", 2025) == 2
        raise RuntimeError("the letter could not be rendered")
    assert take(store, "晋中物监督", 2025) == 2  # the failed issue left no gap and no number behind
    with store.engine.connect() as con:
        assert con.execute(select(counters.c.last_seq)).scalar_one() == 2


def _document(seq: int, doc_no: str) -> dict:
    import datetime as dt

    day = dt.date(2025, 3, 3)
    return dict(
        doc_no=doc_no, body_code="晋中物监督", year=2025, seq=seq, body="晋中市专班", kind="督办函", county="140702",
        addressee="榆次区住房和城乡建设局", title="t", demand="d", workdays=5, issued_on=day, deadline=day,
        issued_by="supervisor", issued_role="supervisor", issued_at=dt.datetime(2025, 3, 3), docx_file="a",
        docx_sha256="0" * 64, pdf_file="b", pdf_sha256="0" * 64,
    )  # fmt: skip


def test_the_register_refuses_a_number_twice(tmp_path):
    store = Store(tmp_path / "access.sqlite")
    ensure(store.engine)
    with store.engine.begin() as con:
        con.execute(insert(documents).values(**_document(17, "晋中物监督〔2025〕17号")))
    for row in (_document(17, "另一文号"), _document(18, "晋中物监督〔2025〕17号")):
        with pytest.raises(IntegrityError), store.engine.begin() as con:
            con.execute(insert(documents).values(**row))


WORKER = """
import sys
from security.store import Store
from workflow import desk
store = Store(sys.argv[1])
got = []
for _ in range(int(sys.argv[2])):
    with desk._writing(store) as con:
        got.append(desk.allocate(con, "晋中物监督", 2025))
print(" ".join(map(str, got)))
"""


def allocated_at_once(target: str, processes: int = 4, each: int = 25) -> list[int]:
    """The numbers `processes` processes got, allocating `each` at the same time from `target`."""
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, target, str(each)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(processes)
    ]
    numbers = []
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        numbers += [int(n) for n in out.split()]
    return sorted(numbers)


def test_processes_allocating_at_once_on_sqlite_never_share_a_number(tmp_path):
    path = tmp_path / "access.sqlite"
    ensure(Store(path).engine)
    assert allocated_at_once(str(path)) == list(range(1, 101))  # every number once, none skipped


def test_the_loop_lives_in_the_access_store_and_outlives_a_publish(tmp_path, demo_warehouse):
    """The tables are the access store's (beside the warehouse), so a publish — a new warehouse
    file renamed over the old — leaves them as they were."""
    import shutil

    wh = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_warehouse, wh)
    store = Store.for_warehouse(wh)
    assert store.path == tmp_path / "access.sqlite"
    assert take(store, "晋中物监督", 2025) == 1
    shutil.copy(demo_warehouse, tmp_path / "next.duckdb")
    (tmp_path / "next.duckdb").replace(wh)  # what a publish does
    assert take(Store.for_warehouse(wh), "晋中物监督", 2025) == 2
    import duckdb

    with duckdb.connect(str(wh), read_only=True) as con:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert not {t for t in tables if t.startswith("wf_")}


def test_processes_allocating_at_once_on_postgresql_never_share_a_number(postgres):  # noqa: F811
    """The same on the server database several app machines share (ACCESS_DB_URL): the counter's
    row lock serialises them."""
    from sqlalchemy import text

    store = Store(postgres)
    ensure(store.engine)
    with store.engine.begin() as con:
        con.execute(text("DELETE FROM wf_counters WHERE body_code = '晋中物监督'"))
    assert allocated_at_once(postgres) == list(range(1, 101))
