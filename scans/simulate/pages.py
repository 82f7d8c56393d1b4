"""Simulated filled and scanned answer sheets, with the truth of what each candidate meant.

Contract:
- ``fill_page(clean, page, dpi=..., rng=..., profile=...)`` draws pencil marks on a clean
  rendered page (``scans.render.output.render_page``) where the layout says the bubbles are, and
  returns the filled page and one :class:`QuestionTruth` per question: the options the
  candidate meant, and whether a careful human would call the sheet unambiguous there.
- ``scan_page(filled, dpi=..., rng=..., profile=...)`` degrades it as a scanner or a phone
  would: rotation 0/90/180/270, skew, perspective, rescaling to another dpi, blur, noise,
  grey paper, uneven light, dust, JPEG artefacts.
- ``simulate_page`` does both from one seed; the same seed gives the same pixels.

Marks are built from pencil strokes (a lead of finite width, pressure, paper grain), not
from filled ellipses, so a fill has the gaps, overshoot and texture of a real one.
:data:`REALISTIC` is a well-run exam room and an office scanner; :data:`HARSH` is a
careless room and a phone on a desk.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import numpy.typing as npt

from scans.layout import Bubble, PageLayout
from scans.simulate.marks import (
    INTENDED_STYLES,
    UNCLEAR_STYLES,
    Hand,
    MarkModel,
    MarkStyle,
    smear_shape,
    style_pressure,
)
from scans.simulate.strokes import StrokeHand

__all__ = [
    "HARSH",
    "INTENDED_STYLES",
    "PLAIN",
    "REALISTIC",
    "MarkModel",
    "MarkStyle",
    "QuestionTruth",
    "ScanDamage",
    "SimProfile",
    "SimulatedPage",
    "draw_marks",
    "encode_image",
    "fill_page",
    "scan_page",
    "simulate_page",
]

GrayImage = npt.NDArray[np.uint8]
FloatImage = npt.NDArray[np.float32]
MM_PER_INCH = 25.4


_UNCLEAR_STYLES = UNCLEAR_STYLES


@dataclass(frozen=True)
class SimProfile:
    """How candidates fill and how pages are scanned: probabilities and ranges."""

    name: str
    p_blank: float = 0.01  # a question left blank
    p_double: float = 0.002  # two marks on a single-answer item, both meant
    p_erasure: float = 0.04  # a changed answer: a fill rubbed out, another made
    p_erased_blank: float = 0.001  # an answer rubbed out and nothing chosen instead
    p_stray: float = 0.02  # a pencil line near a bubble
    p_dot: float = 0.002  # a small dot in another bubble
    p_smudge_page: float = 0.15  # a graphite smear from the hand, somewhere on the page
    style_weights: Mapping[MarkStyle, float] = field(
        default_factory=lambda: {
            MarkStyle.FIRM: 0.74,
            MarkStyle.SCRIBBLE: 0.14,
            MarkStyle.OVERFILL: 0.06,
            MarkStyle.LIGHT: 0.015,
            MarkStyle.HALF: 0.03,
            MarkStyle.TICK: 0.0006,
            MarkStyle.CROSS: 0.0003,
            MarkStyle.FAINT: 0.0006,
        }
    )
    pencil_darkness: tuple[float, float] = (0.55, 0.82)  # HB..2B, per candidate
    p_light_hand: float = 0.12  # candidates who press lightly on every mark
    light_pressure: tuple[float, float] = (0.40, 0.70)  # a LIGHT mark, relative to firm
    light_clear_min: float = 0.45  # a LIGHT mark pressed less is not unambiguous
    # The fraction of a fill an eraser leaves, on average over the bubble: smudged wider,
    # left heavier on one side (a partial rub) or in streaks along the eraser's way.
    residue: tuple[float, float] = (0.10, 0.40)
    marks: MarkModel = MarkModel.HATCH  # which drawing of pencil marks (scans.simulate.marks)
    rotations: Mapping[int, float] = field(
        default_factory=lambda: {0: 0.80, 180: 0.16, 90: 0.02, 270: 0.02}
    )
    skew_deg: float = 3.0
    perspective: float = 0.0  # corner displacement, fraction of the page's size
    p_perspective: float = 0.0
    paper: tuple[float, float] = (222.0, 250.0)
    light_gradient: float = 0.08  # relative change of brightness across the page
    blur_sigma: tuple[float, float] = (0.3, 0.9)  # in pixels at 200 dpi
    noise_sigma: tuple[float, float] = (1.0, 5.0)
    jpeg_quality: tuple[int, int] = (70, 95)
    p_jpeg: float = 0.7
    dust: int = 20  # specks per page, at most
    feed_wobble_mm: float = 0.0  # non-linear sheet-feed stretch (amplitude)
    # A dirty scanner: dark or light lines along the feed, across whatever they meet (the
    # codes, the bubbles), on this share of the pages.
    p_toner_streaks: float = 0.0


REALISTIC = SimProfile(name="realistic")
# The same candidates and scanners, drawing only the marks the issue lists (firm fills,
# scribbles, light marks, half fills, erasures, strays, double marks): no ticks, crosses,
# barely-touched marks or thinking dots, the marks a careful human would doubt too.
PLAIN = replace(
    REALISTIC,
    name="plain",
    p_dot=0.0,
    style_weights={
        style: weight
        for style, weight in REALISTIC.style_weights.items()
        if style not in _UNCLEAR_STYLES
    },
)
HARSH = SimProfile(
    name="harsh",
    p_blank=0.02,
    p_double=0.005,
    p_erasure=0.05,
    p_erased_blank=0.005,
    p_stray=0.06,
    p_dot=0.02,
    p_smudge_page=0.5,
    style_weights={
        MarkStyle.FIRM: 0.50,
        MarkStyle.SCRIBBLE: 0.20,
        MarkStyle.OVERFILL: 0.08,
        MarkStyle.LIGHT: 0.12,
        MarkStyle.HALF: 0.06,
        MarkStyle.TICK: 0.01,
        MarkStyle.CROSS: 0.005,
        MarkStyle.FAINT: 0.01,
    },
    pencil_darkness=(0.42, 0.85),
    p_light_hand=0.25,
    light_pressure=(0.35, 0.70),
    rotations={0: 0.4, 180: 0.3, 90: 0.15, 270: 0.15},
    skew_deg=10.0,
    perspective=0.03,
    p_perspective=0.5,
    paper=(185.0, 250.0),
    light_gradient=0.30,
    blur_sigma=(0.4, 1.6),
    noise_sigma=(2.0, 10.0),
    jpeg_quality=(35, 90),
    p_jpeg=0.9,
    dust=120,
    feed_wobble_mm=0.5,
    p_toner_streaks=0.33,
)


@dataclass(frozen=True)
class QuestionTruth:
    number: int
    intended: str  # the options meant, in label order ("" for blank)
    unambiguous: bool  # a careful human would read ``intended`` without doubt
    marks: tuple[tuple[str, MarkStyle], ...]  # what was drawn, bubble by bubble


@dataclass(frozen=True)
class ScanDamage:
    rotation: int
    skew_deg: float
    perspective: float
    dpi: int
    blur_sigma: float
    noise_sigma: float
    jpeg_quality: int | None
    paper: float
    light_gradient: float


@dataclass(frozen=True)
class SimulatedPage:
    image: GrayImage
    truth: tuple[QuestionTruth, ...]
    admission_truth: str | None  # the digits filled in the spare grid, if any
    damage: ScanDamage


# --- pencil ----------------------------------------------------------------------------


class _Pencil:
    """Accumulates graphite on a page-sized darkness layer, one small patch at a time."""

    def __init__(self, shape: tuple[int, int], px_per_mm: float, rng: np.random.Generator):
        self.layer: FloatImage = np.zeros(shape, np.float32)
        self.px_per_mm = px_per_mm
        self.rng = rng
        self.lead_mm = float(rng.uniform(0.45, 0.8))
        self.darkness = 0.7
        # While a list, deposits are collected here instead of landing on the page.
        self.recording: list[tuple[int, int, FloatImage]] | None = None

    def strokes(
        self,
        paths_mm: Sequence[npt.NDArray[np.float64]],
        pressures: Sequence[float],
        *,
        width_mm: float | None = None,
    ) -> None:
        """Draw polylines (in page mm) with a pressure each, as one graphite deposit."""
        if not paths_mm:
            return
        s = self.px_per_mm
        allpts = np.vstack(paths_mm)
        pad = 2.0
        x0 = max(0, int((allpts[:, 0].min() - pad) * s))
        y0 = max(0, int((allpts[:, 1].min() - pad) * s))
        x1 = min(self.layer.shape[1], int((allpts[:, 0].max() + pad) * s) + 1)
        y1 = min(self.layer.shape[0], int((allpts[:, 1].max() + pad) * s) + 1)
        if x1 <= x0 or y1 <= y0:
            return
        patch = np.zeros((y1 - y0, x1 - x0), np.float32)
        width = max(1, round((width_mm or self.lead_mm) * s))
        shift = 4
        for path, pressure in zip(paths_mm, pressures, strict=True):
            pts = ((path * s - (x0, y0)) * (1 << shift)).round().astype(np.int32)
            stroke = np.zeros_like(patch)
            cv2.polylines(stroke, [pts.reshape(-1, 1, 2)], False, 1.0, width, cv2.LINE_AA, shift)
            # Each pass darkens what is left: graphite saturates, it does not add up linearly.
            patch = 1.0 - (1.0 - patch) * (1.0 - stroke * float(pressure))
        grain = self._grain(patch.shape)
        deposit = np.clip(patch * grain, 0.0, 1.0) * self.darkness
        if self.recording is not None:
            self.recording.append((y0, x0, deposit))
        else:
            self.apply(y0, x0, deposit)

    def mark(
        self, bubble: Bubble, style: MarkStyle, strength: float, light: tuple[float, float]
    ) -> float:
        return _draw_mark(self, bubble, style, strength, light)

    def erase(self, bubble: Bubble, residue: float, strength: float, style: MarkStyle) -> None:
        _erase(self, bubble, residue, strength, style)

    def apply(self, y0: int, x0: int, deposit: FloatImage) -> None:
        view = self.layer[y0 : y0 + deposit.shape[0], x0 : x0 + deposit.shape[1]]
        view[...] = 1.0 - (1.0 - view) * (1.0 - deposit[: view.shape[0], : view.shape[1]])

    def _grain(self, shape: tuple[int, ...]) -> FloatImage:
        # Graphite catches the paper's fibres: a granular texture, finer than the lead.
        noise = self.rng.normal(1.0, 0.22, shape).astype(np.float32)
        blurred = cv2.GaussianBlur(noise, (0, 0), max(0.5, 0.05 * self.px_per_mm))
        return np.asarray(blurred, dtype=np.float32)

    def smear(self, centre_mm: tuple[float, float], radius_mm: float, strength: float) -> None:
        placed = smear_shape(self.layer.shape, self.px_per_mm, centre_mm, radius_mm, 0.4, self.rng)
        if placed is None:
            return
        y0, x0, shape = placed
        blob = strength * shape * self._grain(shape.shape)
        view = self.layer[y0 : y0 + shape.shape[0], x0 : x0 + shape.shape[1]]
        view[...] = 1.0 - (1.0 - view) * (1.0 - np.clip(blob, 0, 1))


def _hatch(
    bubble: Bubble,
    rng: np.random.Generator,
    *,
    extent: float,
    spacing_mm: float,
    angle: float,
    jitter_mm: float,
    clip: tuple[float, float] = (-1.0, 1.0),
) -> npt.NDArray[np.float64]:
    """A zig-zag path of back-and-forth strokes covering the bubble's box."""
    a = bubble.w_mm / 2 * extent
    b = bubble.h_mm / 2 * extent
    cos_t, sin_t = math.cos(angle), math.sin(angle)
    # Stroke lines run along direction (cos, sin); step across along the normal.
    reach = a * abs(sin_t) + b * abs(cos_t)
    offsets = np.arange(-reach + spacing_mm / 2, reach, spacing_mm)
    points: list[tuple[float, float]] = []
    for k, d in enumerate(offsets):
        # Clip the line {d·n + t·u} to the box |x| <= a, |y| <= b (slab method).
        nx, ny = -sin_t, cos_t
        px, py = d * nx, d * ny
        t0, t1 = -math.inf, math.inf
        for origin, direction, half in ((px, cos_t, a), (py, sin_t, b)):
            if abs(direction) < 1e-12:
                if abs(origin) > half:
                    t0, t1 = 1.0, 0.0
                continue
            lo_t, hi_t = sorted(((-half - origin) / direction, (half - origin) / direction))
            t0, t1 = max(t0, lo_t), min(t1, hi_t)
        if t1 <= t0:
            continue
        ends = [(px + t0 * cos_t, py + t0 * sin_t), (px + t1 * cos_t, py + t1 * sin_t)]
        if k % 2:
            ends.reverse()
        for ex, ey in ends:
            lo, hi = clip
            if not lo * a <= ex <= hi * a:
                ex = min(max(ex, lo * a), hi * a)
            points.append(
                (
                    bubble.x_mm + ex + rng.normal(0, jitter_mm),
                    bubble.y_mm + ey + rng.normal(0, jitter_mm),
                )
            )
    if len(points) < 2:
        points = [(bubble.x_mm - a / 2, bubble.y_mm), (bubble.x_mm + a / 2, bubble.y_mm)]
    return np.array(points)


