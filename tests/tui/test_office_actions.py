"""The office's work in the TUI, without the CLI: the staff print the answer sheets and
spare sheets from the rooms screen, the results officer exports the results and, once
final, prints the certificates from the results screen; each is offered in the command
palette while it is possible. The national list shows the chosen and the recommended,
by name; a prior holder passed over is listed at their rank with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from exam_center.db.models import Candidate, PrintRun, Seat
from exam_center.services import audit, results, standings
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.commands import ExamCommands
from exam_center.tui.context import Role
from exam_center.tui.dialogs.count import CountDialog
from exam_center.tui.screens.results import ResultsScreen
from exam_center.tui.screens.seating import SeatingScreen
from tests.exam_center.graded_exam import graded_exam
from tests.signing import finalise_by_two
from tests.tui.pilot_steps import drive, settle, shown, sign_in

EXPERT = "江苏省人社知识通"


@pytest.fixture
def graded(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    """30 candidates ranked in seat order; the best received 江苏省人社知识通 in 2021."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path)
    # compute_now: the edit below goes round the services (unaudited), so a computation
    # kept at this change stamp would not see it.
    with ws.session() as s:
        best_id = standings.results_json(results.compute_now(s), s)["candidates"][0]["candidate_id"]
        best = s.exec(select(Candidate).where(Candidate.id == best_id)).one()
        best.prior_honours = [{"honour": EXPERT, "year": 2021}]
        s.add(best)
    return ws


def palette(app: object) -> list[str]:
    return [title for title, _, _ in ExamCommands(app.screen).commands()]  # type: ignore[attr-defined]


def rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@drive
async def test_the_staff_print_sheets_and_spares_from_the_rooms_screen(graded: Workspace) -> None:
    app = make_app(graded)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot, "张考务", Role.STAFF)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SeatingScreen)
        assert "打印答题卡 Print the answer sheets" in palette(app)
        assert "打印备用答题卡 Print spare sheets" in palette(app)
        await pilot.press("a")
        await settle(pilot)
        assert (graded.path / "print" / "sheets.pdf").stat().st_size > 0
        await pilot.press("e")
        await settle(pilot)
        dialog = shown(app)
        assert isinstance(dialog, CountDialog)
        dialog.query_one("#count-value", Input).value = "0"
        await pilot.press("ctrl+s")
        assert shown(app) is dialog  # refused: at least one
        dialog.query_one("#count-value", Input).value = "3"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
    with graded.session() as s:
        runs = {r.kind: r for r in s.exec(select(PrintRun))}
        seated = len(s.exec(select(Seat)).all())
        printed = audit.list_entries(session=s, action="print.spares", limit=1)
    assert runs["sheets"].count == seated and runs["spares"].count == 3
    assert Path(runs["spares"].path).is_file() and printed[0].operator == "张考务"


@drive
async def test_the_officer_sees_the_lists_exports_and_prints_certificates(
    graded: Workspace,
) -> None:
    with graded.session() as s:
        national = standings.national_json(results.compute(s))
    app = make_app(graded)
    async with app.run_test(size=(160, 40)) as pilot:
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)

        listed = rows(screen.query_one("#national-table", DataTable))
        chosen = [r for r in listed if r[0].startswith("选拔")]
        recommended = [r for r in listed if r[0].startswith("推荐")]
        assert [r[3] for r in chosen] == national["selected"] and chosen
        assert [r[3] for r in recommended] == national["recommended"]
        assert all(r[4] for r in listed)  # every one by name

        awards = rows(screen.query_one("#individual", DataTable))
        first = next(i for i, r in enumerate(awards) if EXPERT in r[0])
        assert awards[first][0] == f"（{EXPERT}）" and awards[first][1] == "1"
        assert "2021年已获此荣誉，不重复授予" in awards[first][4]
        assert awards[first + 1][:2] == [EXPERT, "2"]
        assert not any("顺延 顺延" in r[4] or "依次顺延 顺延" in r[4] for r in awards)

        assert screen.check_action("certificates", ()) is None  # not final yet: greyed
        assert "导出成绩 Export the results" in palette(app)
        assert "打印证书 Print the certificates" not in palette(app)
        await pilot.press("x")
        await settle(pilot)
        exported = sorted(p.name for p in (graded.path / "exports").iterdir())
        assert any(name.endswith(".xlsx") for name in exported), exported

        with graded.session() as s:
            finalise_by_two(s)
        await pilot.press("ctrl+r")
        await settle(pilot)
        # Final: read from the sealed snapshot, the same lists; the item analysis follows.
        assert screen.scene is not None and screen.scene.finalised
        assert rows(screen.query_one("#national-table", DataTable)) == listed
        assert rows(screen.query_one("#individual", DataTable)) == awards
        assert screen.query_one("#items-table", DataTable).row_count
        assert "打印证书 Print the certificates" in palette(app)
        await pilot.press("c")
        await settle(pilot)
    folder = graded.path / "print" / "certificates"
    assert {p.suffix for p in folder.iterdir()} == {".pdf"} and len(list(folder.iterdir())) == 3
    with graded.session() as s:
        (done,) = audit.list_entries(session=s, action="results.export", limit=5)
    assert done.operator == "赵成绩"
