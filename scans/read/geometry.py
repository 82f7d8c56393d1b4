"""Find the printed page in an image: fiducials to a page transform (mm → pixels).

Contract: ``find_page(image, fiducials, params)`` returns a :class:`PageFit` whose
``homography`` maps page millimetres (x right, y down from the page's top-left corner)
to image pixels, whatever the page's orientation (0/90/180/270), skew (±10° and more),
mild perspective and scale (150–600 dpi) — or raises :class:`PageNotFound` saying why.

The search runs on a downscaled copy; each fiducial found there is then re-measured at
full resolution, so the transform's precision is the full image's. The fiducial pattern
alone tells the orientation: the layout's fiducials differ in size (one is larger) and
their rectangle is not square, so only one assignment fits positions and sizes at once.

One fiducial of four may be missing (a thumb or a staple over it, a torn corner, a page
the feeder shifted so a corner is cut off): three still fix the page (an affine fit),
``PageFit.missing`` names the absent one, and the caller can refit with more points it
trusts (``extra``: the decoded QR symbol's corners) to recover the perspective.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Rect

__all__ = [
    "Illumination",
    "PageFit",
    "PageNotFound",
    "anchored_fit",
    "code_fit",
    "find_page",
    "fits_without_one",
    "project",
    "work_image",
]

FloatArray = npt.NDArray[np.float64]
GrayImage = npt.NDArray[np.uint8]

_WORK_LONG_SIDE = 1000
_DARK_RATIO = 0.55  # ink is well under half the paper's brightness; most pencil is not
_MIN_SOLIDITY = 0.75
_MAX_ASPECT = 1.45
_MAX_CANDIDATES = 16


class PageNotFound(Exception):
    """No sheet found in the image: ``reason`` says what was missing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Illumination:
    """The image downscaled for searching, and the paper's brightness at each point of it."""

    small: GrayImage
    paper: npt.NDArray[np.float32]
    scale: float  # small = image * scale
    # Dark toner streaks down the image (see ``toner_streaks``): the share of the paper's
    # brightness each column keeps, per block of ``streak_step`` rows (None: no streak seen).
    streak_gain: npt.NDArray[np.float32] | None = None
    streak_step: int = 1


@dataclass(frozen=True)
class PageFit:
    homography: FloatArray  # 3×3, page mm → image px
    rotation: int  # 0/90/180/270: how far the page is turned clockwise in the image
    skew_deg: float  # the remaining tilt after rotation
    px_per_mm: float
    fiducials_px: FloatArray  # (n, 2) measured centres of the fiducials found, in layout order
    corner_residual_mm: float  # RMS misfit of the fiducials' measured corners
    corner_count: int  # how many corners that RMS is over
    missing: tuple[int, ...] = ()  # layout indices of fiducials not found (at most one)


def project(homography: FloatArray, points_mm: FloatArray) -> FloatArray:
    """Map (..., 2) page-mm points to image pixels."""
    flat = points_mm.reshape(-1, 2)
    ones = np.ones((flat.shape[0], 1))
    mapped = np.hstack([flat, ones]) @ homography.T
    return (mapped[:, :2] / mapped[:, 2:3]).reshape(points_mm.shape)


def work_image(image: GrayImage) -> Illumination:
    """Downscale for the search and estimate the paper's brightness (uneven light, grey paper)."""
    height, width = image.shape
    # An integer factor keeps INTER_AREA on its fast path (4× faster than a fractional one).
    factor = max(1, math.ceil(max(height, width) / _WORK_LONG_SIDE))
    scale = 1.0 / factor
    small = (
        cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        if factor > 1
        else image.copy()
    )
    scale = small.shape[1] / width
    # Paper brightness: the local maximum over a window wider than any printed mark or
    # pencil fill, computed on a further-reduced copy, then smoothed. Dividing by it
    # cancels grey paper, uneven lighting and phone-photo vignetting alike.
    tiny = cv2.resize(small, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    window = max(3, round(max(tiny.shape) / 297 * 11) | 1)  # ~11 mm of page
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (window, window))
    paper_tiny = cv2.blur(cv2.dilate(tiny, kernel), (window, window))
    stretched = cv2.resize(
        paper_tiny.astype(np.float32),
        (small.shape[1], small.shape[0]),
        interpolation=cv2.INTER_LINEAR,
    )
    paper = np.maximum(np.asarray(stretched, dtype=np.float32), np.float32(1.0))
    gain, step = toner_streaks(image)
    return Illumination(np.asarray(small, dtype=np.uint8), paper, scale, gain, step)


