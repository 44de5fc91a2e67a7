"""The login page (GET and POST), the session check the wall asks, the CSRF token and sign-out."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote, urlsplit

from flask import Response, g, redirect, render_template_string, request, session
from flask_login import current_user, login_user, logout_user

from security import audit, throttle
from security.roles import Viewer
from security.session import LoginUser, current_viewer, store
from vocab.labels import label, lang_of

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
