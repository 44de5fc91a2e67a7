"""Publishing while the dashboard serves (issue 14), seen from HTTP: the app in a real
subprocess (`python app.py` on a copy of the demo warehouse), sessions from real logins,
callbacks sent as the browser sends them, loads published by real processes.

- every publish is seen, with every page open (数据状态 among them);
- no callback answer mixes two versions, with five clients asking while another process
  publishes again and again (each publish adds cases and refunded households in lockstep,
  so an answer counting the cases of one version and the households of another shows);
- the callbacks of one view (one `X-Dash-View`) read the version its first callback read;
- a fresh process answers a page callback sent as its very first request.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from etl.normalize import uscc_check_digit
from tests.ui.conftest import ROOT, Server
from tests.ui.test_auth_http import Client, session_for, spec_of

ROUTER = "_pages_content.children"
VIEW = "X-Dash-View"
YUCI = "榆次区"
COMPANY = "91140702MA0K12345" + uscc_check_digit("91140702MA0K12345")  # a unified social credit code


@pytest.fixture
def served(own_warehouse):
    srv = Server(own_warehouse).start()
    yield srv
    srv.stop()


# ---------------------------------------------------------------- ledgers and loads


def write_ledgers(folder: Path, n: int, cases: int, received: dt.date | None = None) -> list[Path]:
    """Publish `n`'s ledgers as a county clerk keeps them: `cases` new open cases of 榆次区
    (a title row, the 填报单位 line, a 合计 row; GB18030) and as many refunds of one household
    each (UTF-8 with BOM, amounts in 万元)."""
    folder.mkdir(parents=True, exist_ok=True)
    day = (received or dt.date(2024, 6, 3)).isoformat()
    case_file = folder / f"榆次区问题台账-{n}.csv"
    with open(case_file, "w", encoding="gb18030", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["榆次区物业服务问题整改台账", "", "", "", "", ""])
        w.writerow(["填报单位：榆次区住建局", "", "", "", "填报日期：2024年6月30日", ""])
        w.writerow(["编号", "来源", "问题类别", "县区", "受理日期", "状态"])
        for i in range(cases):
            w.writerow([f"YC{n:03d}{i:04d}", "排查", "违规收费", YUCI, day, "办理中"])
        w.writerow(["合计", f"{cases}件", "", "", "", ""])
    # each publish is another month's refund ledger (the same month again would be a new version
    # of that month's ledger, replacing it: vocab.schema Dataset.ledger)
    refunded = (dt.date(2023, 1, 4) + dt.timedelta(days=31 * n)).replace(day=4).isoformat()
    refund_file = folder / f"榆次区清退台账-{n}.csv"
    with open(refund_file, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["违规收费清退情况统计表", "", "", "", "", ""])
        w.writerow(["统一社会信用代码", "县区", "类别", "清退金额（万元）", "涉及户数", "清退日期"])
        for i in range(cases):
            w.writerow([COMPANY, YUCI, "物业费", f"{0.01 + (n * 1000 + i) / 10000:.4f}", "1", refunded])
        w.writerow(["合计", "", "", "", str(cases), ""])
    return [case_file, refund_file]


def etl_load(warehouse: Path, files: list[Path]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ETL_USER": "clerk"}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--json", "--warehouse", str(warehouse), *map(str, files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    reports = json.loads(done.stdout)["files"]
    assert [(r["rows_loaded"], r["rows_rejected"]) for r in reports] == [(r["rows_read"], 0) for r in reports], reports


# ---------------------------------------------------------------- reading answers


def dependencies(client: Client) -> list[dict]:
    status, _, data = client.get("/_dash-dependencies")
    assert status == 200
    return json.loads(data)


def components(node):
    """Every Dash component in a callback answer, depth first."""
    if isinstance(node, dict):
        if "type" in node and "props" in node:
            yield node
        for value in node.values():
            yield from components(value)
    elif isinstance(node, list):
        for value in node:
            yield from components(value)


def text(node) -> str:
    if isinstance(node, str):
        return node
    if isinstance(node, (int, float)):
        return str(node)
    if isinstance(node, list):
        return " ".join(text(n) for n in node)
    if isinstance(node, dict):
        return text(node.get("props", {}).get("children"))
    return ""


def number(s: str) -> int:
    found = re.findall(r"\d[\d,]*", s)
    assert found, s
    return int(found[0].replace(",", ""))


def call(client: Client, deps: list[dict], output: str, values: dict, view: str | None = None) -> dict:
    from tests.ui.test_auth_http import payload

    spec = spec_of(deps, output)
    headers = {"Content-Type": "application/json", **({VIEW: view} if view else {})}
    status, _, data = client.request(
        "POST", "/_dash-update-component", json.dumps(payload(spec, values)).encode(), headers
    )
    assert status == 200, (output, status, data[:300])
    return json.loads(data)


def render(client: Client, deps: list[dict], path: str, view: str | None = None) -> dict:
    return call(client, deps, ROUTER, {"_pages_location.pathname": path, "_pages_location.search": ""}, view)


def cards(client: Client, deps: list[dict], view: str | None = None) -> tuple[int, int]:
    """(cases received, households refunded) as the overview's cards show them, whole period."""
    answer = call(client, deps, "overview-cards.children", {"overview-query.data": {}}, view)
    found = {c["props"].get("id"): c for c in components(answer)}
    parts = next(c for c in components(found["kpi-rectification_rate"]) if c["props"].get("className") == "kpi-parts")
    received = number(text(parts).split("/")[1])
    value = next(c for c in components(found["kpi-refund_households"]) if c["props"].get("className") == "kpi-value")
    return received, number(text(value))


