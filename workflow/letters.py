"""A document issued from 督办 (交办单, 催办通知, 提醒函, 督办函, 约谈通知) as one model, `Letter`,
rendered twice from the same text: as .docx (python-docx, here) and as PDF (fpdf2,
workflow/letters_pdf.py). The form is that of such letters (GB/T 9704 in spirit): the issuing
body in red over a red rule with the 文号, the title, the addressee, the demand and the deadline,
the issuing body and the date, then the attachment — the cases with their trail so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vocab.workflow import KIND_TITLES
from workflow.typeset import a4_document, add_para, docx_bytes, fill_cell, red_rule
from workflow.typeset import chinese_date as chinese_date

RED = (0xC0, 0x00, 0x00)
TRAIL_SHOWN = 8  # the latest steps of a case's trail the attachment lists


class LetterError(RuntimeError):
    """A document cannot be made; the message says why, in Chinese."""


@dataclass(frozen=True)
class LetterCase:
    """A case as the attachment lists it."""

    case_id: str
    community: str
    company: str
    category: str
    description: str
    received_on: dt.date | None
    case_deadline: dt.date | None
    trail: tuple[str, ...]  # its trail so far, one step a line, oldest first


@dataclass(frozen=True)
class Letter:
    """One document: what both renderings say, word for word."""

    doc_no: str  # 晋中物监督〔2025〕17号
    kind: str  # vocab.workflow.KINDS
    body: str  # the issuing body
    addressee: str  # the county's property authority
    county_name: str
    demand: str
    workdays: int
    deadline: dt.date
    issued_on: dt.date
    issued_by: str  # the user who issued it (经办人)
    cases: tuple[LetterCase, ...]

    @property
    def title(self) -> str:
        return f"关于{self.county_name}{len(self.cases)}件物业服务问题线索的{KIND_TITLES[self.kind]}"

    def paragraphs(self) -> list[str]:
        """The text under the addressee."""
        return [
            f"经梳理，你辖区内以下{len(self.cases)}件物业服务问题线索（清单及督办记录见附件）尚未办结。{self.demand}",
            f"请于{chinese_date(self.deadline)}前（{self.workdays}个工作日内，按国家法定节假日安排计算）在物业监管看板"
            "“待办”中签收，并逐件回复整改情况；确需延期的，请在期限内逐件提出延期申请，说明理由和拟完成日期。",
        ]

    def attachment_title(self) -> str:
        return f"附件：问题线索清单及督办记录（{len(self.cases)}件，截至{chinese_date(self.issued_on)}）"

    COLUMNS = ("序号", "线索", "小区及物业企业", "问题", "督办记录")
    WIDTHS = (9, 35, 31, 36, 49)  # millimetres of a 160 mm text width (the PDF's; the .docx's in proportion)

    def rows(self) -> list[tuple[str, ...]]:
        """The attachment's table, one row a case."""
        out = []
        for n, c in enumerate(self.cases, start=1):
            case = "\n".join([c.case_id, f"受理：{_day(c.received_on)}", f"整改时限：{_day(c.case_deadline)}"])
            where = "\n".join([c.community or "—", c.company or "—"])
            problem = "\n".join([c.category or "—", c.description or ""]).strip()
            trail = list(c.trail)
            if len(trail) > TRAIL_SHOWN:
                trail = [f"（此前 {len(trail) - TRAIL_SHOWN} 步略）", *trail[-TRAIL_SHOWN:]]
            out.append((str(n), case, where, problem, "\n".join(trail) or "无"))
        return out

    def closing(self) -> list[str]:
        """The issuing body and the date, right-aligned under the text."""
        return [self.body, chinese_date(self.issued_on)]

    def footer(self) -> str:
        return f"经办人：{self.issued_by}　　本文书由物业监管看板生成，文号 {self.doc_no}"


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


# ---------------------------------------------------------------- .docx


def to_docx(letter: Letter) -> bytes:
    """The letter as a Word document (python-docx): A4, 仿宋 body, 宋体 title, the red header."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    doc = a4_document()

    def para(text: str, size: float, **how):
        return add_para(doc, text, size, **how)

    header = para(letter.body, 22, font="宋体", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, color=RGBColor(*RED))
    header.paragraph_format.space_after = Pt(12)
    number = para(letter.doc_no, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    red_rule(number)
    para("", 8)
    para(letter.title, 20, font="宋体", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para(f"{letter.addressee}：", 16)
    for text in letter.paragraphs():
        para(text, 16, indent=True)
    para(letter.attachment_title(), 16, indent=True)
    para("", 8)
    for line in letter.closing():
        para(line, 16, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(letter.footer(), 10, color=RGBColor(0x66, 0x66, 0x66))

    doc.add_page_break()
    para(letter.attachment_title(), 14, font="黑体", bold=True)
    table = doc.add_table(rows=1, cols=len(letter.COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, letter.COLUMNS, strict=True):
        fill_cell(cell, name, bold=True)
    for row in letter.rows():
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            fill_cell(cell, text)
    scale = 160 / sum(letter.WIDTHS)
    for row in table.rows:
        for cell, width in zip(row.cells, letter.WIDTHS, strict=True):
            cell.width = Mm(width * scale)
    return docx_bytes(doc)
