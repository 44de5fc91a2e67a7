"""The access store: users, login sessions, screen tokens and the audit log, in SQLite.

It lives beside the warehouse (`access.sqlite` in the warehouse's directory, so a test
warehouse in a temporary directory gets its own store) and not in it: the dashboard
opens the warehouse read-only and the ETL replaces it at every publish, while logins
and audit records are written concurrently by several workers. SQLite in WAL mode with
a busy timeout serialises those writes.

Passwords are stored as werkzeug.security hashes (scrypt); session ids and screen tokens
as SHA-256 digests of high-entropy random strings. Nothing secret is stored in clear.

Passwords must pass a policy beyond length (`check_password`): not the user name nor built
on it, and not guessable, as zxcvbn (Dropbox's estimator, offline, with its lists of common
passwords, words and names) scores it: at least PASSWORD_SCORE of 4.

Sessions end on logout, on a password change or disabling, after SESSION_HOURS in all and
after SESSION_IDLE_MINUTES without a request.

The audit log is a hash chain: each row's `hash` is SHA-256 over the previous row's hash and
the row itself (id, time, who, role, event, detail, scope, address); ids come from SQLite's
AUTOINCREMENT and are never reused. `verify_audit()` recomputes the chain and names the first
row that does not fit: a row rewritten, deleted (a gap in the ids) or cut off the end
(`sqlite_sequence` is ahead of the last row). Every change of a user, password, role or screen
token is recorded by the store itself, whoever makes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import threading
from dataclasses import dataclass
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
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from werkzeug.security import check_password_hash, generate_password_hash

import settings
from vocab.roles import ROLES

SESSION_HOURS = settings.get("SESSION_HOURS")  # read at import
SESSION_IDLE_MINUTES = settings.get("SESSION_IDLE_MINUTES")
SEEN_EVERY = dt.timedelta(minutes=1)  # a session's last request is written at most this often
MIN_PASSWORD = 10
PASSWORD_SCORE = 3  # zxcvbn: 3 "safely unguessable" (about 10^8 guesses and more)
GENESIS = "0" * 64  # the "previous hash" of the first audit row
# Compared against when the user name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password " + secrets.token_hex(8))

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
AUDIT_FIELDS = ("id", "at", "who", "role", "event", "detail", "scope", "remote")
AT_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # as SQLAlchemy stores a DateTime in SQLite


class StoreError(ValueError):
    """A request the store refuses (unknown role, duplicate user, short password …)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    county: str | None
    disabled: bool
    failed: int
    locked_until: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True)
