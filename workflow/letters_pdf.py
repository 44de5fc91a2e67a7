"""The PDF of a `Letter` (workflow/letters.py), from the same model and text as its .docx, drawn
with fpdf2 (pure Python) in a Chinese font embedded in the file: Noto Serif CJK of Debian's
fonts-noto-cjk (scripts/test.sh installs it), or the file named by LETTER_FONT. The font is
looked for when a PDF is made; without one the letter is refused with a message saying what to
install, never drawn in boxes.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import settings
from workflow.letters import RED, Letter, LetterError

NOTO = Path("/usr/share/fonts/opentype/noto")
# in order of preference: 宋体-like serif for a letter, else the sans. One weight for the whole
# letter, headings set apart by size and colour: embedding a second weight doubles the time a PDF
# takes (about a second per font), and fpdf2's stroked "fake bold" leaks into the text after it.
CANDIDATES = (NOTO / "NotoSerifCJK-Regular.ttc", NOTO / "NotoSansCJK-Regular.ttc")
LEFT, TOP, WIDTH = 25, 30, 160  # millimetres: margins and text width of an A4 page


def letter_font() -> Path:
    """The font file: LETTER_FONT, else the first Noto CJK font present; LetterError in Chinese
    when there is none."""
    named = settings.get("LETTER_FONT")
    if named:
        path = Path(named)
        if not path.is_file():
            raise LetterError(f"LETTER_FONT 指定的字体文件 {path} 不存在，无法生成 PDF 文书")
        return path
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise LetterError(
        f"生成 PDF 文书需要中文字体，但在 {NOTO} 没有找到思源（Noto CJK）字体："
        "请安装 Debian 软件包 fonts-noto-cjk（apt-get install fonts-noto-cjk），或用 LETTER_FONT 指定字体文件"
    )


@functools.lru_cache(maxsize=8)
def _simplified_index(path: Path) -> int:
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


def to_pdf(letter: Letter) -> bytes:
    """The letter as PDF: the same header, text, closing and attachment table as its .docx."""
    from fpdf import FPDF

    font = letter_font()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, LEFT)
    pdf.set_auto_page_break(True, margin=25)
    pdf.set_title(letter.title)
    pdf.set_creator("物业监管看板")
    pdf.set_creation_date(dt.datetime.combine(letter.issued_on, dt.time(), tzinfo=dt.UTC))
    pdf.add_font("cjk", "", str(font), collection_font_number=_simplified_index(font))
    pdf.add_page()

    def text(value: str, size: float, *, align="L", height=None, color=(0, 0, 0), indent=False):
        pdf.set_font("cjk", "", size)
        pdf.set_text_color(*color)
        for line in _lines(pdf, ("\u3000\u3000" if indent else "") + value, WIDTH):
            pdf.cell(WIDTH, height or size * 0.55, line, align=align, new_x="LMARGIN", new_y="NEXT")

    text(letter.body, 22, align="C", height=14, color=RED)
    pdf.ln(4)
    text(letter.doc_no, 16, align="C", height=9)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.8)
    pdf.line(LEFT, pdf.get_y() + 2, LEFT + WIDTH, pdf.get_y() + 2)
    pdf.ln(10)
    text(letter.title, 20, align="C", height=11)
    pdf.ln(4)
    text(f"{letter.addressee}：", 16, height=9)
    for paragraph in letter.paragraphs():
        text(paragraph, 16, height=9, indent=True)
    text(letter.attachment_title(), 16, height=9, indent=True)
    pdf.ln(8)
    for line in letter.closing():
        text(line, 16, align="R", height=9)
    pdf.ln(6)
    text(letter.footer(), 9, height=5, color=(0x66, 0x66, 0x66))

    pdf.add_page()
    text(letter.attachment_title(), 14, height=8)
    pdf.ln(2)
    pdf.set_font("cjk", "", 9)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=letter.WIDTHS,
        width=WIDTH,
        line_height=4.6,
        text_align="LEFT",
        v_align="TOP",
        padding=1,
        wrapmode="CHAR",
        headings_style=_headings(),
    ) as table:
        for values in (letter.COLUMNS, *letter.rows()):
            row = table.row()
            for value, width in zip(values, letter.WIDTHS, strict=True):
                row.cell("\n".join(_lines(pdf, value, width - 2.5)))
    return bytes(pdf.output())


def _headings():
    from fpdf.fonts import FontFace

    return FontFace(family="cjk", fill_color=(0xEE, 0xEE, 0xEE))


# Punctuation that may not begin a line (避头): it stays at the end of the line before.
NO_LINE_START = set("，。、；：？！）》」』】〕’”%,.;:?!)")


def _lines(pdf, text: str, width: float) -> list[str]:
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
