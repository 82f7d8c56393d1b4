"""Measure bubbles: sample each one's inner area through the page transform.

Contract: ``measure_bubbles`` returns, for every bubble, its darkness relative to the
paper around it (0 clean paper, 1 printed ink black), and whether the bubble lies inside
the image at all. Only the sample points are read (``cv2.remap`` over all bubbles in one
call): the page is never warped as a whole. The inner area keeps clear of the printed
outline, so the measure is the pencil's, not the ink's.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Bubble, Rect
from scans.read.geometry import FloatArray, GrayImage, Illumination, project

__all__ = [
    "PROFILE_POINTS",
    "BubbleMeasures",
    "ink_darkness",
    "measure_bubbles",
    "measure_points",
    "profile_coverage",
    "sample_points_mm",
    "unit_disc_samples",
]


# A bubble's *profile*: the darkness of its samples at these quantiles (0 the lightest
# sample, 1 the darkest). Stored beside the mean, it keeps what the decision needs of the
# samples, so that what depends on decide-time parameters (how much of a bubble is solid
# pencil at a level set by the sheet's own pencil) is computed again from it, exactly.
PROFILE_POINTS = np.linspace(0.0, 1.0, 11)


@dataclass(frozen=True)
class BubbleMeasures:
    values: npt.NDArray[np.float64]  # (n,) mean darkness, ink-normalised
    samples: npt.NDArray[np.float64]  # (n, k) the darkness of every sample point
    inside: npt.NDArray[np.bool_]  # (n,) every sample point fell inside the image
    # (n,) most of the bubble lies under a dark toner streak: what is in it cannot be seen
    hidden: npt.NDArray[np.bool_] | None = None

    def coverage(self, level: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The fraction of each bubble's inner area at least ``level`` (per bubble) dark."""
        return np.asarray((self.samples >= level[:, None]).mean(axis=1), dtype=np.float64)

    def profile(self) -> npt.NDArray[np.float64]:
        """(n, len(PROFILE_POINTS)) each bubble's sample darkness at the profile quantiles."""
        if self.samples.shape[0] == 0:
            return np.zeros((0, len(PROFILE_POINTS)))
        # np.quantile's linear rule, from one sort (np.quantile itself is 4x slower here).
        ordered = np.sort(self.samples, axis=1)
        position = PROFILE_POINTS * (ordered.shape[1] - 1)
        lo = np.floor(position).astype(np.intp)
        hi = np.minimum(lo + 1, ordered.shape[1] - 1)
        frac = position - lo
        return np.asarray(ordered[:, lo] * (1.0 - frac) + ordered[:, hi] * frac, np.float64)


