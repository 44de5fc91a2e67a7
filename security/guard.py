"""The access guard before every request: who may open which page and call which callback,
callback bodies checked, refusals audited, errors of a callback answered 400."""

from __future__ import annotations

import json
from urllib.parse import quote

import dash
from flask import Response, g, redirect, request, session
from flask_login import current_user

from security import audit, throttle
from security.roles import SCREEN, Viewer, may_open
from security.session import _max_body, current_viewer, store

PUBLIC_PATHS = frozenset({"/login", "/healthz", "/session", "/favicon.ico", "/_favicon.ico"})
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
DASH_API = ("/_dash-", "/_reload-hash")


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
    "n_submit": (int,),
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
