"""scans.ingest: every file becomes pages or a rejection with its reason, lazily."""

from __future__ import annotations

import hashlib
import os
import pickle
import socket
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from scans.ingest import (
    PageFormat,
    PageLoadError,
    PageSource,
    RejectedSource,
    RejectKind,
    display_name,
    iter_sources,
)


def _gray(seed: int, shape: tuple[int, int] = (120, 90)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.full(shape, 230, np.uint8)
    image[10:40, 10:40] = rng.integers(0, 80)
    return image


def _write_png(path: Path, image: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", image)
    assert ok
    path.write_bytes(data.tobytes())
    return path


def _write_jpeg(path: Path, image: np.ndarray) -> Path:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    path.write_bytes(data.tobytes())
    return path


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _png_bomb(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims width × height pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
    return path


def _sources(*paths: Path) -> list[PageSource | RejectedSource]:
    return list(iter_sources(paths))


def test_png_and_jpeg_load_lazily_as_grayscale(tmp_path: Path) -> None:
    png = _write_png(tmp_path / "a.png", _gray(1))
    jpg = _write_jpeg(tmp_path / "b.jpg", _gray(2))
    sources = _sources(png, jpg)
    assert [type(s) for s in sources] == [PageSource, PageSource]
    png_source, jpg_source = sources
    assert isinstance(png_source, PageSource) and isinstance(jpg_source, PageSource)
    assert png_source.format is PageFormat.PNG and jpg_source.format is PageFormat.JPEG
    assert png_source.sha256 == hashlib.sha256(png.read_bytes()).hexdigest()
    loaded = png_source.load()
    assert loaded.dtype == np.uint8 and loaded.shape == (120, 90)
    assert np.array_equal(loaded, _gray(1))
    assert abs(int(jpg_source.load()[20, 20]) - int(_gray(2)[20, 20])) < 8


@pytest.mark.parametrize("kind", ["rgb", "rgba", "grey 16-bit"])
def test_every_png_kind_becomes_the_same_grayscale(tmp_path: Path, kind: str) -> None:
    grey = _gray(3)
    pixels = {
        "rgb": np.dstack([grey] * 3),
        "rgba": np.dstack([grey, grey, grey, np.full_like(grey, 255)]),
        "grey 16-bit": grey.astype(np.uint16) * 257,
    }[kind]
    path = tmp_path / "c.png"
    assert cv2.imwrite(str(path), pixels)
    (source,) = _sources(path)
    assert isinstance(source, PageSource)
    loaded = source.load()
    assert loaded.dtype == np.uint8 and loaded.ndim == 2
    assert np.abs(loaded.astype(int) - grey.astype(int)).max() <= 1


def test_folders_are_walked_recursively_in_natural_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".cache").mkdir()
    for name in ("b/page10.png", "b/page2.png", "a1.png", ".hidden.png", ".cache/x.png"):
        _write_png(tmp_path / name, _gray(4))
    names = [str(s.file.relative_to(tmp_path)) for s in _sources(tmp_path)]
    assert names == ["a1.png", "b/page2.png", "b/page10.png"]


def test_multi_page_tiff_gives_one_source_per_page(tmp_path: Path) -> None:
    frames = [Image.fromarray(_gray(i)) for i in range(3)]
    path = tmp_path / "scan.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_lzw")
    sources = _sources(path)
    assert [s.page_index for s in sources] == [0, 1, 2]
    pages = [s for s in sources if isinstance(s, PageSource)]
    assert len(pages) == 3 and all(p.page_count == 3 for p in pages)
    assert len({p.sha256 for p in pages}) == 3
    for index, page in enumerate(pages):
        assert np.array_equal(page.load(), _gray(index))


def test_pdf_pages_are_rasterised_at_200_dpi_or_more(tmp_path: Path) -> None:
    images = [Image.fromarray(_gray(i, (1169, 827))) for i in range(2)]
    path = tmp_path / "scan.pdf"
    images[0].save(path, save_all=True, append_images=images[1:], resolution=100.0)
    sources = _sources(path)
    assert len(sources) == 2
    first = sources[0]
    assert isinstance(first, PageSource) and first.format is PageFormat.PDF
    image = first.load()
    # An A4 page scanned at 100 dpi and rasterised at 200 dpi: twice the pixels.
    assert image.shape == pytest.approx((2338, 1654), abs=2)
    assert image.dtype == np.uint8
    assert image[50, 50] < 120 < image[-5, -5]
    with pytest.raises(ValueError):
        list(iter_sources([path], pdf_dpi=150))


def test_page_sources_pickle_and_load_elsewhere(tmp_path: Path) -> None:
    (source,) = _sources(_write_png(tmp_path / "a.png", _gray(5)))
    clone = pickle.loads(pickle.dumps(source))
    assert clone == source
    assert isinstance(clone, PageSource)
    assert np.array_equal(clone.load(), _gray(5))


def _only_rejection(path: Path) -> RejectedSource:
    (source,) = _sources(path)
    assert isinstance(source, RejectedSource), source
    return source


def test_zero_bytes_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    rejected = _only_rejection(path)
    assert rejected.kind is RejectKind.EMPTY and "zero bytes" in rejected.reason


def test_text_named_like_an_image_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a scan\n")
    rejected = _only_rejection(path)
    assert rejected.kind is RejectKind.NOT_AN_IMAGE
    assert rejected.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("writer", [_write_png, _write_jpeg], ids=["png", "jpeg"])
@pytest.mark.parametrize("keep", [0.5, 0.97])
def test_truncated_images_are_rejected(tmp_path: Path, writer: object, keep: float) -> None:
    assert callable(writer)
    whole = writer(tmp_path / "whole.img", _gray(6, (400, 300)))
    data = whole.read_bytes()
    cut = tmp_path / "cut.img"
    cut.write_bytes(data[: int(len(data) * keep)])
    rejected = _only_rejection(cut)
    assert rejected.kind in (RejectKind.TRUNCATED, RejectKind.CORRUPT)
    assert "truncated" in rejected.reason or "unreadable" in rejected.reason


def test_the_bytes_decoded_are_the_bytes_hashed(tmp_path: Path) -> None:
    # The file is replaced (by another page, then truncated) after it was listed: the page
    # still decodes to the image its sha256 names, never to the newcomer.
    path = _write_png(tmp_path / "late.png", _gray(7, (400, 300)))
    (source,) = _sources(path)
    assert isinstance(source, PageSource)
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    _write_png(path, _gray(8, (400, 300)))
    assert np.array_equal(source.load(), _gray(7, (400, 300)))
    path.write_bytes(path.read_bytes()[:100])
    assert np.array_equal(source.load(), _gray(7, (400, 300)))


def test_a_multi_page_file_rewritten_after_listing_is_rejected_as_changed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "scan.tiff"
    frames = [Image.fromarray(_gray(i)) for i in range(2)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    first, second = _sources(path)
    assert isinstance(first, PageSource) and isinstance(second, PageSource)
    frames = [Image.fromarray(_gray(i)) for i in (5, 6)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(PageLoadError) as caught:
        second.load()
    assert caught.value.kind is RejectKind.CHANGED
    assert "scan it again" in caught.value.reason


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    # Each of these would block a read for ever (or yield endless zeros): named, not read.
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.png"
    zero.symlink_to("/dev/zero")
    dangling = tmp_path / "gone.png"
    dangling.symlink_to(tmp_path / "nowhere.png")
    server = socket.socket(socket.AF_UNIX)
    sock = tmp_path / "s.png"
    server.bind(str(sock))
    good = _write_png(tmp_path / "real.png", _gray(1))
    linked = tmp_path / "link.png"
    linked.symlink_to(good)
    try:
        sources = {s.file.name: s for s in iter_sources([tmp_path])}
    finally:
        server.close()
    for name, what in [
        ("pipe.png", "FIFO"),
        ("zero.png", "symbolic link to /dev/zero, a character device"),
        ("s.png", "socket"),
    ]:
        rejected = sources[name]
        assert isinstance(rejected, RejectedSource), name
        assert rejected.kind is RejectKind.NOT_A_FILE
        assert what in rejected.reason and "不是普通文件" in rejected.reason
    assert isinstance(sources["gone.png"], RejectedSource)
    assert sources["gone.png"].kind is RejectKind.NOT_FOUND
    assert isinstance(sources["real.png"], PageSource)
    assert isinstance(sources["link.png"], PageSource)  # a link to a regular file is read


def test_a_file_over_the_byte_cap_is_rejected_unread(tmp_path: Path) -> None:
    path = _write_png(tmp_path / "big.png", _gray(1))
    (rejected,) = iter_sources([path], max_bytes=100)
    assert isinstance(rejected, RejectedSource) and rejected.kind is RejectKind.TOO_LARGE


def test_a_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xbf\xfe\xc3\xfb-\xff.png"
    _write_png(Path(os.fsdecode(raw)), _gray(2))
    (source,) = iter_sources([tmp_path])
    assert isinstance(source, PageSource)
    shown = display_name(source.file)
    shown.encode("utf-8")  # storable and printable
    assert shown.endswith("/\\xbf\\xfe\\xc3\\xfb-\\xff.png")
    assert display_name(tmp_path / "考生.png").endswith("考生.png")


def test_decompression_bomb_is_rejected_without_decoding(tmp_path: Path) -> None:
    rejected = _only_rejection(_png_bomb(tmp_path / "bomb.png", 40_000, 40_000))
    assert rejected.kind is RejectKind.TOO_LARGE
    assert "decompression bomb" in rejected.reason


def test_pixel_cap_is_configurable(tmp_path: Path) -> None:
    path = _write_png(tmp_path / "a.png", _gray(8, (400, 300)))
    (source,) = iter_sources([path], max_pixels=100_000)
    assert isinstance(source, RejectedSource) and source.kind is RejectKind.TOO_LARGE


def test_huge_pdf_page_is_rejected(tmp_path: Path) -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    document.new_page(14_000, 14_000)
    path = tmp_path / "huge.pdf"
    document.save(path)
    document.close()
    sources = _sources(path)
    assert isinstance(sources[0], PageSource)
    assert isinstance(sources[1], RejectedSource) and sources[1].kind is RejectKind.TOO_LARGE
    assert sources[1].page_index == 1


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "GIF"), ("BMP", "BMP"), ("WEBP", "WebP")])
def test_unsupported_formats_are_named(tmp_path: Path, fmt: str, name: str) -> None:
    path = tmp_path / f"scan.{fmt.lower()}"
    Image.fromarray(_gray(9)).save(path, format=fmt)
    rejected = _only_rejection(path)
    assert rejected.kind is RejectKind.UNSUPPORTED and name in rejected.reason


def test_corrupt_pdf_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF")
    assert _only_rejection(path).kind is RejectKind.CORRUPT


def test_missing_path_is_rejected_and_the_batch_goes_on(tmp_path: Path) -> None:
    good = _write_png(tmp_path / "good.png", _gray(10))
    sources = _sources(tmp_path / "missing.png", good)
    assert isinstance(sources[0], RejectedSource) and sources[0].kind is RejectKind.NOT_FOUND
    assert isinstance(sources[1], PageSource)


def test_a_mixed_folder_yields_pages_and_rejections_in_order(tmp_path: Path) -> None:
    _write_png(tmp_path / "1.png", _gray(11))
    (tmp_path / "2.png").write_bytes(b"")
    _write_jpeg(tmp_path / "3.jpg", _gray(12))
    (tmp_path / "4.txt").write_text("hello")
    kinds = [
        "page" if isinstance(s, PageSource) else s.kind.value for s in iter_sources([tmp_path])
    ]
    assert kinds == ["page", "empty_file", "page", "not_an_image"]
