"""The demo warehouse is what this code computes: `build` stamps it with the code it was made by
(the generator, the ETL and the region table: etl.demo.fingerprint), and `python app.py` under
DEMO=1 (scripts/run.sh) rebuilds a demo that another version made, in one rename beside the old
one. A warehouse with real loads is never rebuilt. The stale demo this guards against was seen: a
demo built by an older generator, brought up to date by loading the new ledgers over it, showed
晋中 2025 问题整改率 97.32% and 240 超期未办结 where a fresh one shows 98.15% and 203."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import duckdb
import pytest

from etl import demo
from etl.deadlines import STAMPS
from etl.pipeline import load_files
from etl.warehouse import version
from metrics.db import Warehouse


def cases_digest(path: Path) -> tuple:
    """The cases as rows: how many, how many closed, and a sum of every row's hash (but the time
    of its load: the build's clock)."""
    with duckdb.connect(str(path), read_only=True) as con:
        sql = (
            "SELECT count(*), count(closed_on), sum(hash(c)::HUGEINT) FROM (SELECT * EXCLUDE (_loaded_at) FROM cases) c"
        )
        return con.execute(sql).fetchone()


def test_the_demo_is_stamped_with_the_code_that_built_it(demo_warehouse):
    assert demo.current(demo_warehouse)
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert con.execute(f"SELECT value FROM {STAMPS} WHERE name = ?", [demo.STAMP]).fetchone() == (
            demo.fingerprint(),
        )


def test_a_change_to_the_generator_or_the_loader_changes_the_fingerprint(tmp_path, monkeypatch):
    root = tmp_path / "root"
    for rel in ("etl/demo/__init__.py", "etl/demo/story.py", "etl/pipeline.py", "vocab/columns.py", "data/regions.csv"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((Path(demo.__file__).parents[2] / rel).read_bytes())
    monkeypatch.setattr(demo, "DEFAULT_OUT", root / "data" / "demo")
    before = demo.fingerprint()
    for rel in ("etl/demo/story.py", "etl/pipeline.py", "vocab/columns.py", "data/regions.csv"):
        edited = root / rel
        original = edited.read_bytes()
        edited.write_bytes(original + b"\n")
        assert demo.fingerprint() != before, rel
        edited.write_bytes(original)
    assert demo.fingerprint() == before


@pytest.fixture
def stale(copy_demo, tmp_path):
    """A copy of the demo as older code made it: 37 closed cases without their closing date (as
    a loader that misread a date column would have left them), stamped by that code."""
    path = copy_demo(tmp_path / "stale")
    with duckdb.connect(str(path)) as con:
        con.execute(
            "UPDATE cases SET closed_on = NULL WHERE rowid IN (SELECT rowid FROM cases WHERE closed_on IS NOT NULL LIMIT 37)"
        )
        con.execute(f"UPDATE {STAMPS} SET value = 'older' WHERE name = ?", [demo.STAMP])
    return path


def test_a_demo_made_by_other_code_is_rebuilt_at_start_and_its_users_kept(stale, demo_warehouse, monkeypatch, capsys):
    import app

    assert not demo.current(stale)
    assert cases_digest(stale) != cases_digest(demo_warehouse)  # its figures are not this code's
    with sqlite3.connect(stale.parent / "access.sqlite") as db:
        users = db.execute("SELECT name FROM users ORDER BY name").fetchall()
    before = version(stale)

    monkeypatch.setattr(app, "warehouse", lambda: Warehouse(stale))
    app.ensure_demo()

    assert "rebuilding" in capsys.readouterr().out
    assert version(stale) != before and demo.current(stale)
    assert cases_digest(stale) == cases_digest(demo_warehouse)  # what a fresh build computes
    with sqlite3.connect(stale.parent / "access.sqlite") as db:
        assert db.execute("SELECT name FROM users ORDER BY name").fetchall() == users
    assert [p.name for p in stale.parent.iterdir() if ".rebuild-" in p.name] == []  # nothing left aside

    app.ensure_demo()  # now current: left as it is
    assert version(stale) != before and "rebuilding" not in capsys.readouterr().out


def test_a_warehouse_with_real_loads_is_never_rebuilt(copy_demo, demo_warehouse, tmp_path, monkeypatch, capsys):
    import app

    path = copy_demo(tmp_path / "real")
    ledger = tmp_path / "14_维修资金追缴到账明细.csv"  # a clerk's upload of the ledger, one blank line added
    ledger.write_bytes((demo_warehouse.parent / "ledgers" / ledger.name).read_bytes() + b"\r\n")
    assert load_files([ledger], warehouse=path, user="王科长").files[0].rows_loaded == 217
    with duckdb.connect(str(path)) as con:
        con.execute(f"DELETE FROM {STAMPS} WHERE name = ?", [demo.STAMP])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert not demo.current(path)

    monkeypatch.setattr(app, "warehouse", lambda: Warehouse(path))
    app.ensure_demo()

    assert "非演示数据" in capsys.readouterr().out
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    with pytest.raises(demo.DemoRefused):
        demo.rebuild(path)
