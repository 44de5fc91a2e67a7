"""Access control seen from raw HTTP against the running app (a real subprocess on the demo
warehouse): sessions come from real login POSTs through the form (with its CSRF token),
callbacks are crafted by hand the way an attacker would send them.

- without a session every page redirects to /login and every callback answers 401;
- a county officer asking any callback for another county gets the same nothing as for a
  third county (while the leader's answers differ), and the region choices are the own county's;
- personal data: masked for the leader (list and Excel export), shown for the supervisor;
- a screen token opens /screen and its callbacks, nothing else;
- failed logins throttled by account and address (the owner from another address gets in),
  CSRF, logout as a POST with the session's token, cookie flags, security headers, no Server banner;
- a company of another county is not named to a county officer who types its credit code;
- a request body over the limit is refused before it is read, leaving nothing on disk.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from tests.http_client import Client, payload

from .conftest import ROOT, Server

MASKED = re.compile(r"^1\d{2}\*{4}\d{4}$")
PHONE = re.compile(r"^1[3-9]\d{9}$")
PERIOD = {"from": "2024-01-01", "to": "2025-05-31"}
OTHER, THIRD = "140721", "140727"  # 榆社县, 祁县: counties of 晋中 other than 榆次区 (140702)
NAMES = {"140721": "榆社县", "140727": "祁县"}


@pytest.fixture(scope="module")
def app_map(server) -> dict:
    """The app's pages and callback map, read in a subprocess that imports the app on the demo's store."""
    code = (
        "import json, dash, app; print(json.dumps({'paths': [p['path'] for p in dash.page_registry.values()], "
        "'callbacks': sorted(app.app.callback_map)}))"
    )
    env = {**os.environ, "WAREHOUSE": str(server.warehouse), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def session_for(server, user: str) -> Client:
    client = Client(server.url)
    status, headers, _ = client.login(user)
    assert status == 303 and headers["Location"] == "/", (status, headers)
    return client


@pytest.fixture(scope="module")
def leader(server):
    return session_for(server, "leader")


@pytest.fixture(scope="module")
def county(server):
    return session_for(server, "county_140702")


@pytest.fixture(scope="module")
def dependencies(leader) -> list[dict]:
    status, _, data = leader.get("/_dash-dependencies")
    assert status == 200
    return json.loads(data)


def text_of(data: bytes) -> str:
    """A callback's answer as text, Chinese as Chinese (JSON escapes it)."""
    try:
        return json.dumps(json.loads(data), ensure_ascii=False)
    except ValueError:
        return data.decode("utf-8", "replace")


def spec_of(dependencies: list[dict], output_part: str) -> dict:
    return next(d for d in dependencies if output_part in d["output"])


