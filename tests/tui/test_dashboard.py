"""Dashboard: the pipeline's figures come from the database and follow it; the next step
is named as the TUI does it, and enter (or g) opens its screen and runs it there, if the
operator's role may."""

from __future__ import annotations

from textual.widgets import Static, TabbedContent

from exam_center.services import status, venues
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.reseat import ReseatDialog
from exam_center.tui.screens.dashboard import DashboardScreen
from exam_center.tui.screens.results import ResultsScreen
from exam_center.tui.screens.seating import SeatingScreen
from exam_center.tui.widgets.stat_card import StatCard
from tests.tui.pilot_steps import drive, settle, shown, sign_in
from tests.tui.scenes import Inputs, register_everyone


def card_value(screen: DashboardScreen, key: str) -> str:
    return str(screen.query_one(f"#card-{key} .stat-value", Static).render())


@drive
async def test_the_figures_follow_the_database(exam_workspace: Workspace, inputs: Inputs) -> None:
    app = make_app(exam_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert card_value(screen, "registered") == "0"
        assert "import the candidates' rosters" in str(
            screen.query_one("#next-action", Static).render()
        )

        register_everyone(exam_workspace, inputs)  # as another terminal would
        await pilot.press("ctrl+r")
        await settle(pilot)
        with exam_workspace.session() as s:
            st = status.pipeline_status(session=s)
            rooms = len(venues.list_rooms(session=s))
        assert (st.registered, st.eligible) == (60, 57)
        assert card_value(screen, "registered") == "60"
        assert card_value(screen, "eligible") == "57"
        assert card_value(screen, "rooms") == str(rooms)
        assert card_value(screen, "invigilators") == str(st.invigilators)
        assert card_value(screen, "seated") == "0 / 57"
        assert screen.query_one("#card-registered", StatCard).has_class("done")
        assert st.next_action in str(screen.query_one("#next-action", Static).render())
        assert not screen.query_one("#scan-section").display  # no sheets yet: no bar

        assert st.next_step == "seat" and screen.query_one("#card-seated").has_class("next")
        assert sum(card.has_class("next") for card in screen.query(StatCard)) == 1
        assert "编排座位 Seat the candidates" in next_action(screen)
        assert "在 考场 Rooms (F4 → s) 执行" in next_action(screen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(shown(app), ReseatDialog)  # the action itself, on the rooms screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(shown(app), SeatingScreen)


def next_action(screen: DashboardScreen) -> str:
    return str(screen.query_one("#next-action", Static).render())


@drive
async def test_the_next_step_opens_only_for_a_role_that_may_take_it(
    graded_workspace: Workspace,
) -> None:
    with graded_workspace.session() as s:
        assert status.pipeline_status(session=s).next_step == "finalise"
    app = make_app(graded_workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "张考务", Role.STAFF)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.query_one("#card-finalised").has_class("next")
        assert screen.check_action("go_next", ()) is None  # greyed out for exam-centre staff
        assert "仅限成绩管理" in next_action(screen)
        await pilot.press("enter", "g")
        await settle(pilot)
        assert shown(app) is screen

        await pilot.press("ctrl+o")
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        assert shown(app) is screen and screen.check_action("go_next", ())
        await pilot.press("g")
        await settle(pilot)
        results = shown(app)
        assert isinstance(results, ResultsScreen)
        assert results.query_one("#results-tabs", TabbedContent).active == "final"
