"""The access store: users, login sessions, screen tokens and the audit log, in SQLite.

It lives beside the warehouse (`access.sqlite` in the warehouse's directory, so a test
warehouse in a temporary directory gets its own store) and not in it: the dashboard
opens the warehouse read-only and the ETL replaces it at every publish, while logins
and audit records are written concurrently by several workers. SQLite in WAL mode with
a busy timeout serialises those writes.

Passwords are stored as werkzeug.security hashes (scrypt); session ids and screen tokens
as SHA-256 digests of high-entropy random strings. Nothing secret is stored in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, create_engine,
                        event, func, insert, select, update)
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

ROLES = ("leader", "supervisor", "county", "admin")
MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
SESSION_HOURS = float(os.environ.get("SESSION_HOURS", "12"))
MIN_PASSWORD = 8
# Compared against when the user name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password " + secrets.token_hex(8))

metadata = MetaData()

users = Table(
    "users", metadata,
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
    "sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_name", String(64), ForeignKey("users.name"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("ended_at", DateTime),
)

screen_tokens = Table(
    "screen_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(128), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("who", String(64), nullable=False),
    Column("role", String(16), nullable=False, default=""),
    Column("event", String(32), nullable=False, index=True),
    Column("detail", Text, nullable=False, default=""),
    Column("scope", Text, nullable=False, default=""),
    Column("remote", String(64), nullable=False, default=""),
)


class StoreError(ValueError):
    """A request the store refuses (unknown role, duplicate user, short password …)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    county: Optional[str]
    disabled: bool
    failed: int
    locked_until: Optional[dt.datetime]
    created_at: dt.datetime


