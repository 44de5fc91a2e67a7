"""The rejects of a load run or a check, out to the clerk as a CSV and back in fixed
(etl/rejects.py, `etl rejects`, `etl load fixed.csv`): each run's report names the command
that lists exactly its rejects; the CSV labels each row by its own dataset, neutralises
formula text and masks phones; sent back, each row loads into its own dataset at its own row
number, with the text, units and phones it had. The command line runs in this process
(`etl.cli.main`), on real DuckDB files and ledgers written as clerks write them."""

from __future__ import annotations

import csv
import json
import re
import shlex
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.cli import main
from etl.rejects import CHECKS_KEPT, checks_dir, read_check, save_check

CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态", "联系电话", "问题描述"]
USAGES = ["申请编号", "县区", "用途", "应急使用", "使用金额（万元）", "申请日期"]
REFUNDS = ["统一社会信用代码", "县区", "类别", "金额", "清退日期"]
USCC = "91140700MA0GRT8X17"  # check digit valid


def case(
    case_id: str, county: str = "榆次区", phone: str = "", text: str = "", received: str = "2024-03-01"
) -> list[str]:
    return [case_id, "投诉举报", "违规收费", county, received, "办理中", phone, text]


def usage(app_id: str, county: str = "榆次区", amount: str = "12.5") -> list[str]:
    return [app_id, county, "电梯", "是", amount, "2024-04-01"]


def refund(county: str = "榆次区", amount: str = "500", day: str = "2024-05-01") -> list[str]:
    return [USCC, county, "物业费", amount, day]


def hint_of(out: str) -> str:
    """The one command the report tells the clerk to run for the full list of rejects."""
    hints = set(re.findall(r"全部请运行 (.+?)）：", out))
    assert len(hints) == 1, out
    return hints.pop()


def run_hint(hint: str, capsys) -> str:
    """Run the command a report named (as `python -m etl …`), return what it printed."""
    words = shlex.split(hint)
    assert words[:3] == ["python", "-m", "etl"], hint
    capsys.readouterr()
    assert main(words[3:]) == 0
    return capsys.readouterr().out


def read_rejects(path: Path, encoding: str = "utf-8-sig") -> tuple[list[str], list[dict]]:
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r, strict=False)) for r in rows[1:]]


