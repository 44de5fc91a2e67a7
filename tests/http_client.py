"""A cookie-keeping HTTP client for tests against a running app (a real subprocess): sign-in
through the login form with its CSRF token, sign-out as the shell's button does, callbacks posted
as the renderer posts them."""

from __future__ import annotations

import http.client
import json
import re
import time
from urllib.parse import urlencode, urlsplit


class Client:
    """A cookie-keeping HTTP client on http.client (urllib's cookie jar drops Secure cookies
    over http, which the browser keeps for 127.0.0.1)."""

    def __init__(self, base: str, source: str | None = None):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.source = (source, 0) if source else None  # another loopback address: another client machine
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        con = http.client.HTTPConnection(self.host, self.port, timeout=120, source_address=self.source)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        con.request(method, path, body=body, headers=headers)
        response = con.getresponse()
        data = response.read()
        for raw in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(raw)
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Expires=Thu, 01 Jan 1970" not in raw:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        con.close()
        return response.status, response.headers, data

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, user: str, password: str | None = None):
        status, _, page = self.get("/login")
        assert status == 200
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        form = urlencode(
            {
                "csrf_token": token,
                "username": user,
                "password": password if password is not None else f"demo-{user}",
                "next": "/",
            }
        )
        return self.request("POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"})

    def logout(self):
        """Sign out as the shell's button does: a POST with the session's CSRF token (from the layout)."""
        status, _, layout = self.get("/_dash-layout")
        assert status == 200
        token = csrf_in_layout(json.loads(layout))
        assert token, "the shell's sign-out form carries the session's CSRF token"
        return self.request(
            "POST",
            "/logout",
            urlencode({"csrf_token": token}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def callback(self, spec: dict, values: dict | None = None):
        """POST a callback as the renderer would: `spec` from /_dash-dependencies, `values`
        maps 'id.property' to the value sent (None otherwise). A background callback (an
        export, the upload) answers with its job's signed handles: then poll as the renderer
        does (the same body with its values emptied, the handles in the query) until the answer."""
        body = payload(spec, values)
        status, data = self.post_callback(body)
        handles = _handles(status, data)
        if handles is None:
            return status, data
        for item in body["inputs"] + body["state"]:
            item["value"] = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, data = self.post_callback(body, f"?cacheKey={handles[0]}&job={handles[1]}")
            if status != 200:
                return status, data
            if b'"response"' in data:  # the answer, without the bar's last state (when it was read)
                answer = json.loads(data)
                answer.pop("progress", None)
                return status, json.dumps(answer).encode()
            time.sleep(0.1)
        raise AssertionError(f"the job of {spec['output']} did not finish")

    def post_callback(self, body: dict, query: str = ""):
        status, _, data = self.request(
            "POST", "/_dash-update-component" + query, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        return status, data


def _handles(status: int, data: bytes) -> tuple[str, str] | None:
    """A background callback's first answer: (cacheKey, job), else None."""
    if status != 200 or b'"cacheKey"' not in data:
        return None
    answer = json.loads(data)
    return (answer["cacheKey"], answer["job"]) if "response" not in answer and "job" in answer else None


def csrf_in_layout(node) -> str | None:
    """The value of the sign-out form's hidden CSRF field in a Dash layout."""
    if isinstance(node, dict):
        props = node.get("props") if isinstance(node.get("props"), dict) else {}
        if props.get("id") == "shell-logout-csrf":
            return props.get("value")
        for value in node.values():
            found = csrf_in_layout(value)
            if found:
                return found
    elif isinstance(node, list):
        for value in node:
            found = csrf_in_layout(value)
            if found:
                return found
    return None


def _outputs(output: str):
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    outs = []
    for part in parts:
        ident, prop = part.rsplit(".", 1)
        outs.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop.split("@")[0]})
    return outs if output.startswith("..") else outs[0]


def payload(spec: dict, values: dict | None = None) -> dict:
    values = values or {}

    def item(d):
        return {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}

    inputs = [item(d) for d in spec["inputs"]]
    return {
        "output": spec["output"],
        "outputs": _outputs(spec["output"]),
        "inputs": inputs,
        "state": [item(d) for d in spec["state"]],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec["inputs"]],
    }
