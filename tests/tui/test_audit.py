"""Audit log: entries from the database, newest first; verification finds tampering."""

from __future__ import annotations

from sqlalchemy import text
from textual.widgets import DataTable, Input, Static

from exam_center.domain.vocabulary import action_label
from exam_center.services import audit
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.screens.audit import AuditScreen
from tests.tamper import drop_append_only
from tests.tui.pilot_steps import drive, settle, sign_in


def shown_actions(screen: AuditScreen) -> list[str]:
    table = screen.query_one("#audit-entries", DataTable)
    return [str(table.get_row_at(i)[3]) for i in range(table.row_count)]


@drive
async def test_entries_filter_and_verification(registered_workspace: Workspace) -> None:
    app = make_app(registered_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "李审计")
        await pilot.press("f9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        with registered_workspace.session() as s:
            entries = audit.list_entries(session=s)
        # Chinese first, the code's English gloss beside; the filter still takes the code.
        assert shown_actions(screen) == [action_label(e.action) for e in entries]
        assert shown_actions(screen)[0] == "登录 sign-in"
        detail = str(screen.query_one("#audit-detail", Static).render())
        assert detail.startswith("登录 sign-in\n") and "{" not in detail
        rooms = next(e for e in entries if e.action == "rooms.import")
        table = screen.query_one("#audit-entries", DataTable)
        table.move_cursor(row=table.get_row_index(str(rooms.id)))
        await settle(pilot)
        detail = str(screen.query_one("#audit-detail", Static).render())
        assert detail.startswith("导入考场 rooms imported\n") and "{" not in detail
        assert "文件 file: " in detail and "行数 rows: " in detail
        assert "文件: " in str(table.get_row_at(table.cursor_row)[4])

        await pilot.press("v")
        await settle(pilot)
        chain = str(screen.query_one("#chain-status", Static).render())
        assert "✓" in chain and f"{len(entries)} 条" in chain

        await pilot.press("slash")
        screen.query_one("#action-filter", Input).value = "rooms."
        await pilot.press("enter")
        await settle(pilot)
        assert shown_actions(screen) == ["导入考场 rooms imported"]

        tampered = next(e.id for e in entries if e.action == "rooms.import")
        with registered_workspace.engine.begin() as conn:
            drop_append_only(conn)
            conn.execute(
                text("UPDATE auditentry SET operator = '某人' WHERE id = :id"), {"id": tampered}
            )
        await pilot.press("v")
        await settle(pilot)
        chain = str(screen.query_one("#chain-status", Static).render())
        assert "✗" in chain and f"审计日志第 {tampered} 条被改动" in chain
        table = screen.query_one("#audit-entries", DataTable)
        assert str(table.get_row_at(table.cursor_row)[0]) == str(tampered)
