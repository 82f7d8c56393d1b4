"""Snapshots of the main screens at 120×36 on a fixed scene: a seeded roster, a frozen
audit clock in a fixed time zone, relative paths, no blinking cursor.

Update after an intended change with `pytest tests/tui --snapshot-update` and look at
the SVGs in tests/tui/__snapshots__/ before committing them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from tests.tui.pilot_steps import settle, sign_in, still_frame
from tests.tui.scenes import create_exam, frozen_audit_clock, register_everyone, write_inputs

SIZE = (120, 36)


@pytest.fixture
def scene(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    make_workspace: Callable[..., Workspace],
) -> Iterator[Workspace]:
    monkeypatch.chdir(tmp_path)
    with frozen_audit_clock():
        inputs = write_inputs(Path("inputs"), candidates=60, seed=7)
        workspace = make_workspace(folder=Path("ws"))
        create_exam(workspace, inputs)
        register_everyone(workspace, inputs)
        yield workspace


Step = Callable[[Pilot[None]], Awaitable[None]]


def steps(*keys: str, before: Step | None = None) -> Step:
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师")
        if before is not None:
            await before(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        still_frame(pilot)

    return run


async def start_only(pilot: Pilot[None]) -> None:
    await settle(pilot)
    still_frame(pilot)


async def import_bad_roster(pilot: Pilot[None]) -> None:
    await pilot.press("f3", "i")
    await settle(pilot)
    pilot.app.screen.query_one("#import-path", Input).value = "inputs/roster-with-errors.csv"
    await pilot.press("enter")
    await settle(pilot)


def test_start_screen(snap_compare: Any, scene: Workspace) -> None:
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=start_only)


def test_dashboard(snap_compare: Any, scene: Workspace) -> None:
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=steps())


def test_registration_with_an_ineligible_candidate_selected(
    snap_compare: Any, scene: Workspace
) -> None:
    run = steps("f3", "down", "down", "down")
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=run)


def test_import_dialog_with_the_error_report(snap_compare: Any, scene: Workspace) -> None:
    run = steps(before=import_bad_roster)
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=run)


def test_rooms_and_invigilators(snap_compare: Any, scene: Workspace) -> None:
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=steps("f4"))


def test_audit_log_verified(snap_compare: Any, scene: Workspace) -> None:
    assert snap_compare(make_app(scene), terminal_size=SIZE, run_before=steps("f9", "v"))
