"""The period a briefing covers: a month (`2025-05`) or an ISO week (`2025-W19`), with the words a
briefing uses for it and for the period before it (上月 / 上周)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from metrics.filters import month_of


class PeriodError(ValueError):
    """The period is not a month or a week; the message says how to write one, in Chinese."""


@dataclass(frozen=True)
class Period:
    key: str  # 2025-05 or 2025-W19, as archived
    kind: str  # month or week
    start: dt.date
    end: dt.date

    @property
    def title(self) -> str:
        """2025年5月 / 2025年第19周"""
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        year, week, _ = self.start.isocalendar()
        return f"{year}年第{week}周"

    @property
    def span(self) -> str:
        """5月1日至5月31日"""
        return f"{self.start.month}月{self.start.day}日至{self.end.month}月{self.end.day}日"

    @property
    def previous_word(self) -> str:
        return "上月" if self.kind == "month" else "上周"

    @property
    def end_word(self) -> str:
        """月末 / 周末: where a stock figure is taken."""
        return "月末" if self.kind == "month" else "周末"

    def previous(self) -> Period:
        return of_day(self.start - dt.timedelta(days=1), self.kind)


MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse(text: str) -> Period:
    """`2025-05` (a month) or `2025-W19` (an ISO week, Monday to Sunday)."""
    value = (text or "").strip()
    if m := MONTH.match(value):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            first, last = month_of(dt.date(year, month, 1))
            return Period(f"{year}-{month:02d}", "month", first, last)
    elif m := WEEK.match(value):
        year, week = int(m[1]), int(m[2])
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            monday = None
        if monday is not None:
            return Period(f"{year}-W{week:02d}", "week", monday, monday + dt.timedelta(days=6))
    raise PeriodError(f"期别“{value}”无法识别：月度简报写作 2025-05，周报写作 2025-W19（ISO 周，周一至周日）")


def of_day(day: dt.date, kind: str) -> Period:
    """The month or the ISO week a day lies in."""
    if kind == "month":
        return parse(f"{day.year}-{day.month:02d}")
    year, week, _ = day.isocalendar()
    return parse(f"{year}-W{week:02d}")
