"""Targets and traffic-light thresholds (指标目标与阈值), and the rules of the overview's 需要关注
list, as data an admin edits: `data/kpi_targets.csv` and `data/attention_rules.csv` (or the
files named by KPI_TARGETS and ATTENTION_RULES), read and checked here.

Why files beside the deadline rules and not a ledger loaded through the ETL: the data contract
(shared/design/data-contract.md) is the clerks' ledgers, facts with a county and a date that
the ETL validates cell by cell with units from the header; a threshold is the city's policy
about those facts, whose unit depends on the KPI of its row (a rate, a count of cases, an
amount), and which the scorecard, the cards and the wall need even before the first ledger is
loaded. Rules about the data already live in data/ (deadline_rules.csv, published_figures.csv),
checked by metrics/ with a Chinese message naming the row; these follow them.

Versions: a row takes effect on its `valid_from` date. To change a threshold an admin adds a
row with a later date (and `set_by`, `note`): the old row stays in the file, so the history is
kept, and a past period is judged by the thresholds that were in force at its end. The most
specific region wins (a county's row over its city's over the province-wide row, whose region
is empty), then the latest `valid_from` on or before the period's end (before the first row,
the earliest: thresholds set today judge earlier months too); a row is taken whole.

A file that cannot be used is not used: every problem is named (file, line, column, what to
write instead), and until it is fixed the last good version read by this process stays in force
(`current`), so a typo never switches the lights off silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import settings
from etl.normalize import fold, is_blank, parse_date
from etl.regions import RegionIndex
from metrics.filters import Filter, region_prefix
from vocab.kpis import BY_KEY, CATALOGUE, Bounds, Kpi

DATA = Path(__file__).resolve().parent.parent / "data"
TARGETS_ENV, RULES_ENV = "KPI_TARGETS", "ATTENTION_RULES"

# column -> the Chinese headers an admin may write instead
TARGET_COLUMNS = {
    "kpi": ("指标",),
    "region": ("地区", "区域", "县区"),
    "valid_from": ("生效日期",),
    "target": ("目标", "目标值"),
    "green": ("绿灯", "绿灯阈值"),
    "amber": ("黄灯", "黄灯阈值"),
    "slip": ("回落提示", "回落阈值"),
    "set_by": ("设定人", "设定单位"),
    "note": ("说明", "备注"),
}
RULE_COLUMNS = {
    "rule": ("规则",),
    "value": ("取值", "值"),
    **{k: TARGET_COLUMNS[k] for k in ("valid_from", "set_by", "note")},
}
# The rules of 需要关注 and what each accepts: (label, lowest, highest).
RULES = {"arrears_stalled_months": ("欠缴项目连续无追缴到账的月数", 1, 60)}


class TargetsError(ValueError):
    """A targets or rules file that cannot be used; the message names every problem."""


@dataclass(frozen=True)
class Rule:
    rule: str
    value: int
    valid_from: dt.date
    set_by: str = ""
    note: str = ""


@dataclass(frozen=True)
class Targets:
    """The rows of the targets file (every version), and how to pick those in force."""

    rows: tuple[Bounds, ...] = ()

    def bounds(self, key: str, region: str | None, at: dt.date | None) -> Bounds | None:
        """The row in force for a KPI in a region (None: the province) at a date (None: the
        latest): the most specific region's latest row on or before the date; before the first
        row, the earliest (thresholds set today also judge the months before)."""
        rows = [b for b in self.rows if b.kpi == key and _covers(b.region, region)]
        day = at.isoformat() if at else "9999-12-31"
        in_force = [b for b in rows if b.valid_from <= day]
        if in_force:
            return max(in_force, key=lambda b: (_depth(b.region), b.valid_from))
        return min(rows, key=lambda b: (b.valid_from, -_depth(b.region)), default=None)

    def for_view(self, f: Filter) -> dict[str, Bounds]:
        """{kpi: Bounds} in force for the filter's region at its end."""
        found = {k.key: self.bounds(k.key, f.region, f.end) for k in CATALOGUE}
        return {k: b for k, b in found.items() if b is not None}


