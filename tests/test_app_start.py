"""`python app.py` on a fresh checkout builds the demo warehouse, then serves; it never
overwrites a warehouse that already exists (a real subprocess each time)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def serve(warehouse: Path, timeout: float = 120) -> subprocess.Popen:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WAREHOUSE": str(warehouse), "PORT": str(port), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                assert response.status == 200
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("the app did not start")


def test_first_start_builds_the_demo_then_serves(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    proc = serve(warehouse)
    proc.terminate()
    proc.wait(timeout=10)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] > 10_000
        assert con.execute("SELECT DISTINCT loaded_by FROM loads").fetchall() == [("demo",)]


def test_existing_warehouse_is_never_overwritten(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    from etl.pipeline import load_files

    ledger = tmp_path / "cases.csv"
    ledger.write_text("编号,来源,问题类别,县区,受理日期,状态\nU1,排查,其他,榆次区,2024-01-02,办理中\n", encoding="utf-8")
    load_files([ledger], warehouse, user="clerk")
    before = warehouse.read_bytes()
    proc = serve(warehouse)
    proc.terminate()
    proc.wait(timeout=10)
    assert warehouse.read_bytes() == before
