"""Login, sessions, the access guard and security headers for the Dash app's Flask server.

`install(app)` is called once by app.py. What it adds:

- `/login` (GET: the form; POST: check it) and `/logout` (a POST carrying the session's CSRF
  token), Flask-Login sessions whose id is a row in the access store (so logout, disabling a
  user, changing a password or role, or SESSION_IDLE_MINUTES without a request end them at
  once), a CSRF token on the form; failed logins are throttled by account *and* address with
  the `limits` library (security/throttle.py), answered at once (no sleeping thread), and the
  answer is the same for a real name and an unknown one. Logins, failures, throttling (a few
  per window) and logouts are audited.
- `/healthz`: readiness for tests and process managers ("ok", nothing else).
- A guard before every request: only the login page, `/healthz`, static assets
  (`/assets/`, `/_dash-component-suites/`, favicons) and the token-protected `/screen`
  go without a session. A page GET without one redirects to /login; Dash's
  `/_dash-layout`, `/_dash-dependencies` and `/_dash-update-component` answer 401. A
  callback may be called only by a viewer who may open the page that owns it (the
  page's module); Dash's page router renders, for a page the role may not open, the app's
  own 无权访问 page (an unknown path: 页面不存在), and the page's GET answers 403 (404);
  a screen session may call only the screen's callbacks and the shell's. A callback body
  that is not what the renderer sends for that callback (other inputs, values of the
  wrong kind, NUL characters, nesting past 32) answers 400 before any callback runs, and a
  callback raising on what it was sent answers 400, never 500. `/_dash-dependencies` lists
  to each viewer only the callbacks it may call. Refusals (403) are audited (`forbidden`,
  a few per address and window). `/session` says whether the caller's session holds (the
  wall display asks it, and leaves for the login page once its token is revoked).
- Bodies over MAX_REQUEST_BYTES are refused on their Content-Length (and by waitress
  before it buffers them: `serve`).
- An `export` audit record for every file a callback hands to a dcc.Download (after the
  response, with the output id, the file name and the page's `*-query` filter).
- Security headers on every response: a Content-Security-Policy built from Dash's own
  inline-script hashes, frame-ancestors 'none', X-Frame-Options DENY, nosniff,
  Referrer-Policy; no Server header.

Cookies: HttpOnly, SameSite=Lax, Secure unless COOKIE_SECURE=0 (browsers accept Secure
cookies from http://127.0.0.1 and http://localhost; a plain-http address on the LAN needs
HTTPS in front, or COOKIE_SECURE=0 for a trial).
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import time
from urllib.parse import quote, urlsplit

import dash
from flask import Response, g, has_request_context, redirect, render_template_string, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

import settings
from metrics.filters import EVERYTHING, Scope
from security import audit, throttle
from security.roles import NOTHING, SCREEN, Viewer, may_open
from security.store import Store, store_path
from vocab.labels import label, lang_of

PUBLIC_PATHS = frozenset({"/login", "/healthz", "/session", "/favicon.ico", "/_favicon.ico"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DASH_API = ("/_dash-", "/_reload-hash")


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


class LoginUser(UserMixin):
    """Flask-Login's user: its id is the session id in the store, not the user name."""

    def __init__(self, session_id: str, name: str, role: str, county: str | None):
        self.id, self.name, self.role, self.county = session_id, name, role, county


def current_scope() -> Scope:
    """The viewer's scope, worked out once per request (the viewer is kept in `g`); pages hand
    it to every metric. A logged-in user's (security/roles.py: a county officer's own county;
    personal data for the supervisor role only), or the screen token's (every region, never
    personal data); a request with neither sees nothing. Outside a request (the command line,
    benchmarks) it is every region, personal data masked."""
    if not has_request_context():
        return EVERYTHING
    viewer = current_viewer()
    return viewer.scope if viewer is not None else NOTHING


def current_viewer() -> Viewer | None:
    """The logged-in user, or the wall display holding a valid screen token; None outside a
    request or without either."""
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


