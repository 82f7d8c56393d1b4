"""Registration screen: the import dialog writes candidates only after a clean dry
run, shows every error otherwise; filters, search and paging; roles."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Input, Select, Static

from exam_center.services import audit, registration
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.import_file import ImportDialog
from exam_center.tui.screens import registration as registration_screen
from exam_center.tui.screens.registration import RegistrationScreen
from exam_center.tui.widgets.candidate_detail import CandidateDetail
from exam_center.tui.widgets.problem_table import ProblemTable
from tests.tui.pilot_steps import drive, settle, sign_in
from tests.tui.scenes import Inputs


def table_ids(screen: RegistrationScreen) -> list[int]:
    table = screen.query_one("#candidates", DataTable)
    return [int(str(key.value)) for key in table.rows]


async def open_import(pilot, path: str) -> ImportDialog:  # type: ignore[no-untyped-def]
    await pilot.press("f3", "i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = path
    await pilot.press("enter")  # the path field has focus: Enter runs the dry run
    await settle(pilot)
    return dialog


@drive
async def test_a_roster_is_imported_only_after_a_clean_dry_run(
    exam_workspace: Workspace, inputs: Inputs
) -> None:
    app = make_app(exam_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "张考务", Role.STAFF)
        dialog = await open_import(pilot, "inputs/no-such-roster.csv")
        assert "文件不存在 (no such file)" in str(
            dialog.query_one("#import-status", Static).render()
        )

        dialog.query_one("#import-path", Input).value = str(inputs.bad_roster)
        await pilot.press("ctrl+t")
        await settle(pilot)
        table = dialog.query_one("#import-problems", ProblemTable)
        shown = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert shown == [
            ("3", "身份证号", "must have 18 characters (has 5)"),
            ("6", "设区市", shown[1][2]),
            ("9", "周周练积分", "不是整数 '很多' is not a whole number"),
        ]
        assert "'南景' is not a team" in shown[1][2]
        assert dialog.check_action("commit", ()) is None  # greyed out in the footer
        await pilot.press("ctrl+s")  # refused: nothing has passed the check
        assert pilot.app.screen is dialog

        dialog.query_one("#import-path", Input).value = str(inputs.roster)
        await pilot.press("ctrl+t")
        await settle(pilot)
        status = str(dialog.query_one("#import-status", Static).render())
        assert "检查通过" in status and "60 行可导入" in status
        assert not dialog.query_one("#import-problems", ProblemTable).display
        with exam_workspace.session() as s:
            assert registration.count_candidates(session=s) == 0  # a dry run imports nothing
        assert not dialog.query_one("#commit", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        with exam_workspace.session() as s:
            listed = registration.list_candidates(session=s)
            newest = audit.list_entries(session=s, limit=1)[0]
        assert len(listed) == 60
        assert table_ids(screen) == [c.id for c in listed]
        assert (newest.action, newest.operator, newest.detail["rows"]) == (
            "candidates.import",
            "张考务",
            60,
        )


@drive
async def test_filters_search_and_the_eligibility_details(
    registered_workspace: Workspace,
) -> None:
    with registered_workspace.session() as s:
        ineligible = registration.list_candidates(session=s, eligible=False)
        wuxi = registration.list_candidates(session=s, team="无锡", show_ids=True)
    assert len(ineligible) == 3  # the synthetic roster's three rule breakers
    app = make_app(registered_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        assert len(table_ids(screen)) == 60

        screen.query_one("#eligibility-filter", Select).value = False
        await settle(pilot)
        assert table_ids(screen) == [c.id for c in ineligible]
        # the last one fails two rules; the detail lists every one of them
        await pilot.press("down", "down")
        detail = str(screen.query_one("#candidate-detail", CandidateDetail).render())
        assert len(ineligible[2].failures) == 2
        for failure in ineligible[2].failures:
            assert failure.message in detail

        screen.query_one("#eligibility-filter", Select).clear()
        screen.query_one("#team-filter", Select).value = "无锡"
        await settle(pilot)
        assert table_ids(screen) == [c.id for c in wuxi]

        screen.query_one("#team-filter", Select).clear()
        await pilot.press("slash")
        screen.query_one("#search", Input).value = wuxi[1].id_number[:14]
        await pilot.press("enter")
        await settle(pilot)
        assert table_ids(screen) == [wuxi[1].id]


@drive
async def test_paging_walks_the_list_and_n_types_in_the_search_box(
    registered_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registration_screen, "PAGE_SIZE", 25)
    with registered_workspace.session() as s:
        everyone = [c.id for c in registration.list_candidates(session=s)]
    app = make_app(registered_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RegistrationScreen)
        assert table_ids(screen) == everyone[:25]
        assert screen.check_action("previous_page", ()) is None
        await pilot.press("n", "n")
        await settle(pilot)
        assert table_ids(screen) == everyone[50:]
        assert screen.check_action("next_page", ()) is None
        await pilot.press("p")
        await settle(pilot)
        assert table_ids(screen) == everyone[25:50]
        await pilot.press("slash", "n")
        assert screen.query_one("#search", Input).value == "n"
