"""Start screen: the operator's name and role sign them in for auditing."""

from __future__ import annotations

from textual.widgets import Input, Static

from exam_center.services import audit
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.screens.dashboard import DashboardScreen
from exam_center.tui.screens.start import StartScreen
from tests.tui.pilot_steps import drive, settle, sign_in


@drive
async def test_signing_in_makes_the_operator_the_auditor(exam_workspace: Workspace) -> None:
    app = make_app(exam_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StartScreen)
        assert "JS2022" in str(screen.query_one("#start-exam", Static).render())
        assert app.check_action("goto", ("registration",)) is False  # no one signed in yet

        screen.query_one("#operator-name", Input).value = "  "
        await pilot.press("ctrl+s")
        assert app.screen is screen
        assert "请输入操作人姓名" in str(screen.query_one("#start-error", Static).render())

        await sign_in(pilot, "王扫描", Role.PROCTOR)
        assert isinstance(app.screen, DashboardScreen)
        assert app.sub_title == "王扫描 · 扫描员 proctor"
    assert exam_workspace.operator == "王扫描"
    with exam_workspace.session() as s:
        entries = audit.list_entries(session=s)
    assert [(e.action, e.operator, e.detail.get("role")) for e in entries] == [
        ("operator.sign_in", "王扫描", "proctor"),
        ("exam.init", "张考务", None),
        ("workspace.key", "exam-center", None),  # the workspace's key file, made at init
    ]
