"""The access store (a real SQLite file beside a warehouse path) and `python -m etl users|tokens|audit`
(in process): hashes not passwords, the password policy, no lock-out by the store, sessions
that end (also when idle), tokens stored hashed, concurrent writers, the audit log and its hash
chain (rows deleted or rewritten with sqlite3 are found), every change audited."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from security.store import Store, StoreError, check_password, digest, install_demo_users, store_path
from tests.test_etl_cli import Run

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
        store.add_user("x", "king", "amber-kite-19-harbor")
    with pytest.raises(StoreError):
        store.add_user("x", "county", "amber-kite-19-harbor")  # a county officer needs a county
    with pytest.raises(StoreError):
        store.add_user("x", "county", "amber-kite-19-harbor", "140700")  # a city is not a county
    with pytest.raises(StoreError):
        store.add_user("x", "leader", "short")
    assert store.add_user("x", "county", "amber-kite-19-harbor", "140702").county == "140702"
    with pytest.raises(StoreError):
        store.add_user("x", "leader", "amber-kite-19-harbor")  # exists


def test_the_store_never_locks_an_account_it_counts_failures(store: Store) -> None:
    """Anybody who knows a name could lock its owner out: the store only counts (the web layer
    throttles by account and address, tests/test_security_login.py)."""
    store.add_user("u", "leader", "amber-kite-19-harbor")
    results = [store.authenticate("u", "wrong") for _ in range(8)]
    assert [r.status for r in results] == ["bad"] * 8 and [r.failures for r in results] == list(range(1, 9))
    assert store.authenticate("u", "amber-kite-19-harbor").ok
    assert store.user("u").failed == 0


@pytest.mark.parametrize(
    "password, why",
    [
        ("short", "至少"),
        ("password123", "容易猜"),  # a common password, long enough
        ("qwertyuiop12", "容易猜"),  # a keyboard run
        ("1qaz2wsx3edc", "容易猜"),
        ("zhangwei2024", "用户名"),  # the user name in it
        ("ZHANGWEI", "至少"),
        ("zhangwei-plus-more", "用户名"),
        ("iloveyou1234", "容易猜"),
    ],
)
def test_the_password_policy_refuses_names_and_common_passwords(store: Store, password: str, why: str) -> None:
    with pytest.raises(StoreError, match=why):
        store.add_user("zhangwei", "leader", password)
    with pytest.raises(StoreError, match=why):
        check_password(password, "zhangwei")
    check_password("amber-kite-19-harbor", "zhangwei")  # a passphrase passes


def test_a_password_change_follows_the_policy_too(store: Store) -> None:
    store.add_user("u1", "leader", "amber-kite-19-harbor")
    with pytest.raises(StoreError):
        store.set_password("u1", "password1234")
    assert store.authenticate("u1", "amber-kite-19-harbor").ok


def test_an_idle_session_ends(store: Store) -> None:
    store.add_user("u", "leader", "amber-kite-19-harbor")
    token = store.open_session("u")
    assert store.session_user(token) is not None
    with sqlite3.connect(store.path) as con:  # 31 minutes without a request
        con.execute(
            "UPDATE sessions SET created_at = datetime('now', '-40 minutes'), "
            "last_seen_at = datetime('now', '-31 minutes')"
        )
    assert store.session_user(token, idle_minutes=30) is None
    fresh = store.open_session("u")
    with sqlite3.connect(store.path) as con:  # a request 29 minutes ago keeps it open, and counts as seen
        con.execute(
            "UPDATE sessions SET created_at = datetime('now', '-3 hours'), "
            "last_seen_at = datetime('now', '-29 minutes') WHERE ended_at IS NULL AND id_hash = ?",
            (digest(fresh),),
        )
    assert store.session_user(fresh, idle_minutes=30) is not None
    seen = raw(
        store, f"SELECT last_seen_at > datetime('now', '-1 minutes') FROM sessions WHERE id_hash = '{digest(fresh)}'"
    )
    assert seen == [(1,)]


def test_sessions_end_on_logout_disable_and_password_change(store: Store) -> None:
    store.add_user("u", "supervisor", "amber-kite-19-harbor")
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
        ("admin", "admin", None),
        ("county_140702", "county", "140702"),
        ("leader", "leader", None),
        ("supervisor", "supervisor", None),
    ]
    for user in ("leader", "supervisor", "county_140702", "admin"):
        assert store.authenticate(user, f"demo-{user}").ok
    assert store.screen_token_id("demo-screen") is not None


def _hammer(args: tuple[str, int]) -> int:
    path, n = args
    store = Store(path)
    for i in range(n):
        store.record(f"w{os.getpid()}", "leader", "export", f"row {i}")
        store.authenticate("u", "wrong" if i % 2 else "amber-kite-19-harbor")
    return n


def test_several_processes_write_at_once(store: Store) -> None:
    store.add_user("u", "leader", "amber-kite-19-harbor")
    with ProcessPoolExecutor(4) as pool:
        done = sum(pool.map(_hammer, [(str(store.path), 10)] * 4))
    assert store.audit_count() == done + 1 == 41  # and the user_add
    check = store.verify_audit()  # four processes appending at once never chain two rows to one
    assert check.ok and check.rows == 41


def test_audit_records_newest_first(store: Store) -> None:
    from security import audit

    audit.record("load", "cases.csv 12 rows", who="admin", role="admin", store=store)
    audit.record("export", "overview", who="leader", role="leader", scope="regions=all", store=store)
    rows = audit.recent(store=store)
    assert [(r["event"], r["who"], r["detail"]) for r in rows] == [
        ("export", "leader", "overview"),
        ("load", "admin", "cases.csv 12 rows"),
    ]
    assert rows[0]["scope"] == "regions=all" and isinstance(rows[0]["at"], dt.datetime)
    assert [r["event"] for r in audit.recent(event="load", store=store)] == ["load"]


@pytest.fixture
def etl(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    """`python -m etl <args> --warehouse <tmp_path>/warehouse.duckdb` in this process (etl.cli.main, as
    `python -m etl` calls it), `stdin` as its standard input. The process boundary and the wrapper are
    tested with real subprocesses in tests/test_etl_cli.py."""
    from etl.cli import main

    monkeypatch.delenv("ETL_PROG", raising=False)

    def run(tmp_path: Path, *args: str, stdin: str = "") -> Run:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main([*args, "--warehouse", str(tmp_path / "warehouse.duckdb")])
        except SystemExit as exit_:  # argparse's refusals
            code = exit_.code
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def test_users_command_line(tmp_path: Path, etl) -> None:
    added = etl(
        tmp_path,
        "users",
        "add",
        "zhang",
        "--role",
        "county",
        "--county",
        "140702",
        "--password-stdin",
        stdin="a long password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "zhang" in added.stdout
    assert etl(tmp_path, "users", "add", "li", "--role", "admin", "--password-stdin", stdin="short\n").returncode == 1
    assert (
        etl(
            tmp_path, "users", "add", "li", "--role", "county", "--password-stdin", stdin="a long password\n"
        ).returncode
        == 1
    )
    listed = json.loads(etl(tmp_path, "users", "list", "--json").stdout)
    assert listed == [{"name": "zhang", "role": "county", "county": "140702", "disabled": False, "failed": 0}]
    weak = etl(tmp_path, "users", "add", "wang", "--role", "admin", "--password-stdin", stdin="password1234\n")
    assert weak.returncode == 1 and "容易猜" in weak.stderr
    assert etl(tmp_path, "users", "disable", "zhang").returncode == 0
    assert json.loads(etl(tmp_path, "users", "list", "--json").stdout)[0]["disabled"] is True
    assert etl(tmp_path, "users", "disable", "nobody").returncode == 1
    assert etl(tmp_path, "users", "enable", "zhang").returncode == 0
    assert etl(tmp_path, "users", "passwd", "zhang", "--password-stdin", stdin="another password\n").returncode == 0
    assert etl(tmp_path, "users", "role", "zhang", "--role", "leader").returncode == 0
    store = Store.for_warehouse(tmp_path / "warehouse.duckdb")
    assert store.authenticate("zhang", "another password").ok
    assert store.user("zhang").role == "leader" and store.user("zhang").county is None
    # every change is in the audit log, with who made it
    events = [(r["event"], r["detail"].split(":")[0]) for r in store.audit_rows()][::-1]
    assert events == [
        ("user_add", "zhang"),
        ("user_disable", "zhang"),
        ("user_enable", "zhang"),
        ("password_change", "zhang"),
        ("role_change", "zhang"),
    ]
    assert all(r["who"] for r in store.audit_rows())


def test_tokens_command_line(tmp_path: Path, etl) -> None:
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
    assert [r["event"] for r in store.audit_rows()] == ["token_revoke", "token_add"]


# ---------------------------------------------------------------- the audit log's hash chain


def _filled(store: Store, n: int = 6) -> None:
    for i in range(n):
        store.record(f"user{i}", "leader", "export", f"file {i}", "regions=all", "10.0.0.1")


def test_the_audit_chain_is_whole_and_ids_are_never_reused(store: Store) -> None:
    _filled(store)
    check = store.verify_audit()
    assert check.ok and check.rows == 6
    assert [r["id"] for r in store.audit_rows()] == [6, 5, 4, 3, 2, 1]
    assert "AUTOINCREMENT" in raw(store, "SELECT sql FROM sqlite_master WHERE name = 'audit'")[0][0]
    with sqlite3.connect(store.path) as con:  # the newest row deleted: its id is not handed out again
        con.execute("DELETE FROM audit WHERE id = 6")
    assert store.record("x", "", "export") == 7


def test_a_row_rewritten_with_sqlite3_is_found(store: Store) -> None:
    _filled(store)
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE audit SET detail = 'nothing to see' WHERE id = 3")
    check = store.verify_audit()
    assert not check.ok and (check.first_bad, check.problem) == (3, "altered")
    assert "第 3 条" in check.text("zh") and "record 3" in check.text("en")


def test_a_row_rewritten_with_its_hash_recomputed_breaks_the_next(store: Store) -> None:
    from security.store import AUDIT_FIELDS, GENESIS, chain_hash

    _filled(store)
    with sqlite3.connect(store.path) as con:  # a forger who knows the scheme fixes row 3's own hash
        rows = con.execute(f"SELECT {', '.join(AUDIT_FIELDS)}, hash FROM audit ORDER BY id").fetchall()
        values = dict(zip(AUDIT_FIELDS, rows[2][:-1], strict=False), who="someone else")
        con.execute("UPDATE audit SET who = ?, hash = ? WHERE id = 3", (values["who"], chain_hash(rows[1][-1], values)))
    check = store.verify_audit()
    assert (check.ok, check.first_bad, check.problem) == (False, 4, "altered")
    assert GENESIS == "0" * 64


@pytest.mark.parametrize("deleted, first_bad", [(1, 1), (4, 4), (6, 6)])
def test_a_deleted_row_is_found_first_middle_or_last(store: Store, deleted: int, first_bad: int) -> None:
    _filled(store)
    with sqlite3.connect(store.path) as con:
        con.execute("DELETE FROM audit WHERE id = ?", (deleted,))
    check = store.verify_audit()
    assert (check.ok, check.first_bad, check.problem) == (False, first_bad, "missing")
    store.record("later", "", "export")  # a row written after the deletion does not heal the chain
    assert store.verify_audit().first_bad == first_bad


def test_audit_verify_command_line(tmp_path: Path, etl) -> None:
    store = Store.for_warehouse(tmp_path / "warehouse.duckdb")
    _filled(store)
    whole = etl(tmp_path, "audit", "verify")
    assert whole.returncode == 0 and "审计链完整：6 条" in whole.stdout
    with sqlite3.connect(store.path) as con:
        con.execute("DELETE FROM audit WHERE id = 2")
    broken = etl(tmp_path, "audit", "verify", "--json")
    assert broken.returncode == 1
    assert json.loads(broken.stdout) == {"ok": False, "rows": 5, "first_bad": 2, "problem": "missing"}
    assert "第 2 条记录缺失" in etl(tmp_path, "audit", "verify").stderr


def test_a_store_of_the_older_version_is_chained_on_first_open(tmp_path: Path) -> None:
    """A store made before the chain (no hash column, no AUTOINCREMENT): its rows are kept and chained."""
    path = tmp_path / "access.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(
            "CREATE TABLE audit (id INTEGER NOT NULL PRIMARY KEY, at DATETIME NOT NULL, who VARCHAR(64) NOT NULL,"
            " role VARCHAR(16) NOT NULL, event VARCHAR(32) NOT NULL, detail TEXT NOT NULL, scope TEXT NOT NULL,"
            " remote VARCHAR(64) NOT NULL)"
        )
        con.execute("CREATE INDEX ix_audit_at ON audit (at)")
        con.execute(
            "CREATE TABLE sessions (id_hash VARCHAR(64) PRIMARY KEY, user_name VARCHAR(64) NOT NULL, "
            "created_at DATETIME NOT NULL, expires_at DATETIME NOT NULL, ended_at DATETIME)"
        )
        con.executemany(
            "INSERT INTO audit VALUES (?, '2025-01-0' || ? || ' 08:00:00.000000', 'old', 'admin', 'login', '', '', '')",
            [(i, i) for i in range(1, 4)],
        )
    store = Store(path)
    assert [r["id"] for r in store.audit_rows()] == [3, 2, 1] and store.verify_audit().ok
    assert store.record("new", "", "export") == 4 and store.verify_audit().rows == 4
    assert "last_seen_at" in {r[1] for r in raw(store, "PRAGMA table_info(sessions)")}
