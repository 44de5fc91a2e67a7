"""The audit log: who did what, when, with which scope.

    from security import audit
    audit.record("export", "overview-scorecard 12 rows")      # inside a request: who, role, scope from the session
    audit.record("load", "cases.csv 1,000 rows", who="admin")  # or say who

Events: `login`, `login_failed`, `login_throttled`, `login_disabled`, `logout`, `screen_open`,
`forbidden` (a 403: a page or callback the role may not have; security/web.py);
`user_add`, `user_disable`, `user_enable`, `password_change`, `role_change`, `token_add`,
`token_revoke` (recorded by the access store itself, whoever changes it: security/store.py); `export` (every file a callback hands to a dcc.Download, recorded centrally
in security/web.py with the page's filter, or by the background job that made it: security/jobs.py); `personal_data_view` (unmasked phones sent to a
viewer whose scope allows them: pages/escalations.py); `load` (the upload page, and
`python -m etl load` with the OS user, written through `Store.record` directly); the loop of 交办
and 督办's `doc_issue`, `doc_sign`, `doc_reply`, `doc_extension_ask`, `doc_extension_grant`,
`doc_extension_refuse` and its refusals as `forbidden` (workflow/desk.py, through `Store.record`). Records are kept in the access store (security/store.py, table
`audit`), each chained to the one before by a hash (`Store.verify_audit`, `python -m etl audit
verify`, the /audit page); `recent()` reads them, newest first, for the admin's page.
"""

from __future__ import annotations

import datetime as dt
import sys

from metrics.filters import Scope
from security.roles import scope_text


def record(
    event: str,
    detail: str = "",
    *,
    who: str | None = None,
    role: str | None = None,
    scope: Scope | str | None = None,
    remote: str | None = None,
    store=None,
) -> None:
    """Append one record. Inside a request (or a background job), `who`, `role`, `scope` and
    `remote` default to the current viewer's (the job's owner's). Outside one (the ETL command line) pass `who` and a `store`
    (`Store.for_warehouse(path)`); without one, the store beside $WAREHOUSE is used.
    A failure to write is reported on stderr and never breaks the caller's request."""
    from security.session import current_remote, current_viewer

    viewer = current_viewer()
    if viewer is not None:
        who = who if who is not None else viewer.name
        role = role if role is not None else viewer.role
        scope = scope if scope is not None else viewer.scope
    if remote is None:
        remote = current_remote()
    text = scope_text(scope) if isinstance(scope, Scope) else (scope or "")
    try:
        if store is None:
            from security.web import store as current_store

            store = current_store()
        store.record(who or "", role or "", event, detail, text, remote or "")
    except Exception as exc:  # the audit must not take the dashboard down; say so loudly
        print(f"audit: could not record {event} for {who}: {exc}", file=sys.stderr, flush=True)


def recent(
    limit: int = 200, event: str | None = None, who: str | None = None, since: dt.datetime | None = None, store=None
) -> list[dict]:
    """Newest first: [{id, at (UTC), who, role, event, detail, scope, remote}]."""
    if store is None:
        from security.web import store as current_store

        store = current_store()
    return store.audit_rows(limit, event, who, since)
