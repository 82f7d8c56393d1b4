"""Decode the sheet's QR code: its expected region first, the whole page as a fallback.

Contract: ``decode_qr`` returns every QR text found (region hits first) with the symbol's
corners in image pixels, or an empty tuple. zxing-cpp decodes a crop in about a
millisecond; the whole-page pass costs tens of milliseconds and runs only when the
region fails (a badly placed or damaged symbol, or a transform that is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp

from scans.layout import Rect
from scans.read.geometry import FloatArray, GrayImage, project

__all__ = ["QrHit", "decode_qr"]

_FORMATS = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_MAX_FULL_PAGE_PIXELS = 6_000_000
# Symbol sizes to try when sampling the module grid: version 4 (the renderer's), then
# the smaller versions a shorter payload would allow, then two larger ones.
_MODULES = (33, 29, 25, 21, 37, 41)


@dataclass(frozen=True)
class QrHit:
    text: str
    # The symbol's top-left, top-right, bottom-right, bottom-left in image pixels, as the
    # decoder located them; None when the text came from sampling the module grid where
    # the page transform puts it (then the transform itself is what the decode confirms).
    corners_px: FloatArray | None
    from_region: bool


def _corners(barcode: zxingcpp.Barcode, offset: tuple[int, int], scale: float) -> FloatArray:
    p = barcode.position
    points = [p.top_left, p.top_right, p.bottom_right, p.bottom_left]
    return np.array([[(pt.x + offset[0]) / scale, (pt.y + offset[1]) / scale] for pt in points])


def _read(image: GrayImage, *, pure: bool = False) -> list[zxingcpp.Barcode]:
    return [
        barcode
        for barcode in zxingcpp.read_barcodes(
            image, formats=_FORMATS, try_rotate=True, try_downscale=True, is_pure=pure
        )
        if barcode.text
    ]


def _module_grid(image: GrayImage, homography: FloatArray, qr: Rect, modules: int) -> GrayImage:
    """The symbol re-drawn clean from one sample per module, where the transform puts it."""
    size = qr.w_mm / modules
    steps = (np.arange(modules) + 0.5) * size
    xs, ys = np.meshgrid(qr.x_mm + steps, qr.y_mm + steps)
    points = project(homography, np.stack([xs, ys], axis=-1))
    values = cv2.remap(
        image,
        np.ascontiguousarray(points[..., 0], dtype=np.float32),
        np.ascontiguousarray(points[..., 1], dtype=np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    threshold, _ = cv2.threshold(values, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    symbol = np.where(values < threshold, 0, 255).astype(np.uint8)
    symbol = np.pad(symbol, 4, constant_values=255)
    return np.asarray(
        cv2.resize(symbol, None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST), dtype=np.uint8
    )


def _opencv(image: GrayImage) -> str:
    try:
        text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    except cv2.error:
        return ""
    return str(text)


def decode_qr(
    image: GrayImage,
    homography: FloatArray | None,
    qr: Rect,
    margin_mm: float,
    *,
    whole_page: bool = True,
) -> tuple[QrHit, ...]:
    """All QR codes found; those inside the expected region come first.

    Cheapest first: zxing-cpp on the region's crop (~1 ms); the module grid sampled
    through the transform and decoded as a pure symbol (survives blur, noise and specks
    that defeat a finder-pattern search); OpenCV's QRCodeDetectorAruco on the crop; then,
    unless ``whole_page`` is False, zxing-cpp on the whole page.
    """
    if homography is not None:
        box = np.array(
            [
                [qr.x_mm - margin_mm, qr.y_mm - margin_mm],
                [qr.right + margin_mm, qr.y_mm - margin_mm],
                [qr.right + margin_mm, qr.bottom + margin_mm],
                [qr.x_mm - margin_mm, qr.bottom + margin_mm],
            ]
        )
        corners = project(homography, box)
        h, w = image.shape
        x0, y0 = np.floor(corners.min(axis=0)).astype(int)
        x1, y1 = np.ceil(corners.max(axis=0)).astype(int)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 - x0 > 16 and y1 - y0 > 16:
            crop = np.ascontiguousarray(image[y0:y1, x0:x1])
            hits = [QrHit(b.text, _corners(b, (x0, y0), 1.0), True) for b in _read(crop)]
            if hits:
                return tuple(hits)
            for modules in _MODULES:
                found = _read(_module_grid(image, homography, qr, modules), pure=True)
                if found:
                    return tuple(QrHit(b.text, None, True) for b in found)
            text = _opencv(crop)
            if text:
                return (QrHit(text, None, True),)
    if not whole_page:
        return ()
    scale = 1.0
    page = image
    if image.size > _MAX_FULL_PAGE_PIXELS:
        scale = float(np.sqrt(_MAX_FULL_PAGE_PIXELS / image.size))
        page = np.asarray(
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    return tuple(QrHit(b.text, _corners(b, (0, 0), scale), False) for b in _read(page))