def grid_rows(response: bytes, grid_id: str, missing_ok: bool = False) -> list[dict]:
    """The rowData of an AG Grid anywhere in a callback response ([] when there is no grid
    and `missing_ok`: a page shows 所选范围内没有数据 instead of an empty grid)."""
    found: list[list] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("id") == grid_id and "rowData" in node:
                found.append(node["rowData"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(response))
    if missing_ok and not found:
        return []
    assert found, f"no grid {grid_id} in the response"
    return found[0]


# ---------------------------------------------------------------- without a session


def test_without_a_session_every_page_redirects_and_every_callback_is_refused(server, app_map, dependencies):
    anonymous = Client(server.url)
    assert "/screen" in app_map["paths"] and "/" in app_map["paths"]
    for path in app_map["paths"] + ["/no-such-page"]:
        status, headers, _ = anonymous.get(path)
        assert status == 302 and headers["Location"].startswith("/login?next="), (path, status)
    for path in ("/_dash-layout", "/_dash-dependencies"):
        assert anonymous.get(path)[0] == 401, path
    outputs = set(app_map["callbacks"]) | {d["output"] for d in dependencies}
    assert len(outputs) > 50
    for output in sorted(outputs):
        spec = next((d for d in dependencies if d["output"] == output), {"output": output, "inputs": [], "state": []})
        status, data = anonymous.callback(spec)
        assert status == 401 and data == b"login required", (output, status, data[:200])
    # the readiness route and the login page need no session and say nothing more
    assert anonymous.get("/healthz")[0:3:2] == (200, b"ok")
    assert anonymous.get("/login")[0] == 200
    assert anonymous.get("/assets/app.css")[0] == 200


# ---------------------------------------------------------------- a county officer's scope


def _query_values(spec: dict, region: str) -> dict:
    """Values for a crafted request: every page's query store (and 督办's trail's) asks for
    `region` in the period, every lazy panel has come near the screen (so that it answers), every
    button counts one click (so exports run), the URL carries the region too."""
    values = {}
    for d in spec["inputs"] + spec["state"]:
        key = f"{d['id']}.{d['property']}"
        if d["id"].endswith(("-query", "-trail")) and d["property"] == "data":
            values[key] = {"region": region, **PERIOD}
        elif d["id"].endswith("-seen") and d["property"] == "data":
            values[key] = True
        elif d["property"] == "n_clicks":
            values[key] = 1
        elif d["id"] == "url" and d["property"] == "search":
            values[key] = f"?region={region}&from={PERIOD['from']}&to={PERIOD['to']}"
    return values


def _cells(content: str) -> list:
    """An exported workbook's cell values (the file's bytes carry its creation time)."""
    import base64

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(base64.b64decode(content)))
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


def _normalised(data: bytes, region: str) -> bytes:
    def walk(node):
        if isinstance(node, dict):
            if node.get("base64") and "content" in node:
                node = {**node, "content": _cells(node["content"])}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    try:
        body = walk(json.loads(data))
        for key in body.get("response", {}):  # the screen's content hash and pull time vary by nature
            if key.endswith(("-version", "-pulled")):
                body["response"][key] = "<varies>"
        text = json.dumps(body, ensure_ascii=False, default=str)
    except ValueError:
        text = data.decode("utf-8")
    return text.replace(region, "<R>").replace(NAMES[region], "<N>").encode()


def test_a_county_officer_gets_nothing_of_another_county_from_any_callback(county, leader, dependencies):
    """Every data callback, crafted for 榆社县 and for 祁县 by the 榆次区 officer, answers the
    same (nothing, up to the echoed code and name); the leader's answers differ, so the
    comparison would see a leak."""
    data_callbacks = [
        d
        for d in dependencies
        if any(i["id"].endswith("-query") for i in d["inputs"] + d["state"])
        and not d["output"].startswith("url.search")
    ]
    assert len(data_callbacks) > 40
    differs_for_leader = answered = 0
    for spec in data_callbacks:
        statuses, answers = [], []
        for region in (OTHER, THIRD):
            status, data = county.callback(spec, _query_values(spec, region))
            statuses.append(status)
            answers.append(_normalised(data, region))
        # (a callback that fails on the crafted inputs fails alike for both: Dash's 500 says nothing)
        assert statuses[0] == statuses[1], (spec["output"], statuses)
        answered += statuses[0] == 200
        assert answers[0] == answers[1], f"{spec['output']}: the county officer sees 榆社县 and 祁县 differently"
        if differs_for_leader <= 30:  # enough to show the comparison sees a leak: the leader's asked no more
            mine = [leader.callback(spec, _query_values(spec, region)) for region in (OTHER, THIRD)]
            if mine[0][0] == 200 and _normalised(mine[0][1], OTHER) != _normalised(mine[1][1], THIRD):
                differs_for_leader += 1
    assert answered > 40 and differs_for_leader > 30, (answered, differs_for_leader)


