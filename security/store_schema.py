"""Where the access store lives and its tables: SQLite beside the warehouse, or the server
database named by ACCESS_DB_URL (PostgreSQL), one SQLAlchemy engine per store and process;
the tables of users, sessions, screen tokens and the chained audit log; the migration of a
store made by an older version. `security.store.Store` reads and writes them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    text,
)
from sqlalchemy.engine import Engine, make_url

import settings
from security.forkgate import GATE

GENESIS = "0" * 64  # the "previous hash" of the first audit row

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("county", String(6)),  # county officers only: the county-level region code
    Column("password_hash", Text, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(64), ForeignKey("users.name"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
    Column("last_seen_at", DateTime),  # the idle timeout counts from here (NULL: from created_at)
)

screen_tokens = Table(
    "screen_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(128), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("who", String(64), nullable=False),
    Column("role", String(16), nullable=False, default=""),
    Column("event", String(32), nullable=False, index=True),
    Column("detail", Text, nullable=False, default=""),
    Column("scope", Text, nullable=False, default=""),
    Column("remote", String(64), nullable=False, default=""),
    Column("hash", String(64), nullable=False),  # chained: see verify_audit
    sqlite_autoincrement=True,  # ids are never reused, so a deleted row leaves a gap
)
# On a server database only: the highest audit id handed out (SQLite keeps it in sqlite_sequence).
server_metadata = MetaData()
audit_head = Table(
    "audit_head",
    server_metadata,
    Column("name", String(16), primary_key=True),
    Column("last_id", Integer, nullable=False),
)
AUDIT_FIELDS = ("id", "at", "who", "role", "event", "detail", "scope", "remote")
AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # as SQLAlchemy stores a DateTime in SQLite


def now() -> dt.datetime:
    """Naive UTC: SQLite stores no zone (and the server database's columns are without zone too)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def store_path(warehouse: Path | str | None = None) -> Path:
    """`access.sqlite` beside the warehouse ($WAREHOUSE or data/warehouse.duckdb)."""
    if warehouse is None:
        from etl.warehouse import DEFAULT_WAREHOUSE

        warehouse = settings.get("WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(warehouse).resolve().parent / "access.sqlite"


def store_url() -> str | None:
    """The server database shared by several app machines (ACCESS_DB_URL), or None: SQLite."""
    return settings.get("ACCESS_DB_URL") or None


def store_location(warehouse: Path | str | None = None) -> str:
    """Where the store is, for messages: the server database's URL without its password, or the file."""
    url = store_url()
    return make_url(url).render_as_string(hide_password=True) if url else str(store_path(warehouse))


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _engines_lock_after_fork() -> None:
    # Every request takes the lock (`_engine`); a job forked while another thread held it would
    # inherit it held by a thread that did not come along, and wait for ever at its first use
    # of the store (tests/test_forkgate.py). The child's engines are its own (keyed by pid).
    global _engines_lock
    _engines_lock = threading.Lock()


os.register_at_fork(after_in_child=_engines_lock_after_fork)
_SCHEMA_LOCK = 7_341_117  # the advisory lock under which app processes create the server database's tables


def _server_engine(url: str) -> Engine:
    """A server database (PostgreSQL): tables created once, under an advisory lock, whichever
    of several processes starting together gets there first."""
    engine = create_engine(url, pool_pre_ping=True)
    with engine.begin() as con:
        if engine.dialect.name == "postgresql":
            con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
        metadata.create_all(con)
        server_metadata.create_all(con)
        if con.execute(select(audit_head.c.last_id).where(audit_head.c.name == "audit")).first() is None:
            con.execute(insert(audit_head).values(name="audit", last_id=0))
    return engine


def _engine(path: Path | str) -> Engine:
    """One engine per store and process (created lazily: gunicorn workers fork after import)."""
    key = f"{os.getpid()}:{path}"
    with _engines_lock:
        if key not in _engines and isinstance(path, str):
            _engines[key] = _server_engine(path)
        if key not in _engines:
            path.parent.mkdir(parents=True, exist_ok=True)
            # password hashes and who saw what: the owner's only. Created 0600 before SQLite opens
            # it, because SQLite gives the -wal and -shm files the database file's permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if part.exists():
                    os.chmod(part, 0o600)
            engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

            # a connection in use holds the fork gate: a job is never forked while this thread or
            # another is inside the store (security/forkgate.py)
            event.listen(engine, "checkout", lambda *_: GATE.enter())
            event.listen(engine, "checkin", lambda *_: GATE.leave())

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record):
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            metadata.create_all(engine)
            _migrate(engine)
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
            _engines[key] = engine
        return _engines[key]


def chain_hash(prev: str, values: dict) -> str:
    """SHA-256 over the previous row's hash and this row's fields, in a fixed order."""
    at = values["at"]
    at = at.strftime(AT_FORMAT) if isinstance(at, dt.datetime) else str(at)
    body = json.dumps(
        [values["id"], at] + [values[f] or "" for f in AUDIT_FIELDS[2:]], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256((prev + body).encode("utf-8")).hexdigest()


def _migrate(engine: Engine) -> None:
    """Bring a store made by an older version up to date, once, under SQLite's write lock:
    sessions get `last_seen_at`; the audit table gets AUTOINCREMENT and the hash chain (the
    rows it holds are chained as they are, in id order)."""
    from sqlalchemy.schema import CreateIndex, CreateTable

    raw = engine.raw_connection()
    try:
        con = raw.driver_connection
        columns = {t: {r[1] for r in con.execute(f"PRAGMA table_info({t})")} for t in ("sessions", "audit")}
        if "last_seen_at" in columns["sessions"] and "hash" in columns["audit"]:
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            if "last_seen_at" not in {r[1] for r in con.execute("PRAGMA table_info(sessions)")}:
                con.execute("ALTER TABLE sessions ADD COLUMN last_seen_at DATETIME")
            if "hash" not in {r[1] for r in con.execute("PRAGMA table_info(audit)")}:
                for (name,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit' AND sql IS NOT NULL"
                ).fetchall():
                    con.execute(f'DROP INDEX "{name}"')
                con.execute("ALTER TABLE audit RENAME TO audit_legacy")
                con.execute(str(CreateTable(audit).compile(engine)))
                for index in audit.indexes:
                    con.execute(str(CreateIndex(index).compile(engine)))
                prev = GENESIS
                for row in con.execute(f"SELECT {', '.join(AUDIT_FIELDS)} FROM audit_legacy ORDER BY id").fetchall():
                    values = dict(zip(AUDIT_FIELDS, row, strict=False))
                    values["hash"] = prev = chain_hash(prev, values)
                    con.execute(
                        f"INSERT INTO audit ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                        list(values.values()),
                    )
                con.execute("DROP TABLE audit_legacy")
            con.commit()
        except BaseException:
            con.rollback()
            raise
    finally:
        raw.close()
