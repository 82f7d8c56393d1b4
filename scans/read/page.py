"""Read one scanned answer-sheet page: locate, verify, measure, decide — or reject, saying why.

Contract: ``read_page(image, secret=..., exam_code=..., layouts=...)`` never raises for a
bad page; it returns a :class:`PageRead` whose ``status`` is ``read`` (every question
``ok``, ``blank``, ``multiple`` or ``ambiguous`` with a reason) or ``rejected`` (with a
:class:`RejectKind` and a reason for a human). A question is never guessed: anything the
reader is not sure of is flagged. ``redecide(page_read, params)`` decides a page again
from its stored measures, without the image.

Steps: fiducials on a downscaled copy → page transform (homography, mm → px) refined at
full resolution → QR from its expected region (zxing-cpp), the whole page as a fallback
→ payload verified with the exam's secret → the QR's corners check the transform
(residual, in mm) → every bubble sampled through the transform → the sheet's own blank
and pencil levels → per-question decisions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Bubble, PageLayout, Rect, SheetLayout, alike_pages
from scans.payload import (
    BadSignature,
    MalformedPayload,
    PayloadError,
    SheetPayload,
    UnknownLayout,
    WrongExam,
    verify_payload,
)
from scans.read.decide import (
    OUTSIDE_IMAGE,
    UNDER_STREAK,
    QuestionMeasures,
    decide,
    decide_grid,
    decide_question,
    estimate_thresholds,
)
from scans.read.geometry import (
    FloatArray,
    GrayImage,
    Illumination,
    PageFit,
    PageNotFound,
    anchored_fit,
    code_fit,
    find_page,
    fits_without_one,
    project,
    work_image,
)
from scans.read.grid import (
    ABSENCE_KEY,
    absence_from_profile,
    decide_absence,
    decide_identity,
    identity_bubbles,
)
from scans.read.marks import ink_darkness, measure_points, sample_points_mm, unit_disc_samples
from scans.read.model import (
    READER_VERSION,
    AbsenceRead,
    AdmissionGridRead,
    GridStatus,
    PageGuess,
    PageRead,
    PageStatus,
    QuestionRead,
    QuestionStatus,
    ReadParams,
    RejectKind,
    Thresholds,
    bubble_key,
)
from scans.read.overlay import draw_overlay
from scans.read.qr import QrHit, decode_qr

__all__ = [
    "READER_VERSION",
    "AdmissionGridRead",
    "GridStatus",
    "OverlayWhen",
    "PageGuess",
    "PageRead",
    "PageStatus",
    "QuestionMeasures",
    "QuestionRead",
    "QuestionStatus",
    "ReadParams",
    "RejectKind",
    "Thresholds",
    "decide",
    "decide_grid",
    "decide_question",
    "estimate_thresholds",
    "read_page",
    "redecide",
]

_PAYLOAD_KINDS: tuple[tuple[type[PayloadError], RejectKind], ...] = (
    (WrongExam, RejectKind.WRONG_EXAM),
    (BadSignature, RejectKind.BAD_SIGNATURE),
    (UnknownLayout, RejectKind.UNKNOWN_LAYOUT),
    (MalformedPayload, RejectKind.MALFORMED_PAYLOAD),
)
_MIN_SIDE_PX = 200


class _Clock:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self.last) * 1000.0, 3)
        self.last = now

    def done(self) -> dict[str, float]:
        self.laps["total"] = round((time.perf_counter() - self.start) * 1000.0, 3)
        return self.laps


def _rejected(
    kind: RejectKind,
    reason: str,
    clock: _Clock,
    *,
    fit: PageFit | None = None,
    payload: SheetPayload | None = None,
    qr_text: str | None = None,
    residual_mm: float | None = None,
) -> PageRead:
    return PageRead(
        status=PageStatus.REJECTED,
        reason=reason,
        reject_kind=kind,
        payload=payload,
        qr_text=qr_text,
        residual_mm=residual_mm,
        rotation=fit.rotation if fit else None,
        skew_deg=round(fit.skew_deg, 3) if fit else None,
        px_per_mm=round(fit.px_per_mm, 4) if fit else None,
        questions=(),
        admission_grid=None,
        thresholds=None,
        reader_version=READER_VERSION,
        timings_ms=clock.done(),
    )


OverlayWhen = Callable[[PageRead], bool]
"""Whether a page, as read (without its picture), is to have its evidence picture drawn."""


def _wanted(overlay: bool | OverlayWhen, read: PageRead) -> bool:
    if isinstance(overlay, bool):
        return overlay
    return bool(overlay(read))


def _as_gray(image: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8] | None:
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in (3, 4):
        array = cv2.cvtColor(array[:, :, :3].astype(np.uint8), cv2.COLOR_BGR2GRAY)
    if array.ndim != 2 or min(array.shape) < _MIN_SIDE_PX:
        return None
    if array.dtype != np.uint8:
        if array.dtype == np.uint16:
            array = (array >> 8).astype(np.uint8)
        elif np.issubdtype(array.dtype, np.floating) and array.max() <= 1.0:
            array = (array * 255.0).round().astype(np.uint8)
        else:
            array = np.clip(array, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(array, dtype=np.uint8)


_Design = tuple[tuple[Rect, ...], tuple[Rect, ...]]


def _patterns(layouts: Mapping[str, SheetLayout]) -> list[_Design]:
    """The distinct (fiducials, QR areas) designs among the layouts' pages (usually one)."""
    seen: list[_Design] = []
    for layout in layouts.values():
        for page in layout.pages:
            key = (page.fiducials, page.qr_codes)
            if key not in seen:
                seen.append(key)
    return seen


