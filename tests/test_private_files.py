"""Files holding personal data or password hashes are readable by their owner only (issue 15):
the warehouse (complainants' phones), the access store (password hashes, sessions, the audit
log) with its -wal and -shm, the session key, and the kept checks (rejected rows as written) —
after a real load, a check and a user add through the command line, in a process with the
usual umask 022."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = "编号,来源,问题类别,县区,受理日期,状态,联系电话\nU1,排查,其他,榆次区,2024-01-02,办理中,13812345678\n" \
        "U2,排查,其他,榆茨区,2024-01-02,办理中,13912345678\n"
SCRIPT = """
import os, sys
os.umask(0o022)  # what a login shell gives: files 0644 unless the code says otherwise
from etl.cli import main
wh = sys.argv[1]
assert main(["load", "--warehouse", wh, sys.argv[2]]) == 0
assert main(["check", "--warehouse", wh, sys.argv[3]]) == 0
assert main(["users", "add", "admin1", "--role", "admin", "--password-stdin", "--warehouse", wh]) == 0
from security.store import Store
store = Store.for_warehouse(wh)  # the store open, in WAL mode: its -wal and -shm exist now
store.record("admin1", "admin", "login")
import pathlib
for p in sorted(pathlib.Path(wh).parent.rglob("*")):
    print("MODE", oct(p.stat().st_mode & 0o777), p.relative_to(pathlib.Path(wh).parent))
"""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_warehouse_store_and_checks_are_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "deploy"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    ledger, other = tmp_path / "问题.csv", tmp_path / "五月.csv"
    ledger.write_text(CASES, encoding="utf-8")
    other.write_text(CASES.replace("U1", "U3").replace("U2", "U4"), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ETL_USER": "clerk"}
    env.pop("WAREHOUSE", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(folder / "warehouse.duckdb"), str(ledger), str(other)],
                          input="Qz7#vLp9-wT2\n", cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = {line.split(" ", 2)[2]: line.split(" ", 2)[1] for line in proc.stdout.splitlines() if line.startswith("MODE ")}
    # everything that holds data is there, and 0600 (files) / 0700 (the checks folder)
    for name in ("warehouse.duckdb", "access.sqlite", "access.sqlite-wal", "access.sqlite-shm",
                 "warehouse.duckdb.checks", "warehouse.duckdb.checks/1.json"):
        assert name in listed, f"{name} missing: {sorted(listed)}"
    loose = {name: m for name, m in listed.items()
             if not name.endswith(".lock") and m not in ("0o600", "0o700")}
    assert loose == {}, f"readable by others: {loose}"
    assert listed["warehouse.duckdb.checks"] == "0o700"
    assert mode(folder / "warehouse.duckdb") == 0o600 and mode(folder / "access.sqlite") == 0o600


def test_a_store_and_a_warehouse_written_by_an_older_version_are_made_private(tmp_path: Path) -> None:
    """A deployment set up before (0644 files) is repaired at its next load and its next store use."""
    from etl.pipeline import load_files
    from security.store import Store, store_path

    warehouse = tmp_path / "warehouse.duckdb"
    ledger = tmp_path / "问题.csv"
    ledger.write_text(CASES, encoding="utf-8")
    load_files([ledger], warehouse, user="clerk")
    Store.for_warehouse(warehouse).users()
    os.chmod(warehouse, 0o644)
    os.chmod(store_path(warehouse), 0o644)
    ledger.write_text(CASES.replace("U1", "U5"), encoding="utf-8")
    load_files([ledger], warehouse, user="clerk")
    assert mode(warehouse) == 0o600
    code = ("import sys; from security.store import Store; Store.for_warehouse(sys.argv[1]).users()")
    subprocess.run([sys.executable, "-c", code, str(warehouse)], cwd=ROOT, check=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert mode(store_path(warehouse)) == 0o600
