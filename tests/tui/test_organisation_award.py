"""岗位练兵优秀组织奖 on the results screen: beside the teams table (awards tab), the
officer records it for the selected team with its basis, sees it in the table, and
once the results are final the action is greyed out and the service refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from exam_center.domain.errors import NotAllowed
from exam_center.services import audit, team_awards
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.reason import ReasonDialog
from exam_center.tui.screens.results import ResultsScreen
from tests.exam_center.graded_exam import graded_exam
from tests.signing import finalise_by_two
from tests.tui.pilot_steps import drive, settle, shown, sign_in


@pytest.fixture
def graded(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path)
    return ws


def _teams(screen: ResultsScreen) -> list[list[str]]:
    table = screen.query_one("#teams", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@drive
async def test_the_officer_records_the_award_for_the_selected_team(graded: Workspace) -> None:
    app = make_app(graded)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        assert screen.check_action("organisation_award", ()) is False  # ranking tab
        await pilot.press("2")
        await settle(pilot)
        assert screen.check_action("organisation_award", ()) is True
        table = screen.query_one("#teams", DataTable)
        table.move_cursor(row=2)
        chosen = _teams(screen)[2][1]
        await pilot.press("g")
        await settle(pilot)
        dialog = shown(app)
        assert isinstance(dialog, ReasonDialog) and chosen in dialog.title_text
        await pilot.press("ctrl+s")  # no reason: the dialog refuses
        assert shown(app) is dialog
        dialog.query_one("#decision-reason", Input).value = "组织情况及在线学习记录评审"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
        row = next(r for r in _teams(screen) if r[1] == chosen)
        assert row[-1] == "岗位练兵优秀组织奖"

        with graded.session() as s:
            finalise_by_two(s)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.check_action("organisation_award", ()) is None  # greyed out
        await pilot.press("g")
        await settle(pilot)
        assert shown(app) is screen

    with graded.session() as s:
        (entry,) = audit.list_entries(session=s, action="team.organisation_award", limit=5)
        awards = team_awards.organisation_awards(session=s)
    assert (entry.operator, entry.detail["team"]) == ("赵成绩", chosen)
    assert [(a.team, a.reason) for a in awards] == [(chosen, "组织情况及在线学习记录评审")]
    with graded.session() as s, pytest.raises(NotAllowed, match="finalised"):
        team_awards.record_organisation_award("南京", session=s, reason="y")
