"""Background jobs (security/jobs.py): the upload's load and the panels' exports, called as the
job's process calls them — with Dash's callback context as the job receives it — on a copy
of the demo warehouse; and the manager forking a real job that reads the warehouse through
a reader of its own and leaves its result where another worker finds it.

The browser journey (the bar, then the report; a second upload refused) and the completion
of a job through another gunicorn worker are in tests/ui/test_jobs.py."""

from __future__ import annotations

import base64
import io
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest
from dash import no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash_tree import text
from openpyxl import load_workbook

from etl import upload as uploads
from etl.warehouse import WarehouseBusy, lock
from metrics import access, db
from metrics.db import Warehouse
from metrics.filters import EVERYTHING
from security import jobs
from security.roles import NOTHING, Viewer
from security.session import JobOwner, current_scope, current_viewer, working_for
from security.store import Store

CASES = "编号,来源,问题类别,县区,受理日期,状态\n"
COUNTY = Viewer("county_140702", "county", "140702")  # 榆次区
ADMIN = Viewer("admin", "admin")
LEADER = Viewer("leader", "leader")


@pytest.fixture
def demo_copy(copy_demo, tmp_path, monkeypatch) -> Path:
    """A copy of the demo warehouse and its access store, installed as the process's warehouse."""
    from pages import upload as page

    path = copy_demo(tmp_path / "copy")
    wh = Warehouse(path)
    monkeypatch.setattr(access, "warehouse", lambda: wh)
    monkeypatch.setattr(page, "warehouse", lambda: wh)
    yield path
    wh.close()


def in_job(owner: JobOwner | None, output: str, inputs: dict, state: dict):
    """Dash's callback context as a job's process receives it: the owner the server worked out
    for the request that started the job, and the call's outputs, inputs and state."""

    def listed(values: dict) -> list[dict]:
        return [{"id": k.rsplit(".", 1)[0], "property": k.rsplit(".", 1)[1], "value": v} for k, v in values.items()]

    ident, prop = output.rsplit(".", 1)
    return context_value.set(
        AttributeDict(
            custom_data=AttributeDict({jobs.OWNER: owner} if owner else {}),
            outputs_list={"id": ident, "property": prop},
            inputs_list=listed(inputs),
            states_list=listed(state),
            triggered_inputs=[],
        )
    )


def registered(output: str, background: bool = True):
    """The function registered for a callback writing `output`: for a background one, what Dash
    runs in the job's process (jobs.run's wrapper)."""
    import app

    found = [
        cb
        for key, cb in app.app.callback_map.items()
        if output in (k.split("@")[0] for k in key.strip(".").split("...")) and bool(cb.get("background")) == background
    ]
    assert len(found) == 1, found
    return found[0]["callback"].__wrapped__


def rows_of(download: dict) -> list[tuple]:
    return list(load_workbook(io.BytesIO(base64.b64decode(download["content"]))).active.iter_rows(values_only=True))


# ---------------------------------------------------------------- whom a job works for


def test_a_job_works_for_its_owner_whatever_request_it_inherited():
    import app

    with app.server.test_request_context("/_dash-update-component"):
        from flask import g

        g.viewer = LEADER  # the request context a forked process may have inherited
        with working_for(JobOwner(COUNTY, "10.1.2.3")):
            assert current_viewer() == COUNTY and current_scope() == COUNTY.scope
            assert current_scope().regions == ("140702",)
        assert current_viewer() == LEADER


def test_a_job_without_an_owner_sees_nothing_not_everything():
    """Outside a request the command line sees every region; a job no request of ours started
    (no owner in its context) sees nothing."""
    assert current_scope() == EVERYTHING
    token = in_job(None, "x-download.data", {}, {})
    try:
        with jobs.working() as owner:
            assert owner.viewer is None and current_viewer() is None and current_scope() == NOTHING
    finally:
        context_value.reset(token)


# ---------------------------------------------------------------- the panels' exports


def export_as(viewer: Viewer, params: dict) -> tuple[dict, list]:
    said: list = []
    output = "escalations-open-download.data"
    token = in_job(
        JobOwner(viewer, "10.1.2.3"), output, {"escalations-open-job.data": 1}, {"escalations-query.data": params}
    )
    try:
        return registered(output)(said.append, 1, params), said
    finally:
        context_value.reset(token)


