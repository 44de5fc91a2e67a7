"""Find the header row of a sheet and map its columns to the contract's canonical names.

The header is the row, among the first rows, whose cells match the most aliases of one
dataset with every required column present; title rows above it and a 合计 row below
it are not mistaken for it. The dataset is recognised from the header unless named.

A header may take two rows: a group cell (`整改情况`, `维修资金（万元）`) over its
sub-columns, and single-level columns either merged down both rows or written in the
upper row only with the lower cell left empty. Each candidate row is read together with
the row above it: a lower cell takes the group over it (for its unit, or as the name of
a choice column), an empty lower cell takes the upper cell's text. A group whose
sub-columns are the choices of one column (`整改情况` over `已整改 / 未整改`, `是否应急`
over `是 / 否`) is that column, read from tick marks.

An amount column's unit is its own header's (`欠缴金额（万元）`, `欠缴金额\\n万元`), else its
group's (`维修资金（万元）` over 归集 / 使用), else the one declared above the table
(`单位：万元` on the title or 填报单位 line); each unit other than 元 is named in the
load report, so no amount is ever scaled without saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from etl.normalize import AMOUNT_UNITS, alias_key, fold, header_key, parse_bool, table_unit, unit_only
from etl.read import Cell
from vocab.schema import AMOUNT, BOOL, DATASETS, ENUM, Column, Dataset

ALIASES: dict[str, dict[str, str]] = {  # dataset -> alias_key(header) -> column
    ds.name: {alias_key(n): col.name for col in ds.columns for n in col.names} for ds in DATASETS.values()
}


NOTE_START = re.compile(r"^(注|说明|备注|填表说明)")

# Headers that clerks put over a row number (1, 2, 3 …). `编号` is also an alias of an id
# column (a case's 编号), but a weak one: a real id column in the same header (`工单号`,
# `线索编号`) is the id, and `编号` is then a row number. A row-number column is not loaded and
# not reported as a column outside the contract.
ROW_NUMBER_HEADERS = {alias_key(h) for h in ("序号", "编号", "行号", "No", "No.", "NO.", "顺序号")}


def is_row_number(text: str) -> bool:
    return alias_key(text) in ROW_NUMBER_HEADERS


class HeaderNotFound(Exception):
    """No row looks like the header of a dataset; `str(exc)` is the clerk's message."""


@dataclass
class MappedColumn:
    name: str  # canonical
    index: int  # position in the sheet (a choice column: its first sub-column)
    header: str  # what the file calls it, for messages
    multiplier: int = 1  # 万元 -> 10000
    unit: str | None = None  # the amount unit applied, when there is one
    # A choice column read from tick marks: (sheet column, the choice it stands for, its sub-header).
    choices: tuple[tuple[int, object, str], ...] = ()

    @property
    def label(self) -> str:
        """The header without its unit, for the report: `欠缴金额（万元）` -> 欠缴金额."""
        return header_key(self.header)[0] or self.header

    def cells(self) -> list[tuple[str, int]]:
        """(label, sheet column) of every cell the column is read from."""
        if self.choices:
            return [(f"{self.header}/{sub}", index) for index, _, sub in self.choices]
        return [(self.header, self.index)]


@dataclass
class HeaderMatch:
    dataset: Dataset
    header_index: int
    columns: dict[str, MappedColumn]
    ignored: list[str] = field(default_factory=list)
    width: int = 0
    notes: list[str] = field(default_factory=list)  # for the load report: units applied


@dataclass
class _HeaderCell:
    index: int
    text: str  # the lower cell, or the upper one of a single-level column not merged down
    group: str | None  # the group cell over a lower cell
    from_upper: bool  # a single-level column written in the upper row only


def _text(row: list[Cell], index: int) -> str | None:
    if index >= len(row) or row[index] is None:
        return None
    return str(row[index]).strip() or None


def _header_cells(upper: list[Cell], lower: list[Cell]) -> list[_HeaderCell]:
    """The cells of `lower` read as the second row of a header under `upper`.

    A group cell merged across its sub-columns repeats over each (calamine fills merged
    ranges); one written once, as a CSV export has it, runs on over the empty upper cells
    to its right while the lower cells are filled."""
    out: list[_HeaderCell] = []
    group: str | None = None
    for index in range(max(len(upper), len(lower))):
        low, up = _text(lower, index), _text(upper, index)
        if low is None:
            group = None
            if up is not None:
                out.append(_HeaderCell(index, up, None, True))
            continue
        if up is not None and up != low and unit_only(low):
            # a units row under the header: `（万元）` under 欠缴金额 is 欠缴金额（万元）
            group = None
            out.append(_HeaderCell(index, f"{up}（{unit_only(low)}）", None, False))
            continue
        if up is not None:
            group = up if up != low else None  # the same text: one cell merged down both rows
        out.append(_HeaderCell(index, low, group, False))
    return out


