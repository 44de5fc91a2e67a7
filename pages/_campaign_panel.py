"""The campaign panel (专项行动进展) of the overview and the wall: for each campaign of the view
running at 数据截至 (metrics/campaigns.board; else the latest that ended), its period, day and
countdown, its targets met with their values, its tasks done and overdue, the next milestone, and
a running sprint (集中攻坚) under it. Compact: a few lines, not a screen of its own."""

from __future__ import annotations

import datetime as dt

from dash import html

from components.i18n import fmt_date, fmt_value, label
from metrics import campaign_progress, campaigns
from metrics.campaign_progress import GoalProgress, Progress
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from metrics.regions import region_names


def _when(p: Progress, lang: str) -> str:
    c = p.campaign
    if p.state == "ended":
        return label("campaign_ended", lang).format(end=fmt_date(c.end))
    if p.state == "upcoming":
        return label("campaign_upcoming", lang).format(start=fmt_date(c.start))
    return label("campaign_left", lang).format(n=p.days_left)


def _counts(p: Progress, lang: str) -> list[str]:
    out = []
    if p.goals:
        out.append(label("campaign_goals", lang).format(met=p.goals_met, n=len(p.goals)))
    if p.tasks:
        text = label("campaign_tasks", lang).format(done=p.tasks_done, n=len(p.tasks))
        if p.tasks_late:
            text += label("campaign_tasks_late", lang).format(late=p.tasks_late)
        out.append(text)
    return out


def _goal(g: GoalProgress, lang: str) -> html.Span:
    kind = g.value.kpi.kind
    text = label("campaign_goal_line", lang).format(
        kpi=label(g.goal.kpi, lang),
        value=fmt_value(kind, g.value.value, lang),
        target=fmt_value(kind, g.goal.target, lang),
    )
    mark = "campaign-goal-met" if g.met else "campaign-goal-short" if g.met is False else "campaign-goal-none"
    return html.Span(("✓ " if g.met else "") + text, className=f"campaign-goal {mark}")


def _bar(p: Progress) -> html.Div:
    """Time elapsed, as a thin bar (the countdown's picture)."""
    return html.Div(
        html.Div(className="campaign-bar-done", style={"width": f"{p.elapsed * 100:.1f}%"}),
        className="campaign-bar",
        title=f"{p.elapsed:.0%}",
    )


def campaign_block(p: Progress, lang: str, wall: bool = False) -> html.Div:
    c = p.campaign
    head = [
        html.Span(c.name, className="campaign-name"),
        html.Span(
            label("campaign_span", lang).format(start=fmt_date(c.start), end=fmt_date(c.end)), className="campaign-span"
        ),
        html.Span(_when(p, lang), className="campaign-left"),
    ]
    if p.state == "running" and not wall:
        head.insert(2, html.Span(label("campaign_day", lang).format(day=p.day, days=p.days), className="campaign-day"))
    lines = [html.Div(head, className="campaign-head"), _bar(p)]
    counts = _counts(p, lang)
    if counts:
        lines.append(html.Div(" · ".join(counts), className="campaign-counts"))
    if p.goals and not wall:
        lines.append(html.Div([_goal(g, lang) for g in p.goals], className="campaign-goals"))
    m = p.next_milestone
    if m is not None and p.state != "ended":
        text = label("campaign_next", lang).format(day=fmt_date(m.day), name=m.name, n=(m.day - p.as_of).days)
        lines.append(html.Div(text, className="campaign-next"))
    for s in p.sprints:
        sprint = [label("campaign_sprint", lang).format(name=s.campaign.name), _when(s, lang), *_counts(s, lang)]
        lines.append(html.Div(" · ".join(sprint), className="campaign-sprint"))
    return html.Div(lines, className="campaign-block", id=f"campaign-{c.key}")


def campaign_panel(wh: Warehouse, f: Filter, scope: Scope, as_of: dt.date | None, lang: str, wall: bool = False):
    """The panel for a view (its region; the period does not matter: a campaign has its own), or
    None when no campaign concerns it."""
    shown = campaign_progress.board(wh, f.region, scope, as_of)
    problem = campaigns.current()[1]
    if not shown and not problem:
        return None
    body = [campaign_block(p, lang, wall) for p in shown]
    if problem:
        body.append(html.Div(label("campaign_file_problem", lang) + problem, className="campaign-problem small"))
    if as_of is not None and not wall:
        body.append(html.Div(label("campaign_as_of", lang).format(day=fmt_date(as_of)), className="campaign-note"))
    return html.Div(body, className="campaign-panel wall-campaign" if wall else "campaign-panel")


def _wall_name(wh: Warehouse, p: Progress, f: Filter) -> str:
    """The campaign's 简称, with its city's name on a wall of a wider region (the province's wall
    shows 晋中市专项整治, not a bare 专项整治)."""
    c = p.campaign
    if c.covers(f.region):
        return c.short
    return region_names(wh).get(c.region, "") + c.short


def wall_campaign(wh: Warehouse, f: Filter, scope: Scope, as_of: dt.date | None, lang: str) -> list:
    """The wall's header line: the first campaign of the view by its short name (简称) with its
    countdown (the days left in large figures), and its targets and tasks in one line under it;
    empty without a campaign."""
    shown = campaign_progress.board(wh, f.region, scope, as_of)
    if not shown:
        return []
    p = shown[0]
    if p.state == "running":
        count = [html.Span(str(p.days_left), className="screen-campaign-days"), label("campaign_days_unit", lang)]
    else:
        count = [_when(p, lang)]
    return [
        html.Div(
            [
                html.Span(_wall_name(wh, p, f), className="screen-campaign-name", title=p.campaign.name),
                html.Span(count, className="screen-campaign-left"),
            ],
            className="screen-campaign-head",
        ),
        html.Div(" · ".join(_counts(p, lang)), className="screen-campaign-counts"),
    ]