def as_of(client: Client, deps: list[dict], view: str | None = None) -> str:
    answer = call(client, deps, "shell-as-of.children", {"url.search": ""}, view)
    return re.search(r"\d{4}-\d\d-\d\d", json.dumps(answer, ensure_ascii=False)).group(0)


def data_status(client: Client, deps: list[dict]) -> dict[str, str]:
    """数据状态's table: dataset label -> rows shown."""
    rows = {}
    for c in components(render(client, deps, "/data")):
        if c["type"] == "Tr":
            cells = [text(td) for td in c["props"]["children"]]
            if len(cells) == 3:
                rows[cells[0]] = cells[1]
    return rows


def nav_paths(client: Client) -> list[str]:
    status, _, data = client.get("/_dash-layout")
    assert status == 200
    return [
        c["props"]["id"]["path"]
        for c in components(json.loads(data))
        if isinstance(c["props"].get("id"), dict) and c["props"]["id"].get("type") == "shell-nav"
    ]


# ---------------------------------------------------------------- a publish is never missed


def test_every_publish_is_seen_while_every_page_is_open(served, own_warehouse, tmp_path):
    admin = session_for(served, "admin")  # the role that may open every page
    deps = dependencies(admin)
    paths = nav_paths(admin)
    assert {"/", "/data", "/upload", "/audit", "/escalations"} <= set(paths)
    for path in paths + ["/screen"]:
        render(admin, deps, path)  # every page drawn once in this process, 数据状态 among them
    received, households = cards(admin, deps)
    shown = data_status(admin, deps)
    cases_before = number(shown["问题线索"])
    day = dt.date.fromisoformat(as_of(admin, deps))
    for n in (1, 2, 3):
        day += dt.timedelta(days=1)  # each load's cases are a day newer: 数据截至 moves with it
        etl_load(own_warehouse, write_ledgers(tmp_path / "ledgers", n, 4 * n, received=day))
        added = sum(4 * k for k in range(1, n + 1))
        assert number(data_status(admin, deps)["问题线索"]) == cases_before + added, f"publish {n} missed on /data"
        assert cards(admin, deps) == (received + added, households + added), f"publish {n} missed on the overview"
        assert as_of(admin, deps) == day.isoformat(), f"publish {n} missed by 数据截至"
        for path in paths:
            render(admin, deps, path)  # and every page still draws


# ---------------------------------------------------------------- one answer, one version

PUBLISHER = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from etl.pipeline import load_files
from tests.ui.test_serving import write_ledgers

warehouse, folder, rounds, step = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
for n in range(1, rounds + 1):
    if n > 1:
        sys.stdin.readline()  # the test's go: the previous version has been answered
    result = load_files(write_ledgers(folder, n, step), warehouse, user="clerk")
    assert all(f.rows_rejected == 0 and f.rows_loaded == step for f in result.files), result.files
    print("published", n, flush=True)
