"""Results: finalising is confirmed first and, while a tie waits, refused with every
reason listed; the tie is decided through its dialog and recorded with the officer;
then finalising succeeds, and re-opening records its reason."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, SelectionList

from exam_center.services import audit, exams, results, standings
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.confirm import ConfirmDialog
from exam_center.tui.dialogs.reason import ReasonDialog
from exam_center.tui.dialogs.refusal import ReasonsDialog
from exam_center.tui.dialogs.tie import TieDialog
from exam_center.tui.screens.results import ResultsScreen
from tests.tui.pilot_steps import drive, ensure_account, second_officer, settle, shown, sign_in


def rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def finalised(ws: Workspace) -> bool:
    with ws.session() as s:
        return exams.exam_summary(session=s).finalised


@drive
async def test_finalising_is_refused_with_its_reasons_until_the_tie_is_decided(
    graded_workspace: Workspace,
) -> None:
    ws = graded_workspace
    with ws.session() as s:
        [tie] = standings.pending_ties(results.compute(s))
    winner = tie.tied[1]
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        ranking = rows(screen.query_one("#ranking-table", DataTable))
        assert [r[0] for r in ranking[:3]] == ["1", "2", "3"]
        assert sum(r[0] == str(tie.rank) for r in ranking) == 2  # the two tied share a rank

        await pilot.press("f")
        await settle(pilot)
        assert isinstance(shown(app), ConfirmDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        refusal = app.screen
        assert isinstance(refusal, ReasonsDialog)
        listed = refusal.query_one("#reasons", OptionList)
        reasons = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
        assert len(reasons) == 1
        assert f"第 {tie.rank} 名" in reasons[0] and f"从 {'、'.join(tie.tied)} 中选" in reasons[0]
        assert not finalised(ws)
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TieDialog)
        await pilot.press("ctrl+s")  # nobody chosen: refused by the dialog
        assert shown(app) is dialog
        dialog.query_one("#tie-winners", SelectionList).select(winner)
        dialog.query_one("#tie-reason", Input).value = "评审委员会决定"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen and isinstance(screen, ResultsScreen)
        assert screen.scene is not None and screen.scene.pending == []
        awards = rows(screen.query_one("#individual", DataTable))
        assert [tie.award, str(tie.rank), winner] in [r[:3] for r in awards]

        ensure_account(ws, "钱成绩", Role.OFFICER)
        await pilot.press("f", "ctrl+s")
        await settle(pilot)
        assert not finalised(ws)  # 双人复核: asked for, waiting for a second officer
        await second_officer(pilot, "钱成绩")
        assert finalised(ws)
        assert screen.check_action("finalise", ()) is None
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(shown(app), ReasonDialog)
        shown(app).query_one("#decision-reason", Input).value = "更正第12题答案"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert finalised(ws)
        await second_officer(pilot, "钱成绩")
        assert not finalised(ws)

    with ws.session() as s:
        decided = audit.list_entries(session=s, action="tie.decide", limit=1)[0]
        done = audit.list_entries(session=s, action="results.finalise", limit=1)[0]
        reopened = audit.list_entries(session=s, action="results.reopen", limit=1)[0]
    assert (decided.operator, decided.detail["winners"], decided.detail["reason"]) == (
        "赵成绩",
        [winner],
        "评审委员会决定",
    )
    # 双人复核: asked for by one officer, signed by the other, both recorded.
    assert (done.detail["requested_by"], done.operator) == ("赵成绩", "钱成绩")
    assert (reopened.detail["requested_by"], reopened.operator) == ("赵成绩", "钱成绩")
    assert reopened.detail["reason"] == "更正第12题答案"
