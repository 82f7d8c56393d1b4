"""The answer sheet's geometry: the one source of truth for where every mark is.

`build_layout(paper)` turns the objective part of a paper into A4 pages of
fiducials, a QR area, header boxes and question blocks, every position in
millimetres from the page's top-left corner (x right, y down). The renderer
draws exactly this and the reader reads exactly this; a sheet carries
`SheetLayout.layout_hash` in its QR code so a scan is matched to the geometry
it was printed with. The layout is a pure function of the paper, the spare
flag and the number of admission digits: the same input gives the same hash on
every machine.

The admission-number grid (准考证号填涂), the policy: page 1 of every sheet carries one,
printed empty and filled by the candidate, as in national exams. A candidate sheet also
prints the number as text (and in its QR code); the candidate copies it into the grid,
so a sheet handed to the wrong seat or printed with another candidate's code shows two
numbers that disagree, which the reader reports. A spare sheet carries no candidate, and
its grid (with boxes for writing the digits above it) is how its candidate is known. The
candidate's page 1 also has a 考生签名 box and the 缺考标记 box (`PageLayout.absence_mark`),
filled by the invigilator when the seat stays empty and read by the scanner.
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

__all__ = [
    "A4_MM",
    "ABSENCE_LABEL",
    "AdmissionGrid",
    "Bubble",
    "HeaderField",
    "HeaderLayout",
    "InvalidPaper",
    "LayoutError",
    "PageLayout",
    "PaperSpec",
    "QuestionKind",
    "QuestionLayout",
    "Rect",
    "SectionSpec",
    "SectionTitle",
    "SheetLayout",
    "alike_pages",
    "build_layout",
    "section_heading",
]

QuestionKind = Literal["single", "multi", "truefalse"]
KINDS: tuple[str, ...] = get_args(QuestionKind)
A4_MM: tuple[float, float] = (210.0, 297.0)

# --- geometry constants (mm); changing any of them changes every layout hash ---
MAX_OPTIONS = 10
BUBBLE_W, BUBBLE_H = 5.0, 3.0
OPTION_PITCH = 6.2  # bubble centre to bubble centre along a row
ROW_PITCH = 4.5  # question row to question row inside a block
NUMBER_W = 7.0  # column before each row holding the question number
GROUP = 5  # questions per block
BLOCK_GAP_X = 4.5  # minimum clear space between two blocks side by side
BLOCK_GAP_Y = 3.5
SECTION_TITLE_H = 6.0
SECTION_GAP = 2.5
CONTENT_X0, CONTENT_X1 = 18.0, 192.0
CONTENT_Y1 = 275.8  # lowest edge a bubble may reach (the second QR's quiet zone starts at 277.3)

# Fiducial centres form a 184 x 271 mm rectangle; the top-left square is larger
# so the four marks alone tell the page's orientation.
FIDUCIAL_BIG, FIDUCIAL_SMALL = 8.0, 6.0
FIDUCIAL_INSET = 13.0  # from each page edge to a fiducial's centre

# A fixed QR area: the renderer scales a version-4 symbol (33 modules) to it,
# about 0.76 mm per module, and keeps 4 modules of quiet zone clear around it.
QR_RECT_MM = (164.0, 21.0, 25.0, 25.0)
# The page identity printed a second time, bottom left: the diagonal opposite of the first
# code, so a toner streak down the page, a scanner line across it or a fold cannot reach
# both. The same version-4 symbol at 0.55 mm a module (4.3 px at 200 dpi), its 4-module
# quiet zone clear of the bottom-left fiducial (right edge at x 16) and of the lowest
# bubbles (CONTENT_Y1, plus the 1.5 mm section frame).
QR2_RECT_MM = (18.5, 279.0, 13.5, 13.5)

GRID_BUBBLE_W, GRID_BUBBLE_H = 4.4, 2.8
GRID_COL_PITCH = 5.4
GRID_ROW_PITCH = 3.8
GRID_LABEL_H = 4.5
GRID_WRITE_H = 6.5
MAX_ADMISSION_DIGITS = 12

CHINESE_NUMERALS = "一二三四五六七八九十"

# The 缺考标记 box: one bubble, a little larger than an option's so an invigilator's
# quick fill is plainly a fill; no glyph inside it (nothing printed to measure).
ABSENCE_LABEL = "缺考"
ABSENCE_W, ABSENCE_H = 6.0, 3.6
# Where questions start on a candidate's page 1 (below the grid). Chosen so its bubble rows
# fall between those of every other page design (spare page 1 at 74, later pages at 58, rows
# 4.5 apart): 1.25 mm off both, so an unidentified page's printed grid tells them apart.
CANDIDATE_FIRST_TOP = 72.75


class LayoutError(ValueError):
    """The sheet cannot be laid out."""


class InvalidPaper(LayoutError):
    """The paper structure itself is unusable; `section` names the culprit (or is None)."""

    def __init__(self, message: str, *, section: str | None = None) -> None:
        super().__init__(message)
        self.section = section


@dataclass(frozen=True)
class Rect:
    """An axis-aligned box, top-left corner and size, in mm."""

    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.x_mm + self.w_mm / 2, self.y_mm + self.h_mm / 2)

    @property
    def right(self) -> float:
        return self.x_mm + self.w_mm

    @property
    def bottom(self) -> float:
        return self.y_mm + self.h_mm

    def to_json(self) -> dict[str, float]:
        return {
            "x_mm": _r(self.x_mm),
            "y_mm": _r(self.y_mm),
            "w_mm": _r(self.w_mm),
            "h_mm": _r(self.h_mm),
        }


@dataclass(frozen=True)
class Bubble:
    """One fillable mark. NOTE: x_mm/y_mm are the bubble's CENTRE, not its corner."""

    label: str
    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float

    @property
    def rect(self) -> Rect:
        return Rect(self.x_mm - self.w_mm / 2, self.y_mm - self.h_mm / 2, self.w_mm, self.h_mm)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "x_mm": _r(self.x_mm),
            "y_mm": _r(self.y_mm),
            "w_mm": _r(self.w_mm),
            "h_mm": _r(self.h_mm),
        }


