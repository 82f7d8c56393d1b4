"""A second, independent drawing of pencil marks: a hand's strokes on paper with a tooth.

``scans.simulate.pages`` hatches a bubble with straight back-and-forth lines and darkens them by
a multiplicative grain. This model draws what a hand does instead: a fill is a spiral of
loops whose pressure swells and fades along the way (a wrist's rhythm, the start and the
lift of the pencil tapered), a scribble is a run of cursive loops, a half fill a crescent.
Graphite is caught by the paper's *tooth*: a light stroke blackens only the peaks of the
paper's surface, a firm one reaches the valleys too, so a light mark is speckled rather
than grey. An eraser rubs back and forth in one direction: it lifts the graphite from the
peaks first (what stays sits in the valleys), drags some of it along its way, leaves it
in streaks where its edge skipped, and often rubs one end of the bubble less.

``StrokeHand`` has the interface of :class:`scans.simulate.marks.Hand`.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Bubble
from scans.simulate.marks import MarkStyle, smear_shape, style_pressure

__all__ = ["StrokeHand"]

FloatImage = npt.NDArray[np.float32]
Path = npt.NDArray[np.float64]
_PAD_MM = 2.0
_CHUNK = 6  # points of a path drawn with one pressure


def _wobble(rng: np.random.Generator, t: Path, amplitude: float) -> Path:
    """A smooth random function of t (three sines): a hand is never exactly regular."""
    out = np.zeros_like(t)
    for _ in range(3):
        out += amplitude / 3 * np.sin(t * rng.uniform(0.5, 3.0) + rng.uniform(0, 2 * math.pi))
    return out


class StrokeHand:
    """A candidate's pencil on one page (see the module's docstring)."""

    def __init__(self, shape: tuple[int, int], px_per_mm: float, rng: np.random.Generator):
        self.layer: FloatImage = np.zeros(shape, np.float32)
        self.px_per_mm = px_per_mm
        self.rng = rng
        self.darkness = 0.7
        self.tip_mm = float(rng.uniform(0.4, 0.75))  # the worn tip's contact width
        self.rhythm = float(rng.uniform(0.08, 0.25))  # how much pressure swells in a stroke
        self._tooth: FloatImage | None = None

    # --- the paper ----------------------------------------------------------------------

    def tooth(self, y0: int, x0: int, h: int, w: int) -> FloatImage:
        """Height of the paper's surface (0 valley .. 1 peak), one field for the page."""
        if self._tooth is None:
            noise = self.rng.standard_normal(self.layer.shape, dtype=np.float32)
            fibres = np.asarray(
                cv2.GaussianBlur(noise, (0, 0), max(0.6, 0.06 * self.px_per_mm)), np.float32
            )
            fibres = fibres / (float(fibres.std()) or 1.0)
            self._tooth = np.asarray(0.5 + 0.5 * np.tanh(0.9 * fibres), dtype=np.float32)
        return self._tooth[y0 : y0 + h, x0 : x0 + w]

    def _box(self, points: Path) -> tuple[int, int, int, int] | None:
        s = self.px_per_mm
        x0 = max(0, int((points[:, 0].min() - _PAD_MM) * s))
        y0 = max(0, int((points[:, 1].min() - _PAD_MM) * s))
        x1 = min(self.layer.shape[1], int((points[:, 0].max() + _PAD_MM) * s) + 1)
        y1 = min(self.layer.shape[0], int((points[:, 1].max() + _PAD_MM) * s) + 1)
        if x1 <= x0 or y1 <= y0:
            return None
        return y0, x0, y1 - y0, x1 - x0

    def _pressure_field(
        self, box: tuple[int, int, int, int], paths: list[Path], pressures: list[Path]
    ) -> FloatImage:
        """Pressure under the tip, 0..1, each pass adding to what the earlier ones left."""
        y0, x0, h, w = box
        s, shift = self.px_per_mm, 4
        field: FloatImage = np.zeros((h, w), np.float32)
        width = max(1, round(self.tip_mm * s))
        for path, pressure in zip(paths, pressures, strict=True):
            pts = ((path * s - (x0, y0)) * (1 << shift)).round().astype(np.int32)
            for k in range(0, len(pts) - 1, _CHUNK):
                chunk = pts[k : k + _CHUNK + 1]
                if len(chunk) < 2:
                    continue
                stroke = np.zeros((h, w), np.float32)
                cv2.polylines(
                    stroke, [chunk.reshape(-1, 1, 2)], False, 1.0, width, cv2.LINE_AA, shift
                )
                p = float(np.clip(pressure[min(k + _CHUNK // 2, len(pressure) - 1)], 0.0, 1.0))
                field = np.asarray(1.0 - (1.0 - field) * (1.0 - stroke * p), np.float32)
        return field

    def _graphite(self, box: tuple[int, int, int, int], field: FloatImage) -> FloatImage:
        """How much of each pixel the graphite covers: pressure reaches down into the tooth."""
        y0, x0, h, w = box
        tooth = self.tooth(y0, x0, h, w)
        reach = 1.0 - field  # the surface height the tip comes down to
        covered = np.clip((tooth - reach) / 0.25 + 0.5, 0.0, 1.0) * np.minimum(1.0, field * 4)
        return np.asarray(covered, dtype=np.float32)

    def _apply(self, box: tuple[int, int, int, int], deposit: FloatImage) -> None:
        y0, x0, h, w = box
        view = self.layer[y0 : y0 + h, x0 : x0 + w]
        view[...] = 1.0 - (1.0 - view) * (1.0 - deposit)

    def _deposit(
        self, paths: list[Path], pressures: list[Path]
    ) -> tuple[tuple[int, int, int, int], FloatImage] | None:
        box = self._box(np.vstack(paths))
        if box is None:
            return None
        covered = self._graphite(box, self._pressure_field(box, paths, pressures))
        return box, covered * self.darkness

    # --- strokes ------------------------------------------------------------------------

    def _pressure_along(self, n: int, base: float) -> Path:
        """A stroke's pressure: swelling with the wrist's rhythm, tapered where it starts
        and where the pencil lifts."""
        t = np.linspace(0.0, 1.0, n)
        swell = 1.0 + self.rhythm * np.sin(2 * math.pi * t * self.rng.uniform(2, 6))
        swell += _wobble(self.rng, t * 20, self.rhythm)
        taper = np.minimum(1.0, np.minimum(t, 1.0 - t) * self.rng.uniform(8, 20) + 0.35)
        return np.asarray(np.clip(base * swell * taper, 0.0, 1.0), dtype=np.float64)

    def _spiral(
        self, bubble: Bubble, extent: float, spacing_mm: float, centre: tuple[float, float]
    ) -> Path:
        """Loops from the rim inwards, an ellipse of the bubble's proportions."""
        a, b = bubble.w_mm / 2 * extent, bubble.h_mm / 2 * extent
        turns = max(1.5, min(a, b) / spacing_mm)
        theta = np.linspace(0.0, 2 * math.pi * turns, int(60 * turns))
        shrink = 1.0 - theta / theta[-1] * self.rng.uniform(0.85, 1.0)
        phase = self.rng.uniform(0, 2 * math.pi)
        direction = self.rng.choice([-1.0, 1.0])
        x = centre[0] + a * shrink * np.cos(direction * theta + phase)
        y = centre[1] + b * shrink * np.sin(direction * theta + phase)
        x += _wobble(self.rng, theta, 0.12)
        y += _wobble(self.rng, theta, 0.12)
        return np.stack([x, y], axis=1)

    def _loops(self, bubble: Bubble, extent: float) -> Path:
        """Cursive loops travelling across the bubble (a quick scribble)."""
        a, b = bubble.w_mm / 2 * extent, bubble.h_mm / 2 * extent
        loops = self.rng.uniform(2.5, 4.5)
        t = np.linspace(0.0, 2 * math.pi * loops, int(50 * loops))
        r = self.rng.uniform(0.35, 0.6)
        x = -a + (2 * a) * t / t[-1] - r * a * np.sin(t)
        y = b * 0.9 * np.cos(t)
        angle = self.rng.normal(0.0, 0.3)
        xr = x * math.cos(angle) - y * math.sin(angle)
        yr = x * math.sin(angle) + y * math.cos(angle)
        return np.stack([bubble.x_mm + xr + _wobble(self.rng, t, 0.2), bubble.y_mm + yr], axis=1)

    def _line(self, start: tuple[float, float], end: tuple[float, float], bow: float) -> Path:
        t = np.linspace(0.0, 1.0, 24)
        x = start[0] + (end[0] - start[0]) * t
        y = start[1] + (end[1] - start[1]) * t
        normal = np.array([-(end[1] - start[1]), end[0] - start[0]])
        normal /= float(np.hypot(*normal)) or 1.0
        curve = bow * np.sin(math.pi * t)
        return np.stack([x + normal[0] * curve, y + normal[1] * curve], axis=1)

    def _strokes(
        self, bubble: Bubble, style: MarkStyle, strength: float, light: tuple[float, float]
    ) -> tuple[list[Path], list[Path], float]:
        rng = self.rng
        cx = bubble.x_mm + rng.normal(0, 0.15)
        cy = bubble.y_mm + rng.normal(0, 0.15)
        w, h = bubble.w_mm, bubble.h_mm
        relative = 1.0
        paths: list[Path]
        if style in (MarkStyle.FIRM, MarkStyle.OVERFILL, MarkStyle.LIGHT, MarkStyle.FAINT):
            extent = {
                MarkStyle.FIRM: rng.uniform(0.9, 1.08),
                MarkStyle.OVERFILL: rng.uniform(1.15, 1.4),
                MarkStyle.LIGHT: rng.uniform(0.85, 1.05),
                MarkStyle.FAINT: rng.uniform(0.6, 0.95),
            }[style]
            relative = style_pressure(style, rng, light)
            passes = 2 if style in (MarkStyle.FIRM, MarkStyle.OVERFILL) else 1
            spacing = self.tip_mm * rng.uniform(0.45, 0.75)
            paths = [self._spiral(bubble, extent, spacing, (cx, cy)) for _ in range(passes)]
            scale = max(strength, 0.9) if style is MarkStyle.FAINT else strength
            pressures = [self._pressure_along(len(p), relative * scale) for p in paths]
            return paths, pressures, float(relative)
        if style is MarkStyle.SCRIBBLE:
            paths = [self._loops(bubble, rng.uniform(0.8, 1.05))]
            base = rng.uniform(0.75, 1.0) * strength
        elif style is MarkStyle.HALF:
            side = rng.choice([-1.0, 1.0])
            half = Bubble(bubble.label, 0, 0, w * 0.55, h)
            paths = [
                self._spiral(
                    half, rng.uniform(0.9, 1.0), self.tip_mm * 0.6, (cx + side * w * 0.24, cy)
                )
            ]
            base = rng.uniform(0.8, 1.0) * strength
        elif style is MarkStyle.TICK:
            a = (cx - 0.45 * w, cy - 0.05 * h)
            b = (cx - 0.1 * w, cy + 0.5 * h)
            c = (cx + 0.6 * w, cy - 0.85 * h)
            paths = [np.vstack([self._line(a, b, 0.1), self._line(b, c, -0.2)])]
            base = rng.uniform(0.75, 1.0) * strength
        elif style is MarkStyle.CROSS:
            paths = [
                self._line((cx - 0.5 * w, cy - 0.6 * h), (cx + 0.5 * w, cy + 0.6 * h), 0.15),
                self._line((cx + 0.5 * w, cy - 0.6 * h), (cx - 0.5 * w, cy + 0.6 * h), -0.15),
            ]
            base = rng.uniform(0.75, 1.0) * strength
        elif style is MarkStyle.DOT:
            dot = Bubble(bubble.label, 0, 0, rng.uniform(0.3, 0.8), rng.uniform(0.3, 0.7))
            paths = [self._spiral(dot, 1.0, 0.15, (cx, cy))]
            base = rng.uniform(0.8, 1.0) * strength
        elif style is MarkStyle.STRAY:
            paths = [self._stray(bubble)]
            base = rng.uniform(0.5, 0.95)
        else:  # pragma: no cover - ERASED is drawn by erase()
            raise ValueError(style)
        return paths, [self._pressure_along(len(p), base) for p in paths], relative

    def _stray(self, bubble: Bubble) -> Path:
        """A line near the bubble: under the row, between options, or just touching it."""
        rng = self.rng
        x, y, w, h = bubble.x_mm, bubble.y_mm, bubble.w_mm, bubble.h_mm
        kind = rng.choice(["under", "beside", "touch"], p=[0.4, 0.35, 0.25])
        if kind == "under":
            dy = h / 2 + rng.uniform(0.5, 0.8)
            return self._line(
                (x - 1.5 * w, y + dy), (x + 1.5 * w, y + dy + rng.normal(0, 0.2)), 0.2
            )
        if kind == "beside":
            dx = w / 2 + rng.uniform(0.4, 0.65)
            return self._line(
                (x + dx, y - 0.6 * h), (x + dx + rng.normal(0, 0.15), y + 0.6 * h), 0.1
            )
        angle = rng.uniform(0, 2 * math.pi)
        ex, ey = x + math.cos(angle) * w / 2, y + math.sin(angle) * h / 2
        return self._line((ex + math.cos(angle) * 2.5, ey + math.sin(angle) * 2.5), (ex, ey), 0.1)

    # --- the Hand interface -----------------------------------------------------------

    def mark(
        self, bubble: Bubble, style: MarkStyle, strength: float, light: tuple[float, float]
    ) -> float:
        paths, pressures, relative = self._strokes(bubble, style, strength, light)
        made = self._deposit(paths, pressures)
        if made is not None:
            self._apply(*made)
        return relative

    def erase(self, bubble: Bubble, residue: float, strength: float, style: MarkStyle) -> None:
        rng = self.rng
        paths, pressures, _ = self._strokes(bubble, style, strength, (0.5, 0.7))
        made = self._deposit(paths, pressures)
        if made is None:
            return
        box, deposit = made
        y0, x0, h, w = box
        s = self.px_per_mm
        # What the eraser leaves sits in the valleys of the tooth: lifted from the peaks.
        tooth = self.tooth(y0, x0, h, w)
        left = residue * 2.0 * (1.0 - tooth)
        rub = float(rng.uniform(0, math.pi))
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        along = (xs - (bubble.x_mm * s - x0)) * math.cos(rub) + (
            ys - (bubble.y_mm * s - y0)
        ) * math.sin(rub)
        across = -(xs - (bubble.x_mm * s - x0)) * math.sin(rub) + (
            ys - (bubble.y_mm * s - y0)
        ) * math.cos(rub)
        if rng.random() < 0.4:  # one end rubbed less
            reach = 0.5 * max(bubble.w_mm, bubble.h_mm) * s
            left *= 1.0 + rng.uniform(0.3, 0.7) * np.clip(along / reach, -1.0, 1.0)
        if rng.random() < 0.5:  # the eraser's edge skipped: streaks along its way
            bands = np.sin(2 * math.pi * across / (rng.uniform(0.3, 0.9) * s) + rng.uniform(0, 6.3))
            left *= 1.0 + rng.uniform(0.3, 0.9) * bands
        kept = deposit * np.clip(left, 0.0, 0.95).astype(np.float32)
        # The graphite the eraser drags along its way: a directional smear of 0.4-1.5 mm.
        length = max(3, round(rng.uniform(0.4, 1.5) * s)) | 1
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0
        turn = cv2.getRotationMatrix2D(
            (length / 2 - 0.5, length / 2 - 0.5), -math.degrees(rub), 1.0
        )
        kernel = np.asarray(cv2.warpAffine(kernel, turn, (length, length)), np.float32)
        kernel = kernel / (float(kernel.sum()) or 1.0)
        dragged = cv2.filter2D(kept, -1, kernel, borderType=cv2.BORDER_CONSTANT)
        share = float(rng.uniform(0.3, 0.8))
        self._apply(box, np.asarray((1 - share) * kept + share * dragged, dtype=np.float32))

    def smear(self, centre_mm: tuple[float, float], radius_mm: float, strength: float) -> None:
        placed = smear_shape(self.layer.shape, self.px_per_mm, centre_mm, radius_mm, 0.35, self.rng)
        if placed is None:
            return
        y0, x0, shape = placed
        h, w = shape.shape
        # The side of the hand leaves graphite on the peaks of the tooth only.
        blob = strength * shape * 2.0 * self.tooth(y0, x0, h, w)
        self._apply((y0, x0, h, w), np.clip(blob, 0, 1).astype(np.float32))
