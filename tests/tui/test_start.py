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
        assert "请输入账户名和密码" in str(screen.query_one("#start-error", Static).render())

        screen.query_one("#operator-name", Input).value = "王扫描"
        screen.query_one("#operator-password", Input).value = "wrong-password"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # a wrong password signs nobody in, and says so
        assert "登录失败" in str(screen.query_one("#start-error", Static).render())

        await sign_in(pilot, "王扫描", Role.PROCTOR)
        assert isinstance(app.screen, DashboardScreen)
        assert app.sub_title == "王扫描 (王扫描 · 扫描员)"  # the roles are the account's
    assert exam_workspace.operator == "王扫描"
    with exam_workspace.session() as s:
        entries = audit.list_entries(session=s)
    assert [(e.action, e.operator) for e in entries] == [
        ("account.sign_in", "王扫描"),
        ("users.add", "考试管理员"),  # the test's administrator made the account
        ("account.sign_in_failed", "王扫描"),  # the wrong password, recorded
        ("exam.init", "张考务"),
        ("workspace.key", "exam-center"),  # the workspace's key file, made at init
    ]