def _verify(
    hits: tuple[QrHit, ...], secret: bytes, exam_code: str, layouts: Mapping[str, SheetLayout]
) -> tuple[QrHit, SheetPayload | None, PayloadError | None]:
    """The first hit that verifies; else the most telling error (a sheet's over another QR's)."""
    first_error: tuple[QrHit, PayloadError] | None = None
    for hit in hits:
        try:
            payload = verify_payload(
                hit.text, secret=secret, exam_code=exam_code, layout_hashes=layouts.keys()
            )
        except PayloadError as error:
            if first_error is None or (
                isinstance(first_error[1], MalformedPayload)
                and not isinstance(error, MalformedPayload)
            ):
                first_error = (hit, error)
            continue
        return hit, payload, None
    assert first_error is not None
    return first_error[0], None, first_error[1]


def _corners_mm(rect: Rect) -> npt.NDArray[np.float64]:
    """A rectangle's corners clockwise from its top left, as zxing-cpp lists a symbol's."""
    return np.array(
        [
            [rect.x_mm, rect.y_mm],
            [rect.right, rect.y_mm],
            [rect.right, rect.bottom],
            [rect.x_mm, rect.bottom],
        ]
    )


def _corner_name(rect: Rect) -> str:
    """Which corner of the page a fiducial stands at, as the reasons name it."""
    x, y = rect.centre
    return f"{'top' if y < 148.5 else 'bottom'}-{'left' if x < 105.0 else 'right'}"


def _missing_note(page: PageLayout, fit: PageFit) -> str:
    """For a page read with a fiducial missing: which one, and what stood in for it."""
    if not fit.missing:
        return ""
    names = [_corner_name(page.fiducials[k]) for k in fit.missing]
    return (
        f"the {', '.join(names)} fiducial was not found (covered, torn or cut off); "
        "the other three and the QR code fixed the page"
    )


def _residual_mm(fit: PageFit, located: Sequence[tuple[Rect, QrHit]]) -> float:
    """RMS misfit (mm) of the transform on points it was not fitted to: the fiducials'
    corners and, when the decoder located them, the QR symbols' corners."""
    squares = fit.corner_residual_mm**2 * fit.corner_count
    count = fit.corner_count
    for rect, hit in located:
        if hit.corners_px is None:
            continue
        expected = project(fit.homography, _corners_mm(rect))
        errors = np.linalg.norm(expected - hit.corners_px, axis=1) / fit.px_per_mm
        squares += float((errors**2).sum())
        count += len(errors)
    return float(np.sqrt(squares / count)) if count else 0.0


def _find_codes(
    gray: GrayImage,
    homography: FloatArray,
    codes: tuple[Rect, ...],
    margin_mm: float,
    *,
    every_copy: bool = False,
) -> list[tuple[int, QrHit]]:
    """Each printed copy of the page's QR code that decodes, as (which copy, hit).

    Both regions are always tried (about a millisecond each), so that two codes that both
    read are both checked. The whole page is searched when neither region gives a code,
    or, with ``every_copy``, when one does not (a transform that is wrong near one code
    puts its region off; found elsewhere, that code's corners show the misfit); a code
    found there is taken for the copy nearest to it.
    """
    found: dict[int, QrHit] = {}
    for k, rect in enumerate(codes):
        hits = decode_qr(gray, homography, rect, margin_mm, whole_page=False)
        if hits:
            found[k] = hits[0]
    if not found or (every_copy and len(found) < len(codes)):
        hits = decode_qr(gray, None, codes[0], 0.0)
        if len(hits) == len(codes) > 1 and len({h.text for h in hits}) == 1:
            # Every copy found on the page: which is which by the symbols' own "down"
            # (printed upright, all of them), not by a transform that may be far off.
            down = [_symbol_down(h) for h in hits]
            by_height = sorted(range(len(codes)), key=lambda k: codes[k].centre[1])
            for k, j in zip(by_height, np.argsort(down), strict=True):
                found.setdefault(k, hits[int(j)])
        else:
            centres = project(homography, np.array([r.centre for r in codes]))
            for hit in hits:
                assert hit.corners_px is not None  # a whole-page hit is always located
                k = int(np.argmin(np.linalg.norm(centres - hit.corners_px.mean(axis=0), axis=1)))
                found.setdefault(k, hit)
    return sorted(found.items(), key=lambda item: item[0])


def _symbol_down(hit: QrHit) -> float:
    """How far down the page a located symbol sits, along its own top-to-bottom axis."""
    assert hit.corners_px is not None
    corners = hit.corners_px
    axis = (corners[3] - corners[0]) + (corners[2] - corners[1])
    return float(corners.mean(axis=0) @ (axis / max(float(np.linalg.norm(axis)), 1e-9)))


@dataclass(frozen=True)
class _PagePlan:
    """What reading a page of a layout needs that does not depend on the image."""

    keys: list[str]  # printed-label key of every bubble (questions, then the grid)
    points_mm: npt.NDArray[np.float64]  # (n, k, 2) sample points of every bubble
    quarters: npt.NDArray[np.float64]  # (k, 4) each sample's share of each quarter's mean


