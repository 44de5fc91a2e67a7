"""Campaigns (专项行动, 集中攻坚) as data: `data/campaigns.csv` (or the file named by CAMPAIGNS),
read and checked here as the targets are (metrics/targets.py), and their progress computed.

One file, one row per thing, the kind in `kind` (类型):

- 行动 — a campaign: its id (`campaign`), region (a city's or county's code or name; empty: the
  province), name and short name (`short`, 简称: what the wall shows), first and last day (`start`, `end`), and optionally the campaign it is a sprint
  of (`parent`: the May 2025 集中攻坚 of 晋中's 专项整治);
- 目标 — a target of the campaign named in `campaign`: a KPI of the catalogue and its value
  (`95%`, `2500万`, `0`), measured over the campaign from its first day to its end (or to 数据截至
  while it runs), in its direction;
- 任务 — a task (两大类7项任务: its class in `category`), due by `end`; done when `done_on` is given,
  or, with a KPI and target, when the KPI measured from the campaign's start to the due day meets it;
- 节点 — a milestone: its name and day (`end`).

The days left are counted from 数据截至 (the data's last day), as the filter bar's presets end
there: what the board shows is what the ledgers say by then. A file with a problem is not used:
each problem is named by line, in Chinese, and the last good version this process read stays in
force (`current`). Their progress: metrics/campaign_progress.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import settings
from etl.normalize import fold, is_blank, parse_date
from etl.regions import RegionIndex
from metrics.filters import Scope, region_prefix
from metrics.targets import DATA, _columns, _figure, _kpi, _lines, _problems, _read, _region, _tolerant

CAMPAIGNS_ENV = "CAMPAIGNS"
KINDS = {"行动": "campaign", "目标": "target", "任务": "task", "节点": "milestone"}
KINDS.update({v: v for v in list(KINDS.values())})
COLUMNS = {
    "campaign": ("行动编号", "编号"),
    "kind": ("类型",),
    "region": ("地区", "区域"),
    "parent": ("所属行动", "上级行动"),
    "name": ("名称", "内容"),
    "short": ("简称",),
    "category": ("类别", "任务类别"),
    "start": ("开始日期",),
    "end": ("结束日期", "完成时限", "日期"),
    "kpi": ("指标",),
    "target": ("目标值", "目标"),
    "done_on": ("完成日期",),
    "source": ("依据", "说明"),
}
PREFIX = "campaign:"  # a campaign's period in the filter bar: `campaign:<id>`


@dataclass(frozen=True)
class Goal:
    name: str
    kpi: str
    target: float
    row: int = 0


@dataclass(frozen=True)
class Task:
    name: str
    category: str
    due: dt.date
    kpi: str | None = None
    target: float | None = None
    done_on: dt.date | None = None
    row: int = 0


@dataclass(frozen=True)
class Milestone:
    name: str
    day: dt.date
    row: int = 0


@dataclass(frozen=True)
class Campaign:
    key: str
    name: str
    region: str  # "" for the province
    start: dt.date
    end: dt.date
    parent: str = ""
    source: str = ""
    short: str = ""  # 简称, for the wall (专项整治); the name when empty
    goals: tuple[Goal, ...] = ()
    tasks: tuple[Task, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    row: int = 0

    @property
    def preset(self) -> str:
        return PREFIX + self.key

    def span(self, as_of: dt.date | None) -> tuple[dt.date, dt.date]:
        """Its period as a filter takes it: first day to its end, or to 数据截至 while it runs."""
        end = self.end if as_of is None else min(self.end, max(as_of, self.start))
        return self.start, end

    def covers(self, region: str | None) -> bool:
        """The campaign applies to the region (None: the province): its own region or one under it."""
        return not self.region or (region is not None and region.startswith(region_prefix(self.region)))

    def within(self, region: str | None) -> bool:
        """The campaign's region lies within the viewed region (None: every region)."""
        return region is None or (bool(self.region) and self.region.startswith(region_prefix(region)))


# ---------------------------------------------------------------- reading


def campaigns_path() -> Path:
    return Path(settings.get(CAMPAIGNS_ENV) or DATA / "campaigns.csv")


def campaigns(path: Path | None = None) -> tuple[Campaign, ...]:
    """Every campaign of the file, checked (TargetsError names each problem); re-read when it changes."""
    return _read(Path(path or campaigns_path()), _parse)


def current() -> tuple[tuple[Campaign, ...], str | None]:
    """The campaigns for the pages: the file's, or while it has problems the last good version read
    (none at first), with the message saying what to fix."""
    return _tolerant(campaigns_path(), _parse, ())


def by_key(key: str) -> Campaign | None:
    return next((c for c in current()[0] if c.key == key), None)


def for_view(region: str | None, scope: Scope, all_: tuple[Campaign, ...] | None = None) -> list[Campaign]:
    """The campaigns a view concerns: those covering its region or lying within it, and within the
    viewer's scope (a campaign of a city the viewer may not see is left out), in date order."""
    found = current()[0] if all_ is None else all_
    seen = [c for c in found if (c.covers(region) or c.within(region)) and _visible(c, scope)]
    return sorted(seen, key=lambda c: (c.start, c.key))


def _visible(c: Campaign, scope: Scope) -> bool:
    """A province-wide campaign, one in the scope, or one over the whole of the scope (a county
    officer sees his city's campaign)."""
    if not c.region or scope.allows(c.region):
        return True
    return bool(scope.regions) and all(r.startswith(region_prefix(c.region)) for r in scope.regions)