def test_an_export_job_holds_only_its_owners_scope_and_is_audited_with_the_filter(demo_copy):
    params = {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}
    mine, said = export_as(COUNTY, params)
    theirs, _ = export_as(LEADER, params)
    column = next(r for r in rows_of(mine) if r and "县（市、区）" in r).index("县（市、区）")

    def counties(download):
        rows = rows_of(download)
        header = next(i for i, r in enumerate(rows) if r and "县（市、区）" in r)
        return [r[column] for r in rows[header + 1 :]]

    # 榆次区 and its township-level 晋中开发区; the leader's export has 晋中's other counties too
    assert set(counties(mine)) == {"榆次区", "晋中开发区"} and len(set(counties(theirs))) > 2
    assert mine["filename"] == "escalations-open.xlsx"
    # the bar: querying, then rows written, to the end
    assert said[0] == (2, "正在查询数据…")
    n = len(counties(mine))
    assert said[-1] == (95, f"正在写入 Excel：{n:,} / {n:,} 行")
    assert [p for p, _ in said] == sorted(p for p, _ in said)
    # audited by the job, as the owner, with the filter of the call that started it
    record = Store.for_warehouse(demo_copy).audit_rows(event_name="export", who="county_140702", limit=1)[0]
    assert record["detail"].startswith("escalations-open-download: escalations-open.xlsx; filter: ")
    assert '"region": "140700"' in record["detail"]
    assert (record["role"], record["scope"], record["remote"]) == (
        "county",
        "regions=140702;personal_data=no",
        "10.1.2.3",
    )


SUPERVISOR = Viewer("supervisor", "supervisor")


def test_a_small_export_is_written_at_once_and_a_large_one_goes_to_a_job(demo_copy, monkeypatch):
    """The request writes a small sheet itself; a large one it hands to the job (setting the
    store that starts it) and hands nothing over: the supervisor's phones in it are recorded as
    seen once, by the job that hands the file over."""
    store = Store.for_warehouse(demo_copy)
    params = {"region": "140702", "from": "2024-01-01", "to": "2025-05-31"}
    now = registered("escalations-open-download.data", background=False)
    seen = len(store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1000))
    with working_for(JobOwner(SUPERVISOR)):
        download, job = now(1, params)
        assert download["filename"] == "escalations-open.xlsx" and job is no_update
        assert len(store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1000)) == seen + 1
        monkeypatch.setenv("EXPORT_JOB_CELLS", "10")
        assert now(2, params) == (no_update, 2)
        assert len(store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1000)) == seen + 1
    made, said = export_as(SUPERVISOR, params)
    assert rows_of(made) == rows_of(download) and said[-1][0] == 95
    records = store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1000)
    assert len(records) == seen + 2 and records[0]["detail"].startswith("escalations open-case export: ")


# ---------------------------------------------------------------- the upload


def payload(*files: tuple[str, bytes]) -> dict:
    return {
        "files": [
            {"name": n, "size": len(b), "content": "data:text/csv;base64," + base64.b64encode(b).decode()}
            for n, b in files
        ]
    }


def ledger(*ids: str) -> bytes:
    return (CASES + "".join(f"{i},投诉举报,违规收费,榆次区,2025-05-20,办理中\n" for i in ids)).encode()


def upload_as(viewer: Viewer | None, sent: dict) -> tuple:
    said: list = []
    token = in_job(JobOwner(viewer, "10.9.8.7") if viewer else None, "upload-report.children", {}, {})
    try:
        return registered("upload-report.children")(said.append, sent, "auto", {}), said
    finally:
        context_value.reset(token)


def loads(path: Path) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT file, rows_loaded, loaded_by FROM loads ORDER BY load_id").fetchall()


def test_the_upload_job_loads_for_an_admin_and_moves_by_stage(demo_copy):
    before = loads(demo_copy)
    (body, result, shown), said = upload_as(ADMIN, payload(("任务测试.csv", ledger("JOB-1", "JOB-2"))))
    assert "本次上传 1 个文件：入库 2 行，拒收 0 行，整个文件被拒收 0 个" in text(body)
    assert loads(demo_copy)[len(before) :] == [("任务测试.csv", 2, "admin")]
    stages = [words.split(" ", 1)[0].split("…", 1)[0] for _, words in said]
    assert stages == [
        "正在接收文件",
        "正在读取",
        "正在读取",
        "正在读取",
        "正在校验",
        "正在入库",
        "正在发布，看板随后显示新数据",
        "正在生成加载报告",
    ]
    assert said[-3][1] == "正在入库 任务测试.csv（第 1 个，共 1 个）…"
    assert [p for p, _ in said] == sorted(p for p, _ in said) and said[-1][0] < 100
    record = Store.for_warehouse(demo_copy).audit_rows(event_name="load", limit=1)[0]
    assert (record["who"], record["role"], record["remote"]) == ("admin", "admin", "10.9.8.7")
    assert record["detail"] == "upload page: files: 任务测试.csv; dataset: auto; loaded 2, rejected 0"


@pytest.mark.parametrize("viewer", [LEADER, COUNTY, None], ids=["leader", "county", "nobody"])
def test_the_upload_job_loads_nothing_for_a_role_that_may_not_upload(demo_copy, viewer):
    before = loads(demo_copy)
    answer, said = upload_as(viewer, payload(("越权.csv", ledger("JOB-9"))))
    assert answer == (no_update, no_update, no_update) and said == []
    assert loads(demo_copy) == before