class LoginResult:
    """`status`: ok, bad (unknown name or wrong password), disabled. `failures`: the account's
    failures in a row after this attempt (shown to the admin; the web layer throttles by
    account *and* address, security/throttle.py, so that nobody can lock another out)."""

    status: str
    user: User | None = None
    failures: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def now() -> dt.datetime:
    """Naive UTC: SQLite stores no zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def store_path(warehouse: Path | str | None = None) -> Path:
    """`access.sqlite` beside the warehouse ($WAREHOUSE or data/warehouse.duckdb)."""
    if warehouse is None:
        from etl.warehouse import DEFAULT_WAREHOUSE

        warehouse = settings.get("WAREHOUSE") or DEFAULT_WAREHOUSE
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
            _migrate(engine)
            try:
                os.chmod(path, 0o600)
            except OSError:
                pass
            _engines[key] = engine
        return _engines[key]


def _user(row) -> User:
    return User(row.name, row.role, row.county, bool(row.disabled), row.failed, row.locked_until, row.created_at)


def check_county(code: str | None) -> str:
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
    def for_warehouse(cls, warehouse: Path | str | None = None) -> Store:
        return cls(store_path(warehouse))

    # ------------------------------------------------------------ users

    def add_user(
        self, name: str, role: str, password: str, county: str | None = None, *, by: str = "", policy: bool = True
    ) -> User:
        """A new user. `by`: who adds it (audited); `policy=False` only for the demo's public passwords."""
        name = (name or "").strip()
        if not name or len(name) > 64 or any(c.isspace() or not c.isprintable() for c in name):
            raise StoreError("用户名不能为空、不能含空白或控制字符、最长 64 个字符")
        if role not in ROLES:
            raise StoreError(f"角色必须是 {', '.join(ROLES)} 之一")
        county = check_county(county) if role == "county" else None
        if policy:
            check_password(password, name)
        at = now()
        with self.engine.begin() as con:
            if con.execute(select(users.c.name).where(users.c.name == name)).first():
                raise StoreError(f"用户 {name} 已存在")
            con.execute(
                insert(users).values(
                    name=name,
                    role=role,
                    county=county,
                    password_hash=generate_password_hash(password),
                    disabled=False,
                    failed=0,
                    created_at=at,
                    password_changed_at=at,
                )
            )
        self.record(by, "", "user_add", f"{name}: role={role}" + (f", county={county}" if county else ""))
        return self.user(name)

    def set_password(self, name: str, password: str, *, by: str = "", policy: bool = True) -> None:
        if policy:
            check_password(password, name)
        with self.engine.begin() as con:
            done = con.execute(
                update(users)
                .where(users.c.name == name)
                .values(
                    password_hash=generate_password_hash(password),
                    failed=0,
                    locked_until=None,
                    password_changed_at=now(),
                )
            ).rowcount
            if not done:
                raise StoreError(f"没有用户 {name}")
            con.execute(
                update(sessions)
                .where(sessions.c.user_name == name, sessions.c.ended_at.is_(None))
                .values(ended_at=now())
            )
        self.record(by, "", "password_change", f"{name}: password set, open sessions ended")

    def set_disabled(self, name: str, disabled: bool = True, *, by: str = "") -> None:
        """Disable (or enable) a user; disabling ends the user's open sessions at once."""
        with self.engine.begin() as con:
            done = con.execute(
                update(users).where(users.c.name == name).values(disabled=disabled, failed=0, locked_until=None)
            ).rowcount
            if not done:
                raise StoreError(f"没有用户 {name}")
            if disabled:
                con.execute(
                    update(sessions)
                    .where(sessions.c.user_name == name, sessions.c.ended_at.is_(None))
                    .values(ended_at=now())
                )
        self.record(by, "", "user_disable" if disabled else "user_enable", name)

    def user(self, name: str) -> User | None:
        with self.engine.connect() as con:
            row = con.execute(select(users).where(users.c.name == name)).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        with self.engine.connect() as con:
            return [_user(r) for r in con.execute(select(users).order_by(users.c.name))]

    def set_role(self, name: str, role: str, county: str | None = None, *, by: str = "") -> None:
        """Change a user's role (and county); ends the user's open sessions, whose scope was the old one."""
        if role not in ROLES:
            raise StoreError(f"角色必须是 {', '.join(ROLES)} 之一")
        county = check_county(county) if role == "county" else None
        before = self.user(name)
        if before is None:
            raise StoreError(f"没有用户 {name}")
        with self.engine.begin() as con:
            con.execute(update(users).where(users.c.name == name).values(role=role, county=county))
            con.execute(
                update(sessions)
                .where(sessions.c.user_name == name, sessions.c.ended_at.is_(None))
                .values(ended_at=now())
            )
        self.record(
            by,
            "",
            "role_change",
            f"{name}: role={before.role}"
            + (f", county={before.county}" if before.county else "")
            + f" → role={role}"
            + (f", county={county}" if county else ""),
        )

    def ensure_user(
        self, name: str, role: str, password: str, county: str | None = None, *, by: str = "", policy: bool = True
    ) -> None:
        """Create the user, or reset an existing one to this role, county and password (demo)."""
        existing = self.user(name)
        if existing is None:
            self.add_user(name, role, password, county, by=by, policy=policy)
            return
        if (existing.role, existing.county) != (role, check_county(county) if role == "county" else None):
            self.set_role(name, role, county, by=by)
        if existing.disabled:
            self.set_disabled(name, False, by=by)
        self.set_password(name, password, by=by, policy=policy)

    # ------------------------------------------------------------ login

    def authenticate(self, name: str, password: str) -> LoginResult:
        """Check a password and count the account's failures in a row. The account is never
        locked here: whoever knows a name could lock its owner out. The web layer throttles
        failures by account and address (security/throttle.py)."""
        with self.engine.begin() as con:
            row = con.execute(select(users).where(users.c.name == (name or ""))).first()
            if row is None:
                check_password_hash(_DUMMY_HASH, password or "")
                return LoginResult("bad")
            if not check_password_hash(row.password_hash, password or ""):
                failed = row.failed + 1
                con.execute(update(users).where(users.c.name == row.name).values(failed=failed, locked_until=None))
                return LoginResult("bad", _user(row), failed)
            if row.disabled:
                return LoginResult("disabled", _user(row))
            con.execute(update(users).where(users.c.name == row.name).values(failed=0, locked_until=None))
            return LoginResult("ok", _user(row))

    def open_session(self, name: str, hours: float = SESSION_HOURS) -> str:
        """A new session for the user; returns its id (kept only in the signed session cookie)."""
        token = secrets.token_urlsafe(32)
        at = now()
        with self.engine.begin() as con:
            con.execute(
                insert(sessions).values(
                    id_hash=digest(token), user_name=name, created_at=at, expires_at=at + dt.timedelta(hours=hours)
                )
            )
        return token

    def session_user(self, token: str, idle_minutes: float | None = None) -> User | None:
        """The user of an open, unexpired session whose account is enabled and that has seen a
        request within the idle timeout; else None. Counts this call as the session's latest
        request (written at most once a minute)."""
        if not token:
            return None
        at = now()
        idle = dt.timedelta(minutes=SESSION_IDLE_MINUTES if idle_minutes is None else idle_minutes)
        seen = func.coalesce(sessions.c.last_seen_at, sessions.c.created_at)
        with self.engine.connect() as con:
            row = con.execute(
                select(users, sessions.c.last_seen_at, sessions.c.created_at.label("session_created"))
                .join(sessions, sessions.c.user_name == users.c.name)
                .where(
                    sessions.c.id_hash == digest(token),
                    sessions.c.ended_at.is_(None),
                    sessions.c.expires_at > at,
                    seen > at - idle,
                    users.c.disabled.is_(False),
                )
            ).first()
        if row is None:
            return None
        if (row.last_seen_at or row.session_created) < at - SEEN_EVERY:
            with self.engine.begin() as con:
                con.execute(update(sessions).where(sessions.c.id_hash == digest(token)).values(last_seen_at=at))
        return _user(row)

    def end_session(self, token: str) -> None:
        with self.engine.begin() as con:
            con.execute(
                update(sessions)
                .where(sessions.c.id_hash == digest(token), sessions.c.ended_at.is_(None))
                .values(ended_at=now())
            )

    # ------------------------------------------------------------ screen tokens

    def add_screen_token(self, label: str = "", token: str | None = None, *, by: str = "") -> tuple[int, str]:
        """A new token for the wall display: (id, token). The token is shown once, stored hashed."""
        token = token or secrets.token_urlsafe(24)
        with self.engine.begin() as con:
            existing = con.execute(
                select(screen_tokens.c.id).where(screen_tokens.c.token_hash == digest(token))
            ).first()
            if existing:
                con.execute(
                    update(screen_tokens).where(screen_tokens.c.id == existing.id).values(revoked_at=None, label=label)
                )
                new_id = existing.id
            else:
                new_id = con.execute(
                    insert(screen_tokens).values(token_hash=digest(token), label=label, created_at=now())
                ).inserted_primary_key[0]
        self.record(by, "", "token_add", f"screen token #{new_id} ({label or '—'})")
        return new_id, token

    def screen_token_id(self, token: str) -> int | None:
        """The id of a valid (not revoked) token, else None."""
        if not token:
            return None
        with self.engine.connect() as con:
            row = con.execute(
                select(screen_tokens.c.id).where(
                    screen_tokens.c.token_hash == digest(token), screen_tokens.c.revoked_at.is_(None)
                )
            ).first()
        return row.id if row else None

    def screen_token_valid(self, token_id: int) -> bool:
        with self.engine.connect() as con:
            return (
                con.execute(
                    select(screen_tokens.c.id).where(
                        screen_tokens.c.id == token_id, screen_tokens.c.revoked_at.is_(None)
                    )
                ).first()
                is not None
            )

    def revoke_screen_token(self, token_id: int, *, by: str = "") -> None:
        """Revoke a token: the wall displays holding it lose their session at their next request."""
        with self.engine.begin() as con:
            if not con.execute(
                update(screen_tokens).where(screen_tokens.c.id == token_id).values(revoked_at=now())
            ).rowcount:
                raise StoreError(f"没有编号为 {token_id} 的大屏令牌")
        self.record(by, "", "token_revoke", f"screen token #{token_id}")

    def screen_tokens(self) -> list[dict]:
        with self.engine.connect() as con:
            rows = con.execute(
                select(
                    screen_tokens.c.id, screen_tokens.c.label, screen_tokens.c.created_at, screen_tokens.c.revoked_at
                ).order_by(screen_tokens.c.id)
            )
            return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------ audit

    def record(self, who: str, role: str, event_name: str, detail: str = "", scope: str = "", remote: str = "") -> int:
        """Append one audit row, chained to the last one; returns its id. Writers serialise on
        SQLite's write lock (BEGIN IMMEDIATE), so two processes never chain to the same row."""
        values = {
            "at": now().strftime(AT_FORMAT),
            "who": who or "",
            "role": role or "",
            "event": event_name,
            "detail": detail or "",
            "scope": scope or "",
            "remote": remote or "",
        }
        raw = self.engine.raw_connection()
        try:
            con = raw.driver_connection
            con.execute("BEGIN IMMEDIATE")
            try:
                last = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
                new_id = max(seq[0] if seq else 0, last[0] if last else 0) + 1
                values["id"] = new_id
                values["hash"] = chain_hash(last[1] if last else GENESIS, values)
                con.execute(
                    f"INSERT INTO audit ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    list(values.values()),
                )
                con.commit()
            except BaseException:
                con.rollback()
                raise
        finally:
            raw.close()
        return new_id

    def verify_audit(self) -> AuditCheck:
        """Recompute the chain from the first row: whole, or the first row that does not fit."""
        raw = self.engine.raw_connection()
        try:
            con = raw.driver_connection
            rows = con.execute(f"SELECT {', '.join(AUDIT_FIELDS)}, hash FROM audit ORDER BY id").fetchall()
            seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        finally:
            raw.close()
        prev, expected = GENESIS, 1
        for row in rows:
            values = dict(zip(AUDIT_FIELDS, row[:-1], strict=False))
            if values["id"] != expected:
                return AuditCheck(False, len(rows), expected, "missing")
            if chain_hash(prev, values) != row[-1]:
                return AuditCheck(False, len(rows), values["id"], "altered")
            prev, expected = row[-1], expected + 1
        if seq and seq[0] >= expected:
            return AuditCheck(False, len(rows), expected, "missing")
        return AuditCheck(True, len(rows))

    def audit_rows(
        self, limit: int = 200, event_name: str | None = None, who: str | None = None, since: dt.datetime | None = None
    ) -> list[dict]:
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


