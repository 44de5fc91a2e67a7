"""Labels in both languages, fifth part: the self-moving ladder (升级督办 proposals on 督办) and
the early warnings (预警) on 待办, 督办, the wall's alarm strip and the group robot's messages
(vocab/labels.py joins the parts)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # the kinds of warning
    "warning.due_soon": ("临期线索", "Cases nearly due"),
    "warning.second_black": ("二次黑榜企业", "Companies on a second black list"),
    "warning.stalled": ("欠缴停滞项目", "Arrears with no recovery"),
    "warning.rank_drop": ("排名下滑县区", "Counties falling in the ranking"),
    "warning.escalation": ("升级督办", "Escalations"),
    # one item of each kind, in a sentence (no personal data)
    "warning_line.due_soon": (
        "{case_id}（{unit_name}·{community_name}，{category}）{deadline} 到期，剩 {left} 个工作日",
        "{case_id} ({unit_name}, {community_name}, {category}) due {deadline}, {left} working days left",
    ),
    "warning_line.second_black": (
        "{company_name}（{unit_name}）12 个月内 {n} 次列入黑榜：{dates}",
        "{company_name} ({unit_name}) on a black list {n} times in 12 months: {dates}",
    ),
    "warning_line.stalled": (
        "{project}（{unit_name}，{developer}）尚欠 {amount}，已 {months} 个月无追缴到账",
        "{project} ({unit_name}, {developer}) owes {amount}, no recovery for {months} months",
    ),
    "warning_line.rank_drop": (
        "{unit_name} {month} 排名第 {rank}（上月第 {previous}，共 {ranked} 个），下降 {places} 位",
        "{unit_name} ranked {rank} in {month} (the month before {previous}, of {ranked}), down {places}",
    ),
    "warnings_title": ("预警", "Early warnings"),
    "warnings_none": ("暂无预警", "No warnings"),
    "warnings_more": ("另有 {n} 项", "{n} more"),
    "warnings_at": ("截至 {day}", "As of {day}"),
    "warnings_line": (
        "临期线索 {due_soon} 件 · 二次黑榜企业 {second_black} 家 · 欠缴停滞项目 {stalled} 个 · 排名下滑 {rank_drop} 个",
        "{due_soon} cases nearly due · {second_black} companies on a second black list · "
        "{stalled} stalled arrears · {rank_drop} falling in the ranking",
    ),
    "screen_alarms": ("预警", "Alarms"),
    # proposals of the ladder on 督办
    "ladder_title": ("升级督办建议（待确认）", "Escalations proposed (to confirm)"),
    "ladder_none": ("暂无待确认的升级督办建议", "No escalation to confirm"),
    "ladder_confirm": ("确认下发", "Issue"),
    "ladder_dismiss": ("不予下发", "Dismiss"),
    "ladder_confirmed": ("已下发 {doc}", "Issued {doc}"),
    "ladder_dismissed": ("已不予下发升级督办建议 #{id}", "Escalation #{id} dismissed"),
    "ladder_item": (
        "#{id} {made_on} {leads_to} → {unit_name}：{n} 件（{cases}）",
        "#{id} {made_on} {leads_to} → {unit_name}: {n} cases ({cases})",
    ),
    "ladder_recent": ("最近自动下发", "Issued by the rules lately"),
    "robot_title": ("物业监管预警 {day}", "Property supervision alarms {day}"),
    "robot_escalation_proposed": ("待确认", "to confirm"),
    "robot_escalation_issued": ("已自动下发 {doc}", "issued {doc}"),
}
