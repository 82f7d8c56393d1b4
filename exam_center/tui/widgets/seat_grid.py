"""One room's seats drawn as the room stands: the front (讲台) at the top, row 1 nearest
it, column 1 on the door side (drawn on the left, with the door marked). Each seat is
its number and the candidate's name on the colour of their team; unusable seats are
crossed out, free seats dotted. Seat numbers follow the seating library's snake order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

import seating
from exam_center.services.seating import RoomView, SeatView
from exam_center.tui.widgets.team_colours import TeamColours

MARGIN = 8  # door mark and row label: "门┃ 1排 "
MIN_CELL, MAX_CELL = 5, 12

FRONT = Style(color="black", bgcolor="#c8b88a", bold=True)
DOOR = Style(color="#e5a50a", bold=True)
LABEL = Style(dim=True)
UNUSABLE = Style(color="#9a9a9a", bgcolor="#3a3a3a", strike=True)
FREE = Style(color="#7a7a7a")


@dataclass(frozen=True)
class RoomDrawing:
    """What the grid shows; `seats` empty for a room the plan does not use."""

    room: RoomView
    colours: TeamColours


def cell_width(available: int, cols: int) -> int:
    return max(MIN_CELL, min(MAX_CELL, (available - MARGIN) // max(cols, 1)))


def _cell(text: str, width: int) -> str:
    # One column of space between cells; wide (Chinese) characters count double.
    return set_cell_size(text, width - 1) + " "


def draw_room(drawing: RoomDrawing, available: int = 80) -> Text:
    room = drawing.room
    width = cell_width(available, room.cols)
    geometry = seating.Room(room.code, room.rows, room.cols, frozenset(room.unusable))
    by_number = {s.seat: s for s in room.seats}
    out = Text(no_wrap=True, overflow="crop")
    grid_width = width * room.cols
    front = " 讲台 front "
    pad = max(0, grid_width - 1 - cell_len(front))
    out.append(" " * MARGIN)
    out.append("━" * (pad // 2) + front + "━" * (pad - pad // 2), FRONT)
    out.append("\n" + " " * MARGIN)
    for col in range(1, room.cols + 1):
        out.append(_cell(f"{col}列".center(width - 1), width), LABEL)
    for row in range(1, room.rows + 1):
        out.append("\n")
        out.append("门" if row == 1 else "  ", DOOR)
        out.append("┃", DOOR)
        out.append(f"{row:>2}排  "[: MARGIN - 3], LABEL)
        for col in range(1, room.cols + 1):
            number = seating.seat_number(geometry, row, col)
            seat = by_number.get(number)
            if number in room.unusable:
                out.append(_cell(f"{number:02d} 不可用", width), UNUSABLE)
            elif seat is not None:
                out.append(
                    _cell(f"{number:02d} {seat.name}", width), drawing.colours.style(seat.team)
                )
            else:
                out.append(_cell(f"{number:02d} ·", width), FREE)
    out.append("\n")
    out.append("  ┃ ", DOOR)
    out.append("门侧 door side: 第1列 column 1", LABEL)
    return out


def team_legend(seats: tuple[SeatView, ...], colours: TeamColours) -> Text:
    """Each team in the room with its colour and head count, most first."""
    out = Text()
    for team, count in Counter(s.team for s in seats).most_common():
        if out:
            out.append("  ")
        out.append(f" {team} {count} ", colours.style(team))
    return out


class SeatGrid(Static):
    DEFAULT_CSS = """
    SeatGrid {
        border: round $surface-lighten-2;
        border-title-color: $text;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        width: 1fr;
        height: auto;
        min-height: 5;
    }
    """

    drawing: RoomDrawing | None = None

    def show(self, drawing: RoomDrawing | None, note: str = "") -> None:
        self.drawing = drawing
        if drawing is None:
            self.border_title = "座位图 Seat grid"
            self.border_subtitle = ""
            self.update("尚未编排座位：按 s 编排 (nobody seated yet: press s to seat)")
            return
        room = drawing.room
        used = note or (f"{len(room.seats)} 人" if room.seats else "未使用 not used by the plan")
        self.border_title = f"第{room.code}考场 Room {room.code}"
        self.border_subtitle = f"{room.rows}排×{room.cols}列 · {used}"
        self.update(draw_room(drawing, self.content_size.width or 80))

    def on_resize(self) -> None:
        if self.drawing is not None:
            self.update(draw_room(self.drawing, self.content_size.width or 80))
