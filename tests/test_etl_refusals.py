"""Files that cannot be read at all are refused whole, with one clear message in Chinese,
and the warehouse is left exactly as it was (same bytes, same loads)."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]
GOOD_ROW = ["JZ001", "投诉举报", "违规收费", "榆次区", "2024-03-01", "办理中"]


@pytest.fixture
def loaded(clerk, load, warehouse) -> Path:
    """A warehouse that already holds one good load."""
    load(clerk.csv("已有台账.csv", CASES, [GOOD_ROW]))
    return warehouse


# ---------------------------------------------------------------- files a clerk may send by mistake


def png_named_csv(clerk) -> Path:
    """A screenshot saved as .csv: a real PNG (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"".join(b"\x00" + bytes(range(48)) for _ in range(16)))
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    path = clerk.folder / "截图.csv"
    path.write_bytes(png)
    return path


def random_binary_csv(clerk) -> Path:
    path = clerk.folder / "导出.csv"
    path.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))  # every byte value, no text
    return path


def prose_text(clerk) -> Path:
    path = clerk.folder / "情况说明.txt"
    path.write_text(
        "关于2024年物业服务问题整改情况的说明\n\n"
        "今年以来，我局按照市委市政府部署，持续开展物业服务质量提升行动。\n"
        "一是加强排查；二是压实责任；三是建立长效机制。\n\n"
        "特此说明。\n",
        encoding="utf-8",
    )
    return path


def table_without_known_header(clerk) -> Path:
    path = clerk.folder / "通讯录.csv"
    path.write_text("姓名,科室,办公电话\r\n张三,物业科,0354-1234567\r\n", encoding="utf-8")
    return path


def empty_file(clerk) -> Path:
    path = clerk.folder / "台账.csv"
    path.write_bytes(b"")
    return path


def empty_workbook(clerk) -> Path:
    from openpyxl import Workbook

    path = clerk.folder / "台账.xlsx"
    Workbook().save(path)  # one blank Sheet1
    return path


def truncated_xlsx(clerk) -> Path:
    whole = clerk.xlsx("完整.xlsx", CASES, [GOOD_ROW] * 50).read_bytes()
    path = clerk.folder / "台账.xlsx"
    path.write_bytes(whole[: len(whole) // 2])  # an interrupted download
    return path


def password_xlsx(clerk) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = clerk.xlsx("明文.xlsx", CASES, [GOOD_ROW])
    path = clerk.folder / "加密台账.xlsx"
    with open(plain, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt("jz123456", out)
    return path


def inflating_xlsx(clerk) -> Path:
    """A real workbook whose sheet XML inflates just past the limit (a zip bomb, ~1000:1)."""
    return clerk.xlsx_bomb("巨大.xlsx", CASES, GOOD_ROW)


def unsupported_extension(clerk) -> Path:
    path = clerk.folder / "台账.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    return path


REFUSED = {
    "png-named-csv": (png_named_csv, "文件编码无法识别"),
    "random-binary": (random_binary_csv, "文件编码无法识别"),
    "prose-text": (prose_text, "未找到可识别的表头"),
    "no-known-header": (table_without_known_header, "未找到可识别的表头"),
    "empty-file": (empty_file, "文件是空的"),
    "empty-workbook": (empty_workbook, "工作簿是空的"),
    "truncated-xlsx": (truncated_xlsx, "工作簿已损坏"),
    "password-xlsx": (password_xlsx, "密码"),
    "inflating-xlsx": (inflating_xlsx, "超过上限"),
    "unsupported-extension": (unsupported_extension, "不支持的文件类型“.pdf”"),
}


@pytest.fixture(params=list(REFUSED), ids=list(REFUSED))
def unreadable(request, clerk) -> tuple[Path, str]:
    build, expected = REFUSED[request.param]
    return build(clerk), expected


def test_unreadable_file_refused_whole_with_one_chinese_message(unreadable, load):
    path, expected = unreadable

    result = load(path)

    assert len(result.files) == 1
    report = result.files[0]
    assert report.refused and not result.ok
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (0, 0, 0)
    assert re.search(expected, report.message), report.message
    assert re.search(r"[\u4e00-\u9fff]", report.message) and "Traceback" not in report.message


def test_unreadable_file_leaves_warehouse_unchanged(unreadable, loaded, load, fingerprint_of):
    path, _ = unreadable
    before = fingerprint_of(loaded)

    load(path)

    assert fingerprint_of(loaded) == before


def test_refused_file_does_not_stop_the_good_ones(clerk, loaded, load, query):
    good = clerk.csv("新台账.csv", CASES, [["JZ002", *GOOD_ROW[1:]]])

    result = load(empty_file(clerk), good)

    assert [(f.file, f.refused, f.rows_loaded) for f in result.files] == [
        ("台账.csv", True, 0),
        ("新台账.csv", False, 1),
    ]
    assert query("SELECT count(*) FROM loads") == [(2,)]
    assert query("SELECT case_id FROM cases ORDER BY 1") == [("JZ001",), ("JZ002",)]
