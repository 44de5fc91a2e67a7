"""The access store on a server database: Debian's PostgreSQL, started by the test, shared by
two app processes on different ports, each serving its own copy of the warehouse (two app
machines behind a load balancer). What the deployment needs of it:

- a session opened on one process is valid on the other, and ended by a sign-out on either;
- every process's audit rows join one chain, also when they write at the same moment;
- the chain still names a row rewritten, deleted or cut off the end, as on SQLite;
- the ETL's user command and the app read the same users.
"""

from __future__ import annotations

import glob
import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update

from security.store import Store, audit
from tests.http_client import Client

from .conftest import ROOT, Server, free_port

PASSWORD = "Kettle-orbit-57-lantern"


def _pg_bin() -> Path:
    """The newest PostgreSQL of Debian's packages (scripts/test.sh installs `postgresql`)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    assert found, "PostgreSQL is not installed: scripts/test.sh installs Debian's postgresql package"
    return Path(found[-1]).parent


@pytest.fixture(scope="module")
def postgres():
    """A PostgreSQL server of its own for this module: initdb into a temporary directory,
    listening on 127.0.0.1 at a free port; as root it runs as Debian's `postgres` user."""
    bindir = _pg_bin()
    root = Path(tempfile.mkdtemp(prefix="kanban-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*args):
        subprocess.run(as_user + [str(a) for a in args], check=True, capture_output=True, timeout=120)

    run(bindir / "initdb", "-D", data, "-A", "trust", "-U", "kanban", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-o", options, "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://kanban@127.0.0.1:{port}/postgres"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def on_postgres(postgres, monkeypatch):
    """This process's store is the server database (as the app processes' are), emptied first."""
    monkeypatch.setenv("ACCESS_DB_URL", postgres)
    store = Store(postgres)
    with store.engine.begin() as con:
        con.execute(text("TRUNCATE audit, sessions, screen_tokens, users, audit_head"))
        con.execute(text("INSERT INTO audit_head (name, last_id) VALUES ('audit', 0)"))
    return store


def _writer(url: str, label: str, n: int) -> subprocess.Popen:
    code = (
        "import sys; from security.store import Store; s = Store(sys.argv[1])\n"
        "for i in range(int(sys.argv[3])): s.record(sys.argv[2], 'cli', 'load', f'row {i}')"
    )
    return subprocess.Popen([sys.executable, "-c", code, url, label, str(n)], cwd=ROOT, env={**os.environ})


def test_writers_in_several_processes_make_one_chain_that_names_tampering(on_postgres, postgres):
    store = on_postgres
    writers = [_writer(postgres, f"writer{k}", 30) for k in range(4)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
    rows = store.audit_rows(limit=1000)
    assert len(rows) == 120
    assert sorted(r["id"] for r in rows) == list(range(1, 121))  # no id twice, none skipped
    assert {r["who"] for r in rows} == {f"writer{k}" for k in range(4)}
    check = store.verify_audit()
    assert check.ok and check.rows == 120, check.text("en")

    with store.engine.begin() as con:  # a rewritten row
        con.execute(update(audit).where(audit.c.id == 40).values(detail="nothing happened"))
    check = store.verify_audit()
    assert (check.ok, check.first_bad, check.problem) == (False, 40, "altered")
    with store.engine.begin() as con:
        con.execute(delete(audit).where(audit.c.id >= 40))  # rows 40.. gone: cut off the end
    check = store.verify_audit()
    assert (check.ok, check.rows, check.first_bad, check.problem) == (False, 39, 40, "missing")
    assert store.record("admin", "admin", "login") == 121  # ids are never handed out twice
    with store.engine.begin() as con:
        con.execute(delete(audit).where(audit.c.id == 10))  # a row in the middle
    assert store.verify_audit().first_bad == 10


def test_two_app_processes_share_users_sessions_and_one_audit_chain(on_postgres, postgres, demo_warehouse, tmp_path):
    from etl import cli

    store = on_postgres
    # the admin adds a user with the ETL's command, which writes the server database
    stdin, sys.stdin = sys.stdin, io.StringIO(PASSWORD + "\n")
    try:
        assert cli.main(["users", "add", "lin", "--role", "leader", "--password-stdin"]) == 0
    finally:
        sys.stdin = stdin
    assert [u.name for u in store.users()] == ["lin"]

    servers = []
    for name in ("a", "b"):  # two machines: each its own warehouse copy and nothing else beside it
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(demo_warehouse, folder / "warehouse.duckdb")
        env = {"DEMO": "", "ACCESS_DB_URL": postgres, "SECRET_KEY": "shared by every app machine " + "x" * 32}
        servers.append(Server(folder / "warehouse.duckdb", env=env))
    try:
        a, b = (s.start() for s in servers)
        for s in servers:
            assert not (s.warehouse.parent / "access.sqlite").exists()

        on_a = Client(a.url)
        status, headers, _ = on_a.login("lin", PASSWORD)
        assert status == 303 and not headers["Location"].endswith("/login")  # signed in: on to the dashboard
        on_b = Client(b.url)
        on_b.cookies = dict(on_a.cookies)  # the load balancer sends the next request to the other machine
        assert on_b.get("/_dash-layout")[0] == 200
        assert on_b.get("/rectification")[0] == 200
        assert Client(b.url).get("/_dash-layout")[0] in (302, 401)  # without the cookie: nothing

        status, _, _ = on_b.logout()  # signing out on b ends the session on a too
        assert status in (302, 303)
        status, headers, _ = on_a.get("/rectification")
        assert status == 302 and "/login" in headers["Location"]

        # both machines write the audit at the same time: one chain
        answers: list[tuple[int, str, int]] = []

        def cycles(url: str, source: str):
            client = Client(url, source)
            for _ in range(4):
                status, headers, _ = client.login("lin", PASSWORD)
                answers.append((status, headers["Location"], client.logout()[0]))

        threads = [
            threading.Thread(target=cycles, args=(s.url, f"127.0.0.{k + 2}")) for k, s in enumerate([a, b, a, b])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        assert len(answers) == 16 and {status for status, _, _ in answers} == {303}
        assert not any(where.endswith("/login") for _, where, _ in answers)
        assert {logout for _, _, logout in answers} <= {302, 303}
        rows = store.audit_rows(limit=1000)
        logins = [r for r in rows if r["event"] == "login"]
        assert len(logins) == 1 + 16
        assert {r["remote"] for r in logins} >= {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"}
        check = store.verify_audit()
        assert check.ok and check.rows == len(rows), check.text("en")
    finally:
        for s in servers:
            if s.proc:
                s.stop()