def test_crafted_requests_for_another_county_return_no_rows(county, leader, dependencies):
    escalations = spec_of(dependencies, "escalations-open-title.children")
    values = _query_values(escalations, OTHER)
    status, data = leader.callback(escalations, values)
    assert status == 200 and grid_rows(data, "escalations-open-grid"), "the leader sees 榆社县's open cases"
    status, data = county.callback(escalations, values)
    assert status == 200 and grid_rows(data, "escalations-open-grid", missing_ok=True) == []
    assert "所选范围内没有数据" in json.loads(data)["response"]["escalations-open"]["children"]["props"]["children"]

    overview = spec_of(dependencies, "overview-escalations.children")
    _, mine = leader.callback(overview, _query_values(overview, OTHER))
    _, theirs = county.callback(overview, _query_values(overview, OTHER))

    def counts(data):
        return [
            int(v.replace(",", "")) for v in re.findall(r'"children":"([\d,]+)","className":"kpi-value"', data.decode())
        ]

    assert sum(counts(mine)) > 0 and counts(theirs) == [0, 0, 0, 0, 0]

    # a case of 榆社县 asked for by its id (with and without the region): no header, no trail
    case_id = grid_rows(leader.callback(escalations, values)[1], "escalations-open-grid")[0]["case_id"]
    trail = spec_of(dependencies, "escalations-timeline-title.children")
    for query in ({"region": OTHER, **PERIOD, "case": case_id}, {**PERIOD, "case": case_id}):
        values = {"escalations-trail.data": query}  # the trail's own store: the page's query and the case
        assert b"escalations-timeline-county" in leader.callback(trail, values)[1]
        status, data = county.callback(trail, values)
        assert status == 200 and b"escalations-timeline-county" not in data
        assert b"rowData" not in data and not re.search(rb"1\d{2}\*{4}\d{4}", data)


def test_region_choices_are_the_own_county_and_its_townships(county, leader, dependencies):
    shell = spec_of(dependencies, "shell-region.options")
    values = {"url.search": ""}
    status, data = county.callback(shell, values)
    assert status == 200
    body = json.loads(data)["response"]
    codes = [o["value"] for o in body["shell-region"]["options"]]
    assert codes and all(c.startswith("140702") for c in codes), codes
    assert "140702" in codes and any(len(c) == 9 for c in codes)
    assert body["shell-region"]["value"] == "140702" and "region=140702" in body["url"]["search"]
    everyone = [
        o["value"] for o in json.loads(leader.callback(shell, values)[1])["response"]["shell-region"]["options"]
    ]
    assert OTHER in everyone and "140700" in everyone and len(everyone) > len(codes)