def _draw_mark(
    pencil: _Pencil,
    bubble: Bubble,
    style: MarkStyle,
    strength: float,
    light: tuple[float, float] = (0.40, 0.70),
) -> float:
    """Draw one mark of ``style``; ``strength`` scales the candidate's pressure.

    Returns the pressure used relative to a firm mark of the same hand (LIGHT, FAINT)."""
    rng = pencil.rng
    lead = pencil.lead_mm
    offset = rng.normal(0, 0.15, 2)
    centred = Bubble(
        bubble.label, bubble.x_mm + offset[0], bubble.y_mm + offset[1], bubble.w_mm, bubble.h_mm
    )
    if style in (MarkStyle.FIRM, MarkStyle.OVERFILL, MarkStyle.LIGHT, MarkStyle.FAINT):
        extent = {
            MarkStyle.FIRM: rng.uniform(0.88, 1.06),
            MarkStyle.OVERFILL: rng.uniform(1.15, 1.45),
            MarkStyle.LIGHT: rng.uniform(0.85, 1.05),
            MarkStyle.FAINT: rng.uniform(0.7, 1.0),
        }[style]
        pressure = style_pressure(style, rng, light)
        relative = pressure
        # Faint is faint to the eye, whatever the hand: not scaled by a light hand.
        pressure *= max(strength, 0.9) if style is MarkStyle.FAINT else strength
        layers = 2 if style in (MarkStyle.FIRM, MarkStyle.OVERFILL) else 1
        paths, pressures = [], []
        for layer in range(layers):
            angle = rng.normal(0.0 if layer == 0 else 0.5 * math.pi, 0.25)
            spacing = lead * rng.uniform(0.55, 0.9)
            paths.append(
                _hatch(centred, rng, extent=extent, spacing_mm=spacing, angle=angle, jitter_mm=0.12)
            )
            pressures.append(pressure)
        pencil.strokes(paths, pressures)
        return float(relative)
    if style is MarkStyle.SCRIBBLE:
        spacing = lead * rng.uniform(1.0, 1.7)
        path = _hatch(
            centred,
            rng,
            extent=rng.uniform(0.8, 1.05),
            spacing_mm=spacing,
            angle=rng.uniform(-0.6, 0.6),
            jitter_mm=0.25,
        )
        pencil.strokes([path], [rng.uniform(0.7, 1.0) * strength])
    elif style is MarkStyle.HALF:
        side = rng.choice([-1.0, 1.0])
        cut = rng.uniform(0.0, 0.25)
        clip = (-1.0, cut) if side < 0 else (-cut, 1.0)
        path = _hatch(
            centred,
            rng,
            extent=rng.uniform(0.9, 1.05),
            spacing_mm=lead * 0.7,
            angle=0.5 * math.pi + rng.normal(0, 0.2),
            jitter_mm=0.1,
            clip=clip,
        )
        pencil.strokes([path], [rng.uniform(0.8, 1.0) * strength])
    elif style in (MarkStyle.TICK, MarkStyle.CROSS):
        w, h = bubble.w_mm, bubble.h_mm
        cx, cy = centred.x_mm, centred.y_mm
        if style is MarkStyle.TICK:
            path = np.array(
                [[cx - 0.45 * w, cy], [cx - 0.1 * w, cy + 0.5 * h], [cx + 0.55 * w, cy - 0.8 * h]]
            )
            paths = [path + rng.normal(0, 0.1, path.shape)]
        else:
            paths = [
                np.array([[cx - 0.5 * w, cy - 0.6 * h], [cx + 0.5 * w, cy + 0.6 * h]]),
                np.array([[cx - 0.5 * w, cy + 0.6 * h], [cx + 0.5 * w, cy - 0.6 * h]]),
            ]
        pencil.strokes(paths, [rng.uniform(0.75, 1.0) * strength] * len(paths))
    elif style is MarkStyle.DOT:
        r = rng.uniform(0.05, 0.3)
        t = np.linspace(0, 4 * math.pi, 12)
        path = np.stack(
            [
                centred.x_mm + r * np.cos(t) * np.linspace(1, 0.2, 12),
                centred.y_mm + r * np.sin(t) * np.linspace(1, 0.2, 12),
            ],
            axis=1,
        )
        pencil.strokes([path], [rng.uniform(0.8, 1.0) * strength])
    elif style is MarkStyle.STRAY:
        _draw_stray(pencil, bubble)
    else:  # pragma: no cover - ERASED is drawn by _erase
        raise ValueError(style)
    return 1.0


