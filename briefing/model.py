"""A briefing as one model, `Briefing`, rendered twice from the same text (briefing/render.py:
.docx and PDF): its head (title, issue, issuing body, date, recipient, scope), its sections —
each paragraphs, tables, charts and the notes its figures point to — and nothing the renderers
compute: every figure in it was written by briefing/content.py from the metrics layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefing.period import Period

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


class BriefingError(ValueError):
    """A briefing cannot be made as asked; the message says why, in Chinese."""


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative widths of the columns
    unit: str = ""  # 单位：万元, said above the table


@dataclass(frozen=True)
class Chart:
    """A chart: the Plotly figure (a plain dict) and, once drawn (briefing/charts.py), its PNG."""

    title: str
    figure: dict
    png: bytes | None = None
    height_mm: float = 70


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # ① 问题整改率：… as the section's footnotes


@dataclass(frozen=True)
class Briefing:
    title: str  # 晋中市物业服务管理专项整治工作简报
    issue: str  # 2025年5月
    body: str  # the issuing body
    issued_on: dt.date
    recipient: str  # the user it is for
    recipient_line: str  # 送：leader（领导）
    region: str | None  # the region code it covers (None: every region of the recipient's scope)
    region_name: str
    period: Period
    data_as_of: dt.date | None
    scope_line: str  # 统计范围 … 统计期间 … 数据截至 …
    sections: tuple[Section, ...]

    def text(self) -> str:
        """Everything the briefing says, as plain text (the tests read it against the metrics)."""
        lines = [self.body, self.title, self.issue, self.recipient_line, self.scope_line]
        for s in self.sections:
            lines.append(s.heading)
            lines += s.paragraphs
            for t in s.tables:
                lines += [t.title, t.unit, " ".join(t.columns)] + [" ".join(r) for r in t.rows]
            lines += [c.title for c in s.charts]
            lines += s.notes
        return "\n".join(line for line in lines if line)


class Notes:
    """The footnotes of a briefing: a figure's definition from the KPI catalogue (and, where a
    published figure differs, the reconciliation), numbered ①② … in the order first cited; a
    section lists the notes first cited in it. A KPI cited again keeps its number."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._pending: list[str] = []

    def ref(self, key: str, text: str) -> str:
        """The marker of note `key` (its text given the first time it is cited)."""
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers)
            self._pending.append(f"{self.marker(self._numbers[key])}{text}")
        return self.marker(self._numbers[key])

    @staticmethod
    def marker(n: int) -> str:
        return CIRCLED[n] if n < len(CIRCLED) else f"[{n + 1}]"

    def take(self) -> list[str]:
        """The notes cited since the last call (a section's), in order."""
        out, self._pending = self._pending, []
        return out
