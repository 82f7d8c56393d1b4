"""scans.read.grid: a candidate sheet's admission grid and 缺考标记 box, through the real
pipeline (scans.render.output draws the page, scans.simulate.pages fills and scans it,
scans.read.page reads the pixels), and the grid checked against the QR code."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import PaperSpec, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload
from scans.read.grid import MISMATCH_TEXT, IdentityCheck, check_identity
from scans.read.model import AbsenceStatus, GridStatus, QuestionStatus
from scans.read.page import PageRead, PageStatus, read_page, redecide
from scans.render.canvas import MM_PER_INCH
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, MarkStyle, draw_marks, scan_page

SECRET = b"grid-secret"
EXAM = "EX2022"
OWN = "202207001"
OTHER = "202207014"  # the candidate whose sheet this really is, in a swap
PAPER = PaperSpec(
    (SectionSpec("单项选择题", "single", 20, 4), SectionSpec("判断题", "truefalse", 10, 2))
)
DPI = 200
Gray = npt.NDArray[np.uint8]


@cache
def _layout(spare: bool = False) -> SheetLayout:
    return build_layout(PAPER, spare=spare)


def _layouts() -> dict[str, SheetLayout]:
    return {layout.layout_hash: layout for layout in (_layout(), _layout(True))}


@cache
def _clean() -> Gray:
    layout = _layout()
    payload = make_payload(
        exam_code=EXAM,
        admission_no=OWN,
        spare_serial=None,
        page=1,
        pages=len(layout.pages),
        layout_hash=layout.layout_hash,
        secret=SECRET,
    )
    header = SheetHeader(
        title="练兵比武 测试",
        name="张三",
        admission_no=OWN,
        room="01",
        seat="1",
        exam_date="2022年7月10日 09:00—11:00",
    )
    return render_page(layout, 1, header, payload, DPI)


def _answers() -> dict[int, list[tuple[str, MarkStyle]]]:
    page = _layout().pages[0]
    return {
        q.number: [(q.options[q.number % len(q.options)].label, MarkStyle.FIRM)]
        for q in page.questions
    }


def _absence_filled(image: Gray) -> Gray:
    """The invigilator's fill of the 缺考标记 box: soft pencil over most of it."""
    mark = _layout().pages[0].absence_mark
    assert mark is not None
    s = DPI / MM_PER_INCH
    r = mark.rect
    out = image.copy()
    x0, y0 = round((r.x_mm + 0.4) * s), round((r.y_mm + 0.4) * s)
    x1, y1 = round((r.right - 0.4) * s), round((r.bottom - 0.4) * s)
    cv2.rectangle(out, (x0, y0), (x1, y1), 70, thickness=-1)
    return out


def _scan_and_read(filled: Gray, seed: int = 3) -> PageRead:
    image, _ = scan_page(
        filled,
        dpi_in=DPI,
        dpi_out=DPI,
        rng=np.random.default_rng(seed),
        profile=REALISTIC,
        rotation=180 if seed % 2 else 0,
        skew_deg=1.2,
        perspective=0.0,
    )
    read = read_page(image, secret=SECRET, exam_code=EXAM, layouts=_layouts())
    assert read.status is PageStatus.READ, read.reason
    return read


def _filled(grid: str | None, answered: bool = True) -> Gray:
    marks = _answers() if answered else {}
    return draw_marks(_clean(), _layout().pages[0], marks, dpi=DPI, seed=5, grid=grid)


def test_the_filled_number_is_read_and_agrees_with_the_qr_code() -> None:
    read = _scan_and_read(_filled(OWN))
    grid = read.admission_grid
    assert grid is not None and grid.status is GridStatus.OK and grid.digits == OWN
    assert read.payload is not None and read.payload.admission_no == OWN
    finding = check_identity(read.payload.admission_no, grid)
    assert finding.check is IdentityCheck.MATCH and finding.reason == ""
    # The grid's 90 bubbles do not disturb the answers.
    assert all(q.status is QuestionStatus.OK for q in read.questions)
    expected = {n: m[0][0] for n, m in _answers().items()}
    assert {q.number: q.marks for q in read.questions} == expected
    assert read.absence is not None and read.absence.status is AbsenceStatus.EMPTY


def test_a_swapped_sheet_shows_both_numbers() -> None:
    read = _scan_and_read(_filled(OTHER), seed=4)
    assert read.admission_grid is not None and read.admission_grid.digits == OTHER
    assert read.payload is not None
    finding = check_identity(read.payload.admission_no or "", read.admission_grid)
    assert finding.check is IdentityCheck.MISMATCH
    assert (finding.qr_number, finding.grid_number) == (OWN, OTHER)
    assert MISMATCH_TEXT in finding.reason
    assert OWN in finding.reason and OTHER in finding.reason


def test_a_blank_grid_is_noted_not_an_error() -> None:
    read = _scan_and_read(_filled(None), seed=6)
    grid = read.admission_grid
    assert grid is not None and grid.status is GridStatus.BLANK
    finding = check_identity(OWN, grid)
    assert finding.check is IdentityCheck.BLANK
    assert "未填涂" in finding.reason and OWN in finding.reason


def test_a_partly_filled_grid_that_agrees_is_only_noted() -> None:
    read = _scan_and_read(_filled(OWN[:5]), seed=8)
    grid = read.admission_grid
    assert grid is not None and grid.status is GridStatus.INCOMPLETE
    assert grid.digits == OWN[:5] + "?" * (len(OWN) - 5)
    assert check_identity(OWN, grid).check is IdentityCheck.UNCLEAR
    # ... but one certain digit that differs makes it a mismatch.
    wrong = _scan_and_read(_filled("3" + OWN[1:5]), seed=8)
    assert check_identity(OWN, wrong.admission_grid).check is IdentityCheck.MISMATCH


def test_a_shorter_number_leaves_the_last_columns_empty() -> None:
    read = _scan_and_read(_filled(OWN[:8]), seed=10)
    assert check_identity(OWN[:8], read.admission_grid).check is IdentityCheck.MATCH


def test_the_absence_box_marked_by_the_invigilator_is_read() -> None:
    read = _scan_and_read(_absence_filled(_filled(None, answered=False)), seed=7)
    assert read.absence is not None and read.absence.status is AbsenceStatus.MARKED
    assert read.absence.fill > 0.8
    assert all(q.status is QuestionStatus.BLANK for q in read.questions)
    # Decided again from the stored numbers, without the image: the same.
    again = redecide(read)
    assert again.absence is not None and again.absence.status is AbsenceStatus.MARKED
    assert again.admission_grid is not None
    assert again.admission_grid.status is read.admission_grid.status  # type: ignore[union-attr]


def test_later_pages_and_spares_have_no_absence_box() -> None:
    assert _layout(True).pages[0].absence_mark is None
    long = build_layout(PaperSpec((SectionSpec("单项选择题", "single", 300, 4),)))
    assert long.pages[0].absence_mark is not None
    assert all(p.absence_mark is None and p.admission_grid is None for p in long.pages[1:])
