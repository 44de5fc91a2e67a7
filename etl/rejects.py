"""Rejected rows, out to the clerk and back in: the rejects CSV.

Out (`scripts/etl rejects --csv`, the upload page's download; `rejects_csv`): one line per
rejected ledger row — 拒收编号 (where the reject is kept: `L12-5` is row 5 of load 12,
`C3-L1-5` the same in check 3), 文件, 工作表, 台账类型, 行号, 列, 拒收原因 — then the row's own
cells as the clerk wrote them, under the labels of the row's own dataset (a usage's amount
is 拨付金额, a refund's 清退金额), with the unit the loader read in the header where it was
not 元 (`欠缴金额（万元）`). UTF-8 with a BOM, which Excel needs. Text a spreadsheet would run
as a formula (starting with = + - @, a tab or a carriage return) gets a leading `'`; phone
numbers are masked (`138****5678`) unless the caller may see them.

Back in (`scripts/etl load fixed.csv`, the upload page; `split_fixed` in etl/fixed.py): a file whose header
has 台账类型 and 拒收编号 or 拒收原因 is split by 台账类型 into one part per dataset, each
loaded as that dataset with its rows at the row numbers they have in the fixed file. The
leading `'` is taken off again; an amount gets back the unit of its column; a masked phone
is replaced by the number stored with the reject it came from, or — where that cannot be
found or the mask does not match it — left empty, with a warning in the report.

Runs: every load run has a `run_id` (loads.run_id); `read_run` gives one run's loads and
rejects. A check (`scripts/etl check`) publishes nothing, so its loads and rejects are kept
in `<warehouse>.checks/<n>.json` (the latest 20 checks; `save_check`, `read_check`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from etl.clock import beijing_now
from etl.headers import ALIASES, HeaderMatch
from etl.normalize import AMOUNT_UNITS, CROSSES, FORMULA_START, TICKS, alias_key, fold, header_key
from etl.sql import Sql
from vocab.schema import AMOUNT, DATASETS, PHONE, Dataset

REFERENCE, FILE, SHEET, DATASET, ROW, COLUMN, REASON = (
    "拒收编号",
    "文件",
    "工作表",
    "台账类型",
    "行号",
    "列",
    "拒收原因",
)
PREFIX = (REFERENCE, FILE, SHEET, DATASET, ROW, COLUMN, REASON)
UNIT_NAMES = {10_000: "万元", 100_000_000: "亿元"}
CHECKS_KEPT = 20

# One reject as `read_run`, `read_check` and metrics.status.rejects_of give it.
FIELDS = ("load_id", "run_id", "file", "sheet", "dataset", "row", "column", "reason", "raw", "header_map")


# ---------------------------------------------------------------- cells


def mask_phone(value: str | None) -> str | None:
    """A phone number as a viewer without the right to personal data sees it: the first
    three and last four digits (`138****5678`), `****` when it has fewer than 8 digits.

    >>> mask_phone("13812345678")
    '138****5678'
    """
    if value is None:
        return None
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return digits[:3] + "****" + digits[-4:] if len(digits) >= 8 else "****"


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, with a leading `'` (OWASP's advice for CSV
    injection); a value that already starts with `'` before such text gets one more, so that
    `restore_text` gives back exactly what was written."""
    if text.startswith(FORMULA_START) or (text[:1] == "'" and text[1:2] in (*FORMULA_START, "'")):
        return "'" + text
    return text


def restore_text(text: str) -> str:
    """`neutralise` undone."""
    if text[:1] == "'" and text[1:2] in (*FORMULA_START, "'"):
        return text[1:]
    return text


# ---------------------------------------------------------------- the columns of a load


def header_map_json(match: HeaderMatch) -> str:
    """What each cell of a loaded sheet's header meant, kept in loads.header_map so that its
    rejects can be labelled and given back their unit: header → [column, unit multiplier], and
    for a choice read from tick marks (`整改情况/已整改`) → [column, 1, the choice it ticks]."""
    out: dict[str, list] = {}
    for m in match.columns.values():
        for header, index in m.cells():
            choice = next((c for i, c, _ in m.choices if i == index), None) if m.choices else None
            out[header] = [m.name, m.multiplier] + ([_choice_text(choice)] if m.choices else [])
    return json.dumps(out, ensure_ascii=False)


def _choice_text(choice: object) -> str:
    return ("是" if choice else "否") if isinstance(choice, bool) else str(choice)


