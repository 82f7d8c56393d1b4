"""A4 PDF documents with Chinese text: one fpdf2 set-up for every report."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.fonts import FontFace

from scans import find_cjk_font

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


DATE_BLANK = "____年____月____日"


class PagedPdf(FPDF):
    """A4 with the CJK font and "第 N 页 共 M 页" (after an optional note) on every page's
    footer. Automatic page breaks are off: the writers break pages themselves, so a
    room's rows or a signature block never land alone on a page."""

    def __init__(
        self, *, landscape: bool = False, footer_text: str = "", font_path: str | None = None
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.set_auto_page_break(False, margin=14)
        self.set_margins(12, 12, 12)
        use_cjk_font(self, font_path)

    @property
    def bottom(self) -> float:
        """The lowest y the body may reach on a page."""
        return self.h - self.b_margin

    def fits(self, height: float) -> bool:
        return self.get_y() + height <= self.bottom

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", "", 8)
        self.set_text_color(80)
        note = f"{self.footer_text}    " if self.footer_text else ""
        self.cell(0, 5, f"{note}第 {self.page_no()} 页 共 {{nb}} 页", align="C")
        self.set_text_color(0)


def fitted(pdf: FPDF, text: str, width: float, size: float, *, floor: float = 6) -> float:
    """The font size (at most `size`) at which `text` fits in `width` mm with a margin."""
    pdf.set_font_size(size)
    while size > floor and pdf.get_string_width(text) > width - 2:
        size -= 0.5
        pdf.set_font_size(size)
    return size


def table_row(
    pdf: FPDF,
    widths: tuple[float, ...],
    cells: list[str],
    height: float,
    *,
    heading: bool = False,
    size: float = 10,
) -> None:
    """One bordered row from the left margin; a heading row bold on grey, centred.
    Text too wide for its cell is set smaller rather than spilling into the next."""
    pdf.set_font("cjk", "B" if heading else "", size)
    pdf.set_fill_color(230, 230, 230)
    pdf.set_x(pdf.l_margin)
    for w, text in zip(widths, cells, strict=True):
        fitted(pdf, text, w, size)
        pdf.cell(w, height, text, border=1, fill=heading, align="C" if heading else "L")
        pdf.set_font_size(size)
    pdf.ln(height)


def sign_off(
    pdf: FPDF,
    labels: tuple[str, ...],
    *,
    dated: bool = True,
    size: float = 11,
    height: float = 9,
) -> None:
    """A line of signatures ("制表：______") and the date, at the current position."""
    pdf.set_font("cjk", "", size)
    parts = [f"{label}：________________" for label in labels]
    if dated:
        parts.append(f"日期：{DATE_BLANK}")
    pdf.set_x(pdf.l_margin)
    pdf.cell(0, height, "      ".join(parts), new_x="LMARGIN", new_y="NEXT")