# ---------------------------------------------------------------- the login page

LOGIN_HTML = """<!doctype html>
<html lang="{{ 'en' if lang == 'en' else 'zh-CN' }}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ app_title }}</title>
<link rel="stylesheet" href="/assets/vendor/bootstrap-5.3.6.min.css">
<link rel="stylesheet" href="/assets/app.css"></head>
<body>
<nav class="navbar shell-navbar navbar-dark mb-4"><div class="container-fluid">
<span class="navbar-brand fw-bold">{{ app_title }}</span>
<a class="btn btn-sm btn-outline-light" id="login-lang" href="{{ other_href }}">{{ other_label }}</a></div></nav>
<main class="container" style="max-width: 24rem">
<h1 class="h4 mb-3">{{ title }}</h1>
{% if message %}<div class="alert alert-{{ 'danger' if error else 'info' }}" id="login-message" role="alert">{{ message }}</div>{% endif %}
<form method="post" action="/login{{ '?lang=en' if lang == 'en' else '' }}" id="login-form" autocomplete="on">
<input type="hidden" name="csrf_token" value="{{ csrf }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="mb-3"><label class="form-label" for="login-username">{{ username }}</label>
<input class="form-control" id="login-username" name="username" autocomplete="username" required autofocus
 value="{{ name }}" maxlength="64"></div>
<div class="mb-3"><label class="form-label" for="login-password">{{ password }}</label>
<input class="form-control" id="login-password" name="password" type="password" autocomplete="current-password"
 required maxlength="256"></div>
<button class="btn btn-primary w-100" id="login-submit" type="submit">{{ submit }}</button>
</form></main></body></html>"""


def clean_text(text: str) -> str:
    """Text from outside with control and bidirectional-override characters removed (a file
    name written right-to-left, a NUL in a name): what is shown and logged is what is there."""
    import unicodedata

    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn") or c in "\t")


def _lang() -> str:
    return lang_of(request.args.get("lang") or request.form.get("lang"))


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no `//`); else the overview."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(message: str = "", error: bool = False, status: int = 200, name: str = "") -> Response:
    lang = _lang()
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(32)
    nxt = _safe_next(request.values.get("next"))
    base = "/login" + ("?next=" + quote(nxt, safe="") if nxt != "/" else "")
    other = base + ("&" if "?" in base else "?") + "lang=en" if lang == "zh" else base
    html = render_template_string(
        LOGIN_HTML,
        lang=lang,
        title=label("login_title", lang),
        app_title=label("app_title", lang),
        username=label("login_username", lang),
        password=label("login_password", lang),
        submit=label("login_submit", lang),
        message=message,
        error=error,
        csrf=session["csrf"],
        next=nxt,
        name=name,
        other_href=other,
        other_label=label("language", lang),
    )
    return Response(html, status=status, mimetype="text/html")


def _login_post() -> Response:
    lang = _lang()
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        session.pop("csrf", None)
        return _login_page(label("login_form_expired", lang), error=True, status=400)
    name = clean_text((request.form.get("username") or "").strip())[:64]
    password = request.form.get("password") or ""
    remote = request.remote_addr or ""
    if not throttle.login_allowed(name, remote):
        # Refused before any password is checked, the same for every name, real or not.
        if throttle.audit_allowed("login_throttled", remote):
            audit.record("login_throttled", f"too many failures from {remote}", who=name, role="", remote=remote)
        return _login_page(label("login_throttled", lang), error=True, status=429, name=name)
    result = store().authenticate(name, password)
    if not result.ok:
        throttle.login_failed(name, remote)
        event = "login_disabled" if result.status == "disabled" else "login_failed"
        audit.record(
            event,
            f"failures in a row: {result.failures}" if result.user else "unknown name",
            who=name,
            role=result.user.role if result.user else "",
            remote=remote,
        )
        return _login_page(label("login_bad", lang), error=True, name=name)  # 200: the form again, with the reason
    throttle.login_succeeded(name, remote)
    user = result.user
    session.clear()  # no fixation: a fresh session (and CSRF token) after login
    session["csrf"] = secrets.token_urlsafe(32)  # for the logout form
    token = store().open_session(user.name)
    login_user(LoginUser(token, user.name, user.role, user.county))
    viewer = Viewer(user.name, user.role, user.county)
    g.viewer = viewer
    audit.record("login", "", who=user.name, role=user.role, scope=viewer.scope, remote=remote)
    nxt = _safe_next(request.form.get("next"))
    if lang == "en" and "lang=" not in nxt:
        nxt += ("&" if "?" in nxt else "?") + "lang=en"
    return redirect(nxt, code=303)


