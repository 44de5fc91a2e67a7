"""`python app.py` as scripts/run.sh starts it (DEMO=1) builds the demo warehouse (with the
demo's users), then serves behind the login; it never overwrites a warehouse that already
exists; without DEMO (scripts/serve.sh, a real deployment) it never builds the demo (a real
subprocess each time)."""

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


def serve(warehouse: Path, timeout: float = 120, demo: bool = True) -> subprocess.Popen:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WAREHOUSE": str(warehouse), "PORT": str(port), "PYTHONPATH": str(ROOT)}
    env.pop("DEMO", None)
    if demo:
        env["DEMO"] = "1"
    proc = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert response.status == 200
            proc.port = port
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the app did not start")


def test_first_start_builds_the_demo_then_serves(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    proc = serve(warehouse)
    # the pages need a login: / lands on the login page, served without a version banner
    with urllib.request.urlopen(f"http://127.0.0.1:{proc.port}/", timeout=30) as response:
        assert response.url.endswith("/login?next=%2F") and response.headers.get("Server") is None
    proc.terminate()
    proc.wait(timeout=10)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM cases").fetchone()[0] > 10_000
        assert con.execute("SELECT DISTINCT loaded_by FROM loads").fetchall() == [("demo",)]
    from security.store import Store

    store = Store.for_warehouse(warehouse)
    assert {(u.name, u.role, u.county) for u in store.users()} == {
        ("leader", "leader", None),
        ("supervisor", "supervisor", None),
        ("county_140702", "county", "140702"),
        ("admin", "admin", None),
    }
    assert store.authenticate("county_140702", "demo-county_140702").ok
    assert store.screen_token_id("demo-screen") is not None


def test_existing_warehouse_is_never_overwritten(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    from etl.pipeline import load_files

    ledger = tmp_path / "cases.csv"
    ledger.write_text(
        "编号,来源,问题类别,县区,受理日期,状态\nU1,排查,其他,榆次区,2024-01-02,办理中\n", encoding="utf-8"
    )
    load_files([ledger], warehouse, user="clerk")
    before = warehouse.read_bytes()
    proc = serve(warehouse)
    proc.terminate()
    proc.wait(timeout=10)
    assert warehouse.read_bytes() == before
    from security.store import Store

    assert Store.for_warehouse(warehouse).users() == []  # only the demo gets the demo's users


def test_a_real_deployment_never_builds_the_demo(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    proc = serve(warehouse, demo=False)
    with urllib.request.urlopen(f"http://127.0.0.1:{proc.port}/login", timeout=30) as response:
        assert response.status == 200
    proc.terminate()
    proc.wait(timeout=10)
    assert not warehouse.exists()
    from security.store import Store

    assert Store.for_warehouse(warehouse).users() == []  # no demo user, however the store came to be


def test_a_real_deployment_the_demo_credentials_open_is_not_served(tmp_path: Path) -> None:
    """A store set up by an older README (the demo built into data/) still holds admin /
    demo-admin and the demo's screen token: without DEMO (scripts/serve.sh) the app refuses to
    serve it and says which credentials to disable; once they are, it serves."""
    from security.store import Store, install_demo_users

    warehouse = tmp_path / "warehouse.duckdb"
    install_demo_users(warehouse)
    env = {**os.environ, "WAREHOUSE": str(warehouse), "PORT": "1", "PYTHONPATH": str(ROOT)}
    env.pop("DEMO", None)
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert (
        "拒绝启动" in done.stderr and "admin / demo-admin" in done.stderr and "/screen?token=demo-screen" in done.stderr
    )
    store = Store.for_warehouse(warehouse)
    assert store.audit_rows(event_name="login") == []  # checked without a login attempt
    for name in ("leader", "supervisor", "county_140702", "admin"):
        store.set_disabled(name, True, by="test")
    store.revoke_screen_token(store.screen_tokens()[0]["id"], by="test")
    proc = serve(warehouse, demo=False)
    proc.terminate()
    proc.wait(timeout=10)
