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
from scans.read_geometry import FloatArray, GrayImage, Illumination, project

__all__ = [
    "BubbleMeasures",
    "ink_darkness",
    "measure_bubbles",
    "measure_points",
    "sample_points_mm",
    "unit_disc_samples",
]


@dataclass(frozen=True)
class BubbleMeasures:
    values: npt.NDArray[np.float64]  # (n,) mean darkness, ink-normalised
    samples: npt.NDArray[np.float64]  # (n, k) the darkness of every sample point
    inside: npt.NDArray[np.bool_]  # (n,) every sample point fell inside the image

    def coverage(self, level: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The fraction of each bubble's inner area at least ``level`` (per bubble) dark."""
        return np.asarray((self.samples >= level[:, None]).mean(axis=1), dtype=np.float64)


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
    darkness = np.clip(1.0 - values / paper, -0.5, 1.5) / ink
    return BubbleMeasures(darkness.mean(axis=1), darkness, inside)