def _session_alive() -> Response:
    """`/session`: 200 while the caller's session holds (a user's, or a screen token's not
    revoked), else 401 and the session cookie cleared. The wall display asks it every few
    seconds (assets/screen.js) and leaves for the login page on a 401."""
    if current_viewer() is None:
        session.clear()
        response = Response("login required", status=401, mimetype="text/plain")
    else:
        response = Response("ok", mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def csrf_token() -> str:
    """The session's CSRF token (the login form's, and the logout form's in the shell)."""
    if not session.get("csrf"):
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _logout() -> Response:
    """POST only, with the session's CSRF token: another site cannot sign a user out, nor can
    a link or an image. A GET answers 405."""
    lang = _lang()
    sent = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent, expected):
        return Response("CSRF token missing or wrong / 缺少或错误的表单令牌", status=400, mimetype="text/plain")
    viewer = current_viewer()
    if current_user.is_authenticated:
        store().end_session(current_user.id)
        audit.record(
            "logout", "", who=viewer.name, role=viewer.role, scope=viewer.scope, remote=request.remote_addr or ""
        )
    logout_user()
    session.clear()
    return redirect("/login" + ("?lang=en" if lang == "en" else ""), code=303)


# ---------------------------------------------------------------- the guard


# The type each callback property may arrive as (None always may): a crafted body sending a
# list where a string belongs is refused with 400 before any callback runs.
PROP_TYPES: dict[str, tuple[type, ...]] = {
    "search": (str,),
    "pathname": (str,),
    "hash": (str,),
    "href": (str,),
    "date": (str,),
    "active_tab": (str,),
    "n_clicks": (int,),
    "n_intervals": (int,),
    "is_open": (bool,),
    "clickData": (dict,),
    "cellClicked": (dict,),
    "value": (str, int, float, list),
    "contents": (str, list),
    "filename": (str, list),
    "id": (dict, str),
}
MAX_CALLBACK_DEPTH = 32


def _depth(value, level: int = 0) -> int:
    if level > MAX_CALLBACK_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def _bad_item(declared: dict, item) -> str | None:
    """Why one input or state entry of a callback body does not fit what the callback declares."""
    pattern = str(declared.get("id", "")).startswith("{")
    entries = item if pattern and isinstance(item, list) else [item]
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("property") != declared.get("property"):
            return f"input {declared.get('id')}.{declared.get('property')} missing or out of place"
        if pattern:
            if not isinstance(entry.get("id"), dict):
                return f"input {declared.get('id')} must name a pattern id"
        elif entry.get("id") != declared.get("id"):
            return f"input {declared.get('id')}.{declared.get('property')} missing or out of place"
        value = entry.get("value")
        allowed = PROP_TYPES.get(str(entry.get("property")))
        if (
            value is not None
            and allowed
            and (not isinstance(value, allowed) or isinstance(value, bool) and bool not in allowed)
        ):
            return f"{declared.get('id')}.{declared.get('property')}: a {type(value).__name__} is not allowed here"
    return None