_STREAK_RUN_MM = 8.0  # a streak keeps darkening its column over this length of paper ...
_STREAK_WIDTH_MM = 1.2  # ... and is at most this wide (a pencil fill or a bubble is wider)
_STREAK_DIP = 0.93  # the column keeps at most this share of the paper beside it ...
_STREAK_LENGTH = 0.6  # ... over at least this share of the image's height


def toner_streaks(image: GrayImage) -> tuple[npt.NDArray[np.float32] | None, int]:
    """Dark lines down the image, as a scanner with dirt on its glass draws them.

    A column's paper is its brightest pixel over ``_STREAK_RUN_MM`` of height (no printed
    glyph, bubble or pencil fill is that tall: paper shows between them); where a narrow
    run of columns keeps less of it than the paper beside it, a streak darkens whatever it
    crosses by that share, and a bubble under it is measured against that darker paper.
    Returns the gain (1 where no streak) for each block of ``step`` rows, or None when none."""
    height, width = image.shape
    px_per_mm = max(height, width) / 297.0  # the page's long side, near enough
    run = max(3, round(_STREAK_RUN_MM * px_per_mm) | 1)
    step = max(1, run // 4)
    # Each block of ``step`` rows by its brightest pixel, then over ``run`` rows of blocks
    # (a tenth of the cost of dilating the whole image).
    blocks = height // step
    if blocks < 3:
        return None, step
    brightest = image[: blocks * step].reshape(blocks, step, width).max(axis=1)
    column_paper = cv2.dilate(brightest, np.ones((max(3, (run // step) | 1), 1), np.uint8))
    side = max(3, round(3 * _STREAK_WIDTH_MM * px_per_mm) | 1)
    beside = cv2.dilate(column_paper, np.ones((1, side), np.uint8))
    gain = column_paper.astype(np.float32) / np.maximum(beside.astype(np.float32), 1.0)
    dip = (gain < _STREAK_DIP).view(np.uint8)
    if not dip.any():
        return None, step
    wide = max(2, round(_STREAK_WIDTH_MM * px_per_mm) + 1)
    broad = cv2.morphologyEx(dip, cv2.MORPH_OPEN, np.ones((1, wide), np.uint8))
    narrow = (dip > 0) & (broad == 0)
    # A streak runs down the whole sheet; a tall glyph or the code in the header does not.
    down = narrow.mean(axis=0) >= _STREAK_LENGTH
    if not down.any():
        return None, step
    return np.where(narrow & down[None, :], gain, np.float32(1.0)).astype(np.float32), step


@dataclass(frozen=True)
class _Blob:
    x: float
    y: float
    size: float  # side of a square of the same area


def _square_blobs(work: Illumination) -> list[_Blob]:
    dark = (work.small < work.paper * _DARK_RATIO).view(np.uint8)
    # An opening wider than any printed stroke leaves only solid areas (fiducials, QR
    # blocks, filled bubbles): ten times fewer contours to look at.
    side = max(3, round(max(work.small.shape) / 297 * 1.5) | 1)
    solid = np.asarray(
        cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((side, side), np.uint8)), dtype=np.uint8
    )
    # CCOMP, not EXTERNAL: a dark scanner lid around the page would otherwise enclose
    # the page and hide every fiducial as a mere hole's content.
    contours, hierarchy = cv2.findContours(solid, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    outer = hierarchy[0][:, 3] == -1
    contours = [c for c, keep in zip(contours, outer, strict=True) if keep]
    long_side = max(work.small.shape)
    # A fiducial is 6-8 mm on a page that fills 35-100 % of the image's long side.
    min_side = long_side / 297 * 5.0 * 0.35
    max_side = long_side / 297 * 12.0
    blobs: list[_Blob] = []
    for contour in contours:
        _, _, w, h = cv2.boundingRect(contour)
        if not (min_side * 0.8 <= max(w, h) and min(w, h) <= max_side * 1.5):
            continue
        if max(w, h) > 1.8 * min(w, h):
            continue
        moments = cv2.moments(contour)
        area = moments["m00"]
        if not (min_side * min_side <= area <= max_side * max_side):
            continue
        (_, _), (rw, rh), _ = cv2.minAreaRect(contour)
        if rw <= 0 or rh <= 0:
            continue
        if max(rw, rh) > _MAX_ASPECT * min(rw, rh) or area < _MIN_SOLIDITY * rw * rh:
            continue
        blobs.append(_Blob(moments["m10"] / area, moments["m01"] / area, math.sqrt(area)))
    # The fiducials are the largest solid squares on a sheet; the matching below is cubic
    # in the number of candidates, so keep only the largest few.
    blobs.sort(key=lambda blob: blob.size, reverse=True)
    return blobs[:_MAX_CANDIDATES]


def _match_pattern(
    blobs: list[_Blob], centres_mm: FloatArray, sizes_mm: FloatArray
) -> list[int | None]:
    """Indices of the blobs playing each layout fiducial (None: that one is missing).

    Every pair of blobs, taken as every pair of layout fiducials, proposes a similarity
    transform; the hypothesis whose predictions land on blobs of the right sizes wins.
    Vectorised over all hypotheses at once. A hypothesis matching every fiducial always
    wins over one that misses one; missing more than one is never accepted.
    """
    n = len(centres_mm)
    least = n - 1 if n >= 4 else n
    if len(blobs) < least:
        # The count of dark specks is not said: on a page that is not a sheet it depends
        # on the scanner's noise, and the person needs only "no sheet found here".
        raise PageNotFound(
            f"未找到答题卡 page not found: fewer than {least} of its {n} fiducials in the image"
        )
    z_blob = np.array([complex(b.x, b.y) for b in blobs])
    size_blob = np.array([b.size for b in blobs])
    z_mm = centres_mm[:, 0] + 1j * centres_mm[:, 1]
    count = len(blobs)
    layout_a, layout_b = np.array(list(itertools.combinations(range(n), 2))).T
    blob_i, blob_j = np.array([(i, j) for i in range(count) for j in range(count) if i != j]).T
    la = np.repeat(layout_a, blob_i.size)
    lb = np.repeat(layout_b, blob_i.size)
    bi = np.tile(blob_i, layout_a.size)
    bj = np.tile(blob_j, layout_a.size)
    rot = (z_blob[bj] - z_blob[bi]) / (z_mm[lb] - z_mm[la])  # (P,)
    shift = z_blob[bi] - rot * z_mm[la]
    px_per_mm = np.abs(rot)
    predicted = rot[:, None] * z_mm[None, :] + shift[:, None]  # (P, n)
    distances = np.abs(predicted[:, :, None] - z_blob[None, None, :])  # (P, n, C)
    nearest = distances.argmin(axis=2)  # (P, n)
    nearest_distance = np.take_along_axis(distances, nearest[:, :, None], axis=2)[:, :, 0]
    page_span_mm = float(np.abs(z_mm[:, None] - z_mm[None, :]).max())
    tolerance = 0.07 * page_span_mm * px_per_mm
    with np.errstate(divide="ignore", invalid="ignore"):
        size_error = np.abs(np.log(size_blob[nearest] / (sizes_mm[None, :] * px_per_mm[:, None])))
    size_error[~np.isfinite(size_error)] = np.inf
    hit = (nearest_distance <= tolerance[:, None]) & (size_error <= 0.45)  # (P, n)
    # Two fiducials may not share a blob; a missed one takes a distinct placeholder.
    ordered = np.sort(np.where(hit, nearest, -1 - np.arange(n)[None, :]), axis=1)
    distinct = (ordered[:, 1:] != ordered[:, :-1]).all(axis=1)
    hits = hit.sum(axis=1)
    valid = distinct & (hits == n)
    if not valid.any():
        valid = distinct & (hits >= least)
    if not valid.any():
        raise PageNotFound(
            f"page not found: no {least} marks in the image match the sheet's fiducial pattern"
        )
    terms = np.where(hit, size_error + nearest_distance / tolerance[:, None], 0.0)
    cost = np.where(valid, terms.sum(axis=1), np.inf)
    best = int(np.argmin(cost))
    return [int(k) if hit[best, j] else None for j, k in enumerate(nearest[best])]


def _refine_centre(
    image: GrayImage, centre: FloatArray, side_px: float
) -> tuple[FloatArray, FloatArray] | None:
    """The fiducial's centroid and its four corners, measured at full resolution."""
    half = max(4, round(side_px * 1.1))
    x0, y0 = round(centre[0]) - half, round(centre[1]) - half
    h, w = image.shape
    if x0 < 0 or y0 < 0 or x0 + 2 * half >= w or y0 + 2 * half >= h:
        return None
    patch = image[y0 : y0 + 2 * half, x0 : x0 + 2 * half]
    _, binary = cv2.threshold(patch, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if count < 2:
        return None
    distances = np.hypot(centroids[1:, 0] - half, centroids[1:, 1] - half)
    areas = stats[1:, cv2.CC_STAT_AREA]
    candidates = np.where(areas > 0.3 * side_px * side_px)[0]
    if candidates.size == 0:
        return None
    index = int(candidates[np.argmin(distances[candidates])]) + 1
    # An intensity-weighted centroid is less sensitive to the threshold than a binary one.
    mask = labels == index
    mask = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    weights = (255.0 - patch.astype(np.float64)) * mask
    total = weights.sum()
    if total <= 0:
        return None
    ys, xs = np.indices(patch.shape)
    centroid = np.array([x0 + (weights * xs).sum() / total, y0 + (weights * ys).sum() / total])
    contours, _ = cv2.findContours(
        (labels == index).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE
    )
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(max(contours, key=cv2.contourArea))
    # Contour points are the centres of the boundary pixels: the edge is half a pixel out.
    corners = cv2.boxPoints(((cx, cy), (rw + 1.0, rh + 1.0), angle)).astype(np.float64)
    return centroid, corners + np.array([x0, y0], dtype=np.float64)


def _fit(points_mm: FloatArray, points_px: FloatArray) -> FloatArray:
    """mm → px: a homography from four points or more, an affine map from three."""
    if len(points_mm) >= 4:
        fitted, _ = cv2.findHomography(points_mm, points_px, 0)
    else:
        affine = cv2.getAffineTransform(points_mm.astype(np.float32), points_px.astype(np.float32))
        fitted = np.vstack([affine, [0.0, 0.0, 1.0]])
    if fitted is None or not np.isfinite(fitted).all() or abs(np.linalg.det(fitted)) < 1e-12:
        raise PageNotFound("page not found: the fiducials are degenerate")
    return np.asarray(fitted, dtype=np.float64)


def find_page(
    image: GrayImage,
    fiducials: tuple[Rect, ...],
    work: Illumination,
    extra: tuple[FloatArray, FloatArray] | None = None,
) -> PageFit:
    """Fit the page transform from the layout's fiducials; raise PageNotFound if absent.

    ``extra`` adds trusted correspondences (page mm, image px) to the final fit.
    """
    centres_mm = np.array([r.centre for r in fiducials], dtype=np.float64)
    sizes_mm = np.array([math.sqrt(r.w_mm * r.h_mm) for r in fiducials], dtype=np.float64)
    blobs = _square_blobs(work)
    chosen = _match_pattern(blobs, centres_mm, sizes_mm)
    present = [k for k, blob in enumerate(chosen) if blob is not None]
    missing = tuple(k for k, blob in enumerate(chosen) if blob is None)
    found_small = np.array([[blobs[b].x, blobs[b].y] for b in chosen if b is not None])
    found = (found_small + 0.5) / work.scale - 0.5
    known_mm = centres_mm[present]
    px_per_mm = _px_per_mm(_fit(known_mm, found), known_mm)
    refined = found.copy()
    measured_corners: dict[int, FloatArray] = {}
    for i, k in enumerate(present):
        better = _refine_centre(image, found[i], sizes_mm[k] * px_per_mm)
        if better is not None and np.hypot(*(better[0] - found[i])) < sizes_mm[k] * px_per_mm:
            refined[i] = better[0]
            measured_corners[k] = better[1]
    points_mm, points_px = known_mm, refined
    if extra is not None:
        points_mm = np.vstack([points_mm, extra[0]])
        points_px = np.vstack([points_px, extra[1]])
    homography = _fit(points_mm, points_px)
    px_per_mm = _px_per_mm(homography, centres_mm)
    angle = _page_angle(homography)
    rotation = round(angle / 90.0) % 4 * 90
    skew = (angle - rotation + 180.0) % 360.0 - 180.0
    residual, count = _corner_residual(homography, fiducials, measured_corners, px_per_mm)
    return PageFit(homography, rotation, skew, px_per_mm, refined, residual, count, missing)


def anchored_fit(
    fit: PageFit,
    fiducials: tuple[Rect, ...],
    anchors: tuple[FloatArray, FloatArray],
    agree_mm: float,
) -> PageFit:
    """The page transform fitted again on trusted anchors (page mm, image px: the QR
    symbols' decoded corners) and on those fiducials ``fit`` found that the anchors alone
    put within ``agree_mm`` of where they were seen; the others count as missing.

    For a page whose fiducials disagree with its codes (one covered and a mark taken for
    it, or two cut off): the codes span the page diagonally and fix it without them."""
    anchors_mm, anchors_px = anchors
    alone = _fit(anchors_mm, anchors_px)
    present = [k for k in range(len(fiducials)) if k not in fit.missing]
    centres_mm = np.array([r.centre for r in fiducials], dtype=np.float64)
    scale = _px_per_mm(alone, centres_mm)
    seen = fit.fiducials_px
    agree = [
        i
        for i, k in enumerate(present)
        if np.hypot(*(project(alone, centres_mm[k : k + 1])[0] - seen[i])) <= agree_mm * scale
    ]
    kept = [present[i] for i in agree]
    homography = _fit(
        np.vstack([centres_mm[kept], anchors_mm]), np.vstack([seen[agree], anchors_px])
    )
    return _refit(homography, fiducials, kept, seen[agree])


def fits_without_one(
    fit: PageFit, fiducials: tuple[Rect, ...], anchors: tuple[FloatArray, FloatArray]
) -> list[tuple[PageFit, float]]:
    """The page fitted on the anchors and all but one of the fiducials ``fit`` found, for
    each one left out, with the RMS misfit (mm) of the points it was fitted on.

    For a page with one code located and four marks taken for fiducials, one of them
    wrong (a streak through a fiducial): the subset that agrees with the code is the page."""
    anchors_mm, anchors_px = anchors
    present = [k for k in range(len(fiducials)) if k not in fit.missing]
    centres_mm = np.array([r.centre for r in fiducials], dtype=np.float64)
    out: list[tuple[PageFit, float]] = []
    for drop in range(len(present)):
        keep = [i for i in range(len(present)) if i != drop]
        kept = [present[i] for i in keep]
        points_mm = np.vstack([centres_mm[kept], anchors_mm])
        points_px = np.vstack([fit.fiducials_px[keep], anchors_px])
        try:
            homography = _fit(points_mm, points_px)
        except PageNotFound:
            continue
        refit = _refit(homography, fiducials, kept, fit.fiducials_px[keep])
        misfit = np.linalg.norm(project(homography, points_mm) - points_px, axis=1)
        out.append((refit, float(np.sqrt(np.mean(misfit**2))) / refit.px_per_mm))
    return out


def code_fit(
    image: GrayImage,
    work: Illumination,
    fiducials: tuple[Rect, ...],
    anchors: tuple[FloatArray, FloatArray],
    reach_mm: float,
) -> PageFit:
    """The page fitted on one code's corners (``anchors``) and on the marks found within
    ``reach_mm`` of where those corners alone put each fiducial (at least two of them).

    For a page whose fiducial search matched the wrong marks (a streak splitting one, filled
    bubbles taken for the pattern) and whose other code is unreadable: the code alone is too
    small to extrapolate to the whole page, but good enough to say where to look."""
    anchors_mm, anchors_px = anchors
    alone = _fit(anchors_mm, anchors_px)
    centres_mm = np.array([r.centre for r in fiducials], dtype=np.float64)
    sizes_mm = np.array([math.sqrt(r.w_mm * r.h_mm) for r in fiducials], dtype=np.float64)
    scale = _px_per_mm(alone, anchors_mm)
    blobs = _square_blobs(work)
    if not blobs:
        raise PageNotFound("page not found: no fiducial near where the QR code puts them")
    seen = (np.array([[b.x, b.y] for b in blobs]) + 0.5) / work.scale - 0.5
    sizes = np.array([b.size for b in blobs]) / work.scale
    kept: list[int] = []
    found: list[FloatArray] = []
    for k, predicted in enumerate(project(alone, centres_mm)):
        distance = np.linalg.norm(seen - predicted, axis=1)
        fits = (distance <= reach_mm * scale) & (
            np.abs(np.log(sizes / (sizes_mm[k] * scale))) <= 0.45
        )
        if fits.any():
            best = int(np.argmin(np.where(fits, distance, np.inf)))
            better = _refine_centre(image, seen[best], sizes_mm[k] * scale)
            kept.append(k)
            found.append(better[0] if better is not None else seen[best])
    if len(kept) < 2:
        raise PageNotFound("page not found: no fiducial near where the QR code puts them")
    points_px = np.array(found)
    homography = _fit(np.vstack([centres_mm[kept], anchors_mm]), np.vstack([points_px, anchors_px]))
    return _refit(homography, fiducials, kept, points_px)


def _refit(
    homography: FloatArray, fiducials: tuple[Rect, ...], kept: list[int], seen: FloatArray
) -> PageFit:
    """A page fit from a refitted transform: the fiducials ``kept`` (seen at ``seen``), the
    others missing; its corners not measured (the refit's checks are the caller's)."""
    centres_mm = np.array([r.centre for r in fiducials], dtype=np.float64)
    angle = _page_angle(homography)
    rotation = round(angle / 90.0) % 4 * 90
    skew = (angle - rotation + 180.0) % 360.0 - 180.0
    missing = tuple(k for k in range(len(fiducials)) if k not in kept)
    scale = _px_per_mm(homography, centres_mm)
    return PageFit(homography, rotation, skew, scale, seen, 0.0, 0, missing)


def _corner_residual(
    homography: FloatArray,
    fiducials: tuple[Rect, ...],
    measured: dict[int, FloatArray],
    px_per_mm: float,
) -> tuple[float, int]:
    """RMS distance (mm) between measured fiducial corners and where the fit puts them.

    The fit uses the fiducials' centres only, so their corners are independent checks.
    """
    errors: list[float] = []
    for k, corners in measured.items():
        r = fiducials[k]
        layout = np.array(
            [[r.x_mm, r.y_mm], [r.right, r.y_mm], [r.right, r.bottom], [r.x_mm, r.bottom]]
        )
        expected = project(homography, layout)
        distances = np.linalg.norm(corners[:, None, :] - expected[None, :, :], axis=-1)
        errors.extend((distances.min(axis=1) / px_per_mm).tolist())
    if not errors:
        return 0.0, 0
    return float(np.sqrt(np.mean(np.square(errors)))), len(errors)


def _px_per_mm(homography: FloatArray, centres_mm: FloatArray) -> float:
    mapped = project(homography, centres_mm)
    span_px = np.linalg.norm(mapped[:, None, :] - mapped[None, :, :], axis=-1)
    span_mm = np.linalg.norm(centres_mm[:, None, :] - centres_mm[None, :, :], axis=-1)
    mask = span_mm > 0
    return float((span_px[mask] / span_mm[mask]).mean())


def _page_angle(homography: FloatArray) -> float:
    """Clockwise angle, in degrees, of the page's x axis in the image (y points down)."""
    centre = np.array([[105.0, 148.5], [115.0, 148.5]])
    a, b = project(homography, centre)
    return math.degrees(math.atan2(b[1] - a[1], b[0] - a[0])) % 360.0
