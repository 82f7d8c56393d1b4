"""Dashboard: the pipeline's figures come from the database and follow it."""

from __future__ import annotations

from textual.widgets import Static

from exam_center.services import status, venues
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.screens.dashboard import DashboardScreen
from exam_center.tui.widgets.stat_card import StatCard
from tests.tui.pilot_steps import drive, settle, sign_in
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
