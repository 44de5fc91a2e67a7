"""Background jobs seen from outside: the admin watches an upload move by stage in Chromium
and then reads its report, while a second upload is refused in words; a large export handed
over by its job and audited once (raw HTTP); and under gunicorn an upload started through one
worker is finished through another (the first one killed).

Both hold the load at its write step until the test says go on (ETL_PAUSE_AT=write:<file>),
so that what is shown while it runs is seen whatever the machine's speed."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import psutil
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from security.store import Store

from .conftest import CONTEXT, ROOT, Page, Server, free_port, login
from .test_auth_http import PERIOD, Client, payload, session_for, spec_of
from .test_upload_audit import drop, ledger

PASSWORD = "Qz7#mT9!pLx2-admin"


def loads(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT file, rows_loaded, loaded_by FROM loads ORDER BY load_id").fetchall()


@pytest.fixture(scope="module")
def job_server(copy_demo, tmp_path_factory):
    """A server of its own on a copy of the demo warehouse and its access store, whose loads
    wait at their write step until `<folder>/go-on` exists, and whose exports over 100 cells
    run as background jobs."""
    folder = tmp_path_factory.mktemp("jobs")
    copy_demo(folder)
    server = Server(
        folder / "warehouse.duckdb", env={"ETL_PAUSE_AT": f"write:{folder / 'go-on'}", "EXPORT_JOB_CELLS": "100"}
    ).start()
    yield server
    (folder / "go-on").touch()
    server.stop()


def test_an_admin_watches_an_upload_move_by_stage_then_reads_its_report(browser, job_server, tmp_path):
    server, warehouse = job_server, job_server.warehouse
    resume = warehouse.parent / "go-on"
    contexts = [browser.new_context(**CONTEXT) for _ in range(2)]
    admin, other = (Page(c.new_page(), server.url) for c in contexts)
    try:
        for p in (admin, other):
            login(p.page, server.url, "admin")
        before = loads(warehouse)
        admin.open("/upload")
        drop(admin, ledger(tmp_path, "进度测试.csv", [(f"JOBUI-{n}", "榆次区") for n in range(1, 4)]))
        # held at the write step: the bar says which file is being loaded, the drop zone waits
        expect(admin.page.locator("#upload-working")).to_be_visible()
        expect(admin.page.locator("#upload-stage")).to_have_text("正在入库 进度测试.csv（第 1 个，共 1 个）…")
        expect(admin.page.locator("#upload-progress")).to_be_visible()  # a bar as wide as the page, not a sliver
        expect(admin.page.locator("#upload-progress .progress-bar")).to_have_attribute("aria-valuenow", "64")
        expect(admin.page.locator("#upload-drop input[type=file]")).to_be_disabled()
        admin.page.screenshot(path=str(tmp_path / "upload-progress.png"), full_page=True)
        shutil.copy(tmp_path / "upload-progress.png", "/tmp/upload-progress.png")

        # meanwhile the server answers: another admin's upload is refused in words, loading nothing
        other.open("/upload")
        drop(other, ledger(tmp_path, "第二批.csv", [("JOBUI-9", "榆次区")]))
        expect(other.page.locator("#upload-summary")).to_have_text(
            "本次上传 1 个文件：入库 0 行，拒收 0 行，整个文件被拒收 1 个"
        )
        expect(other.page.locator(".upload-file")).to_contain_text("另一批台账正在载入")
        expect(other.page.locator(".upload-file")).to_contain_text("请等它完成后重新上传")
        other.page.screenshot(path="/tmp/upload-busy.png", full_page=True)
        assert loads(warehouse) == before

        resume.touch()  # the first load goes on: the bar goes, the report comes
        expect(admin.page.locator("#upload-summary")).to_have_text(
            "本次上传 1 个文件：入库 3 行，拒收 0 行，整个文件被拒收 0 个"
        )
        expect(admin.page.locator("#upload-working")).to_be_hidden()
        expect(admin.page.locator(".upload-file")).to_contain_text("读取 3 行 = 入库 3 行 + 拒收 0 行")
        expect(admin.page.locator("#upload-drop input[type=file]")).to_be_enabled()
        admin.page.screenshot(path="/tmp/upload-done.png", full_page=True)
        assert loads(warehouse)[len(before) :] == [("进度测试.csv", 3, "admin")]
        for p in (admin, other):
            assert not p.console_errors and not p.external, (p.console_errors[:3], p.external[:3])
    finally:
        resume.touch()
        for c in contexts:
            c.close()


def test_a_large_export_is_handed_over_by_its_job_and_audited_once(job_server):
    """The request finds the sheet large and starts the job instead (nothing handed over);
    the job's file holds the viewer's scope, and one `export` record says so, with the filter."""
    county = session_for(job_server, "county_140702")
    deps = json.loads(county.get("/_dash-dependencies")[2])
    now = next(d for d in deps if "escalations-open-download.data" in d["output"] and "@" not in d["output"])
    job = next(d for d in deps if d["output"].startswith("escalations-open-download.data@"))
    store = Store.for_warehouse(job_server.warehouse)
    seen = len(store.audit_rows(event_name="export", who="county_140702", limit=1000))
    query = {"region": "140700", **PERIOD}
    status, data = county.callback(now, {"escalations-open-export.n_clicks": 3, "escalations-query.data": query})
    assert status == 200
    answer = json.loads(data)["response"]
    assert answer == {"escalations-open-job": {"data": 3}}  # no file from the request: the job makes it
    status, data = county.callback(job, {"escalations-open-job.data": 3, "escalations-query.data": query})
    assert status == 200
    download = json.loads(data)["response"]["escalations-open-download"]["data"]
    rows = list(load_workbook(io.BytesIO(base64.b64decode(download["content"]))).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and "县（市、区）" in r)
    column = rows[header].index("县（市、区）")
    assert len(rows) > header + 50 and {r[column] for r in rows[header + 1 :]} <= {"榆次区", "晋中开发区"}
    records = store.audit_rows(event_name="export", who="county_140702", limit=1000)
    assert len(records) == seen + 1
    assert records[0]["detail"] == (
        "escalations-open-download: escalations-open.xlsx; filter: "
        + json.dumps(query, ensure_ascii=False, sort_keys=True)
    )
    assert records[0]["scope"] == "regions=140702;personal_data=no"


def test_exports_started_four_at_a_time_each_hand_over_their_file(job_server):
    """Every panel's export job, started four at a time by one leader (as a page's callbacks are),
    three rounds: each hands over its file. (A job forked while another thread of the server was
    inside SQLite inherited a lock no one releases, waited out the jobs' cache's 60 s timeout and
    never answered: security/forkgate.py.)"""
    from concurrent.futures import ThreadPoolExecutor

    from .test_auth_http import _query_values

    leader = session_for(job_server, "leader")
    deps = json.loads(leader.get("/_dash-dependencies")[2])
    # the panels' export jobs: started by the request's go-ahead (`<panel>-job`), handing a file over
    jobs = [d for d in deps if "-download.data@" in d["output"] and any(i["id"].endswith("-job") for i in d["inputs"])]
    assert len(jobs) > 20

    def export(spec: dict, region: str) -> tuple[str, int, bytes]:
        values = _query_values(spec, region)
        for d in spec["inputs"]:
            if d["id"].endswith("-job") and d["property"] == "data":
                values[f"{d['id']}.data"] = 1  # the request's go-ahead: the job makes the file
        status, data = leader.callback(spec, values)
        return spec["output"], status, data

    handed = 0
    with ThreadPoolExecutor(4) as pool:
        for region in ("140700", "140702", "140727"):
            for output, status, data in pool.map(export, jobs, [region] * len(jobs)):
                assert status == 200, (output, data[:300])
                handed += b'"content"' in data
    assert handed > 20
    log = Path(job_server.log.name).read_text(errors="replace")
    assert "Timeout" not in log and "Traceback" not in log


# ---------------------------------------------------------------- gunicorn, two workers


@pytest.fixture
def gunicorn(demo_warehouse, tmp_path):
    """gunicorn with two workers (security/gunicorn_conf.py, as scripts/serve.sh runs it) on a
    copy of the demo warehouse with an access store of its own (a real admin, no demo users),
    every load held at its write step until `<folder>/go-on` exists."""
    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copy(demo_warehouse, folder / "warehouse.duckdb")
    store = Store.for_warehouse(folder / "warehouse.duckdb")
    store.add_user("admin1", "admin", PASSWORD)
    store.add_user("leader1", "leader", PASSWORD.replace("admin", "leader"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO", "JOBS_DIR", "ACCESS_DB_URL")}
    env.update(
        WAREHOUSE=str(folder / "warehouse.duckdb"),
        PORT=str(port),
        HOST="127.0.0.1",
        WORKERS="2",
        THREADS="2",
        PYTHONPATH=str(ROOT),
        ETL_PAUSE_AT=f"write:{folder / 'go-on'}",
    )
    log = open(folder / "gunicorn.log", "ab")
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:security.gunicorn_conf", "app:server"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            assert master.poll() is None, (folder / "gunicorn.log").read_text()
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield base, folder, master
    finally:
        (folder / "go-on").touch()
        master.terminate()
        master.wait(timeout=30)
        log.close()


def test_an_upload_started_through_one_gunicorn_worker_is_finished_through_another(gunicorn):
    base, folder, master = gunicorn
    warehouse = folder / "warehouse.duckdb"
    before = loads(warehouse)
    client = Client(base)
    assert client.login("admin1", PASSWORD)[0] == 303
    spec = spec_of(json.loads(client.get("/_dash-dependencies")[2]), "upload-report.children")
    content = "编号,来源,问题类别,县区,受理日期,状态\n" + "".join(
        f"GUNI-{n},投诉举报,违规收费,榆次区,2025-05-20,办理中\n" for n in (1, 2)
    )
    files = [
        {
            "name": "跨进程.csv",
            "size": len(content.encode()),
            "content": "data:text/csv;base64," + base64.b64encode(content.encode()).decode(),
        }
    ]
    body = payload(spec, {"upload-payload.data": {"files": files}, "upload-dataset.value": "auto"})
    status, started = client.post_callback(body)
    assert status == 200, started
    handles = json.loads(started)
    job_pid = int(handles["job"].split("~")[0].partition("at")[0])
    starter = psutil.Process(job_pid).ppid()  # the worker that forked the job
    workers = {p.pid for p in psutil.Process(master.pid).children()}
    assert starter in workers and len(workers) == 2

    for item in body["inputs"] + body["state"]:
        item["value"] = None  # as the renderer polls: the handles in the query, no values
    poll = f"?cacheKey={handles['cacheKey']}&job={handles['job']}"

    def until(done, what: str) -> dict:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, data = client.post_callback(body, poll)
            assert status == 200, (status, data[:300])
            answer = json.loads(data)
            if done(answer):
                return answer
            time.sleep(0.1)
        raise AssertionError(f"no {what}; log: {(folder / 'gunicorn.log').read_text()[-2000:]}")

    until(lambda a: "正在入库" in str((a.get("progress") or {}).get("upload-stage.children")), "progress at write")
    # the guard checks every poll as it checked the start: a leader holding the handles gets nothing
    leader = Client(base)
    assert leader.login("leader1", PASSWORD.replace("admin", "leader"))[0] == 303
    assert leader.post_callback(body, poll) == (403, b"forbidden")
    os.kill(starter, signal.SIGKILL)  # every poll from now on is answered by another worker
    (folder / "go-on").touch()
    answer = until(lambda a: "response" in a, "answer")
    report = json.dumps(answer["response"]["upload-report"]["children"], ensure_ascii=False)
    assert "本次上传 1 个文件：入库 2 行，拒收 0 行，整个文件被拒收 0 个" in report
    assert re.search(r"已发布：跨进程.csv（入库 2 行，拒收 0 行）", report)
    assert loads(warehouse)[len(before) :] == [("跨进程.csv", 2, "admin1")]
    record = Store.for_warehouse(warehouse).audit_rows(event_name="load", limit=1)[0]
    assert (record["who"], record["role"]) == ("admin1", "admin")
