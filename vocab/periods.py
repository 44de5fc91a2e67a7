"""The filter bar's period choices (computed by metrics/periods.py, listed by components/shell.py)."""

PRESETS = ("month", "quarter", "year", "last12")  # 本月, 本季度, 本年, 近12个月
ALL, CUSTOM = "all", "custom"  # 全部 (no date), 自定义 (dates of one's own)
CHOICES = (*PRESETS, ALL, CUSTOM)  # in the order the filter bar lists them