@dataclass(frozen=True)
class SectionSpec:
    """One objective section of the paper, e.g. ("单项选择题", "single", 60, 4).

    True/false sections have exactly two options: label "A" means 对 (true) and
    "B" means 错 (false).
    """

    name: str
    kind: QuestionKind
    count: int
    options: int

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidPaper("a section needs a name", section=self.name)
        if self.kind not in KINDS:
            raise InvalidPaper(
                f"section {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}",
                section=self.name,
            )
        if self.count < 1:
            raise InvalidPaper(
                f"section {self.name!r}: needs at least one question, got {self.count}",
                section=self.name,
            )
        if self.kind == "truefalse" and self.options != 2:
            raise InvalidPaper(
                f"section {self.name!r}: true/false questions have 2 options, got {self.options}",
                section=self.name,
            )
        if not 2 <= self.options <= MAX_OPTIONS:
            raise InvalidPaper(
                f"section {self.name!r}: options must be 2..{MAX_OPTIONS}, got {self.options}",
                section=self.name,
            )


@dataclass(frozen=True)
class PaperSpec:
    """The objective sections in paper order; question numbers run on across sections."""

    sections: tuple[SectionSpec, ...]

    def __post_init__(self) -> None:
        if not self.sections:
            raise InvalidPaper("the paper has no objective section to put on a sheet")
        names = [s.name for s in self.sections]
        for name in names:
            if names.count(name) > 1:
                raise InvalidPaper(f"section name {name!r} is used twice", section=name)

    @property
    def question_count(self) -> int:
        return sum(s.count for s in self.sections)


@dataclass(frozen=True)
class QuestionLayout:
    """A question's row of bubbles; `number` is unique across the whole exam."""

    number: int
    section: str
    kind: str
    options: tuple[Bubble, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "section": self.section,
            "kind": self.kind,
            "options": [b.to_json() for b in self.options],
        }


