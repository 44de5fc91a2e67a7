"""What every document the app writes shares of its typesetting, in Word (python-docx) and PDF
(fpdf2): an A4 page, a run in a Chinese font that Word also uses for East Asian text, a table
cell of several lines, the red rule under a header, the PDF with its Chinese font embedded, and
Chinese line breaking (between any two characters, never before closing punctuation).

The documents of the loop of 交办 and 督办 (workflow/letters.py, letters_pdf.py) and the
briefings (briefing/) are set with these; which font file a PDF embeds is
`letters_pdf.letter_font()`'s choice.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path


def chinese_date(day: dt.date) -> str:
    """2025年1月24日, as a document is dated."""
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- Word


def a4_document(top: float = 30, bottom: float = 25, side: float = 25, created: dt.date | None = None):
    """A new python-docx Document on A4 with these margins (millimetres); `created` dates its
    properties (else python-docx's own), so the same content on the same day gives the same file."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin = section.right_margin = Mm(side)
    if created is not None:
        at = dt.datetime.combine(created, dt.time())
        doc.core_properties.created = doc.core_properties.modified = at
        doc.core_properties.last_printed = at
    return doc


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def add_para(
    doc, text: str, size: float, *, font: str = "仿宋", bold=False, align=None, color=None, indent=False, after=4.0
):
    """A paragraph of one run: `size` points in `font`, aligned, coloured, its first line indented
    by two characters (`indent`), `after` points below it."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.space_after = Pt(after)
    set_font(p.add_run(text), font, size, bold, color)
    return p


def set_font(run, name: str, size: float, bold: bool = False, color=None) -> None:
    """A run in `name` for Chinese and Latin alike (Word reads the East Asian font from w:eastAsia)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)


def fill_cell(cell, text: str, bold: bool = False, size: float = 10.5, font: str = "仿宋") -> None:
    """A table cell holding `text`, one paragraph per line."""
    cell.paragraphs[0].text = ""
    for i, line in enumerate(text.split("\n")):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        set_font(p.add_run(line), font, size, bold)


def red_rule(paragraph) -> None:
    """A red rule under the paragraph (the line under a 文号), as a bottom border."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


# ---------------------------------------------------------------- PDF


def open_pdf(font: Path, title: str, day: dt.date, margins: tuple[float, float] = (25, 30), bottom: float = 25):
    """An A4 fpdf2 document with `font` embedded as family "cjk" (the Simplified Chinese face of a
    collection), its title and creation date set, and a first page."""
    from fpdf import FPDF

    left, top = margins
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(left, top, left)
    pdf.set_auto_page_break(True, margin=bottom)
    pdf.set_title(title)
    pdf.set_creator("物业监管看板")
    pdf.set_creation_date(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))
    pdf.add_font("cjk", "", str(font), collection_font_number=simplified_index(font))
    pdf.add_page()
    return pdf


@functools.lru_cache(maxsize=8)
def simplified_index(path: Path) -> int:
    """In a font collection (.ttc), the font for Simplified Chinese (its name ends in SC); 0 else."""
    if path.suffix.lower() != ".ttc":
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for i, font in enumerate(collection.fonts):
            if " SC" in (font["name"].getDebugName(1) or ""):
                return i
    finally:
        collection.close()
    return 0


def pdf_text(pdf, value: str, size: float, width: float, *, align="L", height=None, color=(0, 0, 0), indent=False):
    """`value` in the Chinese font at `size` points, wrapped to `width` millimetres, each line a cell
    of `height` (else in proportion to the size); `indent`: two ideographic spaces first."""
    pdf.set_font("cjk", "", size)
    pdf.set_text_color(*color)
    for line in wrap(pdf, ("\u3000\u3000" if indent else "") + value, width):
        pdf.cell(width, height or size * 0.55, line, align=align, new_x="LMARGIN", new_y="NEXT")


def pdf_table(
    pdf, rows, widths, width: float, *, size=9.0, line_height=4.6, align="LEFT", v_align="TOP", padding=1.0, inset=2.5
) -> None:
    """A ruled table in the Chinese font: the first of `rows` its heading row (on light grey), each
    cell's text wrapped to its column (`widths` in millimetres, less `inset`)."""
    pdf.set_font("cjk", "", size)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=widths,
        width=width,
        line_height=line_height,
        text_align=align,
        v_align=v_align,
        padding=padding,
        wrapmode="CHAR",
        headings_style=table_headings(),
    ) as table:
        for values in rows:
            row = table.row()
            for value, column in zip(values, widths, strict=True):
                row.cell("\n".join(wrap(pdf, value, column - inset)))


def table_headings():
    """The heading row's look of a PDF table: the Chinese font on light grey."""
    from fpdf.fonts import FontFace

    return FontFace(family="cjk", fill_color=(0xEE, 0xEE, 0xEE))


# Punctuation that may not begin a line (避头): it stays at the end of the line before.
NO_LINE_START = set("，。、；：？！）》」』】〕’”%,.;:?!)")


def wrap(pdf, text: str, width: float) -> list[str]:
    """`text` broken into lines of at most `width` (the current font), between any two
    characters as Chinese is set, and never before closing punctuation; a line break kept."""
    out = []
    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if line and char not in NO_LINE_START and pdf.get_string_width(line + char) > width:
                out.append(line)
                line = ""
            line += char
        out.append(line)
    return out