@dataclass(frozen=True)
class AuditCheck:
    """`ok`: the chain is whole. Else `first_bad` is the id of the first row that does not fit
    and `problem` says how: `missing` (no row with that id: deleted, or cut off the end) or
    `altered` (its content, or a row before it, was changed)."""

    ok: bool
    rows: int
    first_bad: int | None = None
    problem: str = ""

    def text(self, lang: str = "zh") -> str:
        if self.ok:
            return (
                f"审计链完整：{self.rows} 条记录逐条相扣"
                if lang == "zh"
                else f"Audit chain whole: {self.rows} records, each linked to the one before"
            )
        if self.problem == "missing":
            return (
                f"审计链断开：第 {self.first_bad} 条记录缺失（被删除）"
                if lang == "zh"
                else f"Audit chain broken: record {self.first_bad} is missing (deleted)"
            )
        return (
            f"审计链断开：第 {self.first_bad} 条记录与前一条不相扣（内容被改动）"
            if lang == "zh"
            else f"Audit chain broken: record {self.first_bad} does not fit the one before (altered)"
        )


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


def check_password(password: str, name: str = "") -> None:
    """The password policy: at least MIN_PASSWORD characters, not the user name nor built on
    it, and hard to guess as zxcvbn scores it (common passwords, words, names, dates, keyboard
    runs and repeats score low). Raises StoreError with the reason in Chinese."""
    from zxcvbn import zxcvbn

    if not password or len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 256:
        raise StoreError("密码最长 256 个字符")
    name = (name or "").strip().lower()
    if name and (name in password.lower() or password.lower() in name):
        raise StoreError("密码不能是用户名，也不能包含用户名")
    if zxcvbn(password[:100], user_inputs=[name] if name else [])["score"] < PASSWORD_SCORE:
        raise StoreError(
            "密码太容易猜到（常见密码、单词、姓名、日期、键盘顺序或重复字符），"
            "请换一个更长、更不规则的密码，例如几个不相关的词加数字和符号"
        )


