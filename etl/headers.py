"""Find the header row of a sheet and map its columns to the contract's canonical names.

The header is the row, among the first rows, whose cells match the most aliases of one
dataset with every required column present; title rows above it and a 合计 row below
it are not mistaken for it. The dataset is recognised from the header unless named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from etl.normalize import AMOUNT_UNITS, alias_key, header_key
from etl.read import Cell
from etl.schema import AMOUNT, DATASETS, Dataset

_ALIASES: dict[str, dict[str, str]] = {
    ds.name: {alias_key(n): col.name for col in ds.columns for n in col.names} for ds in DATASETS.values()
}


class HeaderNotFound(Exception):
    """No row looks like the header of a dataset; `str(exc)` is the clerk's message."""


@dataclass
class MappedColumn:
    name: str  # canonical
    index: int  # position in the sheet
    header: str  # what the file calls it, for messages
    multiplier: int = 1  # 万元 -> 10000


@dataclass
class HeaderMatch:
    dataset: Dataset
    header_index: int
    columns: dict[str, MappedColumn]
    ignored: list[str] = field(default_factory=list)
    width: int = 0


def _match_row(row: list[Cell], dataset: Dataset) -> tuple[dict[str, MappedColumn], list[str]]:
    aliases = _ALIASES[dataset.name]
    matched: dict[str, MappedColumn] = {}
    ignored: list[str] = []
    for index, cell in enumerate(row):
        if cell is None or not str(cell).strip():
            continue
        key, unit = header_key(cell)
        name = aliases.get(key) or aliases.get(alias_key(str(cell)))
        if name is None or name in matched:
            if name is None or matched[name].header != str(cell).strip():
                ignored.append(str(cell).strip())
            continue
        multiplier = 1
        if dataset.column(name).kind == AMOUNT and unit in AMOUNT_UNITS:
            multiplier = AMOUNT_UNITS[unit]
        matched[name] = MappedColumn(name, index, str(cell).strip(), multiplier)
    return matched, ignored


def detect_header(preview: list[list[Cell]], dataset: Optional[str] = None) -> HeaderMatch:
    """The header row and dataset of a sheet, or HeaderNotFound with what is missing."""
    candidates = [DATASETS[dataset]] if dataset else list(DATASETS.values())
    best: Optional[tuple[tuple, HeaderMatch]] = None
    nearest: Optional[tuple[int, Dataset, list[str]]] = None
    for index, row in enumerate(preview):
        for ds in candidates:
            matched, ignored = _match_row(row, ds)
            if not matched:
                continue
            missing = [ds.column(n).label for n in ds.required if n not in matched]
            if missing:
                if nearest is None or len(matched) > nearest[0]:
                    nearest = (len(matched), ds, missing)
                continue
            rank = (len(matched), len(matched) / len(ds.columns), -index)
            if best is None or rank > best[0]:
                width = max(len(r) for r in preview)
                best = (rank, HeaderMatch(ds, index, matched, ignored, width))
    if best:
        return best[1]
    if nearest:
        _, ds, missing = nearest
        raise HeaderNotFound(
            f"未找到完整的表头：最接近“{ds.label}”台账，但缺少必填列：{'、'.join(missing)}。"
            "请核对表头名称（可参考数据规范中的列名）"
        )
    if dataset:
        raise HeaderNotFound(f"未找到“{DATASETS[dataset].label}”台账的表头，请核对表头名称")
    raise HeaderNotFound("未找到可识别的表头：前 40 行中没有一行像台账的表头。请确认文件是数据规范中的台账之一")