def test_pages_outside_the_role_are_refused(county, dependencies):
    assert county.get("/data")[0] == 403
    router = spec_of(dependencies, "_pages_content.children")
    status, data = county.callback(router, {"_pages_location.pathname": "/data", "_pages_location.search": ""})
    assert status == 200 and "无权访问" in text_of(data) and b"data-status" not in data  # the app's own page
    status, data = county.callback(router, {"_pages_location.pathname": "/funds", "_pages_location.search": ""})
    assert status == 200 and b"funds-query" in data
    # Dash passes values by position: a body that names /funds as the pathname but puts /data first gets /data's refusal
    body = payload(router)
    body["inputs"] = [
        {"id": "_pages_location", "property": "search", "value": "/data"},
        {"id": "_pages_location", "property": "pathname", "value": "/funds"},
    ]
    status, _, data = county.request(
        "POST", "/_dash-update-component", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    assert status == 400 and b"data-status" not in data and b"funds-query" not in data


def test_a_county_officer_cannot_look_up_another_countys_company_by_credit_code(server, county, leader, dependencies):
    import duckdb

    with duckdb.connect(str(server.warehouse), read_only=True) as con:
        code, name = con.execute(
            "SELECT company_code, name FROM companies WHERE county = ? AND company_code NOT IN "
            "(SELECT company_code FROM cases WHERE county LIKE '140702%' AND company_code IS NOT NULL)"
            " AND company_code NOT IN (SELECT company_code FROM company_lists WHERE county LIKE "
            "'140702%') ORDER BY company_code LIMIT 1",
            [OTHER],
        ).fetchone()
        mine = con.execute(
            "SELECT company_code, name FROM companies WHERE county = '140702' ORDER BY company_code LIMIT 1"
        ).fetchone()
    spec = spec_of(dependencies, "escalations-company.children")
    for values in (
        {"escalations-query.data": {"company": code, **PERIOD}},
        {"escalations-query.data": {"company": code, "region": OTHER, **PERIOD}},
    ):
        status, data = leader.callback(spec, values)
        assert status == 200 and name in text_of(data)
        status, data = county.callback(spec, values)
        assert status == 200 and name not in text_of(data), "the name of another county's company"
    status, data = county.callback(spec, {"escalations-query.data": {"company": mine[0], **PERIOD}})
    assert status == 200 and mine[1] in text_of(data)  # the own county's companies are named


# ---------------------------------------------------------------- personal data


def _open_case_phones(client: Client, dependencies) -> list[str]:
    spec = spec_of(dependencies, "escalations-open-title.children")
    status, data = client.callback(spec, {"escalations-query.data": {"region": "140700", **PERIOD}})
    assert status == 200
    return [r["reporter_phone"] for r in grid_rows(data, "escalations-open-grid") if r.get("reporter_phone")]


def test_phones_are_masked_for_the_leader_and_shown_to_the_supervisor(server, leader, dependencies):
    masked = _open_case_phones(leader, dependencies)
    assert masked and all(MASKED.match(p) for p in masked), masked[:3]
    supervisor = session_for(server, "supervisor")
    shown = _open_case_phones(supervisor, dependencies)
    assert shown and all(PHONE.match(p) for p in shown), shown[:3]
    assert [p[:3] + p[-4:] for p in shown] == [p[:3] + p[-4:] for p in masked]


def test_a_leaders_export_has_masked_phones(leader, dependencies):
    import base64

    from openpyxl import load_workbook

    spec = spec_of(dependencies, "escalations-open-download.data")
    status, data = leader.callback(
        spec, {"escalations-open-export.n_clicks": 1, "escalations-query.data": {"region": "140700", **PERIOD}}
    )
    assert status == 200
    download = json.loads(data)["response"]["escalations-open-download"]["data"]
    sheet = load_workbook(io.BytesIO(base64.b64decode(download["content"]))).active
    from components.i18n import label

    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if label("reporter_phone") in row)
    col = rows[header].index(label("reporter_phone"))
    phones = [row[col] for row in rows[header + 1 :] if row[col]]
    assert phones and all(MASKED.match(str(p)) for p in phones), phones[:3]


# ---------------------------------------------------------------- the screen token


def test_a_screen_token_opens_the_screen_and_nothing_else(server, dependencies):
    wall = Client(server.url)
    assert wall.get("/screen?token=wrong")[0] == 302
    status, _, _ = wall.get("/screen?token=demo-screen")
    assert status == 200
    assert wall.get("/_dash-layout")[0] == 200
    assert wall.callback(spec_of(dependencies, "shell-as-of.children"), {"url.search": ""})[0] == 200
    router = spec_of(dependencies, "_pages_content.children")
    assert wall.callback(router, {"_pages_location.pathname": "/screen", "_pages_location.search": ""})[0] == 200
    assert wall.callback(router, {"_pages_location.pathname": "/", "_pages_location.search": ""})[0] == 403
    overview = spec_of(dependencies, "overview-escalations.children")
    assert wall.callback(overview, _query_values(overview, "140700"))[0] == 403
    escalations = spec_of(dependencies, "escalations-open-title.children")
    assert wall.callback(escalations, _query_values(escalations, "140700"))[0] == 403
    assert wall.get("/")[0] == 302 and wall.get("/escalations")[0] == 302
    screen = [d for d in dependencies if d["output"].startswith("..screen-data.data")]
    if screen:  # the screen page's data callback answers the token
        status, data = wall.callback(screen[0], {"screen-query.data": {"region": "140700"}})
        assert status in (200, 204)
        assert b"phone" not in data and not re.search(rb"(?<![\d.])1[3-9]\d{9}(?![\d.])", data)


