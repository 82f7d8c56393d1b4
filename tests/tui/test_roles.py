"""Roles: what a proctor and a results officer cannot reach, and switching operator."""

from __future__ import annotations

from exam_center.services import audit
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.commands import ExamCommands
from exam_center.tui.context import Role
from exam_center.tui.screens.registration import RegistrationScreen
from exam_center.tui.screens.seating import SeatingScreen
from exam_center.tui.screens.start import StartScreen
from tests.tui.pilot_steps import drive, settle, sign_in


@drive
async def test_a_proctor_and_a_results_officer_cannot_import(
    registered_workspace: Workspace,
) -> None:
    app = make_app(registered_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王扫描", Role.PROCTOR)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        assert screen.check_action("import_roster", ()) is None  # shown greyed out
        await pilot.press("i")
        await settle(pilot)
        assert app.screen is screen  # no dialog
        await screen.run_action("import_roster")  # nor through a direct call
        assert app.screen is screen
        assert app.check_action("goto", ("results",)) is None  # F8 greyed out
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is screen
        titles = [title for title, _, _ in ExamCommands(screen).commands()]
        assert "前往 成绩 Results" not in titles
        assert "导入报名表 Import roster" not in titles
        assert "搜索考生 Search candidates" in titles

        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        await pilot.press("f4", "r", "v")
        await settle(pilot)
        seating = app.screen
        assert isinstance(seating, SeatingScreen)  # neither key opened a dialog
        assert seating.check_action("import_rooms", ()) is None
        assert seating.check_action("import_invigilators", ()) is None
    assert registered_workspace.operator == "赵成绩"
    with registered_workspace.session() as s:
        entries = audit.list_entries(session=s, action="account.sign_in")
    signed = [e.operator for e in entries]
    assert signed == ["赵成绩", "王扫描"]  # newest first
