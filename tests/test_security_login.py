"""Logins and the guard, in process through Flask's test client (the whole app, a store of its
own, requests from chosen addresses):

- strangers cannot lock an account: failures are throttled by account *and* address, so the
  owner signing in from his own address gets in; a throttled real name and an unknown name
  get the same answer; no failed login sleeps on a server thread, and a throttled one checks
  no password;
- the audit log takes a bounded number of records from a flood of failures;
- logout is a POST with the session's CSRF token;
- crafted callback bodies get 400, never 500; /_dash-dependencies lists to each role only
  the callbacks it may call; pages a role may not open and unknown paths answer 403/404 with
  the app's own page in Chinese (English under lang=en), and a 403 is audited;
- a revoked screen token ends the wall display's session.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

STRONG = "amber-kite-19-harbor"


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The app on an empty warehouse path of its own (the access store beside it)."""
    folder = tmp_path_factory.mktemp("login")
    old = os.environ.get("WAREHOUSE")
    os.environ["WAREHOUSE"] = str(folder / "warehouse.duckdb")
    import metrics.access

    before = metrics.access._warehouse  # the demo's, when another test installed it (conftest.demo_wh)
    metrics.access._warehouse = None
    import app as dash_app
    from security.store import Store

    store = Store.for_warehouse(folder / "warehouse.duckdb")
    store.add_user("owner1", "admin", STRONG)
    store.add_user("county1", "county", STRONG, "140702")
    store.add_user("leader1", "leader", STRONG)
    yield dash_app, store
    metrics.access._warehouse = before
    if old is None:
        os.environ.pop("WAREHOUSE", None)
    else:
        os.environ["WAREHOUSE"] = old


@pytest.fixture(autouse=True)
def fresh_limits():
    import importlib

    try:
        throttle = importlib.import_module("security.throttle")
    except ImportError:  # an older version without the limiter (these tests then fail on behaviour)
        yield
        return
    throttle.reset()
    yield
    throttle.reset()


def client(web, address: str):
    dash_app, _ = web
    c = dash_app.server.test_client()
    c.environ_base["REMOTE_ADDR"] = address  # FlaskClient keeps per-client environ defaults here
    return c


