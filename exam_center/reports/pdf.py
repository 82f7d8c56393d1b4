"""A4 PDF documents with Chinese text: one fpdf2 set-up for every report."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from scans.fonts import find_cjk_font

HEADING = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def use_cjk_font(pdf: FPDF, font_path: str | None = None) -> None:
    """Register the system CJK font as "cjk" (regular and bold) and make it current."""
    font = find_cjk_font(font_path)
    pdf.set_creator("exam-center")
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
    pdf.add_font("cjk", "B", str(font.path), collection_font_number=font.index)
    pdf.set_font("cjk", size=11)


def new_pdf(*, landscape: bool = False, font_path: str | None = None) -> FPDF:
    pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_margins(12, 12, 12)
    use_cjk_font(pdf, font_path)
    return pdf


def title(pdf: FPDF, text: str, sub: str = "", size: float = 16) -> None:
    pdf.set_font("cjk", "B", size)
    pdf.cell(0, size * 0.6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    if sub:
        pdf.set_font("cjk", "", 10)
        pdf.cell(0, 6, sub, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", "", 11)
