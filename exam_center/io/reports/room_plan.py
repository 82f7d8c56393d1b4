"""One room's seat plan on a landscape page, as the room stands seen from above: the
front (讲台) at the top, row 1 nearest it, column 1 on the door side drawn on the left
with the door beside seat 1, which the snake numbering puts at the front by the door.

Each seat carries its team as a pattern in a band down its left edge as well as in
words, with a legend below the room, so the plan reads the same printed in black and
white. Unusable seats are crossed out and marked 不可用; free seats say 空座."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from fpdf import FPDF

import seating
from exam_center.io.reports.pdf import fitted
from exam_center.services.seating import RoomView

Hatch = Callable[[FPDF, float, float, float, float], None]
BAND = 6.0  # mm: the pattern band down a seat's left edge


def _lines(dx: float, dy: float, step: float) -> Hatch:
    """Parallel lines in direction (dx, dy), `step` mm apart, clipped to the box."""

    def draw(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
        reach = w + h
        with pdf.rect_clip(x, y, w, h):
            offset = -reach
            while offset <= reach:
                # Lines through points spread along the normal (-dy, dx) of the direction.
                cx, cy = x + w / 2 - dy * offset, y + h / 2 + dx * offset
                pdf.line(cx - dx * reach, cy - dy * reach, cx + dx * reach, cy + dy * reach)
                offset += step

    return draw


def _both(a: Hatch, b: Hatch) -> Hatch:
    def draw(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
        a(pdf, x, y, w, h)
        b(pdf, x, y, w, h)

    return draw


def _dots(step: float) -> Hatch:
    def draw(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
        pdf.set_fill_color(0)
        row = 0
        cy = y + step / 2
        while cy < y + h:
            cx = x + step / 2 + (step / 2 if row % 2 else 0)
            while cx < x + w:
                pdf.circle(cx, cy, 0.45, style="F")
                cx += step
            cy += step
            row += 1

    return draw


def _solid(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
    pdf.set_fill_color(0)
    pdf.rect(x, y, w, h, style="F")


def _blank(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
    """No pattern at all: one team may go without, the legend still names it."""


D = 0.7071
SLASH, BACKSLASH = _lines(D, -D, 1.6), _lines(D, D, 1.6)
ACROSS, DOWN = _lines(1, 0, 1.4), _lines(0, 1, 1.4)
# Distinct in black and white: line directions, densities, crossings, dots and solid.
PATTERNS: tuple[Hatch, ...] = (
    SLASH,
    ACROSS,
    _dots(1.6),
    BACKSLASH,
    DOWN,
    _both(SLASH, BACKSLASH),
    _both(ACROSS, DOWN),
    _solid,
    _lines(D, -D, 3.2),
    _lines(1, 0, 3.0),
    _dots(3.0),
    _lines(D, D, 3.2),
    _lines(0, 1, 3.0),
    _both(_lines(D, -D, 3.2), _lines(D, D, 3.2)),
    _both(_lines(1, 0, 3.0), _lines(0, 1, 3.0)),
    _blank,
)


def team_patterns(room: RoomView) -> dict[str, Hatch]:
    """The room's teams, most seats first, each with its own pattern."""
    counts = Counter(s.team for s in room.seats)
    teams = sorted(counts, key=lambda t: (-counts[t], t))
    return {t: PATTERNS[i % len(PATTERNS)] for i, t in enumerate(teams)}


def _swatch(pdf: FPDF, pattern: Hatch, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pattern(pdf, x, y, w, h)
    pdf.set_line_width(0.3)
    pdf.rect(x, y, w, h)


def _cross(pdf: FPDF, x: float, y: float, w: float, h: float) -> None:
    pdf.set_line_width(0.4)
    pdf.line(x, y, x + w, y + h)
    pdf.line(x, y + h, x + w, y)
    pdf.set_line_width(0.3)


def _text(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float,
    *,
    boxed: bool = False,
) -> None:
    fitted(pdf, text, w, size)
    pdf.set_xy(x, y)
    if boxed:
        # White behind the words, so a cross through the seat does not strike them out.
        width = pdf.get_string_width(text) + 3
        pdf.set_fill_color(255)
        pdf.set_xy(x + (w - width) / 2, y)
        pdf.cell(width, h, text, align="C", fill=True)
        return
    pdf.cell(w, h, text, align="C")


def _door(pdf: FPDF, wall_x: float, y: float, height: float) -> None:
    """A gap in the left wall beside row 1, its leaf swung into the room, labelled 门."""
    pdf.set_draw_color(255)
    pdf.set_line_width(1.2)
    pdf.line(wall_x, y, wall_x, y + height)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.4)
    hinge, r = y + height, min(height * 0.8, 12.0)
    pdf.line(wall_x, hinge, wall_x - r, hinge)
    pdf.arc(wall_x - r, hinge - r, 2 * r, 180, 270)
    pdf.set_font("cjk", "B", 14)
    pdf.set_xy(wall_x - r - 12, y + height / 2 - 6)
    pdf.cell(11, 7, "门", align="C")
    pdf.set_font("cjk", "", 8)
    pdf.set_xy(wall_x - r - 13, y + height / 2 + 1)
    pdf.cell(13, 4, "(前门)", align="C")
    pdf.set_line_width(0.3)


