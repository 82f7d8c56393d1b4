"""Certificates (证书): one A4 landscape page per individual award and per team award,
with the exam's title, the issuing bodies, the date, a serial number and room for the
seals; and the numbered register of every certificate issued (证书发放登记表, A4
portrait) with a column for the recipient's signature. Written only from final
results (the service refuses before finalising), so nothing here says 未定稿."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from exam_center.io.reports.award_lists import AwardListPdf
from exam_center.io.reports.pdf import HEADING, use_cjk_font
from exam_center.io.reports.workbook_sheets import chinese_date

ISSUERS = ("江苏省人力资源和社会保障厅", "江苏省总工会")
RED = (170, 20, 20)
GOLD = (176, 136, 52)


@dataclass(frozen=True)
class Certificate:
    serial: str  # JS2022-001
    kind: str  # 个人 | 团体
    recipient: str  # a person's name, or a team (设区市)
    unit: str  # the person's unit; for a team, ""
    award: str
    note: str = ""  # e.g. the rank, for the register


def _frame(pdf: FPDF) -> None:
    w, h = pdf.w, pdf.h
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(2.2)
    pdf.rect(9, 9, w - 18, h - 18)
    pdf.set_line_width(0.5)
    pdf.rect(13, 13, w - 26, h - 26)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)


def _seal_space(pdf: FPDF, x: float, y: float) -> None:
    """A faint dashed circle where the issuer's seal goes."""
    pdf.set_draw_color(200, 200, 200)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.circle(x, y, 19)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0)
    pdf.set_text_color(185, 185, 185)
    pdf.set_font("cjk", "", 9)
    pdf.set_xy(x - 19, y - 2.5)
    pdf.cell(38, 5, "（盖章处）", align="C")
    pdf.set_text_color(0)


def _certificate_page(pdf: FPDF, cert: Certificate, title: str, issued: date) -> None:
    pdf.add_page()
    _frame(pdf)
    w = pdf.w
    pdf.set_text_color(*RED)
    pdf.set_font("cjk", "B", 42)
    pdf.set_xy(0, 30)
    pdf.cell(w, 20, "荣 誉 证 书", align="C")
    pdf.set_text_color(0)
    left, width = 42.0, w - 84
    pdf.set_font("cjk", "B", 20)
    pdf.set_xy(left, 66)
    if cert.kind == "团体":
        pdf.cell(width, 11, f"{cert.recipient}代表队：")
        line = f"在{title}中，荣获团体{cert.award}。"
        if cert.award == "岗位练兵优秀组织奖":
            line = f"在{title}中，组织工作成绩突出，荣获“{cert.award}”。"
    else:
        unit = f"（{cert.unit}）" if cert.unit else ""
        pdf.cell(width, 11, f"{cert.recipient} 同志{unit}：")
        line = f"在{title}中成绩优异，荣获“{cert.award}”。"
    pdf.set_font("cjk", "", 18)
    pdf.set_xy(left, 69)
    # Full-width spaces indent each paragraph (fpdf2 trims ordinary leading spaces).
    pdf.multi_cell(width, 11, "\n\u3000\u3000" + line + "\n\u3000\u3000特发此证，以资鼓励。")
    # Issuers, each above its seal space, and the date.
    y = 152.0
    centres = (w - 168, w - 82)
    for x, issuer in zip(centres, ISSUERS, strict=True):
        _seal_space(pdf, x, y)
        pdf.set_font("cjk", "B", 15)
        pdf.set_xy(x - 45, y + 10)
        pdf.cell(90, 8, issuer, align="C")
    pdf.set_font("cjk", "", 14)
    pdf.set_xy(centres[0] - 45, y + 20)
    pdf.cell(centres[1] - centres[0] + 90, 8, chinese_date(issued), align="C")
    pdf.set_font("cjk", "", 10)
    pdf.set_text_color(90)
    pdf.set_xy(22, pdf.h - 26)
    pdf.cell(80, 6, f"证书编号：{cert.serial}")
    pdf.set_text_color(0)


def write_certificates(
    out: Path,
    certificates: Sequence[Certificate],
    *,
    title: str,
    issued: date,
    font_path: str | None = None,
) -> Path:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    use_cjk_font(pdf, font_path)
    pdf.set_title(f"{title} 荣誉证书")
    for cert in certificates:
        _certificate_page(pdf, cert, title, issued)
    pdf.output(str(out))
    return out


def write_certificate_register(
    out: Path,
    certificates: Sequence[Certificate],
    *,
    title: str,
    issued: date,
    digest: str,
    font_path: str | None = None,
) -> Path:
    """证书发放登记表: every certificate in serial order, signed for on collection."""
    pdf = AwardListPdf(f"结果摘要 SHA-256 {digest}", font_path, side_mm=12, top_mm=14)
    pdf.set_title(f"{title} 证书发放登记表")
    pdf.add_page()
    pdf.set_font("cjk", "B", 14)
    pdf.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "B", 18)
    pdf.cell(0, 11, "证书发放登记表", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 10)
    pdf.cell(
        0,
        7,
        f"发证单位：{'、'.join(ISSUERS)}    发证日期：{chinese_date(issued)}    "
        f"共 {len(certificates)} 份",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    widths = (10, 25, 11, 22, 50, 34, 22, 12)
    with pdf.table(col_widths=widths, headings_style=HEADING, line_height=9) as table:
        table.row(
            ["序号", "证书编号", "类别", "获奖者", "单位 / 设区市", "奖项", "领取人签名", "日期"]
        )
        for i, c in enumerate(certificates, start=1):
            table.row(
                [str(i), c.serial, c.kind, c.recipient, c.unit or c.recipient, c.award, "", ""]
            )
    pdf.ln(6)
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 8, "经办人：____________    复核人：____________    日期：____________")
    pdf.output(str(out))
    return out
