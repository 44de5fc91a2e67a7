"""Who may see what: the roles, their scope, and the pages each may open.

| role | regions | personal data | pages |
|---|---|---|---|
| 领导 leader | every region | masked | every page but the admin's and 待办 |
| 纪检监督 supervisor | every region | shown (escalations: complainants' phones) | every page but the admin's and 待办 |
| 县区 county | own county (and its townships) | masked | every page but 数据状态 and the admin's; 待办 |
| 管理员 admin | every region | masked | every page but 待办 |
| 大屏 screen (token) | every region | never | /screen only |

In the loop of 交办 and 督办 (workflow/; `may_act`): a leader or a supervisor issues documents
(交办, 催办, 提醒函, 督办函, 约谈通知) and grants or refuses a county's request for more time; a
county officer signs for, replies to and asks more time on the items of his own county only,
and opens /inbox (待办). Every role that may open 督办 reads the documents issued; a county
officer those of his county. The escalation rules (workflow/ladder.py) issue what a rule in `auto`
mode finds as `SYSTEM`, role `system`, which no user can have; a leader or supervisor confirms
or dismisses their proposals.

A page may name its roles in `dash.register_page(..., roles=("admin",))`; a page that
names none follows PAGE_ROLES below, and else is open to every logged-in role.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.filters import Scope
from vocab.ladder import SYSTEM_NAME, SYSTEM_ROLE
from vocab.roles import ROLES
from vocab.roles import SCREEN as SCREEN

USER_ROLES = frozenset(ROLES)

PAGE_ROLES: dict[str, frozenset[str]] = {
    "/data": frozenset({"leader", "supervisor", "admin"}),  # whole-warehouse counts and load history
    "/screen": USER_ROLES | {SCREEN},
}

# A callback whose module is not a page (the shell in app.py): open to every viewer,
# the screen included, since the shell's texts, region choices and 数据截至 are scoped
# or public. Nothing else may be called by a screen session.


@dataclass(frozen=True)
class Viewer:
    """Whoever makes the request: a logged-in user or a wall display with a screen token."""

    name: str
    role: str
    county: str | None = None

    @property
    def scope(self) -> Scope:
        return scope_of(self.role, self.county)


def scope_of(role: str, county: str | None = None) -> Scope:
    if role == "supervisor":
        return Scope(None, personal_data=True)
    if role == "county":
        return Scope((county,) if county else (), personal_data=False)
    if role in ("leader", "admin", SCREEN, SYSTEM_ROLE):
        return Scope(None, personal_data=False)
    return Scope((), personal_data=False)  # unknown role: nothing


NOTHING = Scope((), personal_data=False)
SYSTEM = Viewer(SYSTEM_NAME, SYSTEM_ROLE)  # who issues what a rule issues by itself, in the audit

# What each role may do in the loop of 交办 and 督办 (workflow/): `answer` (sign, reply, ask for
# more time) and `read` only on items of the officer's own county.
# `system` is the escalation rules' actor (workflow/ladder.py: a rule that issues by itself); no user
# has that role (the access store accepts only vocab.roles.ROLES), so no request acts as it.
ACTIONS: dict[str, frozenset[str]] = {
    "issue": frozenset({"leader", "supervisor", SYSTEM_ROLE}),
    "decide": frozenset({"leader", "supervisor"}),
    "answer": frozenset({"county"}),
    "read": frozenset({"leader", "supervisor", "admin", "county"}),
    # 简报 (briefing/): generate one's own briefing on demand (each user downloads only his own)
    "brief": frozenset({"leader", "supervisor", "county"}),
}


def may_act(viewer: Viewer | None, action: str, county: str | None = None) -> bool:
    """May this viewer do `action` (ACTIONS) on an item addressed to `county`? A county officer
    only on his own county's."""
    if viewer is None or viewer.role not in ACTIONS[action]:
        return False
    return viewer.role != "county" or (viewer.county is not None and viewer.county == county)


def page_roles(page: dict) -> frozenset[str]:
    named = page.get("roles")
    if named:
        return frozenset(named)
    return PAGE_ROLES.get(page.get("path", ""), USER_ROLES)


def may_open(page: dict, viewer: Viewer | None) -> bool:
    return viewer is not None and viewer.role in page_roles(page)


def scope_text(scope: Scope) -> str:
    """The scope as the audit log writes it."""
    regions = "all" if scope.regions is None else ",".join(scope.regions) or "none"
    return f"regions={regions};personal_data={'yes' if scope.personal_data else 'no'}"
