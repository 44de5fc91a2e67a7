"""`python -m etl load|rejects|check` as a clerk's script runs them: in process through etl.cli.main, and
the exit codes of the real command and the wrapper in real subprocesses."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]
REPORT_KEYS = {
    "file",
    "dataset",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "warnings",
    "refused",
    "message",
    "rejects",
}


def case(case_id: str, county: str = "榆次区") -> list[str]:
    return [case_id, "投诉举报", "违规收费", county, "2024-03-01", "办理中"]


@dataclass
class Run:
    """What a run of the command line gave: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def etl(warehouse, accounted, capsys, monkeypatch):
    """Run `python -m etl <command> --warehouse <test warehouse> …` in this process (etl.cli.main,
    as `python -m etl` calls it); returns its exit code and output. The process boundary itself is
    tested by the real subprocesses below.

    A `--json` report is checked for the row accounting of every file."""
    from etl.cli import main

    monkeypatch.delenv("ETL_PROG", raising=False)
    monkeypatch.setenv("WAREHOUSE", str(warehouse))

    def run(command: str, *args: object) -> Run:
        capsys.readouterr()
        code = main([command, "--warehouse", str(warehouse), *map(str, args)])
        out = capsys.readouterr()
        if "--json" in args:
            accounted(json.loads(out.out)["files"])
        return Run(code, out.out, out.err)

    return run


@pytest.fixture
def etl_process(etl_env, warehouse, accounted):
    """Run the real `python -m etl <command> --warehouse <test warehouse> …`; returns the finished process."""

    def run(command: str, *args: object) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [sys.executable, "-m", "etl", command, "--warehouse", str(warehouse), *map(str, args)],
            cwd=ROOT,
            env={**etl_env, "WAREHOUSE": str(warehouse)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if "--json" in args:
            accounted(json.loads(proc.stdout)["files"])
        return proc

    return run


def test_load_json_has_one_report_per_file_in_the_documented_shape(clerk, etl):
    good = clerk.csv("甲.csv", CASES, [case("JZ001"), case("JZ002")])
    with_reject = clerk.csv("乙.csv", CASES, [case("JZ003"), case("JZ004", county="榆茨区")], encoding="gb18030")

    proc = etl("load", "--json", good, with_reject)

    files = json.loads(proc.stdout)["files"]
    assert [(f["file"], f["dataset"], f["rows_loaded"], f["rows_rejected"]) for f in files] == [
        ("甲.csv", "cases", 2, 0),
        ("乙.csv", "cases", 1, 1),
    ]
    assert all(REPORT_KEYS <= set(f) for f in files)
    assert files[1]["rejects"] == [
        {"row": 5, "column": "county", "reason": "第 5 行：县区“榆茨区”不存在，是否为“榆次区”？"}
    ]


def test_load_exits_0_when_rows_are_rejected_but_the_file_was_read(clerk, etl):
    path = clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county="")])

    proc = etl("load", "--json", path)

    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["files"][0]["rows_rejected"] == 1


def test_the_real_command_exits_1_when_a_file_is_refused(clerk, etl_process):
    empty = clerk.folder / "空文件.csv"
    empty.write_bytes(b"")
    good = clerk.csv("台账.csv", CASES, [case("JZ001")])

    proc = etl_process("load", "--json", empty, good)

    assert proc.returncode == 1
    refused, loaded = json.loads(proc.stdout)["files"]
    assert (refused["refused"], refused["message"]) == (True, "文件是空的（0 字节），请检查是否导出完整")
    assert (loaded["refused"], loaded["rows_loaded"]) == (False, 1)


def test_load_without_json_prints_the_clerks_report(clerk, etl):
    path = clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county="")])

    proc = etl("load", path)

    assert proc.returncode == 0, proc.stderr
    assert "读取 2 行 = 入库 1 行 + 拒收 1 行" in proc.stdout
    assert "第 5 行：县区为空（必填）" in proc.stdout


def test_rejects_lists_the_last_loads_rejects(clerk, etl):
    assert etl("load", clerk.csv("三月.csv", CASES, [case("JZ001", county="榆茨区")])).returncode == 0
    april = clerk.csv("四月.csv", CASES, [case("JZ002"), case("JZ003", county="")])
    may = clerk.csv("五月.csv", CASES, [case("JZ004", county="太古区")])
    assert etl("load", april, may).returncode == 0  # within a second of the first run, as in a script

    proc = etl("rejects")

    assert proc.returncode == 0, proc.stderr
    assert "四月.csv" in proc.stdout and "第 5 行：县区为空（必填）" in proc.stdout
    assert "五月.csv" in proc.stdout and "太古区" in proc.stdout
    assert "三月.csv" not in proc.stdout and "榆茨区" not in proc.stdout


def test_rejects_csv_writes_them_for_excel(clerk, etl, tmp_path):
    etl("load", clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")]))
    out = tmp_path / "拒收.csv"

    proc = etl("rejects", "--csv", out)

    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 only with a BOM
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1
    assert rows[0]["文件"] == "台账.csv" and rows[0]["行号"] == "5"
    assert rows[0]["拒收原因"] == "第 5 行：县区“榆茨区”不存在，是否为“榆次区”？"
    assert (rows[0]["编号"], rows[0]["县区"]) == ("JZ002", "榆茨区")  # the clerk's own cells, to correct


def test_check_publishes_nothing(clerk, etl, warehouse, fingerprint_of):
    etl("load", clerk.csv("已有.csv", CASES, [case("JZ001")]))
    before = fingerprint_of(warehouse)

    proc = etl("check", "--json", clerk.csv("待查.csv", CASES, [case("JZ002"), case("JZ003", county="榆茨区")]))

    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)["files"][0]
    assert (report["rows_loaded"], report["rows_rejected"]) == (1, 1)
    assert fingerprint_of(warehouse) == before