def login(c, name: str, password: str, lang: str = ""):
    page = c.get("/login" + lang, base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return c.post(
        "/login" + lang,
        base_url="https://localhost",
        data={"csrf_token": token, "username": name, "password": password, "next": "/"},
    )


def message(response) -> str:
    found = re.search(r'id="login-message" role="alert">([^<]*)<', response.get_data(as_text=True))
    return found.group(1) if found else ""


def test_strangers_cannot_lock_the_owner_out(web):
    stranger = client(web, "203.0.113.9")
    for _ in range(5):
        assert login(stranger, "owner1", "guess-guess-guess").status_code == 200
    refused = login(stranger, "owner1", STRONG)  # even the right password, from the stranger's address
    assert refused.status_code == 429 and "15 分钟" in message(refused)
    owner = client(web, "10.20.0.5")
    signed_in = login(owner, "owner1", STRONG)
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/"
    assert owner.get("/_dash-layout", base_url="https://localhost").status_code == 200


def test_a_throttled_real_name_and_an_unknown_name_answer_the_same(web):
    stranger = client(web, "203.0.113.10")
    answers = {}
    for name in ("owner1", "nobody-here"):
        first = login(stranger, name, "guess-guess-guess")
        for _ in range(5):
            last = login(stranger, name, "guess-guess-guess")
        answers[name] = (first.status_code, message(first), last.status_code, message(last))
    assert answers["owner1"] == answers["nobody-here"]
    assert answers["owner1"][:2] == (200, "用户名或密码错误") and answers["owner1"][2] == 429


def test_failed_logins_never_sleep_and_a_throttled_one_checks_no_password(web, monkeypatch):
    import time

    import security.store as store_module

    def no_sleep(seconds):
        raise AssertionError(f"a login slept {seconds} s on a server thread")

    checked = []
    real_check = store_module.check_password_hash
    monkeypatch.setattr(time, "sleep", no_sleep)
    monkeypatch.setattr(store_module, "check_password_hash", lambda h, p: checked.append(1) or real_check(h, p))
    stranger = client(web, "203.0.113.11")
    for _ in range(5):
        assert login(stranger, "owner1", "guess-guess-guess").status_code == 200
    assert len(checked) == 5
    for _ in range(20):
        assert login(stranger, "owner1", "guess-guess-guess").status_code == 429
    assert len(checked) == 5  # refused before any scrypt work


def test_one_address_trying_many_names_is_throttled(web):
    sprayer = client(web, "203.0.113.12")
    statuses = [login(sprayer, f"name{i}", "guess-guess-guess").status_code for i in range(25)]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    assert login(client(web, "10.20.0.6"), "leader1", STRONG).status_code == 303  # others are not affected


def test_a_flood_of_failures_leaves_a_bounded_audit_trail(web):
    _, store = web
    before = store.audit_count()
    flood = client(web, "203.0.113.13")
    for i in range(60):
        login(flood, "owner1" if i % 2 else "nobody", "guess-guess-guess")
    rows = [r for r in store.audit_rows(limit=500) if r["remote"] == "203.0.113.13"]
    assert store.audit_count() - before == len(rows) <= 5 + 5 + 10
    assert {r["event"] for r in rows} == {"login_failed", "login_throttled"}
    assert store.verify_audit().ok


def csrf_in_layout(node):
    """The value of the shell's hidden sign-out CSRF field in a Dash layout."""
    if isinstance(node, dict):
        props = node.get("props") if isinstance(node.get("props"), dict) else {}
        if props.get("id") == "shell-logout-csrf":
            return props.get("value")
        node = list(node.values())
    if isinstance(node, list):
        return next((found for found in map(csrf_in_layout, node) if found), None)
    return None


def test_logout_is_a_post_with_the_csrf_token(web):
    _, store = web
    c = client(web, "10.20.0.7")
    assert login(c, "leader1", STRONG).status_code == 303
    assert c.get("/logout", base_url="https://localhost").status_code == 405  # a link or an image cannot sign out
    assert c.post("/logout", base_url="https://localhost", data={"csrf_token": "forged"}).status_code == 400
    assert c.get("/_dash-layout", base_url="https://localhost").status_code == 200  # still signed in
    token = csrf_in_layout(json.loads(c.get("/_dash-layout", base_url="https://localhost").get_data()))
    assert token, "the shell's sign-out form carries the token"
    out = c.post("/logout", base_url="https://localhost", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["Location"].startswith("/login")
    assert c.get("/_dash-layout", base_url="https://localhost").status_code == 401
    assert store.audit_rows(who="leader1", limit=1)[0]["event"] == "logout"


# ---------------------------------------------------------------- the guard


def dependencies(c) -> list[dict]:
    response = c.get("/_dash-dependencies", base_url="https://localhost")
    assert response.status_code == 200
    return json.loads(response.get_data())


def body_for(spec: dict, values: dict | None = None) -> dict:
    values = values or {}

    def item(d):
        ident = json.loads(d["id"]) if d["id"].startswith("{") else d["id"]
        entry = {"id": ident, "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}
        return [entry] if d["id"].startswith("{") else entry

    output = spec["output"]
    outs = []
    for part in output[2:-2].split("...") if output.startswith("..") else [output]:
        ident, prop = part.rsplit(".", 1)
        outs.append({"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop.split("@")[0]})
    outputs = outs if output.startswith("..") else outs[0]
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [item(d) for d in spec["inputs"]],
        "state": [item(d) for d in spec["state"]],
        "changedPropIds": [],
    }


def call(c, body) -> tuple[int, str]:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    response = c.post(
        "/_dash-update-component", base_url="https://localhost", data=data, content_type="application/json"
    )
    text = response.get_data(as_text=True)
    try:
        text = json.dumps(json.loads(text), ensure_ascii=False)  # Chinese as Chinese
    except ValueError:
        pass
    return response.status_code, text


def test_each_role_is_told_only_the_callbacks_it_may_call(web):
    admin, county = client(web, "10.20.0.8"), client(web, "10.20.0.9")
    login(admin, "owner1", STRONG)
    login(county, "county1", STRONG)
    everything = {d["output"] for d in dependencies(admin)}
    mine = {d["output"] for d in dependencies(county)}
    assert any("audit-list" in o for o in everything) and any("upload-report" in o for o in everything)
    # 待办 (/inbox) is the county officer's alone: its callbacks are his and not the admin's
    inbox = {o for o in mine if "inbox-" in o}
    assert inbox and not [o for o in everything if "inbox-" in o]
    assert mine - inbox < everything
    assert not [o for o in mine if re.search(r"audit-|upload-|data-status|datastatus", o)], sorted(mine)
    assert any("shell-as-of" in o for o in mine) and any("_pages_content" in o for o in mine)
    assert any("escalations-" in o for o in mine)


def test_crafted_callback_bodies_get_400_never_500(web):
    leader = client(web, "10.20.0.10")
    login(leader, "leader1", STRONG)
    specs = dependencies(leader)
    as_of = next(d for d in specs if d["output"] == "shell-as-of.children")
    shell = next(d for d in specs if "shell-region.options" in d["output"])
    assert call(leader, body_for(as_of, {"url.search": "?lang=en"}))[0] in (200, 204)
    crafted = {
        "a list where a string belongs": body_for(as_of, {"url.search": ["?lang=en"]}),
        "a dict where a string belongs": body_for(shell, {"shell-from.date": {"$gt": 1}}),
        "a NUL byte": body_for(as_of, {"url.search": "?lang=\x00en"}),
        "an extra input": {**body_for(as_of), "inputs": body_for(as_of)["inputs"] * 2},
        "no inputs": {**body_for(as_of), "inputs": []},
        "inputs not a list": {**body_for(as_of), "inputs": {"id": "url"}},
        "an input of another component": {
            **body_for(as_of),
            "inputs": [{"id": "audit-query", "property": "data", "value": {}}],
        },
        "an unknown output": {**body_for(as_of), "output": "nothing.children"},
        "a string body": '"hello"',
        "not JSON": b"{not json",
    }
    nested: list = []
    for _ in range(40):
        nested = [nested]
    escalations = next(d for d in specs if d["output"].startswith("escalations-company.children"))
    crafted["deeply nested"] = body_for(escalations, {"escalations-query.data": {"region": nested}})
    for what, body in crafted.items():
        status, text = call(leader, body)
        assert status == 400, (what, status, text[:200])
    # a page's query store sent as a list (the store is typed `data`: the callback refuses it, 400 not 500)
    status, _ = call(leader, body_for(escalations, {"escalations-query.data": ["region", "140702"]}))
    assert status == 400


def test_pages_a_role_may_not_open_and_unknown_paths_answer_in_the_apps_own_layout(web):
    _, store = web
    county = client(web, "10.20.0.11")
    login(county, "county1", STRONG)
    page = county.get("/audit", base_url="https://localhost")
    assert page.status_code == 403 and 'id="react-entry-point"' in page.get_data(
        as_text=True
    )  # the app, not a bare word
    assert county.get("/no-such-page", base_url="https://localhost").status_code == 404
    specs = dependencies(county)
    router = next(d for d in specs if "_pages_content.children" in d["output"])
    for path, search, expected, absent in (
        ("/audit", "", "无权访问", "audit-list"),
        ("/audit", "?lang=en", "No permission", "audit-list"),
        ("/upload", "", "您的角色不能打开此页面", "upload-drop"),
        ("/no-such-page", "", "页面不存在", None),
        ("/no-such-page", "?lang=en", "Page not found", None),
    ):
        status, text = call(
            county, body_for(router, {"_pages_location.pathname": path, "_pages_location.search": search})
        )
        assert status == 200 and expected in text, (path, search, text[:300])
        assert absent is None or absent not in text
    refused = [r for r in store.audit_rows(who="county1", event_name="forbidden")]
    assert refused and "page /audit" in refused[-1]["detail"]
    # a callback of a page the role may not open: 403, audited
    assert call(county, body_for({"output": "audit-list.children...", "inputs": [], "state": []}))[0] == 400
    admin = client(web, "10.20.0.12")
    login(admin, "owner1", STRONG)
    audit_list = next(d for d in dependencies(admin) if d["output"].startswith("..audit-title"))
    status, text = call(county, body_for(audit_list, {"audit-query.data": {}}))
    assert status == 403
    assert any("callback ..audit-title" in r["detail"] for r in store.audit_rows(who="county1", event_name="forbidden"))


def test_a_revoked_screen_token_ends_the_wall_displays_session(web):
    _, store = web
    token_id, token = store.add_screen_token("lobby")
    wall = client(web, "10.20.0.13")
    assert wall.get(f"/screen?token={token}", base_url="https://localhost").status_code == 200
    assert wall.get("/_dash-layout", base_url="https://localhost").status_code == 200
    assert wall.get("/session", base_url="https://localhost").status_code == 200  # what the wall asks every few seconds
    store.revoke_screen_token(token_id)
    assert wall.get("/session", base_url="https://localhost").status_code == 401  # …and then reloads into /login
    assert wall.get("/_dash-layout", base_url="https://localhost").status_code == 401
    assert wall.get("/screen", base_url="https://localhost").status_code == 302
    assert wall.get(f"/screen?token={token}", base_url="https://localhost").status_code == 302  # not again
    assert [r["event"] for r in store.audit_rows(limit=2)] == ["token_revoke", "screen_open"]


def test_the_audit_page_says_whether_the_chain_is_whole(web):
    import sqlite3

    _, store = web
    admin = client(web, "10.20.0.14")
    login(admin, "owner1", STRONG)
    audit_list = next(d for d in dependencies(admin) if d["output"].startswith("..audit-title"))
    status, text = call(admin, body_for(audit_list, {"audit-query.data": {}}))
    assert status == 200 and "审计链完整" in text
    middle = store.audit_rows(limit=1)[0]["id"] - 2
    with sqlite3.connect(store.path) as con:
        con.execute("UPDATE audit SET detail = 'rewritten' WHERE id = ?", (middle,))
    status, text = call(admin, body_for(audit_list, {"audit-query.data": {"lang": "en"}}))
    assert status == 200 and f"record {middle} does not fit" in text
    with sqlite3.connect(store.path) as con:
        con.execute("DELETE FROM audit WHERE id = ?", (middle - 1,))
    status, text = call(admin, body_for(audit_list, {"audit-query.data": {}}))
    assert f"第 {middle - 1} 条记录缺失" in text
    assert Path(store.path).exists()