DEMO_USERS = (
    ("leader", "leader", None),
    ("supervisor", "supervisor", None),
    ("county_140702", "county", "140702"),
    ("admin", "admin", None),
)
DEMO_SCREEN_TOKEN = "demo-screen"


def install_demo_users(warehouse: Path | str) -> Store:
    """The demo's users (password `demo-<name>`) and screen token `demo-screen`. Only for
    the demo warehouse: etl.demo.build and `python app.py`'s first start call it."""
    store = Store.for_warehouse(warehouse)
    for name, role, county in DEMO_USERS:
        store.ensure_user(name, role, f"demo-{name}", county, by="demo", policy=False)  # public demo passwords
    store.add_screen_token("demo", DEMO_SCREEN_TOKEN, by="demo")
    return store


def demo_credentials(warehouse: Path | str | None) -> list[str]:
    """The demo's public credentials that would open the store beside `warehouse`: a demo user,
    enabled, whose password is still `demo-<name>`, and the screen token `demo-screen` not
    revoked. Reads only (no failed-login count, no audit record, no store created)."""
    path = store_path(warehouse)
    if not path.exists():
        return []
    found = []
    with Store(path).engine.connect() as con:
        for name, _, _ in DEMO_USERS:
            row = con.execute(select(users.c.password_hash, users.c.disabled).where(users.c.name == name)).first()
            if row is not None and not row.disabled and check_password_hash(row.password_hash, f"demo-{name}"):
                found.append(f"{name} / demo-{name}")
        if con.execute(
            select(screen_tokens.c.id).where(
                screen_tokens.c.token_hash == digest(DEMO_SCREEN_TOKEN), screen_tokens.c.revoked_at.is_(None)
            )
        ).first():
            found.append(f"/screen?token={DEMO_SCREEN_TOKEN}")
    return found