@dataclass(frozen=True)
class LoginResult:
    """`status`: ok, bad (unknown name or wrong password), locked, disabled. `failures`:
    the failures in a row after this attempt (for the caller's delay)."""

    status: str
    user: Optional[User] = None
    failures: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def now() -> dt.datetime:
    """Naive UTC: SQLite stores no zone."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def store_path(warehouse: Path | str | None = None) -> Path:
    """`access.sqlite` beside the warehouse ($WAREHOUSE or data/warehouse.duckdb)."""
    if warehouse is None:
        from etl.warehouse import DEFAULT_WAREHOUSE

        warehouse = os.environ.get("WAREHOUSE", DEFAULT_WAREHOUSE)
    return Path(warehouse).resolve().parent / "access.sqlite"


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _engine(path: Path) -> Engine:
    """One engine per file and process (created lazily: gunicorn workers fork after import)."""
    key = f"{os.getpid()}:{path}"
    with _engines_lock:
        if key not in _engines:
            path.parent.mkdir(parents=True, exist_ok=True)
            # password hashes and who saw what: the owner's only. Created 0600 before SQLite opens
            # it, because SQLite gives the -wal and -shm files the database file's permissions.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                if part.exists():
                    os.chmod(part, 0o600)
            engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection, _record):
                cur = dbapi_connection.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            metadata.create_all(engine)
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
            _engines[key] = engine
        return _engines[key]


def _user(row) -> User:
    return User(row.name, row.role, row.county, bool(row.disabled), row.failed, row.locked_until, row.created_at)


def check_county(code: Optional[str]) -> str:
    """A county-level code from data/regions.csv (county officers' scope)."""
    from etl.regions import read_regions

    code = (code or "").strip()
    levels = {r.code: r.level for r in read_regions()}
    if levels.get(code) != "county":
        raise StoreError(f"“{code}”不是县级行政区划代码（例如 140702 榆次区）")
    return code


class Store:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.engine = _engine(self.path)

    @classmethod
    def for_warehouse(cls, warehouse: Path | str | None = None) -> "Store":
        return cls(store_path(warehouse))

    # ------------------------------------------------------------ users

    def add_user(self, name: str, role: str, password: str, county: Optional[str] = None) -> User:
        name = (name or "").strip()
        if not name or len(name) > 64 or any(c.isspace() for c in name):
            raise StoreError("用户名不能为空、不能含空白、最长 64 个字符")
        if role not in ROLES:
            raise StoreError(f"角色必须是 {', '.join(ROLES)} 之一")
        county = check_county(county) if role == "county" else None
        _check_password(password)
        at = now()
        with self.engine.begin() as con:
            if con.execute(select(users.c.name).where(users.c.name == name)).first():
                raise StoreError(f"用户 {name} 已存在")
            con.execute(insert(users).values(name=name, role=role, county=county,
                                             password_hash=generate_password_hash(password), disabled=False, failed=0,
                                             created_at=at, password_changed_at=at))
        return self.user(name)

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self.engine.begin() as con:
            done = con.execute(update(users).where(users.c.name == name).values(
                password_hash=generate_password_hash(password), failed=0, locked_until=None,
                password_changed_at=now())).rowcount
            if not done:
                raise StoreError(f"没有用户 {name}")
            con.execute(update(sessions).where(sessions.c.user_name == name, sessions.c.ended_at.is_(None))
                        .values(ended_at=now()))

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        """Disable (or enable) a user; disabling ends the user's open sessions at once."""
        with self.engine.begin() as con:
            done = con.execute(update(users).where(users.c.name == name).values(
                disabled=disabled, failed=0, locked_until=None)).rowcount
            if not done:
                raise StoreError(f"没有用户 {name}")
            if disabled:
                con.execute(update(sessions).where(sessions.c.user_name == name, sessions.c.ended_at.is_(None))
                            .values(ended_at=now()))

    def user(self, name: str) -> Optional[User]:
        with self.engine.connect() as con:
            row = con.execute(select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        with self.engine.connect() as con:
            return [_user(r) for r in con.execute(select(users).order_by(users.c.name))]

    def ensure_user(self, name: str, role: str, password: str, county: Optional[str] = None) -> None:
        """Create the user, or reset an existing one to this role, county and password (demo)."""
        if self.user(name) is None:
            self.add_user(name, role, password, county)
            return
        county = check_county(county) if role == "county" else None
        with self.engine.begin() as con:
            con.execute(update(users).where(users.c.name == name).values(role=role, county=county, disabled=False))
        self.set_password(name, password)

    # ------------------------------------------------------------ login

    def authenticate(self, name: str, password: str) -> LoginResult:
        """Check a password; count failures in a row; lock the account for LOCK_MINUTES after
        MAX_FAILURES of them. A locked account refuses even the right password until then."""
        at = now()
        with self.engine.begin() as con:
            row = con.execute(select(users).where(users.c.name == (name or ""))).first()
            if row is None:
                check_password_hash(_DUMMY_HASH, password or "")
                return LoginResult("bad")
            if row.locked_until and row.locked_until > at:
                return LoginResult("locked", _user(row), row.failed)
            if not check_password_hash(row.password_hash, password or ""):
                failed = (0 if row.locked_until else row.failed) + 1
                locked = at + dt.timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILURES else None
                con.execute(update(users).where(users.c.name == row.name).values(failed=failed, locked_until=locked))
                return LoginResult("locked" if locked else "bad", _user(row), failed)
            if row.disabled:
                return LoginResult("disabled", _user(row))
            con.execute(update(users).where(users.c.name == row.name).values(failed=0, locked_until=None))
            return LoginResult("ok", _user(row))

    def open_session(self, name: str, hours: float = SESSION_HOURS) -> str:
        """A new session for the user; returns its id (kept only in the signed session cookie)."""
        token = secrets.token_urlsafe(32)
        at = now()
        with self.engine.begin() as con:
            con.execute(insert(sessions).values(id_hash=digest(token), user_name=name, created_at=at,
                                                expires_at=at + dt.timedelta(hours=hours)))
        return token

    def session_user(self, token: str) -> Optional[User]:
        """The user of an open, unexpired session whose account is enabled; else None."""
        if not token:
            return None
        with self.engine.connect() as con:
            row = con.execute(
                select(users).join(sessions, sessions.c.user_name == users.c.name)
                .where(sessions.c.id_hash == digest(token), sessions.c.ended_at.is_(None),
                       sessions.c.expires_at > now(), users.c.disabled.is_(False))
            ).first()
        return _user(row) if row else None

    def end_session(self, token: str) -> None:
        with self.engine.begin() as con:
            con.execute(update(sessions).where(sessions.c.id_hash == digest(token), sessions.c.ended_at.is_(None))
                        .values(ended_at=now()))

    # ------------------------------------------------------------ screen tokens

    def add_screen_token(self, label: str = "", token: Optional[str] = None) -> tuple[int, str]:
        """A new token for the wall display: (id, token). The token is shown once, stored hashed."""
        token = token or secrets.token_urlsafe(24)
        with self.engine.begin() as con:
            existing = con.execute(select(screen_tokens.c.id).where(screen_tokens.c.token_hash == digest(token))).first()
            if existing:
                con.execute(update(screen_tokens).where(screen_tokens.c.id == existing.id)
                            .values(revoked_at=None, label=label))
                return existing.id, token
            new_id = con.execute(insert(screen_tokens).values(token_hash=digest(token), label=label,
                                                              created_at=now())).inserted_primary_key[0]
        return new_id, token

    def screen_token_id(self, token: str) -> Optional[int]:
        """The id of a valid (not revoked) token, else None."""
        if not token:
            return None
        with self.engine.connect() as con:
            row = con.execute(select(screen_tokens.c.id).where(screen_tokens.c.token_hash == digest(token),
                                                               screen_tokens.c.revoked_at.is_(None))).first()
        return row.id if row else None

    def screen_token_valid(self, token_id: int) -> bool:
        with self.engine.connect() as con:
            return con.execute(select(screen_tokens.c.id).where(screen_tokens.c.id == token_id,
                                                                screen_tokens.c.revoked_at.is_(None))).first() is not None

    def revoke_screen_token(self, token_id: int) -> None:
        with self.engine.begin() as con:
            if not con.execute(update(screen_tokens).where(screen_tokens.c.id == token_id)
                               .values(revoked_at=now())).rowcount:
                raise StoreError(f"没有编号为 {token_id} 的大屏令牌")

    def screen_tokens(self) -> list[dict]:
        with self.engine.connect() as con:
            rows = con.execute(select(screen_tokens.c.id, screen_tokens.c.label, screen_tokens.c.created_at,
                                      screen_tokens.c.revoked_at).order_by(screen_tokens.c.id))
            return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------ audit

    def record(self, who: str, role: str, event_name: str, detail: str = "", scope: str = "",
               remote: str = "") -> None:
        with self.engine.begin() as con:
            con.execute(insert(audit).values(at=now(), who=who or "", role=role or "", event=event_name,
                                             detail=detail or "", scope=scope or "", remote=remote or ""))

    def audit_rows(self, limit: int = 200, event_name: Optional[str] = None, who: Optional[str] = None,
                   since: Optional[dt.datetime] = None) -> list[dict]:
        """The newest audit records first (at in UTC)."""
        q = select(audit).order_by(audit.c.id.desc()).limit(limit)
        if event_name:
            q = q.where(audit.c.event == event_name)
        if who:
            q = q.where(audit.c.who == who)
        if since:
            q = q.where(audit.c.at >= since)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(q)]

    def audit_names(self) -> list[str]:
        """Every `who` in the audit log, sorted (the audit page's user filter)."""
        with self.engine.connect() as con:
            return [r[0] for r in con.execute(select(audit.c.who).distinct().order_by(audit.c.who))]

    def audit_count(self) -> int:
        with self.engine.connect() as con:
            return con.execute(select(func.count()).select_from(audit)).scalar_one()


def _check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少 {MIN_PASSWORD} 个字符")


DEMO_USERS = (("leader", "leader", None), ("supervisor", "supervisor", None), ("county_140702", "county", "140702"),
              ("admin", "admin", None))
DEMO_SCREEN_TOKEN = "demo-screen"


def install_demo_users(warehouse: Path | str) -> Store:
    """The demo's users (password `demo-<name>`) and screen token `demo-screen`. Only for
    the demo warehouse: etl.demo.build and `python app.py`'s first start call it."""
    store = Store.for_warehouse(warehouse)
    for name, role, county in DEMO_USERS:
        store.ensure_user(name, role, f"demo-{name}", county)
    store.add_screen_token("demo", DEMO_SCREEN_TOKEN)
    return store
