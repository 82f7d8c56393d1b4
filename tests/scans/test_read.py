"""scans.read.page: real rendered sheets, marked with pencil strokes, scanned with damage, read.

Every page here goes through the real pipeline: scans.render.output draws it, scans.simulate.pages
marks and scans it, scans.read.page reads the pixels. Nothing is mocked.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scans.layout import PaperSpec, Rect, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload
from scans.read.decide import UNDER_STREAK
from scans.read.geometry import find_page, project, work_image
from scans.read.model import bubble_key
from scans.read.page import (
    READER_VERSION,
    GridStatus,
    PageRead,
    PageStatus,
    QuestionMeasures,
    QuestionStatus,
    ReadParams,
    RejectKind,
    Thresholds,
    decide,
    decide_question,
    estimate_thresholds,
    read_page,
    redecide,
)
from scans.render.canvas import blit_qr
from scans.render.output import SheetHeader, qr_matrix, render_page
from scans.simulate.pages import REALISTIC, MarkStyle, draw_marks, gentle, scan_page

SECRET = b"test-secret"
EXAM = "EX2022"
ADMISSION = "202207001"
PAPER = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 20, 4),
        SectionSpec("多项选择题", "multi", 10, 5),
        SectionSpec("判断题", "truefalse", 10, 2),
    )
)
Marks = Mapping[int, Sequence[tuple[str, MarkStyle]]]
Gray = npt.NDArray[np.uint8]


@cache
def _layout(spare: bool = False) -> SheetLayout:
    return build_layout(PAPER, spare=spare)


def _layouts() -> dict[str, SheetLayout]:
    return {_layout().layout_hash: _layout(), _layout(True).layout_hash: _layout(True)}


@cache
def _clean(
    dpi: int = 200,
    *,
    spare: bool = False,
    exam: str = EXAM,
    secret: bytes = SECRET,
    payload: str | None = None,
) -> Gray:
    layout = _layout(spare)
    if payload is None:
        payload = make_payload(
            exam_code=exam,
            admission_no=None if spare else ADMISSION,
            spare_serial=3 if spare else None,
            page=1,
            pages=len(layout.pages),
            layout_hash=layout.layout_hash,
            secret=secret,
        )
    header = SheetHeader(
        title="练兵比武 测试",
        name=None if spare else "张三",
        admission_no=None if spare else ADMISSION,
        room=None if spare else "01",
        seat=None if spare else "12",
        spare_serial=3 if spare else None,
    )
    return render_page(layout, 1, header, payload, dpi)


def _answers() -> dict[int, str]:
    """One answer for every question: the letters cycle so every option is used."""
    out: dict[int, str] = {}
    for q in _layout().pages[0].questions:
        labels = [b.label for b in q.options]
        if q.kind == "multi":
            out[q.number] = "".join(sorted({labels[q.number % 5], labels[(q.number + 2) % 5]}))
        else:
            out[q.number] = labels[q.number % len(labels)]
    return out


def _firm(answers: Mapping[int, str]) -> dict[int, list[tuple[str, MarkStyle]]]:
    return {n: [(label, MarkStyle.FIRM) for label in a] for n, a in answers.items()}


def _scan(
    filled: Gray,
    *,
    dpi_in: int = 200,
    dpi_out: int | None = None,
    rotation: int = 0,
    skew: float = 0.0,
    perspective: float = 0.0,
    seed: int = 0,
    damage: bool = True,
) -> Gray:
    profile = REALISTIC if damage else gentle(REALISTIC)
    image, _ = scan_page(
        filled,
        dpi_in=dpi_in,
        dpi_out=dpi_out or dpi_in,
        rng=np.random.default_rng(seed),
        profile=profile,
        rotation=rotation,
        skew_deg=skew,
        perspective=perspective,
    )
    return image


def _read(image: Gray, *, overlay: bool = False, secret: bytes = SECRET) -> PageRead:
    return read_page(image, secret=secret, exam_code=EXAM, layouts=_layouts(), overlay=overlay)


def _marks_of(read: PageRead) -> dict[int, str]:
    return {q.number: q.marks for q in read.questions}


@cache
def _answered(dpi: int = 200) -> Gray:
    return draw_marks(_clean(dpi), _layout().pages[0], _firm(_answers()), dpi=dpi, seed=1)


def _assert_all_ok(read: PageRead) -> None:
    assert read.status is PageStatus.READ, read.reason
    assert [q.status for q in read.questions] == [QuestionStatus.OK] * len(read.questions)
    assert _marks_of(read) == _answers()


# --- a clean sheet, and a plainly answered one ------------------------------------------


def test_clean_page_reads_every_question_blank() -> None:
    read = _read(_scan(_clean(), damage=False))
    assert read.status is PageStatus.READ
    assert read.payload is not None and read.payload.admission_no == ADMISSION
    assert read.payload.layout_hash == _layout().layout_hash and read.payload.page == 1
    assert all(q.status is QuestionStatus.BLANK and q.marks == "" for q in read.questions)
    assert read.rotation == 0 and read.residual_mm is not None and read.residual_mm < 0.3
    assert read.reader_version == READER_VERSION
    assert read.timings_ms["total"] > 0


def test_answered_page_is_read_exactly() -> None:
    _assert_all_ok(_read(_scan(_answered())))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_every_orientation(rotation: int) -> None:
    read = _read(_scan(_answered(), rotation=rotation, seed=rotation))
    _assert_all_ok(read)
    assert read.rotation == rotation


@pytest.mark.parametrize("skew", [-10.0, 10.0])
def test_skew_up_to_ten_degrees(skew: float) -> None:
    read = _read(_scan(_answered(), skew=skew, rotation=180 if skew > 0 else 0))
    _assert_all_ok(read)
    assert read.skew_deg == pytest.approx(skew, abs=0.5)


def test_phone_photo_perspective() -> None:
    _assert_all_ok(_read(_scan(_answered(), perspective=0.03, skew=4.0, seed=3)))


@pytest.mark.parametrize(("dpi_in", "dpi_out"), [(150, 150), (200, 300), (200, 600)])
def test_scales_from_150_to_600_dpi(dpi_in: int, dpi_out: int) -> None:
    read = _read(_scan(_answered(dpi_in), dpi_in=dpi_in, dpi_out=dpi_out, skew=2.0))
    _assert_all_ok(read)
    assert read.px_per_mm == pytest.approx(dpi_out / 25.4, rel=0.03)


def test_colour_input_is_accepted() -> None:
    image = _scan(_answered(), seed=5)
    _assert_all_ok(_read(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)))


# --- mark styles --------------------------------------------------------------------------

F, S, H, L = MarkStyle.FIRM, MarkStyle.SCRIBBLE, MarkStyle.HALF, MarkStyle.LIGHT
# question: (what is drawn, the statuses allowed, the marks required when status is ok)
STYLE_CASES: dict[int, tuple[list[tuple[str, MarkStyle]], set[QuestionStatus], str | None]] = {
    1: ([("A", F)], {QuestionStatus.OK}, "A"),
    2: ([("B", S)], {QuestionStatus.OK}, "B"),
    3: ([("C", MarkStyle.OVERFILL)], {QuestionStatus.OK}, "C"),
    4: ([("D", H)], {QuestionStatus.OK}, "D"),
    5: ([("A", L)], {QuestionStatus.OK}, "A"),
    6: ([("B", MarkStyle.FAINT)], {QuestionStatus.AMBIGUOUS}, None),
    7: ([("C", MarkStyle.TICK)], {QuestionStatus.AMBIGUOUS, QuestionStatus.OK}, "C"),
    8: ([("D", MarkStyle.CROSS)], {QuestionStatus.AMBIGUOUS, QuestionStatus.OK}, "D"),
    9: ([("A", MarkStyle.ERASED)], {QuestionStatus.AMBIGUOUS}, None),
    10: ([("A", MarkStyle.ERASED), ("C", F)], {QuestionStatus.OK}, "C"),
    11: ([("A", F), ("C", F)], {QuestionStatus.MULTIPLE}, None),
    12: ([("B", MarkStyle.STRAY)], {QuestionStatus.BLANK}, None),
    13: ([("B", MarkStyle.STRAY), ("D", F)], {QuestionStatus.OK}, "D"),
    14: ([("A", MarkStyle.DOT), ("B", F)], {QuestionStatus.OK, QuestionStatus.AMBIGUOUS}, "B"),
    15: ([], {QuestionStatus.BLANK}, None),
    # multiple-answer items
    21: ([("A", F), ("C", S), ("E", H)], {QuestionStatus.OK}, "ACE"),
    # an erasure beside a firm mark on a multiple-answer item: a human decides (a faint
    # answer looks the same there)
    22: ([("B", F), ("D", MarkStyle.ERASED)], {QuestionStatus.AMBIGUOUS}, None),
    23: ([("A", F), ("B", L)], {QuestionStatus.OK}, "AB"),
    24: ([("E", MarkStyle.FAINT), ("A", F)], {QuestionStatus.AMBIGUOUS}, None),
    # true/false
    31: ([("A", F)], {QuestionStatus.OK}, "A"),
    32: ([("B", S)], {QuestionStatus.OK}, "B"),
    33: ([("A", F), ("B", F)], {QuestionStatus.MULTIPLE}, None),
    34: ([("B", MarkStyle.ERASED), ("A", F)], {QuestionStatus.OK}, "A"),
}


@cache
def _styles_read() -> PageRead:
    marks: dict[int, list[tuple[str, MarkStyle]]] = _firm(_answers())
    for number, (drawn, _, _) in STYLE_CASES.items():
        marks[number] = list(drawn)
    filled = draw_marks(_clean(), _layout().pages[0], marks, dpi=200, seed=11)
    return _read(_scan(filled, seed=11, skew=1.5), overlay=True)


@pytest.mark.parametrize("number", sorted(STYLE_CASES))
def test_each_mark_style_gets_its_status(number: int) -> None:
    drawn, allowed, marks = STYLE_CASES[number]
    question = _styles_read().questions[number - 1]
    assert question.number == number
    assert question.status in allowed, (drawn, question)
    if question.status is QuestionStatus.OK:
        assert question.marks == marks, (drawn, question)
    if question.status in (QuestionStatus.AMBIGUOUS, QuestionStatus.MULTIPLE):
        assert question.reason


def test_no_style_is_ever_read_as_a_different_answer() -> None:
    read = _styles_read()
    answers = _answers()
    for question in read.questions:
        if question.number not in STYLE_CASES:
            assert question.status is QuestionStatus.OK
            assert question.marks == answers[question.number]


def test_a_scribble_fills_every_quarter_of_its_bubble_and_a_tick_does_not() -> None:
    read = _styles_read()
    assert read.thresholds is not None
    spread_fill = {
        number: read.thresholds.fill(
            read.questions[number - 1].spread["ABCD".index(label)], bubble_key("single", label)
        )
        for number, label in ((2, "B"), (7, "C"))
    }
    assert spread_fill[2] >= ReadParams().stroke_spread > spread_fill[7]
    assert all(len(q.spread) == len(q.labels) for q in read.questions)


def test_a_loose_scribble_is_a_mark_where_a_tick_of_the_same_darkness_is_doubtful() -> None:
    thresholds = Thresholds(0.02, 0.62, (), 0.08, 0.42, 0.4)  # fill = (measure - 0.02) / 0.6
    params = ReadParams()

    def measure(fill: float) -> float:
        return 0.02 + 0.6 * fill

    def question(spread: tuple[float, ...]) -> QuestionMeasures:
        # Option A: a mark at 0.36 of the pencil level, 34 % of it solid pencil.
        return QuestionMeasures(
            1, "single", "ABCD", (measure(0.36), 0.02, 0.02, 0.02), (0.34, 0, 0, 0), True, spread
        )

    scribble = decide_question(question((measure(0.25), 0.02, 0.02, 0.02)), thresholds, params)
    tick = decide_question(question((measure(0.01), 0.02, 0.02, 0.02)), thresholds, params)
    unmeasured = decide_question(question(()), thresholds, params)  # a reader before 1.2
    assert (scribble.status, scribble.marks) == (QuestionStatus.OK, "A")
    assert tick.status is QuestionStatus.AMBIGUOUS and tick.marks == ""
    assert unmeasured.status is QuestionStatus.AMBIGUOUS


def test_overlay_is_an_upright_colour_picture() -> None:
    overlay = _styles_read().overlay
    assert overlay is not None and overlay.ndim == 3 and overlay.shape[2] == 3
    height, width, _ = overlay.shape
    assert height > width > 500
    # Flagged questions are outlined in red, certain marks in green.
    red = (overlay[:, :, 2] > 200) & (overlay[:, :, 1] < 60) & (overlay[:, :, 0] < 60)
    green = (overlay[:, :, 1] > 150) & (overlay[:, :, 0] < 80) & (overlay[:, :, 2] < 80)
    assert red.sum() > 50 and green.sum() > 500


# --- deciding again without the image ----------------------------------------------------


def test_decide_again_from_stored_measures_gives_the_same_answers() -> None:
    read = _styles_read()
    assert read.thresholds is not None
    assert decide(read.questions, read.thresholds) == read.questions
    again = redecide(read)
    assert again.questions == read.questions
    assert again.thresholds == read.thresholds


def test_new_parameters_change_decisions_without_rescanning() -> None:
    read = _styles_read()
    strict = redecide(read, ReadParams(mark_min=0.95, solid_cover=1.01))
    assert strict.questions != read.questions
    assert [q.measures for q in strict.questions] == [q.measures for q in read.questions]


def test_page_read_pickles() -> None:
    read = _styles_read()
    clone = pickle.loads(pickle.dumps(read))
    assert clone == read


@settings(max_examples=80, deadline=None)
@given(
    kind=st.sampled_from(["single", "multi", "truefalse"]),
    fills=st.lists(st.floats(min_value=-0.2, max_value=1.3), min_size=2, max_size=5),
    covers=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=5, max_size=5),
)
def test_decisions_never_pass_a_doubtful_bubble_silently(
    kind: str, fills: list[float], covers: list[float]
) -> None:
    params = ReadParams()
    if kind == "truefalse":
        fills = fills[:2]
    labels = "ABCDE"[: len(fills)]
    thresholds = estimate_thresholds([0.02] * 40 + [0.62] * 10, ["A"] * 50, params)
    measures = tuple(thresholds.blank_level + f * thresholds.contrast for f in fills)
    question = QuestionMeasures(1, kind, labels, measures, tuple(covers[: len(fills)]))
    (read,) = decide([question], thresholds, params)
    marked = [f >= params.mark_min for f in fills]
    unclear = [params.blank_max < f < params.mark_min for f in fills]
    if read.status is QuestionStatus.BLANK:
        assert read.marks == "" and all(f <= params.blank_max for f in fills)
    if read.status is QuestionStatus.OK:
        assert read.marks  # an answer, never an empty "ok"
        for label, is_marked in zip(labels, marked, strict=True):
            if is_marked:
                assert label in read.marks
        if any(u and label not in read.marks for u, label in zip(unclear, labels, strict=True)):
            assert kind != "multi" and "erased" in read.reason
    if read.status is QuestionStatus.MULTIPLE:
        assert kind in ("single", "truefalse") and len(read.marks) >= 2


# --- spare sheets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grid", "status", "digits"),
    [
        ("202207001", GridStatus.OK, "202207001"),
        ("2022070 1", GridStatus.INCOMPLETE, "2022070?1"),
        ("", GridStatus.BLANK, "?????????"),
    ],
)
def test_spare_sheet_admission_grid(grid: str, status: GridStatus, digits: str) -> None:
    layout = _layout(True)
    filled = draw_marks(
        _clean(spare=True), layout.pages[0], _firm({1: "A", 2: "B"}), dpi=200, seed=4, grid=grid
    )
    read = _read(_scan(filled, seed=4, rotation=180))
    assert read.status is PageStatus.READ, read.reason
    assert read.payload is not None and read.payload.spare_serial == 3
    assert read.payload.admission_no is None
    assert read.admission_grid is not None
    assert read.admission_grid.status is status, read.admission_grid
    assert read.admission_grid.digits == digits
    assert _marks_of(read)[1] == "A" and _marks_of(read)[2] == "B"


def test_two_digits_in_one_grid_column_are_flagged() -> None:
    layout = _layout(True)
    filled = draw_marks(_clean(spare=True), layout.pages[0], {}, dpi=200, seed=6, grid="123")
    extra = draw_marks(filled, layout.pages[0], {}, dpi=200, seed=7, grid=" 7")
    read = _read(_scan(extra, seed=6))
    assert read.admission_grid is not None
    assert read.admission_grid.status is GridStatus.MULTIPLE
    assert read.admission_grid.digits == "1?3??????"
    assert "column 2: digits 2, 7" in read.admission_grid.reason


# --- rejections ---------------------------------------------------------------------------


def _rejected(read: PageRead, kind: RejectKind) -> None:
    assert read.status is PageStatus.REJECTED
    assert read.reject_kind is kind, (read.reject_kind, read.reason)
    assert read.reason
    assert read.questions == ()


def test_page_without_a_sheet_is_rejected() -> None:
    rng = np.random.default_rng(0)
    paper = np.full((2339, 1654), 235, np.uint8)
    cv2.putText(paper, "a letter, not an answer sheet", (100, 400), 0, 2.0, 20, 4)
    noisy = np.clip(paper + rng.normal(0, 4, paper.shape), 0, 255).astype(np.uint8)
    _rejected(_read(noisy), RejectKind.PAGE_NOT_FOUND)


def test_too_small_an_image_is_rejected() -> None:
    _rejected(_read(np.zeros((50, 40), np.uint8)), RejectKind.IMAGE_UNUSABLE)


def _tear(image: Gray, rect: Rect, dpi: int = 200) -> Gray:
    """A QR code torn off with the paper round it."""
    torn = image.copy()
    s = dpi / 25.4
    torn[
        int((rect.y_mm - 2) * s) : int((rect.bottom + 2) * s),
        int((rect.x_mm - 2) * s) : int((rect.right + 2) * s),
    ] = 255
    return torn


def _streak(image: Gray, rect: Rect, dpi: int = 200, width_mm: float = 5.0) -> Gray:
    """A thick toner streak down the page across a QR code (the fiducials, the header
    and every bubble still legible)."""
    streaked = image.copy()
    s = dpi / 25.4
    x = rect.x_mm + rect.w_mm * 0.45
    streaked[
        int((rect.y_mm - 4) * s) : int((rect.bottom + 4) * s),
        int((x - width_mm / 2) * s) : int((x + width_mm / 2) * s),
    ] = 25
    return streaked


def _toner_line(image: Gray, x_mm: float, width_mm: float, keep: float, dpi: int = 200) -> Gray:
    """A thin dark line down the whole sheet (dirt on the scanner's glass): every pixel
    of those columns keeps only ``keep`` of its brightness."""
    streaked = image.astype(np.float32)
    s = dpi / 25.4
    streaked[:, int((x_mm - width_mm / 2) * s) : int((x_mm + width_mm / 2) * s)] *= keep
    return np.clip(streaked, 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("width_mm", "keep"), [(0.5, 0.4), (0.8, 0.3)])
def test_a_toner_streak_down_a_column_of_bubbles_is_not_read_as_marks(
    width_mm: float, keep: float
) -> None:
    # Down the middle of the bubbles of one option in the first block: the empty ones
    # under it look a third filled unless measured against the streak's own darker paper.
    bubble = _layout().pages[0].questions[0].options[2]
    image = _toner_line(_answered(), bubble.x_mm + 0.3, width_mm, keep)
    for seed, rotation in ((4, 0), (5, 180)):
        _assert_all_ok(_read(_scan(image, seed=seed, rotation=rotation)))


def test_a_toner_streak_along_a_row_of_bubbles_sends_its_questions_to_a_person() -> None:
    # The page fed sideways: a streak down the scan runs along a row of bubbles and covers
    # most of each one's height. Whether a bubble under it is filled cannot be seen: its
    # question waits for a person (with the reason), never read as a mark or as blank.
    image = _scan(_answered(), seed=6, rotation=90)
    fit = find_page(image, _layout().pages[0].fiducials, work_image(image))
    bubble = _layout().pages[0].questions[0].options[0]
    x = float(project(fit.homography, np.array([[bubble.x_mm, bubble.y_mm]]))[0, 0])
    streaked = image.astype(np.float32)
    streaked[:, round(x - 4) : round(x + 4)] *= 0.3
    read = _read(np.clip(streaked, 0, 255).astype(np.uint8))
    assert read.status is PageStatus.READ, read.reason
    hidden = [q for q in read.questions if q.reason == UNDER_STREAK]
    assert 1 in {q.number for q in hidden}
    assert all(q.status is QuestionStatus.AMBIGUOUS for q in hidden)
    answers = _answers()
    for q in read.questions:
        if q.status is QuestionStatus.OK:
            assert q.marks == answers[q.number], q
    assert len(hidden) <= 12  # one row of each block, not the page
    assert [q.number for q in read.questions if q.status.flagged] == [q.number for q in hidden]
    assert redecide(read).questions == read.questions  # the same from the stored numbers


def test_sheet_with_its_top_qr_streaked_is_read_from_the_second() -> None:
    page = _layout().pages[0]
    for seed, rotation in ((0, 0), (1, 180)):
        read = _read(_scan(_streak(_answered(), page.qr), seed=seed, rotation=rotation, skew=2.0))
        _assert_all_ok(read)
        assert read.payload is not None and read.payload.admission_no == ADMISSION
        assert "read from the bottom-left QR code only" in read.reason
        assert read.residual_mm is not None and read.residual_mm < 0.5


def test_sheet_with_its_top_qr_torn_off_is_read_from_the_second() -> None:
    read = _read(_scan(_tear(_answered(), _layout().pages[0].qr)))
    _assert_all_ok(read)
    assert read.payload is not None and read.payload.admission_no == ADMISSION


def test_sheet_with_its_bottom_qr_streaked_is_read_from_the_first() -> None:
    read = _read(_scan(_streak(_answered(), _layout().pages[0].qr2), seed=2))
    _assert_all_ok(read)
    assert "read from the top-right QR code only" in read.reason


def test_both_codes_destroyed_the_page_is_measured_and_waits_to_be_identified() -> None:
    page = _layout().pages[0]
    image = _streak(_streak(_answered(), page.qr), page.qr2)
    read = _read(_scan(image, seed=3, skew=3.0), overlay=True)
    assert read.status is PageStatus.UNIDENTIFIED, read.reason
    assert read.payload is None and read.qr_text is None  # nobody's page until a person says
    assert "identify this page (待识别页面)" in read.reason
    guess = read.guess
    assert guess is not None
    assert (guess.layout_hash, guess.page, guess.pages, guess.spare) == (
        _layout().layout_hash,
        1,
        1,
        False,
    )
    # The spare layout shares the fiducials; its printed grid does not fit this page.
    assert guess.grid_fit > 0.9 and guess.runner_up < 0.6 and guess.alike == (1,)
    assert [q.status for q in read.questions] == [QuestionStatus.OK] * len(read.questions)
    assert _marks_of(read) == _answers()
    assert read.overlay is not None


def test_a_spare_sheet_without_codes_is_measured_as_the_spare() -> None:
    layout = _layout(True)
    page = layout.pages[0]
    filled = draw_marks(
        _clean(spare=True), page, _firm({1: "A"}), dpi=200, seed=4, grid="202207001"
    )
    read = _read(_scan(_tear(_tear(filled, page.qr), page.qr2), seed=5, rotation=90))
    assert read.status is PageStatus.UNIDENTIFIED, read.reason
    assert read.guess is not None and read.guess.spare and read.guess.page == 1
    assert read.guess.layout_hash == layout.layout_hash
    assert read.admission_grid is not None and read.admission_grid.digits == "202207001"
    assert _marks_of(read)[1] == "A"


def test_codes_naming_two_different_pages_are_rejected() -> None:
    # A code pasted over the bottom one (another candidate's): neither is trusted.
    image = _answered().copy()
    other = make_payload(
        exam_code=EXAM,
        admission_no="202207002",
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=_layout().layout_hash,
        secret=SECRET,
    )
    blit_qr(image, _layout().pages[0].qr2, qr_matrix(other), 200)
    read = _read(_scan(image, seed=6))
    _rejected(read, RejectKind.QR_DISAGREE)
    assert "202207001" in read.reason and "202207002" in read.reason


def test_without_codes_a_page_of_another_design_is_rejected_not_guessed() -> None:
    # A sheet of a paper this exam does not use: its fiducials fit, its bubbles do not.
    other = build_layout(PaperSpec((SectionSpec("单项选择题", "single", 12, 7),)))
    header = SheetHeader(title="另一场考试", name="李四", admission_no="1", room="1", seat="1")
    payload = make_payload(
        exam_code=EXAM,
        admission_no="1",
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=other.layout_hash,
        secret=SECRET,
    )
    image = render_page(other, 1, header, payload, 200)
    page = other.pages[0]
    read = _read(_scan(_tear(_tear(image, page.qr), page.qr2), seed=7))
    _rejected(read, RejectKind.QR_MISSING)
    assert "fits no page of this exam" in read.reason


def _cover_fiducial(image: Gray, index: int, *, thumb: bool) -> Gray:
    """A fiducial gone: cut off with its corner (white), or under a grey thumb."""
    covered = image.copy()
    r = _layout().pages[0].fiducials[index]
    s = 200 / 25.4
    if thumb:
        centre = (round(r.centre[0] * s), round(r.centre[1] * s))
        cv2.ellipse(covered, centre, (round(11 * s), round(7 * s)), 30, 0, 360, 150, -1)
    else:
        covered[
            max(0, int((r.y_mm - 2) * s)) : int((r.bottom + 2) * s),
            max(0, int((r.x_mm - 2) * s)) : int((r.right + 2) * s),
        ] = 255
    return covered


@pytest.mark.parametrize(
    ("index", "thumb", "rotation", "perspective"),
    [
        (0, False, 0, 0.0),
        (1, True, 180, 0.02),
        (2, False, 90, 0.0),
        (3, True, 270, 0.015),
    ],
)
def test_a_missing_fiducial_is_replaced_by_the_qr_corners(
    index: int, thumb: bool, rotation: int, perspective: float
) -> None:
    image = _cover_fiducial(_answered(), index, thumb=thumb)
    read = _read(_scan(image, rotation=rotation, perspective=perspective, skew=3.0, seed=index))
    _assert_all_ok(read)
    assert read.rotation == rotation
    assert read.residual_mm is not None and read.residual_mm < 0.3
    x, y = _layout().pages[0].fiducials[index].centre
    corner = f"{'top' if y < 148.5 else 'bottom'}-{'left' if x < 105 else 'right'}"
    assert f"the {corner} fiducial was not found" in read.reason


@pytest.mark.parametrize(("first", "second", "rotation"), [(0, 2, 0), (1, 3, 180), (0, 1, 90)])
def test_two_missing_fiducials_are_replaced_by_both_qr_codes(
    first: int, second: int, rotation: int
) -> None:
    image = _cover_fiducial(_cover_fiducial(_answered(), first, thumb=False), second, thumb=False)
    read = _read(_scan(image, rotation=rotation, skew=2.0, seed=first + second))
    _assert_all_ok(read)
    assert read.rotation == rotation
    assert "fitted to both QR codes" in read.reason, read.reason


def test_two_missing_fiducials_and_one_unreadable_code_reject_the_page() -> None:
    image = _cover_fiducial(_cover_fiducial(_answered(), 0, thumb=False), 2, thumb=False)
    image = _streak(image, _layout().pages[0].qr_codes[1])
    read = _read(_scan(image))
    # One code cannot check a transform fitted to two fiducials and something else.
    assert read.status is PageStatus.REJECTED and read.questions == ()
    assert read.reject_kind in (RejectKind.PAGE_NOT_FOUND, RejectKind.POOR_FIT), read.reason


def test_qr_of_another_exam_is_rejected() -> None:
    read = _read(_scan(_clean(exam="OTHER2022")))
    _rejected(read, RejectKind.WRONG_EXAM)
    assert "OTHER2022" in read.reason


def test_forged_signature_is_rejected() -> None:
    _rejected(_read(_scan(_clean(secret=b"not-the-exam-secret"))), RejectKind.BAD_SIGNATURE)


def test_unknown_layout_is_rejected() -> None:
    other = build_layout(PaperSpec((SectionSpec("单项选择题", "single", 5, 4),)))
    payload = make_payload(
        exam_code=EXAM,
        admission_no=ADMISSION,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=other.layout_hash,
        secret=SECRET,
    )
    read = _read(_scan(_clean(payload=payload)))
    _rejected(read, RejectKind.UNKNOWN_LAYOUT)
    assert other.layout_hash in read.reason


def test_a_qr_that_is_not_a_sheet_payload_is_rejected() -> None:
    _rejected(_read(_scan(_clean(payload="HELLO WORLD"))), RejectKind.MALFORMED_PAYLOAD)


def test_page_number_beyond_the_layout_is_rejected() -> None:
    payload = make_payload(
        exam_code=EXAM,
        admission_no=ADMISSION,
        spare_serial=None,
        page=2,
        pages=2,
        layout_hash=_layout().layout_hash,
        secret=SECRET,
    )
    read = _read(_scan(_clean(payload=payload)))
    _rejected(read, RejectKind.PAGE_OUT_OF_RANGE)
    assert read.payload is not None and read.payload.page == 2


def test_second_page_of_a_two_page_sheet() -> None:
    paper = PaperSpec((SectionSpec("单项选择题", "single", 200, 4),))
    layout = build_layout(paper)
    assert len(layout.pages) == 2
    page = layout.pages[1]
    payload = make_payload(
        exam_code=EXAM,
        admission_no=ADMISSION,
        spare_serial=None,
        page=2,
        pages=2,
        layout_hash=layout.layout_hash,
        secret=SECRET,
    )
    clean = render_page(layout, 2, SheetHeader(title="t", admission_no=ADMISSION), payload, 150)
    answers = {q.number: "ABCD"[q.number % 4] for q in page.questions}
    filled = draw_marks(clean, page, _firm(answers), dpi=150, seed=9)
    read = read_page(
        _scan(filled, dpi_in=150, rotation=90, seed=9),
        secret=SECRET,
        exam_code=EXAM,
        layouts={layout.layout_hash: layout},
    )
    assert read.status is PageStatus.READ, read.reason
    assert read.payload is not None and (read.payload.page, read.payload.pages) == (2, 2)
    assert _marks_of(read) == answers


def test_faint_mark_in_a_section_answered_almost_all_alike_is_still_seen() -> None:
    # Nine of ten true/false items marked 对: the 对 bubbles are mostly marks, yet the
    # empty level of 对 must come from the empty ones, or the faint tenth reads blank.
    marks = _firm(_answers())
    for number in range(31, 40):
        marks[number] = [("A", MarkStyle.FIRM)]
    marks[40] = [("A", MarkStyle.FAINT)]
    filled = draw_marks(_clean(), _layout().pages[0], marks, dpi=200, seed=12)
    read = _read(_scan(filled, seed=12))
    assert read.questions[39].status is QuestionStatus.AMBIGUOUS, read.questions[39]
    assert all(q.marks == "A" for q in read.questions[30:39])


def _stretched(image: Gray, amp_mm: float, centre_mm: float, width_mm: float = 40.0) -> Gray:
    """The sheet stretched sideways in the feeder round one height of the page (a bump
    of ``amp_mm`` at ``centre_mm``): no single page transform fits it."""
    s = 200 / 25.4
    ys, xs = np.mgrid[0 : image.shape[0], 0 : image.shape[1]].astype(np.float32)
    dx = amp_mm * s * np.exp(-((((ys / s) - centre_mm) / width_mm) ** 2))
    return np.asarray(
        cv2.remap(image, xs - dx, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
        dtype=np.uint8,
    )


@pytest.mark.xfail(
    strict=True,
    reason="KNOWN BROKEN since the admission grid joined a candidate's page 1 (issue 16 "
    "item 3): the first question blocks moved 14.75 mm down into the bump's slope, so one "
    "block is sheared (1.7 mm across it) and a rigid per-block shift finds 84% < 85% of it",
)
def test_a_distrusted_transform_is_refined_from_the_printed_grid() -> None:
    read = _read(_scan(_stretched(_answered(), 6.0, 45.0), seed=1, damage=False))
    _assert_all_ok(read)
    assert read.residual_mm is not None and read.residual_mm > ReadParams().max_residual_mm
    assert "refined block by block from the printed bubble grid" in read.reason


@pytest.mark.parametrize("amp", [9.0, 12.0])
def test_a_stretched_sheet_checked_by_one_code_only_is_rejected_not_misread(amp: float) -> None:
    # The stretch makes the top code unreadable; the bottom one alone does not see it,
    # the printed grid does (at 12 mm a bubble would otherwise be read wrong, silently).
    read = _read(_scan(_stretched(_answered(), amp, 45.0), seed=1, damage=False))
    _rejected(read, RejectKind.POOR_FIT)
    assert "printed bubble grid is not where the fiducials put it" in read.reason