_plans: dict[tuple[int, float, int, int], tuple[PageLayout, _PagePlan]] = {}


def _plan(page: PageLayout, params: ReadParams) -> _PagePlan:
    """Cached per layout page: a worker reads thousands of pages of one or two layouts."""
    key = (id(page), params.inner_scale, params.samples_x, params.samples_y)
    cached = _plans.get(key)
    if cached is not None and cached[0] is page:
        return cached[1]
    bubbles = [b for q in page.questions for b in q.options]
    keys = [bubble_key(q.kind, b.label) for q in page.questions for b in q.options]
    extra, extra_keys = identity_bubbles(page)  # the grid, the 缺考标记 box
    bubbles.extend(extra)
    keys.extend(extra_keys)
    points = sample_points_mm(bubbles, params.inner_scale, (params.samples_x, params.samples_y))
    unit = unit_disc_samples(params.samples_x, params.samples_y)
    right, low = unit[:, 0] >= 0, unit[:, 1] >= 0
    masks = np.stack([~right & ~low, right & ~low, ~right & low, right & low], axis=1)
    plan = _PagePlan(keys, points, masks / masks.sum(axis=0))
    if len(_plans) > 64:
        _plans.clear()
    _plans[key] = (page, plan)
    return plan


def _under_streak(page: PageLayout, hidden: npt.NDArray[np.bool_] | None) -> list[bool]:
    """For each question of ``page`` in order: is one of its bubbles hidden by a streak?"""
    out: list[bool] = []
    cursor = 0
    for question in page.questions:
        n = len(question.options)
        out.append(hidden is not None and bool(hidden[cursor : cursor + n].any()))
        cursor += n
    return out


def _stored_measures(page: PageRead) -> tuple[list[float], list[str]]:
    seen = [q for q in page.questions if q.reason != UNDER_STREAK]
    measures = [m for q in seen for m in q.measures]
    keys = [bubble_key(q.kind, label) for q in seen for label in q.labels]
    if page.admission_grid is not None:
        for column in page.admission_grid.measures:
            measures.extend(column)
            keys.extend(bubble_key("grid", str(d)) for d in range(len(column)))
    if page.absence is not None:
        measures.append(page.absence.measure)
        keys.append(ABSENCE_KEY)
    return measures, keys