def _depth(region: str) -> int:
    return len(region_prefix(region)) if region else 0


def _covers(row_region: str, region: str | None) -> bool:
    return not row_region or (region is not None and region.startswith(region_prefix(row_region)))


# ---------------------------------------------------------------- reading, once per version of each file

_cache: dict[str, tuple[tuple, object]] = {}  # path -> (stat key, parsed): swapped whole per path
_good: dict[str, object] = {}  # path -> the last parsed value that had no problem


def targets_path() -> Path:
    return Path(settings.get(TARGETS_ENV) or DATA / "kpi_targets.csv")


def rules_path() -> Path:
    return Path(settings.get(RULES_ENV) or DATA / "attention_rules.csv")


def targets(path: Path | None = None) -> Targets:
    """Every row of the targets file, checked (TargetsError names each problem); re-read when it changes."""
    return _read(Path(path or targets_path()), _parse_targets)


def rules(path: Path | None = None) -> dict[str, Rule]:
    """The 需要关注 rules in force at the latest date of each ({rule: Rule}), checked likewise."""
    return _read(Path(path or rules_path()), _parse_rules)


def current() -> tuple[Targets, str | None]:
    """The targets for the pages: the file's, or, while it has problems, the last good version
    this process read (none: no thresholds) with the message saying what to fix."""
    return _tolerant(targets_path(), _parse_targets, Targets())


def in_force(f: Filter) -> dict[str, Bounds]:
    """{kpi: Bounds} in force for a view (its region at its end), from `current`."""
    return current()[0].for_view(f)


def current_rules() -> tuple[dict[str, Rule], str | None]:
    return _tolerant(rules_path(), _parse_rules, {})


def _tolerant(path: Path, parse, empty):
    try:
        return _read(path, parse), None
    except TargetsError as exc:
        return _good.get(str(path), empty), str(exc)