def _draw_stray(pencil: _Pencil, bubble: Bubble) -> None:
    """A line that passes close to the bubble: mostly in the gaps, sometimes over the edge."""
    rng = pencil.rng
    kind = rng.choice(["under", "beside", "touch", "through_edge"], p=[0.35, 0.3, 0.25, 0.1])
    x, y, w, h = bubble.x_mm, bubble.y_mm, bubble.w_mm, bubble.h_mm
    if kind == "under":  # underlining the row, in the gap between rows
        dy = h / 2 + rng.uniform(0.45, 0.75)
        path = np.array([[x - w * 1.5, y + dy], [x + w * 1.5, y + dy + rng.normal(0, 0.2)]])
    elif kind == "beside":  # a vertical flick in the gap between options
        dx = w / 2 + rng.uniform(0.35, 0.6)
        path = np.array([[x + dx, y - h * 0.6], [x + dx + rng.normal(0, 0.15), y + h * 0.6]])
    elif kind == "touch":  # a short stroke ending on the outline
        angle = rng.uniform(0, 2 * math.pi)
        ex, ey = x + math.cos(angle) * w / 2, y + math.sin(angle) * h / 2
        path = np.array([[ex + math.cos(angle) * 2.5, ey + math.sin(angle) * 2.5], [ex, ey]])
    else:  # clipping the rim
        yy = y + rng.choice([-1, 1]) * h * rng.uniform(0.38, 0.48)
        path = np.array([[x - w * 0.9, yy], [x + w * 0.9, yy + rng.normal(0, 0.1)]])
    pencil.strokes([path], [rng.uniform(0.5, 0.95)], width_mm=rng.uniform(0.3, 0.5))