def read_page(
    image: npt.NDArray[np.generic],
    *,
    secret: bytes,
    exam_code: str,
    layouts: Mapping[str, SheetLayout],
    params: ReadParams = ReadParams(),
    overlay: bool | OverlayWhen = False,
) -> PageRead:
    """Read one page image (grayscale preferred; BGR accepted). Never raises for a bad page.

    ``overlay``: draw the evidence picture (True), or only on a page for which this
    predicate, given the read without its picture, says so (drawing is ~9 ms a page)."""
    clock = _Clock()
    gray = _as_gray(image)
    if gray is None:
        shape = "×".join(map(str, np.shape(image)))
        return _rejected(RejectKind.IMAGE_UNUSABLE, f"image unusable ({shape})", clock)
    if not layouts:
        raise ValueError("read_page needs at least one layout")
    work = work_image(gray)
    clock.lap("downscale")

    fit: PageFit | None = None
    codes: tuple[Rect, ...] = ()
    matched: tuple[Rect, ...] = ()
    failure = "page not found"
    for fiducials, qr_codes in _patterns(layouts):
        try:
            fit = find_page(gray, fiducials, work)
        except PageNotFound as error:
            failure = error.reason
            continue
        codes, matched = qr_codes, fiducials
        break
    clock.lap("fiducials")
    if fit is None or not codes:
        hits = decode_qr(gray, None, _patterns(layouts)[0][1][0], 0.0)
        clock.lap("qr")
        if hits:
            failure += f" (a QR code is present: {hits[0].text[:40]!r})"
        return _rejected(RejectKind.PAGE_NOT_FOUND, failure, clock)

    # Every copy is looked for, on the whole page if its region fails: a copy the
    # transform misplaces (a sheet stretched in the feeder) must still check the transform.
    found = _find_codes(gray, fit.homography, codes, params.qr_margin_mm, every_copy=True)
    clock.lap("qr")
    if not found:
        return _unidentified(gray, work, fit, matched, layouts, params, overlay, clock)
    texts = {hit.text for _, hit in found}
    if len(texts) > 1:
        top, bottom = (hit.text for _, hit in found)
        return _rejected(
            RejectKind.QR_DISAGREE,
            "the page's two QR codes disagree (两个二维码不一致): "
            f"the top one reads {top!r}, the bottom one {bottom!r}",
            clock,
            fit=fit,
            qr_text=top,
        )
    # One text, read once or twice: verified once (both copies say the same thing).
    hit, payload, problem = _verify(tuple(h for _, h in found), secret, exam_code, layouts)
    clock.lap("verify")
    if payload is None:
        assert problem is not None
        kind = next(k for cls, k in _PAYLOAD_KINDS if isinstance(problem, cls))
        return _rejected(kind, str(problem), clock, fit=fit, qr_text=hit.text)

    layout = layouts[payload.layout_hash]
    if payload.pages != len(layout.pages) or not 1 <= payload.page <= len(layout.pages):
        return _rejected(
            RejectKind.PAGE_OUT_OF_RANGE,
            f"QR says page {payload.page} of {payload.pages}; "
            f"layout {payload.layout_hash} has {len(layout.pages)} page(s)",
            clock,
            fit=fit,
            payload=payload,
            qr_text=hit.text,
        )
    page = layout.page(payload.page)
    located = [(page.qr_codes[k], h) for k, h in found]
    with_corners = [(r, h.corners_px) for r, h in located if h.corners_px is not None]
    try:
        if page.fiducials != matched:
            # Layouts with different fiducial designs: fit again with this page's own.
            fit = find_page(gray, page.fiducials, work)
        if fit.missing and with_corners:
            # Fitted on three fiducials only (an affine map): the QR symbols' decoded
            # corners join the fit and restore the perspective.
            extra = (
                np.vstack([_corners_mm(r) for r, _ in with_corners]),
                np.vstack([c for _, c in with_corners]),
            )
            fit = find_page(gray, page.fiducials, work, extra)
    except PageNotFound as error:
        return _rejected(RejectKind.PAGE_NOT_FOUND, error.reason, clock, payload=payload)
    residual = _residual_mm(fit, located)
    shifts: FloatArray | None = None
    refined_note = ""
    displaced = False
    if residual > params.max_residual_mm and not fit.missing:
        # The QR code disagrees with the fiducials (a sheet stretched unevenly in the
        # feeder): before giving the page up, find each block of bubbles by its own
        # printed outlines near where the transform puts it.
        refined = _refine_blocks(gray, fit.homography, page)
        clock.lap("refine")
        if refined.worst >= _REFINE_MIN_FIT:
            shifts = refined.shifts
            refined_note = (
                f"the page transform was refined block by block from the printed bubble grid "
                f"(the QR code was {residual:.2f} mm from where the fiducials put it; blocks "
                f"moved up to {refined.moved:.2f} mm, each found with at least "
                f"{refined.worst:.0%} of its outlines)"
            )
    elif len(found) < len(page.qr_codes) and _grid_fit(gray, fit.homography, page) < 0.85:
        # One copy only: the other's corners do not check the transform, and a sheet
        # stretched near it may be why it failed. The printed grid checks it instead.
        refined = _refine_blocks(gray, fit.homography, page)
        clock.lap("refine")
        if refined.displaced:
            displaced = True
            if refined.worst >= _REFINE_MIN_FIT:
                shifts = refined.shifts
                refined_note = (
                    "the page transform was refined block by block from the printed bubble "
                    f"grid (blocks stood up to {refined.moved:.2f} mm from where the "
                    "fiducials put them)"
                )
    if displaced and shifts is None:
        return _rejected(
            RejectKind.POOR_FIT,
            "the printed bubble grid is not where the fiducials put it (the sheet is "
            "stretched or folded) and only one QR code could check the page transform: "
            "the page transform is not trusted",
            clock,
            fit=fit,
            payload=payload,
            qr_text=hit.text,
            residual_mm=round(residual, 3),
        )
    anchored_note = ""
    if residual > params.max_residual_mm and shifts is None and with_corners:
        refit = _fit_to_codes(gray, work, fit, page, found, hit.text, residual, params)
        clock.lap("refine")
        if refit is not None:
            fit, residual, anchored_note, found = refit
    if residual > params.max_residual_mm and shifts is None and not anchored_note:
        if fit.missing:
            # Three marks taken for fiducials that the QR code does not agree with: more
            # than one fiducial is gone, and something else stood in for one of them.
            kind = RejectKind.PAGE_NOT_FOUND
            why = (
                "page not found: at least two of its four fiducials are missing or covered "
                f"(the best three candidates put the QR code {residual:.1f} mm out)"
            )
        else:
            kind = RejectKind.POOR_FIT
            where = "in its expected place" if hit.from_region else "elsewhere on the page"
            why = (
                f"the QR code ({where}) is {residual:.2f} mm from where the fiducials put it "
                f"(limit {params.max_residual_mm} mm): the page transform is not trusted, "
                "and the printed bubble grid does not show every block near its place"
            )
        return _rejected(
            kind,
            why,
            clock,
            fit=fit,
            payload=payload,
            qr_text=hit.text,
            residual_mm=round(residual, 3),
        )
    clock.lap("check")

    questions, grid_read, absence, thresholds = _measure(
        gray, work, fit, page, params, clock, shifts
    )
    notes = [anchored_note or _missing_note(page, fit), refined_note]
    if len(found) == 1 and len(page.qr_codes) > 1:
        which = "top-right" if found[0][0] == 0 else "bottom-left"
        other = "bottom-left" if found[0][0] == 0 else "top-right"
        notes.append(f"identity read from the {which} QR code only (the {other} one is unreadable)")

    read = PageRead(
        status=PageStatus.READ,
        reason="; ".join(n for n in notes if n),
        reject_kind=None,
        payload=payload,
        qr_text=hit.text,
        residual_mm=round(residual, 3),
        rotation=fit.rotation,
        skew_deg=round(fit.skew_deg, 3),
        px_per_mm=round(fit.px_per_mm, 4),
        questions=questions,
        admission_grid=grid_read,
        thresholds=thresholds,
        reader_version=READER_VERSION,
        absence=absence,
    )
    picture = None
    if _wanted(overlay, read):
        flagged = sum(q.status.flagged for q in questions)
        who = payload.admission_no or f"spare {payload.spare_serial}"
        title = (
            f"{payload.exam_code} {who} p{payload.page}/{payload.pages}  rot {fit.rotation}  "
            f"skew {fit.skew_deg:+.1f}  fit {residual:.2f}mm  flagged {flagged}/{len(questions)}"
        )
        picture = draw_overlay(
            gray, fit.homography, page, questions, grid_read, thresholds, params, title
        )
        clock.lap("overlay")
    return replace(read, timings_ms=clock.done(), overlay=picture)


