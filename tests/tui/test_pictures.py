"""The pictures the screens draw from data: the question cut from a real overlay (on a
candidate's sheet and on a spare sheet, whose layouts differ), half blocks, the score
histogram, the seat grid's seat numbers."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from rich.style import Style

from exam_center.services import review, seating, sheets
from exam_center.services.seating import RoomView, SeatView
from exam_center.services.workspace import Workspace
from exam_center.tui.widgets.histogram import bin_counts, draw_histogram
from exam_center.tui.widgets.seat_grid import RoomDrawing, draw_room
from exam_center.tui.widgets.sheet_image import (
    PagePicture,
    half_blocks,
    load_crop,
    question_boxes,
)
from exam_center.tui.widgets.team_colours import TeamColours


def test_the_question_is_found_on_candidate_and_spare_sheets(
    scanned_workspace: Workspace,
) -> None:
    with scanned_workspace.session() as s:
        items = review.open_items(session=s)
        layout = sheets.layout_json(session=s)
    spare = {i.item_id for i in items if "spare-" in Path(i.file).name}
    assert spare == {i.item_id for i in items if i.spare}  # the service says which layout
    assert spare and len(spare) < len(items)  # the demo's spare sheet has a flagged question
    for item in items:
        assert item.question is not None
        places = question_boxes(layout, item.question)
        assert len(places) == 2  # candidate's layout first, then the spare's
        with Image.open(item.overlay) as image:
            page = PagePicture(image, (210.0, 297.0))
        red = [page.redness(box) for box, _ in places]
        # The overlay marks the question at the sheet's own place. (The other layout's rows
        # sit only 1.25 mm off, so its box is about as red: the crop goes by `spare`.)
        own = 1 if item.item_id in spare else 0
        assert red[own] > 0.5 * max(red), (item, red)
    crop = load_crop(
        items[0].overlay, layout, kind="question", question=items[0].question, width=60
    )
    assert crop.picture.cell_len <= 60 * 12 and "▀" in crop.picture.plain
    assert crop.labels is not None and set(crop.labels.plain.split()) == set(items[0].labels)


def test_half_blocks_put_two_pixel_rows_in_a_line() -> None:
    image = Image.new("RGB", (3, 4), (255, 255, 255))
    image.putpixel((0, 0), (255, 0, 0))
    image.putpixel((0, 1), (0, 0, 255))
    text = half_blocks(image)
    assert text.plain == "▀▀▀\n▀▀▀"
    first = text.spans[0].style
    assert isinstance(first, Style)
    assert first.color is not None and first.color.triplet == (255, 0, 0)
    assert first.bgcolor is not None and first.bgcolor.triplet == (0, 0, 255)


def test_histogram_counts_every_total_once() -> None:
    totals = [0.0, 12.5, 99.9, 100.0, 55.0, 55.5]
    counts = bin_counts(totals, 100.0, 20)
    assert sum(counts) == len(totals)
    assert counts[0] == 1 and counts[2] == 1 and counts[11] == 2 and counts[19] == 2
    lines = draw_histogram(totals, top=100.0, height=4).plain.split("\n")
    assert len(lines) == 1 + 4 + 1  # counts, bars, axis


def test_seat_numbers_snake_from_the_door_side_front(printed_workspace: Workspace) -> None:
    with printed_workspace.session() as s:
        view = seating.seating_view(session=s)
    assert view is not None
    room = view.rooms[0]
    lines = draw_room(RoomDrawing(room, TeamColours()), available=100).plain.split("\n")
    assert "讲台" in lines[0]
    rows = [line for line in lines if "排" in line]
    assert len(rows) == room.rows
    # Column 1 runs front to back, column 2 back to front (the seating library's snake).
    assert rows[0].split("排")[1].split()[0] == "01"
    assert f"{2 * room.rows:02d}" in rows[0] and f"{room.rows + 1:02d}" in rows[-1]
    seat: SeatView = room.seats[0]
    unusable = RoomView("X", "", 2, 2, (3,), (seat,))
    drawn = draw_room(RoomDrawing(unusable, TeamColours()), available=60).plain
    assert "03 不可用" in drawn and f"{seat.seat:02d} {seat.name}"[:5] in drawn
