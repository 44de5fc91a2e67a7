"""The PDF of a `Letter` (workflow/letters.py), from the same model and text as its .docx, drawn
with fpdf2 (pure Python) in a Chinese font embedded in the file: Noto Serif CJK of Debian's
fonts-noto-cjk (scripts/test.sh installs it), or the file named by LETTER_FONT. The font is
looked for when a PDF is made; without one the letter is refused with a message saying what to
install, never drawn in boxes.
"""

from __future__ import annotations

from pathlib import Path

import settings
from workflow.letters import RED, Letter, LetterError
from workflow.typeset import open_pdf, pdf_table, pdf_text

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


def to_pdf(letter: Letter) -> bytes:
    """The letter as PDF: the same header, text, closing and attachment table as its .docx."""
    pdf = open_pdf(letter_font(), letter.title, letter.issued_on, (LEFT, TOP))

    def text(value: str, size: float, **how):
        pdf_text(pdf, value, size, WIDTH, **how)

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
    pdf_table(pdf, (letter.COLUMNS, *letter.rows()), letter.WIDTHS, WIDTH)
    return bytes(pdf.output())
