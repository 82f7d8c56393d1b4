"""The award lists ready to publish (获奖名单, PDF): individual awards grouped by award in
rank order, team awards, the 岗位练兵优秀组织奖 recorded by the officers and any honours
from the national results; the exam's title and date on top, and on every page's
footer the results digest when final, or a warning that the list is not final."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fpdf import FPDF

from exam_center.io.reports.pdf import PagedPdf, sign_off, table_with_tail
from exam_center.io.reports.results_tables import NOT_FINAL, AwardRow, ResultsTables
from exam_center.io.reports.workbook_sheets import chinese_date

NUMERALS = "一二三四五六七八九十"


class AwardListPdf(PagedPdf):
    """A4 portrait with the CJK font, breaking pages itself as a list runs on, and the
    footer of `PagedPdf`: the note (digest, or not final) and 第 N 页 共 M 页."""

    def __init__(
        self,
        footer_text: str,
        font_path: str | None = None,
        *,
        side_mm: float = 18,
        top_mm: float = 15,
    ) -> None:
        super().__init__(footer_text=footer_text, font_path=font_path)
        self.seal_text = ""  # the results seal and audit chain head, above the footer line
        self.set_auto_page_break(True, margin=18)
        self.set_margins(side_mm, top_mm, side_mm)
        self.running_title = ""  # above every page after the first, where a list runs on

    def header(self) -> None:
        if self.running_title and self.page_no() > 1:
            self.set_y(6)
            self.set_font("cjk", "", 8)
            self.set_text_color(80)
            self.cell(0, 5, f"{self.running_title}（续）", align="C")
            self.set_text_color(0)
            self.set_y(self.t_margin)
            self.set_font("cjk", "", 10.5)

    def footer(self) -> None:
        if self.seal_text:
            self.set_y(-17)
            self.set_font("cjk", "", 7)
            self.set_text_color(90)
            self.cell(0, 4, self.seal_text, align="C")
            self.set_text_color(0)
        super().footer()


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("cjk", "B", 13)
    pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 10.5)


def _grouped(rows: Sequence[AwardRow]) -> list[tuple[str, list[AwardRow]]]:
    groups: dict[str, list[AwardRow]] = {}
    for row in rows:
        groups.setdefault(row.award, []).append(row)
    return [
        (award, sorted(g, key=lambda r: (r.rank is None, r.rank or 0)))
        for award, g in groups.items()
    ]


def _passed_over(rows: Sequence[AwardRow]) -> dict[str, list[AwardRow]]:
    """The candidates passed over for each award, their note saying why (未授予：...)."""
    out: dict[str, list[AwardRow]] = {}
    for r in rows:
        note = r.note if r.note.startswith("未授予") else f"未授予：{r.note}"
        out.setdefault(r.award, []).append(replace(r, note=note))
    return out


def _in_rank_order(awarded: list[AwardRow], passed_over: list[AwardRow]) -> list[AwardRow]:
    """Both in rank order, the one passed over before the one awarded at the same rank."""
    marked = [(r, 0) for r in passed_over] + [(r, 1) for r in awarded]
    marked.sort(key=lambda x: (x[0].rank is None, x[0].rank or 0, x[1]))
    return [r for r, _ in marked]


def _people(
    pdf: FPDF, rows: Sequence[AwardRow], rank_label: str = "名次", *, tail: float = 0
) -> None:
    """`tail`: the height of what must follow the last rows on their page (the approval)."""
    table_with_tail(
        pdf,
        [rank_label, "姓名", "设区市", "单位", "备注"],
        [["" if r.rank is None else str(r.rank), r.name, r.team, r.unit, r.note] for r in rows],
        col_widths=(14, 24, 20, 70, 40),
        line_height=7,
        tail=tail,
    )


APPROVAL = 32.0  # mm: 制表人, 审核人, the seal and its date (see _approval)


def _approval(pdf: FPDF) -> None:
    """制表, 审核 and the seal with its date, kept together under the last list (whose
    last rows start a new page with it when it would not fit below them)."""
    if pdf.get_y() > pdf.page_break_trigger - APPROVAL:
        pdf.add_page()
    pdf.ln(10)
    sign_off(pdf, ("制表人", "审核人"), dated=False)
    pdf.ln(2)
    sign_off(pdf, ("单位（盖章）",), dated=True)
    pdf.set_font("cjk", "", 10.5)


def write_award_lists(
    out: Path,
    tables: ResultsTables,
    *,
    font_path: str | None = None,
    seal_footer: str | None = None,
) -> Path:
    """`seal_footer`: the results seal and chain head, printed on every page above the
    digest, so a signed copy can be checked against the workspace later."""
    info = tables.info
    footer = f"结果摘要 SHA-256 {info.digest}" if info.final else f"{NOT_FINAL} 仅供核对，不得公布"
    pdf = AwardListPdf(footer, font_path)
    pdf.seal_text = seal_footer or ""
    pdf.set_title(f"{info.title} 获奖名单")
    pdf.running_title = f"{info.title} 获奖名单"
    pdf.add_page()
    pdf.set_font("cjk", "B", 16)
    pdf.multi_cell(0, 9, info.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, "获奖名单", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", "", 11)
    pdf.cell(
        0, 7, f"考试日期：{chinese_date(info.exam_date)}", align="C", new_x="LMARGIN", new_y="NEXT"
    )
    if not info.final:
        pdf.set_text_color(192, 0, 0)
        pdf.set_font("cjk", "B", 14)
        pdf.cell(
            0, 9, f"{NOT_FINAL}：成绩尚未定稿，不得公布", align="C", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_text_color(0)
    section = 0

    def next_heading(text: str) -> None:
        nonlocal section
        _heading(pdf, f"{NUMERALS[section % len(NUMERALS)]}、{text}")
        section += 1

    awarded = [t for t in tables.teams if t.award]
    organisers = [t.team for t in tables.teams if t.organisation_award]
    honours = _grouped(tables.national.honours)
    groups = _grouped(tables.awards)
    # Which list comes last: its last rows keep the approval lines company.
    last = (
        "honours"
        if honours
        else "organisers"
        if organisers
        else "teams"
        if awarded
        else "ties"
        if tables.award_ties
        else "awards"
    )

    def tail(section: str, final: bool = True) -> float:
        return APPROVAL if section == last and final else 0

    passed_over = _passed_over(tables.award_exclusions)
    for i, (award, rows) in enumerate(groups):
        nominated = all("按程序申报" in r.note for r in rows)
        next_heading(f"{award}（{'按程序申报，' if nominated else ''}{len(rows)} 名）")
        # A prior holder not awarded again stands at their rank with the reason, so a
        # list that starts at 名次 2 says why (not counted among the awarded).
        _people(
            pdf,
            _in_rank_order(rows, passed_over.pop(award, [])),
            tail=tail("awards", i == len(groups) - 1),
        )
    if tables.award_ties:
        next_heading("名额边界并列，待决定")
        _people(pdf, tables.award_ties, tail=tail("ties"))
    if awarded:
        next_heading("团体奖项")
        table_with_tail(
            pdf,
            ["奖项", "名次", "设区市", "总成绩"],
            [
                [t.award, "" if t.rank is None else str(t.rank), t.team, f"{t.total:.2f}"]
                for t in awarded
            ],
            col_widths=(30, 16, 40, 30),
            line_height=7,
            tail=tail("teams"),
        )
    if organisers:
        if last == "organisers":
            lines = pdf.multi_cell(0, 7, "、".join(organisers), dry_run=True, output="LINES")
            assert isinstance(lines, list)
            if pdf.get_y() + 12 + 7 * len(lines) + APPROVAL > pdf.page_break_trigger:
                pdf.add_page()  # the heading, the names and the approval together
        next_heading("岗位练兵优秀组织奖")
        pdf.multi_cell(0, 7, "、".join(organisers), new_x="LMARGIN", new_y="NEXT")
    for i, (award, rows) in enumerate(honours):
        next_heading(f"{award}（全国比试结果，{len(rows)} 名）")
        _people(pdf, rows, rank_label="全国名次", tail=tail("honours", i == len(honours) - 1))
    if not (tables.awards or awarded):
        pdf.ln(6)
        pdf.cell(0, 8, "尚无获奖结果。", new_x="LMARGIN", new_y="NEXT")
    _approval(pdf)
    pdf.output(str(out))
    return out
