"""Readers: a clerk's CSV or workbook -> sheets of raw text cells in DuckDB.

CSV is read by DuckDB's own reader (all columns as text); a GB18030/GBK file is
transcoded to UTF-8 first. Workbooks are read by calamine. Nothing here interprets a
value: that is the normaliser's job. A file that cannot be read at all raises
`FileRefused` with a message for the clerk.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from etl.normalize import INVISIBLE_RE, NBSP, visible
from etl.sql import ident, insert_columns, literal

PREVIEW_ROWS = 40
TAIL_ROWS = 10  # the last rows, where notes below the table are
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024  # what an XLSX may inflate to
MAX_XLSX_RATIO = 200  # unpacked / packed, beyond which a workbook is a zip bomb
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE container: .xls, or an encrypted .xlsx
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode 文本" export starts with FF FE
ZIP_MAGIC = b"PK\x03\x04"

Cell = str | None


class FileRefused(Exception):
    """The whole file cannot be read; `str(exc)` is the clerk's message, in Chinese."""


@dataclass
class Sheet:
    """One table-shaped area of a file: a CSV, or one worksheet of a workbook."""

    name: str | None
    preview: list[list[Cell]]  # the first rows, to find the header in
    _csv_table: str | None = None  # a TEMP table of the whole CSV, already read
    _rows: list[list[Cell]] | None = field(default=None, repr=False)
    _first_row: int = 1  # the file row number of preview[0]
    # Merged ranges as (first row, first column, last row, last column), 0-based in the
    # sheet's rows; every cell of a range holds the value of its top-left cell.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list, repr=False)
    skipped: str | None = None  # why the sheet is not read (a hidden sheet), for the report
    tail: list[list[Cell]] = field(default_factory=list, repr=False)  # the last rows: notes below the table
    invisible: bool = False  # a CSV holding invisible characters (etl.normalize.INVISIBLE): cleaned as loaded
    breaks: bool = True  # some cell may hold a tab or line break (False: a CSV known to hold none)

    def merged_down(self, header_index: int) -> list[tuple[int, int, int]]:
        """(column, first file row, last file row) of each merged range below the header that
        spans several rows: the rows after the first repeat the first row's value."""
        out = []
        for r0, c0, r1, c1 in self.merged:
            last = min(r1, len(self._rows or []) - 1)
            if r0 > header_index and last > r0:
                out.extend((c, self._first_row + r0, self._first_row + last) for c in range(c0, c1 + 1))
        return out

    def rows(self, header_index: int) -> list[tuple[int, list[Cell]]]:
        """(file row number, cells) of a workbook sheet's rows below the header (not for a CSV)."""
        return [(self._first_row + n, r) for n, r in enumerate(self._rows or []) if n > header_index]

    def load(self, con: duckdb.DuckDBPyConnection, table: str, header_index: int, width: int) -> None:
        """Create TEMP `table` (c0 … c{width-1} VARCHAR, _row INTEGER) with the rows below the header."""
        if self._csv_table is not None:
            names = [d[0] for d in con.execute(f"SELECT * FROM {self._csv_table} LIMIT 0").description]

            def cell(n):
                return (
                    f"regexp_replace(replace({ident(n)}, {literal(NBSP)}, ' '), {literal(INVISIBLE_SQL)}, '', 'g')"
                    if self.invisible
                    else ident(n)
                )

            select = ", ".join(
                f"{cell(names[i])} AS c{i}" if i < len(names) else f"NULL::VARCHAR AS c{i}" for i in range(width)
            )
            # rowid follows the file's order: DuckDB keeps insertion order. A view: no copy.
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {select}, (rowid + 1)::INTEGER AS _row "
                f"FROM {self._csv_table} WHERE rowid > {header_index}"
            )
            return
        rows = [r for n, r in enumerate(self._rows or []) if n > header_index]
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} ({', '.join(f'c{i} VARCHAR' for i in range(width))}, _row INTEGER)"
        )
        if rows:
            columns = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
            first = self._first_row + header_index + 1
            columns.append(list(range(first, first + len(rows))))
            insert_columns(con, table, columns)