def write_fixed(path: Path, header: list[str], rows: list[dict]) -> Path:
    """The clerk's fixed file as Excel saves "CSV (逗号分隔)" on a Chinese Windows: GB18030, no BOM, CRLF."""
    with open(path, "w", encoding="gb18030", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([[r[h] for h in header] for r in rows])
    return path


def fix(rows: list[dict], **changes: tuple[str, str]) -> list[dict]:
    """Rows with cells corrected: column=(wrong, right)."""
    out = []
    for r in rows:
        r = dict(r)
        for column, (wrong, right) in changes.items():
            if r.get(column) == wrong:
                r[column] = right
        out.append(r)
    return out


# ---------------------------------------------------------------- runs and checks: the hint


def test_a_checks_report_names_the_command_that_lists_its_own_rejects(clerk, cli, capsys):
    cli("load", clerk.csv("三月.csv", CASES, [case("JZ001", county="榆茨区")]))

    code, out = cli("check", clerk.csv("四月.csv", CASES, [case("JZ002"), case("JZ003", county="太古区")]))

    assert code == 0
    hint = hint_of(out)
    assert shlex.split(hint)[3:6] == ["rejects", "--check", "1"]
    listed = run_hint(hint, capsys)
    assert "四月.csv" in listed and "第 5 行：县区“太古区”不存在，是否为“太谷区”？" in listed
    assert "三月.csv" not in listed and "榆茨区" not in listed


def test_a_loads_report_names_its_own_run_and_still_lists_it_after_later_loads(clerk, cli, capsys):
    _, first = cli("load", clerk.csv("三月.csv", CASES, [case("JZ001", county="榆茨区")]))
    cli("load", clerk.csv("四月.csv", CASES, [case("JZ002", county="太古区")]))
    cli("check", clerk.csv("五月.csv", CASES, [case("JZ003", county="")]))

    listed = run_hint(hint_of(first), capsys)

    assert "批次 1" in listed and "三月.csv" in listed and "县区“榆茨区”不存在" in listed
    assert "四月.csv" not in listed and "五月.csv" not in listed
    _, latest = cli("rejects")  # without --run: the latest load run, never the check
    assert "四月.csv" in latest and "五月.csv" not in latest


def test_a_warehouse_from_before_run_ids_gets_them_from_its_load_times(clerk, cli, warehouse, query):
    cli("load", clerk.csv("三月.csv", CASES, [case("JZ001", county="榆茨区")]))
    cli("load", clerk.csv("四月.csv", CASES, [case("JZ002", county="太古区")]))
    with duckdb.connect(str(warehouse)) as con:  # as a warehouse written before loads had run ids
        con.execute("ALTER TABLE loads DROP COLUMN run_id")
        con.execute("ALTER TABLE loads DROP COLUMN header_map")

    _, listed = cli("rejects")  # read-only: the warehouse is not upgraded by reading it
    assert "四月.csv" in listed and "三月.csv" not in listed
    cli("load", clerk.csv("五月.csv", CASES, [case("JZ003")]))

    assert query("SELECT file, run_id FROM loads ORDER BY load_id") == [
        ("三月.csv", 1),
        ("四月.csv", 2),
        ("五月.csv", 3),
    ]


def test_only_the_latest_checks_are_kept(warehouse):
    for n in range(CHECKS_KEPT + 2):
        assert save_check(warehouse, [{"load_id": 1, "file": f"{n}.csv"}], []) == n + 1

    kept = sorted(int(p.stem) for p in checks_dir(warehouse).glob("*.json"))

    assert kept == list(range(3, CHECKS_KEPT + 3))
    assert read_check(checks_dir(warehouse))[1] == [{"load_id": 1, "file": f"{CHECKS_KEPT + 1}.csv"}]
    assert read_check(checks_dir(warehouse), 1) == (1, [], [])


# ---------------------------------------------------------------- the CSV


def test_the_rejects_csv_labels_each_rows_cells_by_its_own_dataset(clerk, cli, tmp_path):
    usages = clerk.xlsx("使用申请.xlsx", USAGES, [usage("SQ1"), usage("SQ2", amount="十二万")])
    refunds = clerk.csv("清退.csv", REFUNDS, [refund(), refund(county="太古区", amount="300")])
    cli("load", usages, refunds)
    out = tmp_path / "拒收.csv"

    assert cli("rejects", "--csv", out)[0] == 0

    header, (bad_usage, bad_refund) = read_rejects(out)
    assert header[:7] == ["拒收编号", "文件", "工作表", "台账类型", "行号", "列", "拒收原因"]
    assert {"拨付金额（万元）", "清退金额"} <= set(header) and not {"使用金额（万元）", "金额"} & set(header)
    assert (
        bad_usage["拒收编号"],
        bad_usage["文件"],
        bad_usage["工作表"],
        bad_usage["台账类型"],
        bad_usage["行号"],
        bad_usage["列"],
    ) == ("L1-5", "使用申请.xlsx", "Sheet1", "维修资金使用申请（fund_usages）", "5", "拨付金额")
    assert (bad_usage["申请编号"], bad_usage["拨付金额（万元）"], bad_usage["清退金额"]) == ("SQ2", "十二万", "")
    assert (
        bad_refund["拒收编号"],
        bad_refund["文件"],
        bad_refund["工作表"],
        bad_refund["台账类型"],
        bad_refund["列"],
        bad_refund["清退金额"],
        bad_refund["拨付金额（万元）"],
    ) == ("L2-5", "清退.csv", "", "违规收费清退（refunds）", "县区", "300", "")


def test_a_row_with_two_problems_is_one_line_with_both_reasons(clerk, cli, tmp_path):
    cli("load", clerk.csv("台账.csv", CASES, [case("JZ001", county="榆茨区", received="2024-13-01")]))
    out = tmp_path / "拒收.csv"

    cli("rejects", "--csv", out)

    _, rows = read_rejects(out)
    assert len(rows) == 1
    assert rows[0]["列"] == "县区、受理日期"
    assert (
        rows[0]["拒收原因"].count("第 4 行") == 2
        and "榆茨区" in rows[0]["拒收原因"]
        and "2024-13-01" in rows[0]["拒收原因"]
    )


def test_formula_text_is_neutralised_in_the_csv_and_loads_back_as_written(clerk, cli, tmp_path, query):
    texts = ['=HYPERLINK("http://x","点此")', "+86 转办", "-屋顶漏水", "@SUM(A1)", "'=写过引号"]
    cli("load", clerk.csv("台账.csv", CASES, [case(f"JZ00{n}", county="榆茨区", text=t) for n, t in enumerate(texts)]))
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)

    assert [r["问题描述"] for r in rows] == ["'" + t for t in texts]
    code, report = cli("load", write_fixed(tmp_path / "改好.csv", header, fix(rows, 县区=("榆茨区", "榆次区"))))

    assert code == 0, report
    assert query("SELECT description FROM cases ORDER BY case_id") == [(t,) for t in texts]


