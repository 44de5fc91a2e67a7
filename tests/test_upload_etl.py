"""Files that arrive as bytes (the admin's upload page): clean names, type and size limits,
the real load, the rejects CSV; and `python -m etl load` writes a `load` audit record
(a real subprocess, the real access store beside the warehouse)."""

from __future__ import annotations

import csv
import getpass
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl import upload
from etl.pipeline import last_rejects
from etl.rejects import rejects_csv

ROOT = Path(__file__).resolve().parent.parent
CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]


def case(case_id: str, county: str = "榆次区") -> list[str]:
    return [case_id, "投诉举报", "违规收费", county, "2024-03-01", "办理中"]


@pytest.mark.parametrize(
    "sent, kept",
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("C:\\台账\\三月.csv", "三月.csv"),
        ("folder/sub/四月.xlsx", "四月.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("a\x00b\nc.csv", "a_b_c.csv"),
        ("", "未命名"),
        ("..", "未命名"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
        ("台账\u202excod.csv", "台账xcod.csv"),  # a right-to-left override would show it as 台账vsc.docx
        ("报表\u2066\u200b\u200f\ufeff三月.csv", "报表三月.csv"),  # isolates, zero-width, marks, BOM
        ("c1\x85\x9bcontrol.csv", "c1control.csv"),  # C1 control characters
    ],
)
def test_a_client_name_never_becomes_a_path(sent, kept):
    assert upload.clean_name(sent) == kept


def test_only_the_contracts_types_and_sizes_pass():
    assert upload.refusal("台账.csv", 10, 0) is None
    assert upload.refusal("台账.XLSX", 10, 0) is None and upload.refusal("台账.xls", 10, 0) is None
    assert "不支持的文件类型“.txt”" in upload.refusal("说明.txt", 10, 0)
    assert "无扩展名" in upload.refusal("台账", 10, 0)
    assert "超过单个文件上限" in upload.refusal("台账.csv", upload.MAX_FILE_BYTES + 1, 0)
    assert "超过每次上传上限" in upload.refusal("台账.csv", 10, upload.MAX_TOTAL_BYTES + 1)


def test_an_upload_loads_what_passes_and_refuses_the_rest(clerk, warehouse, accounted):
    good = clerk.csv("五月.csv", CASES, [case("JZ001"), case("JZ002"), case("JZ003", county="榆茨区")]).read_bytes()
    files = [
        upload.Incoming("../../五月.csv", good),
        upload.Incoming("说明.txt", b"hello"),
        upload.Incoming("大.csv", None, upload.MAX_FILE_BYTES + 1),
    ]
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    result = upload.load_uploaded(files, warehouse, None, "admin")
    accounted(result.files)
    assert [(r.file, r.refused, r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.files] == [
        ("五月.csv", False, 3, 2, 1),
        ("说明.txt", True, 0, 0, 0),
        ("大.csv", True, 0, 0, 0),
    ]
    assert "不支持的文件类型" in result.files[1].message and "超过单个文件上限" in result.files[2].message
    after = {n for n in os.listdir(os.environ.get("TMPDIR", "/tmp")) if n.startswith("upload-")}
    assert after <= before, "the private temporary folder is removed"
    loads, rejects = last_rejects(warehouse)
    assert [(ld["file"], ld["rows_loaded"]) for ld in loads] == [("五月.csv", 2)]
    with io.StringIO(rejects_csv(rejects).decode("utf-8-sig")) as f:
        rows = list(csv.DictReader(f))
    assert rejects_csv(rejects).startswith(b"\xef\xbb\xbf")
    assert [(r["文件"], r["行号"], r["列"], r["编号"], r["县区"]) for r in rows] == [
        ("五月.csv", "6", "县区", "JZ003", "榆茨区")
    ]
    assert "榆茨区" in rows[0]["拒收原因"]


def test_a_local_file_name_with_control_characters_is_recorded_clean(clerk, warehouse, query):
    """`scripts/etl load` of a file whose name holds a right-to-left override: the report, the
    load history and the rejects carry the name without it."""
    from etl.pipeline import load_files

    path = clerk.csv("六月\u202evsc.csv", CASES, [case("JZ101"), case("JZ102", county="榆茨区")])
    result = load_files([path], warehouse, None, "clerk")
    assert [r.file for r in result.files] == ["六月vsc.csv"]
    assert query("SELECT file FROM loads") == [("六月vsc.csv",)]
    assert {f for (f,) in query("SELECT DISTINCT file FROM rejects")} == {"六月vsc.csv"}


def test_etl_load_writes_a_load_audit_record(clerk, warehouse, etl_env):
    from security.store import Store

    path = clerk.csv("六月.csv", CASES, [case("JZ010"), case("JZ011", county="")])
    env = {k: v for k, v in etl_env.items() if k != "ETL_USER"}
    proc = subprocess.run(
        [sys.executable, "-m", "etl", "load", "--warehouse", str(warehouse), str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    rows = Store.for_warehouse(warehouse).audit_rows(event_name="load")
    assert len(rows) == 1
    assert rows[0]["who"] == getpass.getuser() and rows[0]["role"] == "cli"
    assert rows[0]["detail"] == "python -m etl load: files: 六月.csv; dataset: auto; loaded 1, rejected 1"


def test_the_upload_page_shows_what_was_published_and_its_download_masks_phones_per_dataset(
    clerk, warehouse, monkeypatch
):
    """The page's own callbacks, called as Dash calls them: the run's outcome under the reports,
    and the rejects download (the admin's: phones masked) labelled by each row's dataset."""
    import base64

    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from metrics.db import Warehouse
    from pages import upload as page

    monkeypatch.setenv("WAREHOUSE", str(warehouse))
    monkeypatch.setattr(page, "warehouse", lambda: Warehouse(warehouse))
    cases = clerk.csv(
        "问题.csv",
        CASES + ["联系电话"],
        [case("JZ001") + ["13812345678"], case("JZ002", county="榆茨区") + ["13912345678"]],
    )
    refunds = clerk.csv(
        "清退.csv",
        ["统一社会信用代码", "县区", "类别", "金额", "清退日期"],
        [["91140700MA0GRT8X17", "太古区", "物业费", "300", "2024-05-02"]],
    )
    sent = [(p.name, p.read_bytes()) for p in (cases, refunds)] + [("空.csv", b"")]
    payload = {
        "files": [
            {"name": n, "size": len(b), "content": "data:text/csv;base64," + base64.b64encode(b).decode()}
            for n, b in sent
        ]
    }

    body, result, shown = page.upload_load(payload, "auto", {})
    download = page.upload_rejects_export(1, result, {})

    run = next(c for c in body if getattr(c, "id", None) == "upload-run").children
    assert run.splitlines() == [
        "本批（批次 1）结果：",
        "  已发布：问题.csv、清退.csv（入库 1 行，拒收 2 行）",
        "  未发布：空.csv（拒收整个文件，其中的数据一行也没有入库）",
    ]
    assert shown == {"display": "block"} and download["filename"] == "拒收记录.csv"
    with io.StringIO(base64.b64decode(download["content"]).decode("utf-8-sig")) as f:
        rows = list(csv.DictReader(f))
    assert [(r["文件"], r["台账类型"], r["列"], r["县区"], r["联系电话"], r["清退金额"]) for r in rows] == [
        ("问题.csv", "问题线索（cases）", "县区", "榆茨区", "139****5678", ""),
        ("清退.csv", "违规收费清退（refunds）", "县区", "太古区", "", "300"),
    ]
    # sent back fixed through the page: each row into its own dataset, the masked phone restored
    fixed = base64.b64decode(download["content"]).decode("utf-8-sig").replace(",榆茨区,", ",榆次区,")
    fixed = fixed.replace(",太古区,", ",太谷区,").encode("utf-8-sig")
    page.upload_load(
        {
            "files": [
                {
                    "name": "拒收记录.csv",
                    "size": len(fixed),
                    "content": "data:text/csv;base64," + base64.b64encode(fixed).decode(),
                }
            ]
        },
        "auto",
        {},
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT case_id, county, reporter_phone FROM cases ORDER BY 1").fetchall() == [
            ("JZ001", "140702", "13812345678"),
            ("JZ002", "140702", "13912345678"),
        ]
        assert con.execute("SELECT county, amount::VARCHAR, _source_file FROM refunds").fetchall() == [
            ("140703", "300.00", "拒收记录.csv")
        ]
