"""The access store: users, login sessions, screen tokens and the audit log, through SQLAlchemy.

By default it is SQLite beside the warehouse (`access.sqlite` in the warehouse's directory,
so a test warehouse in a temporary directory gets its own store) and not in it: the
dashboard opens the warehouse read-only and the ETL replaces it at every publish, while
logins and audit records are written concurrently by several workers. SQLite in WAL mode
with a busy timeout serialises those writes. Several app machines share one store on a
server database named by the setting ACCESS_DB_URL (PostgreSQL through psycopg: a session
opened on one machine is valid on every other, and every machine's audit rows join one
chain; tests/test_postgres.py runs two app processes on Debian's PostgreSQL).

Passwords are stored as werkzeug.security hashes (scrypt); session ids and screen tokens
as SHA-256 digests of high-entropy random strings. Nothing secret is stored in clear.

Passwords must pass a policy beyond length (`check_password`): not the user name nor built
on it, and not guessable, as zxcvbn (Dropbox's estimator, offline, with its lists of common
passwords, words and names) scores it: at least PASSWORD_SCORE of 4.

Sessions end on logout, on a password change or disabling, after SESSION_HOURS in all and
after SESSION_IDLE_MINUTES without a request.

The audit log is a hash chain: each row's `hash` is SHA-256 over the previous row's hash and
the row itself (id, time, who, role, event, detail, scope, address); ids are never reused:
SQLite's AUTOINCREMENT keeps the highest id handed out in `sqlite_sequence`, a server database
in the one-row table `audit_head`, whose row lock also serialises the writers. `verify_audit()`
recomputes the chain and names the first row that does not fit: a row rewritten, deleted (a gap
in the ids) or cut off the end (the highest id handed out is ahead of the last row). Every change of a user, password, role or screen
token is recorded by the store itself, whoever makes it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

import settings
from security.audit_chain import AuditCheck, AuditLog
from security.demo_access import (
    DEMO_SCREEN_TOKEN,
    DEMO_USERS,
    demo_credentials,
    install_demo_users,
    open_to_the_public,
    real_users,
)
from security.errors import StoreError
from security.passwords import MIN_PASSWORD, PASSWORD_SCORE, check_password
from security.store_schema import (
    AT_FORMAT,
    AUDIT_FIELDS,
    GENESIS,
    _engine,
    audit,
    audit_head,
    chain_hash,
    digest,
    metadata,
    now,
    screen_tokens,
    sessions,
    store_location,
    store_path,
    store_url,
    users,
)

__all__ = [  # what other modules import from here (the store's modules are its parts)
    "AT_FORMAT",
    "AUDIT_FIELDS",
    "AuditCheck",
    "DEMO_SCREEN_TOKEN",
    "DEMO_USERS",
    "GENESIS",
    "MIN_PASSWORD",
    "PASSWORD_SCORE",
    "ROLES",
    "Store",
    "StoreError",
    "User",
    "LoginResult",
    "audit",
    "audit_head",
    "chain_hash",
    "check_county",
    "check_password",
    "demo_credentials",
    "digest",
    "install_demo_users",
    "metadata",
    "now",
    "open_to_the_public",
    "screen_tokens",
    "sessions",
    "store_location",
    "real_users",
    "store_path",
    "store_url",
    "users",
]
from vocab.roles import ROLES

SESSION_HOURS = settings.get("SESSION_HOURS")  # read at import
SESSION_IDLE_MINUTES = settings.get("SESSION_IDLE_MINUTES")
SEEN_EVERY = dt.timedelta(minutes=1)  # a session's last request is written at most this often
# Compared against when the user name is unknown, so that an unknown name takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password " + secrets.token_hex(8))


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


class Store(AuditLog):
    """`target`: the SQLite file (a Path, or a str without "://") or a server database's URL."""

    def __init__(self, target: Path | str):
        self.url = target if isinstance(target, str) and "://" in target else None
        self.path = None if self.url else Path(target)
        self.engine = _engine(self.url or self.path)
        self.sqlite = self.engine.dialect.name == "sqlite"

    @classmethod
    def for_warehouse(cls, warehouse: Path | str | None = None) -> Store:
        """The store of this deployment: ACCESS_DB_URL's server database, else SQLite beside the warehouse."""
        return cls(store_url() or store_path(warehouse))

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
