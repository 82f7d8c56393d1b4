"""What a candidate's pencil does in a bubble, and the interface every mark model draws by.

Two independent mark models draw the same styles: ``scans.simulate.pages`` (hatching with a
lead of finite width over a multiplicative paper grain) and ``scans.simulate.strokes``
(a hand's circular strokes whose pressure varies along the way, graphite caught by the
paper's tooth, an eraser that rubs in one direction). A reader tuned to one drawing is
caught out by the other.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from scans.layout import Bubble

__all__ = [
    "INTENDED_STYLES",
    "UNCLEAR_STYLES",
    "Hand",
    "MarkModel",
    "MarkStyle",
    "smear_shape",
    "style_pressure",
]

FloatImage = npt.NDArray[np.float32]


class MarkStyle(StrEnum):
    """What a candidate's pencil did in or near one bubble."""

    FIRM = "firm"  # a dense fill, as instructed
    SCRIBBLE = "scribble"  # quick loops that leave gaps
    OVERFILL = "overfill"  # a dense fill that spills past the outline
    LIGHT = "light"  # a complete fill, pressed lightly
    HALF = "half"  # one side of the bubble filled
    TICK = "tick"  # ✓ through the bubble
    CROSS = "cross"  # × through the bubble
    FAINT = "faint"  # barely touched: hard to tell from nothing
    ERASED = "erased"  # a fill rubbed out (a changed answer)
    STRAY = "stray"  # a pencil line near, partly over, the bubble
    DOT = "dot"  # a small dot, a thinking mark


class MarkModel(StrEnum):
    """How marks are drawn (both draw every style, both erase)."""

    HATCH = "hatch"  # scans.simulate.pages: zig-zag hatching, multiplicative grain
    STROKES = "strokes"  # scans.simulate.strokes: circular strokes, paper tooth, eraser


INTENDED_STYLES = (
    MarkStyle.FIRM,
    MarkStyle.SCRIBBLE,
    MarkStyle.OVERFILL,
    MarkStyle.LIGHT,
    MarkStyle.HALF,
    MarkStyle.TICK,
    MarkStyle.CROSS,
    MarkStyle.FAINT,
)
# A careful human reading the sheet could not be sure of these without asking.
UNCLEAR_STYLES = frozenset({MarkStyle.TICK, MarkStyle.CROSS, MarkStyle.FAINT})


def style_pressure(style: MarkStyle, rng: np.random.Generator, light: tuple[float, float]) -> float:
    """How hard a fill of ``style`` is pressed, relative to this hand's firm mark: what
    the styles mean, the same whatever the model draws with (a FAINT mark is barely
    touched, a LIGHT one pressed ``light`` as hard as a firm one)."""
    low, high = {
        MarkStyle.FIRM: (0.85, 1.0),
        MarkStyle.OVERFILL: (0.85, 1.0),
        MarkStyle.LIGHT: light,
        MarkStyle.FAINT: (0.12, 0.24),
    }[style]
    return float(rng.uniform(low, high))


def smear_shape(
    shape: tuple[int, ...],
    px_per_mm: float,
    centre_mm: tuple[float, float],
    radius_mm: float,
    aspect: float,
    rng: np.random.Generator,
) -> tuple[int, int, npt.NDArray[np.float32]] | None:
    """Where a smear from the side of the hand lies on a page of ``shape``: its patch's
    top-left (y0, x0) and, over the patch, its profile exp(-2 r²) (1 at its centre), an
    ellipse ``aspect`` times as wide as long at a random angle; None off the page."""
    s = px_per_mm
    r = int(radius_mm * s * 2)
    cx, cy = int(centre_mm[0] * s), int(centre_mm[1] * s)
    x0, y0 = max(0, cx - r), max(0, cy - r)
    x1, y1 = min(shape[1], cx + r), min(shape[0], cy + r)
    if x1 <= x0 or y1 <= y0:
        return None
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    angle = rng.uniform(0, math.pi)
    u = (xs - cx) * math.cos(angle) + (ys - cy) * math.sin(angle)
    v = -(xs - cx) * math.sin(angle) + (ys - cy) * math.cos(angle)
    rr = (u / (radius_mm * s)) ** 2 + (v / (aspect * radius_mm * s)) ** 2
    return y0, x0, np.exp(-rr * 2.0).astype(np.float32)


class Hand(Protocol):
    """A candidate's pencil on one page: graphite accumulates on ``layer`` (0..1 darkness)."""

    layer: FloatImage
    darkness: float  # how black this pencil's graphite is (HB .. 2B)

    def mark(
        self, bubble: Bubble, style: MarkStyle, strength: float, light: tuple[float, float]
    ) -> float:
        """Draw one mark; the pressure used relative to this hand's firm mark."""
        ...

    def erase(self, bubble: Bubble, residue: float, strength: float, style: MarkStyle) -> None:
        """A mark of ``style`` drawn, then rubbed out leaving about ``residue`` of it."""
        ...

    def smear(self, centre_mm: tuple[float, float], radius_mm: float, strength: float) -> None:
        """A graphite smear from the side of the hand."""
        ...
