"""Ingest scanner output: files and folders to one lazily loaded source per page.

Contract:
- ``iter_sources(paths)`` walks files and folders (recursively, in natural sorted order,
  hidden entries skipped) and yields, for every page it finds, a :class:`PageSource`, and
  for every file that cannot be a page a :class:`RejectedSource` with a reason; the walk
  never stops on a bad file.
- Only regular files are read (a symbolic link to one too): a FIFO, a socket, a device
  (a link to ``/dev/zero``, say) is named and rejected without being opened for a read
  that would never end. A file larger than ``max_bytes`` is rejected unread.
- The parent process reads each file once, hashes those bytes and reads headers from
  them (format, size, page count): no pixels are decoded there. A single-image page
  carries the bytes it was hashed from to the worker, so the bytes decoded are the bytes
  hashed even if the file is replaced meanwhile; a page of a multi-page file is read again
  in the worker and decoded only if its sha256 is still the one recorded (else it is
  rejected as changed). ``PageSource.load()`` decodes one page to a grayscale ``uint8``
  array, in whichever process calls it, and raises :class:`PageLoadError` (with a reason)
  for what only shows at decode time (a truncated stream, a corrupt PDF page).
- ``display_name(path)`` is a file name that can be stored and printed: a name that is not
  UTF-8 has its stray bytes escaped (``\\xff``).
- ``PageSource.sha256`` identifies the page: the file's sha256 for a single-image file,
  ``sha256(file_sha256 + ":" + page_index)`` for a page of a multi-page TIFF or PDF.
- Formats: PNG, JPEG, TIFF (every frame a page), PDF (every page rasterised with
  pypdfium2 at ``pdf_dpi``, 200 by default). Anything else is rejected as unsupported.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PIXELS",
    "DEFAULT_PDF_DPI",
    "PageFormat",
    "PageLoadError",
    "PageSource",
    "RejectKind",
    "RejectedSource",
    "Source",
    "display_name",
    "iter_files",
    "iter_sources",
]

DEFAULT_MAX_PIXELS = 80_000_000
"""A page larger than this (an A4 page at ~1000 dpi) is treated as a decompression bomb."""

DEFAULT_MAX_BYTES = 1 << 30
"""A file larger than this (1 GiB) is not a scanner's output; it is rejected unread."""

DEFAULT_PDF_DPI = 200
_MIN_PDF_DPI = 200
_POINTS_PER_INCH = 72.0

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
    NOT_A_FILE = "not_a_file"  # a FIFO, a socket, a device: never read
    CHANGED = "changed"  # rewritten between the hash and the decode


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
    # A single-image page: the file's bytes as they were hashed (None: read again and verify).
    data: bytes | None = field(default=None, repr=False)

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
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Source]:
    """Yield one source per page of every file under ``paths``, in a stable order."""
    if pdf_dpi < _MIN_PDF_DPI:
        raise ValueError(f"pdf_dpi must be at least {_MIN_PDF_DPI}, got {pdf_dpi}")
    for file in iter_files(paths):
        yield from _sources_of_file(
            file, pdf_dpi=pdf_dpi, max_pixels=max_pixels, max_bytes=max_bytes
        )