def test_check_without_a_warehouse_creates_none(clerk, etl, warehouse):
    proc = etl("check", clerk.csv("待查.csv", CASES, [case("JZ001")]))

    assert proc.returncode == 0, proc.stderr
    assert "入库 1 行" in proc.stdout
    assert not warehouse.exists()


# ---------------------------------------------------------------- what a run published (in process)


def test_a_batch_with_a_refused_file_ends_saying_what_was_published_and_what_was_not(clerk, cli, query):
    good = clerk.csv("甲.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")])
    book = clerk.xlsx("乙.xlsx", CASES, [case("JZ003")])
    empty = clerk.folder / "空.csv"
    empty.write_bytes(b"")

    code, out = cli("load", good, empty, book)

    assert code == 1
    assert out.splitlines()[-3:] == [
        "本批（批次 1）结果：",
        "  已发布：甲.csv、乙.xlsx（入库 2 行，拒收 1 行）",
        "  未发布：空.csv（拒收整个文件，其中的数据一行也没有入库）",
    ]
    assert query("SELECT case_id FROM cases ORDER BY 1") == [("JZ001",), ("JZ003",)]


def test_a_batch_that_publishes_nothing_exits_3_and_says_so(clerk, cli, warehouse, fingerprint_of):
    loaded = clerk.csv("已有.csv", CASES, [case("JZ001")])
    cli("load", loaded)
    before = fingerprint_of(warehouse)
    note = clerk.folder / "说明.csv"
    note.write_text("各县区请于月底前报送\n", encoding="utf-8")

    code, out = cli("load", loaded, note)

    assert code == 3
    assert out.splitlines()[-4:] == [
        "本批结果：",
        "  未发布：说明.csv（拒收整个文件，其中的数据一行也没有入库）",
        "  未更改：已有.csv（内容与已加载的相同）",
        "  仓库未做任何更改",
    ]
    assert fingerprint_of(warehouse) == before


def test_a_load_that_cannot_publish_exits_3_with_a_message(clerk, cli, tmp_path, capsys):
    from etl.cli import main

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")

    code = main(
        ["load", "--warehouse", str(blocked / "warehouse.duckdb"), str(clerk.csv("台账.csv", CASES, [case("JZ001")]))]
    )

    assert code == 3
    assert "加载中断，没有发布任何数据，仓库未做任何更改" in capsys.readouterr().err


def test_the_json_report_names_the_run_and_what_was_published(clerk, cli):
    empty = clerk.folder / "空.csv"
    empty.write_bytes(b"")
    cli("load", clerk.csv("甲.csv", CASES, [case("JZ001")]))

    code, out = cli("load", "--json", clerk.csv("乙.csv", CASES, [case("JZ002"), case("JZ003", county="")]), empty)

    report = json.loads(out)
    assert (code, report["run_id"], report["exit_code"]) == (1, 2, 1)
    assert report["published"] == [{"file": "乙.csv", "rows_loaded": 1, "rows_rejected": 1}]
    assert report["not_published"] == [{"file": "空.csv", "rows_loaded": 0, "rows_rejected": 0}]


def test_a_check_says_what_would_be_published_and_changes_nothing(clerk, cli, warehouse, fingerprint_of):
    cli("load", clerk.csv("已有.csv", CASES, [case("JZ001")]))
    before = fingerprint_of(warehouse)
    empty = clerk.folder / "空.csv"
    empty.write_bytes(b"")

    code, out = cli("check", clerk.csv("待查.csv", CASES, [case("JZ002")]), empty)

    assert code == 1
    assert out.splitlines()[-3:] == [
        "检查结果（只是检查，未发布任何数据，仓库未改变）：",
        "  可以发布：待查.csv（入库 1 行，拒收 0 行）",
        "  不能发布：空.csv（拒收整个文件，其中的数据一行也没有入库）",
    ]
    assert fingerprint_of(warehouse) == before


# ---------------------------------------------------------------- the wrapper


def test_the_wrapper_runs_from_any_folder_without_an_active_environment(clerk, tmp_path):
    """`scripts/etl` as the README shows it, in a shell where nothing is activated: no venv on
    PATH, no PYTHONPATH, started from another folder with relative paths. It uses the existing
    environment (VENV, as .venv would be) and installs nothing."""
    import os

    wrapper = ROOT / "scripts" / "etl"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "VENV": sys.prefix,
    }
    clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")])

    helped = subprocess.run(
        [str(wrapper), "--help"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    loaded = subprocess.run(
        [str(wrapper), "load", "--warehouse", "wh.duckdb", "ledgers/台账.csv"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert helped.returncode == 0, helped.stderr
    assert (
        helped.stdout.startswith(f"usage: {wrapper} [-h]")
        and "{load,check,rejects,demo,upgrade,escalate,users,tokens,audit}" in helped.stdout
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "读取 2 行 = 入库 1 行 + 拒收 1 行" in loaded.stdout
    assert f"全部请运行 {wrapper} rejects --run 1 --warehouse wh.duckdb）" in loaded.stdout
    assert (tmp_path / "wh.duckdb").exists()
    assert "pip" not in loaded.stderr + helped.stderr  # nothing installed
