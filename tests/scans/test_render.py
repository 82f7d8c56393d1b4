"""scans.render.output: what is printed is where the layout says, and its QR code verifies.

Every check reads pixels or the PDF's text layer back with independent tools
(zxing-cpp for the QR, pdfium for the PDF), never the renderer's own state.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from scans.fonts import FONT_ENV_VAR, FontNotFound, find_cjk_font
from scans.layout import Bubble, PaperSpec, Rect, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload, verify_payload
from scans.render.output import (
    SheetHeader,
    SheetMismatch,
    SheetToPrint,
    render_page,
    sheet_to_print,
    write_sheet_pngs,
    write_sheets_pdf,
)

EXAM = "JS2022"
SECRET = b"an exam secret that is never printed"
TITLE = "2022年度全省人社窗口单位业务技能练兵比武全省选拔赛"
EXAMPLE = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 60, 4),
        SectionSpec("多项选择题", "multi", 30, 5),
        SectionSpec("判断题", "truefalse", 40, 2),
    )
)
LONG = PaperSpec(
    (SectionSpec("单项选择题", "single", 150, 4), SectionSpec("判断题", "truefalse", 100, 2))
)


@pytest.fixture(scope="module")
def layout() -> SheetLayout:
    return build_layout(EXAMPLE)


@pytest.fixture(scope="module")
def spare_layout() -> SheetLayout:
    return build_layout(EXAMPLE, spare=True)


def header(i: int = 13, room: str = "03") -> SheetHeader:
    return SheetHeader(
        title=TITLE,
        name=f"王晓明{i}",
        admission_no=f"2022070{i:02d}",
        room=room,
        seat=str(i),
        exam_date="2022-07-10",
    )


def px(mm: float, dpi: int) -> int:
    return int(mm * dpi / 25.4)


def region(
    img: npt.NDArray[np.uint8], r: Rect, dpi: int, inset_mm: float = 0.0
) -> npt.NDArray[np.uint8]:
    return img[
        px(r.y_mm + inset_mm, dpi) : px(r.bottom - inset_mm, dpi),
        px(r.x_mm + inset_mm, dpi) : px(r.right - inset_mm, dpi),
    ]


def assert_bubble_printed(img: npt.NDArray[np.uint8], b: Bubble, dpi: int) -> None:
    """A dark ring at the layout's position, a near-white inside."""
    r = b.rect
    cx, cy = px(b.x_mm, dpi), px(b.y_mm, dpi)
    edges = {
        "left": img[cy, px(r.x_mm, dpi) - 1 : px(r.x_mm, dpi) + 3],
        "right": img[cy, px(r.right, dpi) - 3 : px(r.right, dpi) + 1],
        "top": img[px(r.y_mm, dpi) - 1 : px(r.y_mm, dpi) + 3, cx],
        "bottom": img[px(r.bottom, dpi) - 3 : px(r.bottom, dpi) + 1, cx],
    }
    for side, pixels in edges.items():
        assert pixels.min() <= 100, f"bubble {b} has no ring on its {side}: {pixels}"
    inside = region(img, r, dpi, inset_mm=0.6)
    assert inside.min() >= 150, f"bubble {b} has dark ink inside"
    assert inside.mean() >= 225, f"bubble {b} is not near-white inside"
    # Just outside the ring the paper is blank again.
    assert img[cy, px(r.x_mm - 0.5, dpi)] >= 200 or img[cy, px(r.right + 0.5, dpi)] >= 200


def assert_fiducials_printed(img: npt.NDArray[np.uint8], layout: SheetLayout, dpi: int) -> None:
    for f in layout.pages[0].fiducials:
        assert region(img, f, dpi, inset_mm=0.3).max() <= 40, f
        around = Rect(f.x_mm - 1.5, f.y_mm - 1.5, f.w_mm + 3.0, f.h_mm + 3.0)
        ring = region(img, around, dpi).astype(int)
        inner = region(img, f, dpi, inset_mm=-0.3)
        assert ring.sum() - inner.astype(int).sum() >= 0.95 * 255 * (ring.size - inner.size), f