def callback_body_problem(app: dash.Dash) -> str | None:
    """Why the body of a /_dash-update-component request is not one the renderer sends for the
    callback it names, or None: JSON object, a known output, exactly the declared inputs and
    state in their places, values of the declared kinds, no NUL characters, not nested deeper
    than MAX_CALLBACK_DEPTH. Answered with 400 before any callback runs."""
    raw = request.get_data(cache=True)
    if b"\x00" in raw or b"\\u0000" in raw:
        return "NUL characters are not allowed"
    try:
        body = json.loads(raw)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    output = body.get("output")
    cb = app.callback_map.get(output) if isinstance(output, str) else None
    if cb is None:
        return "no such callback"
    if not isinstance(body.get("outputs"), (dict, list)):
        return "outputs missing"
    inputs, state = body.get("inputs"), body.get("state", [])
    if not isinstance(inputs, list) or not isinstance(state, list):
        return "inputs and state must be lists"
    if len(inputs) != len(cb["inputs"]) or len(state) != len(cb.get("state", [])):
        return "the inputs or state do not match the callback's"
    for declared, item in zip(cb["inputs"] + cb.get("state", []), inputs + state, strict=False):
        why = _bad_item(declared, item)
        if why:
            return why
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds must be a list of strings"
    if _depth(body) > MAX_CALLBACK_DEPTH:
        return "nested too deeply"
    return None


def _callback_module(cb: dict) -> str | None:
    fn = cb.get("callback")
    return getattr(fn, "__wrapped__", fn).__module__ if fn is not None else None


def may_call(app: dash.Dash, cb: dict, viewer: Viewer, pathname: str | None = None) -> bool:
    """May this viewer call this callback? By the page that owns it. Dash's page router: any
    logged-in user (a page the role may not open renders the app's own 'no permission' layout,
    complete_setup), a screen session only for /screen; `pathname` None asks whether the
    viewer may call it at all (the dependency list)."""
    module = _callback_module(cb)
    if module is None:  # a clientside callback runs in the browser: nothing to call on the server
        return False
    if module.startswith("dash."):
        if viewer.role != SCREEN:
            return True
        if pathname is None:
            return True
        from dash._pages import _path_to_page

        page, _ = _path_to_page(app.strip_relative_path(pathname or "/"))
        return bool(page) and may_open(page, viewer)
    page = next((p for p in dash.page_registry.values() if p.get("module") == module), None)
    if page is not None:
        return may_open(page, viewer)
    if module.startswith("pages."):
        return False  # a page module without a registry entry: nobody
    return True  # the shell (app.py): texts, region choices (scoped), 数据截至


def _callback_allowed(app: dash.Dash, viewer: Viewer) -> bool:
    """May this viewer call the callback the request names? (The body has been checked.)"""
    body = request.get_json(silent=True) or {}
    cb = app.callback_map[body["output"]]
    pathname = None
    if (_callback_module(cb) or "").startswith("dash."):
        # Dash hands the values to the function by position, so read the pathname at the
        # position the callback declares it (a reordered body cannot smuggle another one in).
        position = next((n for n, d in enumerate(cb["inputs"]) if d.get("property") == "pathname"), None)
        if position is None:
            return False
        pathname = str(body["inputs"][position].get("value") or "/")
    return may_call(app, cb, viewer, pathname)


def _registered_page(path: str) -> dict | None:
    return next((p for p in dash.page_registry.values() if p.get("path") == path), None)


def _refused(viewer: Viewer | None, what: str) -> None:
    """A 403 in the audit log: who asked for what (a few per address and window: a flood of
    refusals cannot flood the log)."""
    remote = request.remote_addr or ""
    if throttle.audit_allowed(f"forbidden:{viewer.name if viewer else ''}", remote):
        audit.record("forbidden", what[:300])


def _max_body() -> int:
    return settings.get("MAX_REQUEST_BYTES")