@dataclass(frozen=True)
class SectionTitle:
    """A printed section heading such as "一、单项选择题（第1–60题）"."""

    text: str
    rect: Rect


@dataclass(frozen=True)
class HeaderField:
    """A labelled header box: the label is printed in `label_box`, the value in `value_box`."""

    label: str
    label_box: Rect
    value_box: Rect


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header's parts go. On spare sheets the candidate boxes stay empty for
    handwriting and `admission_no` is None (the page's `AdmissionGrid` replaces it)."""

    title: Rect
    name: HeaderField
    admission_no: HeaderField | None
    room: HeaderField
    seat: HeaderField
    page_label: HeaderField
    spare_serial: HeaderField | None
    instructions: Rect
    fill_example: Rect
    footer: Rect
    # A candidate's page 1 only: the 考生签名 box, the 缺考标记 box (its value box holds
    # `PageLayout.absence_mark`) and the box where the sitting (考试时间) is printed.
    signature: HeaderField | None = None
    absence: HeaderField | None = None
    exam_time: Rect | None = None


@dataclass(frozen=True)
class AdmissionGrid:
    """An admission-number grid: `bubbles[col][digit]`, digits 0-9 downwards; on a spare
    sheet with a box above each column for writing the digit by hand (`write_boxes`; none
    on a candidate sheet, whose number is printed beside the grid)."""

    digits: int
    bubbles: tuple[tuple[Bubble, ...], ...]
    write_boxes: tuple[Rect, ...]
    frame: Rect
    label: Rect

    def to_json(self) -> dict[str, Any]:
        return {
            "digits": self.digits,
            "bubbles": [[b.to_json() for b in col] for col in self.bubbles],
        }


@dataclass(frozen=True)
class PageLayout:
    number: int
    fiducials: tuple[Rect, ...]
    qr: Rect
    questions: tuple[QuestionLayout, ...]
    header: HeaderLayout
    admission_grid: AdmissionGrid | None = None
    section_titles: tuple[SectionTitle, ...] = ()
    blocks: tuple[Rect, ...] = ()  # one frame per group of up to 5 questions
    # The second copy of the page's QR code (the same payload), bottom left.
    qr2: Rect = field(default=Rect(*QR2_RECT_MM))
    # The 缺考标记 box a candidate's page 1 carries, filled by the invigilator (None elsewhere).
    absence_mark: Bubble | None = None

    @property
    def qr_codes(self) -> tuple[Rect, Rect]:
        """Both QR areas, the top-right (first) one first."""
        return (self.qr, self.qr2)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "page": self.number,
            "fiducials": [f.to_json() for f in self.fiducials],
            "qr": self.qr.to_json(),
            "qr2": self.qr2.to_json(),
            "questions": [q.to_json() for q in self.questions],
        }
        if self.admission_grid is not None:
            out["admission_grid"] = self.admission_grid.to_json()
        if self.absence_mark is not None:
            out["absence_mark"] = self.absence_mark.to_json()
        return out


@dataclass(frozen=True)
class SheetLayout:
    pages: tuple[PageLayout, ...]
    spare: bool
    layout_hash: str
    paper: PaperSpec
    admission_digits: int
    page_size_mm: tuple[float, float] = field(default=A4_MM)

    @property
    def questions(self) -> tuple[QuestionLayout, ...]:
        return tuple(q for p in self.pages for q in p.questions)

    def page(self, number: int) -> PageLayout:
        """The page numbered `number` (1-based)."""
        if not 1 <= number <= len(self.pages):
            raise IndexError(f"page {number} not in 1..{len(self.pages)}")
        return self.pages[number - 1]

    def to_json_dict(self, exam_code: str) -> dict[str, Any]:
        """The `layout --json` document of issue 4 (spare pages add "admission_grid")."""
        return {
            "exam_code": exam_code,
            "layout_hash": self.layout_hash,
            "page_size_mm": [_num(v) for v in self.page_size_mm],
            "pages": [p.to_json() for p in self.pages],
        }


