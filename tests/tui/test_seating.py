"""Rooms & invigilators: imported through the dialog, listed from the database."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from exam_center.services import venues
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.dialogs.import_file import ImportDialog
from exam_center.tui.screens.seating import SeatingScreen
from exam_center.tui.widgets.seat_grid import SeatGrid
from tests.tui.pilot_steps import drive, settle, sign_in
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
        assert app.screen is screen
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