def _read(path: Path, parse):
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TargetsError(f"找不到文件 {path}") from None
    key = (st.st_mtime_ns, st.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == key:
        if isinstance(cached[1], TargetsError):
            raise cached[1]
        return cached[1]
    try:
        value = parse(path, _rows(path))
    except TargetsError as exc:
        _cache[str(path)] = (key, exc)
        raise
    _cache[str(path)] = (key, value)
    _good[str(path)] = value
    return value


def _rows(path: Path) -> list[dict[str, str]]:
    """The file's rows as {header: cell}: UTF-8 (with or without BOM) or GB18030, as Excel saves a CSV."""
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TargetsError(f"{path.name}：无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV")
    return list(csv.DictReader(text.splitlines()))


def _columns(path: Path, rows: list[dict[str, str]], names: dict[str, tuple[str, ...]], required: set[str]):
    """{canonical: header as written}, or TargetsError naming the missing columns."""
    headers = list(rows[0]) if rows else []
    found = {}
    for canonical, aliases in names.items():
        for h in headers:
            if h is not None and fold(h).strip() in (canonical, *aliases):
                found[canonical] = h
    missing = [f"{c}（{names[c][0]}）" for c in names if c in required and c not in found]
    if missing:
        raise TargetsError(f"{path.name}：缺少列 {'、'.join(missing)}" if rows else f"{path.name}：文件中没有数据行")
    return found


def _lines(rows: list[dict[str, str]], cols: dict[str, str]):
    """Each row of a rules file that is not blank: (its line, {column: cell}, its problems, and
    `bad(column, text)`, which adds one naming the line, the column as written and the cell)."""
    for n, raw in enumerate(rows, start=2):
        cell = {c: (raw.get(h) or "").strip() for c, h in cols.items()}
        if all(is_blank(v) for v in cell.values()):
            continue
        said: list[str] = []

        def bad(column: str, text: str, said=said, cell=cell, n=n) -> None:
            said.append(f"第 {n} 行 {cols.get(column, column)}“{cell.get(column, '')}”{text}")

        yield n, cell, said, bad


def _problems(path: Path, problems: list[str]) -> TargetsError:
    shown = "；".join(problems[:12]) + (f"；另有 {len(problems) - 12} 处" if len(problems) > 12 else "")
    return TargetsError(f"{path.name} 有 {len(problems)} 处错误，未采用：{shown}")


def _parse_targets(path: Path, rows: list[dict[str, str]]) -> Targets:
    cols = _columns(path, rows, TARGET_COLUMNS, {"kpi", "valid_from", "green", "amber"})
    regions = RegionIndex.shipped()
    out, problems, seen = [], [], {}
    for n, raw in enumerate(rows, start=2):
        cell = {c: (raw.get(h) or "").strip() for c, h in cols.items()}
        if all(is_blank(v) for v in cell.values()):
            continue
        said = []  # this row's problems

        def bad(column: str, text: str, said=said, cell=cell, n=n) -> None:
            said.append(f"第 {n} 行 {cols[column]}“{cell[column]}”{text}")

        kpi = _kpi(cell["kpi"])
        if kpi is None:
            bad("kpi", f"不是指标目录中的指标（可填写：{'、'.join(k.zh for k in CATALOGUE)}）")
        region = _region(regions, cell.get("region", ""), bad)
        day, problem = parse_date(cell["valid_from"]) if not is_blank(cell["valid_from"]) else (None, "为空（必填）")
        if problem:
            bad("valid_from", problem)
        values = {}
        for column in ("target", "green", "amber", "slip"):
            text = cell.get(column, "")
            if kpi is None or is_blank(text):
                values[column] = None
                continue
            values[column], problem = (_slip if column == "slip" else _figure)(kpi, text)
            if problem:
                bad(column, problem)
        if kpi is not None and not said:
            said += [f"第 {n} 行：{p}" for p in _order(kpi, values, cols)]
        if not said and (kpi.key, region, day) in seen:
            said.append(f"第 {n} 行：与第 {seen[(kpi.key, region, day)]} 行的指标、地区和生效日期相同，请删去一行")
        if said:
            problems += said
            continue
        seen[(kpi.key, region, day)] = n
        note = {c: cell.get(c, "") for c in ("set_by", "note")}
        out.append(Bounds(kpi.key, region, day.isoformat(), row=n, **values, **note))
    if problems:
        raise _problems(path, problems)
    return Targets(tuple(out))


def _parse_rules(path: Path, rows: list[dict[str, str]]) -> dict[str, Rule]:
    cols = _columns(path, rows, RULE_COLUMNS, {"rule", "value", "valid_from"})
    found: dict[str, Rule] = {}
    problems = []
    for n, raw in enumerate(rows, start=2):
        cell = {c: (raw.get(h) or "").strip() for c, h in cols.items()}
        if all(is_blank(v) for v in cell.values()):
            continue
        rule = RULES.get(cell["rule"])
        day, problem = parse_date(cell["valid_from"]) if not is_blank(cell["valid_from"]) else (None, "为空（必填）")
        if rule is None:
            problems.append(f"第 {n} 行 {cols['rule']}“{cell['rule']}”不是已知的规则（可填写：{'、'.join(RULES)}）")
            continue
        if problem:
            problems.append(f"第 {n} 行 {cols['valid_from']}“{cell['valid_from']}”{problem}")
            continue
        text, (what, low, high) = cell["value"], rule
        if not re.fullmatch(r"\d{1,3}", text) or not low <= int(text) <= high:
            problems.append(f"第 {n} 行 {cols['value']}“{text}”应为 {low} 到 {high} 的整数（{what}）")
            continue
        kept = found.get(cell["rule"])
        if kept is not None and kept.valid_from == day:
            problems.append(f"第 {n} 行：规则 {cell['rule']} 在 {day} 已有一行，请删去一行")
        elif kept is None or day > kept.valid_from:
            found[cell["rule"]] = Rule(cell["rule"], int(text), day, cell.get("set_by", ""), cell.get("note", ""))
    missing = [r for r in RULES if r not in found and not problems]
    problems += [f"缺少规则 {r}（{RULES[r][0]}）" for r in missing]
    if problems:
        raise _problems(path, problems)
    return found


def _kpi(text: str) -> Kpi | None:
    t = fold(text).strip()
    return BY_KEY.get(t) or next((k for k in CATALOGUE if t in (k.zh, fold(k.zh), k.en)), None)


def _region(regions: RegionIndex, text: str, bad) -> str:
    """ "" for every region (empty, `*`, 全省 or the province), else a city's or county's code."""
    if is_blank(text) or text.strip() in ("*", "全省", "全部"):
        return ""
    code, problem = regions.resolve_many([text])[text]
    if problem:
        bad("region", problem)
        return ""
    return "" if code.endswith("0000") else code


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_UNITS = {"": 1, "元": 1, "万": 10_000, "万元": 10_000, "亿": 100_000_000, "亿元": 100_000_000}


def _figure(kpi: Kpi, text: str) -> tuple[float | None, str | None]:
    """A value in the KPI's unit as people write it: a rate `95%`, `0.95` or `95`; a count `10`
    (`10件`); an amount `1500000`, `150万`, `1.5亿元`. (value, problem)."""
    s = fold(text).replace(",", "").replace(" ", "")
    if kpi.kind == "rate":
        m = re.fullmatch(rf"({_NUMBER.pattern})(%?)", s)
        if not m:
            return None, "应为比例（可写作 95%、0.95 或 95）"
        v = float(m.group(1))
        v = v / 100 if m.group(4) or v > 1 else v
        return (v, None) if 0 <= v <= 1 else (None, "应在 0 到 100% 之间")
    if kpi.kind == "count":
        m = re.fullmatch(r"(\d+)(件|户|个|家)?", s)
        return (float(m.group(1)), None) if m else (None, "应为不小于 0 的整数")
    m = re.fullmatch(rf"({_NUMBER.pattern})(元|万元|万|亿元|亿)?", s)
    if not m or float(m.group(1)) < 0:
        return None, "应为不小于 0 的金额（可写作 1500000、150万 或 1.5亿）"
    return float(m.group(1)) * _UNITS[m.group(4) or ""], None


def _slip(kpi: Kpi, text: str) -> tuple[float | None, str | None]:
    """How much worse than the previous period: a rate's in percentage points (`3`, `3个百分点`);
    a count's or an amount's in its unit."""
    if kpi.kind != "rate":
        return _figure(kpi, text)
    s = fold(text).replace(" ", "")
    m = re.fullmatch(rf"({_NUMBER.pattern})(个百分点|百分点|pp)?", s)
    if not m or not 0 < float(m.group(1)) <= 100:
        return None, "应为 0 到 100 之间的百分点数（可写作 3 或 3个百分点）"
    return float(m.group(1)) / 100, None


def _order(kpi: Kpi, values: dict, cols: dict) -> list[str]:
    """Green and amber together, in the KPI's direction."""
    green, amber = values["green"], values["amber"]
    if (green is None) != (amber is None):
        return [f"{cols['green']}与{cols['amber']}须同时填写"]
    if green is None:
        return [] if values["target"] is not None or values["slip"] is not None else ["目标、阈值都没有填写"]
    if kpi.higher_is_better and green < amber:
        return [f"{kpi.zh}越高越好，{cols['green']}不能低于{cols['amber']}"]
    if not kpi.higher_is_better and green > amber:
        return [f"{kpi.zh}越低越好，{cols['green']}不能高于{cols['amber']}"]
    return []
