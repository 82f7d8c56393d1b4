"""scans.simulate.pages: seeded, marks land where the truth says, damage is what was asked for."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import cv2
import numpy as np
import numpy.typing as npt
import pytest

from scans.layout import Bubble, PaperSpec, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import (
    HARSH,
    REALISTIC,
    MarkModel,
    MarkStyle,
    draw_marks,
    encode_image,
    fill_page,
    gentle,
    scan_page,
    simulate_page,
)

DPI = 150
PAPER = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 15, 4),
        SectionSpec("多项选择题", "multi", 10, 5),
        SectionSpec("判断题", "truefalse", 5, 2),
    )
)
Gray = npt.NDArray[np.uint8]


@cache
def _layout() -> SheetLayout:
    return build_layout(PAPER)


@cache
def _clean() -> Gray:
    layout = _layout()
    payload = make_payload(
        exam_code="EX",
        admission_no="1",
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=b"s",
    )
    return render_page(layout, 1, SheetHeader(title="t", name="n", admission_no="1"), payload, DPI)


def _darkness(image: Gray, bubble: Bubble) -> float:
    """Mean darkness (0 white .. 1 black) of the bubble's inner half, on an unscanned page."""
    s = DPI / 25.4
    x0, x1 = int((bubble.x_mm - bubble.w_mm / 4) * s), int((bubble.x_mm + bubble.w_mm / 4) * s)
    y0, y1 = int((bubble.y_mm - bubble.h_mm / 4) * s), int((bubble.y_mm + bubble.h_mm / 4) * s)
    return float(1.0 - image[y0:y1, x0:x1].mean() / 255.0)


def test_same_seed_same_pixels_and_truth() -> None:
    page = _layout().pages[0]
    a = simulate_page(_clean(), page, dpi_in=DPI, seed=7, profile=HARSH)
    b = simulate_page(_clean(), page, dpi_in=DPI, seed=7, profile=HARSH)
    c = simulate_page(_clean(), page, dpi_in=DPI, seed=8, profile=HARSH)
    assert np.array_equal(a.image, b.image) and a.truth == b.truth and a.damage == b.damage
    assert not np.array_equal(a.image, c.image) or a.truth != c.truth


def test_truth_covers_every_question_with_valid_options() -> None:
    page = _layout().pages[0]
    sim = simulate_page(_clean(), page, dpi_in=DPI, seed=1)
    assert [t.number for t in sim.truth] == [q.number for q in page.questions]
    for question, truth in zip(page.questions, sim.truth, strict=True):
        labels = "".join(b.label for b in question.options)
        assert all(label in labels for label in truth.intended)
        assert list(truth.intended) == sorted(truth.intended)
        if question.kind != "multi":
            assert len(truth.intended) <= 2


@pytest.mark.parametrize("model", list(MarkModel))
def test_intended_marks_are_dark_and_the_rest_stay_light(model: MarkModel) -> None:
    page = _layout().pages[0]
    rng = np.random.default_rng(3)
    profile = replace(gentle(REALISTIC), marks=model)
    filled, truth = fill_page(_clean(), page, dpi=DPI, rng=rng, profile=profile)
    other = MarkModel.HATCH if model is MarkModel.STROKES else MarkModel.STROKES
    drawn_otherwise, _ = fill_page(
        _clean(), page, dpi=DPI, rng=np.random.default_rng(3), profile=replace(profile, marks=other)
    )
    assert not np.array_equal(filled, drawn_otherwise)
    for question, t in zip(page.questions, truth, strict=True):
        styles = dict(t.marks)
        for bubble in question.options:
            darkness = _darkness(filled, bubble)
            if styles.get(bubble.label) in (MarkStyle.FIRM, MarkStyle.OVERFILL):
                assert darkness > 0.35, (question.number, bubble.label)
            elif bubble.label not in styles:
                assert darkness < 0.15, (question.number, bubble.label)


def test_forced_answers_are_what_the_truth_says() -> None:
    page = _layout().pages[0]
    answers = {1: "B", 16: "ACE", 26: "A"}
    sim = simulate_page(_clean(), page, dpi_in=DPI, seed=4, answers=answers)
    meant = {t.number: t.intended for t in sim.truth}
    assert meant[1] == "B" and meant[16] == "ACE" and meant[26] == "A"


