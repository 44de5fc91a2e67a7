"""The words of 简报 (pages/briefings.py, briefing/) and of printing a page (导出 PDF)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "briefings": ("简报", "Briefings"),
    "briefings_title": ("我的简报", "My briefings"),
    "briefings_intro": (
        "按日程（每月1日、每周一8时）自动生成的简报和您按需生成的简报，均已存档（Word 和 PDF，附 SHA-256 校验值），"
        "只发给收件人本人；每次生成和下载都记入审计日志。",
        "Briefings written on schedule (the 1st of each month, each Monday at 08:00) and on demand, archived "
        "(Word and PDF with their SHA-256), for their recipient only; every generation and download is audited.",
    ),
    "briefings_period": ("期别", "Period"),
    "briefings_period_help": ("月度写作 2025-05，周报写作 2025-W19", "A month as 2025-05, a week as 2025-W19"),
    "briefings_generate": ("生成简报", "Write briefing"),
    "briefings_generating": ("正在生成简报（约需10秒）…", "Writing the briefing (about 10 seconds)…"),
    "briefings_may_not": (
        "您的角色不能生成简报（仅领导、纪检监督和县区用户可以）",
        "Your role may not write briefings (leaders, supervisors and county officers may)",
    ),
    "briefings_done": ("已生成：{title}", "Written: {title}"),
    "briefings_exists": ("今天已生成过本期简报：{title}", "Already written today: {title}"),
    "briefings_none": ("还没有您的简报", "No briefings for you yet"),
    "briefings_col_period": ("期别", "Period"),
    "briefings_col_title": ("标题", "Title"),
    "briefings_col_origin": ("来源", "Origin"),
    "briefings_col_issued": ("日期", "Date"),
    "briefings_col_files": ("下载", "Download"),
    "briefings_origin.monthly": ("月度（日程）", "Monthly (scheduled)"),
    "briefings_origin.weekly": ("周报（日程）", "Weekly (scheduled)"),
    "briefings_origin.on_demand": ("按需生成", "On demand"),
    "print_pdf": ("导出 PDF", "Export PDF"),
}
