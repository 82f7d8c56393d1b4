"""Ingest scanner output: files and folders to one lazily loaded source per page.

Contract:
- ``iter_sources(paths)`` walks files and folders (recursively, in natural sorted order,
  hidden entries skipped) and yields, for every page it finds, a :class:`PageSource`, and
  for every file that cannot be a page a :class:`RejectedSource` with a reason; the walk
  never stops on a bad file.
- The parent process only hashes bytes and reads headers (format, size, page count): no
  pixels are decoded there, so memory stays flat however many pages a batch holds.
  ``PageSource.load()`` decodes one page to a grayscale ``uint8`` array, in whichever
  process calls it, and raises :class:`PageLoadError` (with a reason) for what only
  shows at decode time (a truncated stream, a corrupt PDF page).
- ``PageSource.sha256`` identifies the page: the file's sha256 for a single-image file,
  ``sha256(file_sha256 + ":" + page_index)`` for a page of a multi-page TIFF or PDF.
- Formats: PNG, JPEG, TIFF (every frame a page), PDF (every page rasterised with
  pypdfium2 at ``pdf_dpi``, 200 by default). Anything else is rejected as unsupported.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_PDF_DPI",
    "PageFormat",
    "PageLoadError",
    "PageSource",
    "RejectKind",
    "RejectedSource",
    "Source",
    "iter_files",
    "iter_sources",
]

DEFAULT_MAX_PIXELS = 80_000_000
"""A page larger than this (an A4 page at ~1000 dpi) is treated as a decompression bomb."""

DEFAULT_PDF_DPI = 200
_MIN_PDF_DPI = 200
_POINTS_PER_INCH = 72.0
_HASH_CHUNK = 1 << 20

GrayImage = npt.NDArray[np.uint8]
_PageFactory = Callable[[int, int], "PageSource"]


class PageFormat(StrEnum):
    PNG = "png"
    JPEG = "jpeg"
    TIFF = "tiff"
    PDF = "pdf"


class RejectKind(StrEnum):
    """Why a file (or one page of it) is not a readable page."""

    EMPTY = "empty_file"
    NOT_AN_IMAGE = "not_an_image"
    UNSUPPORTED = "unsupported_format"
    TRUNCATED = "truncated"
    TOO_LARGE = "too_large"
    CORRUPT = "corrupt"
    UNREADABLE = "unreadable"
    NOT_FOUND = "not_found"


class PageLoadError(Exception):
    """A page could not be decoded; ``kind`` and ``reason`` say why."""

    def __init__(self, file: Path, page_index: int, kind: RejectKind, reason: str) -> None:
        super().__init__(f"{file} page {page_index}: {reason}")
        self.file = file
        self.page_index = page_index
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RejectedSource:
    """A file, or one page of a file, that is not a readable page; the batch goes on."""

    file: Path
    page_index: int | None
    kind: RejectKind
    reason: str
    sha256: str | None


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page of one file, decoded only when :meth:`load` is called (in a worker)."""

    file: Path
    page_index: int
    page_count: int
    format: PageFormat
    sha256: str
    file_sha256: str
    pdf_dpi: int = DEFAULT_PDF_DPI
    max_pixels: int = DEFAULT_MAX_PIXELS

    def load(self) -> GrayImage:
        """Decode this page to grayscale uint8; raises :class:`PageLoadError`."""
        try:
            if self.format is PageFormat.PDF:
                return _load_pdf_page(self)
            if self.format is PageFormat.TIFF:
                return _load_tiff_page(self)
            return _load_single_image(self)
        except PageLoadError:
            raise
        except FileNotFoundError as exc:
            raise PageLoadError(self.file, self.page_index, RejectKind.NOT_FOUND, str(exc)) from exc
        except (OSError, ValueError, cv2.error) as exc:
            raise PageLoadError(
                self.file, self.page_index, RejectKind.CORRUPT, f"cannot decode: {exc}"
            ) from exc


Source = PageSource | RejectedSource


