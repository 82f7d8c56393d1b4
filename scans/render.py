"""Drawing answer sheets from their layout: raster pages and one print-ready PDF.

One drawing routine paints a page onto a `_Canvas`; a Pillow canvas gives a
grayscale raster (for the reader's tests, the simulator and `--png-dir`), an
fpdf2 canvas gives vector shapes and text with the CJK font embedded as a
subset. Everything is placed from `scans.layout`, so what is printed is what
the reader expects. Unfilled bubbles are a dark ring with a near-white inside:
the option letter is small and light grey, so a reader measures the pencil,
not the ink.

Rasters are fast because the parts that are the same for every candidate
(fiducials, boxes, bubbles, section titles, instructions) are drawn once per
layout, page, dpi and title and cached; per candidate only the header values
and the QR code are drawn.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants
from fpdf import FPDF
from PIL import Image, ImageDraw

from scans.fonts import FontFile, FontMetrics, find_cjk_font, font_metrics, pil_font
from scans.layout import (
    AdmissionGrid,
    Bubble,
    HeaderField,
    PageLayout,
    Rect,
    SheetLayout,
)

__all__ = [
    "PrintedPdf",
    "QRTooLarge",
    "SheetHeader",
    "SheetToPrint",
    "qr_matrix",
    "render_page",
    "sheet_to_print",
    "write_sheet_pngs",
    "write_sheets_pdf",
]

MM_PER_INCH = 25.4
PT_PER_MM = 72 / MM_PER_INCH
QR_VERSION = 4

Align = Literal["left", "center", "right"]

# Ink levels (0 black .. 255 white).
INK = 0
RING = 40
LINE = 60
LABEL_FILL = 232
BAND_FILL = 236
FAINT = 175  # option letters inside bubbles: visible to a person, light to a reader


@dataclass(frozen=True)
class SheetHeader:
    """What is printed in a sheet's header. On a spare sheet leave the candidate fields
    None (they are left blank for handwriting) and give `spare_serial`."""

    title: str
    name: str | None = None
    admission_no: str | None = None
    room: str | None = None
    seat: str | None = None
    exam_date: str | None = None
    spare_serial: int | None = None


@dataclass(frozen=True)
class SheetToPrint:
    """One candidate's (or one spare's) sheet: its header and the QR text of each page."""

    header: SheetHeader
    payloads: tuple[str, ...]


@dataclass(frozen=True)
class PrintedPdf:
    path: Path
    sheets: int
    pages: int  # including room cover pages
    rooms: tuple[str, ...]


class QRTooLarge(ValueError):
    """The payload does not fit the layout's version-4 QR symbol."""


def sheet_to_print(
    layout: SheetLayout,
    header: SheetHeader,
    *,
    exam_code: str,
    secret: bytes,
) -> SheetToPrint:
    """The header plus a signed payload for every page of `layout` (candidate or spare)."""
    from scans.payload import make_payload

    pages = len(layout.pages)
    payloads = tuple(
        make_payload(
            exam_code=exam_code,
            admission_no=None if layout.spare else header.admission_no,
            spare_serial=header.spare_serial if layout.spare else None,
            page=p.number,
            pages=pages,
            layout_hash=layout.layout_hash,
            secret=secret,
        )
        for p in layout.pages
    )
    return SheetToPrint(header, payloads)


def qr_matrix(payload_text: str) -> npt.NDArray[np.bool_]:
    """The QR symbol's modules (True = dark), version 4, ECC M, without quiet zone."""
    code = qrcode.QRCode(
        version=QR_VERSION, error_correction=qrcode.constants.ERROR_CORRECT_M, border=0
    )
    code.add_data(payload_text)
    try:
        code.make(fit=False)
    except qrcode.exceptions.DataOverflowError as exc:
        raise QRTooLarge(f"payload of {len(payload_text)} characters does not fit") from exc
    return np.array(code.get_matrix(), dtype=bool)


# --- raster ---------------------------------------------------------------------


def render_page(
    layout: SheetLayout,
    page_no: int,
    header: SheetHeader,
    payload_text: str,
    dpi: int = 200,
    *,
    font_path: str | os.PathLike[str] | None = None,
) -> npt.NDArray[np.uint8]:
    """Page `page_no` (1-based) of a clean sheet as a uint8 grayscale array, A4 at `dpi`."""
    if dpi < 50:
        raise ValueError(f"dpi {dpi} is too low to print a sheet")
    font = find_cjk_font(font_path)
    page = layout.page(page_no)
    static = _static_raster(layout, page_no, dpi, header.title, header.exam_date, font)
    image = static.copy()
    canvas = _RasterCanvas(image, dpi, font)
    _draw_candidate(canvas, layout, page, header)
    pixels = np.array(image, dtype=np.uint8)
    _blit_qr(pixels, page.qr, qr_matrix(payload_text), dpi)
    return pixels