def _bubble_places(page: PageLayout) -> tuple[tuple[object, ...], ...]:
    rows: list[tuple[object, ...]] = [
        (q.kind, b.label, b.x_mm, b.y_mm, b.w_mm, b.h_mm) for q in page.questions for b in q.options
    ]
    if page.admission_grid is not None:
        rows.extend(
            ("grid", b.label, b.x_mm, b.y_mm, b.w_mm, b.h_mm)
            for column in page.admission_grid.bubbles
            for b in column
        )
    if page.absence_mark is not None:
        b = page.absence_mark
        rows.append(("absence", b.label, b.x_mm, b.y_mm, b.w_mm, b.h_mm))
    return tuple(rows)


def alike_pages(layout: SheetLayout, number: int) -> tuple[int, ...]:
    """The pages of ``layout`` whose bubbles stand exactly where page ``number``'s do, of
    the same kinds and labels (``number`` among them): only their question numbers tell
    them apart, so marks measured on one are, question by question in order, those of any."""
    places = _bubble_places(layout.page(number))
    return tuple(p.number for p in layout.pages if _bubble_places(p) == places)


def section_heading(index: int, section: SectionSpec, first: int, continued: bool) -> str:
    """Printed heading of a section: "一、单项选择题（第1–60题）"; "（续）" on a follow-on page."""
    numeral = CHINESE_NUMERALS[index] if index < len(CHINESE_NUMERALS) else str(index + 1)
    last = first + section.count - 1
    span = f"第{first}题" if first == last else f"第{first}–{last}题"
    hint = "，正确的涂“对”，错误的涂“错”" if section.kind == "truefalse" else ""
    suffix = "（续）" if continued else f"（{span}{hint}）"
    return f"{numeral}、{section.name}{suffix}"


def build_layout(
    paper: PaperSpec, *, spare: bool = False, admission_digits: int = 9
) -> SheetLayout:
    """Lay the paper out on as many A4 pages as it needs."""
    if not 1 <= admission_digits <= MAX_ADMISSION_DIGITS:
        raise LayoutError(
            f"admission_digits must be 1..{MAX_ADMISSION_DIGITS}, got {admission_digits}"
        )
    for section in paper.sections:
        if _block_width(section.options) > CONTENT_X1 - CONTENT_X0:
            raise InvalidPaper(
                f"section {section.name!r}: {section.options} options do not fit across the page",
                section=section.name,
            )

    rows = _block_rows(paper)
    pages: list[PageLayout] = []
    page_no = 0
    i = 0
    while True:  # a paper has at least one question, so at least one page
        page_no += 1
        first = page_no == 1
        header, grid, top = _header(spare=spare, first=first, digits=admission_digits)
        absence = _absence_mark(header)
        y = top
        questions: list[QuestionLayout] = []
        titles: list[SectionTitle] = []
        blocks: list[Rect] = []
        current_section: int | None = None
        placed_any = False
        while i < len(rows):
            row = rows[i]
            needs_title = row.section_index != current_section
            height = _block_height(row.max_questions) + (SECTION_TITLE_H if needs_title else 0.0)
            if needs_title and current_section is not None:
                height += SECTION_GAP
            if y + height > CONTENT_Y1 and placed_any:
                break
            if needs_title:
                if current_section is not None:
                    y += SECTION_GAP
                section = paper.sections[row.section_index]
                continued = row.first_number != row.section_first_number
                text = section_heading(
                    row.section_index, section, row.section_first_number, continued
                )
                titles.append(
                    SectionTitle(
                        text, Rect(CONTENT_X0, y, CONTENT_X1 - CONTENT_X0, SECTION_TITLE_H)
                    )
                )
                y += SECTION_TITLE_H
                current_section = row.section_index
            questions.extend(_place_row(paper, row, y, blocks))
            y += _block_height(row.max_questions) + BLOCK_GAP_Y
            placed_any = True
            i += 1
        if not placed_any and i < len(rows):
            raise LayoutError("a block of questions does not fit on an empty page")
        pages.append(
            PageLayout(
                number=page_no,
                fiducials=_fiducials(),
                qr=Rect(*QR_RECT_MM),
                qr2=Rect(*QR2_RECT_MM),
                questions=tuple(questions),
                header=header,
                admission_grid=grid,
                section_titles=tuple(titles),
                blocks=tuple(blocks),
                absence_mark=absence,
            )
        )
        if i >= len(rows):
            break

    pages_t = tuple(pages)
    return SheetLayout(
        pages=pages_t,
        spare=spare,
        layout_hash=_layout_hash(pages_t, spare=spare),
        paper=paper,
        admission_digits=admission_digits,
    )