def draw_room_plan(pdf: FPDF, room: RoomView, *, top: float) -> None:
    left, right, bottom = 34.0, pdf.w - 14.0, pdf.h - 42.0
    width = right - left
    front = 9.0
    grid_top = top + front + 4
    cw = width / room.cols
    ch = min((bottom - grid_top) / room.rows, 30.0)
    grid_bottom = grid_top + ch * room.rows
    # The walls, then the door in the left wall at the front.
    pdf.set_draw_color(0)
    pdf.set_line_width(0.6)
    pdf.rect(left - 4, top - 2, width + 8, grid_bottom - top + 6)
    pdf.set_line_width(0.3)
    _door(pdf, left - 4, grid_top, ch)
    pdf.set_font("cjk", "B", 12)
    pdf.set_xy(left + width / 4, top)
    pdf.cell(width / 2, front, "讲  台（前）", border=1, align="C")
    geometry = seating.Room(room.code, room.rows, room.cols, frozenset(room.unusable))
    by_number = {s.seat: s for s in room.seats}
    patterns = team_patterns(room)
    for r in range(1, room.rows + 1):
        for c in range(1, room.cols + 1):
            number = seating.seat_number(geometry, r, c)
            x, y, w, h = left + (c - 1) * cw + 1, grid_top + (r - 1) * ch + 1, cw - 2, ch - 2
            pdf.set_draw_color(0)
            pdf.rect(x, y, w, h)
            seat = by_number.get(number)
            tx, tw = x + BAND + 1, w - BAND - 2
            pdf.set_font("cjk", "B", 9)
            pdf.set_xy(tx, y + 1)
            pdf.cell(tw, 5, f"{number:02d}", align="L")
            if number in room.unusable:
                pdf.set_draw_color(110)
                _cross(pdf, x, y, w, h)
                pdf.set_draw_color(0)
                pdf.set_font("cjk", "B", 11)
                _text(pdf, tx, y + h / 2 - 3.5, tw, 7, "不可用", 11, boxed=True)
                continue
            if seat is None:
                pdf.set_font("cjk", "", 10)
                _text(pdf, tx, y + h / 2 - 3.5, tw, 7, "空座", 10)
                continue
            _swatch(pdf, patterns[seat.team], x, y, BAND, h)
            pdf.set_font("cjk", "", 8)
            pdf.set_xy(tx, y + 1)
            pdf.cell(tw, 5, seat.team, align="R")
            pdf.set_font("cjk", "B", 12)
            _text(pdf, tx, y + h / 2 - 3.5, tw, 7, seat.name, 12)
            pdf.set_font("cjk", "", 8)
            _text(pdf, tx, y + h - 6, tw, 5, seat.admission_no, 8)
    _legend(pdf, room, patterns, left - 4, grid_bottom + 6, width + 8)


def _legend(
    pdf: FPDF, room: RoomView, patterns: dict[str, Hatch], x0: float, y0: float, width: float
) -> None:
    """图例: each team's pattern, name and head count, then the unusable and free marks."""
    counts = Counter(s.team for s in room.seats)
    entries: list[tuple[Hatch | None, str]] = [
        (pattern, f"{team} {counts[team]}人") for team, pattern in patterns.items()
    ]
    free = room.rows * room.cols - len(room.unusable) - len(room.seats)
    if room.unusable:
        entries.append((None, f"不可用 {len(room.unusable)}"))
    if free:
        entries.append((None, f"空座 {free}"))
    pdf.set_font("cjk", "B", 9)
    pdf.set_xy(x0, y0)
    pdf.cell(12, 6, "图例")
    step = (width - 12) / 8
    for i, (pattern, label) in enumerate(entries):
        x = x0 + 12 + (i % 8) * step
        y = y0 + (i // 8) * 7
        if pattern is not None:
            _swatch(pdf, pattern, x, y + 0.5, 8, 5)
        else:
            pdf.set_draw_color(0)
            pdf.rect(x, y + 0.5, 8, 5)
            if label.startswith("不可用"):
                _cross(pdf, x, y + 0.5, 8, 5)
        pdf.set_font("cjk", "", 9)
        pdf.set_xy(x + 9, y)
        pdf.cell(step - 10, 6, label)
    pdf.set_font("cjk", "", 8)
    pdf.set_xy(x0, y0 + 7 * ((len(entries) + 7) // 8) + 1)
    pdf.cell(
        width,
        5,
        "俯视图：讲台在上，第 1 排最靠讲台；第 1 列在门一侧。座号按蛇形排列，1 号在前门旁。"
        "每个座位左侧花纹表示设区市，黑白打印亦可区分。",
    )
