"""审计日志 /audit (admin only): the latest audit records, newest first — logins and their
failures, throttling, logouts, refusals (403), screen sessions, exports, views of personal
data, loads, changes of users, passwords, roles and screen tokens — and above them whether
the log's hash chain is whole (security/store.py `verify_audit`), or the first record that
does not fit.

URL parameters: `event` (one event name), `user` (one user name); `lang=en`. Times are
shown in Beijing time (Asia/Shanghai); the store keeps UTC. The Excel export of the list is
itself audited, as every export is (security/web.py).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.i18n import fmt_count, has_label, label, lang_of
from components.loading import loading
from components.tables import export_controls, grid, grid_locale, to_excel
from security import audit
from security.web import store

dash.register_page(__name__, path="/audit", name="审计日志", order=94, label_key="audit", roles=("admin",))

SHOWN = 500
LOCAL = ZoneInfo("Asia/Shanghai")
EVENTS = (
    "login",
    "login_failed",
    "login_throttled",
    "login_disabled",
    "logout",
    "screen_open",
    "forbidden",
    "export",
    "personal_data_view",
    "load",
    "user_add",
    "user_disable",
    "user_enable",
    "password_change",
    "role_change",
    "token_add",
    "token_revoke",
)
WIDTHS = {
    "audit_at": {"minWidth": 190},
    "audit_role": {"minWidth": 125},
    "audit_remote": {"minWidth": 120},
    "audit_detail": {
        "flex": 4,
        "wrapText": True,
        "autoHeight": True,
        "cellStyle": {"lineHeight": "1.4", "paddingTop": "10px", "paddingBottom": "10px"},
    },
    "audit_scope": {"minWidth": 250, "flex": 1.5},
}
COLUMNS = ["audit_at", "audit_who", "audit_role", "audit_event", "audit_detail", "audit_scope", "audit_remote"]


def _params(params: dict | None) -> tuple[dict, str, str | None, str | None]:
    params = {k: v for k, v in (params or {}).items() if isinstance(v, str)}
    event = params.get("event") if params.get("event") in EVENTS else None
    user = (params.get("user") or "").strip()[:64] or None
    return params, lang_of(params.get("lang")), event, user


def layout(**params) -> html.Div:
    params, lang, event, user = _params(params)
    try:
        names = store().audit_names()
    except Exception:
        names = []
    if user and user not in names:
        names.append(user)
    events = [{"label": label(f"event.{e}", lang), "value": e} for e in EVENTS]
    return html.Div(
        [
            dcc.Store(id="audit-query", data=params),
            html.Div(
                [
                    html.H4(id="audit-title", className="section-title me-auto"),
                    _labelled("audit-event", label("audit_event", lang), events, event, lang),
                    _labelled(
                        "audit-user",
                        label("audit_user", lang),
                        [{"label": n, "value": n} for n in names if n],
                        user,
                        lang,
                    ),
                    export_controls("audit", lang),
                ],
                className="d-flex align-items-center flex-wrap mb-2",
            ),
            html.Div(id="audit-chain", role="status"),
            html.Div(id="audit-line", className="small text-muted mb-1"),
            loading(html.Div(id="audit-list"), "table"),
        ],
        id="audit-page",
    )


def _labelled(cid: str, text: str, options: list[dict], value: str | None, lang: str) -> html.Div:
    """A filter's label and its dropdown kept together: on a phone the row wraps between
    filters, never between a label and its list."""
    return html.Div(
        [
            html.Label(text, htmlFor=cid, className="me-2 text-nowrap"),
            dcc.Dropdown(
                id=cid, options=options, value=value, placeholder=label("audit_all", lang), style={"minWidth": "12rem"}
            ),
        ],
        className="d-flex align-items-center me-3 mb-1",
    )


def _frame(event: str | None, user: str | None, lang: str) -> pd.DataFrame:
    rows = audit.recent(SHOWN, event=event, who=user)

    def when(at: dt.datetime) -> str:
        return at.replace(tzinfo=dt.UTC).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S")

    def named(prefix: str, value: str) -> str:
        return label(f"{prefix}.{value}", lang) if value and has_label(f"{prefix}.{value}") else (value or "—")

    return pd.DataFrame(
        [
            {
                "audit_at": when(r["at"]),
                "audit_who": r["who"],
                "audit_role": named("role", r["role"]),
                "audit_event": named("event", r["event"]),
                "audit_detail": r["detail"],
                "audit_scope": r["scope"],
                "audit_remote": r["remote"],
                "id": r["id"],
            }
            for r in rows
        ],
        columns=COLUMNS + ["id"],
    )


@callback(
    Output("audit-title", "children"),
    Output("audit-line", "children"),
    Output("audit-list", "children"),
    Output("audit-chain", "children"),
    Input("audit-query", "data"),
)
def audit_list(params):
    """The latest records (newest first), filtered by event and user as the URL says, and
    whether the whole log's hash chain is intact (the first record that does not fit, if not)."""
    params, lang, event, user = _params(params)
    frame = _frame(event, user, lang)
    title = label("audit_title", lang).format(n=fmt_count(SHOWN))
    line = label("audit_shown", lang).format(n=fmt_count(len(frame)))
    check = store().verify_audit()
    chain = html.Div(
        check.text(lang),
        id="audit-chain-state",
        **{"data-ok": "1" if check.ok else "0"},
        className=f"alert alert-{'success' if check.ok else 'danger'} py-1 px-2 small mb-2",
    )
    if frame.empty:
        return title, line, html.P(label("no_data", lang), className="text-muted"), chain
    table = grid("audit-grid", frame, COLUMNS, lang, height=640, page_size=100, row_data=frame.to_dict("records"))
    table.dashGridOptions = {**table.dashGridOptions, "localeText": grid_locale(lang), "getRowId": "params.data.id"}
    table.columnDefs = [{**d, **WIDTHS.get(d["field"], {})} for d in table.columnDefs]
    return title, line, table, chain


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("audit-event", "value"),
    Input("audit-user", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def audit_filter(event, user, search):
    """The filters live in the URL, so a link reproduces the list."""
    new = query.with_params(search, event=event, user=user)
    return new if new != (search or "") else no_update


@callback(
    Output("audit-download", "data"),
    Input("audit-export", "n_clicks"),
    State("audit-query", "data"),
    prevent_initial_call=True,
)
def audit_export(_n, params):
    params, lang, event, user = _params(params)
    frame = _frame(event, user, lang)
    lines = [
        f"{label('audit_event', lang)}：{label(f'event.{event}', lang) if event else label('audit_all', lang)}",
        f"{label('audit_user', lang)}：{user or label('audit_all', lang)}",
    ]
    data = to_excel(frame, COLUMNS, lang, label("audit", lang), lines)
    return dcc.send_bytes(data, "audit.xlsx")
