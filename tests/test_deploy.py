"""A real deployment set up as the README says, from a fresh clone, in real subprocesses: it
never gets the demo's public users or screen token, and the demo never goes into it (issue 15);
it is served by gunicorn's worker processes with the threaded server's safety kept: no Server
header, an oversized body refused before it is read, a session valid in every worker (issue 17)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Qz7#mT9!pLx2-admin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def clone(tmp_path) -> Path:
    """A fresh clone of the committed project (no data/, no .venv: the interpreter's venv is used)."""
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    return target


def _run(clone: Path, *command: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(command),
        cwd=clone,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "VENV": sys.prefix, **(env or {})},
    )


def test_the_readme_real_deployment_never_gets_the_demo(clone, clerk):
    # the README's steps, as written: the first admin, a ledger, then serve
    done = _run(
        clone, "scripts/etl", "users", "add", "admin1", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert done.returncode == 0, done.stderr
    ledger = clerk.csv(
        "问题.csv",
        ["编号", "来源", "问题类别", "县区", "受理日期", "状态"],
        [["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中"]],
    )
    done = _run(clone, "scripts/etl", "load", str(ledger))
    assert done.returncode == 0, done.stdout + done.stderr

    port = _free_port()
    server = subprocess.Popen(
        ["bash", "scripts/serve.sh"],
        cwd=clone,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        env={**os.environ, "VENV": sys.prefix, "PORT": str(port), "WORKERS": "2", "THREADS": "2"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                assert server.poll() is None, "the server exited"
                time.sleep(0.3)
        login = urllib.request.urlopen(base + "/login", timeout=5)
        assert login.status == 200 and login.headers.get("Server") is None
        with pytest.raises(urllib.error.HTTPError):  # the demo's public screen token opens nothing
            opener = urllib.request.build_opener(_NoRedirect)
            opener.open(base + "/screen?token=demo-screen", timeout=10)
        assert len(_children(server.pid)) == 2  # two worker processes under the master
        _served_by_workers(port)
    finally:
        server.terminate()
        server.wait(timeout=20)

    store = clone / "data" / "access.sqlite"
    with sqlite3.connect(store) as con:
        assert [r[0] for r in con.execute("SELECT name FROM users")] == ["admin1"]
        assert con.execute("SELECT count(*) FROM screen_tokens").fetchone()[0] == 0
    assert not (clone / "data" / "demo" / "warehouse.duckdb").exists()

    # and the demo refuses the real warehouse, loudly, leaving it as it was
    real = clone / "data" / "warehouse.duckdb"
    before = real.read_bytes()
    done = _run(clone, "scripts/etl", "demo", "--warehouse", str(real))
    assert done.returncode == 2 and "已有非演示数据" in done.stderr
    assert real.read_bytes() == before
    with duckdb.connect(str(real), read_only=True) as con:
        assert con.execute("SELECT DISTINCT loaded_by FROM loads").fetchall() != [("demo",)]


def _children(pid: int) -> list[str]:
    """The processes whose parent is `pid` (gunicorn's workers), by their command's name."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append((stat.parent / "comm").read_text().strip())
    return found


def _served_by_workers(port: int) -> None:
    """A sign-in in one worker holds in the other; an oversized body is refused unread."""
    import http.client

    from tests.http_client import Client

    base = f"http://127.0.0.1:{port}"
    client = Client(base)
    status, headers, _ = client.login("admin1", PASSWORD)
    assert status == 303 and not headers["Location"].endswith("/login"), status
    # new connections are spread over both workers: every one of them knows the session
    assert {client.get("/_dash-layout")[0] for _ in range(12)} == {200}
    assert Client(base).get("/_dash-layout")[0] in (302, 401)  # and nothing without it
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())

    con = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # 1 GB announced, 16 bytes sent
    con.putrequest("POST", "/_dash-update-component")
    con.putheader("Content-Length", str(1 << 30))
    con.putheader("Content-Type", "application/json")
    con.putheader("Cookie", cookie)
    con.endheaders()
    con.send(b'{"output": "x"}')
    response = con.getresponse()
    assert response.status == 413 and response.headers.get("Server") is None
    con.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_demo_refuses_a_warehouse_beside_real_users(tmp_path):
    from etl import demo
    from security.store import Store

    warehouse = tmp_path / "warehouse.duckdb"
    Store.for_warehouse(warehouse).add_user("admin1", "admin", PASSWORD, None)

    with pytest.raises(demo.DemoRefused, match="已有真实用户（admin1）"):
        demo.build(warehouse, out_dir=tmp_path / "ledgers")
    assert not warehouse.exists()


def test_files_with_personal_data_are_the_owners_only(clone, clerk):
    """The warehouse, the access store and its -wal/-shm, kept checks: mode 0600 (folders 0700),
    whatever the umask of the shell that ran the commands."""
    import stat

    env = {"UMASK_TEST": "1"}
    done = _run(
        clone,
        "bash",
        "-c",
        "umask 022 && scripts/etl users add admin1 --role admin --password-stdin",
        stdin=PASSWORD + "\n",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    ledger = clerk.csv(
        "问题.csv",
        ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "联系电话"],
        [
            ["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中", "13812345678"],
            ["JZ002", "投诉举报", "违规收费", "榆茨区", "2024-03-01", "办理中", "13912345678"],
        ],
    )
    other = clerk.csv(
        "问题2.csv",
        ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "联系电话"],
        [["JZ003", "投诉举报", "违规收费", "榆茨区", "2024-03-01", "办理中", "13712345678"]],
    )
    for command, path in (("load", ledger), ("check", other)):
        done = _run(clone, "bash", "-c", f"umask 022 && scripts/etl {command} '{path}'")
        assert done.returncode in (0, 1), done.stdout + done.stderr
    data = clone / "data"
    files = [data / "warehouse.duckdb", data / "access.sqlite"] + list((data / "warehouse.duckdb.checks").glob("*"))
    assert len(files) == 3
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path, oct(path.stat().st_mode))
    assert stat.S_IMODE((data / "warehouse.duckdb.checks").stat().st_mode) == 0o700


def test_the_access_stores_wal_and_shm_are_the_owners_only(tmp_path):
    import stat

    from security.store import Store

    old = os.umask(0o022)  # a permissive shell
    try:
        store = Store(tmp_path / "access.sqlite")
        store.add_user("admin1", "admin", PASSWORD, None)
        with store.engine.connect():  # WAL mode: -wal and -shm exist while a connection is open
            parts = [tmp_path / "access.sqlite", tmp_path / "access.sqlite-wal", tmp_path / "access.sqlite-shm"]
            assert all(p.exists() for p in parts)
            assert [oct(stat.S_IMODE(p.stat().st_mode)) for p in parts] == [oct(0o600)] * 3
    finally:
        os.umask(old)