def open_file(
    path: Path, con: duckdb.DuckDBPyConnection, workdir: Path, tag: str = "f", content: bytes | None = None
) -> list[Sheet]:
    """The sheets of a file; raises FileRefused when the file cannot be read at all.

    A CSV is read once, into a TEMP table of `con` named after `tag`."""
    path = Path(path)
    if not path.exists():
        raise FileRefused(f"文件“{path.name}”不存在")
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("文件是空的（0 字节），请检查是否导出完整")
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"文件大小 {size // 2**20} MB，超过上限 {MAX_FILE_BYTES // 2**20} MB，请拆分后上传")
    with open(path, "rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if head.startswith(UTF16_BOMS):
        # Excel's "Unicode 文本" (.txt, sometimes renamed .xls): UTF-16 with a BOM, tab-separated
        path = Path(_transcode(path, workdir, "utf-16"))
        return [_open_csv(path, con, workdir, f"_csv_{tag}", _tab_separated(path))]
    if suffix in (".xlsx", ".xlsm", ".xls") or head.startswith(ZIP_MAGIC) or head == CFB_MAGIC:
        return _open_workbook(path, head)
    if suffix in (".csv", ".txt", ""):  # DuckDB's sniffer finds a tab-separated .txt's delimiter
        return [_open_csv(path, con, workdir, f"_csv_{tag}", content=content)]
    raise FileRefused(f"不支持的文件类型“{suffix}”，请上传 .csv、.xlsx 或 .xls 文件")


# ---------------------------------------------------------------- CSV


def _read_csv_table(con: duckdb.DuckDBPyConnection, table: str, path: str, delimiter: str | None = None) -> None:
    # A quote inside a quoted cell is written twice (`"阳光""家园"""`), as Excel and the
    # platforms' exports write it; title rows above the header led DuckDB's sniffer to
    # guess no escape character, which kept both quotes.
    # the table's rowid is the file's line order (etl.read.Sheet.load numbers rows by it)
    con.execute("SET preserve_insertion_order = true")
    base = "read_csv(?, header=false, all_varchar=true, null_padding=true, strict_mode=false, quote='\"', escape='\"'"
    if delimiter:
        base += f", delim={delimiter!r}"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {base})", [path])
    except duckdb.Error as exc:
        if "parallel" not in str(exc):
            raise
        # quoted line breaks inside cells need the single-threaded reader
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {base}, parallel=false)", [path])


def _open_csv(
    path: Path,
    con: duckdb.DuckDBPyConnection,
    workdir: Path,
    table: str,
    delimiter: str | None = None,
    content: bytes | None = None,
) -> Sheet:
    """`content`: the file's bytes when the caller has read them already (not read twice)."""
    read_from = str(path)
    try:
        try:
            # A whole read validates the encoding of every line, not only the first ones.
            _read_csv_table(con, table, read_from, delimiter)
        except duckdb.InvalidInputException as exc:
            if "unicode" not in str(exc).lower():
                raise FileRefused(_csv_problem(exc)) from None
            read_from = _transcode(path, workdir, "gb18030")
            _read_csv_table(con, table, read_from, delimiter)
    except duckdb.Error as exc:
        raise FileRefused(_csv_problem(exc)) from None
    rows = con.execute(f"SELECT * FROM {table} ORDER BY rowid LIMIT {PREVIEW_ROWS}").fetchall()
    if not rows:
        raise FileRefused("文件中没有任何数据行")
    tail = con.execute(f"SELECT * FROM {table} ORDER BY rowid DESC LIMIT {TAIL_ROWS}").fetchall()[::-1]
    invisible, lines = _scan(content if content is not None and read_from == str(path) else read_from, delimiter)
    # a cell holds a line break when the file has more lines than rows, a tab when tab is not the delimiter
    records = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    breaks = lines is None or lines > records
    shown = (lambda r: [visible(c) if isinstance(c, str) else c for c in r]) if invisible else list
    return Sheet(
        None,
        [shown(r) for r in rows],
        _csv_table=table,
        tail=[shown(r) for r in tail],
        invisible=invisible,
        breaks=breaks,
    )


