"""Rate limits for failed logins and for what the audit log takes from strangers, with the
`limits` library (moving windows, in this process's memory).

- A name tried from one address: LOGIN_PER_ACCOUNT_ADDRESS failures, then that name is refused
  *from that address* until the window has moved on. The owner signing in from his own address
  is not affected, so nobody can lock anybody out; an unknown name is throttled exactly like a
  real one, so the answer never tells which names exist.
- One address, whatever names it tries: LOGIN_PER_ADDRESS failures (password spraying).
- While refused, no password is checked (no scrypt work for the attacker's requests) and the
  request is answered at once: no thread is held by a sleep.
- The audit log takes a refusal (a throttled login, a 403) at most AUDIT_REFUSALS times per
  window for one address and kind, so that a flood of requests cannot flood the log.

Each process keeps its own counters (several gunicorn workers each count on their own: the
limits multiply by the number of workers, still far below what guessing a password needs).
"""

from __future__ import annotations

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

LOGIN_PER_ACCOUNT_ADDRESS = parse("5 per 15 minutes")
LOGIN_PER_ADDRESS = parse("20 per 15 minutes")
AUDIT_REFUSALS = parse("10 per 15 minutes")
WINDOW_MINUTES = 15

_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


def _account(name: str) -> str:
    return (name or "").strip().lower()[:64]


def login_allowed(name: str, address: str) -> bool:
    """May this name be tried from this address now (without counting this try)?"""
    return _limiter.test(LOGIN_PER_ACCOUNT_ADDRESS, "login", address, _account(name)) and _limiter.test(
        LOGIN_PER_ADDRESS, "login-address", address
    )


def login_failed(name: str, address: str) -> None:
    """Count a failed login of this name from this address."""
    _limiter.hit(LOGIN_PER_ACCOUNT_ADDRESS, "login", address, _account(name))
    _limiter.hit(LOGIN_PER_ADDRESS, "login-address", address)


def login_succeeded(name: str, address: str) -> None:
    """The right password from this address: its failures for this name are forgotten."""
    _limiter.clear(LOGIN_PER_ACCOUNT_ADDRESS, "login", address, _account(name))


def audit_allowed(kind: str, address: str) -> bool:
    """May one more refusal of this kind from this address be written to the audit log?"""
    return _limiter.hit(AUDIT_REFUSALS, "audit", kind, address)


def reset() -> None:
    """Forget every counter (tests)."""
    _storage.reset()
