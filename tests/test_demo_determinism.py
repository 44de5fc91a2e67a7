"""The demo generator is deterministic and writes the ledgers the way clerks do."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl import demo

ROOT = Path(__file__).resolve().parent.parent


def digests(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    return demo.generate(tmp_path_factory.mktemp("demo"))


def test_two_runs_give_identical_files(generated, tmp_path):
    """A second run in another process (another hash seed, another time) gives the same bytes."""
    out = tmp_path / "again"
    script = f"from pathlib import Path; from etl import demo; demo.generate(Path({str(out)!r}))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "4242", "TZ": "America/New_York", "LANG": "C"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT)
    again = sorted(out.iterdir())
    assert [p.name for p in again] == sorted(p.name for p in generated)
    assert digests(again) == digests(generated)


def test_paths_come_in_load_order_master_data_first(generated):
    names = [p.name for p in generated]
    assert names[0].startswith("01_") and "企业" in names[0]
    assert "小区" in names[1]
    assert names == sorted(names)


def test_some_csv_files_are_gb18030_and_some_utf8_with_bom(generated):
    csvs = [p for p in generated if p.suffix == ".csv"]
    gb = [p for p in csvs if not p.read_bytes().startswith(b"\xef\xbb\xbf")]
    bom = [p for p in csvs if p.read_bytes().startswith(b"\xef\xbb\xbf")]
    assert gb and bom
    for p in gb:
        data = p.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        header = next(csv.reader(io.StringIO(data.decode("gb18030"))))
        assert any("\u4e00" <= ch <= "\u9fff" for ch in "".join(header))


def test_xlsx_has_title_rows_a_total_row_and_notes(generated):
    from python_calamine import CalamineWorkbook

    path = next(p for p in generated if p.name.endswith("物业服务问题整改台账.xlsx"))
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0][0] == "晋中市物业服务问题整改台账"
    assert sheet.merged_cell_ranges and sheet.merged_cell_ranges[0][0] == (0, 0)
    assert str(rows[1][0]).startswith("填报单位：") and "填报日期：" in rows[1][0]
    assert "编号" in rows[2] and "整改状态" in rows[2]
    assert rows[-2][0] == "合计"
    assert str(rows[-1][0]).startswith("注")


def test_amounts_in_wan_yuan_in_some_headers_and_yuan_in_others(generated):
    from python_calamine import CalamineWorkbook

    headers = []
    for p in generated:
        if p.suffix == ".xlsx":
            for row in CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()[:4]:
                headers.extend(str(c) for c in row)
        else:
            data = p.read_bytes()
            text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("gb18030")
            headers.extend(next(csv.reader(io.StringIO(text))))
    assert "欠缴金额（万元）" in headers
    assert "清退金额（元）" in headers


def test_credit_codes_have_valid_check_digits(generated):
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(generated[0]))
    codes = [
        row[2]
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        if isinstance(row[2], str) and len(row[2]) == 18
    ]
    assert len(codes) > 800
    for code in codes:
        assert code[:2] == "91"
        assert demo.org_check_digit(code[8:16]) == code[16]
        assert demo.uscc_check_digit(code[:17]) == code[17]


def test_check_digits_match_published_examples():
    # GB 11714 example D2143569-X; a well-known GB 32100 code
    assert demo.org_check_digit("D2143569") == "X"
    assert demo.uscc_check_digit("91350100M000100Y4") == "3"


def test_the_demo_lives_in_the_projects_data_demo():
    """The demo's ledgers and its own warehouse: data/demo of the project (scripts/run.sh and
    `scripts/etl demo` use these defaults), wherever the package's modules sit."""
    from etl import demo

    root = Path(__file__).resolve().parent.parent
    assert demo.DEFAULT_OUT == root / "data" / "demo"
    assert demo.DEMO_WAREHOUSE == root / "data" / "demo" / "warehouse.duckdb"
