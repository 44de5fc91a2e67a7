"""Labels in both languages, third part: the overview's headline cards (targets, comparisons,
sparklines), its 需要关注 list and the thresholds legend (vocab/labels.py joins the parts)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "drawn_when_shown": ("滚动到此处时绘制", "Drawn when scrolled to"),
    # --- the period and the comparisons ---
    "overview_period": ("统计期间：{start} 至 {end}", "Period: {start} to {end}"),
    "overview_period_default": (
        "（默认：本年 1 月 1 日至数据截至日；在上方选择日期可改）",
        " (default: 1 January to the latest data; choose dates above to change)",
    ),
    "overview_period_all": ("统计期间：全部数据", "Period: all data"),
    "overview_compare": (
        "对比：上期 {previous}；去年同期 {year_ago}",
        "Compared with: previous {previous}; a year earlier {year_ago}",
    ),
    "period_span": ("{start} 至 {end}", "{start} to {end}"),
    "same_period_last_year": ("较去年同期", "vs a year earlier"),
    "no_comparison": ("无可比数据", "no comparable data"),
    "unchanged": ("持平", "unchanged"),
    "target": ("目标", "Target"),
    "target_met": ("已达标", "met"),
    "target_gap": ("差 {gap}", "{gap} short"),  # a higher-is-better KPI under its target
    "target_over": ("超出 {gap}", "{gap} over"),  # a lower-is-better KPI over it
    "spark_title": ("本期起累计至各月末", "From the period's start to each month's end"),
    "spark_empty": ("本期无逐月数据", "No month-end figures in this period"),
    "kpi_row_rate": ("比率", "Rates"),
    "kpi_row_count": ("数量", "Counts"),
    "kpi_row_people": ("党建引领 · 12345 三率 · 矛盾不上交", "Party building, 12345 rates, disputes settled locally"),
    "kpi_row_amount": ("金额（{unit}）", "Amounts ({unit})"),
    # --- 需要关注 ---
    "attention": ("需要关注", "Needs attention"),
    "attention_slipping": ("县区指标较上期回落", "Counties worse than the previous period"),
    "attention_overdue": ("县级及以上超期未办结", "Overdue at county level and above"),
    "attention_stalled": (
        "欠缴停滞（连续 {months} 个月无追缴到账）",
        "Arrears not moving ({months} months without recovery)",
    ),
    "attention_black": ("12 个月内两次及以上上黑榜的企业", "Companies black-listed twice or more in 12 months"),
    "attention_slip_item": (
        "{unit} {kpi}：{before} → {now}（{change}，提示线 {slip}）",
        "{unit} {kpi}: {before} → {now} ({change}; alert at {slip})",
    ),
    "attention_overdue_item": (
        "{unit}：{level}超期 {n} 件",
        "{unit}: {n} overdue at {level} level",
    ),  # en: level lower-case
    "attention_overdue_total": ("{level} {n} 件", "{level}: {n}"),
    "attention_stalled_item": (
        "{unit}：{n} 个项目尚欠 {amount}（最多：{project} {top}）",
        "{unit}: {n} projects owe {amount} (largest: {project} {top})",
    ),
    "attention_black_item": (
        "{company}（{unit}）：黑榜 {n} 次（{dates}）",
        "{company} ({unit}): {n} black-list entries ({dates})",
    ),
    "attention_exit_review": ("，已达退出审查", "; exit review due"),
    "attention_more": ("另有 {n} 项，查看全部 →", "{n} more: see all →"),
    "attention_none": ("暂无", "None"),
    "attention_clear": ("本期各项均无需要关注的情况", "Nothing needs attention in this period"),
    "unmatched_unit": ("未匹配县区", "Unmatched county"),
    # --- the thresholds legend beside the scorecard ---
    "thresholds": ("红黄绿灯阈值与目标", "Traffic-light thresholds and targets"),
    "legend_green": ("绿灯", "Green"),
    "legend_amber": ("黄灯", "Amber"),
    "legend_red": ("红灯", "Red"),
    "legend_target": ("目标", "Target"),
    "legend_from": ("执行起", "In force from"),
    "legend_none": ("未设定", "not set"),
    "legend_source": (
        "阈值和目标是管理员维护的数据（{file}），按各县区本期期末执行的版本显示",
        "Thresholds and targets are data the admin keeps ({file}); shown as in force at the period's end",
    ),
    "targets_error": (
        "阈值表有误，仍按上一版有效的阈值显示：{message}",
        "The thresholds file has errors; the last good version is used: {message}",
    ),
}
