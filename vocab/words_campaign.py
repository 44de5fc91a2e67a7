"""Words of the campaigns (专项行动, data/campaigns.csv) and of the reporting calendar (报送日历,
data/reporting_calendar.csv): the overview's and the wall's campaign panel, the filter bar's
campaign periods, the 数据状态 page's board of who has reported, and 催报."""

WORDS = {
    "period_campaign": ("行动期间：{name}", "Campaign: {name}"),
    "campaign_title": ("专项行动进展", "Campaign progress"),
    "campaign_span": ("{start} 至 {end}", "{start} to {end}"),
    "campaign_day": ("第 {day} 天 / 共 {days} 天", "Day {day} of {days}"),
    "campaign_left": ("距结束还有 {n} 天", "{n} days left"),
    "campaign_days_unit": (" 天后结束", " days left"),
    "campaign_ended": ("已于 {end} 结束", "Ended on {end}"),
    "campaign_upcoming": ("{start} 开始", "Starts {start}"),
    "campaign_goals": ("目标 {met}/{n} 项达成", "Targets met: {met} of {n}"),
    "campaign_tasks": ("任务 {done}/{n} 项完成", "Tasks done: {done} of {n}"),
    "campaign_tasks_late": ("，{late} 项逾期", ", {late} overdue"),
    "campaign_next": ("下一节点：{day} {name}（还有 {n} 天）", "Next milestone: {day} {name} (in {n} days)"),
    "campaign_goal_line": ("{kpi} {value}（目标 {target}）", "{kpi} {value} (target {target})"),
    "campaign_sprint": ("其中 {name}", "Sprint: {name}"),
    "campaign_as_of": ("按数据截至 {day} 计", "As of the data's last day, {day}"),
    "campaign_file_problem": (
        "专项行动表有误，仍按上次正确的版本显示：",
        "The campaigns file has problems; the last good version is shown: ",
    ),
    "task_done": ("已完成", "Done"),
    "task_open": ("进行中", "Open"),
    "task_late": ("逾期未完成", "Overdue"),
}