# --- internals -------------------------------------------------------------------


@dataclass(frozen=True)
class _BlockRow:
    """Blocks of one section that sit side by side on one line of the page."""

    section_index: int
    section_first_number: int
    first_number: int
    block_sizes: tuple[int, ...]  # questions in each block (5, or fewer for the last)
    columns: int  # blocks per line in this section, the same on all its lines

    @property
    def max_questions(self) -> int:
        return max(self.block_sizes)


def _block_height(questions: int) -> float:
    return questions * ROW_PITCH


def _block_width(options: int) -> float:
    return NUMBER_W + options * OPTION_PITCH


def _columns(options: int) -> int:
    width = CONTENT_X1 - CONTENT_X0
    return max(1, int((width + BLOCK_GAP_X) // (_block_width(options) + BLOCK_GAP_X)))


def _block_rows(paper: PaperSpec) -> list[_BlockRow]:
    rows: list[_BlockRow] = []
    number = 1
    for index, section in enumerate(paper.sections):
        sizes = [min(GROUP, section.count - k) for k in range(0, section.count, GROUP)]
        # As many lines as the width forces, then the blocks shared evenly between them
        # (8 blocks that fit 7 to a line go 4 + 4, not 7 + 1).
        lines = -(-len(sizes) // _columns(section.options))
        per_row = -(-len(sizes) // lines)
        first_of_section = number
        for k in range(0, len(sizes), per_row):
            chunk = tuple(sizes[k : k + per_row])
            rows.append(_BlockRow(index, first_of_section, number, chunk, per_row))
            number += sum(chunk)
    return rows


def _option_labels(section: SectionSpec) -> tuple[str, ...]:
    return tuple(string.ascii_uppercase[: section.options])


def _place_row(
    paper: PaperSpec, row: _BlockRow, top: float, blocks: list[Rect]
) -> list[QuestionLayout]:
    section = paper.sections[row.section_index]
    labels = _option_labels(section)
    column_pitch = (CONTENT_X1 - CONTENT_X0) / row.columns
    width = _block_width(section.options)
    out: list[QuestionLayout] = []
    number = row.first_number
    for col, size in enumerate(row.block_sizes):
        # Centre each block in its column so the spare width is shared out evenly.
        x0 = CONTENT_X0 + col * column_pitch + (column_pitch - width) / 2
        blocks.append(Rect(x0, top, width, _block_height(size)))
        for r in range(size):
            cy = top + (r + 0.5) * ROW_PITCH
            bubbles = tuple(
                Bubble(
                    label,
                    x0 + NUMBER_W + (j + 0.5) * OPTION_PITCH,
                    cy,
                    BUBBLE_W,
                    BUBBLE_H,
                )
                for j, label in enumerate(labels)
            )
            out.append(QuestionLayout(number, section.name, section.kind, bubbles))
            number += 1
    return out


def _fiducials() -> tuple[Rect, ...]:
    w, h = A4_MM
    c = FIDUCIAL_INSET

    def square(cx: float, cy: float, size: float) -> Rect:
        return Rect(cx - size / 2, cy - size / 2, size, size)

    # Order: top-left (large), top-right, bottom-left, bottom-right.
    return (
        square(c, c, FIDUCIAL_BIG),
        square(w - c, c, FIDUCIAL_SMALL),
        square(c, h - c, FIDUCIAL_SMALL),
        square(w - c, h - c, FIDUCIAL_SMALL),
    )


def _header(
    *, spare: bool, first: bool, digits: int
) -> tuple[HeaderLayout, AdmissionGrid | None, float]:
    """The header boxes, the admission grid (page 1 only) and the y where questions start."""
    title = Rect(20.0, 9.0, 170.0, 8.0)
    # Right of the second QR code and its quiet zone.
    footer = Rect(42.0, 281.0, 148.0, 6.0)
    x0, row_h, top = CONTENT_X0, 8.0, 20.0
    if not spare and first:
        return _candidate_first_header(title, footer, digits)
    if not spare:
        # Row 1: 姓名 | name | 准考证号 | number ; row 2: 考场 | room | 座位号 | seat | 页码 | i/n
        name = HeaderField("姓名", Rect(x0, top, 16, row_h), Rect(x0 + 16, top, 50, row_h))
        adm = HeaderField("准考证号", Rect(x0 + 66, top, 20, row_h), Rect(x0 + 86, top, 54, row_h))
        y2 = top + row_h
        room = HeaderField("考场", Rect(x0, y2, 16, row_h), Rect(x0 + 16, y2, 30, row_h))
        seat = HeaderField("座位号", Rect(x0 + 46, y2, 20, row_h), Rect(x0 + 66, y2, 24, row_h))
        page = HeaderField("页码", Rect(x0 + 90, y2, 16, row_h), Rect(x0 + 106, y2, 34, row_h))
        box_top = y2 + row_h + 3.0
        instructions = Rect(x0, box_top, 84.0, 16.0)
        example = Rect(x0 + 86.0, box_top, 54.0, 16.0)
        header = HeaderLayout(
            title, name, adm, room, seat, page, None, instructions, example, footer
        )
        return header, None, box_top + 16.0 + 3.0

    # Spare: a narrower table on the left; the admission grid between it and the QR.
    w_left = 86.0
    name = HeaderField("姓名", Rect(x0, top, 16, row_h), Rect(x0 + 16, top, w_left - 16, row_h))
    y2 = top + row_h
    room = HeaderField("考场", Rect(x0, y2, 16, row_h), Rect(x0 + 16, y2, 32, row_h))
    seat = HeaderField(
        "座位号", Rect(x0 + 48, y2, 20, row_h), Rect(x0 + 68, y2, w_left - 68, row_h)
    )
    y3 = y2 + row_h
    page = HeaderField("页码", Rect(x0, y3, 16, row_h), Rect(x0 + 16, y3, 32, row_h))
    serial = HeaderField(
        "备用卡号", Rect(x0 + 48, y3, 20, row_h), Rect(x0 + 68, y3, w_left - 68, row_h)
    )
    box_top = y3 + row_h + 2.0
    instructions = Rect(x0, box_top, w_left, 13.0)
    example = Rect(x0, box_top + 13.0, w_left, 10.0)
    header = HeaderLayout(
        title, name, None, room, seat, page, serial, instructions, example, footer
    )
    grid_bottom = box_top + 23.0
    grid: AdmissionGrid | None = None
    if first:
        grid = _admission_grid(digits, left=x0 + w_left + 3.0, right=QR_RECT_MM[0] - 4.0, top=top)
        grid_bottom = max(grid_bottom, grid.frame.bottom)
    return header, grid, grid_bottom + 3.0


def _candidate_first_header(
    title: Rect, footer: Rect, digits: int
) -> tuple[HeaderLayout, AdmissionGrid, float]:
    """A candidate's page 1: a compact table on the left (name and number printed, the
    signature and absence boxes), the grid the candidate fills in the middle, the sitting
    under the QR code."""
    x0, h, top = CONTENT_X0, 8.0, 20.0
    y2, y3 = top + h, top + 2 * h
    name = HeaderField("姓名", Rect(x0, top, 12, h), Rect(x0 + 12, top, 32, h))
    adm = HeaderField("准考证号", Rect(x0 + 44, top, 16, h), Rect(x0 + 60, top, 26, h))
    room = HeaderField("考场", Rect(x0, y2, 12, h), Rect(x0 + 12, y2, 18, h))
    seat = HeaderField("座位号", Rect(x0 + 30, y2, 14, h), Rect(x0 + 44, y2, 14, h))
    page = HeaderField("页码", Rect(x0 + 58, y2, 10, h), Rect(x0 + 68, y2, 18, h))
    signature = HeaderField("考生签名", Rect(x0, y3, 16, h), Rect(x0 + 16, y3, 40, h))
    absence = HeaderField("缺考标记", Rect(x0 + 56, y3, 16, h), Rect(x0 + 72, y3, 14, h))
    instructions = Rect(x0, y3 + h + 2.0, 86.0, 12.5)
    example = Rect(x0, instructions.bottom + 1.5, 86.0, 8.5)
    grid = _admission_grid(
        digits, left=x0 + 89.0, right=QR_RECT_MM[0] - 4.0, top=top, write_boxes=False
    )
    # Under the QR code and its 4-module quiet zone.
    qr_bottom = QR_RECT_MM[1] + QR_RECT_MM[3] + 3.0
    exam_time = Rect(
        grid.frame.right + 3.0, qr_bottom + 1.0, CONTENT_X1 - grid.frame.right - 3.0, 18.0
    )
    header = HeaderLayout(
        title,
        name,
        adm,
        room,
        seat,
        page,
        None,
        instructions,
        example,
        footer,
        signature=signature,
        absence=absence,
        exam_time=exam_time,
    )
    return header, grid, CANDIDATE_FIRST_TOP


def _absence_mark(header: HeaderLayout) -> Bubble | None:
    if header.absence is None:
        return None
    cx, cy = header.absence.value_box.centre
    return Bubble(ABSENCE_LABEL, cx, cy, ABSENCE_W, ABSENCE_H)


def _admission_grid(
    digits: int, *, left: float, right: float, top: float, write_boxes: bool = True
) -> AdmissionGrid:
    # Long admission numbers squeeze the columns rather than push into the QR's quiet zone.
    pitch = min(GRID_COL_PITCH, (right - left) / digits)
    bubble_w = min(GRID_BUBBLE_W, pitch - 1.0)
    width = digits * pitch
    # A spare's grid is centred in its room; a candidate's keeps to the left of it, so the
    # two grids' columns do not stand in the same places (an unidentified page's printed
    # grid tells the designs apart).
    x0 = left + (right - left - width) / 2 if write_boxes else left
    label = Rect(x0, top, width, GRID_LABEL_H)
    write_top = top + GRID_LABEL_H
    write_h = GRID_WRITE_H if write_boxes else 0.0
    boxes = tuple(
        Rect(x0 + c * pitch, write_top, pitch, GRID_WRITE_H) for c in range(digits) if write_boxes
    )
    bubbles_top = write_top + write_h + 1.0
    cols = tuple(
        tuple(
            Bubble(
                str(d),
                x0 + (c + 0.5) * pitch,
                bubbles_top + (d + 0.5) * GRID_ROW_PITCH,
                bubble_w,
                GRID_BUBBLE_H,
            )
            for d in range(10)
        )
        for c in range(digits)
    )
    frame = Rect(x0, top, width, GRID_LABEL_H + write_h + 1.0 + 10 * GRID_ROW_PITCH + 1.0)
    return AdmissionGrid(digits, cols, boxes, frame, label)


def _r(v: float) -> float:
    return round(v, 3)


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else _r(v)


def _layout_hash(pages: tuple[PageLayout, ...], *, spare: bool) -> str:
    # Everything a reader depends on, canonically serialised: fiducials, QR,
    # every bubble (with section and kind), the spare grid. Printed text such as
    # the exam title is not geometry and deliberately does not enter the hash.
    canonical = {
        "v": 1,
        "page_size_mm": [_num(v) for v in A4_MM],
        "spare": spare,
        "pages": [p.to_json() for p in pages],
    }
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode("ascii")).hexdigest()[:16]