class _CodeFit(NamedTuple):
    fit: PageFit
    residual: float  # mm, of the refitted transform on the codes' corners
    note: str  # what was done, for the page's reason
    found: list[tuple[int, QrHit]]  # the codes read, perhaps one more with the new fit


def _fit_to_codes(
    gray: GrayImage,
    work: Illumination,
    fit: PageFit,
    page: PageLayout,
    found: list[tuple[int, QrHit]],
    text: str,
    residual: float,
    params: ReadParams,
) -> _CodeFit | None:
    """The page fitted to its QR codes when the fiducials disagree with them, or None.

    With one code located, one of the marks taken for fiducials may be something else (a
    streak through one): each is left out in turn and the subset that fits the code is
    kept; if none does, the fiducials are looked for where the code alone puts them. With
    that fit the other code is looked for again. With both codes located, their corners
    and the fiducials that agree with them fix the page. Any such fit is trusted only if
    the printed bubble outlines stand where it puts them."""
    located = [(page.qr_codes[k], h) for k, h in found]
    with_corners = [(r, h.corners_px) for r, h in located if h.corners_px is not None]
    if len(with_corners) == 1:
        rect, corners = with_corners[0]
        anchor = (_corners_mm(rect), corners)
        trials = [
            t
            for t, misfit in fits_without_one(fit, page.fiducials, anchor)
            if misfit <= params.max_residual_mm
        ]
        searched = not trials
        if searched:
            try:
                trials = [code_fit(gray, work, page.fiducials, anchor, _CODE_REACH_MM)]
            except PageNotFound:
                return None
        shown, best = max(
            ((_grid_fit(gray, t.homography, page), t) for t in trials), key=lambda st: st[0]
        )
        if shown < _ANCHORED_MIN_FIT:
            return None
        again = _find_codes(gray, best.homography, page.qr_codes, params.qr_margin_mm)
        more = [(page.qr_codes[k], h) for k, h in again if h.text == text]
        if len(more) > len(located):
            # Both codes now: they check the fit below, as when both read at first.
            located, found = more, again
            with_corners = [(r, h.corners_px) for r, h in more if h.corners_px is not None]
        else:
            if searched:
                kept = len(page.fiducials) - len(best.missing)
                how = (
                    f"the marks taken for the fiducials did not fit the QR code "
                    f"({residual:.2f} mm); {kept} fiducials were found where the code puts "
                    "them, the page fitted to them and the code"
                )
            else:
                (left_out,) = set(best.missing) - set(fit.missing)
                how = (
                    f"the fiducials did not fit the QR code ({residual:.2f} mm); the mark "
                    f"taken for the {_corner_name(page.fiducials[left_out])} fiducial was "
                    "left out, the page fitted to the others and the code"
                )
            note = f"{how}, and {_grid_shown(shown)}"
            return _CodeFit(best, _residual_mm(best, located), note, found)
    if len(with_corners) < 2:
        return None
    anchors = (
        np.vstack([_corners_mm(r) for r, _ in with_corners]),
        np.vstack([c for _, c in with_corners]),
    )
    try:
        anchored = anchored_fit(fit, page.fiducials, anchors, _ANCHOR_AGREE_MM)
    except PageNotFound:
        return None
    shown = _grid_fit(gray, anchored.homography, page)
    if shown < _ANCHORED_MIN_FIT:
        return None
    kept = len(page.fiducials) - len(anchored.missing)
    note = (
        f"the fiducials did not fit the QR codes ({residual:.2f} mm); the page was fitted "
        f"to both QR codes and {kept} fiducial(s) that agree with them, and "
        f"{_grid_shown(shown)}"
    )
    return _CodeFit(anchored, _residual_mm(anchored, located), note, found)


def _grid_shown(share: float) -> str:
    return f"{share:.0%} of the printed bubble outlines stand where that puts them"


