"""Steps shared by the Pilot tests, the snapshot tests and the screenshot script."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from exam_center.tui.context import Role

P = ParamSpec("P")


def drive(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async Pilot test in its own event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and its result reach the screen."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def sign_in(pilot: Pilot[None], name: str = "张考务", role: Role = Role.STAFF) -> None:
    """Type the name and pick the role on the start screen, as an operator would."""
    await settle(pilot)
    field = pilot.app.screen.query_one("#operator-name", Input)
    field.value = ""
    await pilot.press(*name)
    await pilot.click(f"#role-{role.value}")
    await pilot.press("ctrl+s")
    await settle(pilot)


def shown(app: App[None]) -> Screen[object]:
    """The screen on top. A call, not `app.screen`: mypy keeps an attribute narrowed by
    an earlier isinstance assert, though the screen changes as keys are pressed."""
    return app.screen


def still_frame(pilot: Pilot[None]) -> None:
    """No blinking cursor and no passing notification in a snapshot."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    pilot.app.clear_notifications()