def decode_qr(img: npt.NDArray[np.uint8]) -> str:
    results = zxingcpp.read_barcodes(img)
    texts = [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    # The page identity is printed twice (top right, bottom left): the same text.
    assert len(texts) == 2 and len(set(texts)) == 1, f"expected one QR text twice, found {texts}"
    return texts[0]


def verify(text: str, *layouts: SheetLayout) -> None:
    verify_payload(
        text, secret=SECRET, exam_code=EXAM, layout_hashes={lay.layout_hash for lay in layouts}
    )


def test_page_is_a4_grayscale_at_the_asked_dpi(layout: SheetLayout) -> None:
    sheet = sheet_to_print(layout, header(), exam_code=EXAM, secret=SECRET)
    for dpi, shape in ((200, (2339, 1654)), (100, (1169, 827)), (300, (3508, 2480))):
        img = render_page(layout, 1, header(), sheet.payloads[0], dpi)
        assert img.dtype == np.uint8 and img.shape == shape


@pytest.mark.parametrize("dpi", [200, 150])
def test_rendered_qr_decodes_independently_and_verifies(layout: SheetLayout, dpi: int) -> None:
    sheet = sheet_to_print(layout, header(), exam_code=EXAM, secret=SECRET)
    img = render_page(layout, 1, header(), sheet.payloads[0], dpi)
    text = decode_qr(img)
    assert text == sheet.payloads[0]
    verify(text, layout)
    found = sorted(zxingcpp.read_barcodes(img), key=lambda b: -b.position.top_left.x)
    assert len(found) == 2  # top right first, then bottom left
    for qr, code in zip(layout.pages[0].qr_codes, found, strict=True):
        xs = [code.position.top_left.x, code.position.bottom_right.x]
        ys = [code.position.top_left.y, code.position.bottom_right.y]
        assert abs(xs[0] - px(qr.x_mm, dpi)) <= 3 and abs(xs[1] - px(qr.right, dpi)) <= 3
        assert abs(ys[0] - px(qr.y_mm, dpi)) <= 3 and abs(ys[1] - px(qr.bottom, dpi)) <= 3


def test_every_bubble_and_fiducial_stands_where_the_layout_says(layout: SheetLayout) -> None:
    dpi = 200
    sheet = sheet_to_print(layout, header(), exam_code=EXAM, secret=SECRET)
    img = render_page(layout, 1, header(), sheet.payloads[0], dpi)
    for q in layout.pages[0].questions:
        for b in q.options:
            assert_bubble_printed(img, b, dpi)
    assert_fiducials_printed(img, layout, dpi)


def test_spare_sheet_prints_the_grid_and_no_candidate(spare_layout: SheetLayout) -> None:
    dpi = 200
    spare = SheetHeader(title=TITLE, spare_serial=42)
    sheet = sheet_to_print(spare_layout, spare, exam_code=EXAM, secret=SECRET)
    img = render_page(spare_layout, 1, spare, sheet.payloads[0], dpi)
    got = verify_payload(
        decode_qr(img), secret=SECRET, exam_code=EXAM, layout_hashes=[spare_layout.layout_hash]
    )
    assert got.admission_no is None and got.spare_serial == 42
    page = spare_layout.pages[0]
    assert page.admission_grid is not None
    for col in page.admission_grid.bubbles:
        for b in col:
            assert_bubble_printed(img, b, dpi)
    for box in page.admission_grid.write_boxes:
        assert region(img, box, dpi, inset_mm=0.5).min() >= 200, "write-in boxes start empty"
    for fld in (page.header.name, page.header.room, page.header.seat):
        assert region(img, fld.value_box, dpi, inset_mm=0.5).min() >= 200, fld.label


def test_pages_of_a_long_paper_each_carry_their_page_number(tmp_path: Path) -> None:
    long_layout = build_layout(LONG)
    assert len(long_layout.pages) == 2
    sheet = sheet_to_print(long_layout, header(), exam_code=EXAM, secret=SECRET)
    for page in long_layout.pages:
        img = render_page(long_layout, page.number, header(), sheet.payloads[page.number - 1], 150)
        got = verify_payload(
            decode_qr(img), secret=SECRET, exam_code=EXAM, layout_hashes=[long_layout.layout_hash]
        )
        assert (got.page, got.pages) == (page.number, 2)
        for q in page.questions[::7]:
            assert_bubble_printed(img, q.options[-1], 150)


def test_cached_static_parts_do_not_leak_between_candidates(layout: SheetLayout) -> None:
    a, b = header(1), header(2)
    pa = sheet_to_print(layout, a, exam_code=EXAM, secret=SECRET).payloads[0]
    pb = sheet_to_print(layout, b, exam_code=EXAM, secret=SECRET).payloads[0]
    first = render_page(layout, 1, a, pa, 120)
    other = render_page(layout, 1, b, pb, 120)
    again = render_page(layout, 1, a, pa, 120)
    assert np.array_equal(first, again)
    changed = np.argwhere(first != other)
    # Only the header values and the two QR codes differ between two candidates.
    qr2 = layout.pages[0].qr2
    low = changed[changed[:, 0] >= px(47, 120)]
    assert len(low) and low[:, 0].min() >= px(qr2.y_mm, 120) - 1
    assert low[:, 1].min() >= px(qr2.x_mm, 120) - 1 and low[:, 1].max() <= px(qr2.right, 120)


def test_pdf_holds_every_candidate_in_room_and_seat_order(
    tmp_path: Path, layout: SheetLayout
) -> None:
    heads = [header(i, room="10") for i in (10, 2, 1)] + [header(i, room="9") for i in (4, 3)]
    sheets = [sheet_to_print(layout, h, exam_code=EXAM, secret=SECRET) for h in heads]
    out = write_sheets_pdf(tmp_path / "sheets.pdf", layout, sheets)
    assert (out.sheets, out.pages, out.rooms) == (5, 7, ("9", "10"))
    doc = pdfium.PdfDocument(out.path)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    assert len(texts) == 7
    for i in range(len(doc)):
        w_pt, h_pt = doc[i].get_size()
        assert (round(w_pt * 25.4 / 72), round(h_pt * 25.4 / 72)) == (210, 297)
    cover9, s3, s4, cover10, s1, s2, s10 = texts
    assert "第 9 考场" in cover9 and "2 人" in cover9 and "202207003 – 202207004" in cover9
    assert "第 10 考场" in cover10 and "3 人" in cover10 and "202207001 – 202207010" in cover10
    for text, i in ((s3, 3), (s4, 4), (s1, 1), (s2, 2), (s10, 10)):
        assert f"王晓明{i}" in text and f"2022070{i:02d}" in text
        assert "请使用2B铅笔填涂" in text and "一、单项选择题" in text


def test_pdf_page_rasterised_is_scannable(tmp_path: Path, layout: SheetLayout) -> None:
    """The printed PDF, not just the raster: its QR decodes and its bubbles are in place."""
    sheets = [sheet_to_print(layout, header(7), exam_code=EXAM, secret=SECRET)]
    out = write_sheets_pdf(tmp_path / "one.pdf", layout, sheets, room_covers=False)
    dpi = 200
    page = pdfium.PdfDocument(out.path)[0]
    img = np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    assert img.shape == (2339, 1654)
    text = decode_qr(img)
    assert text == sheets[0].payloads[0]
    verify(text, layout)
    for q in layout.pages[0].questions[::3]:
        for b in q.options:
            assert_bubble_printed(img, b, dpi)
    assert_fiducials_printed(img, layout, dpi)


def test_pdf_embeds_a_subset_of_the_cjk_font(tmp_path: Path, layout: SheetLayout) -> None:
    sheets = [sheet_to_print(layout, header(), exam_code=EXAM, secret=SECRET)]
    out = write_sheets_pdf(tmp_path / "font.pdf", layout, sheets)
    data = out.path.read_bytes()
    assert b"/FontFile2" in data
    # A subset font's name carries a six-letter tag, and the file stays small.
    assert b"+WenQuanYi" in data or b"+Noto" in data
    assert len(data) < 400_000


def test_spare_pdf_has_no_room_cover(tmp_path: Path, spare_layout: SheetLayout) -> None:
    spares = [
        sheet_to_print(
            spare_layout, SheetHeader(title=TITLE, spare_serial=n), exam_code=EXAM, secret=SECRET
        )
        for n in range(1, 4)
    ]
    out = write_sheets_pdf(tmp_path / "spares.pdf", spare_layout, spares)
    assert (out.sheets, out.pages, out.rooms) == (3, 3, ())
    text = pdfium.PdfDocument(out.path)[1].get_textpage().get_text_range()
    assert "备用答题卡" in text and "000002" in text


def test_png_files_are_named_by_admission_number_and_page(tmp_path: Path) -> None:
    long_layout = build_layout(LONG)
    sheets = [sheet_to_print(long_layout, header(5), exam_code=EXAM, secret=SECRET)]
    paths = write_sheet_pngs(tmp_path, long_layout, sheets, dpi=100)
    assert [p.name for p in paths] == ["202207005-p1.png", "202207005-p2.png"]
    with Image.open(paths[1]) as im:
        assert im.size == (827, 1169) and im.mode == "L"


def test_payload_count_must_match_the_pages(tmp_path: Path, layout: SheetLayout) -> None:
    bad = SheetToPrint(header(), ())
    with pytest.raises(SheetMismatch, match="0 QR payloads for 1 pages"):
        write_sheets_pdf(tmp_path / "x.pdf", layout, [bad])


def test_a_qr_naming_someone_else_is_never_printed(tmp_path: Path, layout: SheetLayout) -> None:
    one = sheet_to_print(layout, header(1), exam_code=EXAM, secret=SECRET)
    two = sheet_to_print(layout, header(2), exam_code=EXAM, secret=SECRET)
    swapped = SheetToPrint(one.header, two.payloads)
    with pytest.raises(SheetMismatch, match="admission number") as err:
        write_sheets_pdf(tmp_path / "x.pdf", layout, [swapped])
    assert err.value.who == "202207001"
    with pytest.raises(SheetMismatch, match="admission number"):
        write_sheet_pngs(tmp_path, layout, [swapped])
    assert not list(tmp_path.iterdir())


def test_sheets_of_another_layout_or_exam_are_refused(tmp_path: Path, layout: SheetLayout) -> None:
    other_layout = build_layout(LONG)
    stale = sheet_to_print(other_layout, header(3), exam_code=EXAM, secret=SECRET)
    with pytest.raises(SheetMismatch, match="payloads for 1 pages"):
        write_sheets_pdf(tmp_path / "x.pdf", layout, [stale])
    mine = sheet_to_print(layout, header(4), exam_code=EXAM, secret=SECRET)
    theirs = sheet_to_print(layout, header(5), exam_code="ZJ2022", secret=SECRET)
    with pytest.raises(SheetMismatch, match="several exams"):
        write_sheets_pdf(tmp_path / "x.pdf", layout, [mine, theirs])
    garbage = SheetToPrint(header(6), ("hello",))
    with pytest.raises(SheetMismatch, match="not an answer-sheet QR code"):
        write_sheets_pdf(tmp_path / "x.pdf", layout, [garbage])


def test_missing_font_says_how_to_install_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: SheetLayout
) -> None:
    with pytest.raises(FontNotFound, match="apt-get install fonts-wqy-microhei"):
        find_cjk_font(tmp_path / "nope.ttc")
    monkeypatch.setenv(FONT_ENV_VAR, str(tmp_path / "missing.ttf"))
    with pytest.raises(FontNotFound, match=FONT_ENV_VAR):
        write_sheets_pdf(tmp_path / "x.pdf", layout, [])
    assert not (tmp_path / "x.pdf").exists()