def _measure(
    gray: GrayImage,
    work: Illumination,
    fit: PageFit,
    page: PageLayout,
    params: ReadParams,
    clock: _Clock,
    shifts: FloatArray | None = None,
) -> tuple[tuple[QuestionRead, ...], AdmissionGridRead | None, AbsenceRead | None, Thresholds]:
    """Every bubble of ``page`` sampled through the transform (each moved by its block's
    refined ``shifts``, mm, when given), then decided."""
    plan = _plan(page, params)
    keys = plan.keys
    ink = ink_darkness(gray, fit.homography, page.fiducials, work)
    points = plan.points_mm if shifts is None else plan.points_mm + shifts[:, None, :]
    measured = measure_points(gray, fit.homography, points, work, ink=ink)
    clock.lap("measure")
    # Rounded once, here: what is stored is exactly what the thresholds came from, so a
    # later redecide() from the stored numbers finds the same thresholds.
    means = np.round(measured.values, 4).tolist()
    # Each bubble's least-filled quarter: pencil strokes through the whole bubble (a loose
    # scribble) leave none empty; a tick, a dot or a stray line does.
    quarters = measured.samples @ plan.quarters if len(means) else np.zeros((0, 4))
    spreads = np.round(quarters.min(axis=1, initial=np.inf), 4).tolist()
    # A question with a bubble under a dark streak is left to a person; its measures
    # (against the streak's paper) do not set the sheet's levels, here or in redecide().
    under = _under_streak(page, measured.hidden)
    by_bubble = [h for q, h in zip(page.questions, under, strict=True) for _ in q.options]
    by_bubble += [False] * (len(means) - len(by_bubble))  # the spare grid and the 缺考 box
    levels = [(m, k) for m, k, hid in zip(means, keys, by_bubble, strict=True) if not hid]
    thresholds = estimate_thresholds([m for m, _ in levels], [k for _, k in levels], params)
    # Each bubble's sample quantiles: its coverage (how much is solid pencil, which depends
    # on decide-time levels) is computed from them when it is decided, now or again later.
    profiles = np.round(measured.profile(), 4).tolist()
    questions_in: list[QuestionMeasures] = []
    cursor = 0
    for question, hidden in zip(page.questions, under, strict=True):
        n = len(question.options)
        readable = bool(measured.inside[cursor : cursor + n].all())
        labels = "".join(b.label for b in question.options)
        questions_in.append(
            QuestionMeasures(
                question.number,
                question.kind,
                labels,
                tuple(means[cursor : cursor + n]),
                (),
                readable and not hidden,
                tuple(spreads[cursor : cursor + n]),
                tuple(tuple(p) for p in profiles[cursor : cursor + n]),
                UNDER_STREAK if readable and hidden else OUTSIDE_IMAGE,
            )
        )
        cursor += n
    questions = decide(questions_in, thresholds, params)
    grid_read, absence = decide_identity(
        page, means[cursor:], profiles[cursor:], thresholds, params
    )
    clock.lap("decide")
    return tuple(questions), grid_read, absence, thresholds


# An unidentified page is measured with the layout page whose printed bubble outlines
# the image shows best: at least this share of the outlines must be found there, ...
_MIN_GRID_FIT = 0.75
# ... by this much more than on any other design (a page that fits two designs alike is
# not guessed at).
_MIN_GRID_LEAD = 0.15
_EDGE_STEPS = np.linspace(-0.6, 0.6, 7)  # mm across a bubble's printed edge
_EDGE_CONTRAST = 0.2  # the printed line at least this much darker than the paper beside it
_REMAP_ROWS = 16384


def _page_bubbles(page: PageLayout) -> list[Bubble]:
    """Every bubble of a page in the reader's order: the questions', then the grid's."""
    bubbles = [b for q in page.questions for b in q.options]
    bubbles.extend(identity_bubbles(page)[0])
    return bubbles


def _edge_points(bubbles: Sequence[Bubble]) -> FloatArray:
    """Points (n, 4 * steps, 2) on short profiles across each bubble's four printed edges
    (left, right, top, bottom), each profile running from inside the bubble to outside."""
    centres = np.array([(b.x_mm, b.y_mm) for b in bubbles]).reshape(-1, 2)
    halves = np.array([(b.w_mm / 2, b.h_mm / 2) for b in bubbles]).reshape(-1, 2)
    steps = _EDGE_STEPS
    profiles = []
    for axis, sign in ((0, -1.0), (0, 1.0), (1, -1.0), (1, 1.0)):
        points = np.repeat(centres[:, None, :], len(steps), axis=1)
        points[:, :, axis] += sign * (halves[:, None, axis] - steps[None, ::-1])
        profiles.append(points)
    return np.concatenate(profiles, axis=1)