def write_sheet_pngs(
    out_dir: str | os.PathLike[str],
    layout: SheetLayout,
    sheets: Iterable[SheetToPrint],
    *,
    dpi: int = 200,
    font_path: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """One PNG per page, named `<admission_no>-p<page>.png` (`SPARE<serial>-p<page>.png`)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for sheet in sheets:
        _check_sheet(layout, sheet)
        stem = _file_stem(sheet.header)
        for page in layout.pages:
            pixels = render_page(
                layout,
                page.number,
                sheet.header,
                sheet.payloads[page.number - 1],
                dpi,
                font_path=font_path,
            )
            path = out / f"{stem}-p{page.number}.png"
            Image.fromarray(pixels).save(path, optimize=False, dpi=(dpi, dpi))
            written.append(path)
    return written


_STATIC_CACHE: OrderedDict[tuple[object, ...], Image.Image] = OrderedDict()
_STATIC_CACHE_SIZE = 12


def _static_raster(
    layout: SheetLayout,
    page_no: int,
    dpi: int,
    title: str,
    exam_date: str | None,
    font: FontFile,
) -> Image.Image:
    key = (
        layout.layout_hash,
        layout.spare,
        page_no,
        len(layout.pages),
        dpi,
        title,
        exam_date,
        font,
    )
    cached = _STATIC_CACHE.get(key)
    if cached is not None:
        _STATIC_CACHE.move_to_end(key)
        return cached
    w_mm, h_mm = layout.page_size_mm
    size = (round(w_mm * dpi / MM_PER_INCH), round(h_mm * dpi / MM_PER_INCH))
    image = Image.new("L", size, 255)
    _draw_static(_RasterCanvas(image, dpi, font), layout, layout.page(page_no), title, exam_date)
    _STATIC_CACHE[key] = image
    if len(_STATIC_CACHE) > _STATIC_CACHE_SIZE:
        _STATIC_CACHE.popitem(last=False)
    return image


def _blit_qr(
    pixels: npt.NDArray[np.uint8], rect: Rect, matrix: npt.NDArray[np.bool_], dpi: int
) -> None:
    # Module edges are rounded to whole pixels so every module is a crisp block.
    n = matrix.shape[0]
    s = dpi / MM_PER_INCH
    xs = np.round((rect.x_mm + np.arange(n + 1) * rect.w_mm / n) * s).astype(int)
    ys = np.round((rect.y_mm + np.arange(n + 1) * rect.h_mm / n) * s).astype(int)
    block = np.repeat(np.repeat(matrix, np.diff(ys), axis=0), np.diff(xs), axis=1)
    pixels[ys[0] : ys[-1], xs[0] : xs[-1]] = np.where(block, INK, 255).astype(np.uint8)


class _Canvas(Protocol):
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


class _RasterCanvas:
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


# --- PDF ------------------------------------------------------------------------


class _PdfCanvas:
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


def write_sheets_pdf(
    path: str | os.PathLike[str],
    layout: SheetLayout,
    sheets: Iterable[SheetToPrint],
    *,
    font_path: str | os.PathLike[str] | None = None,
    room_covers: bool = True,
) -> PrintedPdf:
    """All sheets in one PDF, ordered by room then seat (natural order, so "2" < "10"),
    each room preceded by a cover page (room, candidate count, admission-number range).
    Sheets without a room (spares) keep their order and come last, without a cover."""
    font = find_cjk_font(font_path)
    ordered = sorted(
        (s for s in sheets),
        key=lambda s: (s.header.room is None, _natural(s.header.room), _natural(s.header.seat)),
    )
    for sheet in ordered:
        _check_sheet(layout, sheet)
    pdf = FPDF(unit="mm", format=(layout.page_size_mm[0], layout.page_size_mm[1]))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("exam-center")
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
    pdf.set_font("cjk", size=10)
    canvas = _PdfCanvas(pdf, font)
    rooms: list[str] = []
    by_room: dict[str | None, list[SheetToPrint]] = {}
    for sheet in ordered:
        by_room.setdefault(sheet.header.room, []).append(sheet)
    page_count = 0
    for room, group in by_room.items():
        if room is not None:
            rooms.append(room)
            if room_covers:
                _new_pdf_page(pdf, canvas)
                _draw_room_cover(canvas, layout, room, group)
                page_count += 1
        for sheet in group:
            for page in layout.pages:
                _new_pdf_page(pdf, canvas)
                _draw_static(canvas, layout, page, sheet.header.title, sheet.header.exam_date)
                _draw_candidate(canvas, layout, page, sheet.header)
                canvas.qr(page.qr, qr_matrix(sheet.payloads[page.number - 1]))
                page_count += 1
    if page_count == 0:
        raise ValueError("no sheets to print")
    out = Path(path)
    pdf.output(str(out))
    return PrintedPdf(out, len(ordered), page_count, tuple(rooms))


def _new_pdf_page(pdf: FPDF, canvas: _PdfCanvas) -> None:
    pdf.add_page()
    # fpdf2 restates the font and colours on a new page; forget what we skipped.
    canvas.reset()


def _check_sheet(layout: SheetLayout, sheet: SheetToPrint) -> None:
    if len(sheet.payloads) != len(layout.pages):
        who = sheet.header.admission_no or f"spare {sheet.header.spare_serial}"
        raise ValueError(f"{who}: {len(sheet.payloads)} QR payloads for {len(layout.pages)} pages")


def _natural(value: str | None) -> tuple[tuple[int, int | str], ...]:
    if value is None:
        return ()
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", value) if p)


def _file_stem(header: SheetHeader) -> str:
    if header.admission_no:
        return re.sub(r"[^A-Za-z0-9_-]", "_", header.admission_no)
    return f"SPARE{header.spare_serial if header.spare_serial is not None else 0}"


# --- what a page looks like -------------------------------------------------------

BUBBLE_RADIUS = 0.0  # square corners: a rounded rectangle costs fpdf2 7x the time and bytes
RING_WIDTH = 0.25
OPTION_TEXT = 2.0
NUMBER_TEXT = 2.7
NUMBER_GAP = 1.2  # between a question number and its first bubble
LABEL_TEXT = 3.0
VALUE_TEXT = 3.8
TRUEFALSE_MARKS = {"A": "对", "B": "错"}


def _draw_static(
    c: _Canvas, layout: SheetLayout, page: PageLayout, title: str, exam_date: str | None
) -> None:
    h = page.header
    pages = len(layout.pages)
    for f in page.fiducials:
        c.rect(f, fill=INK)

    heading = f"{title}  {'备用答题卡' if layout.spare else '答题卡'}"
    size = c.metrics.fit_size(heading, 5.0, h.title.w_mm)
    c.text(h.title.centre[0], h.title.centre[1], heading, size_mm=size, align="center")

    fields = [h.name, h.admission_no, h.room, h.seat, h.page_label, h.spare_serial]
    for fld in fields:
        if fld is not None:
            _draw_field_boxes(c, fld)
    page_text = f"第 {page.number} 页 / 共 {pages} 页"
    pv = h.page_label.value_box
    c.text(pv.x_mm + 2, pv.centre[1], page_text, size_mm=3.2)

    _draw_instructions(c, h.instructions, spare=layout.spare)
    _draw_fill_example(c, h.fill_example)
    if page.admission_grid is not None:
        _draw_admission_grid(c, page.admission_grid)

    _draw_sections(c, page)
    for q in page.questions:
        first = q.options[0]
        c.text(
            first.x_mm - first.w_mm / 2 - NUMBER_GAP,
            first.y_mm,
            str(q.number),
            size_mm=NUMBER_TEXT,
            align="right",
        )
        for b in q.options:
            mark = TRUEFALSE_MARKS.get(b.label, b.label) if q.kind == "truefalse" else b.label
            _draw_bubble(c, b, mark)

    f = h.footer
    notice = "请勿折叠、污损答题卡；不要在定位标记和二维码处书写"
    c.text(f.centre[0], f.centre[1], notice, size_mm=2.5, gray=LINE, align="center")
    if exam_date:
        c.text(f.right, f.centre[1], f"考试日期 {exam_date}", size_mm=2.5, gray=LINE, align="right")


def _draw_candidate(c: _Canvas, layout: SheetLayout, page: PageLayout, header: SheetHeader) -> None:
    """The per-candidate header values (the QR is added by the caller)."""
    h = page.header
    if not layout.spare:
        values = [
            (h.name, header.name),
            (h.admission_no, header.admission_no),
            (h.room, header.room),
            (h.seat, header.seat),
        ]
        for fld, value in values:
            if fld is not None and value:
                box = fld.value_box
                size = c.metrics.fit_size(value, VALUE_TEXT, box.w_mm - 4)
                c.text(box.x_mm + 2, box.centre[1], value, size_mm=size)
    elif h.spare_serial is not None and header.spare_serial is not None:
        box = h.spare_serial.value_box
        c.text(box.x_mm + 2, box.centre[1], f"{header.spare_serial:06d}", size_mm=3.2)


def _draw_field_boxes(c: _Canvas, fld: HeaderField) -> None:
    c.rect(fld.label_box, fill=LABEL_FILL, stroke=LINE, width_mm=0.2)
    c.rect(fld.value_box, stroke=LINE, width_mm=0.2)
    size = c.metrics.fit_size(fld.label, LABEL_TEXT, fld.label_box.w_mm - 2)
    cx, cy = fld.label_box.centre
    c.text(cx, cy, fld.label, size_mm=size, align="center")


def _draw_instructions(c: _Canvas, r: Rect, *, spare: bool) -> None:
    c.rect(r, stroke=LINE, width_mm=0.2)
    if spare:
        lines = [
            "1. 填写姓名、考场、座位号；在方框内写准考证号，并填涂下方数字。",
            "2. 请使用2B铅笔填涂，修改时用橡皮擦干净；保持答题卡整洁，不要折叠。",
        ]
    else:
        lines = [
            "1. 答题前请核对姓名、准考证号、考场和座位号。",
            "2. 请使用2B铅笔填涂，修改时用橡皮擦干净。",
            "3. 保持答题卡整洁，不要折叠、污损。",
        ]
    pitch = (r.h_mm - 1.0) / (len(lines) + 1)
    y = r.y_mm + 0.5 + pitch / 2
    c.text(r.x_mm + 2, y, "注意事项", size_mm=3.0)
    for line in lines:
        y += pitch
        size = c.metrics.fit_size(line, 2.6, r.w_mm - 4)
        c.text(r.x_mm + 2, y, line, size_mm=size, gray=30)


def _draw_fill_example(c: _Canvas, r: Rect) -> None:
    c.rect(r, stroke=LINE, width_mm=0.2)
    bw, bh, pitch = 5.0, 3.0, 6.6
    two_rows = r.h_mm >= 14
    if two_rows:
        c.text(r.x_mm + 2, r.y_mm + r.h_mm * 0.3, "正确填涂", size_mm=2.8)
        c.text(r.x_mm + 2, r.y_mm + r.h_mm * 0.72, "错误填涂", size_mm=2.8)
        right_at = (r.x_mm + 17.0, r.y_mm + r.h_mm * 0.3)
        wrong_at = (r.x_mm + 17.0, r.y_mm + r.h_mm * 0.72)
    else:
        cy = r.centre[1]
        c.text(r.x_mm + 2, cy, "填涂示例  正确", size_mm=2.8)
        right_at = (r.x_mm + 23.0, cy)
        c.text(r.x_mm + 31.0, cy, "错误", size_mm=2.8)
        wrong_at = (r.x_mm + 38.0, cy)

    def box_at(x: float, y: float) -> Rect:
        return Rect(x, y - bh / 2, bw, bh)

    right = box_at(*right_at)
    c.rect(right, fill=INK, stroke=INK, width_mm=RING_WIDTH, radius_mm=BUBBLE_RADIUS)
    x, y = wrong_at
    marks = [box_at(x + k * pitch, y) for k in range(4)]
    for b in marks:
        c.rect(b, stroke=RING, width_mm=RING_WIDTH, radius_mm=BUBBLE_RADIUS)
    tick, cross, ring, dash = marks
    pen = 0.35
    c.line(
        [
            (tick.x_mm + 1.2, tick.y_mm + 1.5),
            (tick.x_mm + 2.2, tick.bottom - 0.5),
            (tick.right - 1.0, tick.y_mm + 0.4),
        ],
        gray=INK,
        width_mm=pen,
    )
    c.line(
        [(cross.x_mm + 1.3, cross.y_mm + 0.5), (cross.right - 1.3, cross.bottom - 0.5)],
        gray=INK,
        width_mm=pen,
    )
    c.line(
        [(cross.x_mm + 1.3, cross.bottom - 0.5), (cross.right - 1.3, cross.y_mm + 0.5)],
        gray=INK,
        width_mm=pen,
    )
    cx, cy = ring.centre
    c.ellipse(Rect(cx - 1.1, cy - 1.1, 2.2, 2.2), stroke=INK, width_mm=pen)
    cx, cy = dash.centre
    c.line([(dash.x_mm + 1.0, cy), (dash.right - 1.0, cy)], gray=INK, width_mm=0.6)


def _draw_bubble(c: _Canvas, b: Bubble, mark: str) -> None:
    c.rect(b.rect, stroke=RING, width_mm=RING_WIDTH, radius_mm=BUBBLE_RADIUS)
    size = OPTION_TEXT if len(mark) == 1 and mark.isascii() else OPTION_TEXT * 1.05
    c.text(b.x_mm, b.y_mm, mark, size_mm=size, gray=FAINT, align="center")


def _draw_sections(c: _Canvas, page: PageLayout) -> None:
    if not page.section_titles:
        return
    # A frame around each section: from its title band down to its last block.
    tops = [t.rect.y_mm for t in page.section_titles] + [float("inf")]
    for k, title in enumerate(page.section_titles):
        r = title.rect
        inside = [b for b in page.blocks if tops[k] < b.y_mm < tops[k + 1]]
        bottom = max((b.bottom for b in inside), default=r.bottom) + 1.5
        c.rect(Rect(r.x_mm - 1, r.y_mm, r.w_mm + 2, bottom - r.y_mm), stroke=LINE, width_mm=0.25)
        c.rect(
            Rect(r.x_mm - 1, r.y_mm, r.w_mm + 2, r.h_mm - 1.0),
            fill=BAND_FILL,
            stroke=LINE,
            width_mm=0.25,
        )
        c.text(r.x_mm + 1.5, r.y_mm + (r.h_mm - 1.0) / 2, title.text, size_mm=3.2)
    for block in page.blocks:
        c.rect(
            Rect(block.x_mm - 0.8, block.y_mm - 0.5, block.w_mm + 1.6, block.h_mm + 1.0),
            stroke=205,
            width_mm=0.15,
            radius_mm=0.8,
        )


def _draw_admission_grid(c: _Canvas, grid: AdmissionGrid) -> None:
    c.rect(grid.frame, stroke=LINE, width_mm=0.25)
    c.rect(grid.label, fill=LABEL_FILL, stroke=LINE, width_mm=0.2)
    cx, cy = grid.label.centre
    c.text(cx, cy, "准考证号", size_mm=3.0, align="center")
    for box in grid.write_boxes:
        c.rect(box, stroke=LINE, width_mm=0.2)
    for column in grid.bubbles:
        for b in column:
            _draw_bubble(c, b, b.label)


def _draw_room_cover(
    c: _Canvas, layout: SheetLayout, room: str, sheets: list[SheetToPrint]
) -> None:
    """The cover page in front of a room's bundle of sheets (not itself a sheet)."""
    first = sheets[0].header
    numbers = sorted(s.header.admission_no for s in sheets if s.header.admission_no)
    seats = [s.header.seat for s in sheets if s.header.seat]
    pages = len(layout.pages)
    c.text(105, 40, first.title, size_mm=c.metrics.fit_size(first.title, 6.0, 170), align="center")
    c.text(105, 56, "答题卡 · 考场封面", size_mm=5.0, align="center")
    c.rect(Rect(45, 75, 120, 40), stroke=INK, width_mm=0.6)
    c.text(105, 95, f"第 {room} 考场", size_mm=12.0, align="center")
    rows = [
        ("考生人数", f"{len(sheets)} 人"),
        ("准考证号", f"{numbers[0]} – {numbers[-1]}" if numbers else "—"),
        ("座位号", f"{seats[0]} – {seats[-1]}" if seats else "—"),
        (
            "答题卡",
            f"{len(sheets)} 份，每份 {pages} 页，共 {len(sheets) * pages} 页",
        ),
    ]
    if first.exam_date:
        rows.append(("考试日期", first.exam_date))
    y = 135.0
    for label, value in rows:
        c.rect(Rect(40, y, 40, 12), fill=LABEL_FILL, stroke=LINE, width_mm=0.25)
        c.rect(Rect(80, y, 90, 12), stroke=LINE, width_mm=0.25)
        c.text(60, y + 6, label, size_mm=4.2, align="center")
        c.text(84, y + 6, value, size_mm=c.metrics.fit_size(value, 4.2, 82))
        y += 12
    c.text(
        105,
        y + 14,
        "答题卡已按座位号顺序排列，请按座位号分发。本页不是答题卡，请勿扫描。",
        size_mm=3.4,
        align="center",
    )
