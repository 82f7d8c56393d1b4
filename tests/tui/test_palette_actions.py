"""Every action of every role from the command palette, wherever one stands: searched in
Chinese or English, run on its screen through the real services (the files written, the
audit log by the signed-in account), refused with the reason (仅限成绩管理 …) for a role
that may not use it; a greyed-out key pressed says the reason too."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from exam_center.db.models import Exam, PrintRun
from exam_center.services import audit
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.commands import ExamCommands
from exam_center.tui.context import Role
from exam_center.tui.dialogs.confirm import ConfirmDialog
from exam_center.tui.screens.dashboard import DashboardScreen
from exam_center.tui.screens.registration import RegistrationScreen
from exam_center.tui.screens.results import ResultsScreen
from exam_center.tui.screens.seating import SeatingScreen
from tests.exam_center.graded_exam import graded_exam
from tests.tui.pilot_steps import drive, ensure_account, second_officer, settle, shown, sign_in


@pytest.fixture
def graded(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    """30 candidates seated, read and marked; ready to finalise."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path)
    return ws


async def found(app: object, query: str) -> dict[str, str]:
    """The palette's hits for `query`: title -> help (a refused one's help is the reason)."""
    provider = ExamCommands(app.screen)  # type: ignore[attr-defined]
    return {str(hit.text): str(hit.help) async for hit in provider.search(query)}


async def from_palette(pilot: Pilot[None], query: str) -> None:
    """Open the palette, type `query`, take the first hit, as a person would."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    palette = shown(pilot.app)
    assert isinstance(palette, CommandPalette)
    palette.query_one(Input).value = query
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(pilot)


def said(app: object) -> str:
    """Every notification shown so far, one text."""
    return "\n".join(
        f"{n.title}: {n.message}"
        for n in app._notifications  # type: ignore[attr-defined]
    )


def finalised(ws: Workspace) -> bool:
    with ws.session() as s:
        return s.exec(select(Exam)).one().finalised_at is not None


@drive
async def test_the_officer_exports_finalises_and_prints_certificates_from_the_palette(
    graded: Workspace,
) -> None:
    ws = graded
    ensure_account(ws, "钱成绩", Role.OFFICER)
    app = make_app(ws)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        assert isinstance(shown(app), DashboardScreen)
        for query in ("导出", "export", "定稿", "finalise", "证书", "certificates"):
            titles = await found(app, query)
            assert titles, query
        assert "导出成绩 Export the results" in await found(app, "导出")
        assert "导出成绩 Export the results" in await found(app, "export")
        assert "定稿 Finalise the results" in await found(app, "定稿")
        # The staff's printing is listed for the officer greyed out, with the reason.
        sheets = await found(app, "打印答题卡")
        assert sheets["打印答题卡 Print the answer sheets"].startswith("仅限考务人员")

        await from_palette(pilot, "导出成绩")  # from the dashboard
        assert isinstance(shown(app), ResultsScreen)
        exported = sorted(p.name for p in (ws.path / "exports").iterdir())
        assert "results.xlsx" in exported, exported
        assert "results.xlsx" in said(app)  # the result line names the files written
        await pilot.press("c")  # greyed out until final: pressed, it says so
        await settle(pilot)
        assert "打印证书 Print the certificates：此时不可用" in said(app)
        assert not (ws.path / "print" / "certificates").exists()

        await pilot.press("f2")
        await settle(pilot)
        await from_palette(pilot, "定稿")
        assert isinstance(shown(app), ConfirmDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await second_officer(pilot, "钱成绩")  # 双人复核
        assert finalised(ws)

        await pilot.press("f2")
        await settle(pilot)
        await from_palette(pilot, "打印证书")
        assert isinstance(shown(app), ResultsScreen)
    folder = ws.path / "print" / "certificates"
    assert {p.suffix for p in folder.iterdir()} == {".pdf"}
    with ws.session() as s:
        exports = audit.list_entries(session=s, action="results.export", limit=5)
        printed = audit.list_entries(session=s, action="print.certificates", limit=5)
    assert [e.operator for e in exports] == ["赵成绩"]
    assert [e.operator for e in printed] == ["赵成绩"]


@drive
async def test_the_staff_print_from_the_palette_and_see_why_finalising_is_not_theirs(
    graded: Workspace,
) -> None:
    ws = graded
    app = make_app(ws)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "张考务", Role.STAFF)
        dashboard = shown(app)
        assert isinstance(dashboard, DashboardScreen)
        refused = await found(app, "定稿")
        assert refused["定稿 Finalise the results"].startswith("仅限成绩管理")
        assert (await found(app, "export"))["导出成绩 Export the results"].startswith(
            "仅限成绩管理"
        )
        await from_palette(pilot, "定稿 Finalise")
        assert shown(app) is dashboard  # nothing opened, nothing run
        assert "仅限成绩管理" in said(app)
        assert not finalised(ws)

        await from_palette(pilot, "打印考场文件")  # searched by what the office calls them
        assert isinstance(shown(app), SeatingScreen)
        rooms = sorted(p.name for p in (ws.path / "print" / "rooms").iterdir())
        assert rooms and all(name.endswith(".pdf") for name in rooms)
        assert rooms[0] in said(app)

        await pilot.press("f2")
        await settle(pilot)
        await from_palette(pilot, "print the answer sheets")
        assert isinstance(shown(app), SeatingScreen)
        assert (ws.path / "print" / "sheets.pdf").stat().st_size > 0
        assert "sheets.pdf" in said(app)
    with ws.session() as s:
        runs = list(s.exec(select(PrintRun).where(PrintRun.kind == "sheets")))
        documents = audit.list_entries(session=s, action="print.rooms", limit=5)
    assert runs[-1].created_by == "张考务"
    assert [e.operator for e in documents] == ["张考务"]


@drive
async def test_a_greyed_key_says_why(registered_workspace: Workspace) -> None:
    app = make_app(registered_workspace)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "王扫描", Role.PROCTOR)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(shown(app), DashboardScreen)  # not opened
        assert "仅限成绩管理" in said(app)
        app.clear_notifications()
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(shown(app), RegistrationScreen)
        await pilot.press("i")  # importing the roster is the staff's
        await settle(pilot)
        assert isinstance(shown(app), RegistrationScreen)
        assert "仅限考务人员" in said(app)
        # The palette lists the screens and actions this role may not use, with the reason.
        refused = {r.title: r.reason for r in ExamCommands(app.screen).refused()}
        assert refused["前往 成绩 Results"].startswith("仅限成绩管理")
        assert refused["导入报名表 Import roster"].startswith("仅限考务人员")
        assert "扫描文件夹 Scan a folder" not in refused


@drive
async def test_an_action_that_fails_closes_its_progress_and_says_why(
    registered_workspace: Workspace,
) -> None:
    app = make_app(registered_workspace)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "张考务", Role.STAFF)
        await from_palette(pilot, "打印考场文档")  # nobody is seated yet
        assert isinstance(shown(app), SeatingScreen)  # the progress dialog closed
        assert "错误 Error" in said(app), said(app)
    assert not (registered_workspace.path / "print" / "rooms").exists() or not any(
        (registered_workspace.path / "print" / "rooms").iterdir()
    )