def _parse(path: Path, rows: list[dict[str, str]]) -> tuple[Campaign, ...]:
    cols = _columns(path, rows, COLUMNS, {"campaign", "kind", "name"})
    regions = RegionIndex.shipped()
    problems: list[str] = []
    heads: dict[str, dict] = {}
    parts: list[tuple[str, str, dict, int]] = []
    for n, cell, said, bad in _lines(rows, cols):
        kind = KINDS.get(fold(cell["kind"]).strip())
        if kind is None:
            bad("kind", "应为 行动、目标、任务 或 节点")
        if is_blank(cell["campaign"]):
            bad("campaign", "为空（必填：行动编号）")
        if is_blank(cell["name"]):
            bad("name", "为空（必填）")
        days = {c: _day(cell.get(c, ""), c, bad) for c in ("start", "end", "done_on")}
        item: dict = {"name": cell["name"], "source": cell.get("source", ""), **days}
        if kind == "campaign":
            item["region"] = _region(regions, cell.get("region", ""), bad)
            item["parent"] = cell.get("parent", "")
            item["short"] = cell.get("short", "") or cell["name"]
            for c in ("start", "end"):
                if days[c] is None and not any(cols.get(c, c) in s for s in said):
                    bad(c, "为空（行动须写开始日期和结束日期）")
            if days["start"] and days["end"] and days["end"] < days["start"]:
                bad("end", f"早于开始日期 {days['start']}")
            if cell["campaign"] in heads:
                bad("campaign", f"与第 {heads[cell['campaign']]['row']} 行重复：一个行动只写一行“行动”")
        elif kind in ("target", "task"):
            key = cell.get("kpi", "")
            kpi = _kpi(key) if not is_blank(key) else None
            if not is_blank(key) and kpi is None:
                bad("kpi", "不是指标目录中的指标（可填写指标的中文名或代码，见 docs/kpis.md）")
            if kind == "target" and is_blank(key):
                bad("kpi", "为空（目标须写指标和目标值）")
            item["kpi"], item["target"] = (kpi.key if kpi else None), None
            if kpi is not None:
                value, problem = (
                    _figure(kpi, cell.get("target", ""))
                    if not is_blank(cell.get("target", ""))
                    else (None, "为空（写了指标就须写目标值）")
                )
                if problem:
                    bad("target", problem)
                item["target"] = value
            if kind == "task":
                item["category"] = cell.get("category", "")
                if days["end"] is None and not said:
                    bad("end", "为空（任务须写完成时限）")
        elif kind == "milestone" and days["end"] is None and not said:
            bad("end", "为空（节点须写日期）")
        if said:
            problems += said
            continue
        if kind == "campaign":
            heads[cell["campaign"]] = {**item, "row": n}
        else:
            parts.append((cell["campaign"], kind, item, n))
    out = _assemble(heads, parts, problems)
    if problems:
        raise _problems(path, problems)
    return out


def _day(text: str, column: str, bad) -> dt.date | None:
    if is_blank(text):
        return None
    day, problem = parse_date(text)
    if problem:
        bad(column, problem)
    return day


def _assemble(heads: dict[str, dict], parts: list, problems: list[str]) -> tuple[Campaign, ...]:
    goals: dict[str, list] = {k: [] for k in heads}
    tasks: dict[str, list] = {k: [] for k in heads}
    marks: dict[str, list] = {k: [] for k in heads}
    for key, kind, item, n in parts:
        head = heads.get(key)
        if head is None:
            problems.append(f"第 {n} 行：行动编号“{key}”没有对应的“行动”行，请先写该行动（类型填 行动）")
            continue
        due = item["end"]
        if due is not None and not head["start"] <= due <= head["end"]:
            problems.append(
                f"第 {n} 行：日期 {due} 不在行动“{head['name']}”的期间（{head['start']} 至 {head['end']}）内"
            )
            continue
        if kind == "target":
            goals[key].append(Goal(item["name"], item["kpi"], item["target"], n))
        elif kind == "task":
            tasks[key].append(
                Task(item["name"], item["category"], due, item["kpi"], item["target"], item["done_on"], n)
            )
        else:
            marks[key].append(Milestone(item["name"], due, n))
    for head in heads.values():
        parent = heads.get(head["parent"]) if head["parent"] else None
        if head["parent"] and parent is None:
            problems.append(f"第 {head['row']} 行：所属行动“{head['parent']}”不存在")
        elif parent and not (parent["start"] <= head["start"] and head["end"] <= parent["end"]):
            problems.append(f"第 {head['row']} 行：期间应在所属行动“{parent['name']}”的期间内")
    return tuple(
        Campaign(
            key,
            h["name"],
            h["region"],
            h["start"],
            h["end"],
            h["parent"],
            h["source"],
            h["short"],
            tuple(goals[key]),
            tuple(tasks[key]),
            tuple(sorted(marks[key], key=lambda m: m.day)),
            h["row"],
        )
        for key, h in heads.items()
    )


def first_day(region: str | None, scope: Scope, day: dt.date) -> dt.date | None:
    """The first day of the campaign (not a sprint) in force for a region at a day — the latest that
    began on or before it, the most specific region first — for 专项整治以来 in the briefings; None
    when no campaign concerns the region."""
    found = [c for c in for_view(region, scope) if not c.parent and c.covers(region) and c.start <= day]
    if not found and region is None:
        found = [c for c in for_view(None, scope) if not c.parent and c.start <= day]
        starts = {c.start for c in found}
        return min(starts) if len(starts) == 1 else None
    if not found:
        return None
    return max(found, key=lambda c: (len(region_prefix(c.region)) if c.region else 0, c.start)).start