def test_phones_in_the_rejects_csv_are_masked_unless_asked_for_in_full(clerk, cli, tmp_path, warehouse):
    from security.store import Store

    cli("load", clerk.csv("台账.csv", CASES, [case("JZ001", county="榆茨区", phone="13812345678")]))
    masked, full = tmp_path / "拒收.csv", tmp_path / "拒收-完整.csv"

    _, said = cli("rejects", "--csv", masked)
    cli("rejects", "--csv", full, "--unmasked")

    assert read_rejects(masked)[1][0]["联系电话"] == "138****5678" and "联系电话已遮盖" in said
    assert read_rejects(full)[1][0]["联系电话"] == "13812345678"
    exports = Store.for_warehouse(warehouse).audit_rows(event_name="export")
    assert [(e["who"], e["role"], e["detail"]) for e in exports] == [
        ("clerk", "cli", f"python -m etl rejects --csv {full} --unmasked: 1 rows")
    ]


# ---------------------------------------------------------------- back in


def test_a_fixed_rejects_csv_loads_each_row_into_its_own_dataset_at_its_own_row_number(
    clerk, cli, tmp_path, query, accounted
):
    cli(
        "load",
        clerk.xlsx("使用申请.xlsx", USAGES, [usage("SQ1"), usage("SQ2", county="榆茨区", amount="3")]),
        clerk.csv("清退.csv", REFUNDS, [refund(), refund(county="太古区", amount="300", day="2024-05-02")]),
        clerk.csv("问题.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")], encoding="gb18030"),
    )
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)
    fixed = fix(rows, 县区=("榆茨区", "榆次区"))
    fixed = fix(fixed, 县区=("太古区", "太谷区"), 受理日期=("2024-03-01", "2024-13-01"))  # the case gets a new mistake

    code, out_json = cli("load", "--json", write_fixed(tmp_path / "拒收-改好.csv", header, fixed))

    files = json.loads(out_json)["files"]
    accounted(files)
    assert code == 0
    assert [(f["file"], f["dataset"], f["rows_read"], f["rows_loaded"], f["rows_rejected"]) for f in files] == [
        ("拒收-改好.csv", "fund_usages", 1, 1, 0),
        ("拒收-改好.csv", "refunds", 1, 1, 0),
        ("拒收-改好.csv", "cases", 1, 0, 1),
    ]
    assert files[2]["rejects"][0]["reason"].startswith("第 4 行：受理日期“2024-13-01”")  # its row in the fixed file
    assert query(
        "SELECT application_id, county, amount, _source_file, _source_row FROM fund_usages ORDER BY application_id"
    ) == [
        ("SQ1", "140702", Decimal("125000.00"), "使用申请.xlsx", 4),
        ("SQ2", "140702", Decimal("30000.00"), "拒收-改好.csv", 2),
    ]
    assert query("SELECT county, amount, refunded_on::VARCHAR, _source_row FROM refunds ORDER BY amount") == [
        ("140703", Decimal("300.00"), "2024-05-02", 3),
        ("140702", Decimal("500.00"), "2024-05-01", 4),
    ]
    assert query("SELECT case_id FROM cases") == [("JZ001",)]


def test_amounts_from_ledgers_in_different_units_keep_their_own_unit_through_the_round_trip(
    clerk, cli, tmp_path, query
):
    in_wan = clerk.csv("万元.csv", USAGES, [usage("SQ1", county="榆茨区", amount="12.5")])
    in_yuan = clerk.csv(
        "元.csv", [h.replace("（万元）", "") for h in USAGES], [usage("SQ9", county="榆茨区", amount="8000")]
    )
    cli("load", in_wan, in_yuan)
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)
    assert {"拨付金额（万元）", "拨付金额"} <= set(header)

    code, report = cli("load", write_fixed(tmp_path / "改好.csv", header, fix(rows, 县区=("榆茨区", "榆次区"))))

    assert code == 0, report
    assert query("SELECT application_id, amount FROM fund_usages ORDER BY 1") == [
        ("SQ1", Decimal("125000.00")),
        ("SQ9", Decimal("8000.00")),
    ]


