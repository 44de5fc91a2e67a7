"""The admin's upload page and audit page, and what the audit log records.

Uploads change the warehouse, so the browser tests here run a server of their own on a copy
of the demo warehouse and its access store (limits lowered through the environment, so that
an oversized file is a few MB). The admin logs in through the real form in Debian's
Chromium; files go in through the dcc.Upload's file input. Raw HTTP tests on the shared
server check who is refused and what is audited.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from security.store import Store

from .conftest import CONTEXT, Page, Server, login
from .test_auth_http import PERIOD, grid_rows, session_for, spec_of

CASES = "编号,来源,问题类别,县区,受理日期,状态\n"
LIMIT_MB = 2  # the test server's per-file limit (UPLOAD_MAX_FILE_MB)


def ledger(folder: Path, name: str, rows: list[tuple[str, str]]) -> Path:
    """A small 问题线索 ledger as UTF-8 CSV: (case id, county) per row."""
    path = folder / name
    path.write_text(
        CASES + "".join(f"{cid},投诉举报,违规收费,{county},2025-05-20,办理中\n" for cid, county in rows),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def upload_server(copy_demo, tmp_path_factory):
    """A server of its own on a copy of the demo warehouse and its access store."""
    warehouse = copy_demo(tmp_path_factory.mktemp("upload"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("UPLOAD_MAX_FILE_MB", str(LIMIT_MB))
        mp.setenv("UPLOAD_MAX_TOTAL_MB", str(LIMIT_MB + 1))
        srv = Server(warehouse).start()
    yield srv
    srv.stop()


@pytest.fixture
def admin(browser, upload_server):
    context = browser.new_context(**CONTEXT)
    p = Page(context.new_page(), upload_server.url)
    login(p.page, upload_server.url, "admin")
    yield p
    context.close()
    assert not p.external, p.external[:5]
    assert not p.console_errors, p.console_errors[:5]


def loads(server) -> list[tuple]:
    with duckdb.connect(str(server.warehouse), read_only=True) as con:
        return con.execute(
            "SELECT file, rows_read, rows_loaded, rows_rejected, loaded_by FROM loads ORDER BY load_id"
        ).fetchall()


def drop(p: Page, *paths: Path) -> None:
    p.page.locator("#upload-drop input[type=file]").set_input_files([str(x) for x in paths])


def _a_ledger_then_one_with_bad_rows_whose_rejects_are_downloaded_fixed_and_sent_back(admin, upload_server, tmp_path):
    before = loads(upload_server)
    admin.open("/upload")
    expect(admin.page.locator("#upload-rules")).to_contain_text(f"单个文件不超过 {LIMIT_MB} MB")
    good = ledger(tmp_path, "上传测试.csv", [(f"UPTEST-{n:03d}", "榆次区") for n in range(1, 8)])
    drop(admin, good)
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "本次上传 1 个文件：入库 7 行，拒收 0 行，整个文件被拒收 0 个"
    )
    expect(admin.page.locator(".upload-file")).to_contain_text("读取 7 行 = 入库 7 行 + 拒收 0 行")
    expect(admin.page.locator("#upload-rejects")).to_be_hidden()
    assert loads(upload_server)[len(before) :] == [("上传测试.csv", 7, 7, 0, "admin")]

    bad = ledger(
        tmp_path,
        "有错.csv",
        [("UPTEST-101", "榆次区"), ("UPTEST-102", "榆茨区"), ("UPTEST-103", ""), ("UPTEST-104", "太谷区")],
    )
    drop(admin, bad)
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "本次上传 1 个文件：入库 2 行，拒收 2 行，整个文件被拒收 0 个"
    )
    report = admin.page.locator(".upload-file")
    expect(report).to_contain_text("读取 4 行 = 入库 2 行 + 拒收 2 行")
    expect(report).to_contain_text("第 3 行：县区“榆茨区”不存在，是否为“榆次区”？")
    expect(report).to_contain_text("全部拒收记录请点击“下载拒收记录”")
    expect(admin.page.locator("#upload-run")).to_have_text(
        re.compile(r"本批（批次 \d+）结果：\s+已发布：有错.csv（入库 2 行，拒收 2 行）")
    )
    with admin.page.expect_download() as download:
        admin.page.click("#upload-rejects-export")
    path = download.value.path()
    assert download.value.suggested_filename == "拒收记录.csv"
    raw = Path(path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert [(r["文件"], r["台账类型"], r["行号"], r["列"], r["编号"], r["县区"]) for r in rows] == [
        ("有错.csv", "问题线索（cases）", "3", "县区", "UPTEST-102", "榆茨区"),
        ("有错.csv", "问题线索（cases）", "4", "县区", "UPTEST-103", ""),
    ]
    assert "不存在" in rows[0]["拒收原因"] and "县区为空" in rows[1]["拒收原因"]
    assert loads(upload_server)[-1] == ("有错.csv", 4, 2, 2, "admin")

    store = Store.for_warehouse(upload_server.warehouse)
    load_rows = store.audit_rows(event_name="load", who="admin", limit=2)
    assert [r["detail"] for r in load_rows] == [
        "upload page: files: 有错.csv; dataset: auto; loaded 2, rejected 2",
        "upload page: files: 上传测试.csv; dataset: auto; loaded 7, rejected 0",
    ]
    export = store.audit_rows(event_name="export", who="admin", limit=1)[0]
    assert export["detail"].startswith("upload-rejects-download: 拒收记录.csv")

    # the rejects file, fixed as the clerk would, sent back through the same page
    fixed = tmp_path / "拒收记录-改好.csv"
    text = raw.decode("utf-8-sig").replace(",榆茨区,", ",榆次区,").replace(",违规收费,,", ",违规收费,榆次区,")
    fixed.write_bytes(text.encode("utf-8-sig"))
    drop(admin, fixed)
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "本次上传 1 个文件：入库 2 行，拒收 0 行，整个文件被拒收 0 个"
    )
    expect(admin.page.locator(".upload-file")).to_contain_text("此部分为“问题线索”的 2 行")
    assert loads(upload_server)[-1] == ("拒收记录-改好.csv", 2, 2, 0, "admin")
    admin.page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
    shutil.copy(tmp_path / "upload.png", "/tmp/upload-page.png")


def _refused_types_oversized_files_and_zip_bombs_load_nothing(admin, upload_server, tmp_path, clerk):
    before = loads(upload_server)
    text = tmp_path / "情况说明.txt"
    text.write_text("编号,县区\nX1,榆次区\n", encoding="utf-8")
    big = tmp_path / "超大.csv"
    big.write_bytes(
        CASES.encode()
        + b"".join(
            f"BIG-{n:07d},投诉举报,违规收费,榆次区,2025-05-20,办理中\n".encode()
            for n in range(LIMIT_MB * 1024 * 1024 // 50 + 1000)
        )
    )
    assert big.stat().st_size > LIMIT_MB * 1024 * 1024
    bomb = clerk.xlsx_bomb(
        "巨大.xlsx",
        ["编号", "来源", "问题类别", "县区", "受理日期", "状态"],
        ["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中"],
        compresslevel=9,
    )
    assert bomb.stat().st_size < 1024 * 1024
    admin.open("/upload")
    drop(admin, text, bomb)
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "本次上传 2 个文件：入库 0 行，拒收 0 行，整个文件被拒收 2 个"
    )
    files = admin.page.locator(".upload-file")
    expect(files.nth(0)).to_contain_text("情况说明.txt")
    expect(files.nth(0)).to_contain_text("已拒收整个文件：不支持的文件类型“.txt”")
    expect(files.nth(1)).to_contain_text("已拒收整个文件：工作簿解压后达")
    expect(files.nth(1)).to_contain_text("超过上限 256 MB")
    drop(admin, big)  # held back by the browser: only its name and size reach the server
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "本次上传 1 个文件：入库 0 行，拒收 0 行，整个文件被拒收 1 个"
    )
    expect(files.nth(0)).to_contain_text(f"超过单个文件上限 {LIMIT_MB} MB，未加载")
    assert loads(upload_server) == before


def _the_audit_page_lists_the_login_and_the_load_newest_first_in_both_languages(admin, upload_server, tmp_path):
    admin.open("/upload")
    drop(admin, ledger(tmp_path, "审计测试.csv", [("UPTEST-201", "榆次区")]))
    expect(admin.page.locator("#upload-summary")).to_contain_text("入库 1 行")
    admin.open("/audit")
    grid = admin.page.locator("#audit-grid")
    expect(grid).to_contain_text("审计测试.csv")
    rows = grid.locator(".ag-center-cols-container .ag-row")
    first = rows.first
    expect(first).to_contain_text("加载数据")  # newest first: this load
    expect(grid).to_contain_text("登录")
    expect(first).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"))
    admin.page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    shutil.copy(tmp_path / "audit.png", "/tmp/audit-page.png")
    # the filter lives in the URL: only loads
    admin.open("/audit?event=load&user=admin")
    expect(admin.page.locator("#audit-line")).to_contain_text("条")
    events = admin.page.locator("#audit-grid .ag-center-cols-container [col-id=audit_event]")
    expect(events.first).to_have_text("加载数据")
    assert set(events.all_inner_texts()) == {"加载数据"}
    with admin.page.expect_download() as download:
        admin.page.click("#audit-export")
    assert download.value.suggested_filename == "audit.xlsx"
    store = Store.for_warehouse(upload_server.warehouse)
    export = store.audit_rows(event_name="export", who="admin", limit=1)[0]
    assert export["detail"].startswith("audit-download: audit.xlsx; filter: ")
    assert '"event": "load"' in export["detail"] and '"user": "admin"' in export["detail"]
    # English, as every page
    admin.open("/audit?event=load&lang=en")
    expect(admin.page.locator("#audit-title")).to_have_text("Audit log (latest 500)")
    expect(admin.page.locator("#audit-grid [col-id=audit_event]").nth(1)).to_have_text("Data load")
    admin.page.screenshot(path="/tmp/audit-page-en.png", full_page=True)
    admin.open("/upload?lang=en")
    expect(admin.page.locator("#upload-rules")).to_contain_text(f"At most {LIMIT_MB} MB per file")
    drop(admin, ledger(tmp_path, "english.csv", [("UPTEST-301", "榆次区")]))
    expect(admin.page.locator("#upload-summary")).to_have_text(
        "1 file(s) uploaded: 1 rows loaded, 0 rows rejected, 0 file(s) refused whole"
    )
    admin.page.screenshot(path="/tmp/upload-page-en.png", full_page=True)


def test_an_admin_uploads_ledgers_sends_the_fixed_rejects_back_is_refused_bad_files_and_reads_the_audit(
    admin, upload_server, tmp_path, clerk
):
    """A ledger loads; one with bad rows loads its good rows and says why the others were refused,
    row by row; its rejects downloaded, fixed as a clerk would and sent back, load; a file of a
    refused type, a zip bomb and a file over the limit load nothing, each refused in words; the
    audit page lists the login and the loads newest first, filters by the URL, exports (audited
    with its filter) and speaks English, as the upload page does."""
    _a_ledger_then_one_with_bad_rows_whose_rejects_are_downloaded_fixed_and_sent_back(admin, upload_server, tmp_path)
    _refused_types_oversized_files_and_zip_bombs_load_nothing(admin, upload_server, tmp_path, clerk)
    _the_audit_page_lists_the_login_and_the_load_newest_first_in_both_languages(admin, upload_server, tmp_path)


# ---------------------------------------------------------------- raw HTTP, the shared server


@pytest.fixture(scope="module")
def deps(server) -> list[dict]:
    admin = session_for(server, "admin")
    status, _, data = admin.get("/_dash-dependencies")
    assert status == 200
    return json.loads(data)


@pytest.mark.parametrize("user", ["leader", "supervisor", "county_140702"])
def test_other_roles_are_refused_the_upload_and_audit_pages_and_callbacks(server, deps, user):
    client = session_for(server, user)
    assert client.get("/upload")[0] == 403 and client.get("/audit")[0] == 403
    router = spec_of(deps, "_pages_content.children")
    for path in ("/upload", "/audit"):  # the app's own "no permission" page, nothing of the page's
        status, data = client.callback(router, {"_pages_location.pathname": path, "_pages_location.search": ""})
        assert (
            status == 200
            and "无权访问" in json.dumps(json.loads(data), ensure_ascii=False)
            and b"upload-drop" not in data
            and b"audit-list" not in data
        )
    for output in (
        "upload-report.children",
        "upload-rejects-download.data",
        "audit-list.children",
        "audit-download.data",
    ):
        status, data = client.callback(
            spec_of(deps, output),
            {
                "upload-payload.data": {
                    "files": [{"name": "x.csv", "size": 3, "content": "data:text/csv;base64,eCx5"}]
                },
                "upload-rejects-export.n_clicks": 1,
                "audit-export.n_clicks": 1,
                "audit-query.data": {},
            },
        )
        assert status == 403 and data == b"forbidden", output
    assert {"/", "/escalations"} <= nav_paths(client) and not {"/upload", "/audit"} & nav_paths(client)
    assert {"/upload", "/audit"} <= nav_paths(session_for(server, "admin"))  # the admin's navbar has both


def nav_paths(client) -> set[str]:
    """The paths of the navbar links in the layout a client is served."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            ident = node.get("id")
            if isinstance(ident, dict) and ident.get("type") == "shell-nav":
                found.add(ident["path"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    status, _, data = client.get("/_dash-layout")
    assert status == 200
    walk(json.loads(data))
    return found


def test_a_leaders_export_is_audited_with_its_filter(server, deps):
    leader = session_for(server, "leader")
    store = Store.for_warehouse(server.warehouse)
    spec = spec_of(deps, "escalations-open-download.data")
    query = {"region": "140702", **PERIOD}
    status, data = leader.callback(spec, {"escalations-open-export.n_clicks": 1, "escalations-query.data": query})
    assert status == 200 and json.loads(data)["response"]["escalations-open-download"]["data"]["content"]
    record = store.audit_rows(event_name="export", who="leader", limit=1)[0]
    assert record["detail"] == (
        "escalations-open-download: escalations-open.xlsx; filter: "
        + json.dumps(query, ensure_ascii=False, sort_keys=True)
    )
    assert record["role"] == "leader" and record["scope"] == "regions=all;personal_data=no"
    # no personal data for the leader (phones masked): no personal_data_view
    assert not store.audit_rows(event_name="personal_data_view", who="leader")


def test_a_supervisors_open_case_list_and_case_are_audited_as_personal_data(server, deps):
    supervisor = session_for(server, "supervisor")
    store = Store.for_warehouse(server.warehouse)
    seen = store.audit_count()
    spec = spec_of(deps, "escalations-open-title.children")
    status, data = supervisor.callback(spec, {"escalations-query.data": {"region": "140700", **PERIOD}})
    assert status == 200
    record = store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1)[0]
    assert re.fullmatch(
        r'escalations open-case list: \d+ phone\(s\); filter: \{"from": "2024-01-01", '
        r'"region": "140700", "to": "2025-05-31"\}',
        record["detail"],
    ), record["detail"]
    assert record["scope"] == "regions=all;personal_data=yes" and store.audit_count() == seen + 1
    case_id = next(r["case_id"] for r in grid_rows(data, "escalations-open-grid") if r.get("reporter_phone"))
    trail = spec_of(deps, "escalations-timeline-title.children")
    assert supervisor.callback(trail, {"escalations-trail.data": {**PERIOD, "case": case_id}})[0] == 200
    record = store.audit_rows(event_name="personal_data_view", who="supervisor", limit=1)[0]
    assert record["detail"].startswith(f"escalations case {case_id}: 1 phone(s)")