# Bytes that are never part of an invisible character in UTF-8: printable ASCII, tab, line
# breaks, and every byte from 0x80 except the lead bytes of U+00A0 (C2), U+2000–U+2FFF (E2) and
# U+F000–U+FFFF (EF). One translate() (about 0.1 s per 100 MB) clears most files; the few with
# such lead bytes (full-width punctuation is EF) are searched exactly.
_PLAIN_BYTES = (
    bytes(range(0x20, 0x7F)) + b"\t\r\n" + bytes(b for b in range(0x80, 0x100) if b not in (0xC2, 0xE2, 0xEF))
)
# etl.normalize.INVISIBLE in RE2's syntax, for DuckDB
INVISIBLE_SQL = r"[\x{200b}-\x{200f}\x{202a}-\x{202e}\x{2060}-\x{2064}\x{feff}\x01-\x08\x0b\x0c\x0e-\x1f\x7f]"


def _scan(source: str | bytes, delimiter: str | None) -> tuple[bool, int | None]:
    """(whether a UTF-8 file holds an invisible character (etl.normalize.INVISIBLE) or a
    non-breaking space anywhere after its BOM, its number of lines — None when a tab that is
    not the delimiter may lie inside a cell)."""
    if isinstance(source, bytes):
        data = source
    else:
        with open(source, "rb") as f:
            data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.count(b"\n") + (not data.endswith(b"\n"))
    if delimiter != "\t" and b"\t" in data:
        lines = None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        lines = None  # a bare carriage return: a line end of an old Mac file, or inside a cell
    if not data.translate(None, _PLAIN_BYTES):
        return False, lines
    text = data.decode("utf-8", errors="replace")
    return NBSP in text or INVISIBLE_RE.search(text) is not None, lines


def _tab_separated(path: Path) -> str | None:
    """ "\t" when the first lines hold more tabs than commas, else None (DuckDB sniffs).

    For a transcoded UTF-16 file: Excel's "Unicode 文本" is tab-separated, and the sniffer
    prefers the delimiter that gives more columns, so a narrow table whose cells hold
    commas (`阳光,家园,小区`) was split at the commas."""
    with open(path, "rb") as f:
        lines = f.read(1 << 16).splitlines()[:50]
    tabs = sum(b"\t" in line for line in lines)
    return "\t" if tabs > sum(b"," in line for line in lines) else None


