"""Drawing answer sheets from their layout: raster pages and one print-ready PDF.

One drawing routine (`scans.render.drawing`) paints a page onto a canvas
(`scans.render.canvas`); a Pillow canvas gives a
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
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import qrcode
import qrcode.constants
from fpdf import FPDF
from PIL import Image
from qrcode.exceptions import DataOverflowError

from scans.fonts import FontFile, find_cjk_font
from scans.layout import SheetLayout
from scans.payload import MalformedPayload, make_payload, parse_payload
from scans.render.canvas import MM_PER_INCH, PdfCanvas, RasterCanvas, blit_qr
from scans.render.drawing import SheetHeader, draw_candidate, draw_room_cover, draw_static

__all__ = [
    "PrintedPdf",
    "QRTooLarge",
    "SheetHeader",
    "SheetMismatch",
    "SheetToPrint",
    "qr_matrix",
    "render_page",
    "sheet_to_print",
    "write_sheet_pngs",
    "write_sheets_pdf",
]

QR_VERSION = 4


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


class SheetMismatch(ValueError):
    """A sheet's QR payloads disagree with its printed header or with the layout."""

    def __init__(self, message: str, *, who: str | None = None) -> None:
        super().__init__(message)
        self.who = who


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
    except DataOverflowError as exc:
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
    """Page `page_no` (1-based) of a clean sheet as a uint8 grayscale array, A4 at `dpi`.

    The QR code holds `payload_text` as given, unchecked, so a test can print a
    deliberately wrong one; `write_sheets_pdf` and `write_sheet_pngs` do check.
    """
    if dpi < 50:
        raise ValueError(f"dpi {dpi} is too low to print a sheet")
    font = find_cjk_font(font_path)
    page = layout.page(page_no)
    static = _static_raster(layout, page_no, dpi, header.title, header.exam_date, font)
    image = static.copy()
    canvas = RasterCanvas(image, dpi, font)
    draw_candidate(canvas, layout, page, header)
    pixels = np.array(image, dtype=np.uint8)
    matrix = qr_matrix(payload_text)
    for rect in page.qr_codes:  # the page identity twice, far apart (see scans.layout)
        blit_qr(pixels, rect, matrix, dpi)
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
_STATIC_CACHE_SIZE = 8  # 4 MB a page at 200 dpi
_STATIC_LOCK = threading.Lock()


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
    with _STATIC_LOCK:
        cached = _STATIC_CACHE.get(key)
        if cached is not None:
            _STATIC_CACHE.move_to_end(key)
            return cached
    w_mm, h_mm = layout.page_size_mm
    size = (round(w_mm * dpi / MM_PER_INCH), round(h_mm * dpi / MM_PER_INCH))
    image = Image.new("L", size, 255)
    draw_static(RasterCanvas(image, dpi, font), layout, layout.page(page_no), title, exam_date)
    with _STATIC_LOCK:
        _STATIC_CACHE[key] = image
        if len(_STATIC_CACHE) > _STATIC_CACHE_SIZE:
            _STATIC_CACHE.popitem(last=False)
    return image


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
    exams = {_check_sheet(layout, sheet) for sheet in ordered}
    if len(exams) > 1:
        raise SheetMismatch(f"sheets of several exams in one print: {', '.join(sorted(exams))}")
    pdf = FPDF(unit="mm", format=(layout.page_size_mm[0], layout.page_size_mm[1]))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("exam-center")
    pdf.add_font("cjk", "", str(font.path), collection_font_number=font.index)
    pdf.set_font("cjk", size=10)
    canvas = PdfCanvas(pdf, font)
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
                draw_room_cover(canvas, layout, room, [s.header for s in group])
                page_count += 1
        for sheet in group:
            for page in layout.pages:
                _new_pdf_page(pdf, canvas)
                draw_static(canvas, layout, page, sheet.header.title, sheet.header.exam_date)
                draw_candidate(canvas, layout, page, sheet.header)
                matrix = qr_matrix(sheet.payloads[page.number - 1])
                for rect in page.qr_codes:
                    canvas.qr(rect, matrix)
                page_count += 1
    if page_count == 0:
        raise ValueError("no sheets to print")
    out = Path(path)
    pdf.output(str(out))
    return PrintedPdf(out, len(ordered), page_count, tuple(rooms))


def _new_pdf_page(pdf: FPDF, canvas: PdfCanvas) -> None:
    pdf.add_page()
    # fpdf2 restates the font and colours on a new page; forget what we skipped.
    canvas.reset()


def _check_sheet(layout: SheetLayout, sheet: SheetToPrint) -> str:
    """The sheet's exam code, once its QR payloads are known to match its header and layout.

    A QR that names someone other than the printed name would attribute the answers to
    the wrong candidate; refuse to print it rather than find out at scanning time.
    """
    h = sheet.header
    who = f"spare {h.spare_serial}" if layout.spare else (h.admission_no or "?")
    pages = len(layout.pages)
    if len(sheet.payloads) != pages:
        raise SheetMismatch(f"{who}: {len(sheet.payloads)} QR payloads for {pages} pages", who=who)
    exams: set[str] = set()
    for number, text in enumerate(sheet.payloads, start=1):
        try:
            p = parse_payload(text)
        except MalformedPayload as exc:
            raise SheetMismatch(f"{who}, page {number}: {exc}", who=who) from exc
        wrong = [
            what
            for what, ok in (
                ("page number", (p.page, p.pages) == (number, pages)),
                ("layout hash", p.layout_hash == layout.layout_hash),
                ("spare serial", not layout.spare or p.spare_serial == h.spare_serial),
                ("admission number", layout.spare or p.admission_no == h.admission_no),
            )
            if not ok
        ]
        if wrong:
            raise SheetMismatch(
                f"{who}, page {number}: the QR code's {', '.join(wrong)} differ from the sheet",
                who=who,
            )
        exams.add(p.exam_code)
    return exams.pop()


def _natural(value: str | None) -> tuple[tuple[int, int | str], ...]:
    if value is None:
        return ()
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", value) if p)


def _file_stem(header: SheetHeader) -> str:
    if header.admission_no:
        return re.sub(r"[^A-Za-z0-9_-]", "_", header.admission_no)
    return f"SPARE{header.spare_serial if header.spare_serial is not None else 0}"