def iter_sources(
    paths: Iterable[Path | str],
    *,
    pdf_dpi: int = DEFAULT_PDF_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Iterator[Source]:
    """Yield one source per page of every file under ``paths``, in a stable order."""
    if pdf_dpi < _MIN_PDF_DPI:
        raise ValueError(f"pdf_dpi must be at least {_MIN_PDF_DPI}, got {pdf_dpi}")
    for file in iter_files(paths):
        yield from _sources_of_file(file, pdf_dpi=pdf_dpi, max_pixels=max_pixels)


def _natural_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    # Scanners number pages page1..page10: sort 2 before 10.
    parts: list[tuple[int, int | str]] = []
    for piece in re.split(r"(\d+)", str(path)):
        if piece.isdigit():
            parts.append((0, int(piece)))
        elif piece:
            parts.append((1, piece.lower()))
    return tuple(parts)


def iter_files(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Every file under ``paths`` (folders recursively, hidden entries skipped), in natural
    order: scanners number pages page1..page10, and page2 comes before page10."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, files in os.walk(path):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                found.extend(Path(root) / f for f in files if not f.startswith("."))
            yield from sorted(found, key=_natural_key)
        else:
            yield path


def _sniff(head: bytes) -> PageFormat | str | None:
    """The page format from the magic bytes; a str names a known unsupported format."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PageFormat.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return PageFormat.JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return PageFormat.TIFF
    if head.lstrip()[:5] == b"%PDF-":
        return PageFormat.PDF
    unsupported = {
        b"GIF8": "GIF",
        b"BM": "BMP",
        b"II+\x00": "BigTIFF",
        b"MM\x00+": "BigTIFF",
        b"\x00\x00\x00\x0cjP": "JPEG 2000",
        b"\xff\x4f\xff\x51": "JPEG 2000",
        b"PK\x03\x04": "ZIP archive",
        b"8BPS": "Photoshop",
        b"%!PS": "PostScript",
    }
    for magic, name in unsupported.items():
        if head.startswith(magic):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIF/AVIF"
    return None


def _file_sha256(path: Path) -> tuple[str, bytes, int]:
    """The file's sha256, its first bytes and its size, read in chunks."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            if not head:
                head = chunk[:64]
            size += len(chunk)
            digest.update(chunk)
    return digest.hexdigest(), head, size


def _page_sha256(file_sha256: str, page_index: int) -> str:
    return hashlib.sha256(f"{file_sha256}:{page_index}".encode()).hexdigest()


def _sources_of_file(path: Path, *, pdf_dpi: int, max_pixels: int) -> Iterator[Source]:
    def reject(kind: RejectKind, reason: str, sha: str | None = None) -> RejectedSource:
        return RejectedSource(path, None, kind, reason, sha)

    try:
        sha, head, size = _file_sha256(path)
    except FileNotFoundError:
        yield reject(RejectKind.NOT_FOUND, "no such file")
        return
    except IsADirectoryError:
        yield reject(RejectKind.UNREADABLE, "is a directory")
        return
    except OSError as exc:
        yield reject(RejectKind.UNREADABLE, f"cannot read: {exc.strerror or exc}")
        return
    if size == 0:
        yield reject(RejectKind.EMPTY, "zero bytes", sha)
        return
    fmt = _sniff(head)
    if fmt is None:
        yield reject(RejectKind.NOT_AN_IMAGE, "not an image (unknown file content)", sha)
        return
    if isinstance(fmt, str) and not isinstance(fmt, PageFormat):
        yield reject(RejectKind.UNSUPPORTED, f"unsupported format: {fmt}", sha)
        return

    def page(index: int, count: int) -> PageSource:
        page_sha = sha if count == 1 and fmt is not PageFormat.PDF else _page_sha256(sha, index)
        return PageSource(path, index, count, fmt, page_sha, sha, pdf_dpi, max_pixels)

    if fmt is PageFormat.PDF:
        yield from _pdf_pages(path, sha, page, pdf_dpi=pdf_dpi, max_pixels=max_pixels)
        return
    if fmt is PageFormat.TIFF:
        yield from _tiff_pages(path, sha, page, max_pixels=max_pixels)
        return
    problem = _check_single_image(path, fmt, max_pixels)
    if problem is not None:
        yield reject(problem[0], problem[1], sha)
        return
    yield page(0, 1)


def _check_single_image(
    path: Path, fmt: PageFormat, max_pixels: int
) -> tuple[RejectKind, str] | None:
    """Header checks only: dimensions (bombs) and a complete stream ending."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as exc:
        return RejectKind.TOO_LARGE, f"decompression bomb: {exc}"
    except OSError as exc:
        return RejectKind.CORRUPT, f"unreadable {fmt.value} header: {exc}"
    if width * height > max_pixels:
        return RejectKind.TOO_LARGE, (
            f"decompression bomb: {width}×{height} pixels exceeds the {max_pixels:,} cap"
        )
    if width == 0 or height == 0:
        return RejectKind.CORRUPT, f"{width}×{height} image"
    if not _ends_completely(path, fmt):
        return RejectKind.TRUNCATED, f"truncated {fmt.value} (the file ends before its data does)"
    return None


def _ends_completely(path: Path, fmt: PageFormat) -> bool:
    # Decoders paint a truncated JPEG's missing rows grey with only a warning: a blank answer
    # would then look like paper. Check the end marker instead of trusting the decoder.
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    if fmt is PageFormat.JPEG:
        return tail.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    if fmt is PageFormat.PNG:
        return b"IEND\xaeB`\x82" in tail[-64:]
    return True


def _tiff_pages(
    path: Path,
    sha: str,
    page: _PageFactory,
    *,
    max_pixels: int,
) -> Iterator[Source]:
    sizes: list[tuple[int, int]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                count = int(getattr(image, "n_frames", 1))
                for index in range(count):
                    image.seek(index)
                    sizes.append(image.size)
    except Image.DecompressionBombError as exc:
        yield RejectedSource(path, None, RejectKind.TOO_LARGE, f"decompression bomb: {exc}", sha)
        return
    except (OSError, EOFError, ValueError) as exc:
        if not sizes:
            yield RejectedSource(path, None, RejectKind.CORRUPT, f"unreadable TIFF: {exc}", sha)
            return
        # The pages before the damage are still pages; say where the file breaks.
        yield from _tiff_page_sources(path, sha, page, sizes, len(sizes) + 1, max_pixels)
        yield RejectedSource(
            path,
            len(sizes),
            RejectKind.TRUNCATED,
            f"TIFF page {len(sizes) + 1} unreadable: {exc}",
            _page_sha256(sha, len(sizes)),
        )
        return
    yield from _tiff_page_sources(path, sha, page, sizes, count, max_pixels)


def _tiff_page_sources(
    path: Path,
    sha: str,
    page: _PageFactory,
    sizes: list[tuple[int, int]],
    count: int,
    max_pixels: int,
) -> Iterator[Source]:
    for index, (width, height) in enumerate(sizes):
        if width * height > max_pixels:
            yield RejectedSource(
                path,
                index,
                RejectKind.TOO_LARGE,
                f"decompression bomb: {width}×{height} pixels exceeds the {max_pixels:,} cap",
                _page_sha256(sha, index),
            )
        else:
            yield page(index, count)


def _pdf_pages(
    path: Path,
    sha: str,
    page: _PageFactory,
    *,
    pdf_dpi: int,
    max_pixels: int,
) -> Iterator[Source]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        yield RejectedSource(path, None, RejectKind.CORRUPT, f"unreadable PDF: {exc}", sha)
        return
    try:
        count = len(document)
        if count == 0:
            yield RejectedSource(path, None, RejectKind.CORRUPT, "PDF has no pages", sha)
            return
        sizes = [document.get_page_size(index) for index in range(count)]
    finally:
        document.close()
    scale = pdf_dpi / _POINTS_PER_INCH
    for index, (width_pt, height_pt) in enumerate(sizes):
        pixels = (width_pt * scale) * (height_pt * scale)
        if pixels > max_pixels:
            yield RejectedSource(
                path,
                index,
                RejectKind.TOO_LARGE,
                f"PDF page {index + 1} would be {pixels / 1e6:.0f} MP at {pdf_dpi} dpi "
                f"(cap {max_pixels / 1e6:.0f} MP)",
                _page_sha256(sha, index),
            )
        else:
            yield page(index, count)


def _load_single_image(source: PageSource) -> GrayImage:
    data = np.fromfile(source.file, dtype=np.uint8)
    if data.size == 0:
        raise PageLoadError(source.file, source.page_index, RejectKind.EMPTY, "zero bytes")
    if not _ends_completely(source.file, source.format):
        raise PageLoadError(
            source.file,
            source.page_index,
            RejectKind.TRUNCATED,
            f"truncated {source.format.value} (the file ends before its data does)",
        )
    image = cv2.imdecode(data, _decode_flag(source.format, data))
    if image is None:
        raise PageLoadError(
            source.file,
            source.page_index,
            RejectKind.TRUNCATED,
            f"{source.format.value} data is truncated or corrupt",
        )
    return _as_gray_u8(image)


def _decode_flag(fmt: PageFormat, data: npt.NDArray[np.uint8]) -> int:
    """How to decode: an 8-bit grey PNG as it is (asking OpenCV for grey costs ~20 % more
    on those); anything else converted to grey by the decoder."""
    # IHDR: bit depth at byte 24, colour type at byte 25 (0: grey, no alpha).
    if fmt is PageFormat.PNG and data.size > 25 and data[24] == 8 and data[25] == 0:
        return cv2.IMREAD_UNCHANGED
    return cv2.IMREAD_GRAYSCALE


def _load_tiff_page(source: PageSource) -> GrayImage:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(source.file) as image:
            image.seek(source.page_index)
            width, height = image.size
            if width * height > source.max_pixels:
                raise PageLoadError(
                    source.file, source.page_index, RejectKind.TOO_LARGE, "decompression bomb"
                )
            image.load()
            if image.mode in ("I;16", "I;16B", "I;16L", "I"):
                # 16-bit scans: convert("L") would clip everything above 255 to white.
                return _as_gray_u8(np.asarray(image).astype(np.uint16))
            gray = image.convert("L")
    return np.asarray(gray, dtype=np.uint8).copy()


def _load_pdf_page(source: PageSource) -> GrayImage:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(source.file)
    except pdfium.PdfiumError as exc:
        raise PageLoadError(
            source.file, source.page_index, RejectKind.CORRUPT, f"unreadable PDF: {exc}"
        ) from exc
    try:
        page = document[source.page_index]
        try:
            bitmap = page.render(scale=source.pdf_dpi / _POINTS_PER_INCH, grayscale=True)
            array = np.asarray(bitmap.to_numpy())
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise PageLoadError(
            source.file, source.page_index, RejectKind.CORRUPT, f"cannot render PDF page: {exc}"
        ) from exc
    finally:
        document.close()
    if array.ndim == 3:
        array = cv2.cvtColor(array[:, :, :3], cv2.COLOR_BGR2GRAY)
    return _as_gray_u8(array)


def _as_gray_u8(image: npt.NDArray[Any]) -> GrayImage:
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        image = np.clip(image, 0, 255).astype(np.uint8)
    if image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(image, dtype=np.uint8)
