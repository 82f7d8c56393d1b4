"""What an answer sheet looks like: the drawing of a page (and a room's cover page)
from its `PageLayout`, onto any `Canvas`.

`draw_static` paints everything that is the same for every candidate (so the
raster renderer can cache it), `draw_candidate` the header values; the QR is
added by the caller. Bubbles are a dark ring with the option letter small and
light grey inside, so an unmarked bubble reads near-white.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scans.layout import AdmissionGrid, Bubble, HeaderField, PageLayout, Rect, SheetLayout
from scans.render.canvas import INK, Canvas

__all__ = ["SheetHeader", "draw_candidate", "draw_room_cover", "draw_static"]

# Ink levels (0 black .. 255 white).
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
    # The sitting as printed: a date, or a date and the time (ExamInfo.when, e.g.
    # "2022年7月10日 09:00—11:00").
    exam_date: str | None = None
    spare_serial: int | None = None


BUBBLE_RADIUS = 0.0  # square corners: a rounded rectangle costs fpdf2 7x the time and bytes
RING_WIDTH = 0.25
OPTION_TEXT = 2.0
NUMBER_TEXT = 2.7
NUMBER_GAP = 1.2  # between a question number and its first bubble
LABEL_TEXT = 3.0
VALUE_TEXT = 3.8
TRUEFALSE_MARKS = {"A": "对", "B": "错"}


def draw_static(
    c: Canvas, layout: SheetLayout, page: PageLayout, title: str, exam_date: str | None
) -> None:
    """Everything on the page that is the same for every candidate of the exam."""
    h = page.header
    pages = len(layout.pages)
    for f in page.fiducials:
        c.rect(f, fill=INK)

    heading = f"{title}  {'备用答题卡' if layout.spare else '答题卡'}"
    size = c.metrics.fit_size(heading, 5.0, h.title.w_mm)
    c.text(h.title.centre[0], h.title.centre[1], heading, size_mm=size, align="center")

    fields = [h.name, h.admission_no, h.room, h.seat, h.page_label, h.spare_serial, h.signature]
    for fld in fields:
        if fld is not None:
            _draw_field_boxes(c, fld)
    pv = h.page_label.value_box
    page_text = f"第 {page.number} 页 / 共 {pages} 页"
    if pv.w_mm < 25:  # the compact table of a candidate's page 1
        page_text = page_text.replace(" ", "")
    c.text(
        pv.x_mm + 1.5,
        pv.centre[1],
        page_text,
        size_mm=c.metrics.fit_size(page_text, 3.2, pv.w_mm - 2.5),
    )

    _draw_instructions(c, h.instructions, spare=layout.spare, first=h.signature is not None)
    _draw_fill_example(c, h.fill_example)
    if page.admission_grid is not None:
        _draw_admission_grid(c, page.admission_grid, spare=layout.spare)
    if h.absence is not None and page.absence_mark is not None:
        _draw_absence_box(c, h.absence, page.absence_mark)
    if h.exam_time is not None:
        _draw_exam_time(c, h.exam_time, exam_date)

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
    if exam_date:
        # The sitting on every page, right; the notice keeps to the left of it.
        c.text(f.x_mm, f.centre[1], notice, size_mm=2.5, gray=LINE)
        c.text(f.right, f.centre[1], f"考试时间 {exam_date}", size_mm=2.6, align="right")
    else:
        c.text(f.centre[0], f.centre[1], notice, size_mm=2.5, gray=LINE, align="center")


def draw_candidate(c: Canvas, layout: SheetLayout, page: PageLayout, header: SheetHeader) -> None:
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


def _draw_field_boxes(c: Canvas, fld: HeaderField) -> None:
    c.rect(fld.label_box, fill=LABEL_FILL, stroke=LINE, width_mm=0.2)
    c.rect(fld.value_box, stroke=LINE, width_mm=0.2)
    size = c.metrics.fit_size(fld.label, LABEL_TEXT, fld.label_box.w_mm - 2)
    cx, cy = fld.label_box.centre
    c.text(cx, cy, fld.label, size_mm=size, align="center")


def _draw_instructions(c: Canvas, r: Rect, *, spare: bool, first: bool = False) -> None:
    c.rect(r, stroke=LINE, width_mm=0.2)
    if first and not spare:
        lines = [
            "1. 核对姓名、准考证号、考场、座位号后签名；请使用2B铅笔填涂准考证号和答案。",
            "2. 修改时用橡皮擦干净，保持整洁、不要折叠。缺考标记由监考员填涂，考生禁填。",
        ]
    elif spare:
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


def _draw_fill_example(c: Canvas, r: Rect) -> None:
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


def _draw_bubble(c: Canvas, b: Bubble, mark: str) -> None:
    c.rect(b.rect, stroke=RING, width_mm=RING_WIDTH, radius_mm=BUBBLE_RADIUS)
    size = OPTION_TEXT if len(mark) == 1 and mark.isascii() else OPTION_TEXT * 1.05
    c.text(b.x_mm, b.y_mm, mark, size_mm=size, gray=FAINT, align="center")


def _draw_sections(c: Canvas, page: PageLayout) -> None:
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


def _draw_admission_grid(c: Canvas, grid: AdmissionGrid, *, spare: bool = True) -> None:
    c.rect(grid.frame, stroke=LINE, width_mm=0.25)
    c.rect(grid.label, fill=LABEL_FILL, stroke=LINE, width_mm=0.2)
    cx, cy = grid.label.centre
    label = "准考证号" if spare else "准考证号（考生填涂）"
    size = c.metrics.fit_size(label, 3.0, grid.label.w_mm - 2)
    c.text(cx, cy, label, size_mm=size, align="center")
    for box in grid.write_boxes:
        c.rect(box, stroke=LINE, width_mm=0.2)
    for column in grid.bubbles:
        for b in column:
            _draw_bubble(c, b, b.label)


def _draw_absence_box(c: Canvas, fld: HeaderField, mark: Bubble) -> None:
    """The 缺考标记 box: a label and one empty bubble (nothing inside it to measure)."""
    _draw_field_boxes(c, fld)
    c.rect(mark.rect, stroke=RING, width_mm=RING_WIDTH, radius_mm=BUBBLE_RADIUS)


def _draw_exam_time(c: Canvas, r: Rect, when: str | None) -> None:
    """The sitting under the QR code: 考试时间, the day, the hours (``when`` split at its space)."""
    c.rect(r, stroke=LINE, width_mm=0.2)
    band = Rect(r.x_mm, r.y_mm, r.w_mm, 5.0)
    c.rect(band, fill=LABEL_FILL, stroke=LINE, width_mm=0.2)
    c.text(band.centre[0], band.centre[1], "考试时间", size_mm=3.0, align="center")
    parts = (when or "").split(" ", 1)
    y = band.bottom + 3.2
    for part in parts:
        if part:
            size = c.metrics.fit_size(part, 3.4, r.w_mm - 2)
            c.text(r.centre[0], y, part, size_mm=size, align="center")
        y += 5.5


def draw_room_cover(
    c: Canvas, layout: SheetLayout, room: str, sheets: Sequence[SheetHeader]
) -> None:
    """The cover page in front of a room's bundle of sheets (not itself a sheet), whose
    headers come in seat order."""
    first = sheets[0]
    numbers = sorted(h.admission_no for h in sheets if h.admission_no)
    seats = [h.seat for h in sheets if h.seat]
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
        rows.append(("考试时间", first.exam_date))
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
