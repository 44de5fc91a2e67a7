"""A campaign's progress (metrics/campaigns.py reads them from data/campaigns.csv): its day and
days left at 数据截至, each target's KPI over the campaign to date (the catalogue's, metrics/kpis.py),
each task's state, the next milestone; and the board of a view for the overview and the wall."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metrics import kpis
from metrics.campaigns import Campaign, Goal, Milestone, Task, for_view
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from vocab.kpis import BY_KEY, KpiValue, met


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    value: KpiValue
    met: bool | None
    share: float | None  # how far toward the target, 0..1 (None for a lower-is-better KPI)


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    state: str  # done, open, late
    value: float | None = None


@dataclass(frozen=True)
class Progress:
    campaign: Campaign
    region: str | None  # where it was measured
    as_of: dt.date
    state: str  # upcoming, running, ended
    day: int  # the day of the campaign at 数据截至 (1 = its first day)
    days: int  # its length in days
    days_left: int  # to its last day, from 数据截至 (0 once it ended)
    goals: tuple[GoalProgress, ...] = ()
    tasks: tuple[TaskProgress, ...] = ()
    next_milestone: Milestone | None = None
    sprints: tuple[Progress, ...] = field(default=())

    @property
    def elapsed(self) -> float:
        return min(max(self.day, 0), self.days) / self.days

    @property
    def goals_met(self) -> int:
        return sum(1 for g in self.goals if g.met)

    @property
    def tasks_done(self) -> int:
        return sum(1 for t in self.tasks if t.state == "done")

    @property
    def tasks_late(self) -> int:
        return sum(1 for t in self.tasks if t.state == "late")


def measured_region(c: Campaign, region: str | None) -> str | None:
    """Where a campaign is measured for a view: the viewed region when the campaign covers it (a
    county of 晋中 in 晋中's campaign), else the campaign's own region."""
    return region if c.covers(region) and region else (c.region or None)


def progress(wh: Warehouse, c: Campaign, region: str | None, scope: Scope, as_of: dt.date) -> Progress:
    """A campaign's progress at 数据截至 in a view: its day and days left, each target's KPI over the
    campaign to date, each task's state, the next milestone. The KPIs asked over the same period
    (the targets', and tasks due on the same day) are computed together: one facts query each."""
    where = measured_region(c, region)
    first, last = c.span(as_of)
    state = "upcoming" if as_of < c.start else "ended" if as_of > c.end else "running"
    over_campaign = Filter(where, first, last)
    task_periods = [_task_period(c, t, where, as_of) for t in c.tasks]
    asked: dict[Filter, set[str]] = {over_campaign: {g.kpi for g in c.goals}} if c.goals else {}
    for t, period in zip(c.tasks, task_periods, strict=True):
        if period is not None:
            asked.setdefault(period, set()).add(t.kpi)
    values = {
        period: kpis.compute(wh, sorted(keys), period, scope, with_previous=False) for period, keys in asked.items()
    }
    goals = tuple(_goal(g, values[over_campaign][g.kpi]) for g in c.goals)
    tasks = tuple(_task(t, as_of, values.get(period)) for t, period in zip(c.tasks, task_periods, strict=True))
    upcoming = [m for m in c.milestones if m.day >= as_of]
    return Progress(
        c,
        where,
        as_of,
        state,
        (as_of - c.start).days + 1,
        (c.end - c.start).days + 1,
        max((c.end - as_of).days, 0),
        goals,
        tasks,
        upcoming[0] if upcoming else None,
    )


def _goal(g: Goal, v: KpiValue) -> GoalProgress:
    share = None
    if v.kpi.higher_is_better and v.value is not None and g.target:
        share = max(0.0, min(v.value / g.target, 1.0))
    return GoalProgress(g, v, met(v.kpi, v.value, g.target), share)


def _task_period(c: Campaign, t: Task, region: str | None, as_of: dt.date) -> Filter | None:
    """The period a task's KPI is measured over (from the campaign's start to its due day, or to
    数据截至 when that is earlier); None for a task done by 数据截至 or without a KPI."""
    if (t.done_on is not None and t.done_on <= as_of) or t.kpi is None:
        return None
    return Filter(region, c.start, min(t.due, max(as_of, c.start)))


def _task(t: Task, as_of: dt.date, values: dict[str, KpiValue] | None) -> TaskProgress:
    if t.done_on is not None and t.done_on <= as_of:
        return TaskProgress(t, "done")
    value = None
    if t.kpi is not None and values is not None:
        value = values[t.kpi].value
        if met(BY_KEY[t.kpi], value, t.target):
            return TaskProgress(t, "done", value)
    return TaskProgress(t, "late" if as_of > t.due else "open", value)


def board(wh: Warehouse, region: str | None, scope: Scope, as_of: dt.date | None) -> list[Progress]:
    """The campaigns of a view for the overview and the wall: those running at 数据截至 (each with
    its running sprints), else the latest that ended; a sprint shows under its campaign."""
    if as_of is None:
        return []
    found = for_view(region, scope)
    keys = {c.key for c in found}
    tops = [c for c in found if not c.parent or c.parent not in keys]
    running = [c for c in tops if c.start <= as_of <= c.end]
    shown = running or sorted((c for c in tops if c.end < as_of), key=lambda c: c.end)[-1:]
    out = []
    for c in shown:
        p = progress(wh, c, region, scope, as_of)
        sprints = tuple(
            progress(wh, s, region, scope, as_of) for s in found if s.parent == c.key and s.start <= as_of <= s.end
        )
        out.append(Progress(**{**p.__dict__, "sprints": sprints}))
    return out
