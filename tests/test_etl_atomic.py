"""A load is atomic: a reader sees the old warehouse or the new one, and a load killed
at any point (a real subprocess, SIGKILL) leaves the old data intact and readable."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl.pipeline import load_files
from metrics.db import Warehouse

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]


def write_cases(path: Path, prefix: str, n: int) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(n):
            writer.writerow([f"{prefix}{i:07d}", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中"])
    return path


READER = """
import os, sys, duckdb
con = duckdb.connect(os.environ["WH"], read_only=True)
print(con.execute("SELECT count(*) FROM cases").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM cases").fetchone()[0], flush=True)
"""


def case_count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT count(*) FROM cases").fetchone()[0]


@pytest.fixture
def loaded(tmp_path: Path) -> Path:
    """A warehouse holding 50 cases."""
    warehouse = tmp_path / "warehouse.duckdb"
    result = load_files([write_cases(tmp_path / "old.csv", "OLD", 50)], warehouse)
    assert result.files[0].rows_loaded == 50
    return warehouse


def start_load(warehouse: Path, file: Path, pause_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if pause_at:
        env["ETL_PAUSE_AT"] = pause_at
    return subprocess.Popen(
        [sys.executable, "-m", "etl", "load", "--warehouse", str(warehouse), str(file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_pause(proc: subprocess.Popen, stage: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if f"ETL paused at {stage}" in line:
            return
        if proc.poll() is not None:
            raise AssertionError(f"load ended before {stage}: {proc.stdout.read()} {proc.stderr.read()}")
    raise AssertionError(f"load never reached {stage}")


@pytest.mark.parametrize("stage", ["write", "publish"])
def test_load_killed_midway_leaves_old_data_intact(loaded: Path, tmp_path: Path, stage: str) -> None:
    before = loaded.read_bytes()
    proc = start_load(loaded, write_cases(tmp_path / "new.csv", "NEW", 20_000), pause_at=stage)
    wait_for_pause(proc, stage)  # rows are written into the copy (or the copy is complete)
    assert list(tmp_path.glob(".warehouse.duckdb.tmp-*")), "the load works on a copy, not on the served file"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert loaded.read_bytes() == before
    assert case_count(loaded) == 50
    # the next load runs (the dead process's lock is gone) and clears its stale copy
    result = load_files([tmp_path / "new.csv"], loaded)
    assert result.files[0].rows_loaded == 20_000
    assert case_count(loaded) == 20_050
    assert not list(tmp_path.glob(".warehouse.duckdb.tmp-*"))


def test_reader_keeps_old_data_during_load_and_sees_new_after_publish(loaded: Path, tmp_path: Path) -> None:
    warehouse = Warehouse(loaded)
    assert warehouse.rows("SELECT count(*) FROM cases") == [(50,)]
    # another process (say a second web worker) with the old file open while the load publishes
    old = subprocess.Popen(
        [sys.executable, "-c", READER],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WH": str(loaded)},
    )
    assert old.stdout.readline().strip() == "50"
    proc = start_load(loaded, write_cases(tmp_path / "new.csv", "NEW", 5_000), pause_at="publish")
    wait_for_pause(proc, "publish")
    assert warehouse.rows("SELECT count(*) FROM cases") == [(50,)], "nothing is visible before the publish"
    proc.send_signal(signal.SIGCONT)
    proc.kill()
    proc.wait(timeout=30)
    proc = start_load(loaded, tmp_path / "new.csv")
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    old.stdin.write("again\n")
    old.stdin.flush()
    assert old.stdout.readline().strip() == "50", "an open reader keeps its snapshot"
    old.stdin.close()
    old.wait(timeout=30)
    assert warehouse.rows("SELECT count(*) FROM cases") == [(5_050,)], "the app notices the publish and reopens"
    warehouse.close()


def test_two_loads_at_once_are_serialised(loaded: Path, tmp_path: Path) -> None:
    a = start_load(loaded, write_cases(tmp_path / "a.csv", "AAA", 3_000))
    b = start_load(loaded, write_cases(tmp_path / "b.csv", "BBB", 3_000))
    assert a.wait(timeout=120) == 0 and b.wait(timeout=120) == 0
    assert case_count(loaded) == 6_050, "neither load's rows were lost to the other's publish"


def test_replaced_version_is_unlinked_after_the_publish(loaded: Path, tmp_path: Path) -> None:
    """The replaced file keeps a second name through the rename (so that the rename does not
    free its blocks), which a thread drops after the publish; a leftover is cleared next load."""
    import threading

    with open(loaded, "rb") as old:  # a reader of the old version
        old_size = os.fstat(old.fileno()).st_size
        load_files([write_cases(tmp_path / "a.csv", "A", 10)], loaded)
        for thread in threading.enumerate():
            if thread.name == "unlink-old-warehouse":
                thread.join(timeout=30)
        assert not list(tmp_path.glob(".warehouse.duckdb.old-*"))
        assert os.fstat(old.fileno()).st_size == old_size  # still readable where it was open
    assert case_count(loaded) == 60
    leftover = tmp_path / ".warehouse.duckdb.old-99999999"  # as a load killed after its rename leaves it
    leftover.write_bytes(b"x")
    load_files([write_cases(tmp_path / "b.csv", "B", 10)], loaded)
    assert not leftover.exists()
    assert case_count(loaded) == 70