"""


def test_no_callback_answer_mixes_two_versions_under_concurrent_publishes(served, own_warehouse, tmp_path):
    rounds, step = 6, 7
    clients = [session_for(served, "leader") for _ in range(3)]
    deps = dependencies(clients[0])
    base = cards(clients[0], deps)
    args = [str(ROOT), str(own_warehouse), str(tmp_path / "ledgers"), str(rounds), str(step)]
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    answers: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def ask(client: Client) -> None:
        try:
            while not done.is_set():
                received, households = cards(client, deps)
                answers.append(((received - base[0]) / step, (households - base[1]) / step))
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    # the publisher goes on once an answer has read the version it last published: the answers
    # span every publish however slow the machine is, and requests keep coming during each publish
    try:
        for n in range(1, rounds):
            deadline = time.monotonic() + 180
            while not any(a == (n, n) for a in list(answers)) and not errors and time.monotonic() < deadline:
                time.sleep(0.05)
            publisher.stdin.write("go\n")
            publisher.stdin.flush()
        out, err = publisher.communicate(timeout=600)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
    assert publisher.returncode == 0, err
    assert out.split() == [w for n in range(1, rounds + 1) for w in ("published", str(n))]
    assert not errors, errors[:3]
    versions = {a for a in answers if a[0] == a[1]}
    mixed = [a for a in answers if a[0] != a[1]]
    print(f"\n{len(answers)} answers during {rounds} publishes; versions seen {len(versions)}; mixed {len(mixed)}")
    assert {(n, n) for n in range(rounds)} <= versions, "the answers did not span the publishes"
    assert not mixed, (
        f"{len(mixed)} of {len(answers)} answers mixed two versions (cases, households in publishes): {mixed[:5]}"
    )
    assert cards(clients[0], deps) == (base[0] + rounds * step, base[1] + rounds * step)


def test_the_callbacks_of_one_view_read_the_version_its_first_callback_read(served, own_warehouse, tmp_path):
    leader = session_for(served, "leader")
    deps = dependencies(leader)
    view = secrets.token_hex(16)
    first = cards(leader, deps, view)  # the view's first callback
    first_as_of = as_of(leader, deps, view)
    day = dt.date.fromisoformat(first_as_of) + dt.timedelta(days=2)
    etl_load(own_warehouse, write_ledgers(tmp_path / "ledgers", 1, 5, received=day))  # a publish amid the view
    assert as_of(leader, deps, view) == first_as_of  # its sibling: 数据截至 of the same version
    assert cards(leader, deps, view) == first
    other = secrets.token_hex(16)  # the next view reads the new version
    assert as_of(leader, deps, other) == day.isoformat()
    assert cards(leader, deps, other) == (first[0] + 5, first[1] + 5)
    assert cards(leader, deps) == (first[0] + 5, first[1] + 5)  # and so does a callback of no view


# ---------------------------------------------------------------- a fresh process


def test_a_fresh_process_answers_a_page_callback_sent_as_its_first_request(own_warehouse):
    srv = Server(own_warehouse).start()
    try:
        leader = session_for(srv, "leader")
        deps = dependencies(leader)
        wall = Client(srv.url)
        status, _, _ = wall.get("/screen?token=demo-screen")
        assert status == 200 and wall.cookies
        expected = cards(leader, deps)
    finally:
        srv.stop()
    pull = {"screen-pull.data": 1, "screen-query.data": {"region": "140700"}, "screen-version.data": None}
    for who, client, ask in (
        ("leader", leader, lambda c: cards(c, deps)),
        ("screen", wall, lambda c: call(c, deps, "screen-data.data", pull)),
    ):
        fresh = Server(own_warehouse, port=srv.port).start(untouched=True)  # nothing asked of it yet
        try:
            answer = ask(client)  # its very first HTTP request; `call` asserts 200
            if who == "leader":
                assert answer == expected
            else:
                data = answer["response"]["screen-data"]["data"]
                assert data["kpis"] and data["maps"], data.keys()
        finally:
            fresh.stop()


# ---------------------------------------------------------------- the browser's side of a view


def test_the_browser_sends_one_view_for_all_the_callbacks_that_draw_a_page(page):
    """assets/view.js: the router's, the shell's and the page's callbacks of one page load carry
    one X-Dash-View id (so the server answers them from one version)."""
    sent: list[tuple[str, str | None]] = []
    page.page.on(
        "request",
        lambda r: (
            sent.append((json.loads(r.post_data or "{}").get("output", ""), r.headers.get(VIEW.lower())))
            if "_dash-update-component" in r.url
            else None
        ),
    )
    page.open("/?region=140700&from=2024-01-01&to=2025-05-31").scroll_to("#overview-scorecard")  # a lazy panel too
    parts = (ROUTER, "shell-as-of.children", "overview-cards.children", "overview-scorecard.children")
    for _ in range(150):  # the page's callbacks follow the router's: on a loaded machine, seconds later
        outputs = {o for o, _ in sent}
        if all(any(part in o for o in outputs) for part in parts):
            break
        page.page.wait_for_timeout(200)
    page.settle()
    outputs = {o for o, _ in sent}
    for part in parts:
        assert any(part in o for o in outputs), (part, outputs)
    assert all(v and re.fullmatch(r"[0-9a-f]{32}", v) for _, v in sent), sent
    assert len({v for _, v in sent}) == 1, sent