# ---------------------------------------------------------------- login, lock-out, cookies, headers


def _etl(server, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "etl", *args, "--warehouse", str(server.warehouse)],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


def test_failures_are_throttled_by_account_and_address_so_the_owner_still_gets_in(own_warehouse):
    """On a server of its own: the user it adds would make the shared demo's store a real deployment's."""
    server = Server(own_warehouse).start()
    try:
        _throttled(server)
    finally:
        server.stop()


def _throttled(server: Server) -> None:
    from security.store import Store

    name = f"throttle{os.getpid()}"
    made = _etl(server, "users", "add", name, "--role", "leader", "--password-stdin", stdin="amber-kite-19-harbor\n")
    assert made.returncode == 0, made.stderr
    stranger = Client(server.url, source="127.0.0.7")
    for attempt in range(5):
        status, _, page = stranger.login(name, "wrong-password")
        assert status == 200 and "用户名或密码错误" in page.decode(), attempt
    status, _, page = stranger.login(name, "amber-kite-19-harbor")  # the right one, from the stranger's address
    assert status == 429 and "15 分钟后再试" in page.decode()
    unknown = [stranger.login(f"nobody{os.getpid()}", "wrong-password")[0] for _ in range(6)]
    assert unknown == [200] * 5 + [429]  # an unknown name: the same answers as a real one
    owner = Client(server.url, source="127.0.0.8")
    status, headers, _ = owner.login(name, "amber-kite-19-harbor")
    assert status == 303 and owner.get("/_dash-layout")[0] == 200
    store = Store.for_warehouse(server.warehouse)
    events = [r["event"] for r in store.audit_rows(who=name)]
    assert events[0] == "login" and events.count("login_failed") == 5 and "login_throttled" in events
    listed = _etl(server, "users", "list", "--json")
    assert {u["name"]: u for u in json.loads(listed.stdout)}[name]["failed"] == 0  # reset by the good login
    # disabling the user ends the session at once
    assert _etl(server, "users", "disable", name).returncode == 0
    assert owner.get("/_dash-layout")[0] == 401


