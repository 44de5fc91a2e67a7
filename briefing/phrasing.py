"""How a briefing words a figure: the value in the pages' own formats (components/i18n: rates with
two decimals, amounts in 万元 or 亿元), its change against the previous period and the same period a
year earlier as the reports write it (提高 2.30 个百分点, 减少 12 件, 增加 35.20万元, 持平), and the
footnote a KPI's figure points to (its definition from the catalogue, and the reconciliation where
a published figure of the same view differs: metrics/published.py)."""

from __future__ import annotations

import datetime as dt

from briefing.model import Notes
from components.i18n import fmt_amount, fmt_count, fmt_rate
from metrics import kpis
from metrics.published import Comparison

NO_VALUE = "无数据"
# What a count KPI counts, as the prose says it (件 for cases, 户 for households).
COUNT_UNIT = {"overdue_cases": "件", "refund_households": "户"}


def day(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def amount(yuan: float | None, unit: str | None = None) -> str:
    """An amount as prose writes it: 2,732.96万元 (the pages' format without its space)."""
    return NO_VALUE if yuan is None or yuan != yuan else fmt_amount(yuan, "zh", unit).replace(" ", "")


def count(n: float | None, unit: str = "") -> str:
    return NO_VALUE if n is None or n != n else f"{fmt_count(n)}{unit}"


def rate(r: float | None) -> str:
    return NO_VALUE if r is None or r != r else fmt_rate(r)


def value(key: str, v: float | None) -> str:
    """A KPI's value by its kind."""
    kind = kpis.BY_KEY[key].kind
    if kind == "rate":
        return rate(v)
    if kind == "amount":
        return amount(v)
    return count(v, COUNT_UNIT.get(key, ""))


def change(key: str, now: float | None, before: float | None) -> str:
    """提高 2.30 个百分点 / 下降 … / 增加 12件 / 减少 35.20万元 / 持平; None without both values."""
    if now is None or before is None or now != now or before != before:
        return ""
    diff = now - before
    kind = kpis.BY_KEY[key].kind
    if kind == "rate":
        points = abs(diff) * 100
        return "持平" if round(points, 2) == 0 else f"{'提高' if diff > 0 else '下降'}{points:.2f}个百分点"
    if kind == "amount":
        return "持平" if round(abs(diff) / 1e4, 2) == 0 else f"{'增加' if diff > 0 else '减少'}{amount(abs(diff))}"
    return (
        "持平" if round(diff) == 0 else f"{'增加' if diff > 0 else '减少'}{count(abs(diff), COUNT_UNIT.get(key, ''))}"
    )


def compared(v: kpis.KpiValue, previous_word: str) -> str:
    """，较上月（54.03%）提高40.53个百分点，较去年同期（53.13%）提高41.43个百分点"""
    parts = []
    for word, before in ((previous_word, v.previous), ("去年同期", v.year_ago)):
        moved = change(v.kpi.key, v.value, before)
        if moved:
            parts.append(f"较{word}（{value(v.kpi.key, before)}）{moved}")
        elif v.value is not None:
            parts.append(f"{word}无可比数据")
    return "，" + "，".join(parts) if parts else ""


def kpi_note(notes: Notes, key: str, note: Comparison | None = None, what: str = "") -> str:
    """The footnote marker of a KPI's figure: its definition, and a published figure that differs."""
    kpi = kpis.BY_KEY[key]
    text = f"{kpi.zh}：{kpi.definition}"
    if note is None:
        return notes.ref(key, text)
    p = note.published
    if note.same_thing:
        said = f"通报口径{p.text}，按台账计算{_in_unit(note)}"
    else:
        said = f"通报为{p.text}，台账按{note.computed_thing}计为{value(key, note.computed)}，二者口径不同"
    return notes.ref(f"{key}@{what}", f"{text}{what}{said}（来源：{p.source}，截至{p.as_of}）。")


def _in_unit(note: Comparison) -> str:
    p = note.published
    return f"{note.computed_in_unit}{p.unit}" if note.computed_in_unit is not None else NO_VALUE


def names(items: list[tuple[str, str]]) -> str:
    """左权县（100.00%）、和顺县（100.00%）"""
    return "、".join(f"{name}（{shown}）" for name, shown in items)