@pytest.mark.parametrize("model", list(MarkModel))
def test_erased_mark_is_fainter_than_a_firm_one(model: MarkModel) -> None:
    page = _layout().pages[0]
    marks = {1: [("A", MarkStyle.FIRM)], 2: [("A", MarkStyle.ERASED)], 3: [("A", MarkStyle.LIGHT)]}
    filled = draw_marks(_clean(), page, marks, dpi=DPI, seed=2, residue=0.15, model=model)
    firm, erased, light = (_darkness(filled, page.questions[i].options[0]) for i in range(3))
    # The stroke model's light marks are pressed less but cover as much (their mean is
    # within a few hundredths of a firm one's): never darker, and far above a residue.
    assert erased < 0.5 * light and light < firm + 0.03
    assert erased > _darkness(filled, page.questions[3].options[0])


@pytest.mark.parametrize("model", list(MarkModel))
def test_erasures_vary_from_one_rub_to_the_next(model: MarkModel) -> None:
    """The same residue asked for, rubbed out twenty times: smudged, partial, streaked."""
    page = _layout().pages[0]
    marks = {q.number: [("A", MarkStyle.ERASED)] for q in page.questions[:20]}
    filled = draw_marks(_clean(), page, marks, dpi=DPI, seed=9, residue=0.3, model=model)
    firm = draw_marks(_clean(), page, {1: [("A", MarkStyle.FIRM)]}, dpi=DPI, seed=9, model=model)
    full = _darkness(firm, page.questions[0].options[0])
    left = np.array([_darkness(filled, q.options[0]) / full for q in page.questions[:20]])
    assert left.min() > 0.1 and left.max() < 0.45  # about the residue asked for ...
    # ... but not one drawing repeated: partial and streaked rubs leave the two halves of a
    # bubble unequal, an even rub does not.
    s = DPI / 25.4
    halves = []
    for q in page.questions[:20]:
        b = q.options[0]
        y0, y1 = int((b.y_mm - b.h_mm / 4) * s), int((b.y_mm + b.h_mm / 4) * s)
        xm = int(b.x_mm * s)
        xw = int(b.w_mm / 4 * s)
        halves.append(
            abs(float(filled[y0:y1, xm - xw : xm].mean() - filled[y0:y1, xm : xm + xw].mean()))
        )
    assert max(halves) > 3 * min(halves)


def test_toner_streaks_run_down_the_page() -> None:
    streaky = replace(gentle(REALISTIC), p_toner_streaks=1.0)
    image, _ = scan_page(
        _clean(), dpi_in=DPI, dpi_out=DPI, rng=np.random.default_rng(1), profile=streaky
    )
    plain, _ = scan_page(
        _clean(), dpi_in=DPI, dpi_out=DPI, rng=np.random.default_rng(1), profile=gentle(REALISTIC)
    )
    columns = np.abs(image.astype(float) - plain.astype(float)).mean(axis=0)
    # Whole columns changed, top to bottom; most of the page untouched.
    assert columns.max() > 40 and np.median(columns) < 2


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotation_turns_the_page(rotation: int) -> None:
    image, damage = scan_page(
        _clean(),
        dpi_in=DPI,
        dpi_out=DPI,
        rng=np.random.default_rng(0),
        profile=gentle(REALISTIC),
        rotation=rotation,
        skew_deg=0.0,
    )
    assert damage.rotation == rotation
    h, w = _clean().shape
    portrait = image.shape[0] > image.shape[1]
    assert portrait == (rotation in (0, 180))
    assert max(image.shape) == pytest.approx(max(h, w), rel=0.1)


def test_dpi_out_rescales_the_page() -> None:
    image, damage = scan_page(
        _clean(), dpi_in=DPI, dpi_out=300, rng=np.random.default_rng(0), rotation=0, skew_deg=0.0
    )
    assert damage.dpi == 300
    assert image.shape[0] == pytest.approx(297 / 25.4 * 300, rel=0.1)


def test_harsh_profile_damages_more_than_realistic() -> None:
    page = _layout().pages[0]
    real = [simulate_page(_clean(), page, dpi_in=DPI, seed=s).damage for s in range(12)]
    harsh = [
        simulate_page(_clean(), page, dpi_in=DPI, seed=s, profile=HARSH).damage for s in range(12)
    ]
    assert max(abs(d.skew_deg) for d in real) <= REALISTIC.skew_deg
    assert max(abs(d.skew_deg) for d in harsh) > REALISTIC.skew_deg
    assert np.mean([d.noise_sigma for d in harsh]) > np.mean([d.noise_sigma for d in real])


def test_encode_image_round_trips() -> None:
    image = _clean()[:200, :200]
    png = cv2.imdecode(encode_image(image, ".png"), cv2.IMREAD_GRAYSCALE)
    assert np.array_equal(png, image)
    jpeg = cv2.imdecode(encode_image(image, ".jpg", 90), cv2.IMREAD_GRAYSCALE)
    assert np.abs(jpeg.astype(int) - image.astype(int)).mean() < 3