def test_the_form_needs_its_csrf_token(server):
    client = Client(server.url)
    client.get("/login")
    form = urlencode({"csrf_token": "forged", "username": "leader", "password": "demo-leader"}).encode()
    status, _, page = client.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and client.get("/_dash-layout")[0] == 401
    status, _, _ = Client(server.url).request(
        "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 400


def test_session_cookie_flags_logout_and_no_replay(server):
    client = Client(server.url)
    client.login("admin")
    raw = [c for c in client.set_cookies if c.startswith("wygk_session=")][-1]
    flags = {f.strip().lower() for f in raw.split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/"} <= flags, raw
    stolen = dict(client.cookies)
    assert client.get("/_dash-layout")[0] == 200
    assert client.get("/logout")[0] == 405  # a link cannot sign anybody out
    status, headers, _ = client.logout()
    assert status == 303 and headers["Location"].startswith("/login")
    replay = Client(server.url)
    replay.cookies = stolen
    assert replay.get("/_dash-layout")[0] == 401  # the session ended in the store, not only in the browser
    assert [
        r["event"]
        for r in __import__("security.store", fromlist=["Store"])
        .Store.for_warehouse(server.warehouse)
        .audit_rows(who="admin", limit=2)
    ] == ["logout", "login"]


def test_open_redirects_are_refused(server):
    client = Client(server.url)
    status, _, page = client.get("/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
    for target in ("https://example.org/", "//example.org/", "/\\example.org"):
        form = urlencode({"csrf_token": token, "username": "leader", "password": "demo-leader", "next": target})
        status, headers, _ = client.request(
            "POST", "/login", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 303 and headers["Location"] == "/", (target, headers["Location"])
        client.logout()
        page = client.get("/login")[2]
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def test_security_headers_on_every_kind_of_response_and_no_server_banner(server, leader):
    anonymous = Client(server.url)
    responses = [
        anonymous.get("/login"),
        anonymous.get("/"),
        anonymous.get("/_dash-layout"),
        anonymous.get("/assets/app.css"),
        leader.get("/"),
        leader.get("/_dash-layout"),
        leader.get("/no-such-page"),
    ]
    suites = re.findall(rb'src="(/_dash-component-suites/[^"]+)"', leader.get("/")[2])
    assert suites
    responses.append(anonymous.get(suites[0].decode()))
    for _status, headers, _ in responses:
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
        script = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script and "'sha256-" in script
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert headers.get("Server") is None, headers.get("Server")
        assert "werkzeug" not in str(headers).lower() and "waitress" not in str(headers).lower()


def test_bundles_are_cacheable_and_compressed_data_is_never_stored(server, leader):
    """Issue 17: a warm navigation must not download Dash's bundles again, nor a cold one
    uncompressed; what carries data (callbacks, layout) and sign-in stay no-store."""
    page = leader.get("/")[2]
    suites = re.findall(rb'src="(/_dash-component-suites/[^"]+)"', page)
    bundles = {path.decode(): leader.get(path.decode()) for path in suites}
    largest = max(bundles, key=lambda path: len(bundles[path][2]))
    status, plain, body = bundles[largest]
    assert len(body) > 500_000, (largest, len(body))
    assert status == 200 and "no-store" not in plain.get("Cache-Control", "")
    assert "max-age" in plain.get("Cache-Control", ""), plain.get("Cache-Control")
    status, packed, squeezed = leader.request("GET", largest, headers={"Accept-Encoding": "gzip, br"})
    assert status == 200 and packed["Content-Encoding"] in ("gzip", "br")
    assert len(squeezed) < len(body) / 3, (len(squeezed), len(body))
    for path in ("/_dash-layout", "/_dash-dependencies"):
        status, headers, _ = leader.request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Cache-Control"] == "no-store", (path, headers["Cache-Control"])
    assert Client(server.url).get("/login")[1]["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- request bodies over the limit


def _open_files(pid: int) -> list[str]:
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            pass
    return out


def test_a_body_over_the_limit_is_refused_before_it_is_buffered(demo_warehouse, tmp_path, monkeypatch):
    """An anonymous POST announcing 300 MB is answered 413 after its headers, before one byte of
    body is read; one sent in chunks is cut off at the limit; the server holds no temporary file."""
    import socket

    from .conftest import Server

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("MAX_REQUEST_BYTES", str(2 * 1024 * 1024))
    monkeypatch.setenv("TMPDIR", str(spool))  # where waitress would buffer a body
    srv = Server(demo_warehouse).start()
    try:
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as sock:
            sock.sendall(
                b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 314572800\r\n\r\n"
            )
            answer = sock.recv(4096)  # no body sent: an answer now means it was refused on the header
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        sent = 0
        with socket.create_connection(("127.0.0.1", srv.port), timeout=30) as sock:
            sock.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n" % 65536 + b"x" * 65536 + b"\r\n"
            try:
                for _ in range(300):  # up to ~19 MB, far past the 2 MB limit
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the server closed the connection
            answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 300 * len(chunk)  # cut off, not read to the end
        held = [f for f in _open_files(srv.proc.pid) if str(spool) in f or "(deleted)" in f]
        assert held == [] and list(spool.iterdir()) == []
        assert Client(srv.url).get("/healthz")[0] == 200
    finally:
        srv.stop()
