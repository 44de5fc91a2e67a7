"""Back in: a rejects file sent back fixed (the format: etl/rejects.py), split by 台账类型
into one CSV per dataset for the loader (`split_fixed`, called by etl/pipeline.py).

The leading `'` is taken off again; an amount gets back the unit of its column; a masked
phone is replaced by the number stored with the reject it came from (`_PhoneSource`), or
left empty with a note for the report.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl.rejects import (
    _REFERENCE_RE,
    DATASET,
    PREFIX,
    REASON,
    REFERENCE,
    UNIT_NAMES,
    _column_of,
    _json,
    _meaning,
    mask_phone,
    read_check,
    restore_text,
)
from vocab.schema import DATASETS, PHONE, Dataset


@dataclass
class Part:
    """The rows of one dataset of a fixed rejects file, written as a CSV of that dataset."""

    path: Path
    dataset: str
    notes: list[str] = field(default_factory=list)


@dataclass
class Split:
    parts: list[Part] = field(default_factory=list)
    refusal: str | None = None  # the whole file cannot be loaded, and why


_MARK = "拒收"
_PLAIN_NUMBER = re.compile(r"[¥￥]?[+-]?[0-9][0-9,，]*(\.[0-9]+)?|[+-]?\.[0-9]+")


def split_fixed(con, path: Path, dataset: str | None, work: Path, checks: Path) -> Split | None:
    """None when `path` is not a rejects file; else its parts (one per dataset, written under
    `work`), or the reason it is refused. `con`: the warehouse being loaded (for the stored
    rejects a masked phone is restored from); `checks`: the folder of kept checks."""
    rows = _read_rejects_file(path)
    if rows is None:
        return None
    at = next(n for n, row in enumerate(rows) if _is_header(row))
    header = [(c or "").strip() for c in rows[at]]
    where = {h: i for i, h in reversed(list(enumerate(header))) if h}
    if DATASET not in where:
        return Split(
            refusal=f"这是拒收记录文件，但缺少“{DATASET}”列，无法判断各行属于哪种台账。"
            f"请保留导出时的前几列（{'、'.join(PREFIX)}）后重新上传"
        )
    groups: dict[str, list[int]] = {}
    for n in range(at + 1, len(rows)):
        row = rows[n]
        if not any((c or "").strip() for c in row):
            continue
        name = _dataset_named(_cell(row, where[DATASET]))
        if name is None:
            return Split(
                refusal=f"第 {n + 1} 行的“{DATASET}”“{_cell(row, where[DATASET])}”无法识别，"
                f"应为导出时的值（如“问题线索（cases）”）。请改正后重新上传"
            )
        if dataset and name != dataset:
            return Split(
                refusal=f"第 {n + 1} 行属于“{DATASETS[name].label}”台账，与指定的台账类型"
                f"“{DATASETS[dataset].label}”不符。拒收记录文件请不指定台账类型，按各行的“{DATASET}”加载"
            )
        groups.setdefault(name, []).append(n)
    restore = _PhoneSource(con, checks)
    parts = []
    for k, (name, numbers) in enumerate(groups.items()):
        folder = work / f"{k}-{name}"
        folder.mkdir(parents=True)
        target = folder / (path.name if path.suffix.lower() == ".csv" else path.name + ".csv")
        parts.append(_write_part(rows, at, header, where, DATASETS[name], numbers, target, restore))
    return Split(parts)


def _cell(row: Sequence, i: int | None) -> str:
    return (row[i] or "") if i is not None and i < len(row) else ""


def _is_header(row: Sequence) -> bool:
    cells = {(c or "").strip() for c in row}
    return DATASET in cells and (REFERENCE in cells or REASON in cells)


def _dataset_named(text: str) -> str | None:
    text = restore_text(text.strip())
    m = re.search(r"[（(]\s*([a-z_]+)\s*[)）]\s*$", text)
    if m and m.group(1) in DATASETS:
        return m.group(1)
    for name, ds in DATASETS.items():
        if text in (name, ds.label):
            return name
    return None


def _write_part(rows, at, header, where, ds: Dataset, numbers: list[int], target: Path, restore) -> Part:
    mine = set(numbers)
    meta = {where[h] for h in PREFIX if h in where}
    sources: dict[str, list[tuple[int, int]]] = {}  # column -> [(index in the file, multiplier)]
    extra: list[int] = []
    for i, h in enumerate(header):
        if i in meta or not h:
            continue
        meaning = _column_of(ds, h)
        if meaning:
            sources.setdefault(meaning[0], []).append((i, meaning[1]))
        elif any(_cell(rows[n], i).strip() for n in numbers):
            extra.append(i)  # not a column of this dataset: the load report names it as left out
    columns = [c for c in ds.columns if c.name in sources]
    out_header = [c.label for c in columns] + [header[i] for i in extra]
    width = max(len(out_header), 2)
    notes = [f"本文件是拒收记录，按“{DATASET}”分开加载：此部分为“{ds.label}”的 {len(numbers)} 行（行号为本文件的行号）"]
    restored, emptied = 0, []
    ref_at = where.get(REFERENCE)
    lines: list[list[str]] = []
    for n, row in enumerate(rows):
        if n == at:
            lines.append(out_header + [""] * (width - len(out_header)))
            continue
        if n not in mine:
            lines.append([""] * width)  # keeps every row at its row number; blank rows are not read
            continue
        cells = []
        for col in columns:
            values = []
            for i, multiplier in sources[col.name]:
                value = restore_text(_cell(row, i)).strip()
                if value and multiplier != 1 and _PLAIN_NUMBER.fullmatch(value):
                    value += UNIT_NAMES[multiplier]  # the unit its column had in the clerk's file
                if value:
                    values.append(value)
            value = "；".join(dict.fromkeys(values))  # two variants of one column both filled: rejected
            if col.kind == PHONE and "*" in value:
                original = restore.phone(_cell(row, ref_at), ds, col.name, value)
                if original:
                    value, restored = original, restored + 1
                else:
                    emptied.append(
                        f"第 {n + 1} 行的{col.label}“{value}”是导出时遮盖的号码，找不到对应的原始号码，"
                        f"已留空；如需保留，请填写完整号码后重新加载"
                    )
                    value = ""
            cells.append(value)
        cells += [restore_text(_cell(row, i)) for i in extra]
        lines.append(cells + [""] * (width - len(cells)))
    if restored:
        notes.append(f"{restored} 行的联系电话是导出时遮盖的号码（如 138****5678），已按原拒收记录恢复为原号码")
    notes += emptied
    with open(target, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(lines)
    return Part(target, ds.name, notes)


class _PhoneSource:
    """The phone a masked cell stood for: from the stored reject its 拒收编号 names (a load's in
    the warehouse being loaded, a check's in the kept checks), if its mask is the cell."""

    def __init__(self, con, checks: Path):
        self.con = con
        self.checks = checks
        self._kept: dict[int, dict] = {}
        self._header_map: str | None = None

    def phone(self, ref: str, ds: Dataset, column: str, masked: str) -> str | None:
        m = _REFERENCE_RE.match(ref.strip())
        if not m:
            return None
        check, load_id, row = (int(g) if g else None for g in m.groups())
        stored = self._from_check(check, load_id, row) if check is not None else self._from_load(load_id, row)
        if stored is None or stored[0] != ds.name:
            return None
        _, raw, header_map = stored
        for header, value in _json(raw).items():
            meaning = _meaning(ds, _json(header_map), header)
            if meaning and meaning[0] == column and value and mask_phone(value) == masked.strip():
                return str(value)
        return None

    def _from_load(self, load_id: int, row: int):
        if self._header_map is None:
            have = {r[0] for r in self.con.execute("DESCRIBE loads").fetchall()}
            self._header_map = "l.header_map" if "header_map" in have else "NULL"
        return self.con.execute(
            f"""SELECT l.dataset, r.raw, {self._header_map} FROM rejects r JOIN loads l ON l.load_id = r.load_id
            WHERE r.load_id = ? AND r."row" = ? LIMIT 1""",
            [load_id, row],
        ).fetchone()

    def _from_check(self, check: int, load_id: int, row: int):
        if check not in self._kept:
            _, _, rejects = read_check(self.checks, check)
            self._kept[check] = {(r["load_id"], r["row"]): r for r in rejects}
        r = self._kept[check].get((load_id, row))
        return (r["dataset"], r["raw"], r["header_map"]) if r else None


def _read_rejects_file(path: Path) -> list[list[str | None]] | None:
    """Every row of `path` if it is a rejects file (its header within the first rows has
    台账类型 and 拒收编号 or 拒收原因), else None. Decides from the first 64 KB of a CSV or a
    workbook's shared strings, so that an ordinary ledger is not read twice."""
    try:
        with open(path, "rb") as f:
            head = f.read(1 << 16)
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04"):
        return _workbook_rows(path)
    if path.suffix.lower() not in (".csv", ".txt", "") or not any(_MARK.encode(e) in head for e in _ENCODINGS):
        return None
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding, delimiter in (("utf-16", "\t"),) if utf16 else (("utf-8-sig", ","), ("gb18030", ",")):
        if not any(_is_header(r) for r in _rows(head.decode(encoding, errors="ignore"), delimiter)[:10]):
            continue  # (decided on the first 64 KB: a ledger that mentions 拒收 is not read twice)
        try:
            return _rows(path.read_bytes().decode(encoding), delimiter)
        except UnicodeDecodeError:
            continue
    return None


_ENCODINGS = ("utf-8", "gb18030", "utf-16-le", "utf-16-be")


def _rows(text: str, delimiter: str) -> list[list[str]]:
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _workbook_rows(path: Path) -> list[list[str | None]] | None:
    from python_calamine import CalamineWorkbook

    from etl.read import _cell_text, _check_zip

    try:
        _check_zip(path)  # the reader's own limits, before anything is inflated
        if not _mentions_mark(path):
            return None
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            for name in workbook.sheet_names:
                sheet = workbook.get_sheet_by_name(name)
                rows = [[_cell_text(v) for v in r] for r in sheet.to_python(skip_empty_area=False)]
                if any(_is_header(r) for r in rows[:10]):
                    return rows
        finally:
            workbook.close()
    except Exception:  # a workbook too big, corrupt, encrypted: the ordinary reader refuses it with its message
        return None
    return None


# 拒收 as a workbook's XML may hold it: UTF-8 (Excel, WPS), or character references (openpyxl
# writing through lxml: &#25298;&#25910;), decimal or hexadecimal
_MARK_XML = re.compile(
    re.escape(_MARK.encode())
    + b"|"
    + b"".join(rb"&#(?:%d|[xX]0*%s);" % (ord(c), f"{ord(c):x}".encode()) for c in _MARK),
    re.IGNORECASE,
)


def _mentions_mark(path: Path) -> bool:
    """Whether a workbook's text holds 拒收: in its shared strings (Excel, WPS) or inline in a
    sheet (openpyxl), near the start of either, so 4 MB of each is enough and cheap."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name == "xl/sharedStrings.xml" or re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
                with archive.open(name) as member:
                    if _MARK_XML.search(member.read(4 << 20)):
                        return True
    return False
