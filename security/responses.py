"""What every response carries: security headers, and the audit record of a file handed to
the browser."""

from __future__ import annotations

import json
from collections.abc import Iterable

import dash
from flask import Response, request

from security import audit

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


def record_exports(files: Iterable[tuple[str, object]], body: dict) -> None:
    """An `export` record for each (output id, value) that is a file handed to a dcc.Download
    (an id ending in `-download`, a value with content): the id, the file's name, the page's
    filter as the call that asked for it was sent (`body`)."""
    for ident, data in files:
        if str(ident).endswith("-download") and isinstance(data, dict) and data.get("content"):
            audit.record("export", f"{ident}: {data.get('filename') or '—'}; filter: {_query_state(body)}")


def audit_files(outputs, answer, body: dict) -> None:
    """`record_exports` for what a background job returns: `outputs` as Dash lists them in the
    callback context (one dict, or a list for several outputs), `answer` the job's value(s)."""
    if isinstance(outputs, dict):
        outputs, answer = [outputs], [answer]
    if not isinstance(answer, list | tuple):
        return
    record_exports(
        ((o.get("id"), value) for o, value in zip(outputs, answer, strict=False) if o.get("property") == "data"), body
    )


def _audit_export(app: dash.Dash, response: Response) -> Response:
    """An `export` audit record for every file a callback hands to a dcc.Download (an output
    whose id ends in `-download`): which output, the file's name, the page's filter. Only a
    file actually returned counts (200 with content; PreventUpdate answers 204). A background
    callback's file is recorded by its job (security/jobs.py), which knows the filter it was
    started with: its polls carry none."""
    if request.path != "/_dash-update-component" or response.status_code != 200:
        return response
    body = request.get_json(silent=True) or {}
    output = body.get("output")
    if not isinstance(output, str) or "-download.data" not in output:
        return response
    if (app.callback_map.get(output) or {}).get("background"):
        return response
    try:
        answer = json.loads(response.get_data())
    except ValueError:
        return response
    record_exports(
        (
            (ident, props.get("data"))
            for ident, props in (answer.get("response") or {}).items()
            if isinstance(props, dict)
        ),
        body,
    )
    return response
