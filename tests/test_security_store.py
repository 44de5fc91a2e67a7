"""The access store (a real SQLite file beside a warehouse path) and `python -m etl users|tokens`
(real subprocesses): hashes not passwords, lock-out, sessions that end, tokens stored hashed,
concurrent writers, the audit log."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from security.store import MAX_FAILURES, Store, StoreError, digest, install_demo_users, store_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.for_warehouse(tmp_path / "warehouse.duckdb")


def raw(store: Store, sql: str) -> list[tuple]:
    with sqlite3.connect(store.path) as con:
        return con.execute(sql).fetchall()


def test_the_store_lives_beside_the_warehouse(tmp_path: Path) -> None:
    assert store_path(tmp_path / "w" / "warehouse.duckdb") == (tmp_path / "w" / "access.sqlite").resolve()


def test_passwords_are_hashed_and_checked(store: Store) -> None:
    store.add_user("leader1", "leader", "correct horse")
    (stored,) = raw(store, "SELECT password_hash FROM users WHERE name = 'leader1'")[0]
    assert "correct horse" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert store.authenticate("leader1", "correct horse").ok
    assert store.authenticate("leader1", "wrong").status == "bad"
    assert store.authenticate("nobody", "correct horse").status == "bad"  # the same answer as a wrong password


def test_roles_counties_and_passwords_are_checked(store: Store) -> None:
    with pytest.raises(StoreError):
        store.add_user("x", "king", "long enough")
    with pytest.raises(StoreError):
        store.add_user("x", "county", "long enough")  # a county officer needs a county
    with pytest.raises(StoreError):
        store.add_user("x", "county", "long enough", "140700")  # a city is not a county
    with pytest.raises(StoreError):
        store.add_user("x", "leader", "short")
    assert store.add_user("x", "county", "long enough", "140702").county == "140702"
    with pytest.raises(StoreError):
        store.add_user("x", "leader", "long enough")  # exists


def test_lock_out_after_repeated_failures_then_it_lifts(store: Store) -> None:
    store.add_user("u", "leader", "the password")
    results = [store.authenticate("u", "wrong") for _ in range(MAX_FAILURES)]
    assert [r.status for r in results] == ["bad"] * (MAX_FAILURES - 1) + ["locked"]
    assert [r.failures for r in results] == list(range(1, MAX_FAILURES + 1))
    assert store.authenticate("u", "the password").status == "locked"
    locked_until = store.user("u").locked_until
    assert dt.timedelta(minutes=14) < locked_until - dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with sqlite3.connect(store.path) as con:  # the lock runs out
        con.execute("UPDATE users SET locked_until = '2000-01-01 00:00:00' WHERE name = 'u'")
    assert store.authenticate("u", "the password").ok
    assert store.user("u").failed == 0 and store.user("u").locked_until is None


def test_sessions_end_on_logout_disable_and_password_change(store: Store) -> None:
    store.add_user("u", "supervisor", "the password")
    first, second, third = (store.open_session("u") for _ in range(3))
    assert store.session_user(first).role == "supervisor"
    assert raw(store, f"SELECT count(*) FROM sessions WHERE id_hash = '{digest(first)}'") == [(1,)]
    assert first not in str(raw(store, "SELECT * FROM sessions"))  # only the digest is kept
    store.end_session(first)
    assert store.session_user(first) is None and store.session_user(second) is not None
    store.set_password("u", "a new password")
    assert store.session_user(second) is None
    fourth = store.open_session("u")
    store.set_disabled("u")
    assert store.session_user(fourth) is None and store.session_user(third) is None
    assert store.authenticate("u", "a new password").status == "disabled"
    store.set_disabled("u", False)
    assert store.authenticate("u", "a new password").ok
    assert store.session_user("") is None and store.session_user("made-up") is None


def test_screen_tokens_are_stored_hashed_and_can_be_revoked(store: Store) -> None:
    token_id, token = store.add_screen_token("lobby")
    assert len(token) >= 24 and token not in str(raw(store, "SELECT * FROM screen_tokens"))
    assert store.screen_token_id(token) == token_id and store.screen_token_valid(token_id)
    assert store.screen_token_id("guess") is None
    store.revoke_screen_token(token_id)
    assert store.screen_token_id(token) is None and not store.screen_token_valid(token_id)


def test_the_demo_users_and_token(store: Store, tmp_path: Path) -> None:
    install_demo_users(tmp_path / "warehouse.duckdb")
    install_demo_users(tmp_path / "warehouse.duckdb")  # again: the same four, passwords reset
    assert [(u.name, u.role, u.county) for u in store.users()] == [
        ("admin", "admin", None), ("county_140702", "county", "140702"), ("leader", "leader", None),
        ("supervisor", "supervisor", None)]
    for user in ("leader", "supervisor", "county_140702", "admin"):
        assert store.authenticate(user, f"demo-{user}").ok
    assert store.screen_token_id("demo-screen") is not None


def _hammer(args: tuple[str, int]) -> int:
    path, n = args
    store = Store(path)
    for i in range(n):
        store.record(f"w{os.getpid()}", "leader", "export", f"row {i}")
        store.authenticate("u", "wrong" if i % 2 else "the password")
    return n


def test_several_processes_write_at_once(store: Store) -> None:
    store.add_user("u", "leader", "the password")
    with ProcessPoolExecutor(4) as pool:
        done = sum(pool.map(_hammer, [(str(store.path), 25)] * 4))
    assert store.audit_count() == done == 100


def test_audit_records_newest_first(store: Store) -> None:
    from security import audit

    audit.record("load", "cases.csv 12 rows", who="admin", role="admin", store=store)
    audit.record("export", "overview", who="leader", role="leader", scope="regions=all", store=store)
    rows = audit.recent(store=store)
    assert [(r["event"], r["who"], r["detail"]) for r in rows] == [("export", "leader", "overview"),
                                                                   ("load", "admin", "cases.csv 12 rows")]
    assert rows[0]["scope"] == "regions=all" and isinstance(rows[0]["at"], dt.datetime)
    assert [r["event"] for r in audit.recent(event="load", store=store)] == ["load"]


def etl(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "etl", *args, "--warehouse", str(tmp_path / "warehouse.duckdb")],
                          cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_users_command_line(tmp_path: Path) -> None:
    added = etl(tmp_path, "users", "add", "zhang", "--role", "county", "--county", "140702", "--password-stdin",
                stdin="a long password\n")
    assert added.returncode == 0, added.stderr
    assert "zhang" in added.stdout
    assert etl(tmp_path, "users", "add", "li", "--role", "admin", "--password-stdin", stdin="short\n").returncode == 1
    assert etl(tmp_path, "users", "add", "li", "--role", "county", "--password-stdin",
               stdin="a long password\n").returncode == 1
    listed = json.loads(etl(tmp_path, "users", "list", "--json").stdout)
    assert listed == [{"name": "zhang", "role": "county", "county": "140702", "disabled": False, "locked_until": None}]
    assert etl(tmp_path, "users", "disable", "zhang").returncode == 0
    assert json.loads(etl(tmp_path, "users", "list", "--json").stdout)[0]["disabled"] is True
    assert etl(tmp_path, "users", "disable", "nobody").returncode == 1
    assert etl(tmp_path, "users", "enable", "zhang").returncode == 0
    assert etl(tmp_path, "users", "passwd", "zhang", "--password-stdin", stdin="another password\n").returncode == 0
    store = Store.for_warehouse(tmp_path / "warehouse.duckdb")
    assert store.authenticate("zhang", "another password").ok


def test_tokens_command_line(tmp_path: Path) -> None:
    made = etl(tmp_path, "tokens", "add", "--label", "指挥中心大屏")
    assert made.returncode == 0, made.stderr
    token = made.stdout.split("/screen?token=")[1].strip()
    store = Store.for_warehouse(tmp_path / "warehouse.duckdb")
    token_id = store.screen_token_id(token)
    assert token_id is not None
    listing = etl(tmp_path, "tokens", "list").stdout
    assert "指挥中心大屏" in listing and token not in listing
    assert etl(tmp_path, "tokens", "revoke", str(token_id)).returncode == 0
    assert store.screen_token_id(token) is None
