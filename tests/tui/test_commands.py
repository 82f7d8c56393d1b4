"""The command palette offers the screens and the current screen's enabled commands."""

from __future__ import annotations

from textual.widgets import Input

from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.commands import ExamCommands
from exam_center.tui.dialogs.import_file import ImportDialog
from exam_center.tui.screens.seating import SeatingScreen
from tests.tui.pilot_steps import drive, settle, sign_in


@drive
async def test_palette_navigates_and_runs_screen_commands(exam_workspace: Workspace) -> None:
    app = make_app(exam_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        titles = [title for title, _, _ in ExamCommands(app.screen).commands()]
        # Staff register and seat; scanning, review and results are other roles'.
        assert titles[:4] == [
            "前往 总览 Dashboard",
            "前往 报名 Registration",
            "前往 考场 Rooms",
            "前往 审计 Audit",
        ]

        await pilot.press("ctrl+p")
        await settle(pilot)
        app.screen.query_one(Input).value = "考场 Rooms"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SeatingScreen)

        await pilot.press("ctrl+p")
        await settle(pilot)
        app.screen.query_one(Input).value = "导入监考"
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ImportDialog)
