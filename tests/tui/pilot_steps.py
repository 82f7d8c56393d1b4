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
from textual.worker import WorkerCancelled

from exam_center.services import accounts
from exam_center.services.permissions import Actor
from exam_center.services.workspace import Workspace
from exam_center.tui.context import Role

P = ParamSpec("P")


def drive(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async Pilot test in its own event loop (no pytest async plugin needed)."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and its result reach the screen. A worker cancelled
    meanwhile (a newer one in its exclusive group, or its screen closed, such as the
    sign-in's check) has nothing left to wait for: waiting goes on for the others."""
    for _ in range(3):
        for _attempt in range(10):
            try:
                await pilot.app.workers.wait_for_complete()
                break
            except WorkerCancelled:
                await pilot.pause()
        await pilot.pause()


PASSWORD = "pilot-password-1"
ADMIN = Actor("考试管理员", "考试管理员", frozenset({Role.ADMIN}))


def ensure_account(workspace: Workspace, name: str, role: Role) -> None:
    """The account `name` with the one role `role`, as the administrator makes it."""
    with workspace.session(ADMIN) as s:
        if any(a.name == name for a in accounts.list_accounts(s)):
            accounts.set_roles(s, name=name, roles=[role.value])
        else:
            accounts.add_account(s, name=name, password=PASSWORD, roles=[role.value])


async def sign_in(pilot: Pilot[None], name: str = "张考务", role: Role = Role.STAFF) -> None:
    """Sign in on the start screen with the account's name and password, as a person
    would (the account is made first, with `role`)."""
    app: Any = pilot.app
    ensure_account(app.context.workspace, name, role)
    await settle(pilot)
    field = pilot.app.screen.query_one("#operator-name", Input)
    field.value = ""
    field.focus()
    await pilot.pause()
    await pilot.press(*name)
    await pilot.press("enter")
    await pilot.press(*PASSWORD)
    await pilot.press("enter")
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


async def second_officer(pilot: Pilot[None], name: str) -> None:
    """双人复核: the second results officer signs in the dialog with their password."""
    from exam_center.tui.dialogs.second_officer import SecondOfficerDialog

    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, SecondOfficerDialog), dialog
    dialog.query_one("#second-name", Input).value = name
    dialog.query_one("#second-password", Input).value = PASSWORD
    await pilot.press("ctrl+s")
    await settle(pilot)