def _guard(app: dash.Dash):
    path = request.path
    if request.content_length is not None and request.content_length > _max_body():
        return Response("request too large / 请求过大", status=413, mimetype="text/plain")
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return None
    if path == "/screen" and request.method == "GET" and request.args.get("token"):
        token_id = store().screen_token_id(request.args["token"])
        if token_id is not None and not current_user.is_authenticated:
            if session.get("screen") != token_id:
                session.clear()
                session["screen"] = token_id
                audit.record(
                    "screen_open",
                    f"token #{token_id}",
                    who=f"screen#{token_id}",
                    role=SCREEN,
                    remote=request.remote_addr or "",
                )
            g.pop("viewer", None)
    viewer = current_viewer()
    if viewer is None and "screen" in session:  # a revoked screen token: its session ends here
        session.clear()
    if path.startswith(DASH_API):
        if viewer is None:
            return Response("login required", status=401, mimetype="text/plain")
        if path == "/_dash-update-component":
            problem = callback_body_problem(app)
            if problem:
                return Response(f"bad request: {problem}", status=400, mimetype="text/plain")
            if not _callback_allowed(app, viewer):
                _refused(viewer, f"callback {(request.get_json(silent=True) or {}).get('output')}")
                return Response("forbidden", status=403, mimetype="text/plain")
        return None
    if viewer is None or viewer.role == SCREEN and path != "/screen":
        if request.method != "GET":
            return Response("login required", status=401, mimetype="text/plain")
        target = request.full_path if request.query_string else path
        return redirect("/login?next=" + quote(target, safe=""), code=302)
    if request.url_rule is not None and request.url_rule.endpoint in ("/", "/<path:path>"):
        from dash._pages import _path_to_page

        page, _ = _path_to_page(app.strip_relative_path(path))
        if not page or page.get("module", "").endswith("not_found_404"):
            g.http_status = 404  # Dash's page shell; the router fills in the app's own "not found" page
        elif not may_open(page, viewer):
            _refused(viewer, f"page {path}")
            g.http_status = 403  # the app's layout with its own "no permission" page (complete_setup)
    return None


def _dependencies_for_viewer(app: dash.Dash, response: Response) -> Response:
    """`/_dash-dependencies` lists to each viewer only the callbacks it may call (and the
    clientside ones, which run in its browser)."""
    if request.path != "/_dash-dependencies" or response.status_code != 200:
        return response
    viewer = current_viewer()
    try:
        listed = json.loads(response.get_data())
    except ValueError:
        return response
    kept = []
    for entry in listed:
        cb = app.callback_map.get(entry.get("output"))
        if entry.get("clientside_function") or (cb is not None and cb.get("callback") is None):
            owner = _clientside_page(str(entry.get("output", "")))
            if owner is None or may_open(owner, viewer):
                kept.append(entry)
        elif viewer is not None and cb is not None and may_call(app, cb, viewer):
            kept.append(entry)
    response.set_data(json.dumps(kept))
    return response


def _clientside_page(output: str) -> dict | None:
    """The page a clientside callback belongs to, by the ids' convention: a page's components
    are named after its module (pages/upload.py: `upload-…`, pages/data_status.py: `data-status-…`)."""
    first = output[2:] if output.startswith("..") else output
    for page in dash.page_registry.values():
        prefix = page.get("module", "").rsplit(".", 1)[-1].replace("_", "-") + "-"
        if first.startswith(prefix):
            return page
    return None


def _status(response: Response) -> Response:
    """The status the guard chose for Dash's page shell (403 no permission, 404 not found)."""
    wanted = g.get("http_status")
    if wanted and response.status_code == 200:
        response.status_code = wanted
    return response


def _bad_callback(exc: Exception):
    """A callback that raised on what a client sent: 400, never a 500 (the trace goes to the
    server's log). Other errors stay errors."""
    from werkzeug.exceptions import HTTPException

    if isinstance(exc, HTTPException):
        return exc
    if request.path == "/_dash-update-component":
        import traceback

        traceback.print_exc()
        return Response("bad request", status=400, mimetype="text/plain")
    raise exc


