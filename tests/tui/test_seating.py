"""Rooms & seating: rooms and invigilators imported through the dialog; the seat grid
drawn from the plan in the database; re-seating refused after the sheets were printed
unless forced with a reason; the room documents printed."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Static

from exam_center.services import audit, seating, venues
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.dialogs.import_file import ImportDialog
from exam_center.tui.dialogs.reseat import ReseatDialog
from exam_center.tui.screens.seating import SeatingScreen
from exam_center.tui.widgets.seat_grid import SeatGrid
from tests.tui.pilot_steps import drive, settle, shown, sign_in
from tests.tui.scenes import Inputs


async def import_file(pilot, key: str, path: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ImportDialog)
    pilot.app.screen.query_one("#import-path", Input).value = path
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


@drive
async def test_rooms_and_invigilators_import_through_the_dialog(
    exam_workspace: Workspace, inputs: Inputs
) -> None:
    app = make_app(exam_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SeatingScreen)
        assert "尚未编排" in str(screen.query_one("#seat-grid", SeatGrid).render())
        await import_file(pilot, "r", str(inputs.rooms))
        await import_file(pilot, "v", str(inputs.invigilators))
        assert shown(app) is screen
        with exam_workspace.session() as s:
            rooms = venues.list_rooms(session=s)
            people = venues.list_invigilators(session=s)
        assert len(rooms) == 3 and len(people) == 9
        room_table = screen.query_one("#rooms", DataTable)
        assert [str(room_table.get_row_at(i)[0]) for i in range(room_table.row_count)] == [
            r.code for r in rooms
        ]
        assert screen.query_one("#invigilators", DataTable).row_count == len(people)
        seats = sum(r.capacity for r in rooms)
        assert f"共 {seats} 座" in str(screen.query_one("#rooms-title", Static).render())


@drive
async def test_reseating_after_printing_is_refused_unless_forced_with_a_reason(
    printed_workspace: Workspace,
) -> None:
    ws = printed_workspace
    with ws.session() as s:
        before = seating.seating_view(session=s)
    assert before is not None
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "张考务")
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SeatingScreen)
        grid = screen.query_one("#seat-grid", SeatGrid)
        drawn = str(grid.render())
        room = before.rooms[0]
        assert "讲台 front" in drawn and "门" in drawn and "1排" in drawn
        assert all(f"{seat.seat:02d} {seat.name}" in drawn for seat in room.seats)
        assert f"Room {room.code}" in str(grid.border_title)

        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReseatDialog)
        assert dialog.query_one("#printed-warning").display
        dialog.query_one("#seed", Input).value = "99"
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = str(dialog.query_one("#reseat-status", Static).render())
        assert "refused" in status and "answer sheets were printed" in status
        with ws.session() as s:
            unchanged = seating.seating_view(session=s)
        assert unchanged == before

        dialog.query_one("#force", Checkbox).value = True
        await pilot.press("ctrl+s")  # forced, but with no reason yet
        await settle(pilot)
        assert "needs a reason" in str(dialog.query_one("#reseat-status", Static).render())
        dialog.query_one("#reason", Input).value = "02考场空调故障，换场"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
        with ws.session() as s:
            after = seating.seating_view(session=s)
            entry = audit.list_entries(session=s, action="seating.assign", limit=1)[0]
        assert after is not None and after.seed == 99
        assert [r.seats for r in after.rooms] != [r.seats for r in before.rooms]
        assert (entry.operator, entry.detail["forced"], entry.detail["reason"]) == (
            "张考务",
            True,
            "02考场空调故障，换场",
        )
        redrawn = str(grid.render())
        assert all(f"{seat.seat:02d} {seat.name}" in redrawn for seat in after.rooms[0].seats)

        await pilot.press("p")
        await settle(pilot)
        with ws.session() as s:
            printed = audit.list_entries(session=s, action="print.rooms", limit=1)[0]
        assert printed.detail["plan"] == after.fingerprint
        assert printed.operator == "张考务"
        assert (ws.path / "print" / "rooms" / "考场座位图.pdf").stat().st_size > 0
