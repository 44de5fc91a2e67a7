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

import pytest

from etl import upload
from etl.cli import rejects_csv
from etl.pipeline import last_rejects

ROOT = Path(__file__).resolve().parent.parent
CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]


def case(case_id: str, county: str = "榆次区") -> list[str]:
    return [case_id, "投诉举报", "违规收费", county, "2024-03-01", "办理中"]


@pytest.mark.parametrize("sent, kept", [
    ("../../etc/passwd.csv", "passwd.csv"),
    ("C:\\台账\\三月.csv", "三月.csv"),
    ("folder/sub/四月.xlsx", "四月.xlsx"),
    (".hidden.csv", "hidden.csv"),
    ("a\x00b\nc.csv", "a_b_c.csv"),
    ("", "未命名"),
    ("..", "未命名"),
    ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
])
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
    files = [upload.Incoming("../../五月.csv", good), upload.Incoming("说明.txt", b"hello"),
             upload.Incoming("大.csv", None, upload.MAX_FILE_BYTES + 1)]
    before = set(os.listdir(os.environ.get("TMPDIR", "/tmp")))
    result = upload.load_uploaded(files, warehouse, None, "admin")
    accounted(result.files)
    assert [(r.file, r.refused, r.rows_read, r.rows_loaded, r.rows_rejected) for r in result.files] == [
        ("五月.csv", False, 3, 2, 1), ("说明.txt", True, 0, 0, 0), ("大.csv", True, 0, 0, 0)]
    assert "不支持的文件类型" in result.files[1].message and "超过单个文件上限" in result.files[2].message
    after = {n for n in os.listdir(os.environ.get("TMPDIR", "/tmp")) if n.startswith("upload-")}
    assert after <= before, "the private temporary folder is removed"
    loads, rejects = last_rejects(warehouse)
    assert [(ld["file"], ld["rows_loaded"]) for ld in loads] == [("五月.csv", 2)]
    with io.StringIO(rejects_csv(rejects).decode("utf-8-sig")) as f:
        rows = list(csv.DictReader(f))
    assert rejects_csv(rejects).startswith(b"\xef\xbb\xbf")
    assert [(r["文件"], r["行号"], r["列"], r["编号"], r["县区"]) for r in rows] == [("五月.csv", "6", "县区", "JZ003", "榆茨区")]
    assert "榆茨区" in rows[0]["拒收原因"]


def test_etl_load_writes_a_load_audit_record(clerk, warehouse, etl_env):
    from security.store import Store

    path = clerk.csv("六月.csv", CASES, [case("JZ010"), case("JZ011", county="")])
    env = {k: v for k, v in etl_env.items() if k != "ETL_USER"}
    proc = subprocess.run([sys.executable, "-m", "etl", "load", "--warehouse", str(warehouse), str(path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = Store.for_warehouse(warehouse).audit_rows(event_name="load")
    assert len(rows) == 1
    assert rows[0]["who"] == getpass.getuser() and rows[0]["role"] == "cli"
    assert rows[0]["detail"] == "python -m etl load: files: 六月.csv; dataset: auto; loaded 1, rejected 1"