def _erase(
    pencil: _Pencil,
    bubble: Bubble,
    residue: float,
    strength: float = 1.0,
    style: MarkStyle = MarkStyle.FIRM,
) -> None:
    """A mark, then an eraser: about ``residue`` of it is left, and rarely evenly.

    The graphite left is smudged wider (0.15-0.5 mm), and may be heavier on the side the
    eraser reached less (a partial rub) or lie in streaks along the eraser's way."""
    rng = pencil.rng
    pencil.recording = []
    try:
        _draw_mark(pencil, bubble, style, strength)
        deposits = pencil.recording
    finally:
        pencil.recording = None
    s = pencil.px_per_mm
    sigma = max(0.6, float(rng.uniform(0.15, 0.5)) * s)
    partial = rng.random() < 0.35
    streaked = rng.random() < 0.4
    rub = float(rng.uniform(0, math.pi))  # the direction the eraser went back and forth
    for y0, x0, deposit in deposits:
        h, w = deposit.shape
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        left = np.full((h, w), residue, np.float32)
        cx, cy = bubble.x_mm * s - x0, bubble.y_mm * s - y0
        along = (xs - cx) * math.cos(rub) + (ys - cy) * math.sin(rub)
        across = -(xs - cx) * math.sin(rub) + (ys - cy) * math.cos(rub)
        if partial:
            # One end of the bubble rubbed less: from a third to about twice the mean.
            ramp = np.clip(along / (0.5 * max(bubble.w_mm, bubble.h_mm) * s), -1.0, 1.0)
            left *= 1.0 + float(rng.uniform(0.4, 0.7)) * ramp
        if streaked:
            period = float(rng.uniform(0.35, 1.0)) * s
            depth = float(rng.uniform(0.3, 0.8))
            left *= 1.0 + depth * np.sin(2 * math.pi * across / period + rng.uniform(0, 6.3))
        left = np.clip(left, 0.0, 0.95)
        kept = cv2.GaussianBlur(deposit * left, (0, 0), sigma)
        pencil.apply(y0, x0, np.asarray(kept, dtype=np.float32))