def _column_of(ds: Dataset, header: str) -> tuple[str, int] | None:
    """(column, multiplier) a header means in a dataset, by the contract's names; None if none."""
    key, unit = header_key(header)
    aliases = ALIASES[ds.name]
    if key in aliases:
        name = aliases[key]
        return name, AMOUNT_UNITS.get(unit, 1) if ds.column(name).kind == AMOUNT else 1
    name = aliases.get(alias_key(header))
    return (name, 1) if name else None


def _meaning(ds: Dataset, header_map: dict, header: str) -> tuple[str, int] | None:
    found = header_map.get(header)
    if found and found[0] in {c.name for c in ds.columns}:
        return found[0], int(found[1])
    return _column_of(ds, header)  # loads before header_map was kept: read the header again


def _ticked(header_map: dict, raw: dict) -> dict[str, str]:
    """Choice columns read from tick marks, written as the choice ticked (`状态` 已整改 for a √
    under 整改情况/已整改): what the clerk reads and what loads back. Several ticks, or a mark
    that is no tick, are written out by their sub-headers for the clerk to settle
    (`已整改、未整改`, `已整改：X`), and are rejected again until settled."""
    marks: dict[str, list[tuple[str, str]]] = {}
    for header, value in raw.items():
        found = header_map.get(header)
        if not found or len(found) < 3:
            continue
        sub = header.rsplit("/", 1)[-1]
        cell = fold(value).upper() if value is not None else ""
        said = marks.setdefault(found[0], [])
        if cell in TICKS or (cell and cell == fold(sub).upper()):
            said.append((found[2], sub))
        elif cell and cell not in CROSSES:
            said.append(("", f"{sub}：{value}"))
    return {
        column: said[0][0] if len(said) == 1 and said[0][0] else "、".join(sub for _, sub in said)
        for column, said in marks.items()
    }


def _label(ds: Dataset, column: str, multiplier: int) -> str:
    col = ds.column(column)
    unit = UNIT_NAMES.get(multiplier) if col.kind == AMOUNT else None
    return f"{col.label}（{unit}）" if unit else col.label


# ---------------------------------------------------------------- runs and checks


def _loads_relation(con) -> str:
    """`loads`, or for a warehouse written before runs had ids (opened read-only, so not
    upgraded) the same with run_id derived as ensure_schema would, and no header_map."""
    have = {r[0] for r in con.execute("DESCRIBE loads").fetchall()}
    if {"run_id", "header_map"} <= have:
        return "loads"
    return (
        "(SELECT *, dense_rank() OVER (ORDER BY loaded_at)::INTEGER AS run_id, NULL::VARCHAR AS header_map FROM loads)"
    )


def rejects_sql(load_ids: list[int], loads: str = "loads") -> Sql:
    """The rejects of these loads (`$load_ids`), in FIELDS order."""
    sql = f"""SELECT r.load_id, l.run_id, r.file, r.sheet, l.dataset, r."row", r."column", r.reason, r.raw,
        l.header_map FROM rejects r JOIN {loads} l ON l.load_id = r.load_id
        WHERE r.load_id IN (SELECT unnest($load_ids::INTEGER[])) ORDER BY r.load_id, r."row", r."column" """
    return Sql.of(sql, load_ids=list(load_ids))


def as_rows(tuples: Iterable[Sequence]) -> list[dict]:
    return [dict(zip(FIELDS, t, strict=False)) for t in tuples]


LOAD_FIELDS = (
    "load_id",
    "run_id",
    "file",
    "sheet",
    "dataset",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "loaded_at",
    "loaded_by",
)


def read_run(warehouse: Path | str, run_id: int | None = None) -> tuple[int | None, list[dict], list[dict]]:
    """(run id, its loads, their rejects) of one load run; the latest run when `run_id` is None."""
    from etl.warehouse import connect_read_only

    with connect_read_only(Path(warehouse)) as con:
        loads = _loads_relation(con)
        if run_id is None:
            run_id = con.execute(f"SELECT max(run_id) FROM {loads} l").fetchone()[0]
        rows = con.execute(
            f"SELECT {', '.join(LOAD_FIELDS)} FROM {loads} l WHERE run_id = ? ORDER BY load_id", [run_id]
        ).fetchall()
        ids = [r[0] for r in rows]
        wanted = rejects_sql(ids, loads)
        rejects = as_rows(con.execute(wanted.text, wanted.params).fetchall()) if ids else []
    return run_id, [dict(zip(LOAD_FIELDS, r, strict=False)) for r in rows], rejects


def checks_dir(warehouse: Path | str) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(warehouse.name + ".checks")