def _column_of(aliases: dict[str, str], text: str) -> str | None:
    key, _ = header_key(text)
    return aliases.get(key) or aliases.get(alias_key(text))


def _choice_value(column: Column, text: str) -> object:
    """The choice a sub-header names (exactly, or by a listed synonym), or None."""
    s = "".join(fold(text).split())
    if column.kind == BOOL:
        value, problem = parse_bool(s)
        return None if problem else value
    for choice in column.choices:
        if fold(choice) == s:
            return choice
    for synonym, choice in column.synonyms.items():
        if fold(synonym) == s:
            return choice
    return None


def _choice_groups(cells: list[_HeaderCell], dataset: Dataset, aliases: dict[str, str]) -> list[MappedColumn]:
    """Groups whose sub-columns are the choices of one column of the dataset.

    The column is the one whose choices every sub-header names; when several columns'
    choices fit (two yes/no columns, 管理方式 and 原管理方式), the group cell must name it."""
    out: list[MappedColumn] = []
    runs: list[list[_HeaderCell]] = []
    for cell in cells:
        if cell.from_upper or cell.group is None:
            continue
        if runs and runs[-1][-1].group == cell.group and runs[-1][-1].index == cell.index - 1:
            runs[-1].append(cell)
        else:
            runs.append([cell])
    for run in runs:
        if len(run) < 2:
            continue
        fits: dict[str, list[object]] = {}
        for column in dataset.columns:
            if column.kind in (ENUM, BOOL):
                values = [_choice_value(column, c.text) for c in run]
                if None not in values and len(set(values)) > 1:  # 整改中 and 未整改 may both mean 办理中
                    fits[column.name] = values
        named = _column_of(aliases, run[0].group or "")
        if named in fits:
            name = named
        elif len(fits) == 1 and dataset.column(next(iter(fits))).kind == ENUM:
            name = next(iter(fits))
        else:
            continue
        label = header_key(run[0].group)[0] or dataset.column(name).label
        out.append(
            MappedColumn(
                name,
                run[0].index,
                label,
                choices=tuple((c.index, v, c.text) for c, v in zip(run, fits[name], strict=False)),
            )
        )
    return out


@dataclass
class _Candidate:
    columns: dict[str, MappedColumn]
    ignored: list[str]
    two_rows: bool  # the upper row is part of the header (a group, or a column written only there)


def _match_rows(cells: list[_HeaderCell], dataset: Dataset) -> _Candidate:
    aliases = ALIASES[dataset.name]
    matched: dict[str, MappedColumn] = {}
    ignored: list[str] = []
    two_rows = False
    taken: set[int] = set()
    for choice in _choice_groups(cells, dataset, aliases):
        if choice.name not in matched:
            matched[choice.name] = choice
            taken.update(i for i, _, _ in choice.choices)
            two_rows = True
    upper_only: list[tuple[_HeaderCell, str | None]] = []
    for cell in cells:
        if cell.index in taken:
            continue
        name = _column_of(aliases, cell.text)
        if name is not None and cell.group is not None and _column_of(aliases, cell.group) == name:
            name = None  # a value under its own column's header (业委会 under 业委会(物管会)): a data row
        via_group = False
        if name is None and cell.group is not None:  # `维修资金` over `归集`: 维修资金归集
            name = aliases.get(header_key(cell.group)[0] + header_key(cell.text)[0])
            via_group = name is not None
        if cell.from_upper:
            upper_only.append((cell, name))
            continue
        if (
            name is not None
            and name in matched
            and is_row_number(matched[name].header)
            and not is_row_number(cell.text)
            and not matched[name].choices
        ):
            ignored.append(matched.pop(name).header)  # `编号` gives way to `工单号`: it was a row number
        if name is None or name in matched:
            if name is None or matched[name].header != cell.text:
                ignored.append(cell.text)
            continue
        matched[name] = MappedColumn(name, cell.index, cell.text)
        if dataset.column(name).kind == AMOUNT and _unit(cell)[0] and not header_key(cell.text)[1]:
            two_rows = True  # the unit is the group's
        two_rows |= via_group
    # Cells written in the upper row only belong to the header when the lower row is one:
    # a data row below a header leaves cells empty too, and matches nothing itself.
    if matched and any(name is not None and name not in matched for _, name in upper_only):
        for cell, name in upper_only:
            if name is None or name in matched:
                ignored.append(cell.text)
                continue
            matched[name] = MappedColumn(name, cell.index, cell.text)
            two_rows = True
    return _Candidate(matched, ignored, two_rows)