def _edges_found(
    gray: GrayImage, homography: FloatArray, points_mm: FloatArray
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """For each profile (points_mm: (..., steps, 2)): whether a printed line crosses it,
    darker than the paper just outside by ``_EDGE_CONTRAST``, and by how much."""
    return _edges_at(gray, project(homography, points_mm))


def _edges_at(gray: GrayImage, px: FloatArray) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """As ``_edges_found``, for profiles already in image pixels."""
    map_x = np.ascontiguousarray(px[..., 0].reshape(-1, px.shape[-2]), dtype=np.float32)
    map_y = np.ascontiguousarray(px[..., 1].reshape(-1, px.shape[-2]), dtype=np.float32)
    # cv2.remap takes maps of fewer than 32767 rows: a block as big as the admission grid
    # (360 profiles) tried at 121 shifts is more, so the profiles go in slices.
    values = np.vstack(
        [
            cv2.remap(
                gray,
                map_x[k : k + _REMAP_ROWS],
                map_y[k : k + _REMAP_ROWS],
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=0,
            )
            for k in range(0, max(len(map_x), 1), _REMAP_ROWS)
        ]
    ).astype(np.float64)
    outside = values[:, -1]
    contrast = (outside - values.min(axis=1)) / np.maximum(outside, 1.0)
    shape = px.shape[:-2]
    return (contrast >= _EDGE_CONTRAST).reshape(shape), contrast.reshape(shape)


def _grid_fit(gray: GrayImage, homography: FloatArray, page: PageLayout) -> float:
    """The share of the page's printed bubble outlines found where the layout puts them.

    Across each edge of each bubble a short profile is sampled: on the right design the
    printed line is darker than the paper just outside it; on another design most of the
    edges fall on blank paper or on something else.
    """
    bubbles = _page_bubbles(page)
    if not bubbles:
        return 0.0
    points = _edge_points(bubbles).reshape(-1, len(_EDGE_STEPS), 2)
    found, _ = _edges_found(gray, homography, points)
    return float(found.mean())


# A distrusted page transform is refined block by block from the printed bubble grid:
# each block of questions (and the spare grid) is looked for within this reach of where
# the transform puts it, coarse then fine, ...
_REFINE_COARSE = np.arange(-2.5, 2.51, 0.5)
_REFINE_FINE = np.arange(-0.5, 0.51, 0.125)
# ... and the page is read only if every block is found with this share of its outlines.
_REFINE_MIN_FIT = 0.85
_REFINE_MOVED_MM = 0.75  # a block found this far from its place is displaced
# A transform fitted to the QR codes is trusted when the fiducials it keeps lie this close
# to where the codes alone put them, and this share of the bubble outlines shows.
_ANCHOR_AGREE_MM = 1.5
_ANCHORED_MIN_FIT = _REFINE_MIN_FIT  # as for a block found again by its outlines
_CODE_REACH_MM = 8.0  # how far from where one code alone puts a fiducial it is looked for


@dataclass(frozen=True)
class _Refinement:
    shifts: FloatArray  # (n, 2) mm: each bubble's block's shift, in the reader's order
    moved: float  # the largest shift of a block (mm)
    worst: float  # the smallest share of a block's outlines found once shifted
    displaced: bool  # some block stood clearly away from where the transform put it


def _refine_blocks(gray: GrayImage, homography: FloatArray, page: PageLayout) -> _Refinement:
    """Each block of bubbles (and the spare grid) looked for by its printed outlines near
    where the transform puts it: the shift that shows them best, block by block."""
    bubbles = _page_bubbles(page)
    groups: list[list[int]] = []
    placed: set[int] = set()
    frames = list(page.blocks)
    if page.admission_grid is not None:
        # Row by row: a grid is as tall as two blocks, and a sheet stretched in the feeder
        # bends it (each row of digits moves as one).
        for digit_row in zip(*page.admission_grid.bubbles, strict=True):
            left, right = digit_row[0].rect, digit_row[-1].rect
            frames.append(Rect(left.x_mm, left.y_mm, right.right - left.x_mm, left.h_mm))
    for frame in frames:
        members = [
            k
            for k, b in enumerate(bubbles)
            if k not in placed
            and frame.x_mm - 0.5 <= b.x_mm <= frame.right + 0.5
            and frame.y_mm - 0.5 <= b.y_mm <= frame.bottom + 0.5
        ]
        placed.update(members)
        if members:
            groups.append(members)
    groups.extend([k] for k in range(len(bubbles)) if k not in placed)
    edges = _edge_points(bubbles)  # (n, 4 * steps, 2)
    steps = len(_EDGE_STEPS)
    shifts = np.zeros((len(bubbles), 2))
    worst, displaced = 1.0, False
    for members in groups:
        base = edges[members].reshape(-1, steps, 2)
        base_px = project(homography, base)
        # Over a block the transform is as good as linear: a shift in mm is a shift in
        # pixels through its local Jacobian (projecting every candidate cost 20x more).
        centre = base.reshape(-1, 2).mean(axis=0)
        ends = project(homography, centre + np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
        jacobian = np.stack([ends[1] - ends[0], ends[2] - ends[0]], axis=1)  # px per mm
        best = np.zeros(2)
        for grid in (_REFINE_COARSE, _REFINE_FINE):
            dx, dy = np.meshgrid(grid, grid)
            candidates = best + np.stack([dx.ravel(), dy.ravel()], axis=1)
            moved = base_px[None, :, :, :] + (candidates @ jacobian.T)[:, None, None, :]
            _, contrast = _edges_at(gray, moved)
            best = candidates[int(np.argmax(np.clip(contrast, 0.0, 1.0).mean(axis=1)))]
        found_there, _ = _edges_at(gray, base_px)
        found, _ = _edges_at(gray, base_px + best @ jacobian.T)
        share, before = float(found.mean()), float(found_there.mean())
        worst = min(worst, share)
        # Displaced: found clearly better away from its place, or not found near it at all
        # (no page of low contrast loses a whole block's outlines: 0.55 at worst, 150 dpi).
        if (np.hypot(*best) > _REFINE_MOVED_MM and share - before >= 0.1) or share < 0.35:
            displaced = True
        shifts[members] = best
    return _Refinement(shifts, float(np.abs(shifts).max(initial=0.0)), worst, displaced)


def _unidentified(
    gray: GrayImage,
    work: Illumination,
    fit: PageFit,
    fiducials: tuple[Rect, ...],
    layouts: Mapping[str, SheetLayout],
    params: ReadParams,
    overlay: bool | OverlayWhen,
    clock: _Clock,
) -> PageRead:
    """Neither QR code read: measure the page with the layout page its printed grid fits,
    to wait in review until a person says whose page it is; or reject it, saying why."""
    scored: list[tuple[float, str, PageLayout]] = []
    for layout_hash, layout in layouts.items():
        for candidate in layout.pages:
            if candidate.fiducials == fiducials:
                scored.append((_grid_fit(gray, fit.homography, candidate), layout_hash, candidate))
    scored.sort(key=lambda item: -item[0])
    clock.lap("identify")
    unread = "QR code missing or unreadable (both copies)"
    if not scored:
        return _rejected(RejectKind.QR_MISSING, unread, clock, fit=fit)
    best, layout_hash, page = scored[0]
    layout = layouts[layout_hash]
    alike = alike_pages(layout, page.number)
    others = [f for f, h, p in scored[1:] if not (h == layout_hash and p.number in alike)]
    runner_up = others[0] if others else 0.0
    if best < _MIN_GRID_FIT:
        why = f"{unread}; the printed bubble grid fits no page of this exam (best {best:.0%})"
        return _rejected(RejectKind.QR_MISSING, why, clock, fit=fit)
    if best - runner_up < _MIN_GRID_LEAD:
        why = (
            f"{unread}; the printed bubble grid fits more than one page design alike "
            f"({best:.0%} and {runner_up:.0%}): which page it is cannot be told"
        )
        return _rejected(RejectKind.QR_MISSING, why, clock, fit=fit)
    residual = _residual_mm(fit, [])
    if residual > params.max_residual_mm:
        why = (
            f"{unread}; the fiducials' corners are {residual:.2f} mm off the page transform "
            f"(limit {params.max_residual_mm} mm): the page transform is not trusted"
        )
        return _rejected(RejectKind.QR_MISSING, why, clock, fit=fit, residual_mm=round(residual, 3))
    shifts: FloatArray | None = None
    if best < 0.85:
        # No QR corners check this transform: the printed grid must, block by block.
        refined = _refine_blocks(gray, fit.homography, page)
        clock.lap("refine")
        if refined.displaced and refined.worst < _REFINE_MIN_FIT:
            why = (
                f"{unread}; the printed bubble grid is not where the fiducials put it "
                "(the sheet is stretched or folded): the page transform is not trusted"
            )
            return _rejected(RejectKind.QR_MISSING, why, clock, fit=fit)
        if refined.displaced:
            shifts = refined.shifts
    questions, grid_read, absence, thresholds = _measure(
        gray, work, fit, page, params, clock, shifts
    )
    guess = PageGuess(
        layout_hash=layout_hash,
        page=page.number,
        pages=len(layout.pages),
        spare=layout.spare,
        grid_fit=round(best, 3),
        runner_up=round(runner_up, 3),
        alike=alike,
    )
    which = (
        f"page {page.number} of {len(layout.pages)}"
        if len(alike) == 1
        else f"one of pages {', '.join(map(str, alike))} (alike)"
    )
    reason = (
        f"identify this page (待识别页面): neither QR code could be read; measured as "
        f"{'a spare sheet, ' if layout.spare else ''}{which} "
        f"(printed grid fit {best:.0%}, next design {runner_up:.0%})"
    )
    missing = _missing_note(page, fit)
    if missing:
        reason += f"; {missing.replace('the other three and the QR code', 'the other three')}"
    read = PageRead(
        status=PageStatus.UNIDENTIFIED,
        reason=reason,
        reject_kind=None,
        payload=None,
        qr_text=None,
        residual_mm=round(residual, 3),
        rotation=fit.rotation,
        skew_deg=round(fit.skew_deg, 3),
        px_per_mm=round(fit.px_per_mm, 4),
        questions=questions,
        admission_grid=grid_read,
        thresholds=thresholds,
        reader_version=READER_VERSION,
        guess=guess,
        absence=absence,
    )
    picture = None
    if _wanted(overlay, read):
        title = (
            f"IDENTIFY THIS PAGE: no QR read  layout {layout_hash} p{page.number}/"
            f"{len(layout.pages)}?  grid fit {best:.0%}  rot {fit.rotation}"
        )
        picture = draw_overlay(
            gray,
            fit.homography,
            page,
            questions,
            grid_read,
            thresholds,
            params,
            title,
            highlight=_identity_boxes(page),
        )
        clock.lap("overlay")
    return replace(read, timings_ms=clock.done(), overlay=picture)


def _identity_boxes(page: PageLayout) -> tuple[Rect, ...]:
    """Where a person reads whose page it is: the printed (or handwritten) name and
    admission number, and the spare sheet's admission grid."""
    h = page.header
    boxes = [h.name.value_box, h.page_label.value_box]
    if h.admission_no is not None:
        boxes.append(h.admission_no.value_box)
    if page.admission_grid is not None:
        boxes.append(page.admission_grid.frame)
    return tuple(boxes)


def redecide(page: PageRead, params: ReadParams = ReadParams()) -> PageRead:
    """Decide a read page again from its stored measures (new parameters, no image)."""
    if page.status is not PageStatus.READ:
        return page
    measures, keys = _stored_measures(page)
    thresholds = estimate_thresholds(measures, keys, params)
    grid = None
    if page.admission_grid is not None:
        stored = page.admission_grid
        grid = decide_grid(stored.measures, stored.coverage, thresholds, params, stored.profile)
    absence = page.absence
    if absence is not None:
        absence = (
            absence_from_profile(absence.measure, absence.profile, thresholds, params)
            if absence.profile
            else decide_absence(absence.measure, absence.coverage, thresholds, params)
        )
    return replace(
        page,
        questions=decide(page.questions, thresholds, params),
        admission_grid=grid,
        thresholds=thresholds,
        overlay=None,
        absence=absence,
    )
