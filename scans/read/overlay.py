"""The evidence image: the page as the reader saw it, upright, with what it read drawn on.

Colours (BGR): green — a mark read on a certain question; blue — a question read blank;
red — a flagged question (multiple or ambiguous) and the marks read in it, with its
doubtful bubbles in orange; cyan, crossed — a bubble read past as the remains of an
erasure (擦除); magenta — the fiducials and the QR where the transform puts them. A
status line and a legend sit at the top.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Bubble, PageLayout, Rect
from scans.read.geometry import FloatArray, GrayImage
from scans.read.model import (
    AdmissionGridRead,
    GridStatus,
    QuestionRead,
    QuestionStatus,
    ReadParams,
    Thresholds,
    bubble_key,
)

__all__ = ["draw_overlay"]

GREEN = (40, 170, 40)
BLUE = (220, 120, 20)
RED = (30, 30, 230)
ORANGE = (0, 150, 255)
MAGENTA = (200, 40, 200)
CYAN = (200, 170, 0)  # an erasure read past
_BAND = 40  # px of status line and legend above the page
_WASH = (np.arange(256) * 0.75 + 60).astype(np.uint8)  # lighter, so the annotations stand out


def _ellipse(
    canvas: npt.NDArray[np.uint8], bubble: Bubble, s: float, colour: tuple[int, int, int], t: int
) -> None:
    """Outline a bubble, a little outside its printed edge so the pencil stays visible."""
    x0 = round((bubble.x_mm - bubble.w_mm / 2) * s) - 2
    y0 = round((bubble.y_mm - bubble.h_mm / 2) * s) - 2
    x1 = round((bubble.x_mm + bubble.w_mm / 2) * s) + 2
    y1 = round((bubble.y_mm + bubble.h_mm / 2) * s) + 2
    cv2.rectangle(canvas, (x0, y0), (x1, y1), colour, t)  # axis-aligned: no anti-aliasing


def draw_overlay(
    image: GrayImage,
    homography: FloatArray,
    page: PageLayout,
    questions: Sequence[QuestionRead],
    grid: AdmissionGridRead | None,
    thresholds: Thresholds,
    params: ReadParams,
    title: str,
    *,
    highlight: Sequence[Rect] = (),
) -> npt.NDArray[np.uint8]:
    """An upright BGR image of the page at ``params.overlay_px_per_mm``, annotated."""
    s = params.overlay_px_per_mm
    width, height = round(210 * s), round(297 * s)
    # Shrink by a whole factor first (a fast box filter) when the scan is at least twice
    # the overlay's resolution: the warp then reads a source about its own size, which
    # costs a third of warping from the full scan and smooths the pencil texture as well.
    scan_px_per_mm = math.sqrt(abs(np.linalg.det(homography[:2, :2])))
    factor = max(1, math.floor(scan_px_per_mm / s + 0.05))
    if factor > 1:
        image = np.asarray(
            cv2.resize(image, None, fx=1 / factor, fy=1 / factor, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    to_image = np.diag([1 / factor, 1 / factor, 1.0]) @ homography @ np.diag([1 / s, 1 / s, 1.0])
    upright = cv2.warpPerspective(
        image,
        to_image,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=128,
    )
    # One picture, the status band on top of the page: the page is converted straight
    # into its place below the band (a stacked copy of 3 MB would cost more than drawing).
    picture = np.empty((_BAND + height, width, 3), np.uint8)
    band, canvas = picture[:_BAND], picture[_BAND:]
    band.fill(255)
    cv2.cvtColor(cv2.LUT(upright, _WASH), cv2.COLOR_GRAY2BGR, dst=canvas)
    for rect in page.fiducials:
        cv2.rectangle(
            canvas,
            (round(rect.x_mm * s) - 2, round(rect.y_mm * s) - 2),
            (round(rect.right * s) + 2, round(rect.bottom * s) + 2),
            MAGENTA,
            1,
        )
    for qr in page.qr_codes:
        cv2.rectangle(
            canvas,
            (round(qr.x_mm * s) - 2, round(qr.y_mm * s) - 2),
            (round(qr.right * s) + 2, round(qr.bottom * s) + 2),
            MAGENTA,
            1,
        )
    # On a page to identify: a thick frame round what a person reads it by.
    for box in highlight:
        cv2.rectangle(
            canvas,
            (round(box.x_mm * s) - 3, round(box.y_mm * s) - 3),
            (round(box.right * s) + 3, round(box.bottom * s) + 3),
            MAGENTA,
            3,
        )
    layout_by_number = {q.number: q for q in page.questions}
    for question in questions:
        layout = layout_by_number[question.number]
        flagged = question.status.flagged
        for bubble, measure in zip(layout.options, question.measures, strict=True):
            if bubble.label in question.marks:
                _ellipse(canvas, bubble, s, RED if flagged else GREEN, 2)
            elif bubble.label in question.erased:
                # Read past as an erasure: boxed and struck through, so a reviewer sees
                # what was not counted (and can disagree).
                _ellipse(canvas, bubble, s, CYAN, 1)
                x0, y0 = round((bubble.x_mm - bubble.w_mm / 2) * s), round(bubble.y_mm * s)
                x1 = round((bubble.x_mm + bubble.w_mm / 2) * s)
                cv2.line(canvas, (x0 - 2, y0 + 4), (x1 + 2, y0 - 4), CYAN, 1)
            elif flagged and thresholds.fill(measure, bubble_key(question.kind, bubble.label)) > (
                params.blank_max
            ):
                _ellipse(canvas, bubble, s, ORANGE, 2)
        first, last = layout.options[0], layout.options[-1]
        x0 = round((first.x_mm - first.w_mm / 2) * s) - 4
        x1 = round((last.x_mm + last.w_mm / 2) * s) + 4
        y0 = round((first.y_mm - first.h_mm / 2) * s) - 3
        y1 = round((first.y_mm + first.h_mm / 2) * s) + 3
        if flagged:
            cv2.rectangle(canvas, (x0, y0), (x1, y1), RED, 1)
        elif question.status is QuestionStatus.BLANK:
            cv2.rectangle(canvas, (x0, y0), (x1, y1), BLUE, 1)
    if grid is not None and page.admission_grid is not None:
        ok = grid.status is GridStatus.OK
        for digit_read, column, values in zip(
            grid.digits, page.admission_grid.bubbles, grid.measures, strict=True
        ):
            for bubble, measure in zip(column, values, strict=True):
                if bubble.label == digit_read:
                    _ellipse(canvas, bubble, s, GREEN if ok else RED, 2)
                elif thresholds.fill(measure, bubble_key("grid", bubble.label)) > params.blank_max:
                    _ellipse(canvas, bubble, s, ORANGE if not ok else GREEN, 2)
    cv2.putText(band, title, (6, 15), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    x = 6
    for colour, text in (
        (GREEN, "read"),
        (RED, "flagged: marks / question"),
        (ORANGE, "unclear bubble"),
        (CYAN, "erased, not counted"),
        (BLUE, "blank question"),
        (MAGENTA, "fiducials, QR"),
    ):
        cv2.rectangle(band, (x, 24), (x + 14, 34), colour, 2)
        cv2.putText(
            band, text, (x + 19, 34), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1, cv2.LINE_AA
        )
        x += 26 + 8 * len(text)
    return picture
