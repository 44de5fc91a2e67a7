"""Codes, dates, amounts and the writers of the demo's CSV and XLSX ledgers (byte-identical from run to run)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl.demo.figures import XLSX_TIME, ZIP_TIME
from etl.normalize import uscc_check_digit

# ---------------------------------------------------------------- codes

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def org_check_digit(body: str) -> str:
    """GB 11714: the 9th character of an organisation code (digits 0–9, letters A=10 … Z=35)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_WEIGHTS, strict=False))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(rng: random.Random, area: str) -> str:
    """A company's code: 9 (market regulator) 1 (enterprise), 6-digit area, organisation code, check."""
    letters = "ABCDEFGHJKLMNPQRTUWXY"
    if rng.random() < 0.7:  # post-2015 registrations: MA + 6 characters
        body = "MA0" + "".join(rng.choice("0123456789" + letters) for _ in range(5))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + area[:6] + body + org_check_digit(body)
    return first17 + uscc_check_digit(first17)


# ---------------------------------------------------------------- helpers


def split_total(
    rng: random.Random,
    total: int,
    n: int,
    spread: float = 0.8,
    minimum: int | Sequence[int] = 1,
    weights: Sequence[float] | None = None,
) -> list[int]:
    """`n` positive integers summing to exactly `total` (largest-remainder rounding)."""
    mins = list(minimum) if isinstance(minimum, Sequence) else [minimum] * n
    rest = total - sum(mins)
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {mins}")
    w = list(weights) if weights is not None else [rng.lognormvariate(0, spread) for _ in range(n)]
    s = sum(w)
    raw = [rest * x / s for x in w]
    base = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (base[i] - raw[i], i))
    for i in order[: rest - sum(base)]:
        base[i] += 1
    return [b + m for b, m in zip(base, mins, strict=False)]


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def pick_dates(
    rng: random.Random,
    n: int,
    start: dt.date,
    end: dt.date,
    month_weight: Callable[[dt.date], float] | None = None,
    weekend: float = 0.35,
) -> list[dt.date]:
    """`n` dates in [start, end], fewer at weekends, shaped by `month_weight`; sorted."""
    days = days_between(start, end)
    weights = [(weekend if d.weekday() >= 5 else 1.0) * (month_weight(d) if month_weight else 1.0) for d in days]
    return sorted(rng.choices(days, weights=weights, k=n))


def workday_on_or_before(d: dt.date, floor: dt.date) -> dt.date:
    while d.weekday() >= 5 and d > floor:
        d -= dt.timedelta(days=1)
    return d


MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def yuan_grouped(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def wan(cents: int) -> float:
    """Cents -> 万元 as the number a clerk types (cents must be a multiple of 100 yuan)."""
    assert cents % 10000 == 0, cents
    return float(f"{cents // 1_000_000}.{cents // 10000 % 100:02d}")


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def slash_date(d: dt.date) -> str:
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


# ---------------------------------------------------------------- writers


@dataclass
class Table:
    """One sheet as a clerk lays it out: optional title lines, a header, rows, a total, notes."""

    header: list[str]
    rows: list[list]
    title: str | None = None
    subtitle: str | None = None
    total: list | None = None
    notes: list[str] = field(default_factory=list)
    sheet: str = "Sheet1"
    widths: dict[int, float] = field(default_factory=dict)


def write_csv(path: Path, table: Table, encoding: str) -> Path:
    """A CSV as Excel or a platform export writes it (CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, tables: list[Table]) -> Path:
    """A workbook with one table per sheet (openpyxl), byte-identical from run to run.

    openpyxl stamps the time of saving into docProps and the zip entries: the document
    times are set to XLSX_TIME, and the archive is rewritten with the constant ZIP_TIME."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold, title_font = Font(name="宋体", bold=True), Font(name="宋体", bold=True, size=16)
    for table in tables:
        ws = wb.create_sheet(table.sheet)
        if table.title:
            ws.append([table.title])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
            ws.cell(1, 1).font, ws.cell(1, 1).alignment = title_font, Alignment(horizontal="center")
        if table.subtitle:
            ws.append([table.subtitle])
        ws.append(table.header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        first_data = ws.max_row + 1
        for row in table.rows:
            ws.append(["是" if v is True else "否" if v is False else v for v in row])
        for row in ws.iter_rows(min_row=first_data):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        if table.total:
            ws.append(table.total)
            for cell in ws[ws.max_row]:
                cell.font = bold
        for note in table.notes:
            ws.append([note])
        for i, width in table.widths.items():
            ws.column_dimensions[get_column_letter(i + 1)].width = width
    wb.properties.creator = "晋中市住房和城乡建设局"
    buffer = io.BytesIO()
    wb.save(buffer)  # stamps `modified` with the time of saving; replaced below
    wb.properties.created = wb.properties.modified = XLSX_TIME
    from openpyxl.xml.functions import tostring

    core = tostring(wb.properties.to_tree())
    path.write_bytes(_constant_zip(buffer.getvalue(), {"docProps/core.xml": core}))
    return path


def _constant_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same archive with every entry dated ZIP_TIME (and `replace`d entries), so equal
    content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            dst.writestr(fixed, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()