# ---------------------------------------------------------------- headers

_csp_cache: tuple[int, str] | None = None  # (key, policy), swapped as one object: threads read it


def content_security_policy(app: dash.Dash) -> str:
    """Scripts only from this server and Dash's own inline scripts (by hash); styles from this
    server plus the inline styles plotly.js and the components inject; no framing."""
    global _csp_cache
    key = len(getattr(app, "_inline_scripts", []))
    cached = _csp_cache
    if cached is None or cached[0] != key:
        hashes = " ".join(app.csp_hashes())  # already quoted: 'sha256-…'
        cached = _csp_cache = (
            key,
            "; ".join(
                [
                    "default-src 'self'",
                    f"script-src 'self' {hashes}",
                    "style-src 'self' 'unsafe-inline'",
                    "img-src 'self' data: blob:",
                    "font-src 'self' data:",
                    "connect-src 'self'",
                    "worker-src 'self' blob:",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "frame-ancestors 'none'",
                ]
            ),
        )
    return cached[1]


def _headers(app: dash.Dash, response: Response) -> Response:
    h = response.headers
    h["Content-Security-Policy"] = content_security_policy(app)
    h["X-Frame-Options"] = "DENY"
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "same-origin"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.path in ("/login", "/logout") or (
        request.path.startswith("/_dash-") and not request.path.startswith("/_dash-component-suites/")
    ):
        h["Cache-Control"] = "no-store"  # data and sign-in; Dash's script bundles keep its own caching
    h.pop("Server", None)
    return response


# ---------------------------------------------------------------- exports, audited


def _query_state(body: dict) -> str:
    """The page's filter as the callback was sent it: every `*-query` store's data."""
    found = {}
    for item in (body.get("inputs") or []) + (body.get("state") or []):
        if isinstance(item, dict) and str(item.get("id", "")).endswith("-query") and item.get("property") == "data":
            found[item["id"]] = item.get("value")
    if not found:
        return "—"
    return json.dumps(
        found if len(found) > 1 else next(iter(found.values())), ensure_ascii=False, sort_keys=True, default=str
    )


def _audit_export(response: Response) -> Response:
    """An `export` audit record for every file a callback hands to a dcc.Download (an output
    whose id ends in `-download`): which output, the file's name, the page's filter. Only a
    file actually returned counts (200 with content; PreventUpdate answers 204)."""
    if request.path != "/_dash-update-component" or response.status_code != 200:
        return response
    body = request.get_json(silent=True) or {}
    output = body.get("output")
    if not isinstance(output, str) or "-download.data" not in output:
        return response
    try:
        answer = json.loads(response.get_data())
    except ValueError:
        return response
    for ident, props in (answer.get("response") or {}).items():
        data = props.get("data") if isinstance(props, dict) else None
        if str(ident).endswith("-download") and isinstance(data, dict) and data.get("content"):
            audit.record("export", f"{ident}: {data.get('filename') or '—'}; filter: {_query_state(body)}")
    return response


# ---------------------------------------------------------------- install


def install(app: dash.Dash) -> None:
    server = app.server
    server.secret_key = _secret_key()
    server.config.update(
        SESSION_COOKIE_NAME="wygk_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cookie_secure(),
        MAX_CONTENT_LENGTH=_max_body(),
    )
    manager = LoginManager()
    manager.session_protection = "strong"
    manager.init_app(server)

    @manager.user_loader
    def _load(session_id: str) -> LoginUser | None:
        user = store().session_user(session_id)
        return LoginUser(session_id, user.name, user.role, user.county) if user else None

    server.add_url_rule(
        "/login", "login", lambda: _login_post() if request.method == "POST" else _login_page(), methods=["GET", "POST"]
    )
    server.add_url_rule("/logout", "logout", _logout, methods=["POST"])
    server.add_url_rule(
        "/logout",
        "logout_get",
        lambda: Response(  # a link or an image cannot sign anybody out
            "405: sign out with the button (POST) / 请用“退出”按钮退出",
            status=405,
            headers={"Allow": "POST"},
            mimetype="text/plain",
        ),
        methods=["GET"],
    )
    server.add_url_rule("/healthz", "healthz", lambda: Response("ok", mimetype="text/plain"))
    server.add_url_rule("/session", "session_alive", _session_alive)
    # Before Dash's own before-request functions (page routing set-up, …).
    server.before_request_funcs.setdefault(None, []).insert(0, lambda: _guard(app))
    server.after_request(lambda response: _headers(app, response))
    server.after_request(_audit_export)
    server.after_request(lambda response: _dependencies_for_viewer(app, response))
    server.after_request(_status)
    server.register_error_handler(Exception, _bad_callback)