def display_name(path: Path | str) -> str:
    """The name as text that any database, terminal or JSON takes: a file name that is not
    UTF-8 (an old scanner's GBK name, say) keeps its readable part, its stray bytes
    escaped as ``\\xNN`` (Python holds them as lone surrogates, which cannot be encoded)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


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


class _NotRead(Exception):
    """A path that was not read: why, as a reject kind and reason."""

    def __init__(self, kind: RejectKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def _what_it_is(mode: int) -> str:
    for test, name in _NOT_REGULAR:
        if test(mode):
            return name
    return "not a regular file"


def _read_regular(path: Path, max_bytes: int) -> bytes:
    """The whole file, read once; raises :class:`_NotRead` for anything but a regular file.

    Reading a FIFO or ``/dev/zero`` never ends, so the kind is checked before the open and
    again on the open descriptor (the path may be swapped between the two); O_NONBLOCK
    keeps even the open of a FIFO from waiting for a writer."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        link = " (a broken symbolic link)" if path.is_symlink() else ""
        raise _NotRead(RejectKind.NOT_FOUND, f"no such file{link}") from exc
    except OSError as exc:
        raise _NotRead(RejectKind.UNREADABLE, f"cannot read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise _NotRead(RejectKind.NOT_A_FILE, _skipped_reason(path, info.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _NotRead(RejectKind.UNREADABLE, f"cannot read: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _NotRead(RejectKind.NOT_A_FILE, _skipped_reason(path, info.st_mode))
        if info.st_size > max_bytes:
            raise _NotRead(RejectKind.TOO_LARGE, _too_big(info.st_size, max_bytes))
        try:
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise _NotRead(RejectKind.UNREADABLE, f"cannot read: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:  # grew while being read
        raise _NotRead(RejectKind.TOO_LARGE, _too_big(len(data), max_bytes))
    return data


def _skipped_reason(path: Path, mode: int) -> str:
    what = _what_it_is(mode)
    if path.is_symlink():
        try:
            target = display_name(os.readlink(path))
        except OSError:  # pragma: no cover - it was a link a moment ago
            target = "?"
        what = f"a symbolic link to {target}, {what}"
    return f"不是普通文件，已跳过 (not a regular file, skipped: {what})"


def _too_big(size: int, cap: int) -> str:
    return f"file of {size / 1e6:,.0f} MB exceeds the {cap / 1e6:,.0f} MB cap"


def _page_sha256(file_sha256: str, page_index: int) -> str:
    return hashlib.sha256(f"{file_sha256}:{page_index}".encode()).hexdigest()


def _sources_of_file(
    path: Path, *, pdf_dpi: int, max_pixels: int, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Source]:
    def reject(kind: RejectKind, reason: str, sha: str | None = None) -> RejectedSource:
        return RejectedSource(path, None, kind, reason, sha)

    try:
        data = _read_regular(path, max_bytes)
    except _NotRead as exc:
        yield reject(exc.kind, exc.reason)
        return
    sha = hashlib.sha256(data).hexdigest()
    head, size = data[:64], len(data)
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
        yield from _pdf_pages(path, data, sha, page, pdf_dpi=pdf_dpi, max_pixels=max_pixels)
        return
    if fmt is PageFormat.TIFF:
        yield from _tiff_pages(path, data, sha, page, max_pixels=max_pixels)
        return
    problem = _check_single_image(data, fmt, max_pixels)
    if problem is not None:
        yield reject(problem[0], problem[1], sha)
        return
    yield PageSource(path, 0, 1, fmt, sha, sha, pdf_dpi, max_pixels, data)


def _check_single_image(
    data: bytes, fmt: PageFormat, max_pixels: int
) -> tuple[RejectKind, str] | None:
    """Header checks only: dimensions (bombs) and a complete stream ending."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
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
    if not _ends_completely(data, fmt):
        return RejectKind.TRUNCATED, f"truncated {fmt.value} (the file ends before its data does)"
    return None


def _ends_completely(data: bytes, fmt: PageFormat) -> bool:
    # Decoders paint a truncated JPEG's missing rows grey with only a warning: a blank answer
    # would then look like paper. Check the end marker instead of trusting the decoder.
    tail = data[-4096:]
    if fmt is PageFormat.JPEG:
        return tail.rstrip(b"\x00\r\n ").endswith(b"\xff\xd9")
    if fmt is PageFormat.PNG:
        return b"IEND\xaeB`\x82" in tail[-64:]
    return True


def _tiff_pages(
    path: Path,
    data: bytes,
    sha: str,
    page: _PageFactory,
    *,
    max_pixels: int,
) -> Iterator[Source]:
    sizes: list[tuple[int, int]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
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
    data: bytes,
    sha: str,
    page: _PageFactory,
    *,
    pdf_dpi: int,
    max_pixels: int,
) -> Iterator[Source]:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
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


# A worker is usually handed consecutive pages of one multi-page file: keep the last
# file it verified rather than reading and hashing it again for every page.
_verified: tuple[Path, str, bytes] | None = None


def _verified_bytes(source: PageSource) -> bytes:
    """The file's bytes, if they are still those hashed when the page was listed."""
    global _verified
    if source.data is not None:
        return source.data
    if _verified is not None and _verified[:2] == (source.file, source.file_sha256):
        return _verified[2]
    try:
        data = _read_regular(source.file, DEFAULT_MAX_BYTES)
    except _NotRead as exc:
        raise PageLoadError(source.file, source.page_index, exc.kind, exc.reason) from exc
    if hashlib.sha256(data).hexdigest() != source.file_sha256:
        raise PageLoadError(
            source.file,
            source.page_index,
            RejectKind.CHANGED,
            "文件在扫描期间被改写，请重新扫描 "
            "(the file changed after it was hashed; scan it again)",
        )
    _verified = (source.file, source.file_sha256, data)
    return data


def _load_single_image(source: PageSource) -> GrayImage:
    raw = _verified_bytes(source)
    data = np.frombuffer(raw, dtype=np.uint8)
    if data.size == 0:
        raise PageLoadError(source.file, source.page_index, RejectKind.EMPTY, "zero bytes")
    if not _ends_completely(raw, source.format):
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
        with Image.open(io.BytesIO(_verified_bytes(source))) as image:
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
        document = pdfium.PdfDocument(_verified_bytes(source))
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