def save_check(warehouse: Path | str, loads: list[dict], rejects: list[dict]) -> int:
    """Keep a check's loads and rejects (phones as written: the folder is as private as the
    warehouse); returns the check's number. Only the latest CHECKS_KEPT are kept."""
    folder = checks_dir(warehouse)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = json.dumps(
        {"at": beijing_now().isoformat(timespec="seconds"), "loads": loads, "rejects": rejects},
        ensure_ascii=False,
        default=str,
    ).encode("utf-8")
    number = max(_check_numbers(folder), default=0) + 1
    while True:  # two checks at once: the second takes the next number
        try:
            fd = os.open(folder / f"{number}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            break
        except FileExistsError:
            number += 1
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    for old in _check_numbers(folder)[:-CHECKS_KEPT]:
        with contextlib.suppress(FileNotFoundError):
            (folder / f"{old}.json").unlink()
    return number


def _check_numbers(folder: Path) -> list[int]:
    return sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()) if folder.is_dir() else []


def read_check(folder: Path, number: int | None = None) -> tuple[int | None, list[dict], list[dict]]:
    """(check number, its loads, their rejects) from the checks kept in `folder`
    (`checks_dir(warehouse)`); the latest check when `number` is None; (number, [], []) when
    that check is not (or no longer) kept."""
    if number is None:
        numbers = _check_numbers(folder)
        if not numbers:
            return None, [], []
        number = numbers[-1]
    try:
        data = json.loads((folder / f"{number}.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return number, [], []
    return number, data["loads"], data["rejects"]


# ---------------------------------------------------------------- out: the CSV


def reference(load_id: int, row: int, check: int | None = None) -> str:
    return (f"C{check}-" if check is not None else "") + f"L{load_id}-{row}"


_REFERENCE_RE = re.compile(r"^(?:C(\d+)-)?L(\d+)-(\d+)$")


def _json(value) -> dict:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


def rejects_csv(rows: Iterable[dict], *, masked: bool = True, check: int | None = None) -> bytes:
    """The rejected rows for the clerk to fix and send back (see the module's docstring).
    `rows`: rejects as FIELDS dicts; `masked`: phones as `138****5678` (False only for a
    viewer with the right to personal data); `check`: the check the rejects come from."""
    lines: dict[tuple, dict] = {}
    for r in rows:
        key = (r["load_id"], r["row"])
        line = lines.get(key)
        if line is None:
            line = lines[key] = {**r, "columns": [], "reasons": []}
        line["columns"].append(r["column"])
        line["reasons"].append(r["reason"])
    headers: dict[str, tuple] = {}  # label -> (order of its dataset, position in the dataset)
    datasets: list[str] = []
    out_rows = []
    for line in lines.values():
        ds = DATASETS[line["dataset"]]
        if ds.name not in datasets:
            datasets.append(ds.name)
        names = [c.name for c in ds.columns]
        header_map = _json(line["header_map"])
        raw = _json(line["raw"])
        cells: dict[str, str] = {}
        for column, value in _ticked(header_map, raw).items():
            cells[ds.column(column).label] = value
            headers.setdefault(ds.column(column).label, (datasets.index(ds.name), names.index(column)))
        for header, value in raw.items():
            if len(header_map.get(header) or ()) >= 3:
                continue  # a tick cell: written above as its column's choice
            meaning = _meaning(ds, header_map, header)
            label = _label(ds, *meaning) if meaning else header
            if label in cells:  # two cells of one row under one label: keep the clerk's header
                label = header
            order = (datasets.index(ds.name), names.index(meaning[0]) if meaning else len(names))
            headers.setdefault(label, order)
            if value is not None and meaning and ds.column(meaning[0]).kind == PHONE and masked:
                value = mask_phone(value)
            cells[label] = "" if value is None else str(value)
        columns = "、".join(dict.fromkeys(ds.column(c).label if c in names else (c or "") for c in line["columns"]))
        out_rows.append(
            (
                [
                    reference(line["load_id"], line["row"], check),
                    line["file"],
                    line["sheet"] or "",
                    f"{ds.label}（{ds.name}）",
                    str(line["row"]),
                    columns,
                    "；".join(line["reasons"]),
                ],
                cells,
            )
        )
    order = sorted(headers, key=lambda h: headers[h])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PREFIX + tuple(order))
    for prefix, cells in out_rows:
        writer.writerow([neutralise(v) for v in prefix] + [neutralise(cells.get(h, "")) for h in order])
    return buffer.getvalue().encode("utf-8-sig")
