"""A `Briefing` (briefing/model.py) rendered twice from the same text, with the typesetting the
letters use (workflow/typeset.py): as .docx (python-docx) and as PDF (fpdf2, the Chinese font
embedded: workflow/letters_pdf.letter_font). The head is a 简报's: the title in red, the issue,
the issuing body and the date over a red rule; then the recipient and the scope, the sections
with their tables, charts and notes, and a closing line."""

from __future__ import annotations

import io

from briefing.model import Briefing, Chart, Table
from workflow.letters import RED
from workflow.letters_pdf import letter_font
from workflow.typeset import (
    a4_document,
    add_para,
    chinese_date,
    docx_bytes,
    fill_cell,
    open_pdf,
    pdf_table,
    pdf_text,
    red_rule,
)

LEFT, TOP, WIDTH = 22, 22, 166  # millimetres: margins and text width of the A4 page
GREY = (0x55, 0x55, 0x55)
CLOSING = "本简报由物业监管看板根据各地报送的台账自动生成，各项数字的口径见注释；简报不含个人信息。"


def _head_lines(b: Briefing) -> tuple[str, str]:
    return f"{b.body}", f"{chinese_date(b.issued_on)}"


# ---------------------------------------------------------------- .docx


def to_docx(b: Briefing) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, RGBColor

    doc = a4_document(TOP, TOP, LEFT, created=b.issued_on)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    red, grey = RGBColor(*RED), RGBColor(*GREY)

    def para(text: str, size: float, **how):
        return add_para(doc, text, size, **how)

    para(b.title, 22, font="宋体", bold=True, align=center, color=red, after=6)
    para(b.issue, 14, align=center)
    body, date = _head_lines(b)
    red_rule(para(f"{body}　　　　{date}", 12, align=center))
    para(b.recipient_line, 10.5, color=grey, after=0)
    para(b.scope_line, 10.5, color=grey)
    for section in b.sections:
        para(section.heading, 15, font="黑体", bold=True, after=6)
        for text in section.paragraphs:
            para(text, 13, indent=True)
        for table in section.tables:
            _docx_table(doc, table, para, center)
        for chart in section.charts:
            if chart.png:
                doc.add_picture(io.BytesIO(chart.png), width=Mm(WIDTH - 6))
                doc.paragraphs[-1].alignment = center
            para(chart.title, 10.5, align=center)
        for note in section.notes:
            para(note, 9, color=grey, after=1)
    para("", 6)
    para(CLOSING, 9, color=grey)
    para(body, 12, align=right, after=0)
    para(date, 12, align=right)
    return docx_bytes(doc)


def _docx_table(doc, table: Table, para, center) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    para(table.title, 11, font="黑体", align=center, after=2)
    if table.unit:
        para(table.unit, 9, after=2)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        fill_cell(cell, name, bold=True, size=9.5)
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            fill_cell(cell, text, size=9.5)
    scale = WIDTH / sum(table.widths)
    for row in grid.rows:
        for cell, width in zip(row.cells, table.widths, strict=True):
            cell.width = Mm(width * scale)
    para("", 4)


# ---------------------------------------------------------------- PDF


def to_pdf(b: Briefing) -> bytes:
    pdf = open_pdf(letter_font(), f"{b.title}（{b.issue}）", b.issued_on, (LEFT, TOP), bottom=18)

    def text(value: str, size: float, **how):
        pdf_text(pdf, value, size, WIDTH, **how)

    text(b.title, 22, align="C", height=13, color=RED)
    text(b.issue, 14, align="C", height=8)
    body, date = _head_lines(b)
    text(f"{body}　　　　{date}", 12, align="C", height=7)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(LEFT, pdf.get_y() + 1.5, LEFT + WIDTH, pdf.get_y() + 1.5)
    pdf.ln(5)
    text(b.recipient_line, 9.5, height=5, color=GREY)
    text(b.scope_line, 9.5, height=5, color=GREY)
    pdf.ln(2)
    for section in b.sections:
        pdf.ln(2)
        text(section.heading, 14, height=8)
        for paragraph in section.paragraphs:
            text(paragraph, 11.5, height=6.4, indent=True)
        for table in section.tables:
            _pdf_table(pdf, table, text)
        for chart in section.charts:
            _pdf_chart(pdf, chart, text)
        for note in section.notes:
            text(note, 8.5, height=4.4, color=GREY)
    pdf.ln(4)
    text(CLOSING, 8.5, height=4.4, color=GREY)
    pdf.ln(3)
    text(body, 12, align="R", height=7)
    text(date, 12, align="R", height=7)
    return bytes(pdf.output())


def _pdf_table(pdf, table: Table, text) -> None:
    pdf.ln(1)
    text(table.title, 10.5, align="C", height=6)
    if table.unit:
        text(table.unit, 8.5, height=4.6, color=GREY)
    widths = [w * WIDTH / sum(table.widths) for w in table.widths]
    pdf_table(
        pdf,
        (table.columns, *table.rows),
        widths,
        WIDTH,
        line_height=4.8,
        align="CENTER",
        v_align="MIDDLE",
        padding=0.8,
        inset=2,
    )
    pdf.ln(3)


def _pdf_chart(pdf, chart: Chart, text) -> None:
    if chart.png:
        from PIL import Image

        with Image.open(io.BytesIO(chart.png)) as image:
            w, h = image.size
        width = WIDTH - 6
        height = width * h / w
        if pdf.get_y() + height + 8 > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(chart.png), x=LEFT + 3, w=width, h=height)
    text(chart.title, 9.5, align="C", height=6)
    pdf.ln(2)