def _csv_problem(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"无法按表格读取此 CSV 文件（{text}）。请确认它是逗号分隔的表格，并用 Excel 另存为 CSV 后重试"


def _transcode(path: Path, workdir: Path, encoding: str) -> str:
    """GB18030 (a superset of GBK and GB2312) or UTF-16 -> a UTF-8 copy in workdir."""
    fd, out = tempfile.mkstemp(suffix=".csv", dir=workdir)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with open(path, "rb") as src, os.fdopen(fd, "w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(1 << 22):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        if encoding == "utf-16":
            raise FileRefused(
                "文件以 UTF-16（Unicode 文本）标记开头，但内容不是有效的 UTF-16，可能已损坏。"
                "请在 Excel 中重新另存为“CSV UTF-8”或“Unicode 文本”后重试"
            ) from None
        raise FileRefused(
            "文件编码无法识别：既不是 UTF-8，也不是 GB18030/GBK。请在 Excel 中另存为“CSV UTF-8”后重试"
        ) from None
    return out


# ---------------------------------------------------------------- workbooks


def _open_workbook(path: Path, head: bytes) -> list[Sheet]:
    from python_calamine import CalamineWorkbook

    if head == CFB_MAGIC and path.suffix.lower() != ".xls":
        # An .xlsx saved with a password is an OLE container holding EncryptedPackage.
        if _is_encrypted_ooxml(path):
            raise FileRefused("工作簿设有打开密码，无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿）后重新上传")
    if head.startswith(ZIP_MAGIC):
        _check_zip(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise FileRefused("工作簿设有密码保护，无法读取。请取消密码后重新上传") from None
        raise FileRefused("工作簿已损坏或不是有效的 Excel 文件，无法打开。请在 Excel 中另存为 .xlsx 后重试") from None
    sheets = []
    try:
        hidden = _hidden_sheets(workbook)
        for name in workbook.sheet_names:
            if name in hidden:
                sheets.append(Sheet(name, [], skipped=f"工作表“{name}”是{hidden[name]}，未读取"))
                continue
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except Exception:
                raise FileRefused(f"工作表“{name}”已损坏，无法读取") from None
            cells = [[_cell_text(v) for v in row] for row in rows]
            _fill_merged(cells, merged)
            while cells and not any(c is not None for c in cells[-1]):
                cells.pop()
            if cells:
                ranges = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged]
                sheets.append(
                    Sheet(name, cells[:PREVIEW_ROWS], _rows=cells, _first_row=1, merged=ranges, tail=cells[-TAIL_ROWS:])
                )
    finally:
        workbook.close()
    if not any(s.skipped is None for s in sheets):
        if sheets:
            names = "、".join(f"“{s.name}”" for s in sheets)
            raise FileRefused(
                f"工作簿中可见的工作表都没有数据；隐藏的工作表（{names}）不读取。"
                "如需加载，请在 Excel 中取消隐藏后重新上传"
            )
        raise FileRefused("工作簿是空的：没有任何工作表含有数据")
    return sheets


def _hidden_sheets(workbook) -> dict[str, str]:
    """Names of the hidden and very hidden worksheets -> how they are hidden, in Chinese.

    A workbook often keeps last month's sheet hidden beside this month's: it is not data."""
    out = {}
    for meta in getattr(workbook, "sheets_metadata", None) or []:
        state = str(getattr(meta, "visible", "")).rsplit(".", 1)[-1]
        if state == "Hidden":
            out[meta.name] = "隐藏工作表"
        elif state == "VeryHidden":
            out[meta.name] = "深度隐藏（VeryHidden）的工作表"
    return out


def _is_encrypted_ooxml(path: Path) -> bool:
    with open(path, "rb") as f:
        data = f.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused("工作簿已损坏（压缩结构无效），无法打开。请在 Excel 中另存为 .xlsx 后重试") from None
    unpacked = sum(i.file_size for i in infos)
    packed = max(path.stat().st_size, 1)
    if unpacked > MAX_XLSX_UNPACKED_BYTES or (unpacked > 10 * 2**20 and unpacked / packed > MAX_XLSX_RATIO):
        raise FileRefused(
            f"工作簿解压后达 {unpacked // 2**20} MB，超过上限 {MAX_XLSX_UNPACKED_BYTES // 2**20} MB"
            f"（压缩比 {unpacked // packed}:1），疑似异常文件，已拒收。请拆分或另存后重试"
        )


def _cell_text(value: object) -> Cell:
    """A calamine cell -> the text a clerk sees (no interpretation beyond number formatting)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        if abs(value) >= 1e15:
            # Excel keeps 15 significant digits: a 16-digit or longer number typed into a cell
            # (a work-order number, an id card) has lost its last digits. Written as Excel shows
            # it, `2.02403E+17`, an id column rejects it with the fix instead of storing a wrong id.
            return format(value, ".6G")
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = visible(str(value)).strip()
    return text or None


def _fill_merged(cells: list[list[Cell]], merged: list) -> None:
    """Give every cell of a merged range the value of its top-left cell, as the clerk sees it."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(cells) or c0 >= len(cells[r0]):
            continue
        value = cells[r0][c0]
        for r in range(r0, min(r1, len(cells) - 1) + 1):
            row = cells[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                row[c] = value
