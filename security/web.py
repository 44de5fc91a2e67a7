"""Login, sessions, the access guard and security headers for the Dash app's Flask server.

`install(app)` is called once by app.py; the parts it installs live in security/session.py (the
viewer behind a request), login.py, guard.py and responses.py. What it adds:

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
  response, with the output id, the file name and the page's `*-query` filter; a background
  job's file by the job, which knows the filter it was started with: security/jobs.py).
- Security headers on every response: a Content-Security-Policy built from Dash's own
  inline-script hashes, frame-ancestors 'none', X-Frame-Options DENY, nosniff,
  Referrer-Policy; no Server header.

Cookies: HttpOnly, SameSite=Lax, Secure unless COOKIE_SECURE=0 (browsers accept Secure
cookies from http://127.0.0.1 and http://localhost; a plain-http address on the LAN needs
HTTPS in front, or COOKIE_SECURE=0 for a trial).
"""

from __future__ import annotations

import dash
from flask import Response, request
from flask_login import LoginManager

import settings
from security.guard import (
    _bad_callback,
    _dependencies_for_viewer,
    _guard,
    _status,
)
from security.login import _login_page, _login_post, _logout, _session_alive, csrf_token
from security.responses import _audit_export, _headers
from security.roles import may_open
from security.session import (
    LoginUser,
    _max_body,
    _secret_key,
    cookie_secure,
    current_scope,
    current_viewer,
    print_cookie_note,
    store,
)
from vocab.labels import label, lang_of

# what the app and the pages take from here; the parts live in security.session (the viewer),
# security.login, security.guard and security.responses
__all__ = [
    "complete_setup",
    "csrf_token",
    "current_scope",
    "current_viewer",
    "install",
    "refusal_layout",
    "serve",
    "store",
]

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
    server.after_request(lambda response: _audit_export(app, response))
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

    print_cookie_note(host)
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