def complete_setup(app: dash.Dash) -> None:
    """Do now the set-up Dash defers to the first request a process serves: copy the pages'
    callbacks (`dash.callback`) into `app.callback_map`, register the page router. The guard
    decides on a callback by that map and answers before Dash's own before-request functions,
    so without this a fresh process (a restart, a new gunicorn worker) refused every callback
    until some other request had set Dash up, and threads serving the first requests at once
    raced through the set-up. Call once, after the layout and every callback are defined."""
    with app.server.test_request_context("/healthz"):  # a public path: the guard lets it through
        answered = app.server.preprocess_request()  # the before-request functions, in order
    if answered is not None:
        raise RuntimeError(f"a before-request function answered the set-up request: {answered!r}")
    if not any(k.startswith("..") and "_pages_content.children" in k for k in app.callback_map) and dash.page_registry:
        raise RuntimeError("Dash's page router is not in the callback map after the set-up")
    for page in dash.page_registry.values():
        if not page.get("module", "").endswith("not_found_404") and not getattr(page["layout"], "guarded", False):
            page["layout"] = _guarded_layout(page, page["layout"])


def refusal_layout(kind: str, lang: str = "zh"):
    """The app's own page for `forbidden` (a page the role may not open) or `not_found`, in
    the viewer's language, inside the shell (navigation stays)."""
    from dash import dcc, html

    return html.Div(
        [
            html.H4(label(f"{kind}_title", lang), className="section-title", id=f"refusal-{kind}"),
            html.P(label(f"{kind}_text", lang), className="text-muted"),
            dcc.Link(
                label("back_home", lang),
                href="/" + ("?lang=en" if lang == "en" else ""),
                className="btn btn-primary btn-sm",
            ),
        ],
        className="py-4",
        id="refusal-page",
    )


def _guarded_layout(page: dict, layout):
    """The page's layout for a viewer who may open it; the app's 'no permission' page else."""

    def guarded(**params):
        if not may_open(page, current_viewer()):
            return refusal_layout("forbidden", lang_of(params.get("lang")))
        return layout(**params) if callable(layout) else layout

    guarded.guarded = True
    return guarded


def serve(app: dash.Dash, host: str, port: int) -> None:
    """Serve with waitress (no Server banner; threads for concurrent callbacks)."""
    from waitress import serve as waitress_serve

    if cookie_secure() and host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"Note: session cookies are Secure; browsers send them over https, or over http only to "
            f"127.0.0.1/localhost. Serve {host} behind HTTPS (or set COOKIE_SECURE=0 for a trial).",
            flush=True,
        )
    print(f"Serving on http://{host}:{port}", flush=True)
    # A body over the limit is refused by waitress right after the headers (Content-Length) or
    # as soon as it passes the limit (chunked), before it is buffered: waitress's own default
    # buffers up to 1 GB to a temporary file before the application sees the request.
    waitress_serve(
        app.server,
        host=host,
        port=port,
        ident=None,
        threads=settings.get("THREADS"),
        clear_untrusted_proxy_headers=True,
        max_request_body_size=_max_body() + 1,
    )