def test_font_comes_from_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    system = find_cjk_font()
    monkeypatch.setenv(FONT_ENV_VAR, str(system.path))
    assert find_cjk_font().path == system.path


def test_payload_helper_signs_every_page(layout: SheetLayout) -> None:
    long_layout = build_layout(LONG)
    sheet = sheet_to_print(long_layout, header(), exam_code=EXAM, secret=SECRET)
    expected = [
        make_payload(
            exam_code=EXAM,
            admission_no="202207013",
            spare_serial=None,
            page=n,
            pages=2,
            layout_hash=long_layout.layout_hash,
            secret=SECRET,
        )
        for n in (1, 2)
    ]
    assert list(sheet.payloads) == expected


def test_a_candidate_sheet_prints_the_time_signature_and_absence_box(
    tmp_path: Path, layout: SheetLayout
) -> None:
    when = "2022年7月10日 09:00—11:00"
    h = SheetHeader(
        title=TITLE, name="王晓明", admission_no="202207001", room="1", seat="1", exam_date=when
    )
    sheet = sheet_to_print(layout, h, exam_code=EXAM, secret=SECRET)
    out = write_sheets_pdf(tmp_path / "one.pdf", layout, [sheet], room_covers=False)
    doc = pdfium.PdfDocument(out.path)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    for printed in ("考试时间", "2022年7月10日", "09:00—11:00", "考生签名", "缺考标记", "考生填涂"):
        assert printed in text, printed
    # The absence box is drawn empty where the layout puts it, the grid's bubbles too.
    img = render_page(layout, 1, h, sheet.payloads[0], 200)
    page = layout.pages[0]
    assert page.absence_mark is not None and page.admission_grid is not None
    for bubble in (page.absence_mark, page.admission_grid.bubbles[0][0]):
        r = bubble.rect
        inside = img[
            px(r.y_mm + 1, 200) : px(r.bottom - 1, 200), px(r.x_mm + 1, 200) : px(r.right - 1, 200)
        ]
        edge = img[px(r.y_mm, 200) - 1 : px(r.y_mm, 200) + 2, px(r.x_mm, 200) : px(r.right, 200)]
        assert inside.mean() > 200 and edge.min() < 100