def profile_coverage(
    profiles: npt.NDArray[np.float64], levels: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """The share of each bubble's area at least ``levels[i]`` dark, from its profile
    ``profiles[i]`` (the quantiles joined by straight lines: the samples, smoothed)."""
    values = np.asarray(profiles, dtype=np.float64).reshape(len(levels), len(PROFILE_POINTS))
    levels = np.asarray(levels, dtype=np.float64)
    if values.shape[0] == 0:
        return np.zeros(0)
    j = (values < levels[:, None]).sum(axis=1)  # the first quantile at least the level
    inner = np.clip(j, 1, len(PROFILE_POINTS) - 1)
    rows = np.arange(values.shape[0])
    lo, hi = values[rows, inner - 1], values[rows, inner]
    step = PROFILE_POINTS[1] - PROFILE_POINTS[0]
    rank = PROFILE_POINTS[inner - 1] + step * np.clip(
        (levels - lo) / np.maximum(hi - lo, 1e-12), 0.0, 1.0
    )
    rank = np.where(j == 0, 0.0, np.where(j >= len(PROFILE_POINTS), 1.0, rank))
    return np.asarray(1.0 - rank, dtype=np.float64)


@functools.lru_cache(maxsize=8)
def unit_disc_samples(nx: int, ny: int) -> FloatArray:
    """Grid points inside the unit disc (an ellipse once scaled by the bubble's axes)."""
    xs = np.linspace(-1.0, 1.0, nx)
    ys = np.linspace(-1.0, 1.0, ny)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return np.asarray(grid[(grid**2).sum(axis=1) <= 1.0 + 1e-9], dtype=np.float64)


def _sample_points_mm(
    bubbles: Sequence[Bubble], inner_scale: float, nx: int, ny: int
) -> FloatArray:
    unit = unit_disc_samples(nx, ny)  # (k, 2)
    centres = np.array([(b.x_mm, b.y_mm) for b in bubbles], dtype=np.float64)
    axes = np.array([(b.w_mm / 2, b.h_mm / 2) for b in bubbles], dtype=np.float64) * inner_scale
    return centres[:, None, :] + unit[None, :, :] * axes[:, None, :]


def _paper_at(work: Illumination, points_px: FloatArray) -> npt.NDArray[np.float64]:
    small = points_px * work.scale
    h, w = work.paper.shape
    xs = np.clip(np.round(small[..., 0]).astype(np.intp), 0, w - 1)
    ys = np.clip(np.round(small[..., 1]).astype(np.intp), 0, h - 1)
    return work.paper[ys, xs].astype(np.float64)


def ink_darkness(
    image: GrayImage, homography: FloatArray, fiducials: Sequence[Rect], work: Illumination
) -> float:
    """How dark printed ink is relative to paper on this scan (1 - ink/paper)."""
    squares = [Bubble("", r.centre[0], r.centre[1], r.w_mm, r.h_mm) for r in fiducials]
    points = project(homography, _sample_points_mm(squares, 0.5, 7, 7))
    values = _remap(image, points)
    paper = _paper_at(work, points.mean(axis=1, keepdims=True))
    darkness = 1.0 - np.median(values, axis=1) / paper[:, 0]
    # Never below a plausible floor: a washed-out scan must not inflate every measure.
    return float(np.clip(np.median(darkness), 0.5, 1.0))


def _remap(image: GrayImage, points_px: FloatArray) -> npt.NDArray[np.float64]:
    map_x = np.ascontiguousarray(points_px[..., 0], dtype=np.float32)
    map_y = np.ascontiguousarray(points_px[..., 1], dtype=np.float32)
    sampled = cv2.remap(
        image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return sampled.astype(np.float64)


def measure_bubbles(
    image: GrayImage,
    homography: FloatArray,
    bubbles: Sequence[Bubble],
    work: Illumination,
    *,
    ink: float,
    inner_scale: float,
    samples: tuple[int, int],
) -> BubbleMeasures:
    """Darkness of each bubble's inner area, relative to local paper, ink black = 1."""
    return measure_points(
        image, homography, sample_points_mm(bubbles, inner_scale, samples), work, ink=ink
    )


def sample_points_mm(
    bubbles: Sequence[Bubble], inner_scale: float, samples: tuple[int, int]
) -> FloatArray:
    """(n, k, 2) page-mm sample points over each bubble's inner area (cache per layout)."""
    if not bubbles:
        return np.zeros((0, 1, 2))
    return _sample_points_mm(bubbles, inner_scale, *samples)


def measure_points(
    image: GrayImage,
    homography: FloatArray,
    points_mm: FloatArray,
    work: Illumination,
    *,
    ink: float,
) -> BubbleMeasures:
    """Like measure_bubbles, from sample points already laid out by sample_points_mm."""
    if points_mm.shape[0] == 0:
        return BubbleMeasures(np.zeros(0), np.zeros((0, 1)), np.zeros(0, dtype=bool))
    points = project(homography, points_mm)
    h, w = image.shape
    inside = (
        (points[..., 0] >= 0)
        & (points[..., 0] <= w - 1)
        & (points[..., 1] >= 0)
        & (points[..., 1] <= h - 1)
    ).all(axis=1)
    values = _remap(image, points)
    paper = _paper_at(work, points.mean(axis=1, keepdims=True))  # (n, 1)
    covered: npt.NDArray[np.bool_] | None = None  # (n, k): samples the streak hides
    if work.streak_gain is not None:
        # Under a toner streak the paper itself is darker: measured against it.
        gain = work.streak_gain
        xs = np.clip(np.round(points[..., 0]).astype(np.intp), 0, gain.shape[1] - 1)
        ys = np.clip((points[..., 1] / work.streak_step).astype(np.intp), 0, gain.shape[0] - 1)
        paper = paper * gain[ys, xs]
        # Where the streak keeps little of the paper, what lies under it cannot be told
        # from the streak (its edges blurred past the columns it darkens): those samples
        # are hidden, and the bubble is judged by the rest of it.
        reach = [
            np.clip(xs + d, 0, gain.shape[1] - 1) for d in range(-_HIDE_REACH, _HIDE_REACH + 1)
        ]
        covered = np.minimum.reduce([gain[ys, x] for x in reach]) < _HIDE_GAIN
    darkness = np.clip(1.0 - values / paper, -0.5, 1.5) / ink
    if covered is not None and covered.any():
        seen = ~covered
        count = seen.sum(axis=1, keepdims=True)
        rest = (darkness * seen).sum(axis=1, keepdims=True) / np.maximum(count, 1)
        # A bubble mostly under the streak cannot be judged at all: it is ``hidden`` and its
        # question goes to a person.
        usable = count >= _HIDE_KEEP * darkness.shape[1]
        darkness = np.where(covered & usable, rest, darkness)
        return BubbleMeasures(darkness.mean(axis=1), darkness, inside, ~usable[:, 0])
    return BubbleMeasures(darkness.mean(axis=1), darkness, inside)


_HIDE_GAIN = 0.8  # a streak keeping less of the paper than this hides what is under it ...
_HIDE_REACH = 2  # ... and this many pixels either side of it (its blurred edges) ...
_HIDE_KEEP = 0.4  # ... in a bubble judged by the rest of it if this share of it is left