def test_a_second_upload_while_a_load_runs_is_refused_in_words(demo_copy):
    before = loads(demo_copy)
    with lock(demo_copy):  # another load (another admin's upload, the command line) holds the warehouse
        with pytest.raises(WarehouseBusy), lock(demo_copy, wait=False):
            pass
        (body, result, shown), _ = upload_as(ADMIN, payload(("第二批.csv", ledger("JOB-5"))))
    shown_text = text(body)
    assert "整个文件被拒收 1 个" in shown_text
    assert uploads.BUSY in shown_text and "请等它完成后重新上传" in uploads.BUSY
    assert result == {"load_ids": []} and shown == {"display": "none"} and loads(demo_copy) == before
    # once the other load is done, the same upload goes in
    (body, _, _), _ = upload_as(ADMIN, payload(("第二批.csv", ledger("JOB-5"))))
    assert loads(demo_copy)[len(before) :] == [("第二批.csv", 1, "admin")]


# ---------------------------------------------------------------- the manager, a real fork


def _count_cases() -> dict:
    """Run in the job's process: what it reads, and through which reader."""
    with jobs.working():
        wh = access.warehouse()
        cases = wh.rows("SELECT count(*) FROM cases")[0][0]
        return {
            "pid": os.getpid(),
            "cases": cases,
            "own_reader": wh._reader not in db._inherited and wh._reader.opened == 1,
            "inherited": len(db._inherited),
        }


def test_a_forked_job_reads_through_its_own_reader_and_another_worker_gets_the_result(
    demo_warehouse, tmp_path, monkeypatch
):
    folder = tmp_path / "served"
    folder.mkdir()
    shutil.copy(demo_warehouse, folder / "warehouse.duckdb")
    monkeypatch.setenv("WAREHOUSE", str(folder / "warehouse.duckdb"))
    monkeypatch.setenv("JOBS_DIR", str(tmp_path / "jobs"))
    parent = Warehouse(folder / "warehouse.duckdb")
    monkeypatch.setattr(access, "_warehouse", parent)
    expected = parent.rows("SELECT count(*) FROM cases")[0][0]  # the parent's reader is open

    manager = jobs.JobManager()
    key = manager.build_cache_key(_count_cases, [], [], None)
    assert key != manager.build_cache_key(_count_cases, [], [], None)  # never shared between callers
    job = manager.call_job_fn(key, manager.make_job_fn(_count_cases, False), [], {})
    deadline = time.monotonic() + 120
    other = jobs.JobManager()  # another worker: its own handle on the same folder
    while not other.result_ready(key):
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)
    result = other.get_result(key, job)
    assert result["cases"] == expected and result["own_reader"] and result["inherited"] >= 1
    assert result["pid"] != os.getpid() and str(result["pid"]) == job.partition("at")[0]
    assert not other.result_ready(key)  # read once, then gone
    for _ in range(100):
        if not manager.job_running(job):
            break
        time.sleep(0.05)
    assert not manager.job_running(job)  # reaped by its parent as soon as it ended
    mode = stat.S_IMODE((tmp_path / "jobs").stat().st_mode)
    assert mode == 0o700, oct(mode)
    parent.close()


def test_a_job_is_known_by_its_pid_and_start_time(tmp_path, monkeypatch):
    """A poll (or a cancel) never stops a process that merely holds the pid now."""
    monkeypatch.setenv("JOBS_DIR", str(tmp_path / "jobs"))
    manager = jobs.JobManager()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        pid, _, born = jobs._job_id(sleeper.pid).partition("at")
        assert manager.job_running(jobs._job_id(sleeper.pid))
        impostor = f"{pid}at{int(born) - 100}"  # the same pid, started a second earlier
        assert not manager.job_running(impostor)
        manager.terminate_job(impostor)
        manager.terminate_job("not a job")
        assert sleeper.poll() is None
        job = jobs._job_id(sleeper.pid)
        manager.terminate_job(job)
        sleeper.wait(timeout=10)  # gone long before its 30 s (its status reaped by the manager or here)
        assert not manager.job_running(job)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_jobs_folder_is_private_and_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("JOBS_DIR", raising=False)
    wh = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    monkeypatch.setattr(access, "warehouse", lambda: wh)
    assert jobs.jobs_dir() == tmp_path / "wh" / "warehouse.duckdb.jobs"
    monkeypatch.setenv("JOBS_DIR", str(tmp_path / "elsewhere"))
    assert jobs.jobs_dir() == tmp_path / "elsewhere"
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    assert stat.S_IMODE(jobs.private_dir(loose).stat().st_mode) == 0o700


def test_a_jobs_progress_is_taken_once_and_never_lost(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBS_DIR", str(tmp_path / "jobs"))
    manager = jobs.JobManager()
    manager.handle.set(manager._make_progress_key("k"), [64, "正在入库 …"])
    assert manager.get_progress("k") == [64, "正在入库 …"]
    assert manager.get_progress("k") is None  # taken: the next poll gets only what the job says next