def test_an_amount_whose_unit_was_declared_above_the_table_keeps_it_through_the_round_trip(clerk, cli, tmp_path, query):
    header = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
    rows = [["XM001", "锦绣花园", "某某房地产开发有限公司", "榆茨区", "12.5", "2024-01-05"]]
    cli("load", clerk.csv("欠缴.csv", header, rows, filled_by=("填报单位：晋中市住建局", "单位：万元")))
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rejected = read_rejects(out)
    assert rejected[0]["欠缴金额（万元）"] == "12.5"  # the unit the loader read, which the clerk's header did not carry

    cli("load", write_fixed(tmp_path / "改好.csv", header, fix(rejected, 县区=("榆茨区", "榆次区"))))

    assert query("SELECT project_id, amount_due FROM fund_arrears") == [("XM001", Decimal("125000.00"))]


def test_a_masked_phone_sent_back_is_restored_from_the_stored_reject(clerk, cli, tmp_path, query):
    cli("load", clerk.csv("台账.csv", CASES, [case("JZ001", county="榆茨区", phone="13812345678")]))
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)
    assert rows[0]["联系电话"] == "138****5678"

    code, report = cli("load", write_fixed(tmp_path / "改好.csv", header, fix(rows, 县区=("榆茨区", "榆次区"))))

    assert code == 0
    assert query("SELECT case_id, reporter_phone FROM cases") == [("JZ001", "13812345678")]
    assert "1 行的联系电话是导出时遮盖的号码（如 138****5678），已按原拒收记录恢复为原号码" in report


def test_a_masked_phone_that_matches_no_stored_reject_is_left_empty_with_a_warning(clerk, cli, tmp_path, query):
    cli(
        "load",
        clerk.csv(
            "台账.csv",
            CASES,
            [case("JZ001", county="榆茨区", phone="13812345678"), case("JZ002", county="榆茨区", phone="13912345678")],
        ),
    )
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)
    rows = fix(rows, 县区=("榆茨区", "榆次区"), 拒收编号=("L1-4", "L7-4"))  # a reference to no stored reject
    rows = fix(rows, 联系电话=("139****5678", "139****0000"))  # a mask edited by hand

    code, report = cli("load", write_fixed(tmp_path / "改好.csv", header, rows))

    assert code == 0
    assert query("SELECT case_id, reporter_phone FROM cases ORDER BY 1") == [("JZ001", None), ("JZ002", None)]
    assert "第 2 行的联系电话“138****5678”是导出时遮盖的号码，找不到对应的原始号码，已留空" in report
    assert "第 3 行的联系电话“139****0000”是导出时遮盖的号码，找不到对应的原始号码，已留空" in report


def test_a_checks_rejects_csv_gets_its_masked_phones_back_from_the_kept_check(clerk, cli, tmp_path, query):
    cli("check", clerk.csv("台账.csv", CASES, [case("JZ001", county="榆茨区", phone="13812345678")]))
    out = tmp_path / "拒收.csv"
    assert cli("rejects", "--check", "--csv", out)[0] == 0
    header, rows = read_rejects(out)
    assert (rows[0]["拒收编号"], rows[0]["联系电话"]) == ("C1-L1-4", "138****5678")

    cli("load", write_fixed(tmp_path / "改好.csv", header, fix(rows, 县区=("榆茨区", "榆次区"))))

    assert query("SELECT case_id, reporter_phone FROM cases") == [("JZ001", "13812345678")]


def save_as(kind: str, folder: Path, header: list[str], rows: list[dict]) -> Path:
    """The fixed rejects as Excel saves them: "CSV UTF-8", "Unicode 文本" (UTF-16, tabs) or a workbook."""
    table = [header] + [[r[h] for h in header] for r in rows]
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        for line in table:
            book.active.append(line)
        book.save(folder / "拒收-改好.xlsx")
        return folder / "拒收-改好.xlsx"
    path = folder / ("拒收-改好.txt" if kind == "utf-16" else "拒收-改好.csv")
    with open(path, "w", encoding="utf-16" if kind == "utf-16" else "utf-8-sig", newline="") as f:
        csv.writer(f, delimiter="\t" if kind == "utf-16" else ",", lineterminator="\r\n").writerows(table)
    return path


