"""Two drawing surfaces with one small vocabulary: a Pillow raster and an fpdf2 PDF page.

Both take millimetres from the page's top-left corner and gray levels (0 black,
255 white), and both keep a stroke inside the rectangle it outlines, so a page
drawn on either puts its ink in the same place. Text is positioned by the
vertical middle of its line and measured with the same `FontMetrics`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
from fpdf import FPDF
from PIL import Image, ImageDraw

from scans.fonts import FontFile, FontMetrics, font_metrics, pil_font
from scans.layout import Rect

__all__ = ["INK", "MM_PER_INCH", "Align", "Canvas", "PdfCanvas", "RasterCanvas", "blit_qr"]

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
INK = 0

Align = Literal["left", "center", "right"]


def blit_qr(
    pixels: npt.NDArray[np.uint8], rect: Rect, matrix: npt.NDArray[np.bool_], dpi: int
) -> None:
    """Paint the QR modules (True = dark) into `rect` of a raster page, in place."""
    # Module edges are rounded to whole pixels so every module is a crisp block.
    n = matrix.shape[0]
    s = dpi / MM_PER_INCH
    xs = np.round((rect.x_mm + np.arange(n + 1) * rect.w_mm / n) * s).astype(int)
    ys = np.round((rect.y_mm + np.arange(n + 1) * rect.h_mm / n) * s).astype(int)
    block = np.repeat(np.repeat(matrix, np.diff(ys), axis=0), np.diff(xs), axis=1)
    pixels[ys[0] : ys[-1], xs[0] : xs[-1]] = np.where(block, INK, 255).astype(np.uint8)


class Canvas(Protocol):
    metrics: FontMetrics

    def rect(
        self,
        r: Rect,
        *,
        fill: int | None = None,
        stroke: int | None = None,
        width_mm: float = 0.2,
        radius_mm: float = 0.0,
    ) -> None: ...

    def ellipse(self, r: Rect, *, stroke: int, width_mm: float) -> None: ...

    def line(
        self, points: Sequence[tuple[float, float]], *, gray: int, width_mm: float
    ) -> None: ...

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        *,
        size_mm: float,
        gray: int = INK,
        align: Align = "left",
    ) -> None:
        """`y_mm` is the vertical middle of the line of text."""
        ...


class RasterCanvas:
    def __init__(self, image: Image.Image, dpi: int, font: FontFile) -> None:
        self.draw = ImageDraw.Draw(image)
        self.s = dpi / MM_PER_INCH
        self.font = font
        self.metrics = font_metrics(font)

    def _px(self, v: float) -> int:
        return round(v * self.s)

    def _w(self, width_mm: float) -> int:
        return max(1, round(width_mm * self.s))

    def rect(
        self,
        r: Rect,
        *,
        fill: int | None = None,
        stroke: int | None = None,
        width_mm: float = 0.2,
        radius_mm: float = 0.0,
    ) -> None:
        box = (self._px(r.x_mm), self._px(r.y_mm), self._px(r.right) - 1, self._px(r.bottom) - 1)
        width = self._w(width_mm) if stroke is not None else 0
        if radius_mm > 0:
            self.draw.rounded_rectangle(
                box, radius=radius_mm * self.s, fill=fill, outline=stroke, width=width
            )
        else:
            self.draw.rectangle(box, fill=fill, outline=stroke, width=width)

    def ellipse(self, r: Rect, *, stroke: int, width_mm: float) -> None:
        box = (self._px(r.x_mm), self._px(r.y_mm), self._px(r.right) - 1, self._px(r.bottom) - 1)
        self.draw.ellipse(box, outline=stroke, width=self._w(width_mm))

    def line(self, points: Sequence[tuple[float, float]], *, gray: int, width_mm: float) -> None:
        xy = [(x * self.s, y * self.s) for x, y in points]
        self.draw.line(xy, fill=gray, width=self._w(width_mm), joint="curve")

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        *,
        size_mm: float,
        gray: int = INK,
        align: Align = "left",
    ) -> None:
        anchor = {"left": "lm", "center": "mm", "right": "rm"}[align]
        font = pil_font(self.font, round(size_mm * self.s))
        self.draw.text((x_mm * self.s, y_mm * self.s), text, fill=gray, font=font, anchor=anchor)


class PdfCanvas:
    def __init__(self, pdf: FPDF, font: FontFile) -> None:
        self.pdf = pdf
        self.metrics = font_metrics(font)
        self._state: dict[str, object] = {}

    def _set(self, key: str, value: object) -> bool:
        # fpdf2 writes an operator for every colour/width change; skip repeats.
        if self._state.get(key) == value:
            return False
        self._state[key] = value
        return True

    def reset(self) -> None:
        self._state.clear()

    def _draw(self, gray: int, width_mm: float) -> None:
        if self._set("draw", gray):
            self.pdf.set_draw_color(gray)
        if self._set("lw", width_mm):
            self.pdf.set_line_width(width_mm)

    def _fill(self, gray: int) -> None:
        if self._set("fill", gray):
            self.pdf.set_fill_color(gray)

    def rect(
        self,
        r: Rect,
        *,
        fill: int | None = None,
        stroke: int | None = None,
        width_mm: float = 0.2,
        radius_mm: float = 0.0,
    ) -> None:
        if stroke is not None:
            self._draw(stroke, width_mm)
        if fill is not None:
            self._fill(fill)
        style = (
            "DF" if fill is not None and stroke is not None else ("F" if fill is not None else "D")
        )
        # A stroke is centred on the path: inset it so the ink stays inside `r`, as in the raster.
        inset = width_mm / 2 if stroke is not None else 0.0
        x, y, w, h = r.x_mm + inset, r.y_mm + inset, r.w_mm - 2 * inset, r.h_mm - 2 * inset
        if radius_mm > 0:
            self.pdf.rect(
                x, y, w, h, style=style, round_corners=True, corner_radius=radius_mm - inset
            )
        else:
            self.pdf.rect(x, y, w, h, style=style)

    def ellipse(self, r: Rect, *, stroke: int, width_mm: float) -> None:
        self._draw(stroke, width_mm)
        inset = width_mm / 2
        self.pdf.ellipse(
            r.x_mm + inset, r.y_mm + inset, r.w_mm - 2 * inset, r.h_mm - 2 * inset, style="D"
        )

    def line(self, points: Sequence[tuple[float, float]], *, gray: int, width_mm: float) -> None:
        self._draw(gray, width_mm)
        self.pdf.polyline(list(points), style="D")

    def text(
        self,
        x_mm: float,
        y_mm: float,
        text: str,
        *,
        size_mm: float,
        gray: int = INK,
        align: Align = "left",
    ) -> None:
        if self._set("text", gray):
            self.pdf.set_text_color(gray)
        if self._set("size", size_mm):
            self.pdf.set_font_size(size_mm * PT_PER_MM)
        if align != "left":
            width = self.metrics.width_em(text) * size_mm
            x_mm -= width / 2 if align == "center" else width
        self.pdf.text(x_mm, y_mm + self.metrics.baseline_below_middle_em * size_mm, text)

    def qr(self, rect: Rect, matrix: npt.NDArray[np.bool_]) -> None:
        # Vector modules, one filled rectangle per horizontal run of dark modules.
        self._fill(INK)
        n = matrix.shape[0]
        m = rect.w_mm / n
        for row in range(n):
            cols = np.flatnonzero(np.diff(np.concatenate(([0], matrix[row].astype(np.int8), [0]))))
            for start, stop in zip(cols[::2], cols[1::2], strict=True):
                self.pdf.rect(
                    rect.x_mm + start * m, rect.y_mm + row * m, (stop - start) * m, m, style="F"
                )