# --- filling a page --------------------------------------------------------------------


def _choose_intent(
    kind: str, labels: tuple[str, ...], rng: np.random.Generator, profile: SimProfile
) -> tuple[str, ...]:
    if rng.random() < profile.p_blank:
        return ()
    if kind == "multi":
        n = len(labels)
        weights = np.array([0.12, 0.40, 0.32, 0.12, 0.04, 0.0, 0.0, 0.0, 0.0, 0.0][:n])
        k = int(rng.choice(np.arange(1, n + 1), p=weights / weights.sum()))
        return tuple(sorted(rng.choice(labels, size=k, replace=False)))
    if rng.random() < profile.p_double:
        return tuple(sorted(rng.choice(labels, size=2, replace=False)))
    return (str(rng.choice(labels)),)


def _choose_style(rng: np.random.Generator, profile: SimProfile) -> MarkStyle:
    styles = list(profile.style_weights)
    weights = np.array([profile.style_weights[s] for s in styles])
    return styles[int(rng.choice(len(styles), p=weights / weights.sum()))]


_ERASED_STYLES = (MarkStyle.FIRM, MarkStyle.SCRIBBLE, MarkStyle.OVERFILL)
_ERASED_WEIGHTS = (0.7, 0.2, 0.1)


def _hand(
    model: MarkModel, shape: tuple[int, int], px_per_mm: float, rng: np.random.Generator
) -> Hand:
    """A pencil of the chosen mark model on a page of ``shape``."""
    if model is MarkModel.STROKES:
        return StrokeHand(shape, px_per_mm, rng)
    return _Pencil(shape, px_per_mm, rng)