@pytest.mark.parametrize("kind", ["utf-8", "utf-16", "xlsx"])
def test_a_fixed_rejects_file_loads_back_in_each_form_excel_saves_it(kind, clerk, cli, tmp_path, query):
    cli(
        "load",
        clerk.csv("台账.csv", CASES, [case("JZ001", county="榆茨区", phone="13812345678", text="-漏水")]),
        clerk.csv("清退.csv", REFUNDS, [refund(county="太古区")]),
    )
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)

    code, report = cli(
        "load", save_as(kind, tmp_path, header, fix(fix(rows, 县区=("榆茨区", "榆次区")), 县区=("太古区", "太谷区")))
    )

    assert code == 0, report
    assert query("SELECT case_id, county, reporter_phone, description FROM cases") == [
        ("JZ001", "140702", "13812345678", "-漏水")
    ]
    assert query("SELECT county, amount::VARCHAR FROM refunds") == [("140703", "500.00")]


def test_a_status_read_from_tick_marks_is_written_as_the_choice_and_loads_back(clerk, cli, tmp_path, query):
    top = ["线索编号", "来源", "问题类别", "县区", "受理日期", "整改情况", None]
    sub = [None, None, None, None, None, "已整改", "未整改"]
    rows = [
        ["JZ001", "投诉举报", "违规收费", "榆茨区", "2024-03-01", "√", None],
        ["JZ002", "投诉举报", "违规收费", "榆次区", "2024-03-01", "√", "√"],
        ["JZ003", "投诉举报", "违规收费", "榆茨区", "2024-03-01", None, "✓"],
    ]
    cli("load", clerk.xlsx("整改台账.xlsx", top, rows, sub_header=sub, merges=["F3:G3"]))
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rejected = read_rejects(out)

    assert [(r["编号"], r["状态"]) for r in rejected] == [
        ("JZ001", "已整改"),
        ("JZ002", "已整改、未整改"),
        ("JZ003", "办理中"),
    ]
    assert not [h for h in header if "/" in h]
    fixed = fix(fix(rejected, 县区=("榆茨区", "榆次区")), 状态=("已整改、未整改", "已整改"))
    code, report = cli("load", write_fixed(tmp_path / "改好.csv", header, fixed))

    assert code == 0, report
    assert query("SELECT case_id, status FROM cases ORDER BY 1") == [
        ("JZ001", "已整改"),
        ("JZ002", "已整改"),
        ("JZ003", "办理中"),
    ]


def test_a_rejects_csv_whose_dataset_cell_was_changed_is_refused_whole(clerk, cli, tmp_path, warehouse, fingerprint_of):
    cli("load", clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")]))
    out = tmp_path / "拒收.csv"
    cli("rejects", "--csv", out)
    header, rows = read_rejects(out)
    before = fingerprint_of(warehouse)

    code, report = cli(
        "load",
        write_fixed(
            tmp_path / "改好.csv", header, fix(rows, 县区=("榆茨区", "榆次区"), 台账类型=("问题线索（cases）", "线索"))
        ),
    )

    assert code == 3
    assert "已拒收整个文件：第 2 行的“台账类型”“线索”无法识别" in report
    assert fingerprint_of(warehouse) == before


@pytest.mark.parametrize("written", ["拒收", "&#25298;&#25910;", "&#x62D2;&#x6536;"])
def test_a_workbook_is_known_as_a_rejects_file_however_its_xml_writes_the_mark(tmp_path, written):
    """Excel and WPS write 拒收 in UTF-8; openpyxl through lxml writes character references. Either
    is a rejects file sent back (this once depended on whether lxml was installed)."""
    import zipfile

    from etl.fixed import _mentions_mark

    path = tmp_path / "改好.xlsx"
    sheet = f'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{written}原因</t></is></c></row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", sheet.encode())
    assert _mentions_mark(path)
    with zipfile.ZipFile(tmp_path / "other.xlsx", "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<worksheet><t>&#25298;</t></worksheet>")
    assert not _mentions_mark(tmp_path / "other.xlsx")