def _unit(cell: _HeaderCell) -> tuple[str | None, tuple[str, str] | None]:
    """(unit, (where, the text)) of an amount column's own header or its group's."""
    unit = header_key(cell.text)[1]
    if unit in AMOUNT_UNITS:
        return unit, ("表头", cell.text)
    # a group cell, not a `填报单位：… 单位：万元` line (the table's declaration, read apart)
    if cell.group is not None and not cell.from_upper and not any(c in cell.group for c in ":："):
        unit = header_key(cell.group)[1]
        if unit in AMOUNT_UNITS:
            return unit, ("上方", cell.group)
    return None, None


def _apply_units(
    match: HeaderMatch,
    preview: list[list[Cell]],
    upper: list[Cell],
    lower: list[Cell],
    above: int,
    tail: list[list[Cell]],
) -> None:
    """Set each amount column's multiplier and write the report's line for each unit not 元."""
    declared: tuple[str, tuple[str, str]] | None = None
    for row in preview[:above]:  # the nearest declaration above the table wins
        for cell in row:
            found = table_unit(cell)
            if found:
                declared = (found[0], ("表格上方", found[1]))
    if declared is None:  # else a note below it: `注：金额单位为万元。`
        for row in tail:
            for cell in row:
                found = table_unit(cell) if cell and NOTE_START.match(fold(cell)) else None
                if found:
                    declared = declared or (found[0], ("表格下方", found[1]))
    by_index = {c.index: c for c in _header_cells(upper, lower)}
    # one line per unit and place: 欠缴金额、追缴金额按万元换算为元（见表头“欠缴金额（万元）”“追缴金额（万元）”）
    applied: dict[tuple[str, str], dict[str, list[str]]] = {}
    for mapped in match.columns.values():
        if match.dataset.column(mapped.name).kind != AMOUNT or mapped.choices:
            continue
        unit, where = _unit(by_index[mapped.index])
        if unit is None and declared:
            unit, where = declared
        if unit is None or where is None:
            continue
        mapped.unit, mapped.multiplier = unit, AMOUNT_UNITS[unit]
        if mapped.multiplier != 1:
            texts = applied.setdefault((unit, where[0]), {})
            texts.setdefault(where[1], []).append(mapped.label)
    for (unit, place), texts in applied.items():
        labels = "、".join(label for labels in texts.values() for label in labels)
        match.notes.append(f"金额单位：{labels}按{unit}换算为元（见{place}{''.join(f'“{t}”' for t in texts)}）")


def detect_header(
    preview: list[list[Cell]], dataset: str | None = None, tail: list[list[Cell]] | None = None
) -> HeaderMatch:
    """The header row and dataset of a sheet, or HeaderNotFound with what is missing.

    `tail`: the sheet's last rows, where a note may declare the amounts' unit."""
    candidates = [DATASETS[dataset]] if dataset else list(DATASETS.values())
    best: tuple[tuple, HeaderMatch, bool] | None = None
    nearest: tuple[int, Dataset, list[str]] | None = None
    for index, row in enumerate(preview):
        cells = _header_cells(preview[index - 1] if index else [], row)
        for ds in candidates:
            found = _match_rows(cells, ds)
            matched = found.columns
            if not matched:
                continue
            missing = [ds.column(n).label for n in ds.required if n not in matched]
            if missing:
                if nearest is None or len(matched) > nearest[0]:
                    nearest = (len(matched), ds, missing)
                continue
            # A two-row header outranks its own upper row read alone: that reading would
            # take the lower header row for the first data row.
            rank = (len(matched), found.two_rows, len(matched) / len(ds.columns), -index)
            if best is None or rank > best[0]:
                width = max(len(r) for r in preview)
                best = (rank, HeaderMatch(ds, index, matched, found.ignored, width), found.two_rows)
    if best:
        _, match, two_rows = best
        index = match.header_index
        upper = preview[index - 1] if index else []
        _apply_units(match, preview, upper, preview[index], index - 1 if two_rows else index, tail or [])
        return match
    if nearest:
        _, ds, missing = nearest
        raise HeaderNotFound(
            f"未找到完整的表头：最接近“{ds.label}”台账，但缺少必填列：{'、'.join(missing)}。"
            "请核对表头名称（可参考数据规范中的列名）"
        )
    if dataset:
        raise HeaderNotFound(f"未找到“{DATASETS[dataset].label}”台账的表头，请核对表头名称")
    raise HeaderNotFound("未找到可识别的表头：前 40 行中没有一行像台账的表头。请确认文件是数据规范中的台账之一")