def fill_page(
    clean: GrayImage,
    page: PageLayout,
    *,
    dpi: float,
    rng: np.random.Generator,
    profile: SimProfile = REALISTIC,
    answers: Mapping[int, str] | None = None,
    admission_no: str | None = None,
) -> tuple[GrayImage, tuple[QuestionTruth, ...]]:
    """Pencil marks on a clean page; ``answers`` forces what a question's candidate means."""
    pencil = _hand(profile.marks, clean.shape, dpi / MM_PER_INCH, rng)
    pencil.darkness = float(rng.uniform(*profile.pencil_darkness))
    # The candidate's hand: most press firmly; some press lightly on every mark.
    light_hand = rng.random() < profile.p_light_hand
    hand = float(rng.uniform(0.5, 0.75)) if light_hand else 1.0
    truths: list[QuestionTruth] = []
    for question in page.questions:
        labels = tuple(b.label for b in question.options)
        by_label = {b.label: b for b in question.options}
        if answers is not None and question.number in answers:
            intended = tuple(sorted(answers[question.number]))
        else:
            intended = _choose_intent(question.kind, labels, rng, profile)
        drawn: list[tuple[str, MarkStyle]] = []
        clear = True
        weakest = 1.0  # the lightest intended mark, relative to this hand's firm one
        for label in intended:
            style = _choose_style(rng, profile)
            strength = hand * float(rng.uniform(0.9, 1.05))
            relative = pencil.mark(by_label[label], style, strength, profile.light_pressure)
            weakest = min(weakest, relative)
            drawn.append((label, style))
            clear &= style not in _UNCLEAR_STYLES
            clear &= style is not MarkStyle.LIGHT or relative >= profile.light_clear_min
        others = [lab for lab in labels if lab not in intended]
        erased = rng.random() < profile.p_erasure
        if not intended:
            erased = rng.random() < profile.p_erased_blank / max(profile.p_blank, 1e-9)
        if others and erased:
            label = str(rng.choice(others))
            residue = float(rng.uniform(*profile.residue))
            style = _ERASED_STYLES[int(rng.choice(3, p=_ERASED_WEIGHTS))]
            pencil.erase(by_label[label], residue, hand, style)
            drawn.append((label, MarkStyle.ERASED))
            # Beside a firm mark a person reads past a residue of up to 40 %; beside a
            # light one, only a residue clearly lighter than it; alone, a light one only.
            clear &= residue <= (min(0.4, 0.5 * weakest) if intended else 0.2)
        if rng.random() < profile.p_stray:
            label = str(rng.choice(labels))
            pencil.mark(by_label[label], MarkStyle.STRAY, 1.0, profile.light_pressure)
            drawn.append((label, MarkStyle.STRAY))
        if others and rng.random() < profile.p_dot:
            label = str(rng.choice(others))
            pencil.mark(by_label[label], MarkStyle.DOT, 1.0, profile.light_pressure)
            drawn.append((label, MarkStyle.DOT))
            clear = False
        truths.append(QuestionTruth(question.number, "".join(intended), clear, tuple(drawn)))
    if page.admission_grid is not None and admission_no is not None:
        for column, digit in zip(page.admission_grid.bubbles, admission_no, strict=False):
            style = MarkStyle.FIRM if rng.random() < 0.8 else MarkStyle.SCRIBBLE
            pencil.mark(column[int(digit)], style, 1.0, profile.light_pressure)
    if page.questions and rng.random() < profile.p_smudge_page:
        anchor = page.questions[int(rng.integers(len(page.questions)))].options[0]
        pencil.smear(
            (anchor.x_mm + rng.uniform(0, 20), anchor.y_mm + rng.uniform(-5, 5)),
            rng.uniform(6, 15),
            rng.uniform(0.04, 0.12),
        )
    filled = clean.astype(np.float32) * (1.0 - pencil.layer)
    return np.clip(filled, 0, 255).astype(np.uint8), tuple(truths)


def draw_marks(
    clean: GrayImage,
    page: PageLayout,
    marks: Mapping[int, Sequence[tuple[str, MarkStyle]]],
    *,
    dpi: float,
    seed: int,
    pencil_darkness: float = 0.75,
    residue: float = 0.15,
    light_pressure: tuple[float, float] = (0.55, 0.65),
    grid: str | None = None,
    model: MarkModel = MarkModel.HATCH,
) -> GrayImage:
    """Exactly the given marks, ``{question: [(label, style), ...]}``, on a clean page
    (for tests that need one particular kind of mark); ``grid`` fills the spare grid."""
    rng = np.random.default_rng(seed)
    pencil = _hand(model, clean.shape, dpi / MM_PER_INCH, rng)
    pencil.darkness = pencil_darkness
    by_number = {q.number: q for q in page.questions}
    for number, drawn in marks.items():
        options = {b.label: b for b in by_number[number].options}
        for label, style in drawn:
            if style is MarkStyle.ERASED:
                pencil.erase(options[label], residue, 1.0, MarkStyle.FIRM)
            else:
                pencil.mark(options[label], style, 1.0, light_pressure)
    if grid is not None and page.admission_grid is not None:
        for column, digit in zip(page.admission_grid.bubbles, grid, strict=False):
            if digit.isdigit():
                pencil.mark(column[int(digit)], MarkStyle.FIRM, 1.0, light_pressure)
    filled = clean.astype(np.float32) * (1.0 - pencil.layer)
    return np.clip(filled, 0, 255).astype(np.uint8)


# --- scanning --------------------------------------------------------------------------


