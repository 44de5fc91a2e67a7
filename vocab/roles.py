"""The roles, one tuple: who a user of the access store may be, and the wall display.

security/roles.py says what each may see and open; the access store checks a user's role
against `ROLES`; `python -m etl users` offers them; their labels are `role.<name>`.
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("leader", "supervisor", "county", "admin")  # a user's role
SCREEN = "screen"  # a wall display holding a screen token: not a user
