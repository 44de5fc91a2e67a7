"""The viewer behind a request: the access store of this deployment, the session cookie's key,
and the signed-in user (or the wall's screen session) as a `Viewer`."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from flask import g, has_request_context, request, session
from flask_login import UserMixin, current_user

import settings
from metrics.filters import EVERYTHING, Scope
from security.roles import NOTHING, SCREEN, Viewer
from security.store import Store, store_path


def store() -> Store:
    """The access store beside the warehouse this process serves."""
    from metrics.access import warehouse

    return Store.for_warehouse(warehouse().path)


def _secret_key() -> bytes:
    """$SECRET_KEY, else a random key kept in `access.secret` beside the store (0600, never committed)."""
    if settings.get("SECRET_KEY"):
        return settings.get("SECRET_KEY").encode("utf-8")
    path = store_path(settings.get("WAREHOUSE") or None).with_name("access.secret")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another worker may be writing it right now
            key = path.read_bytes().strip()
            if key:
                return key
            time.sleep(0.1)
        raise RuntimeError(f"{path} is empty") from None
    key = secrets.token_hex(32).encode("ascii")
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def cookie_secure() -> bool:
    return settings.get("COOKIE_SECURE")


def print_cookie_note(host: str) -> None:
    """Said at start (waitress and gunicorn alike) when Secure cookies will not reach a browser
    over plain http at this address."""
    if cookie_secure() and host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"Note: session cookies are Secure; browsers send them over https, or over http only to "
            f"127.0.0.1/localhost. Serve {host} behind HTTPS (or set COOKIE_SECURE=0 for a trial).",
            flush=True,
        )


class LoginUser(UserMixin):
    """Flask-Login's user: its id is the session id in the store, not the user name."""

    def __init__(self, session_id: str, name: str, role: str, county: str | None):
        self.id, self.name, self.role, self.county = session_id, name, role, county


@dataclass(frozen=True)
class JobOwner:
    """Whom a background job works for (security/jobs.py): the viewer the server worked out for
    the request that started it (None: nobody), and that request's address, for the audit log."""

    viewer: Viewer | None
    remote: str = ""


_job: ContextVar[JobOwner | None] = ContextVar("background_job_owner", default=None)


@contextmanager
def working_for(owner: JobOwner) -> Iterator[None]:
    """Inside the block (a background job), `current_viewer()` and `current_scope()` are the
    owner's, whatever request context the job's process may have inherited."""
    token = _job.set(owner)
    try:
        yield
    finally:
        _job.reset(token)


def current_remote() -> str:
    """The address of the request (or of the request that started this job), '' outside one."""
    job = _job.get()
    if job is not None:
        return job.remote
    return (request.remote_addr or "") if has_request_context() else ""


def current_scope() -> Scope:
    """The viewer's scope, worked out once per request (the viewer is kept in `g`); pages hand
    it to every metric. A logged-in user's (security/roles.py: a county officer's own county;
    personal data for the supervisor role only), or the screen token's (every region, never
    personal data); a request with neither sees nothing. In a background job, its owner's
    (nothing when it has none). Outside a request and a job (the command line, benchmarks) it
    is every region, personal data masked."""
    job = _job.get()
    if job is not None:
        return job.viewer.scope if job.viewer is not None else NOTHING
    if not has_request_context():
        return EVERYTHING
    viewer = current_viewer()
    return viewer.scope if viewer is not None else NOTHING


def current_viewer() -> Viewer | None:
    """The logged-in user, or the wall display holding a valid screen token (in a background
    job: its owner); None outside a request or without either."""
    job = _job.get()
    if job is not None:
        return job.viewer
    if not has_request_context():
        return None
    if "viewer" in g:
        return g.viewer
    viewer = None
    if current_user.is_authenticated:
        viewer = Viewer(current_user.name, current_user.role, current_user.county)
    elif isinstance(session.get("screen"), int) and store().screen_token_valid(session["screen"]):
        viewer = Viewer(f"screen#{session['screen']}", SCREEN)
    g.viewer = viewer
    return viewer


def _max_body() -> int:
    return settings.get("MAX_REQUEST_BYTES")