def _pick(rng: np.random.Generator, weights: Mapping[int, float]) -> int:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def scan_page(
    filled: GrayImage,
    *,
    dpi_in: float,
    dpi_out: int,
    rng: np.random.Generator,
    profile: SimProfile = REALISTIC,
    rotation: int | None = None,
    skew_deg: float | None = None,
    perspective: float | None = None,
) -> tuple[GrayImage, ScanDamage]:
    """Scanner (or phone) damage: geometry, optics, sensor, compression.

    ``rotation``, ``skew_deg`` and ``perspective`` (the largest corner displacement, as a
    fraction of the page's size) override the profile's random choice."""
    rotation = _pick(rng, profile.rotations) if rotation is None else rotation
    skew = float(rng.uniform(-profile.skew_deg, profile.skew_deg)) if skew_deg is None else skew_deg
    if perspective is None:
        perspective = (
            float(rng.uniform(0.3, 1.0) * profile.perspective)
            if rng.random() < profile.p_perspective
            else 0.0
        )
    paper = float(rng.uniform(*profile.paper))
    gradient = float(rng.uniform(0, profile.light_gradient))
    blur = float(rng.uniform(*profile.blur_sigma)) * dpi_out / 200
    noise = float(rng.uniform(*profile.noise_sigma))
    quality = int(rng.integers(*profile.jpeg_quality)) if rng.random() < profile.p_jpeg else None

    h, w = filled.shape
    # Paper tone and print contrast: white becomes `paper`, ink keeps a little grey.
    ink = float(rng.uniform(12, 45))
    toned = ink + filled.astype(np.float32) * ((paper - ink) / 255.0)

    if profile.feed_wobble_mm > 0:
        toned = _feed_wobble(toned, dpi_in, profile.feed_wobble_mm, rng)

    scale = dpi_out / dpi_in
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    # Keystone, as when a camera looks at the page obliquely: one edge narrows while the
    # opposite one widens; plus a little random play at every corner.
    k = perspective * float(rng.uniform(0.6, 1.0)) * float(rng.choice([-1.0, 1.0]))
    keystone = np.array([[1, 0], [-1, 0], [1, 0], [-1, 0]], dtype=np.float64)
    if rng.random() < 0.5:  # the left and right edges instead of the top and bottom
        keystone = np.array([[0, 1], [0, -1], [0, 1], [0, -1]], dtype=np.float64)
    jitter = keystone * k + rng.uniform(-0.3, 0.3, (4, 2)) * perspective
    jitter *= np.array([w, h])
    moved = corners + jitter
    theta = math.radians(rotation + skew)  # with y pointing down, a positive angle turns clockwise
    rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    centre = np.array([w / 2, h / 2])
    placed = ((moved - centre) @ rot.T) * scale
    margin = rng.uniform(2, 12, 2) * dpi_out / MM_PER_INCH
    lo = placed.min(axis=0) - margin
    placed -= lo
    size = np.ceil(placed.max(axis=0) + rng.uniform(2, 12, 2) * dpi_out / MM_PER_INCH)
    out_w, out_h = int(size[0]), int(size[1])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), placed.astype(np.float32))
    background = float(rng.choice([paper * 0.98, rng.uniform(30, 90)]))
    warped = cv2.warpPerspective(
        toned,
        matrix,
        (out_w, out_h),
        flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=background,
    )
    if scale < 0.8:
        # warpPerspective does not low-pass; a real sensor integrates over its pixel.
        warped = cv2.GaussianBlur(warped, (0, 0), 0.5 / scale * 0.5)

    # Light varies slowly: compute it on a coarse grid and stretch it over the page.
    grid_h, grid_w = max(2, out_h // 32), max(2, out_w // 32)
    ys, xs = np.mgrid[0:grid_h, 0:grid_w].astype(np.float32)
    ys /= grid_h - 1
    xs /= grid_w - 1
    direction = rng.uniform(0, 2 * math.pi)
    ramp = xs * math.cos(direction) + ys * math.sin(direction)
    vignette = ((xs - 0.5) ** 2 + (ys - 0.5) ** 2) * rng.uniform(0, 0.6)
    light = 1.0 - gradient * (ramp - ramp.min()) - gradient * vignette
    warped *= cv2.resize(light, (out_w, out_h), interpolation=cv2.INTER_LINEAR)

    if rng.random() < profile.p_toner_streaks:
        warped = _toner_streaks(np.asarray(warped, np.float32), dpi_out, rng)
    if blur > 0.05:
        warped = cv2.GaussianBlur(warped, (0, 0), blur)
    for _ in range(int(rng.integers(0, profile.dust + 1))):
        cx, cy = rng.uniform(0, out_w), rng.uniform(0, out_h)
        radius = max(1, round(rng.uniform(0.05, 0.25) * dpi_out / MM_PER_INCH))
        cv2.circle(warped, (int(cx), int(cy)), radius, float(rng.uniform(20, 120)), -1)
    # OpenCV's generator is ~10× faster than numpy's for a page of noise; seed it from ours.
    cv2.setRNGSeed(int(rng.integers(0, 2**31 - 1)))
    grain = np.empty(warped.shape, np.float32)
    cv2.randn(grain, np.array([0.0]), np.array([noise]))
    image = np.clip(warped + grain, 0, 255).astype(np.uint8)
    if quality is not None:
        decoded = cv2.imdecode(encode_image(image, ".jpg", quality), cv2.IMREAD_GRAYSCALE)
        image = np.asarray(decoded, dtype=np.uint8)
    damage = ScanDamage(rotation, skew, perspective, dpi_out, blur, noise, quality, paper, gradient)
    return image, damage


def _toner_streaks(image: FloatImage, dpi: int, rng: np.random.Generator) -> FloatImage:
    """Lines down the page as a scanner with dirt on its glass or a worn drum draws them:
    each of constant place along the feed, 0.1-0.8 mm wide, dark (toner, dirt: 20-60 %)
    or light (a dead sensor), of varying strength down its length. (Bands 4 mm wide and 90 %
    black through a column of bubbles make them look filled: the reader has no streak
    detection yet, so this set does not draw them.)"""
    h, w = image.shape
    s = dpi / MM_PER_INCH
    down = np.arange(h, dtype=np.float32)
    for _ in range(int(rng.integers(1, 4))):
        x = float(rng.uniform(0.05, 0.95) * w)
        half = max(1, round(rng.uniform(0.05, 0.4) * s))
        x0, x1 = max(0, int(x) - half), min(w, int(x) + half)
        if x1 <= x0:
            continue
        level = float(rng.uniform(0.2, 0.6))
        vary = 1.0 + 0.25 * np.sin(
            2 * math.pi * down / (rng.uniform(0.3, 1.0) * h) + rng.uniform(0, 6)
        )
        if rng.random() < 0.75:  # dark: the image times (1 - level) along the streak
            image[:, x0:x1] *= np.clip(1.0 - level * vary, 0.05, 1.0)[:, None]
        else:  # light: a washed-out line
            image[:, x0:x1] += (255.0 - image[:, x0:x1]) * np.clip(level * vary, 0, 0.95)[:, None]
    return image


def _feed_wobble(
    image: FloatImage, dpi: float, amplitude_mm: float, rng: np.random.Generator
) -> FloatImage:
    """A sheet feeder's uneven speed: rows drift by up to ``amplitude_mm``, smoothly."""
    h, w = image.shape
    px = amplitude_mm * dpi / MM_PER_INCH
    y = np.arange(h, dtype=np.float32)
    drift = np.zeros(h, np.float32)
    for _ in range(3):
        period = rng.uniform(0.3, 1.2) * h
        drift += (
            float(rng.uniform(-px, px)) / 3 * np.sin(2 * np.pi * y / period + rng.uniform(0, 6))
        )
    map_y = np.repeat((y + drift)[:, None], w, axis=1)
    map_x = np.repeat(np.arange(w, dtype=np.float32)[None, :], h, axis=0)
    moved = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(moved, dtype=np.float32)


def encode_image(image: GrayImage, ext: str, quality: int = 90) -> npt.NDArray[np.uint8]:
    """Encode to PNG/JPEG bytes (as a uint8 array) with OpenCV."""
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if ext in (".jpg", ".jpeg") else []
    ok, data = cv2.imencode(ext, image, params)
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 gray image
        raise ValueError(f"cannot encode {ext}")
    return np.asarray(data, dtype=np.uint8)


def simulate_page(
    clean: GrayImage,
    page: PageLayout,
    *,
    dpi_in: float,
    seed: int,
    profile: SimProfile = REALISTIC,
    dpi_out: int | None = None,
    answers: Mapping[int, str] | None = None,
    admission_no: str | None = None,
    rotation: int | None = None,
    skew_deg: float | None = None,
    perspective: float | None = None,
) -> SimulatedPage:
    """Fill and scan one page from one seed."""
    rng = np.random.default_rng(seed)
    filled, truth = fill_page(
        clean,
        page,
        dpi=dpi_in,
        rng=rng,
        profile=profile,
        answers=answers,
        admission_no=admission_no,
    )
    image, damage = scan_page(
        filled,
        dpi_in=dpi_in,
        dpi_out=dpi_out or round(dpi_in),
        rng=rng,
        profile=profile,
        rotation=rotation,
        skew_deg=skew_deg,
        perspective=perspective,
    )
    return SimulatedPage(image, truth, admission_no if page.admission_grid else None, damage)


def gentle(profile: SimProfile) -> SimProfile:
    """The same candidates with a perfect scanner (for tests that isolate marks)."""
    return replace(
        profile,
        rotations={0: 1.0},
        skew_deg=0.0,
        p_perspective=0.0,
        blur_sigma=(0.3, 0.3),
        noise_sigma=(1.0, 1.0),
        p_jpeg=0.0,
        dust=0,
        feed_wobble_mm=0.0,
        light_gradient=0.0,
    )
